#include "format.hpp"

#include <cmath>
#include <cstdio>

#include <fmt/format.h>

namespace catena {
namespace {

// The next code point of valid UTF-8 text (the JSON parser has checked it) and its length.
char32_t next_code_point(std::string_view text, std::size_t byte, std::size_t& length) {
    const auto lead = static_cast<unsigned char>(text[byte]);
    length = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
    if (byte + length > text.size()) length = text.size() - byte;
    char32_t point = length == 1 ? lead : lead & (0xFF >> (length + 1));
    for (std::size_t more = 1; more < length; ++more)
        point = point << 6 | (static_cast<unsigned char>(text[byte + more]) & 0x3F);
    return point;
}

// A rough width of a character in em for a sans-serif system font: enough to cut a label before
// it overflows its cell or its chart, whatever the script (Latin, Greek, CJK, emoji).
double glyph_em(char32_t point) {
    if (point < 0x80) {
        const char c = static_cast<char>(point);
        if (c == 'W' || c == 'M' || c == 'm' || c == 'w' || c == '@') return 0.9;
        if (c >= 'A' && c <= 'Z') return c == 'I' ? 0.3 : 0.7;
        if (c == 'i' || c == 'j' || c == 'l' || c == 'f' || c == 't' || c == 'r' || c == ' ' ||
            c == '.' || c == ',' || c == '\'' || c == ':' || c == ';' || c == '!' || c == '|')
            return 0.32;
        return 0.57;
    }
    if ((point >= 0x0300 && point <= 0x036F) || point == 0x200D ||
        (point >= 0xFE00 && point <= 0xFE0F))
        return 0;                     // combining marks, zero-width joiner, variation selectors
    if (point >= 0x1100) return 1.0;  // CJK, Hangul, symbols and emoji: full width
    return 0.75;                      // Latin-1, Greek, Cyrillic and the rest
}

// "2026-11-23T15:00:04Z" read into its six fields; false when the text is not that shape.
struct UtcFields {
    int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
};

bool read_utc(const std::string& text, UtcFields& t) {
    char tail = 0;
    return std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%c", &t.year, &t.month, &t.day,
                       &t.hour, &t.minute, &t.second, &tail) == 7 &&
           tail == 'Z' && t.month >= 1 && t.month <= 12;
}

// Too large to write in full: scientific notation.
std::string huge(double value) { return fmt::format("{:.3e}", value); }

}  // namespace

std::string escape(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (const char c : text) {
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += "&quot;";
                break;
            case '\'':
                out += "&#39;";
                break;
            default:
                if (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t')
                    out += ' ';
                else
                    out += c;
        }
    }
    return out;
}

double text_em(std::string_view text) {
    double width = 0;
    std::size_t length = 0;
    for (std::size_t byte = 0; byte < text.size(); byte += length)
        width += glyph_em(next_code_point(text, byte, length));
    return width;
}

std::string_view prefix_within(std::string_view text, double max_em) {
    double width = 0;
    std::size_t length = 0;
    for (std::size_t byte = 0; byte < text.size(); byte += length) {
        width += glyph_em(next_code_point(text, byte, length));
        if (width > max_em) return text.substr(0, byte);
    }
    return text;
}

std::string shortened(std::string_view text, double max_em) {
    if (text_em(text) <= max_em) return escape(text);
    return fmt::format("<span title=\"{}\">{}…</span>", escape(text),
                       escape(prefix_within(text, max_em - 1)));
}

std::string shortened_plain(std::string_view text, double max_em) {
    if (text_em(text) <= max_em) return escape(text);
    return escape(prefix_within(text, max_em - 1)) + "…";
}

std::string capitalised(std::string text) {
    if (!text.empty() && text[0] >= 'a' && text[0] <= 'z')
        text[0] = static_cast<char>(text[0] - 32);
    return text;
}

std::string whole(double value) {
    if (!std::isfinite(value)) return "–";
    const double rounded = std::round(value);
    if (std::abs(rounded) >= 1.8e19) return huge(value);
    const std::string digits = count(static_cast<std::uint64_t>(std::abs(rounded)));
    return rounded < 0 ? "−" + digits : digits;
}

std::string amount(double value) {
    if (!std::isfinite(value)) return "–";
    if (std::abs(value) >= 1.8e17) return huge(value);
    const std::string text = money(std::abs(value));
    return value < 0 && text != "0.00" ? "−" + text : text;
}

std::string tenths(double value) {
    if (!std::isfinite(value)) return "–";
    if (std::abs(value) >= 1.8e17) return huge(value);
    const auto scaled = static_cast<std::uint64_t>(std::llround(std::abs(value) * 10));
    const std::string text = count(scaled / 10) + fmt::format(".{}", scaled % 10);
    return value < 0 && scaled != 0 ? "−" + text : text;
}

std::string percent(double ratio) { return fmt::format("{:.1f}%", ratio * 100); }

std::string tick_label(double value, double step, double axis_max) {
    double divisor = 1;
    const char* suffix = "";
    if (axis_max >= 1e10)
        divisor = 1e9, suffix = "B";
    else if (axis_max >= 1e7)
        divisor = 1e6, suffix = "M";
    else if (axis_max >= 1e4)
        divisor = 1e3, suffix = "k";
    const double scaled_step = step / divisor;
    int decimals = 0;
    while (decimals < 8 && std::abs(scaled_step * std::pow(10, decimals) -
                                    std::round(scaled_step * std::pow(10, decimals))) > 1e-6)
        ++decimals;
    if (value == 0) return "0";
    const double scaled = value / divisor;
    if (decimals == 0 && !*suffix) return whole(scaled);
    return fmt::format("{:.{}f}{}", scaled, decimals, suffix);
}

std::string power_label(int exponent) {
    static const char* const labels[] = {"1",  "10",  "100",  "1k", "10k", "100k",
                                         "1M", "10M", "100M", "1B", "10B", "100B"};
    if (exponent >= 0 && exponent < 12) return labels[exponent];
    return fmt::format("1e{}", exponent);
}

std::optional<std::int64_t> parse_utc(const std::string& text) {
    UtcFields t;
    if (!read_utc(text, t) || t.day < 1 || t.day > 31) return std::nullopt;
    // Days from civil (Howard Hinnant's algorithm).
    const int y = t.year - (t.month <= 2);
    const int era = (y >= 0 ? y : y - 399) / 400;
    const int yoe = y - era * 400;
    const int doy = (153 * (t.month + (t.month > 2 ? -3 : 9)) + 2) / 5 + t.day - 1;
    const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    const std::int64_t days = static_cast<std::int64_t>(era) * 146097 + doe - 719468;
    return days * 86400 + t.hour * 3600 + t.minute * 60 + t.second;
}

std::string readable_time(const std::string& text) {
    static const char* const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    UtcFields t;
    if (read_utc(text, t))
        return fmt::format("{} {} {}, {:02d}:{:02d} UTC", t.day, months[t.month - 1], t.year,
                           t.hour, t.minute);
    return escape(text);
}

std::string duration(std::int64_t seconds) {
    if (seconds < 1) return "under a second";
    if (seconds < 60) return fmt::format("{} s", seconds);
    if (seconds < 3600) return fmt::format("{} min {} s", seconds / 60, seconds % 60);
    return fmt::format("{} h {} min", seconds / 3600, seconds % 3600 / 60);
}

}  // namespace catena
