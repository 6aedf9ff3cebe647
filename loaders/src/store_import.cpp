// import_to_store: a CSV input written into the workspace in one transaction. A create or
// replace (ImportSink) writes every row into emptied input tables; an append is in
// store_append.cpp. Each import is recorded in the `imports` table, with its files' fingerprints.
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "catena/graph/errors.hpp"

#include "field_parse.hpp"
#include "store_internal.hpp"

namespace catena {

GraphSinkOptions store::sink_options(const InputSource& source, RelationshipTypes types,
                                     bool directed) {
    return {std::move(types), directed, source.nodes_file.empty() && !source.edges_file.empty(),
            (source.edges_file.empty() ? source.data_dir / "relationships.csv" : source.edges_file)
                .string()};
}

void store::insert_customer(sqlite::Statement& insert, const CustomerRow& row, std::int64_t ord,
                            bool listed) {
    insert.bind(1, row.id).bind(2, ord);
    insert.bind(3, to_string(row.kind)).bind(4, row.name).bind(5, row.segment);
    insert.bind(6, row.value).bind(7, row.cost);
    insert.bind(8, std::int64_t{row.opt_out}).bind(9, std::int64_t{listed});
    insert.run();
}

namespace {

using store::append_inputs;
using store::check_workspace;
using store::iso;
using store::not_empty;
using store::set_meta;
using store::sink_options;

// 1234567 -> "1,234,567".
std::string grouped(std::uint64_t number) {
    std::string digits = std::to_string(number), out;
    for (std::size_t index = 0; index < digits.size(); ++index) {
        if (index > 0 && (digits.size() - index) % 3 == 0) out += ',';
        out += digits[index];
    }
    return out;
}

// The customer ids a workspace holds (none for a new one).
std::unordered_set<std::string> stored_customer_ids(sqlite::Database& db) {
    std::unordered_set<std::string> ids;
    if (!db.has_table("customers")) return ids;
    {
        sqlite::Statement count(db, "SELECT count(*) FROM customers");
        count.step();
        ids.reserve(static_cast<std::size_t>(count.integer(0)));
    }
    sqlite::Statement rows(db, "SELECT id FROM customers");
    while (rows.step()) ids.emplace(rows.text(0));
    return ids;
}

// A create or replace: validates every row through a GraphSink (so the import accepts exactly
// what a CSV load accepts) and writes it to the emptied input tables; with no database (a dry
// run) it only validates and counts. It also counts which of the workspace's customers the new
// data still has, to refuse a create that would drop some.
class ImportSink : public GraphSink {
  public:
    ImportSink(sqlite::Database* db, const GraphSinkOptions& options,
               std::unordered_set<std::string> stored_ids)
        : GraphSink(options),
          stored_ids_(std::move(stored_ids)),
          implicit_nodes_(options.implicit_nodes) {
        if (db) writes_.emplace(*db);
    }

    // Called with the customers count of the import when it is known that `dropped()` of the
    // workspace's customers are not in it: at the first row after the customers (when the import
    // cannot name new customers later) and at the end.
    std::function<void(std::uint64_t dropped, std::uint64_t customers)> on_customers_known;

    void begin_customers(const std::vector<std::string>& attribute_names) override {
        GraphSink::begin_customers(attribute_names);
        attribute_names_ = attribute_names;
        if (!writes_) return;
        for (std::size_t position = 0; position < attribute_names.size(); ++position) {
            writes_->insert_attribute_name.bind(1, static_cast<std::int64_t>(position))
                .bind(2, attribute_names[position]);
            writes_->insert_attribute_name.run();
        }
    }

    void customer(const CustomerRow& row) override {
        GraphSink::customer(row);
        write_customer(row, true);
        if (!writes_) return;
        for (std::size_t position = 0; position < row.attributes.size(); ++position) {
            if (row.attributes[position].empty()) continue;
            writes_->insert_attribute.bind(1, row.id)
                .bind(2, attribute_names_[position])
                .bind(3, row.attributes[position]);
            writes_->insert_attribute.run();
        }
    }

    void relationship(const RelationshipRow& row) override {
        customers_done();
        const NodeId before = num_nodes();
        GraphSink::relationship(row);
        write_implicit_customers(before);
        ++relationships;
        if (!writes_) return;
        sqlite::Statement& insert = writes_->insert_relationship;
        insert.bind(1, row.source).bind(2, row.target).bind(3, row.type);
        insert.bind(4, row.weight).bind(5, row.probability).bind(6, iso(row.date));
        if (row.directed) insert.bind(7, std::int64_t{*row.directed});
        insert.run();
    }

    void referral(const ReferralRow& row) override {
        customers_done();
        GraphSink::referral(row);
        ++referrals;
        if (!writes_) return;
        sqlite::Statement& insert = writes_->insert_referral;
        insert.bind(1, row.referrer).bind(2, row.referred).bind(3, iso(row.date));
        insert.bind(4, std::int64_t{row.converted}).bind(5, row.reward);
        insert.run();
    }

    void transaction(const TransactionRow& row) override {
        customers_done();
        GraphSink::transaction(row);
        ++transactions;
        if (!writes_) return;
        sqlite::Statement& insert = writes_->insert_transaction;
        insert.bind(1, row.customer).bind(2, format_iso_date(row.date));
        insert.bind(3, row.amount).bind(4, row.channel).bind(5, not_empty(row.on_behalf_of));
        insert.bind(6, not_empty(row.order_id));
        insert.run();
    }

    // Workspace customers the import does not have.
    std::uint64_t dropped() const { return stored_ids_.size() - kept_; }
    void finish_customers() {
        if (on_customers_known) on_customers_known(dropped(), customers);
    }

    std::uint64_t customers = 0, relationships = 0, referrals = 0, transactions = 0;

  private:
    struct Writes {
        explicit Writes(sqlite::Database& db)
            : insert_attribute_name(
                  db, "INSERT INTO customer_attribute_names (position, name) VALUES (?, ?)"),
              insert_customer(db, store::kInsertCustomer),
              insert_attribute(
                  db, "INSERT INTO customer_attributes (customer, name, value) VALUES (?, ?, ?)"),
              insert_relationship(db,
                                  "INSERT INTO relationships (source, target, type, weight, "
                                  "probability, date, directed) VALUES (?, ?, ?, ?, ?, ?, ?)"),
              insert_referral(db,
                              "INSERT INTO referrals (referrer, referred, date, converted, "
                              "reward) VALUES (?, ?, ?, ?, ?)"),
              insert_transaction(db,
                                 "INSERT INTO transactions (customer, date, amount, channel, "
                                 "on_behalf_of, order_id) VALUES (?, ?, ?, ?, ?, ?)") {}
        sqlite::Statement insert_attribute_name, insert_customer, insert_attribute,
            insert_relationship, insert_referral, insert_transaction;
    };

    // The customers table has been read: unless later rows may still create customers (an edge
    // list without one), the dropped count is final, and a create can be refused before the rest
    // is read.
    void customers_done() {
        if (customers_known_) return;
        customers_known_ = true;
        if (!implicit_nodes_) finish_customers();
    }

    void write_customer(const CustomerRow& row, bool listed) {
        if (!stored_ids_.empty() && stored_ids_.contains(std::string(row.id))) ++kept_;
        const auto ord = static_cast<std::int64_t>(customers++);
        if (!writes_) return;
        store::insert_customer(writes_->insert_customer, row, ord, listed);
    }

    void write_implicit_customers(NodeId before) {
        for (NodeId node = before; node < num_nodes(); ++node) {
            CustomerRow row;
            row.id = external_id(node);
            write_customer(row, false);
        }
    }

    std::optional<Writes> writes_;
    std::vector<std::string> attribute_names_;
    std::unordered_set<std::string> stored_ids_;
    std::uint64_t kept_ = 0;
    bool implicit_nodes_ = false, customers_known_ = false;
};

// Appends `text` as a JSON string; bytes that are not UTF-8 (a file name may hold any) become
// U+FFFD.
void append_json_string(std::string& out, std::string_view text) {
    out += '"';
    std::size_t at = 0;
    while (at < text.size()) {
        const std::size_t bad = fields::find_invalid_utf8(text, at);
        const std::size_t end = bad == std::string_view::npos ? text.size() : bad;
        for (; at < end; ++at) {
            const char c = text[at];
            if (c == '"' || c == '\\') {
                out += '\\';
                out += c;
            } else if (static_cast<unsigned char>(c) < 0x20) {
                char escape[8];
                std::snprintf(escape, sizeof escape, "\\u%04x", static_cast<unsigned>(c));
                out += escape;
            } else {
                out += c;
            }
        }
        if (bad != std::string_view::npos) {
            out += "\\ufffd";
            at = bad + 1;
        }
    }
    out += '"';
}

// The files an import read, as recorded in `imports.files`: the reader's list, or (for a reader
// that lists none) the tables of the folder or edge list.
std::string files_json(const InputSource& source, const ImportSummary& summary) {
    struct File {
        std::string table, path;
        std::uint64_t rows;
    };
    std::vector<File> files;
    for (const SourceReport& read : summary.read.sources)
        files.push_back({read.table, read.file, read.rows});
    if (files.empty()) {
        const auto rows = [&](const TableCounts& counts) {
            return counts.added + counts.updated + counts.unchanged + counts.skipped;
        };
        std::error_code error;
        if (!source.edges_file.empty()) {
            if (!source.nodes_file.empty())
                files.push_back(
                    {"customers", source.nodes_file.string(), rows(summary.customer_rows)});
            files.push_back(
                {"relationships", source.edges_file.string(), rows(summary.relationship_rows)});
        } else {
            const std::pair<const char*, const TableCounts*> tables[] = {
                {"customers", &summary.customer_rows},
                {"relationships", &summary.relationship_rows},
                {"referrals", &summary.referral_rows},
                {"transactions", &summary.transaction_rows}};
            for (const auto& [table, counts] : tables) {
                const auto path = source.data_dir / (std::string(table) + ".csv");
                if (std::filesystem::exists(path, error))
                    files.push_back({table, path.string(), rows(*counts)});
            }
        }
    }
    std::string json = "[";
    for (const File& file : files) {
        if (json.size() > 1) json += ',';
        json += "{\"table\":";
        append_json_string(json, file.table);
        json += ",\"file\":";
        append_json_string(json, file.path);
        json += ",\"rows\":" + std::to_string(file.rows) + ",\"fingerprint\":";
        append_json_string(json, file_fingerprint(file.path));
        json += '}';
    }
    return json + "]";
}

const char* mode_name(ImportMode mode) {
    switch (mode) {
        case ImportMode::create:
            return "create";
        case ImportMode::replace:
            return "replace";
        case ImportMode::append:
            return "append";
    }
    return "create";
}

// Skipped rows per table, from the reader's list.
void count_skipped(ImportSummary& summary) {
    for (const SkippedRow& row : summary.read.input.skipped) {
        if (row.table == "customers")
            ++summary.customer_rows.skipped;
        else if (row.table == "relationships")
            ++summary.relationship_rows.skipped;
        else if (row.table == "referrals")
            ++summary.referral_rows.skipped;
        else if (row.table == "transactions")
            ++summary.transaction_rows.skipped;
    }
}

// Writes the import's row of the `imports` table; returns its id.
std::int64_t record_import(sqlite::Database& db, const InputSource& source,
                           const LoadOptions& options, const ImportSummary& summary) {
    const TableCounts* tables[] = {&summary.customer_rows, &summary.relationship_rows,
                                   &summary.referral_rows, &summary.transaction_rows};
    TableCounts total;
    for (const TableCounts* counts : tables) {
        total.added += counts->added;
        total.updated += counts->updated;
        total.unchanged += counts->unchanged;
    }
    std::map<std::string, std::uint64_t> by_reason;
    for (const SkippedRow& row : summary.read.input.skipped) ++by_reason[row.reason];
    std::string reasons = "{";
    for (const auto& [reason, rows] : by_reason) {
        if (reasons.size() > 1) reasons += ',';
        append_json_string(reasons, reason);
        reasons += ':' + std::to_string(rows);
    }
    reasons += "}";
    sqlite::Statement insert(
        db,
        "INSERT INTO imports (time, mode, source, mapping, files, added, updated, "
        "unchanged, skipped, filtered, skipped_by_reason) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    insert.bind(1, utc_now())
        .bind(2, std::string_view(mode_name(summary.mode)))
        .bind(3, source.describe());
    insert.bind(4, options.mapping.string()).bind(5, files_json(source, summary));
    insert.bind(6, static_cast<std::int64_t>(total.added))
        .bind(7, static_cast<std::int64_t>(total.updated));
    insert.bind(8, static_cast<std::int64_t>(total.unchanged));
    insert.bind(9, static_cast<std::int64_t>(summary.read.input.skipped.size()));
    insert.bind(10, static_cast<std::int64_t>(summary.read.input.filtered)).bind(11, reasons);
    insert.run();
    return sqlite3_last_insert_rowid(db.handle());
}

UsageError drops_customers(const std::filesystem::path& db, std::uint64_t dropped,
                           std::uint64_t customers) {
    return UsageError(db.string() + " holds " + grouped(dropped) +
                      (dropped == 1 ? " customer" : " customers") +
                      " that this import does not have (it has " + grouped(customers) +
                      "); nothing was changed. Use --append to add these rows to the workspace, or "
                      "--replace to replace its data.");
}

// A create or replace, into `db` (a transaction is open) or, with no database, a dry run;
// `stored_ids` are the workspace's customers before.
void replace_inputs(sqlite::Database* db, const std::filesystem::path& db_path,
                    const InputSource& source, const LoadOptions& options,
                    std::unordered_set<std::string> stored_ids, ImportSummary& summary) {
    if (db) {
        store::clear_inputs(*db);
        sqlite::Statement insert(
            *db, "INSERT INTO relationship_types (name, directed, strength) VALUES (?, ?, ?)");
        for (const RelationshipType& type : options.types.all()) {
            insert.bind(1, type.name).bind(2, std::int64_t{type.directed}).bind(3, type.strength);
            insert.run();
        }
        set_meta(*db, "source", source.describe());
        set_meta(*db, "directed_default", options.directed ? "1" : "0");
    }
    ImportSink sink(db, sink_options(source, options.types, options.directed),
                    std::move(stored_ids));
    sink.on_customers_known = [&](std::uint64_t dropped, std::uint64_t customers) {
        summary.dropped_customers = dropped;
        if (dropped > 0 && summary.mode == ImportMode::create)
            throw drops_customers(db_path, dropped, customers);
    };
    read_csv_input(source, options, sink, summary.read);
    sink.finish_customers();
    summary.customers = sink.customers;
    summary.relationships = sink.relationships;
    summary.referrals = sink.referrals;
    summary.transactions = sink.transactions;
    summary.customer_rows.added = sink.customers;
    summary.relationship_rows.added = sink.relationships;
    summary.referral_rows.added = sink.referrals;
    summary.transaction_rows.added = sink.transactions;
    summary.dataset = sink.finish(source.describe());
    summary.dataset.warnings = summary.read.warnings;
    summary.dataset.input = summary.read.input;
}

void remove_database_files(const std::filesystem::path& db) {
    std::error_code ignored;
    for (const char* suffix : {"", "-journal", "-wal", "-shm"})
        std::filesystem::remove(db.string() + suffix, ignored);
}

// A dry run: everything an import checks and counts, with the workspace (if any) only read.
void dry_run_import(const InputSource& source, const std::filesystem::path& db_path, bool existed,
                    const LoadOptions& options, ImportSummary& summary) {
    std::optional<sqlite::Database> db;
    if (existed) {
        db.emplace(db_path.string(), true);
        check_workspace(*db, db_path);
        db->exec("BEGIN");  // one snapshot
    }
    if (summary.mode == ImportMode::append) {
        if (!db || !db->has_table("customers")) {
            // A new (or empty) workspace: append into an empty one in memory.
            db.emplace(":memory:", false);
            store::create_input_tables(*db);
        }
        append_inputs(*db, false, source, options, summary);
    } else {
        replace_inputs(nullptr, db_path, source, options,
                       db ? stored_customer_ids(*db) : std::unordered_set<std::string>{}, summary);
    }
    count_skipped(summary);
}

}  // namespace

std::string utc_now() {
    const auto now = std::chrono::system_clock::now();
    const auto days = std::chrono::floor<std::chrono::days>(now);
    const std::chrono::hh_mm_ss time(std::chrono::floor<std::chrono::seconds>(now - days));
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%sT%02d:%02d:%02dZ",
                  format_iso_date(static_cast<Date>(days.time_since_epoch().count())).c_str(),
                  static_cast<int>(time.hours().count()), static_cast<int>(time.minutes().count()),
                  static_cast<int>(time.seconds().count()));
    return buffer;
}

ImportSummary import_to_store(const InputSource& source, const std::filesystem::path& db_path,
                              const LoadOptions& options, const ImportOptions& import) {
    source.validate();
    if (!source.db_file.empty()) throw UsageError("import reads CSV input, not a database");
    if (db_path.empty()) throw UsageError("import needs --db FILE");
    std::error_code error;
    const bool existed = std::filesystem::exists(db_path, error);
    if (existed && std::filesystem::is_directory(db_path, error))
        throw InputError(db_path.string(), "", "is a folder, not a database file");

    ImportSummary summary;
    summary.created = !existed;
    summary.mode = import.mode;
    summary.dry_run = import.dry_run;
    if (import.dry_run) {
        dry_run_import(source, db_path, existed, options, summary);
        return summary;
    }
    try {
        sqlite::Database db(db_path.string(), false);
        db.exec("PRAGMA foreign_keys = ON");
        check_workspace(db, db_path);
        db.exec("BEGIN IMMEDIATE");
        try {
            store::upgrade_schema(db);
            set_meta(db, "catena_version", CATENA_VERSION);
            set_meta(db, "imported_at", utc_now());
            if (import.mode == ImportMode::append)
                append_inputs(db, true, source, options, summary);
            else
                replace_inputs(
                    &db, db_path, source, options,
                    existed ? stored_customer_ids(db) : std::unordered_set<std::string>{}, summary);
            count_skipped(summary);
            summary.import_id = record_import(db, source, options, summary);
            db.exec("COMMIT");
        } catch (...) {
            sqlite3_exec(db.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
            throw;
        }
    } catch (...) {
        if (!existed) remove_database_files(db_path);
        throw;
    }
    return summary;
}

}  // namespace catena
