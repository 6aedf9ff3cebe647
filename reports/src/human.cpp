#include "human.hpp"

#include <cmath>

#include <fmt/format.h>

namespace catena {

std::string count(std::uint64_t value) {
    std::string digits = std::to_string(value);
    for (int position = static_cast<int>(digits.size()) - 3; position > 0; position -= 3)
        digits.insert(static_cast<std::size_t>(position), ",");
    return digits;
}

std::string money(double value) {
    const bool negative = value < 0;
    const auto cents = static_cast<std::uint64_t>(std::llround(std::abs(value) * 100));
    return (negative ? "-" : "") + count(cents / 100) + fmt::format(".{:02d}", cents % 100);
}

std::string score(double value, int significant) {
    if (value == 0) return "0";
    const double magnitude = std::abs(value);
    if (magnitude >= 1e-4 && magnitude < 1e6) {
        const int digits_before = static_cast<int>(std::floor(std::log10(magnitude))) + 1;
        const int decimals = std::max(0, significant - digits_before);
        return fmt::format("{:.{}f}", value, decimals);
    }
    return fmt::format("{:.{}e}", value, significant - 1);
}

}  // namespace catena
