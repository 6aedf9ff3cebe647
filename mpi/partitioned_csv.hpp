// Reading one CSV file across MPI ranks, each rank its own byte range, without any rank reading
// the whole file.
//
// Rank r of P takes the bytes [r * size / P, (r + 1) * size / P) and owns the records that start
// there; it reads on past its end to finish its last record. Where a record starts depends on
// every byte before it (a quoted field may hold line breaks, and a quote is only special at the
// start of a field), so each rank runs catena's CSV grammar over its range once from each state
// the grammar can be in, and the ranks combine these state maps in rank order: every rank then
// knows the state at its start, exactly, whatever quotes came before. Line breaks (LF, CRLF, CR,
// quoted or not, as CsvReader counts them) are counted the same way, so each rank's reader starts
// at the file's true line number and its errors name the line `catena` would name.
//
// The header is read by every rank (the file's first record); its problems (missing file, empty
// file, an unusable header) come out the same on every rank.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>

#include "catena/loaders/csv_reader.hpp"

#include "collective.hpp"

namespace catena::mpi {

struct CsvPartition {
    std::optional<CsvReader> reader;   // this rank's records, with the file's header and lines
    std::uint64_t begin = 0, end = 0;  // the bytes of the file they come from
    std::uint64_t file_size = 0;
};

// Collective: every rank calls it with the same path. Errors are agreed (collective.hpp): every
// rank throws Stop after one has printed the message.
CsvPartition read_partition(const Comm& comm, const std::filesystem::path& path);

}  // namespace catena::mpi
