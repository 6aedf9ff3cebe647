// Reading the workspace: load_store (the input tables, as a CSV load would read them, and the
// last imports) and the stored type table.
#include <algorithm>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "catena/graph/errors.hpp"

#include "field_parse.hpp"
#include "store_internal.hpp"

namespace catena {

namespace store {

RelationshipTypes workspace_types(sqlite::Database& db, const RelationshipTypes& declared) {
    RelationshipTypes types;
    sqlite::Statement stored(
        db, "SELECT name, directed, strength FROM relationship_types ORDER BY rowid");
    while (stored.step()) types.declare(stored.text(0), stored.integer(1) != 0, stored.real(2));
    const RelationshipTypes defaults;
    for (const RelationshipType& type : declared.all()) {
        const auto builtin = defaults.find(type.name);
        if (!builtin || !(defaults[*builtin] == type))
            types.declare(type.name, type.directed, type.strength);
    }
    return types;
}

}  // namespace store

namespace {

// The input tables after customers, each in input order; the first column is the row number.
constexpr const char* kRelationships =
    "SELECT row, source, target, type, weight, probability, date, directed FROM relationships "
    "ORDER BY row";
constexpr const char* kReferrals =
    "SELECT row, referrer, referred, date, converted, reward FROM referrals ORDER BY row";
constexpr const char* kTransactions =
    "SELECT row, customer, date, amount, channel, on_behalf_of, order_id FROM transactions "
    "ORDER BY row";
constexpr const char* kTransactionsWithoutOrderId =  // a version-1 workspace
    "SELECT row, customer, date, amount, channel, on_behalf_of FROM transactions ORDER BY row";

// Where a stored row is, for an error: "FILE: table customers, row 7".
std::string where(const std::string& file, const char* table, std::int64_t row) {
    return file + ": table " + table + ", row " + std::to_string(row);
}

// The customers, in input order, with their attributes.
void read_customers(sqlite::Database& db, GraphSink& sink, const std::string& file) {
    std::vector<std::string> attribute_names;
    {
        sqlite::Statement names(db, "SELECT name FROM customer_attribute_names ORDER BY position");
        while (names.step()) attribute_names.emplace_back(names.text(0));
    }
    sink.begin_customers(attribute_names);
    sqlite::Statement customers(db,
                                "SELECT id, kind, name, segment, value, cost, opt_out, "
                                "listed, ord FROM customers ORDER BY ord");
    // Attributes by customer order and column position (positions need not be consecutive:
    // an append adds a column after the largest).
    sqlite::Statement attributes(
        db,
        "SELECT c.ord, n.position, a.value FROM customer_attributes a "
        "JOIN customers c ON c.id = a.customer "
        "JOIN customer_attribute_names n ON n.name = a.name ORDER BY c.ord, n.position");
    std::unordered_map<std::int64_t, std::size_t> column_of;
    {
        sqlite::Statement positions(
            db, "SELECT position FROM customer_attribute_names ORDER BY position");
        while (positions.step()) column_of.emplace(positions.integer(0), column_of.size());
    }
    bool attribute_row = attributes.step();
    std::vector<std::string> values(attribute_names.size());
    std::vector<std::string_view> views(attribute_names.size());
    while (customers.step()) {
        const std::int64_t ord = customers.integer(8);
        for (auto& value : values) value.clear();
        while (attribute_row && attributes.integer(0) <= ord) {
            if (attributes.integer(0) == ord) {
                const auto column = column_of.find(attributes.integer(1));
                if (column != column_of.end()) values[column->second] = attributes.text(2);
            }
            attribute_row = attributes.step();
        }
        for (std::size_t position = 0; position < values.size(); ++position)
            views[position] = values[position];
        try {
            CustomerRow row;
            row.id = customers.text(0);
            row.kind = fields::kind(customers.text(1), "kind");
            row.name = customers.text(2);
            row.segment = customers.text(3);
            row.value = customers.optional_real(4);
            row.cost = customers.optional_real(5);
            row.opt_out = customers.integer(6) != 0;
            row.implicit = customers.integer(7) == 0;
            row.attributes = views;
            sink.customer(row);
        } catch (const RowError& row_error) {
            throw InputError(where(file, "customers", ord + 1), row_error.column(),
                             row_error.what());
        }
    }
}

// Each row of `sql` (whose first column is the row number) through `read_row`; a row the sink
// rejects is an InputError naming the table and row.
template <typename ReadRow>
void read_rows(sqlite::Database& db, const char* sql, const char* table, const std::string& file,
               ReadRow&& read_row) {
    sqlite::Statement rows(db, sql);
    while (rows.step()) {
        try {
            read_row(rows);
        } catch (const RowError& row_error) {
            throw InputError(where(file, table, rows.integer(0)), row_error.column(),
                             row_error.what());
        }
    }
}

void read_relationships(sqlite::Database& db, GraphSink& sink, const std::string& file) {
    read_rows(db, kRelationships, "relationships", file, [&](const sqlite::Statement& rows) {
        RelationshipRow row;
        row.source = rows.text(1);
        row.target = rows.text(2);
        row.type = rows.text(3);
        row.weight = rows.real(4);
        row.probability = rows.optional_real(5);
        if (!rows.is_null(6)) row.date = fields::date(rows.text(6), "date");
        if (!rows.is_null(7)) row.directed = rows.integer(7) != 0;
        sink.relationship(row);
    });
}

void read_referrals(sqlite::Database& db, GraphSink& sink, const std::string& file) {
    read_rows(db, kReferrals, "referrals", file, [&](const sqlite::Statement& rows) {
        ReferralRow row;
        row.referrer = rows.text(1);
        row.referred = rows.text(2);
        if (!rows.is_null(3)) row.date = fields::date(rows.text(3), "date");
        row.converted = rows.integer(4) != 0;
        row.reward = rows.real(5);
        sink.referral(row);
    });
}

void read_transactions(sqlite::Database& db, GraphSink& sink, const std::string& file) {
    // A version-1 workspace has no order ids.
    const bool has_order_id = store::has_column(db, "transactions", "order_id");
    const char* sql = has_order_id ? kTransactions : kTransactionsWithoutOrderId;
    read_rows(db, sql, "transactions", file, [&](const sqlite::Statement& rows) {
        TransactionRow row;
        row.customer = rows.text(1);
        const auto date = fields::date(rows.text(2), "date");
        if (!date) throw RowError("date", "is empty");
        row.date = *date;
        row.amount = rows.real(3);
        row.channel = rows.text(4);
        row.on_behalf_of = rows.text(5);
        if (has_order_id) row.order_id = rows.text(6);
        sink.transaction(row);
    });
}

// The last 5 imports, newest first (none in a version-1 workspace).
std::vector<ImportRecord> read_imports(sqlite::Database& db) {
    std::vector<ImportRecord> imports;
    if (db.has_table("imports")) {
        sqlite::Statement rows(db,
                               "SELECT id, time, mode, files, added, updated, unchanged, skipped, "
                               "filtered, skipped_by_reason FROM imports ORDER BY id DESC LIMIT 5");
        while (rows.step()) {
            ImportRecord record;
            record.id = rows.integer(0);
            record.time = rows.text(1);
            record.mode = rows.text(2);
            record.files = rows.text(3);
            record.added = static_cast<std::uint64_t>(rows.integer(4));
            record.updated = static_cast<std::uint64_t>(rows.integer(5));
            record.unchanged = static_cast<std::uint64_t>(rows.integer(6));
            record.skipped = static_cast<std::uint64_t>(rows.integer(7));
            record.filtered = static_cast<std::uint64_t>(rows.integer(8));
            record.skipped_by_reason = rows.text(9);
            imports.push_back(std::move(record));
        }
    }
    return imports;
}

// The newest import and each input table's largest row number.
WorkspaceMarks read_marks(sqlite::Database& db) {
    WorkspaceMarks marks;
    const auto largest = [&](const char* sql) -> std::int64_t {
        sqlite::Statement query(db, sql);
        return query.step() && !query.is_null(0) ? query.integer(0) : 0;
    };
    marks.customers = largest("SELECT max(ord) FROM customers");
    marks.relationships = largest("SELECT max(row) FROM relationships");
    marks.referrals = largest("SELECT max(row) FROM referrals");
    marks.transactions = largest("SELECT max(row) FROM transactions");
    if (db.has_table("imports")) {
        sqlite::Statement newest(db, "SELECT id, time FROM imports ORDER BY id DESC LIMIT 1");
        if (newest.step()) {
            marks.import_id = newest.integer(0);
            marks.import_time = newest.text(1);
        }
    }
    return marks;
}

}  // namespace

Dataset load_store(const std::filesystem::path& db_path, const LoadOptions& options) {
    std::error_code error;
    if (!std::filesystem::exists(db_path, error))
        throw InputError(db_path.string(), "",
                         "no such database file (create one with catena import)");
    if (std::filesystem::is_directory(db_path, error))
        throw InputError(db_path.string(), "", "is a folder, not a database file");
    sqlite::Database db(db_path.string(), true);
    if (!db.has_table("catena_meta"))
        throw InputError(
            db_path.string(), "",
            "not a catena workspace (no catena_meta table; create one with catena import)");
    db.exec("BEGIN");  // one consistent snapshot for all tables

    bool directed_default = options.directed;
    {
        sqlite::Statement meta(db, "SELECT key, value FROM catena_meta");
        while (meta.step()) {
            if (meta.text(0) == "schema_version")
                store::check_readable_version(meta.text(1), db_path);
            if (meta.text(0) == "directed_default" && meta.text(1) == "1") directed_default = true;
        }
    }
    // The type table stored at import, then whatever this run declares on top.
    const RelationshipTypes types = store::workspace_types(db, options.types);

    GraphSink sink({types, directed_default, false, db_path.string() + ": table relationships"});
    const std::string file = db_path.string();
    read_customers(db, sink, file);
    read_relationships(db, sink, file);
    read_referrals(db, sink, file);
    read_transactions(db, sink, file);
    std::vector<ImportRecord> imports = read_imports(db);
    WorkspaceMarks marks = read_marks(db);
    db.exec("COMMIT");
    Dataset dataset = sink.finish("database " + file);
    dataset.input.imports = std::move(imports);
    dataset.input.marks = std::move(marks);
    return dataset;
}

}  // namespace catena
