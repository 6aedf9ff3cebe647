#include "catena/loaders/store.hpp"

#include <unistd.h>

#include <array>
#include <bit>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <functional>
#include <map>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "catena/graph/errors.hpp"
#include "field_parse.hpp"
#include "sqlite_db.hpp"

namespace catena {

namespace {

// Version 2 added transactions.order_id and the imports table. A version-1 workspace loads as
// before and is upgraded (in the import's own transaction) by its next import.
constexpr const char* kSchemaVersion = "2";
constexpr const char* kOldestSchemaVersion = "1";

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS catena_meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS relationship_types (
    name     TEXT PRIMARY KEY,
    directed INTEGER NOT NULL CHECK (directed IN (0, 1)),
    strength REAL NOT NULL CHECK (strength >= 0)
);
CREATE TABLE IF NOT EXISTS customers (
    id      TEXT PRIMARY KEY,
    ord     INTEGER NOT NULL UNIQUE,
    kind    TEXT NOT NULL CHECK (kind IN ('person', 'business')),
    name    TEXT NOT NULL DEFAULT '',
    segment TEXT NOT NULL DEFAULT '',
    value   REAL CHECK (value >= 0),
    cost    REAL CHECK (cost >= 0),
    opt_out INTEGER NOT NULL DEFAULT 0 CHECK (opt_out IN (0, 1)),
    listed  INTEGER NOT NULL DEFAULT 1 CHECK (listed IN (0, 1))
);
CREATE TABLE IF NOT EXISTS customer_attribute_names (
    position INTEGER PRIMARY KEY,
    name     TEXT NOT NULL UNIQUE
);
CREATE TABLE IF NOT EXISTS customer_attributes (
    customer TEXT NOT NULL REFERENCES customers (id),
    name     TEXT NOT NULL REFERENCES customer_attribute_names (name),
    value    TEXT NOT NULL,
    PRIMARY KEY (customer, name)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS relationships (
    row         INTEGER PRIMARY KEY,
    source      TEXT NOT NULL REFERENCES customers (id),
    target      TEXT NOT NULL REFERENCES customers (id),
    type        TEXT NOT NULL DEFAULT '',
    weight      REAL NOT NULL DEFAULT 1 CHECK (weight >= 0),
    probability REAL CHECK (probability BETWEEN 0 AND 1),
    date        TEXT,
    directed    INTEGER CHECK (directed IN (0, 1))
);
CREATE INDEX IF NOT EXISTS relationships_source ON relationships (source);
CREATE INDEX IF NOT EXISTS relationships_target ON relationships (target);
CREATE TABLE IF NOT EXISTS referrals (
    row       INTEGER PRIMARY KEY,
    referrer  TEXT NOT NULL REFERENCES customers (id),
    referred  TEXT NOT NULL REFERENCES customers (id),
    date      TEXT,
    converted INTEGER NOT NULL CHECK (converted IN (0, 1)),
    reward    REAL NOT NULL DEFAULT 0 CHECK (reward >= 0)
);
CREATE INDEX IF NOT EXISTS referrals_referrer ON referrals (referrer);
CREATE TABLE IF NOT EXISTS transactions (
    row          INTEGER PRIMARY KEY,
    customer     TEXT NOT NULL REFERENCES customers (id),
    date         TEXT NOT NULL,
    amount       REAL NOT NULL CHECK (amount >= 0),
    channel      TEXT NOT NULL DEFAULT '',
    on_behalf_of TEXT REFERENCES customers (id),
    order_id     TEXT
);
CREATE INDEX IF NOT EXISTS transactions_customer ON transactions (customer);
CREATE TABLE IF NOT EXISTS imports (
    id                INTEGER PRIMARY KEY,
    time              TEXT NOT NULL,
    mode              TEXT NOT NULL CHECK (mode IN ('create', 'replace', 'append')),
    source            TEXT NOT NULL,
    mapping           TEXT NOT NULL DEFAULT '',
    files             TEXT NOT NULL DEFAULT '[]',
    added             INTEGER NOT NULL DEFAULT 0,
    updated           INTEGER NOT NULL DEFAULT 0,
    unchanged         INTEGER NOT NULL DEFAULT 0,
    skipped           INTEGER NOT NULL DEFAULT 0,
    filtered          INTEGER NOT NULL DEFAULT 0,
    skipped_by_reason TEXT NOT NULL DEFAULT '{}'
);
)sql";

// Result tables: created with the workspace (and again by any run, for older workspaces).
constexpr const char* kResultSchema = R"sql(
CREATE TABLE IF NOT EXISTS runs (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    started_at        TEXT NOT NULL,
    finished_at       TEXT NOT NULL,
    command           TEXT NOT NULL,
    parameters        TEXT NOT NULL,
    catena_version    TEXT NOT NULL,
    input_fingerprint TEXT NOT NULL,
    summary           TEXT NOT NULL DEFAULT '{}'
);
CREATE TABLE IF NOT EXISTS seed_choices (
    run_id            INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    position          INTEGER NOT NULL,
    customer          TEXT NOT NULL,
    marginal_estimate REAL NOT NULL,
    PRIMARY KEY (run_id, position)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS simulation_activation (
    run_id      INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    customer    TEXT NOT NULL,
    probability REAL NOT NULL,
    PRIMARY KEY (run_id, customer)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS community_members (
    run_id    INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    customer  TEXT NOT NULL,
    community INTEGER NOT NULL,
    PRIMARY KEY (run_id, customer)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS rank_scores (
    run_id   INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    customer TEXT NOT NULL,
    measure  TEXT NOT NULL,
    score    REAL NOT NULL,
    rank     INTEGER NOT NULL,
    PRIMARY KEY (run_id, measure, customer)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS compare_points (
    run_id          INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    strategy        TEXT NOT NULL,
    k               INTEGER NOT NULL,
    added_customer  TEXT NOT NULL,
    expected_spread REAL NOT NULL,
    standard_error  REAL NOT NULL,
    expected_value  REAL NOT NULL,
    PRIMARY KEY (run_id, strategy, k)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS customer_values (
    run_id                   INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    customer                 TEXT NOT NULL,
    own_value                REAL NOT NULL,
    network_value            REAL NOT NULL,
    referral_value           REAL NOT NULL,
    influence_weighted_value REAL NOT NULL,
    rank                     INTEGER NOT NULL,
    quadrant                 TEXT NOT NULL,
    PRIMARY KEY (run_id, customer)
) WITHOUT ROWID;
)sql";

constexpr const char* kClearInputs = R"sql(
DELETE FROM transactions;
DELETE FROM referrals;
DELETE FROM relationships;
DELETE FROM customer_attributes;
DELETE FROM customer_attribute_names;
DELETE FROM customers;
DELETE FROM relationship_types;
)sql";

std::optional<std::string> iso(const std::optional<Date>& date) {
    if (!date) return std::nullopt;
    return format_iso_date(*date);
}

std::optional<std::string_view> not_empty(std::string_view text) {
    if (text.empty()) return std::nullopt;
    return text;
}

std::string quoted(std::string_view text) { return "'" + std::string(text) + "'"; }

// 1234567 -> "1,234,567".
std::string grouped(std::uint64_t number) {
    std::string digits = std::to_string(number), out;
    for (std::size_t index = 0; index < digits.size(); ++index) {
        if (index > 0 && (digits.size() - index) % 3 == 0) out += ',';
        out += digits[index];
    }
    return out;
}

bool has_column(sqlite::Database& db, const char* table, std::string_view column) {
    sqlite::Statement columns(db, "SELECT name FROM pragma_table_info(?)");
    columns.bind(1, std::string_view(table));
    while (columns.step())
        if (columns.text(0) == column) return true;
    return false;
}

void set_meta(sqlite::Database& db, std::string_view key, std::string_view value) {
    sqlite::Statement statement(db, "INSERT OR REPLACE INTO catena_meta (key, value) VALUES (?, ?)");
    statement.bind(1, key).bind(2, value);
    statement.run();
}

// Creates what a workspace of this version has and an older one lacks, inside the caller's
// transaction: version 1 had no transactions.order_id and no imports table.
void upgrade_schema(sqlite::Database& db) {
    if (db.has_table("transactions") && !has_column(db, "transactions", "order_id"))
        db.exec("ALTER TABLE transactions ADD COLUMN order_id TEXT");
    db.exec(kSchema);
    db.exec(kResultSchema);
    set_meta(db, "schema_version", kSchemaVersion);
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

GraphSinkOptions sink_options(const InputSource& source, RelationshipTypes types, bool directed) {
    return {std::move(types), directed, source.nodes_file.empty() && !source.edges_file.empty(),
            (source.edges_file.empty() ? source.data_dir / "relationships.csv" : source.edges_file).string()};
}

// A create or replace: validates every row through a GraphSink (so the import accepts exactly
// what a CSV load accepts) and writes it to the emptied input tables; with no database (a dry
// run) it only validates and counts. It also counts which of the workspace's customers the new
// data still has, to refuse a create that would drop some.
class ImportSink : public GraphSink {
public:
    ImportSink(sqlite::Database* db, const GraphSinkOptions& options, std::unordered_set<std::string> stored_ids)
        : GraphSink(options), stored_ids_(std::move(stored_ids)), implicit_nodes_(options.implicit_nodes) {
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
            writes_->insert_attribute_name.bind(1, static_cast<std::int64_t>(position)).bind(2, attribute_names[position]);
            writes_->insert_attribute_name.run();
        }
    }

    void customer(const CustomerRow& row) override {
        GraphSink::customer(row);
        write_customer(row, true);
        if (!writes_) return;
        for (std::size_t position = 0; position < row.attributes.size(); ++position) {
            if (row.attributes[position].empty()) continue;
            writes_->insert_attribute.bind(1, row.id).bind(2, attribute_names_[position]).bind(3, row.attributes[position]);
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
            : insert_attribute_name(db, "INSERT INTO customer_attribute_names (position, name) VALUES (?, ?)"),
              insert_customer(db, "INSERT INTO customers (id, ord, kind, name, segment, value, cost, "
                                  "opt_out, listed) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"),
              insert_attribute(db, "INSERT INTO customer_attributes (customer, name, value) VALUES (?, ?, ?)"),
              insert_relationship(db, "INSERT INTO relationships (source, target, type, weight, "
                                      "probability, date, directed) VALUES (?, ?, ?, ?, ?, ?, ?)"),
              insert_referral(db, "INSERT INTO referrals (referrer, referred, date, converted, "
                                  "reward) VALUES (?, ?, ?, ?, ?)"),
              insert_transaction(db, "INSERT INTO transactions (customer, date, amount, channel, "
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
        sqlite::Statement& insert = writes_->insert_customer;
        insert.bind(1, row.id).bind(2, ord);
        insert.bind(3, to_string(row.kind)).bind(4, row.name).bind(5, row.segment);
        insert.bind(6, row.value).bind(7, row.cost);
        insert.bind(8, std::int64_t{row.opt_out}).bind(9, std::int64_t{listed});
        insert.run();
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

// The relationship types of a workspace: those stored at import, then whatever this run declares
// on top (as load_store reads them).
RelationshipTypes workspace_types(sqlite::Database& db, const RelationshipTypes& declared) {
    RelationshipTypes types;
    sqlite::Statement stored(db, "SELECT name, directed, strength FROM relationship_types ORDER BY rowid");
    while (stored.step()) types.declare(stored.text(0), stored.integer(1) != 0, stored.real(2));
    const RelationshipTypes defaults;
    for (const RelationshipType& type : declared.all()) {
        const auto builtin = defaults.find(type.name);
        if (!builtin || !(defaults[*builtin] == type)) types.declare(type.name, type.directed, type.strength);
    }
    return types;
}

// An append: each row is validated by GraphSink exactly as a full load validates it, against the
// workspace's customers (and, for the cycle check, its referrals), which are primed into the sink
// before the first row that names customers; the workspace's relationships are never loaded.
// Then the row is matched by key with the stored rows: no match adds it (row numbers continue
// after the largest stored one), a match with other values updates the stored row in place, an
// equal one changes nothing. Rows of one key pair up in order with the stored rows of that key
// (the n-th row of a key with the n-th stored one), so appending files already imported finds
// every row unchanged. With `write` false (a dry run) the database is only read.
class AppendSink : public GraphSink {
public:
    AppendSink(sqlite::Database& db, GraphSinkOptions options, bool write, bool has_order_id)
        : GraphSink(options),
          db_(db),
          types_(options.types),
          has_order_id_(has_order_id),
          find_customer_(db, "SELECT ord, kind, name, segment, value, cost, opt_out, listed FROM "
                             "customers WHERE id = ?"),
          find_attributes_(db, "SELECT name, value FROM customer_attributes WHERE customer = ?"),
          // A pair is looked up through the index of whichever of its two customers has fewer
          // relationships (`+column` keeps SQLite off the other index): a hub, with thousands of
          // rows, would otherwise cost a table read per row of its own.
          count_by_source_(db, "SELECT count(*) FROM (SELECT 1 FROM relationships WHERE source = ? LIMIT 64)"),
          count_by_target_(db, "SELECT count(*) FROM (SELECT 1 FROM relationships WHERE target = ? LIMIT 64)"),
          find_by_source_(db, "SELECT row, type, weight, probability, date, directed FROM relationships "
                              "WHERE source = ? AND +target = ? AND row <= ? ORDER BY row"),
          find_by_target_(db, "SELECT row, type, weight, probability, date, directed FROM relationships "
                              "WHERE +source = ? AND target = ? AND row <= ? ORDER BY row"),
          find_referrals_(db, "SELECT row, converted, reward FROM referrals WHERE referrer = ? AND "
                              "referred = ? AND date IS ? AND row <= ? ORDER BY row"),
          find_transactions_(db, has_order_id
                                     ? "SELECT row, channel, on_behalf_of FROM transactions WHERE customer = ? "
                                       "AND date = ? AND amount = ? AND row <= ? AND order_id IS ? ORDER BY row"
                                     : "SELECT row, channel, on_behalf_of FROM transactions WHERE customer = ? "
                                       "AND date = ? AND amount = ? AND row <= ? ORDER BY row") {
        default_type_ = *types_.find(options.directed_by_default ? RelationshipTypes::kInfluences
                                                                 : RelationshipTypes::kKnows);
        if (write) writes_.emplace(db);
        const auto largest = [&](const char* sql) {
            sqlite::Statement query(db, sql);
            query.step();
            return query.integer(0);
        };
        first_new_ord_ = next_ord_ = largest("SELECT coalesce(max(ord), -1) + 1 FROM customers");
        last_relationship_ = largest("SELECT coalesce(max(row), 0) FROM relationships");
        last_referral_ = largest("SELECT coalesce(max(row), 0) FROM referrals");
        last_transaction_ = largest("SELECT coalesce(max(row), 0) FROM transactions");
        next_relationship_ = last_relationship_ + 1;
        next_referral_ = last_referral_ + 1;
        next_transaction_ = last_transaction_ + 1;
    }

    void begin_customers(const std::vector<std::string>& attribute_names) override {
        GraphSink::begin_customers(attribute_names);
        begun_ = true;
        attribute_names_ = attribute_names;
        std::unordered_set<std::string> stored;
        std::int64_t next_position = 0;
        sqlite::Statement names(db_, "SELECT position, name FROM customer_attribute_names");
        while (names.step()) {
            stored.emplace(names.text(1));
            next_position = std::max(next_position, names.integer(0) + 1);
        }
        // A new column is added after the stored ones.
        for (const std::string& name : attribute_names) {
            if (stored.contains(name) || !writes_) continue;
            writes_->insert_attribute_name.bind(1, next_position++).bind(2, name);
            writes_->insert_attribute_name.run();
        }
    }

    void customer(const CustomerRow& row) override {
        if (row.attributes.size() != attribute_names_.size())
            throw InternalError("AppendSink: attribute count does not match the columns");
        find_customer_.bind(1, row.id);
        if (!find_customer_.step() || find_customer_.integer(0) >= first_new_ord_) {
            // Not in the workspace (or added by this import: GraphSink reports the duplicate).
            find_customer_.reset();
            GraphSink::customer(row);
            add_customer(row, true);
            return;
        }
        // Columns the file does not have keep their stored values (a daily `id,name` file must not
        // turn a business into a person or clear an opt-out).
        const std::string stored_name(find_customer_.text(2)), stored_segment(find_customer_.text(3));
        CustomerRow merged_row = row;
        if (!(row.given & CustomerColumns::kind))
            merged_row.kind = find_customer_.text(1) == "business" ? NodeKind::business : NodeKind::person;
        if (!(row.given & CustomerColumns::name)) merged_row.name = stored_name;
        if (!(row.given & CustomerColumns::segment)) merged_row.segment = stored_segment;
        if (!(row.given & CustomerColumns::value)) merged_row.value = find_customer_.optional_real(4);
        if (!(row.given & CustomerColumns::cost)) merged_row.cost = find_customer_.optional_real(5);
        if (!(row.given & CustomerColumns::opt_out)) merged_row.opt_out = find_customer_.integer(6) != 0;
        const bool same_columns =
            find_customer_.text(1) == to_string(merged_row.kind) && find_customer_.text(2) == merged_row.name &&
            find_customer_.text(3) == merged_row.segment && find_customer_.optional_real(4) == merged_row.value &&
            find_customer_.optional_real(5) == merged_row.cost &&
            (find_customer_.integer(6) != 0) == merged_row.opt_out && (find_customer_.integer(7) != 0) == !row.implicit;
        find_customer_.reset();
        if (!named_customers_.insert(std::string(row.id)).second)
            throw RowError("id", "duplicate customer id " + quoted(row.id));
        try {
            check_customer_row(row);
        } catch (...) {
            named_customers_.erase(std::string(row.id));
            throw;
        }
        // The row's attribute columns replace the stored values (an empty one removes it); columns
        // the import does not have keep theirs.
        std::unordered_map<std::string, std::string> stored;
        find_attributes_.bind(1, row.id);
        while (find_attributes_.step()) stored.emplace(find_attributes_.text(0), find_attributes_.text(1));
        find_attributes_.reset();
        bool same_attributes = true;
        for (std::size_t position = 0; position < attribute_names_.size(); ++position) {
            const auto found = stored.find(attribute_names_[position]);
            const std::string_view value = row.attributes[position];
            if (found == stored.end() ? !value.empty() : found->second != value) same_attributes = false;
        }
        if (same_columns && same_attributes) {
            ++customers.unchanged;
            return;
        }
        ++customers.updated;
        if (!writes_) return;
        if (!same_columns) {
            sqlite::Statement& update = writes_->update_customer;
            update.bind(1, to_string(merged_row.kind)).bind(2, merged_row.name).bind(3, merged_row.segment);
            update.bind(4, merged_row.value).bind(5, merged_row.cost).bind(6, std::int64_t{merged_row.opt_out});
            update.bind(7, std::int64_t{!row.implicit}).bind(8, row.id);
            update.run();
        }
        for (std::size_t position = 0; position < attribute_names_.size(); ++position) {
            const auto found = stored.find(attribute_names_[position]);
            const std::string_view value = row.attributes[position];
            if (found == stored.end() ? value.empty() : found->second == value) continue;
            sqlite::Statement& write = value.empty() ? writes_->delete_attribute : writes_->upsert_attribute;
            write.bind(1, row.id).bind(2, attribute_names_[position]);
            if (!value.empty()) write.bind(3, value);
            write.run();
        }
    }

    void relationship(const RelationshipRow& row) override {
        prime_customers();
        const NodeId before = num_nodes();
        GraphSink::relationship(row);  // validates; an edge list may create customers
        for (NodeId node = before; node < num_nodes(); ++node) {
            CustomerRow implicit;
            implicit.id = external_id(node);
            implicit.implicit = true;
            add_customer(implicit, false);
        }
        const RelationshipTypeId type = resolve_type(row.type);
        const auto rows_of = [](sqlite::Statement& count, std::string_view customer) {
            count.bind(1, customer);
            count.step();
            const std::int64_t rows = count.integer(0);
            count.reset();
            return rows;
        };
        sqlite::Statement& find = rows_of(count_by_source_, row.source) <= rows_of(count_by_target_, row.target)
                                      ? find_by_source_
                                      : find_by_target_;
        find.bind(1, row.source).bind(2, row.target).bind(3, last_relationship_);
        std::optional<std::int64_t> match;
        bool same = false;
        while (find.step()) {
            const std::int64_t stored_row = find.integer(0);
            if (matched_relationships_.contains(stored_row) || resolve_type(find.text(1)) != type) continue;
            match = stored_row;
            same = find.real(2) == row.weight && find.optional_real(3) == row.probability &&
                   same_date(find, 4, row.date) &&
                   (find.is_null(5) ? !row.directed : row.directed && (find.integer(5) != 0) == *row.directed);
            break;
        }
        find.reset();
        if (match) {
            matched_relationships_.insert(*match);
            if (same) {
                ++relationships.unchanged;
                return;
            }
            ++relationships.updated;
            if (!writes_) return;
            sqlite::Statement& update = writes_->update_relationship;
            update.bind(1, row.weight).bind(2, row.probability).bind(3, iso(row.date));
            if (row.directed) update.bind(4, std::int64_t{*row.directed});
            update.bind(5, *match);
            update.run();
            return;
        }
        ++relationships.added;
        if (!writes_) return;
        sqlite::Statement& insert = writes_->insert_relationship;
        insert.bind(1, next_relationship_++).bind(2, row.source).bind(3, row.target).bind(4, row.type);
        insert.bind(5, row.weight).bind(6, row.probability).bind(7, iso(row.date));
        if (row.directed) insert.bind(8, std::int64_t{*row.directed});
        insert.run();
    }

    void referral(const ReferralRow& row) override {
        prime_referrals();
        GraphSink::referral(row);  // validates, and checks for a cycle with the stored referrals
        sqlite::Statement& find = find_referrals_;
        find.bind(1, row.referrer).bind(2, row.referred).bind(3, iso(row.date)).bind(4, last_referral_);
        std::optional<std::int64_t> match;
        bool same = false;
        while (find.step()) {
            const std::int64_t stored_row = find.integer(0);
            if (matched_referrals_.contains(stored_row)) continue;
            match = stored_row;
            same = (find.integer(1) != 0) == row.converted && find.real(2) == row.reward;
            break;
        }
        find.reset();
        if (match) {
            matched_referrals_.insert(*match);
            if (same) {
                ++referrals.unchanged;
                return;
            }
            ++referrals.updated;
            if (!writes_) return;
            sqlite::Statement& update = writes_->update_referral;
            update.bind(1, std::int64_t{row.converted}).bind(2, row.reward).bind(3, *match);
            update.run();
            return;
        }
        ++referrals.added;
        if (!writes_) return;
        sqlite::Statement& insert = writes_->insert_referral;
        insert.bind(1, next_referral_++).bind(2, row.referrer).bind(3, row.referred).bind(4, iso(row.date));
        insert.bind(5, std::int64_t{row.converted}).bind(6, row.reward);
        insert.run();
    }

    void transaction(const TransactionRow& row) override {
        prime_customers();
        GraphSink::transaction(row);  // validates
        std::optional<std::int64_t> match;
        bool same = false;
        // A workspace without order ids (version 1, read by a dry run) has none to match.
        if (has_order_id_ || row.order_id.empty()) {
            sqlite::Statement& find = find_transactions_;
            find.bind(1, row.customer).bind(2, format_iso_date(row.date)).bind(3, row.amount);
            find.bind(4, last_transaction_);
            if (has_order_id_) find.bind(5, not_empty(row.order_id));
            while (find.step()) {
                const std::int64_t stored_row = find.integer(0);
                if (matched_transactions_.contains(stored_row)) continue;
                match = stored_row;
                same = find.text(1) == row.channel &&
                       (find.is_null(2) ? row.on_behalf_of.empty() : find.text(2) == row.on_behalf_of);
                break;
            }
            find.reset();
        }
        if (match) {
            matched_transactions_.insert(*match);
            if (same) {
                ++transactions.unchanged;
                return;
            }
            ++transactions.updated;
            if (!writes_) return;
            sqlite::Statement& update = writes_->update_transaction;
            update.bind(1, row.channel).bind(2, not_empty(row.on_behalf_of)).bind(3, *match);
            update.run();
            return;
        }
        ++transactions.added;
        if (!writes_) return;
        sqlite::Statement& insert = writes_->insert_transaction;
        insert.bind(1, next_transaction_++).bind(2, row.customer).bind(3, format_iso_date(row.date));
        insert.bind(4, row.amount).bind(5, row.channel).bind(6, not_empty(row.on_behalf_of));
        insert.bind(7, not_empty(row.order_id));
        insert.run();
    }

    TableCounts customers, relationships, referrals, transactions;

private:
    struct Writes {
        explicit Writes(sqlite::Database& db)
            : insert_attribute_name(db, "INSERT INTO customer_attribute_names (position, name) VALUES (?, ?)"),
              insert_customer(db, "INSERT INTO customers (id, ord, kind, name, segment, value, cost, "
                                  "opt_out, listed) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"),
              update_customer(db, "UPDATE customers SET kind = ?, name = ?, segment = ?, value = ?, "
                                  "cost = ?, opt_out = ?, listed = ? WHERE id = ?"),
              upsert_attribute(db, "INSERT OR REPLACE INTO customer_attributes (customer, name, value) "
                                   "VALUES (?, ?, ?)"),
              delete_attribute(db, "DELETE FROM customer_attributes WHERE customer = ? AND name = ?"),
              insert_relationship(db, "INSERT INTO relationships (row, source, target, type, weight, "
                                      "probability, date, directed) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"),
              update_relationship(db, "UPDATE relationships SET weight = ?, probability = ?, date = ?, "
                                      "directed = ? WHERE row = ?"),
              insert_referral(db, "INSERT INTO referrals (row, referrer, referred, date, converted, "
                                  "reward) VALUES (?, ?, ?, ?, ?, ?)"),
              update_referral(db, "UPDATE referrals SET converted = ?, reward = ? WHERE row = ?"),
              insert_transaction(db, "INSERT INTO transactions (row, customer, date, amount, channel, "
                                     "on_behalf_of, order_id) VALUES (?, ?, ?, ?, ?, ?, ?)"),
              update_transaction(db, "UPDATE transactions SET channel = ?, on_behalf_of = ? WHERE row = ?") {}
        sqlite::Statement insert_attribute_name, insert_customer, update_customer, upsert_attribute,
            delete_attribute, insert_relationship, update_relationship, insert_referral,
            update_referral, insert_transaction, update_transaction;
    };

    static bool same_date(const sqlite::Statement& stored, int column, const std::optional<Date>& date) {
        if (stored.is_null(column)) return !date;
        return date && stored.text(column) == format_iso_date(*date);
    }

    RelationshipTypeId resolve_type(std::string_view name) const {
        if (name.empty()) return default_type_;
        const auto type = types_.find(name);
        return type ? *type : RelationshipTypeId{255};  // (a stored type no longer known matches nothing)
    }

    void add_customer(const CustomerRow& row, bool listed) {
        ++customers.added;
        if (!writes_) return;
        sqlite::Statement& insert = writes_->insert_customer;
        insert.bind(1, row.id).bind(2, next_ord_++);
        insert.bind(3, to_string(row.kind)).bind(4, row.name).bind(5, row.segment);
        insert.bind(6, row.value).bind(7, row.cost);
        insert.bind(8, std::int64_t{row.opt_out}).bind(9, std::int64_t{listed});
        insert.run();
        for (std::size_t position = 0; position < row.attributes.size(); ++position) {
            if (row.attributes[position].empty()) continue;
            writes_->upsert_attribute.bind(1, row.id).bind(2, attribute_names_[position]);
            writes_->upsert_attribute.bind(3, row.attributes[position]);
            writes_->upsert_attribute.run();
        }
    }

    std::string where(const char* table, std::int64_t row) const {
        return db_.path() + ": table " + table + ", row " + std::to_string(row);
    }

    // The workspace's customers, so rows may name them; once, before the first row that names any.
    void prime_customers() {
        if (customers_primed_) return;
        if (!begun_) begin_customers({});
        customers_primed_ = true;
        const std::vector<std::string_view> no_attributes(attribute_names_.size());
        sqlite::Statement stored(db_, "SELECT id, ord FROM customers WHERE ord < ? ORDER BY ord");
        stored.bind(1, first_new_ord_);
        while (stored.step()) {
            CustomerRow row;
            row.id = stored.text(0);
            row.attributes = no_attributes;
            try {
                GraphSink::customer(row);
            } catch (const RowError& error) {
                throw InputError(where("customers", stored.integer(1) + 1), error.column(), error.what());
            }
        }
    }

    // The workspace's referrals, for the cycle check; once, before the first referral row.
    void prime_referrals() {
        prime_customers();
        if (referrals_primed_) return;
        referrals_primed_ = true;
        sqlite::Statement stored(db_, "SELECT row, referrer, referred FROM referrals ORDER BY row");
        while (stored.step()) {
            ReferralRow row;
            row.referrer = stored.text(1);
            row.referred = stored.text(2);
            try {
                GraphSink::referral(row);
            } catch (const RowError& error) {
                throw InputError(where("referrals", stored.integer(0)), error.column(), error.what());
            }
        }
    }

    sqlite::Database& db_;
    RelationshipTypes types_;
    RelationshipTypeId default_type_ = 0;
    bool has_order_id_ = false;
    std::optional<Writes> writes_;
    sqlite::Statement find_customer_, find_attributes_, count_by_source_, count_by_target_,
        find_by_source_, find_by_target_, find_referrals_, find_transactions_;
    std::vector<std::string> attribute_names_;
    bool begun_ = false, customers_primed_ = false, referrals_primed_ = false;
    std::int64_t first_new_ord_ = 0, next_ord_ = 0;
    std::int64_t last_relationship_ = 0, last_referral_ = 0, last_transaction_ = 0;  // before the import
    std::int64_t next_relationship_ = 1, next_referral_ = 1, next_transaction_ = 1;
    std::unordered_set<std::string> named_customers_;  // workspace customers this import named
    std::unordered_set<std::int64_t> matched_relationships_, matched_referrals_, matched_transactions_;
};

// XXH64 (seed 0) of a byte stream: the fingerprint of an imported file, the same 64 bits as
// `xxhsum -H1 FILE` prints.
class Xxh64 {
public:
    void update(const unsigned char* data, std::size_t size) {
        total_ += size;
        if (buffered_ + size < 32) {
            std::memcpy(buffer_.data() + buffered_, data, size);
            buffered_ += size;
            return;
        }
        if (buffered_ > 0) {
            const std::size_t fill = 32 - buffered_;
            std::memcpy(buffer_.data() + buffered_, data, fill);
            stripe(buffer_.data());
            data += fill;
            size -= fill;
            buffered_ = 0;
        }
        for (; size >= 32; data += 32, size -= 32) stripe(data);
        std::memcpy(buffer_.data(), data, size);
        buffered_ = size;
    }

    std::uint64_t digest() const {
        std::uint64_t hash;
        if (total_ >= 32) {
            hash = std::rotl(lanes_[0], 1) + std::rotl(lanes_[1], 7) + std::rotl(lanes_[2], 12) +
                   std::rotl(lanes_[3], 18);
            for (const std::uint64_t lane : lanes_) hash = (hash ^ round(0, lane)) * kPrime1 + kPrime4;
        } else {
            hash = kPrime5;
        }
        hash += total_;
        const unsigned char* at = buffer_.data();
        std::size_t left = buffered_;
        for (; left >= 8; at += 8, left -= 8) hash = std::rotl(hash ^ round(0, read64(at)), 27) * kPrime1 + kPrime4;
        if (left >= 4) {
            hash = std::rotl(hash ^ (read32(at) * kPrime1), 23) * kPrime2 + kPrime3;
            at += 4;
            left -= 4;
        }
        for (; left > 0; ++at, --left) hash = std::rotl(hash ^ (*at * kPrime5), 11) * kPrime1;
        hash ^= hash >> 33;
        hash *= kPrime2;
        hash ^= hash >> 29;
        hash *= kPrime3;
        hash ^= hash >> 32;
        return hash;
    }

private:
    static constexpr std::uint64_t kPrime1 = 11400714785074694791ULL, kPrime2 = 14029467366897019727ULL,
                                   kPrime3 = 1609587929392839161ULL, kPrime4 = 9650029242287828579ULL,
                                   kPrime5 = 2870177450012600261ULL;
    static std::uint64_t read64(const unsigned char* at) {
        std::uint64_t value;
        std::memcpy(&value, at, 8);
        if constexpr (std::endian::native == std::endian::big) value = __builtin_bswap64(value);
        return value;
    }
    static std::uint64_t read32(const unsigned char* at) {
        std::uint32_t value;
        std::memcpy(&value, at, 4);
        if constexpr (std::endian::native == std::endian::big) value = __builtin_bswap32(value);
        return value;
    }
    static std::uint64_t round(std::uint64_t lane, std::uint64_t input) {
        return std::rotl(lane + input * kPrime2, 31) * kPrime1;
    }
    void stripe(const unsigned char* data) {
        for (int lane = 0; lane < 4; ++lane) lanes_[lane] = round(lanes_[lane], read64(data + 8 * lane));
    }

    std::array<std::uint64_t, 4> lanes_{kPrime1 + kPrime2, kPrime2, 0, 0 - kPrime1};
    std::array<unsigned char, 32> buffer_{};
    std::size_t buffered_ = 0;
    std::uint64_t total_ = 0;
};

}  // namespace

std::string file_fingerprint(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return "";
    Xxh64 hash;
    std::vector<char> chunk(1 << 20);
    while (in) {
        in.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
        hash.update(reinterpret_cast<const unsigned char*>(chunk.data()), static_cast<std::size_t>(in.gcount()));
    }
    if (in.bad()) return "";
    char text[17];
    std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(hash.digest()));
    return text;
}

namespace {

// Appends `text` as a JSON string; bytes that are not UTF-8 (a file name may hold any) become U+FFFD.
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
    for (const SourceReport& read : summary.read.sources) files.push_back({read.table, read.file, read.rows});
    if (files.empty()) {
        const auto rows = [&](const TableCounts& counts) { return counts.added + counts.updated + counts.unchanged + counts.skipped; };
        std::error_code error;
        if (!source.edges_file.empty()) {
            if (!source.nodes_file.empty()) files.push_back({"customers", source.nodes_file.string(), rows(summary.customer_rows)});
            files.push_back({"relationships", source.edges_file.string(), rows(summary.relationship_rows)});
        } else {
            const std::pair<const char*, const TableCounts*> tables[] = {
                {"customers", &summary.customer_rows}, {"relationships", &summary.relationship_rows},
                {"referrals", &summary.referral_rows}, {"transactions", &summary.transaction_rows}};
            for (const auto& [table, counts] : tables) {
                const auto path = source.data_dir / (std::string(table) + ".csv");
                if (std::filesystem::exists(path, error)) files.push_back({table, path.string(), rows(*counts)});
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
        case ImportMode::create: return "create";
        case ImportMode::replace: return "replace";
        case ImportMode::append: return "append";
    }
    return "create";
}

// Skipped rows per table, from the reader's list.
void count_skipped(ImportSummary& summary) {
    for (const SkippedRow& row : summary.read.input.skipped) {
        if (row.table == "customers") ++summary.customer_rows.skipped;
        else if (row.table == "relationships") ++summary.relationship_rows.skipped;
        else if (row.table == "referrals") ++summary.referral_rows.skipped;
        else if (row.table == "transactions") ++summary.transaction_rows.skipped;
    }
}

// Writes the import's row of the `imports` table; returns its id.
std::int64_t record_import(sqlite::Database& db, const InputSource& source, const LoadOptions& options,
                           const ImportSummary& summary) {
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
    sqlite::Statement insert(db, "INSERT INTO imports (time, mode, source, mapping, files, added, updated, "
                                 "unchanged, skipped, filtered, skipped_by_reason) "
                                 "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    insert.bind(1, utc_now()).bind(2, std::string_view(mode_name(summary.mode))).bind(3, source.describe());
    insert.bind(4, options.mapping.string()).bind(5, files_json(source, summary));
    insert.bind(6, static_cast<std::int64_t>(total.added)).bind(7, static_cast<std::int64_t>(total.updated));
    insert.bind(8, static_cast<std::int64_t>(total.unchanged));
    insert.bind(9, static_cast<std::int64_t>(summary.read.input.skipped.size()));
    insert.bind(10, static_cast<std::int64_t>(summary.read.input.filtered)).bind(11, reasons);
    insert.run();
    return sqlite3_last_insert_rowid(db.handle());
}

UsageError drops_customers(const std::filesystem::path& db, std::uint64_t dropped, std::uint64_t customers) {
    return UsageError(db.string() + " holds " + grouped(dropped) + (dropped == 1 ? " customer" : " customers") +
                      " that this import does not have (it has " + grouped(customers) +
                      "); nothing was changed. Use --append to add these rows to the workspace, or "
                      "--replace to replace its data.");
}

// A create or replace, into `db` (a transaction is open) or, with no database, a dry run;
// `stored_ids` are the workspace's customers before.
void replace_inputs(sqlite::Database* db, const std::filesystem::path& db_path, const InputSource& source,
                    const LoadOptions& options, std::unordered_set<std::string> stored_ids,
                    ImportSummary& summary) {
    if (db) {
        db->exec(kClearInputs);
        sqlite::Statement insert(*db, "INSERT INTO relationship_types (name, directed, strength) VALUES (?, ?, ?)");
        for (const RelationshipType& type : options.types.all()) {
            insert.bind(1, type.name).bind(2, std::int64_t{type.directed}).bind(3, type.strength);
            insert.run();
        }
        set_meta(*db, "source", source.describe());
        set_meta(*db, "directed_default", options.directed ? "1" : "0");
    }
    ImportSink sink(db, sink_options(source, options.types, options.directed), std::move(stored_ids));
    sink.on_customers_known = [&](std::uint64_t dropped, std::uint64_t customers) {
        summary.dropped_customers = dropped;
        if (dropped > 0 && summary.mode == ImportMode::create) throw drops_customers(db_path, dropped, customers);
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

// An append into `db` (with `write`, inside an open write transaction; else only read).
void append_inputs(sqlite::Database& db, bool write, const InputSource& source, const LoadOptions& options,
                   ImportSummary& summary) {
    bool directed = options.directed;
    bool new_workspace = true;
    {
        sqlite::Statement meta(db, "SELECT value FROM catena_meta WHERE key = 'directed_default'");
        if (meta.step()) {
            new_workspace = false;
            directed = directed || meta.text(0) == "1";
        }
    }
    RelationshipTypes types = workspace_types(db, options.types);
    if (write) {
        // Types this run declares (new, or changed from the stored ones) are stored for later loads.
        std::unordered_map<std::string, RelationshipType> stored;
        {
            sqlite::Statement rows(db, "SELECT name, directed, strength FROM relationship_types");
            while (rows.step())
                stored[std::string(rows.text(0))] = {std::string(rows.text(0)), rows.integer(1) != 0, rows.real(2)};
        }
        sqlite::Statement insert(db, "INSERT INTO relationship_types (name, directed, strength) VALUES (?, ?, ?)");
        sqlite::Statement update(db, "UPDATE relationship_types SET directed = ?, strength = ? WHERE name = ?");
        for (const RelationshipType& type : types.all()) {
            const auto found = stored.find(type.name);
            if (found == stored.end()) {
                insert.bind(1, type.name).bind(2, std::int64_t{type.directed}).bind(3, type.strength);
                insert.run();
            } else if (found->second.directed != type.directed || found->second.strength != type.strength) {
                update.bind(1, std::int64_t{type.directed}).bind(2, type.strength).bind(3, type.name);
                update.run();
            }
        }
        if (new_workspace) {
            set_meta(db, "source", source.describe());
            set_meta(db, "directed_default", directed ? "1" : "0");
        }
    }
    const bool has_order_id = has_column(db, "transactions", "order_id");
    AppendSink sink(db, sink_options(source, std::move(types), directed), write, has_order_id);
    LoadOptions read_options = options;
    read_options.tables_optional = true;
    read_csv_input(source, read_options, sink, summary.read);
    summary.customer_rows = sink.customers;
    summary.relationship_rows = sink.relationships;
    summary.referral_rows = sink.referrals;
    summary.transaction_rows = sink.transactions;
    const auto kept = [](const TableCounts& counts) { return counts.added + counts.updated + counts.unchanged; };
    summary.customers = kept(sink.customers);
    summary.relationships = kept(sink.relationships);
    summary.referrals = kept(sink.referrals);
    summary.transactions = kept(sink.transactions);
}

void remove_database_files(const std::filesystem::path& db) {
    std::error_code ignored;
    for (const char* suffix : {"", "-journal", "-wal", "-shm"})
        std::filesystem::remove(db.string() + suffix, ignored);
}

// Reading the schema tells a SQLite file from anything else before anything is written.
void check_workspace(sqlite::Database& db, const std::filesystem::path& db_path) {
    sqlite::Statement count(db, "SELECT count(*) FROM sqlite_master");
    count.step();
    if (count.integer(0) == 0) return;
    if (!db.has_table("catena_meta"))
        throw InputError(db_path.string(), "",
                         "a SQLite database that is not a catena workspace (no catena_meta table); "
                         "import into a new file");
    // An import would "upgrade" a newer workspace to this version, losing what it does not know.
    sqlite::Statement version(db, "SELECT value FROM catena_meta WHERE key = 'schema_version'");
    if (version.step() && version.text(0) != kSchemaVersion && version.text(0) != kOldestSchemaVersion)
        throw InputError(db_path.string(), "",
                         "workspace schema version " + std::string(version.text(0)) +
                             " is newer than this catena supports (" + kOldestSchemaVersion + " to " +
                             kSchemaVersion + "); use the catena that wrote it");
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
            db->exec(kSchema);
        }
        append_inputs(*db, false, source, options, summary);
    } else {
        replace_inputs(nullptr, db_path, source, options, db ? stored_customer_ids(*db) : std::unordered_set<std::string>{},
                       summary);
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
            upgrade_schema(db);
            set_meta(db, "catena_version", CATENA_VERSION);
            set_meta(db, "imported_at", utc_now());
            if (import.mode == ImportMode::append)
                append_inputs(db, true, source, options, summary);
            else
                replace_inputs(&db, db_path, source, options, existed ? stored_customer_ids(db) : std::unordered_set<std::string>{},
                               summary);
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

Dataset load_store(const std::filesystem::path& db_path, const LoadOptions& options) {
    std::error_code error;
    if (!std::filesystem::exists(db_path, error))
        throw InputError(db_path.string(), "", "no such database file (create one with catena import)");
    if (std::filesystem::is_directory(db_path, error))
        throw InputError(db_path.string(), "", "is a folder, not a database file");
    sqlite::Database db(db_path.string(), true);
    if (!db.has_table("catena_meta"))
        throw InputError(db_path.string(), "",
                         "not a catena workspace (no catena_meta table; create one with catena import)");
    db.exec("BEGIN");  // one consistent snapshot for all tables

    bool directed_default = options.directed;
    {
        sqlite::Statement meta(db, "SELECT key, value FROM catena_meta");
        while (meta.step()) {
            if (meta.text(0) == "schema_version" && meta.text(1) != kSchemaVersion &&
                meta.text(1) != kOldestSchemaVersion)
                throw InputError(db_path.string(), "",
                                 "workspace schema version " + std::string(meta.text(1)) +
                                     " is not supported by this catena (expects " + kOldestSchemaVersion +
                                     " to " + kSchemaVersion + "); import the data again");
            if (meta.text(0) == "directed_default" && meta.text(1) == "1") directed_default = true;
        }
    }
    // The type table stored at import, then whatever this run declares on top.
    const RelationshipTypes types = workspace_types(db, options.types);

    GraphSink sink({types, directed_default, false, db_path.string() + ": table relationships"});
    const std::string file = db_path.string();
    const auto where = [&](const char* table, std::int64_t row) {
        return file + ": table " + table + ", row " + std::to_string(row);
    };

    std::vector<std::string> attribute_names;
    {
        sqlite::Statement names(db, "SELECT name FROM customer_attribute_names ORDER BY position");
        while (names.step()) attribute_names.emplace_back(names.text(0));
    }
    sink.begin_customers(attribute_names);
    {
        sqlite::Statement customers(db, "SELECT id, kind, name, segment, value, cost, opt_out, "
                                        "listed, ord FROM customers ORDER BY ord");
        // Attributes by customer order and column position (positions need not be consecutive:
        // an append adds a column after the largest).
        sqlite::Statement attributes(
            db, "SELECT c.ord, n.position, a.value FROM customer_attributes a "
                "JOIN customers c ON c.id = a.customer "
                "JOIN customer_attribute_names n ON n.name = a.name ORDER BY c.ord, n.position");
        std::unordered_map<std::int64_t, std::size_t> column_of;
        {
            sqlite::Statement positions(db, "SELECT position FROM customer_attribute_names ORDER BY position");
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
                throw InputError(where("customers", ord + 1), row_error.column(), row_error.what());
            }
        }
    }
    {
        sqlite::Statement rows(db, "SELECT row, source, target, type, weight, probability, date, "
                                   "directed FROM relationships ORDER BY row");
        while (rows.step()) {
            try {
                RelationshipRow row;
                row.source = rows.text(1);
                row.target = rows.text(2);
                row.type = rows.text(3);
                row.weight = rows.real(4);
                row.probability = rows.optional_real(5);
                if (!rows.is_null(6)) row.date = fields::date(rows.text(6), "date");
                if (!rows.is_null(7)) row.directed = rows.integer(7) != 0;
                sink.relationship(row);
            } catch (const RowError& row_error) {
                throw InputError(where("relationships", rows.integer(0)), row_error.column(),
                                 row_error.what());
            }
        }
    }
    {
        sqlite::Statement rows(db, "SELECT row, referrer, referred, date, converted, reward FROM "
                                   "referrals ORDER BY row");
        while (rows.step()) {
            try {
                ReferralRow row;
                row.referrer = rows.text(1);
                row.referred = rows.text(2);
                if (!rows.is_null(3)) row.date = fields::date(rows.text(3), "date");
                row.converted = rows.integer(4) != 0;
                row.reward = rows.real(5);
                sink.referral(row);
            } catch (const RowError& row_error) {
                throw InputError(where("referrals", rows.integer(0)), row_error.column(),
                                 row_error.what());
            }
        }
    }
    {
        // A version-1 workspace has no order ids.
        const bool has_order_id = has_column(db, "transactions", "order_id");
        sqlite::Statement rows(db, has_order_id ? "SELECT row, customer, date, amount, channel, on_behalf_of, "
                                                  "order_id FROM transactions ORDER BY row"
                                                : "SELECT row, customer, date, amount, channel, on_behalf_of "
                                                  "FROM transactions ORDER BY row");
        while (rows.step()) {
            try {
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
            } catch (const RowError& row_error) {
                throw InputError(where("transactions", rows.integer(0)), row_error.column(),
                                 row_error.what());
            }
        }
    }
    std::vector<ImportRecord> imports;
    if (db.has_table("imports")) {
        sqlite::Statement rows(db, "SELECT id, time, mode, files, added, updated, unchanged, skipped, "
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
    db.exec("COMMIT");
    Dataset dataset = sink.finish("database " + file);
    dataset.input.imports = std::move(imports);
    return dataset;
}

}  // namespace catena

namespace catena {

namespace {
}  // namespace

namespace {
// Result tables, including what workspaces made by earlier catena versions lack: their `runs`
// table has no `summary` column.
void ensure_result_schema(sqlite::Database& db) {
    db.exec(kResultSchema);
    bool has_summary = false;
    sqlite::Statement columns(db, "SELECT name FROM pragma_table_info('runs')");
    while (columns.step()) has_summary = has_summary || columns.text(0) == "summary";
    if (!has_summary) db.exec("ALTER TABLE runs ADD COLUMN summary TEXT NOT NULL DEFAULT '{}'");
}
}  // namespace

struct RunWriter::State {
    explicit State(const std::string& path) : db(path, false) {}
    sqlite::Database db;
    std::int64_t run_id = 0;
    bool committed = false;
};

RunWriter::RunWriter(const std::filesystem::path& db_path, const RunRecord& run) {
    std::error_code error;
    if (!std::filesystem::exists(db_path, error))
        throw InputError(db_path.string(), "", "no such database file (create one with catena import)");
    state_ = std::make_unique<State>(db_path.string());
    sqlite::Database& db = state_->db;
    if (!db.has_table("catena_meta"))
        throw InputError(db_path.string(), "", "not a catena workspace (no catena_meta table)");
    char fingerprint[17];
    std::snprintf(fingerprint, sizeof fingerprint, "%016llx", static_cast<unsigned long long>(run.input_fingerprint));
    db.exec("BEGIN IMMEDIATE");
    try {
        ensure_result_schema(db);
        sqlite::Statement insert_run(db, "INSERT INTO runs (started_at, finished_at, command, parameters, "
                                         "catena_version, input_fingerprint, summary) VALUES (?, ?, ?, ?, ?, ?, ?)");
        insert_run.bind(1, run.started_at).bind(2, run.finished_at.empty() ? run.started_at : run.finished_at);
        insert_run.bind(3, run.command).bind(4, run.parameters).bind(5, std::string_view(CATENA_VERSION));
        insert_run.bind(6, std::string_view(fingerprint)).bind(7, run.summary);
        insert_run.run();
        state_->run_id = sqlite3_last_insert_rowid(db.handle());
    } catch (...) {
        sqlite3_exec(db.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
        throw;
    }
}

RunWriter::~RunWriter() {
    if (state_ && !state_->committed) sqlite3_exec(state_->db.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
}

std::int64_t RunWriter::run_id() const { return state_->run_id; }

template <typename Write>
void RunWriter::guarded(Write&& write) {
    if (state_->committed) throw InternalError("RunWriter: the run is committed already");
    try {
        write(state_->db);
    } catch (...) {
        sqlite3_exec(state_->db.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
        state_->committed = true;  // nothing left to roll back
        throw;
    }
}

void RunWriter::rank_scores(std::string_view measure, const InfluenceGraph& graph, std::span<const double> scores) {
    if (scores.size() != graph.num_nodes()) throw InternalError("rank_scores: one score per customer expected");
    // Ranks: by score, highest first; ties in NodeId order.
    std::vector<NodeId> order(graph.num_nodes());
    for (NodeId node = 0; node < graph.num_nodes(); ++node) order[node] = node;
    std::stable_sort(order.begin(), order.end(), [&](NodeId a, NodeId b) { return scores[a] > scores[b]; });
    guarded([&](sqlite::Database& db) {
        sqlite::Statement insert(db, "INSERT INTO rank_scores (run_id, customer, measure, score, rank) "
                                     "VALUES (?, ?, ?, ?, ?)");
        for (std::size_t position = 0; position < order.size(); ++position) {
            const NodeId node = order[position];
            insert.bind(1, state_->run_id).bind(2, graph.external_id(node)).bind(3, measure);
            insert.bind(4, scores[node]).bind(5, static_cast<std::int64_t>(position + 1));
            insert.run();
        }
    });
}

void RunWriter::communities(const InfluenceGraph& graph, std::span<const std::uint32_t> community) {
    if (community.size() != graph.num_nodes()) throw InternalError("communities: one label per customer expected");
    guarded([&](sqlite::Database& db) {
        sqlite::Statement insert(db, "INSERT INTO community_members (run_id, customer, community) VALUES (?, ?, ?)");
        for (NodeId node = 0; node < graph.num_nodes(); ++node) {
            insert.bind(1, state_->run_id).bind(2, graph.external_id(node));
            insert.bind(3, static_cast<std::int64_t>(community[node]));
            insert.run();
        }
    });
}

void RunWriter::seeds(const InfluenceGraph& graph, std::span<const NodeId> seeds, std::span<const double> marginal_estimate) {
    if (seeds.size() != marginal_estimate.size()) throw InternalError("seeds: one estimate per seed expected");
    guarded([&](sqlite::Database& db) {
        sqlite::Statement insert(db, "INSERT INTO seed_choices (run_id, position, customer, marginal_estimate) "
                                     "VALUES (?, ?, ?, ?)");
        for (std::size_t position = 0; position < seeds.size(); ++position) {
            insert.bind(1, state_->run_id).bind(2, static_cast<std::int64_t>(position + 1));
            insert.bind(3, graph.external_id(seeds[position])).bind(4, marginal_estimate[position]);
            insert.run();
        }
    });
}

void RunWriter::activation(const InfluenceGraph& graph, std::span<const double> activation_probability) {
    if (activation_probability.size() != graph.num_nodes())
        throw InternalError("activation: one probability per customer expected");
    guarded([&](sqlite::Database& db) {
        sqlite::Statement insert(db, "INSERT INTO simulation_activation (run_id, customer, probability) VALUES (?, ?, ?)");
        for (NodeId node = 0; node < graph.num_nodes(); ++node) {
            insert.bind(1, state_->run_id).bind(2, graph.external_id(node)).bind(3, activation_probability[node]);
            insert.run();
        }
    });
}

void RunWriter::compare_points(const InfluenceGraph& graph, std::span<const ComparePoint> points) {
    guarded([&](sqlite::Database& db) {
        sqlite::Statement insert(db, "INSERT INTO compare_points (run_id, strategy, k, added_customer, expected_spread, "
                                     "standard_error, expected_value) VALUES (?, ?, ?, ?, ?, ?, ?)");
        for (const ComparePoint& point : points) {
            insert.bind(1, state_->run_id).bind(2, point.strategy).bind(3, static_cast<std::int64_t>(point.k));
            insert.bind(4, graph.external_id(point.added)).bind(5, point.expected_spread);
            insert.bind(6, point.standard_error).bind(7, point.expected_value);
            insert.run();
        }
    });
}

void RunWriter::customer_values(const InfluenceGraph& graph, std::span<const CustomerValueRow> rows) {
    if (rows.size() != graph.num_nodes()) throw InternalError("customer_values: one row per customer expected");
    guarded([&](sqlite::Database& db) {
        sqlite::Statement insert(db, "INSERT INTO customer_values (run_id, customer, own_value, network_value, "
                                     "referral_value, influence_weighted_value, rank, quadrant) "
                                     "VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
        for (NodeId node = 0; node < graph.num_nodes(); ++node) {
            const CustomerValueRow& row = rows[node];
            insert.bind(1, state_->run_id).bind(2, graph.external_id(node)).bind(3, row.own).bind(4, row.network);
            insert.bind(5, row.referral).bind(6, row.influence_weighted).bind(7, static_cast<std::int64_t>(row.rank));
            insert.bind(8, row.quadrant);
            insert.run();
        }
    });
}

std::int64_t RunWriter::commit(const std::string& finished_at) {
    guarded([&](sqlite::Database& db) {
        sqlite::Statement finish(db, "UPDATE runs SET finished_at = ? WHERE id = ?");
        finish.bind(1, finished_at).bind(2, state_->run_id);
        finish.run();
        db.exec("COMMIT");
    });
    state_->committed = true;
    return state_->run_id;
}

std::int64_t store_rank_run(const std::filesystem::path& db_path, const RunRecord& run,
                            std::string_view measure, const InfluenceGraph& graph,
                            std::span<const double> scores) {
    RunWriter writer(db_path, run);
    writer.rank_scores(measure, graph, scores);
    return writer.commit(run.finished_at);
}

std::int64_t store_community_run(const std::filesystem::path& db_path, const RunRecord& run,
                                 const InfluenceGraph& graph, std::span<const std::uint32_t> community) {
    RunWriter writer(db_path, run);
    writer.communities(graph, community);
    return writer.commit(run.finished_at);
}

std::int64_t store_seed_run(const std::filesystem::path& db_path, const RunRecord& run, const InfluenceGraph& graph,
                            std::span<const NodeId> seeds, std::span<const double> marginal_estimate) {
    RunWriter writer(db_path, run);
    writer.seeds(graph, seeds, marginal_estimate);
    return writer.commit(run.finished_at);
}

std::int64_t store_simulation_run(const std::filesystem::path& db_path, const RunRecord& run,
                                  const InfluenceGraph& graph, std::span<const double> activation_probability) {
    RunWriter writer(db_path, run);
    writer.activation(graph, activation_probability);
    return writer.commit(run.finished_at);
}

std::vector<std::uint32_t> load_community_run(const std::filesystem::path& db_path, std::int64_t run_id,
                                              const InfluenceGraph& graph) {
    std::error_code error;
    if (!std::filesystem::exists(db_path, error))
        throw InputError(db_path.string(), "", "no such database file (create one with catena import)");
    sqlite::Database db(db_path.string(), true);
    if (!db.has_table("community_members"))
        throw InputError(db_path.string(), "", "no community run " + std::to_string(run_id) + " (no community_members table)");
    sqlite::Statement rows(db, "SELECT customer, community FROM community_members WHERE run_id = ?");
    rows.bind(1, run_id);
    std::vector<std::uint32_t> labels(graph.num_nodes(), UINT32_MAX);
    std::uint32_t next = 0;
    bool any = false;
    while (rows.step()) {
        any = true;
        const std::int64_t label = rows.integer(1);
        if (label < 0 || label >= UINT32_MAX / 2)
            throw InputError(db_path.string() + ": table community_members", "community", "out of range");
        if (const auto node = graph.find(rows.text(0))) {
            labels[*node] = static_cast<std::uint32_t>(label);
            next = std::max(next, static_cast<std::uint32_t>(label) + 1);
        }
    }
    if (!any) throw InputError(db_path.string(), "", "no community run " + std::to_string(run_id));
    for (auto& label : labels)
        if (label == UINT32_MAX) label = next++;
    return labels;
}

}  // namespace catena
