// Numbers formatted for people: thousands separators, sensible decimals.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "catena/graph/output.hpp"  // csv_field

namespace catena {

// 1234567 -> "1,234,567".
std::string count(std::uint64_t value);
// 1234.5 -> "1,234.50".
std::string money(double value);
// A score with `significant` significant digits, in plain notation when it is readable.
std::string score(double value, int significant = 4);

}  // namespace catena
