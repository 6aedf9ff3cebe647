#include "sqlite_db.hpp"

#include "catena/graph/errors.hpp"

namespace catena::sqlite {

namespace {

constexpr int kBusyTimeoutMs = 2000;

// Opens `path` with `flags`; the handle is returned even on failure (SQLite allocates one for
// the error message), so the caller must close it.
int open_handle(const std::string& path, int flags, sqlite3*& handle) {
    const int code = sqlite3_open_v2(path.c_str(), &handle, flags, nullptr);
    if (handle) {
        sqlite3_busy_timeout(handle, kBusyTimeoutMs);
        sqlite3_extended_result_codes(handle, 1);
    }
    return code;
}

// Reads the schema: the first access, which is when SQLite looks for a hot journal.
int first_read(sqlite3* handle) {
    return sqlite3_exec(handle, "SELECT count(*) FROM sqlite_master", nullptr, nullptr, nullptr);
}

}  // namespace

Database::Database(const std::string& path, bool read_only) : path_(path), read_only_(read_only) {
    try {
        const int flags =
            read_only ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
        int code = open_handle(path, flags, db_);
        if (code != SQLITE_OK) fail(code, "opening");
        if (!read_only) return;  // a read-write connection rolls a hot journal back by itself
        code = first_read(db_);
        if (code == SQLITE_READONLY_ROLLBACK) {
            // A write was interrupted (a killed import or run) and left a hot journal, which only a
            // read-write connection may roll back. Rolling it back restores the last committed
            // state, exactly what the next writer (or the sqlite3 shell) would do; then read as
            // asked.
            sqlite3* writer = nullptr;
            const int opened = open_handle(path, SQLITE_OPEN_READWRITE, writer);
            const int rolled_back = opened == SQLITE_OK ? first_read(writer) : opened;
            sqlite3_close_v2(writer);
            if (rolled_back != SQLITE_OK)
                fail((rolled_back & 0xff) == SQLITE_BUSY ? rolled_back : code, "opening");
            sqlite3_close_v2(db_);
            db_ = nullptr;
            code = open_handle(path, flags, db_);
            if (code == SQLITE_OK) code = first_read(db_);
        }
        if (code != SQLITE_OK) fail(code, "opening");
    } catch (...) {
        sqlite3_close_v2(db_);  // the destructor does not run for a constructor that throws
        throw;
    }
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
    else if (code == SQLITE_READONLY_ROLLBACK)
        what = "an interrupted write left a journal (" + path_ +
               "-journal) that must be rolled back first, "
               "which needs write access to the database file and its folder";
    else if (primary == SQLITE_READONLY)
        what = "the database is read-only (check the file's and folder's permissions)";
    else if (primary == SQLITE_FULL)
        what = "the disk is full";
    else if (code == SQLITE_IOERR_WRITE || code == SQLITE_IOERR_FSYNC ||
             code == SQLITE_IOERR_TRUNCATE)
        what = "cannot write to the disk (is it full, failing, or the file over a size limit?)";
    else if (primary == SQLITE_CANTOPEN)
        what = "cannot open the database file (check that the folder exists and is writable)";
    else
        what = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(code);
    // Failing to write the workspace is an output error; a database that cannot be read, an input
    // error.
    const bool writing = primary == SQLITE_READONLY || primary == SQLITE_FULL ||
                         code == SQLITE_IOERR_WRITE || code == SQLITE_IOERR_FSYNC ||
                         code == SQLITE_IOERR_TRUNCATE ||
                         (primary == SQLITE_CANTOPEN && !read_only_);
    if (writing && code != SQLITE_READONLY_ROLLBACK)
        throw OutputError(path_, what + " (while " + std::string(doing) + ")");
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
    const int code =
        sqlite3_bind_text(statement_, index, data, static_cast<int>(text.size()), SQLITE_TRANSIENT);
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
