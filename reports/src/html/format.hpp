// Text and numbers formatted for people, as the HTML report writes them; made to serve every
// report renderer. human.hpp (count, money, score) is the base and comes with this header.
//
// Numbers: "–" stands for a number that is not finite; the minus sign is U+2212 (−); values too
// large to write in full (about 1.8e19 for whole numbers, 1.8e17 with decimals) switch to
// scientific notation.
//
// Text widths are estimates in em of a sans-serif system font, so that a label can be cut before
// it overflows its cell or chart whatever the script: CJK and emoji count double a Latin letter,
// combining marks nothing. Cutting happens on code point boundaries of valid UTF-8.
//
// `escape`, `shortened`, `shortened_plain` and `readable_time` return HTML (escaped text).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "../human.hpp"

namespace catena {

// --- Text ----------------------------------------------------------------------------------------

// Escapes text for HTML content and attribute values alike; control characters other than tab
// and line feed become spaces.
std::string escape(std::string_view text);
// The estimated width of `text` in em.
double text_em(std::string_view text);
// The longest prefix of `text` at most `max_em` wide.
std::string_view prefix_within(std::string_view text, double max_em);
// Escaped text cut to about `max_em` wide with an ellipsis, the full text then in a title
// attribute: <span title="full">cut…</span>.
std::string shortened(std::string_view text, double max_em);
// Escaped text cut the same way without the span, for SVG labels (the full text goes in the
// mark's <title>).
std::string shortened_plain(std::string_view text, double max_em);
// The first letter upper case when it is an ASCII letter: "leiden" -> "Leiden".
std::string capitalised(std::string text);

// --- Numbers -------------------------------------------------------------------------------------

// Rounded to a whole number with thousands separators: -1234.6 -> "−1,235".
std::string whole(double value);
// Money with two decimals: 1234.5 -> "1,234.50".
std::string amount(double value);
// One decimal with thousands separators: 1234.56 -> "1,234.6".
std::string tenths(double value);
// A ratio as a percentage with one decimal: 0.1234 -> "12.3%".
std::string percent(double ratio);
// An axis label: 0, 2.5, 1,000, 25k, 1.5M, 2B; `step` (the distance between ticks) sets the
// decimals and `axis_max` the unit.
std::string tick_label(double value, double step, double axis_max);
// The label of a power of ten on a log axis: 1, 10, 100, 1k, 10k, 1M ... 100B, then 1e12.
std::string power_label(int exponent);

// --- Time ----------------------------------------------------------------------------------------

// "2026-11-23T15:00:04Z" -> seconds since 1970, or nothing when the text is not that shape.
std::optional<std::int64_t> parse_utc(const std::string& text);
// "2026-11-23T15:00:04Z" -> "23 Nov 2026, 15:00 UTC"; other text is returned escaped.
std::string readable_time(const std::string& text);
// A length of time: "under a second", "4 s", "2 min 5 s", "3 h 12 min".
std::string duration(std::int64_t seconds);

}  // namespace catena
