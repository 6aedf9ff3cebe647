// Parsing of single CSV fields into typed values, with errors that name the column.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

#include "catena/graph/date.hpp"
#include "catena/graph/influence_graph.hpp"

namespace catena::fields {

std::string_view trim(std::string_view text);
// Empty -> nothing. Throws RowError(column) when not a finite number.
std::optional<double> number(std::string_view text, const char* column);
// true/false, yes/no, y/n, t/f, 1/0 (any case); empty -> nothing. Throws RowError otherwise.
std::optional<bool> boolean(std::string_view text, const char* column);
// ISO date; empty -> nothing. Throws RowError otherwise.
std::optional<Date> date(std::string_view text, const char* column);
// person or business (any case); empty -> person.
NodeKind kind(std::string_view text, const char* column);
// Offset of the first byte at or after `from` that does not start a well-formed UTF-8 sequence
// (RFC 3629: no overlong forms, surrogates or code points above U+10FFFF), or npos.
std::size_t find_invalid_utf8(std::string_view text, std::size_t from = 0);

}  // namespace catena::fields
