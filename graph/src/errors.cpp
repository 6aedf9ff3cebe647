#include "catena/graph/errors.hpp"

namespace catena {

namespace {
std::string compose(std::string_view where, std::string_view column, std::string_view what) {
    std::string message;
    message.reserve(where.size() + column.size() + what.size() + 4);
    message.append(where).append(": ");
    if (!column.empty()) message.append(column).append(": ");
    message.append(what);
    return message;
}
}  // namespace

InputError::InputError(std::string_view where, std::string_view column, std::string_view what)
    : Error(compose(where, column, what)) {}

OutputError::OutputError(std::string_view path, std::string_view what)
    : Error(std::string(path) + ": " + std::string(what)) {}

std::string file_line(std::string_view file, std::uint64_t line) {
    std::string out(file);
    out += ':';
    out += std::to_string(line);
    return out;
}

}  // namespace catena
