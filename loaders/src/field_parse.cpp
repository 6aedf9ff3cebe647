#include "field_parse.hpp"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>

#include "catena/graph/graph_builder.hpp"
#include "catena/graph/relationship_types.hpp"

namespace catena::fields {

namespace {
std::string shown(std::string_view text) {
    constexpr std::size_t kMax = 40;
    std::string out = "'";
    out += text.size() > kMax ? std::string(text.substr(0, kMax)) + "..." : std::string(text);
    out += '\'';
    return out;
}
}  // namespace

std::string_view trim(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
    return text;
}

std::optional<double> number(std::string_view text, const char* column) {
    text = trim(text);
    if (text.empty()) return std::nullopt;
    std::string_view digits = text;
    if (digits.front() == '+') digits.remove_prefix(1);
    double value = 0.0;
    const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    if (error != std::errc() || end != digits.data() + digits.size() || !std::isfinite(value))
        throw RowError(column, "not a number: " + shown(text));
    return value;
}

std::optional<bool> boolean(std::string_view text, const char* column) {
    text = trim(text);
    if (text.empty()) return std::nullopt;
    const std::string key = normalize_type_name(text);
    if (key == "true" || key == "yes" || key == "y" || key == "t" || key == "1") return true;
    if (key == "false" || key == "no" || key == "n" || key == "f" || key == "0") return false;
    throw RowError(column, "not true or false: " + shown(text));
}

std::optional<Date> date(std::string_view text, const char* column) {
    text = trim(text);
    if (text.empty()) return std::nullopt;
    if (auto parsed = parse_iso_date(text)) return parsed;
    throw RowError(column, "not a valid date (expected YYYY-MM-DD): " + shown(text));
}

NodeKind kind(std::string_view text, const char* column) {
    const std::string key = normalize_type_name(text);
    if (key.empty() || key == "person") return NodeKind::person;
    if (key == "business") return NodeKind::business;
    throw RowError(column, "must be 'person' or 'business', not " + shown(text));
}

std::size_t find_invalid_utf8(std::string_view text, std::size_t from) {
    const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
    const std::size_t size = text.size();
    std::size_t at = from;
    while (at < size) {
        if (at + 8 <= size) {  // ASCII, eight bytes at a time
            std::uint64_t word;
            std::memcpy(&word, bytes + at, 8);
            if ((word & 0x8080808080808080ull) == 0) {
                at += 8;
                continue;
            }
        }
        const unsigned char lead = bytes[at];
        if (lead < 0x80) {
            ++at;
            continue;
        }
        // Length of the sequence and the range of its second byte (Unicode Table 3-7).
        if (lead < 0xC2 || lead > 0xF4)
            return at;  // a continuation byte, overlong or beyond U+10FFFF
        const std::size_t length = lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
        const unsigned char low = lead == 0xE0 ? 0xA0 : lead == 0xF0 ? 0x90 : 0x80;
        const unsigned char high = lead == 0xED ? 0x9F : lead == 0xF4 ? 0x8F : 0xBF;
        if (at + length > size || bytes[at + 1] < low || bytes[at + 1] > high) return at;
        for (std::size_t next = 2; next < length; ++next)
            if ((bytes[at + next] & 0xC0) != 0x80) return at;
        at += length;
    }
    return std::string_view::npos;
}

}  // namespace catena::fields
