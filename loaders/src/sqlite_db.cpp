#include "sqlite_db.hpp"

#include "catena/graph/errors.hpp"

namespace catena::sqlite {

Database::Database(const std::string& path, bool read_only) : path_(path) {
    const int flags = read_only ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    const int code = sqlite3_open_v2(path.c_str(), &db_, flags, nullptr);
    if (code != SQLITE_OK) fail(code, "opening");
    sqlite3_busy_timeout(db_, 2000);
    sqlite3_extended_result_codes(db_, 1);
}

Database::~Database() { sqlite3_close_v2(db_); }

void Database::fail(int code, std::string_view doing) {
    const int primary = code & 0xff;
    std::string what;
    if (primary == SQLITE_NOTADB)
        what = "not a SQLite database (or an encrypted or corrupt one)";
    else if (primary == SQLITE_CORRUPT)
        what = "the database file is corrupt";
    else if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED)
        what = "the database is locked by another process; try again when it has finished";
    else if (primary == SQLITE_READONLY)
        what = "the database is read-only (check the file's and folder's permissions)";
    else if (primary == SQLITE_FULL)
        what = "the disk is full";
    else if (primary == SQLITE_CANTOPEN)
        what = "cannot open the database file (check that the folder exists and is writable)";
    else
        what = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(code);
    throw InputError(path_, "", what + " (while " + std::string(doing) + ")");
}

void Database::exec(const char* sql) {
    char* message = nullptr;
    const int code = sqlite3_exec(db_, sql, nullptr, nullptr, &message);
    sqlite3_free(message);
    if (code != SQLITE_OK) fail(code, "running SQL");
}

bool Database::has_table(const char* name) {
    Statement statement(*this, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?");
    statement.bind(1, std::string_view(name));
    return statement.step();
}

Statement::Statement(Database& db, const char* sql) : db_(db) {
    const int code = sqlite3_prepare_v2(db.handle(), sql, -1, &statement_, nullptr);
    if (code != SQLITE_OK) db.fail(code, "reading the schema");
}

Statement::~Statement() { sqlite3_finalize(statement_); }

Statement& Statement::bind(int index, std::string_view text) {
    // An empty view may have no data pointer, which SQLite would store as NULL.
    const char* data = text.data() ? text.data() : "";
    const int code = sqlite3_bind_text(statement_, index, data, static_cast<int>(text.size()),
                                       SQLITE_TRANSIENT);
    if (code != SQLITE_OK) db_.fail(code, "binding a value");
    return *this;
}

Statement& Statement::bind(int index, double value) {
    const int code = sqlite3_bind_double(statement_, index, value);
    if (code != SQLITE_OK) db_.fail(code, "binding a value");
    return *this;
}

Statement& Statement::bind(int index, std::int64_t value) {
    const int code = sqlite3_bind_int64(statement_, index, value);
    if (code != SQLITE_OK) db_.fail(code, "binding a value");
    return *this;
}

Statement& Statement::bind_null(int index) {
    const int code = sqlite3_bind_null(statement_, index);
    if (code != SQLITE_OK) db_.fail(code, "binding a value");
    return *this;
}

bool Statement::step() {
    const int code = sqlite3_step(statement_);
    if (code == SQLITE_ROW) return true;
    if (code == SQLITE_DONE) return false;
    db_.fail(code, "reading or writing rows");
}

void Statement::run() {
    while (step()) {
    }
    reset();
}

void Statement::reset() {
    sqlite3_reset(statement_);
    sqlite3_clear_bindings(statement_);
}

bool Statement::is_null(int column) const {
    return sqlite3_column_type(statement_, column) == SQLITE_NULL;
}

std::string_view Statement::text(int column) const {
    const auto* data = reinterpret_cast<const char*>(sqlite3_column_text(statement_, column));
    const int size = sqlite3_column_bytes(statement_, column);
    return data ? std::string_view(data, static_cast<std::size_t>(size)) : std::string_view();
}

double Statement::real(int column) const { return sqlite3_column_double(statement_, column); }

std::int64_t Statement::integer(int column) const {
    return sqlite3_column_int64(statement_, column);
}

std::optional<double> Statement::optional_real(int column) const {
    if (is_null(column)) return std::nullopt;
    return real(column);
}

}  // namespace catena::sqlite
