// Loading a data set for an analysis, from any of catena's inputs:
//
// - a data folder (`--data DIR`) holding customers.csv and relationships.csv (required) and
//   referrals.csv and transactions.csv (optional);
// - a plain edge list (`--edges FILE`, columns source,target[,weight] or any relationships
//   columns), optionally with a customers table (`--nodes FILE`); without one, every id named
//   becomes a person;
// - a SQLite workspace written by `catena import` (`--db FILE`), opened read-only.
//
// Column names are matched case-insensitively; see README "Input formats" for every column.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "catena/graph/dataset.hpp"
#include "catena/graph/relationship_types.hpp"
#include "catena/loaders/dataset_sink.hpp"

namespace catena {

struct InputSource {
    std::filesystem::path data_dir;
    std::filesystem::path edges_file;
    std::filesystem::path nodes_file;
    std::filesystem::path db_file;
    // Exactly one of data_dir, edges_file, db_file must be set (nodes_file only with edges_file);
    // throws UsageError otherwise.
    void validate() const;
    std::string describe() const;
};

struct LoadOptions {
    RelationshipTypes types;  // built-ins plus any declared with --type
    bool directed = false;    // rows without a type are `influences` instead of `knows`
};

// Reads the CSV tables of a folder or edge list into `sink`, in table order; notes for the user
// (columns not used) are appended to `warnings`.
void read_csv_input(const InputSource& source, DatasetSink& sink,
                    std::vector<std::string>& warnings);

// Loads the whole data set; throws InputError or UsageError with one clear message.
Dataset load_dataset(const InputSource& source, const LoadOptions& options);

}  // namespace catena

namespace catena {

// How big an input is, without loading it (line counts of the CSV files, row counts of the
// database tables): for --estimate and --memory-limit. Counts are upper bounds where a quoted
// field spans lines. Without a customers table, `customers` is a quarter of the rows (a CRM
// graph's typical 8 relationship ends per customer).
struct InputSize {
    std::uint64_t customers = 0, relationship_rows = 0, referrals = 0, transactions = 0;
};
InputSize measure_input(const InputSource& source);  // throws InputError for a missing file

}  // namespace catena
