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

// What to do with a bad row (a value that does not parse, an unknown customer, a referral that
// closes a cycle, a record with the wrong number of fields):
// - stop: collect up to `max_errors` of them (each `file:line: column: what`), then stop with an
//   InputError listing them all; nothing is loaded or stored;
// - skip: leave the row out, record it in Dataset::input.skipped (written to a rejects file by
//   the caller) and go on.
// Errors that concern a whole file (missing, no header, a missing column, an unterminated quote)
// always stop at once.
enum class BadRowPolicy { stop, skip };
BadRowPolicy parse_bad_row_policy(std::string_view text);  // "stop" or "skip"; UsageError otherwise

// The message of the input error that stops a load on bad rows (catena's stop policy): the
// rows' lines ("file:line: column: what"), how many, and what to do. One row alone is its own
// line. `stopped_early`: the load stopped at LoadOptions::max_errors, there may be more.
std::string bad_rows_message(const std::vector<std::string>& errors, bool stopped_early);

struct LoadOptions {
    RelationshipTypes types;  // built-ins plus any declared with --type
    bool directed = false;    // rows without a type are `influences` instead of `knows`
    // A mapping file (TOML) saying how the files of a data folder feed catena's tables; empty:
    // the folder holds catena's own customers.csv, relationships.csv, ... (see mapping.hpp).
    std::filesystem::path mapping;
    // Bad rows: stop (default) or skip. Unset: the mapping's `on_bad_row`, else stop.
    std::optional<BadRowPolicy> on_bad_row;
    std::size_t max_errors = 20;  // errors listed before stopping (stop policy)
    // Every table of a data folder may be absent (an append of new interactions); without it,
    // customers.csv and relationships.csv are required.
    bool tables_optional = false;
    // A data folder's relationships.csv is left unread (catena-mpi reads it over its ranks).
    bool skip_relationships = false;
};

// How one source file was read: for `import --dry-run` and notes.
struct SourceReport {
    std::string table;      // customers, relationships, referrals or transactions
    std::string file;       // as shown in messages
    std::string delimiter;  // ",", ";", "tab" or "|"
    bool delimiter_detected = false;
    std::string encoding = "utf-8";
    std::vector<std::pair<std::string, std::string>>
        mapped;                           // catena column <- source (column, template, constant)
    std::vector<std::string> unmapped;    // source columns not used
    std::vector<std::string> attributes;  // customers: columns kept as text attributes
    std::uint64_t records = 0;            // records read
    std::uint64_t rows =
        0;  // rows given to the table (a list column expands one record into several)
    std::uint64_t filtered = 0;  // records dropped by skip_if
    std::uint64_t skipped = 0;   // bad rows left out (skip policy)
};

struct ReadReport {
    std::vector<SourceReport> sources;
    std::vector<std::string> warnings;  // notes for the user (columns not used, merges, detections)
    InputReport input;                  // skipped rows, filtered and merged counts
};

// Reads the CSV tables of a folder (through options.mapping when set) or edge list into `sink`,
// in table order. Bad rows follow options.on_bad_row; what was read goes into `report`.
void read_csv_input(const InputSource& source, const LoadOptions& options, DatasetSink& sink,
                    ReadReport& report);

class CsvReader;
// Reads one relationships table (an edge list's columns) from `reader` into `sink`, as
// read_csv_input reads --edges without --nodes: begin_customers({}) first, then every row; bad
// rows follow options.on_bad_row. For a reader of part of a file (CsvReader::continuation):
// catena-mpi reads its byte range of an edge list so.
void read_relationships_table(CsvReader reader, const LoadOptions& options, DatasetSink& sink,
                              ReadReport& report);

// Writes skipped rows as CSV (file,line,table,column,reason,message,record), through a temporary
// name, after a UTF-8 byte-order mark when `byte_order_mark` (for Excel); throws OutputError when
// the file cannot be written.
void write_rejects_csv(const std::filesystem::path& path, const std::vector<SkippedRow>& rows,
                       bool byte_order_mark = false);

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
    bool edge_list = false;  // read from --edges: rows of source, target and weight alone
};
InputSize measure_input(const InputSource& source);  // throws InputError for a missing file

}  // namespace catena
