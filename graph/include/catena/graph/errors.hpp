// The typed errors of catena. Every module throws these; `cli/main.cpp` catches them once and maps
// them to exit codes (2 usage, 3 input, 4 output, 1 other).
//
// - InputError: the data is wrong. Its message always says where: `file:line: column: what` for a
//   CSV file, `file: table T, row R: column: what` for a database, `file: what` for the file as a
//   whole (missing, empty, not a database).
// - UsageError: a parameter or option is impossible (k larger than the graph, a probability of 2).
// - OutputError: a file or workspace catena writes cannot be written (no such folder, no
//   permission, a read-only workspace, a full disk): `path: what`. What was there stays as it was.
// - InternalError: a bug in catena, never the user's fault.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace catena {

class Error : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

// Where a bad value was found. `where` is the file (or database) and position prefix, such as
// "customers.csv:12" or "crm.db: table customers, row 4"; column may be empty.
class InputError : public Error {
  public:
    InputError(std::string_view where, std::string_view column, std::string_view what);
    explicit InputError(std::string_view message) : Error(std::string(message)) {}
};

class UsageError : public Error {
  public:
    using Error::Error;
};

class OutputError : public Error {
  public:
    OutputError(std::string_view path, std::string_view what);
};

class InternalError : public Error {
  public:
    using Error::Error;
};

// "file:line" — the position prefix used for CSV rows (line numbers start at 1).
std::string file_line(std::string_view file, std::uint64_t line);

}  // namespace catena
