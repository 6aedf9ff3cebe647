// The workspace's schema: the input and result tables, the schema version and its checks, and
// the upgrade of an older workspace (in the import's or the run's own transaction).
#include <string>

#include "catena/graph/errors.hpp"

#include "store_internal.hpp"

namespace catena::store {

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
}  // namespace

void create_input_tables(sqlite::Database& db) { db.exec(kSchema); }

void clear_inputs(sqlite::Database& db) { db.exec(kClearInputs); }

bool has_column(sqlite::Database& db, const char* table, std::string_view column) {
    sqlite::Statement columns(db, "SELECT name FROM pragma_table_info(?)");
    columns.bind(1, std::string_view(table));
    while (columns.step())
        if (columns.text(0) == column) return true;
    return false;
}

void set_meta(sqlite::Database& db, std::string_view key, std::string_view value) {
    sqlite::Statement statement(db,
                                "INSERT OR REPLACE INTO catena_meta (key, value) VALUES (?, ?)");
    statement.bind(1, key).bind(2, value);
    statement.run();
}

// Version 1 had no transactions.order_id and no imports table.
void upgrade_schema(sqlite::Database& db) {
    if (db.has_table("transactions") && !has_column(db, "transactions", "order_id"))
        db.exec("ALTER TABLE transactions ADD COLUMN order_id TEXT");
    db.exec(kSchema);
    db.exec(kResultSchema);
    set_meta(db, "schema_version", kSchemaVersion);
}

// Earlier catena versions' `runs` table has no `summary` column.
void ensure_result_schema(sqlite::Database& db) {
    db.exec(kResultSchema);
    if (!has_column(db, "runs", "summary"))
        db.exec("ALTER TABLE runs ADD COLUMN summary TEXT NOT NULL DEFAULT '{}'");
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
    if (version.step() && version.text(0) != kSchemaVersion &&
        version.text(0) != kOldestSchemaVersion)
        throw InputError(db_path.string(), "",
                         "workspace schema version " + std::string(version.text(0)) +
                             " is newer than this catena supports (" + kOldestSchemaVersion +
                             " to " + kSchemaVersion + "); use the catena that wrote it");
}

void check_readable_version(std::string_view version, const std::filesystem::path& db_path) {
    if (version != kSchemaVersion && version != kOldestSchemaVersion)
        throw InputError(db_path.string(), "",
                         "workspace schema version " + std::string(version) +
                             " is not supported by this catena (expects " + kOldestSchemaVersion +
                             " to " + kSchemaVersion + "); import the data again");
}

}  // namespace catena::store
