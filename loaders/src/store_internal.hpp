// What the files of the SQLite workspace share, private to loaders/: the schema (store_schema.cpp),
// small helpers for rows and meta keys, the stored type table (store_read.cpp) and the append
// (store_append.cpp), which import_to_store (store_import.cpp) runs for --append.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "catena/graph/date.hpp"
#include "catena/graph/relationship_types.hpp"
#include "catena/loaders/store.hpp"

#include "sqlite_db.hpp"

namespace catena::store {

// --- Schema (store_schema.cpp) ------------------------------------------------------------------

// Creates the input tables of a new workspace (IF NOT EXISTS), with nothing else.
void create_input_tables(sqlite::Database& db);
// Creates what a workspace of this version has and an older one lacks, inside the caller's
// transaction, and sets its schema version.
void upgrade_schema(sqlite::Database& db);
// Result tables (runs, rank_scores, ...), including what workspaces made by earlier catena
// versions lack.
void ensure_result_schema(sqlite::Database& db);
// Empties the input tables (a create or replace), inside the caller's transaction.
void clear_inputs(sqlite::Database& db);
// Before an import: an empty file, or a workspace of a version this catena can upgrade; else an
// InputError.
void check_workspace(sqlite::Database& db, const std::filesystem::path& db_path);
// Before a load: InputError unless `version` (catena_meta's schema_version) can be read.
void check_readable_version(std::string_view version, const std::filesystem::path& db_path);

bool has_column(sqlite::Database& db, const char* table, std::string_view column);
void set_meta(sqlite::Database& db, std::string_view key, std::string_view value);

// --- Rows ---------------------------------------------------------------------------------------

inline std::optional<std::string> iso(const std::optional<Date>& date) {
    if (!date) return std::nullopt;
    return format_iso_date(*date);
}

// Empty text is stored as NULL.
inline std::optional<std::string_view> not_empty(std::string_view text) {
    if (text.empty()) return std::nullopt;
    return text;
}

// Adding a customer row, for both import sinks: the statement, and binding and running it
// (store_import.cpp).
inline constexpr const char* kInsertCustomer =
    "INSERT INTO customers (id, ord, kind, name, segment, value, cost, opt_out, listed) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
void insert_customer(sqlite::Statement& insert, const CustomerRow& row, std::int64_t ord,
                     bool listed);

// The relationship types of a workspace: those stored at import, then whatever this run declares
// on top (as load_store reads them). In store_read.cpp.
RelationshipTypes workspace_types(sqlite::Database& db, const RelationshipTypes& declared);

// How the sink of an import reads `source`: an edge list without a customers file creates its
// customers. In store_import.cpp.
GraphSinkOptions sink_options(const InputSource& source, RelationshipTypes types, bool directed);

// An append into `db` (with `write`, inside an open write transaction; else only read); fills
// the counts of `summary`. In store_append.cpp.
void append_inputs(sqlite::Database& db, bool write, const InputSource& source,
                   const LoadOptions& options, ImportSummary& summary);

}  // namespace catena::store
