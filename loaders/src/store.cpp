#include "catena/loaders/store.hpp"

#include <unistd.h>

#include <chrono>
#include <cmath>
#include <string>

#include "catena/graph/errors.hpp"
#include "field_parse.hpp"
#include "sqlite_db.hpp"

namespace catena {

namespace {

constexpr const char* kSchemaVersion = "1";

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
    on_behalf_of TEXT REFERENCES customers (id)
);
CREATE INDEX IF NOT EXISTS transactions_customer ON transactions (customer);
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

// Validates every row through a GraphSink (so the import accepts exactly what a CSV load
// accepts) and writes it to the store.
class ImportSink : public GraphSink {
public:
    ImportSink(sqlite::Database& db, GraphSinkOptions options)
        : GraphSink(std::move(options)),
          db_(db),
          insert_customer_(db, "INSERT INTO customers (id, ord, kind, name, segment, value, cost, "
                               "opt_out, listed) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"),
          insert_attribute_(db, "INSERT INTO customer_attributes (customer, name, value) VALUES "
                                "(?, ?, ?)"),
          insert_relationship_(db, "INSERT INTO relationships (source, target, type, weight, "
                                   "probability, date, directed) VALUES (?, ?, ?, ?, ?, ?, ?)"),
          insert_referral_(db, "INSERT INTO referrals (referrer, referred, date, converted, "
                               "reward) VALUES (?, ?, ?, ?, ?)"),
          insert_transaction_(db, "INSERT INTO transactions (customer, date, amount, channel, "
                                  "on_behalf_of) VALUES (?, ?, ?, ?, ?)") {}

    void begin_customers(const std::vector<std::string>& attribute_names) override {
        GraphSink::begin_customers(attribute_names);
        attribute_names_ = attribute_names;
        sqlite::Statement insert(db_, "INSERT INTO customer_attribute_names (position, name) "
                                      "VALUES (?, ?)");
        for (std::size_t position = 0; position < attribute_names.size(); ++position) {
            insert.bind(1, static_cast<std::int64_t>(position)).bind(2, attribute_names[position]);
            insert.run();
        }
    }

    void customer(const CustomerRow& row) override {
        GraphSink::customer(row);
        write_customer(row, true);
        for (std::size_t position = 0; position < row.attributes.size(); ++position) {
            if (row.attributes[position].empty()) continue;
            insert_attribute_.bind(1, row.id).bind(2, attribute_names_[position]).bind(3, row.attributes[position]);
            insert_attribute_.run();
        }
    }

    void relationship(const RelationshipRow& row) override {
        const NodeId before = num_nodes();
        GraphSink::relationship(row);
        write_implicit_customers(before);
        insert_relationship_.bind(1, row.source).bind(2, row.target).bind(3, row.type);
        insert_relationship_.bind(4, row.weight).bind(5, row.probability).bind(6, iso(row.date));
        if (row.directed) insert_relationship_.bind(7, std::int64_t{*row.directed});
        insert_relationship_.run();
        ++relationships;
    }

    void referral(const ReferralRow& row) override {
        GraphSink::referral(row);
        insert_referral_.bind(1, row.referrer).bind(2, row.referred).bind(3, iso(row.date));
        insert_referral_.bind(4, std::int64_t{row.converted}).bind(5, row.reward);
        insert_referral_.run();
        ++referrals;
    }

    void transaction(const TransactionRow& row) override {
        GraphSink::transaction(row);
        insert_transaction_.bind(1, row.customer).bind(2, format_iso_date(row.date));
        insert_transaction_.bind(3, row.amount).bind(4, row.channel);
        if (!row.on_behalf_of.empty()) insert_transaction_.bind(5, row.on_behalf_of);
        insert_transaction_.run();
        ++transactions;
    }

    std::uint64_t customers = 0, relationships = 0, referrals = 0, transactions = 0;

private:
    void write_customer(const CustomerRow& row, bool listed) {
        insert_customer_.bind(1, row.id).bind(2, static_cast<std::int64_t>(customers));
        insert_customer_.bind(3, to_string(row.kind)).bind(4, row.name).bind(5, row.segment);
        insert_customer_.bind(6, row.value).bind(7, row.cost);
        insert_customer_.bind(8, std::int64_t{row.opt_out}).bind(9, std::int64_t{listed});
        insert_customer_.run();
        ++customers;
    }

    void write_implicit_customers(NodeId before) {
        for (NodeId node = before; node < num_nodes(); ++node) {
            CustomerRow row;
            row.id = external_id(node);
            write_customer(row, false);
        }
    }

    sqlite::Database& db_;
    std::vector<std::string> attribute_names_;
    sqlite::Statement insert_customer_, insert_attribute_, insert_relationship_,
        insert_referral_, insert_transaction_;
};

void set_meta(sqlite::Database& db, std::string_view key, std::string_view value) {
    sqlite::Statement statement(db, "INSERT OR REPLACE INTO catena_meta (key, value) VALUES (?, ?)");
    statement.bind(1, key).bind(2, value);
    statement.run();
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

namespace {

void remove_database_files(const std::filesystem::path& db) {
    std::error_code ignored;
    for (const char* suffix : {"", "-journal", "-wal", "-shm"})
        std::filesystem::remove(db.string() + suffix, ignored);
}

}  // namespace

ImportSummary import_to_store(const InputSource& source, const std::filesystem::path& db_path,
                              const LoadOptions& options) {
    source.validate();
    if (!source.db_file.empty()) throw UsageError("import reads CSV input, not a database");
    if (db_path.empty()) throw UsageError("import needs --db FILE");
    std::error_code error;
    const bool existed = std::filesystem::exists(db_path, error);
    if (existed && std::filesystem::is_directory(db_path, error))
        throw InputError(db_path.string(), "", "is a folder, not a database file");

    ImportSummary summary;
    summary.created = !existed;
    try {
        sqlite::Database db(db_path.string(), false);
        db.exec("PRAGMA foreign_keys = ON");
        // Reading the schema tells a SQLite file from anything else before anything is written.
        const bool has_tables = [&] {
            sqlite::Statement count(db, "SELECT count(*) FROM sqlite_master");
            count.step();
            return count.integer(0) > 0;
        }();
        if (has_tables && !db.has_table("catena_meta"))
            throw InputError(db_path.string(), "",
                             "a SQLite database that is not a catena workspace (no catena_meta "
                             "table); import into a new file");
        db.exec("BEGIN IMMEDIATE");
        try {
            db.exec(kSchema);
            db.exec(kResultSchema);
            db.exec(kClearInputs);
            {
                sqlite::Statement insert(db, "INSERT INTO relationship_types (name, directed, "
                                             "strength) VALUES (?, ?, ?)");
                for (const RelationshipType& type : options.types.all()) {
                    insert.bind(1, type.name).bind(2, std::int64_t{type.directed}).bind(3, type.strength);
                    insert.run();
                }
            }
            set_meta(db, "schema_version", kSchemaVersion);
            set_meta(db, "catena_version", CATENA_VERSION);
            set_meta(db, "imported_at", utc_now());
            set_meta(db, "source", source.describe());
            set_meta(db, "directed_default", options.directed ? "1" : "0");

            ImportSink sink(db, {options.types, options.directed,
                                 source.nodes_file.empty() && !source.edges_file.empty(),
                                 (source.edges_file.empty() ? source.data_dir / "relationships.csv" : source.edges_file)
                                     .string()});
            std::vector<std::string> warnings;
            read_csv_input(source, sink, warnings);
            summary.customers = sink.customers;
            summary.relationships = sink.relationships;
            summary.referrals = sink.referrals;
            summary.transactions = sink.transactions;
            summary.dataset = sink.finish(source.describe());
            summary.dataset.warnings = std::move(warnings);
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
            if (meta.text(0) == "schema_version" && meta.text(1) != kSchemaVersion)
                throw InputError(db_path.string(), "",
                                 "workspace schema version " + std::string(meta.text(1)) +
                                     " is not supported by this catena (expects " + kSchemaVersion +
                                     "); import the data again");
            if (meta.text(0) == "directed_default" && meta.text(1) == "1") directed_default = true;
        }
    }
    // The type table stored at import, then whatever this run declares on top.
    RelationshipTypes types;
    {
        sqlite::Statement stored(db, "SELECT name, directed, strength FROM relationship_types ORDER BY rowid");
        while (stored.step())
            types.declare(stored.text(0), stored.integer(1) != 0, stored.real(2));
        const RelationshipTypes defaults;
        for (const RelationshipType& type : options.types.all()) {
            const auto builtin = defaults.find(type.name);
            if (!builtin || !(defaults[*builtin] == type)) types.declare(type.name, type.directed, type.strength);
        }
    }

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
        sqlite::Statement attributes(
            db, "SELECT c.ord, n.position, a.value FROM customer_attributes a "
                "JOIN customers c ON c.id = a.customer "
                "JOIN customer_attribute_names n ON n.name = a.name ORDER BY c.ord, n.position");
        bool attribute_row = attributes.step();
        std::vector<std::string> values(attribute_names.size());
        std::vector<std::string_view> views(attribute_names.size());
        while (customers.step()) {
            const std::int64_t ord = customers.integer(8);
            for (auto& value : values) value.clear();
            while (attribute_row && attributes.integer(0) <= ord) {
                if (attributes.integer(0) == ord) {
                    const auto position = static_cast<std::size_t>(attributes.integer(1));
                    if (position < values.size()) values[position] = attributes.text(2);
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
        sqlite::Statement rows(db, "SELECT row, customer, date, amount, channel, on_behalf_of FROM "
                                   "transactions ORDER BY row");
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
                sink.transaction(row);
            } catch (const RowError& row_error) {
                throw InputError(where("transactions", rows.integer(0)), row_error.column(),
                                 row_error.what());
            }
        }
    }
    db.exec("COMMIT");
    return sink.finish("database " + file);
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
