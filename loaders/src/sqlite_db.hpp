// A thin RAII layer over the SQLite C API, private to loaders/. Every failure becomes an
// InputError prefixed with the database file name.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <sqlite3.h>

namespace catena::sqlite {

class Database;

class Statement {
  public:
    Statement(Database& db, const char* sql);
    ~Statement();
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;

    Statement& bind(int index, std::string_view text);
    Statement& bind(int index, double value);
    Statement& bind(int index, std::int64_t value);
    Statement& bind_null(int index);
    template <typename T>
    Statement& bind(int index, const std::optional<T>& value) {
        return value ? bind(index, *value) : bind_null(index);
    }
    // Steps once: true when a row is available.
    bool step();
    // Runs to completion and resets for the next bindings.
    void run();
    void reset();

    bool is_null(int column) const;
    std::string_view text(int column) const;
    double real(int column) const;
    std::int64_t integer(int column) const;
    std::optional<double> optional_real(int column) const;

  private:
    Database& db_;
    sqlite3_stmt* statement_ = nullptr;
};

class Database {
  public:
    // Opens `path` (created when missing unless `read_only`), waiting up to 2 s for another
    // process's lock. A read-only open reads the schema at once, so a database that cannot be
    // read fails here; if an interrupted write (a killed import or run) left a hot journal, it is
    // first rolled back through a short read-write connection, restoring the last committed state
    // as SQLite's next writer would: the only write a read-only Database ever makes.
    Database(const std::string& path, bool read_only);
    ~Database();
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;

    void exec(const char* sql);
    bool has_table(const char* name);
    sqlite3* handle() { return db_; }
    const std::string& path() const { return path_; }
    // Throws the error for SQLite result `code` while doing `doing`: OutputError when the
    // workspace cannot be written, else InputError.
    [[noreturn]] void fail(int code, std::string_view doing);

  private:
    std::string path_;
    bool read_only_ = false;
    sqlite3* db_ = nullptr;
};

}  // namespace catena::sqlite
