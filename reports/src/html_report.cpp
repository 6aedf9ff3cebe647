#include "catena/reports/html_report.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "catena/graph/errors.hpp"

#include "human.hpp"

namespace catena {
namespace {

// ordered_json keeps the writer's key order, so the parameters read as the job file does.
using Json = nlohmann::ordered_json;

// --- Reading the summary ------------------------------------------------------------------------

[[noreturn]] void malformed(const std::string& path, std::string_view what) {
    throw InternalError(fmt::format("report summary: {}: {}", path, what));
}

std::string join_path(const std::string& path, std::string_view key) {
    return path.empty() ? std::string(key) : path + "." + std::string(key);
}

std::string index_path(const std::string& path, std::size_t index) {
    return fmt::format("{}[{}]", path, index);
}

// A member that may be absent or null: nullptr then.
const Json* find(const Json& object, std::string_view key) {
    if (!object.is_object()) return nullptr;
    const auto found = object.find(key);
    if (found == object.end() || found->is_null()) return nullptr;
    return &*found;
}

const Json& object(const Json& parent, std::string_view key, const std::string& path) {
    const Json* value = find(parent, key);
    if (!value) malformed(join_path(path, key), "missing");
    if (!value->is_object()) malformed(join_path(path, key), "expected an object");
    return *value;
}

const Json& array(const Json& parent, std::string_view key, const std::string& path) {
    const Json* value = find(parent, key);
    if (!value) malformed(join_path(path, key), "missing");
    if (!value->is_array()) malformed(join_path(path, key), "expected a list");
    return *value;
}

std::optional<double> optional_number(const Json& parent, std::string_view key,
                                      const std::string& path) {
    const Json* value = find(parent, key);
    if (!value) return std::nullopt;
    if (!value->is_number()) malformed(join_path(path, key), "expected a number");
    return value->get<double>();
}

double number(const Json& parent, std::string_view key, const std::string& path) {
    const std::optional<double> value = optional_number(parent, key, path);
    if (!value) malformed(join_path(path, key), "missing");
    return *value;
}

std::optional<std::string> optional_text(const Json& parent, std::string_view key,
                                         const std::string& path) {
    const Json* value = find(parent, key);
    if (!value) return std::nullopt;
    if (!value->is_string()) malformed(join_path(path, key), "expected text");
    return value->get<std::string>();
}

std::string text(const Json& parent, std::string_view key, const std::string& path) {
    std::optional<std::string> value = optional_text(parent, key, path);
    if (!value) malformed(join_path(path, key), "missing");
    return std::move(*value);
}

std::vector<double> numbers(const Json& parent, std::string_view key, const std::string& path) {
    std::vector<double> out;
    const Json* value = find(parent, key);
    if (!value) return out;
    if (!value->is_array()) malformed(join_path(path, key), "expected a list of numbers");
    for (std::size_t index = 0; index < value->size(); ++index) {
        const Json& item = (*value)[index];
        if (!item.is_number())
            malformed(index_path(join_path(path, key), index), "expected a number");
        out.push_back(item.get<double>());
    }
    return out;
}

// --- Text and numbers for people ----------------------------------------------------------------

// Escapes text for HTML content and attribute values alike; control characters become spaces.
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

double text_em(std::string_view text) {
    double width = 0;
    std::size_t length = 0;
    for (std::size_t byte = 0; byte < text.size(); byte += length)
        width += glyph_em(next_code_point(text, byte, length));
    return width;
}

// The longest prefix of `text` at most `max_em` wide, on a code point boundary.
std::string_view prefix_within(std::string_view text, double max_em) {
    double width = 0;
    std::size_t length = 0;
    for (std::size_t byte = 0; byte < text.size(); byte += length) {
        width += glyph_em(next_code_point(text, byte, length));
        if (width > max_em) return text.substr(0, byte);
    }
    return text;
}

// Text cut to about `max_em` wide with an ellipsis; the full text stays in a title attribute.
std::string shortened(std::string_view text, double max_em) {
    if (text_em(text) <= max_em) return escape(text);
    return fmt::format("<span title=\"{}\">{}…</span>", escape(text),
                       escape(prefix_within(text, max_em - 1)));
}

// Plain shortened text, for SVG labels (the full text goes in the mark's <title>).
std::string shortened_plain(std::string_view text, double max_em) {
    if (text_em(text) <= max_em) return escape(text);
    return escape(prefix_within(text, max_em - 1)) + "…";
}

std::string whole(double value) {
    if (!std::isfinite(value)) return "–";
    const double rounded = std::round(value);
    if (std::abs(rounded) >= 1.8e19) return fmt::format("{:.3e}", value);
    const std::string digits = count(static_cast<std::uint64_t>(std::abs(rounded)));
    return rounded < 0 ? "−" + digits : digits;
}

std::string amount(double value) {
    if (!std::isfinite(value)) return "–";
    if (std::abs(value) >= 1.8e17) return fmt::format("{:.3e}", value);
    const std::string text = money(std::abs(value));
    return value < 0 && text != "0.00" ? "−" + text : text;
}

// One decimal with thousands separators: 1234.56 -> "1,234.6".
std::string tenths(double value) {
    if (!std::isfinite(value)) return "–";
    if (std::abs(value) >= 1.8e17) return fmt::format("{:.3e}", value);
    const auto scaled = static_cast<std::uint64_t>(std::llround(std::abs(value) * 10));
    const std::string text = count(scaled / 10) + fmt::format(".{}", scaled % 10);
    return value < 0 && scaled != 0 ? "−" + text : text;
}

std::string percent(double ratio) { return fmt::format("{:.1f}%", ratio * 100); }

// Axis labels: 0, 2.5, 1,000, 25k, 1.5M, 2B; `step` sets the decimals.
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

// Label of a power of ten on a log axis: 1, 10, 100, 1k, 10k, 1M ...
std::string power_label(int exponent) {
    static const char* const labels[] = {"1",  "10",  "100",  "1k", "10k", "100k",
                                         "1M", "10M", "100M", "1B", "10B", "100B"};
    if (exponent >= 0 && exponent < 12) return labels[exponent];
    return fmt::format("1e{}", exponent);
}

// Evenly spaced "nice" ticks (1, 2, 2.5, 5 x 10^n) from 0 to at least `max`.
std::vector<double> nice_ticks(double max, int target = 5) {
    if (!(max > 0) || !std::isfinite(max)) max = 1;
    const double rough = max / target;
    const double magnitude = std::pow(10, std::floor(std::log10(rough)));
    double step = magnitude * 10;
    for (const double factor : {1.0, 2.0, 2.5, 5.0, 10.0}) {
        if (magnitude * factor >= rough) {
            step = magnitude * factor;
            break;
        }
    }
    std::vector<double> ticks;
    for (int index = 0;; ++index) {
        ticks.push_back(step * index);
        if (step * index >= max * (1 - 1e-9)) break;
    }
    return ticks;
}

// "2026-11-23T15:00:04Z" -> seconds since 1970, or nothing when it is not that shape.
std::optional<std::int64_t> parse_utc(const std::string& text) {
    int year, month, day, hour, minute, second;
    char tail = 0;
    if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%c", &year, &month, &day, &hour, &minute,
                    &second, &tail) != 7 ||
        tail != 'Z' || month < 1 || month > 12 || day < 1 || day > 31)
        return std::nullopt;
    // Days from civil (Howard Hinnant's algorithm).
    const int y = year - (month <= 2);
    const int era = (y >= 0 ? y : y - 399) / 400;
    const int yoe = y - era * 400;
    const int doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
    const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    const std::int64_t days = static_cast<std::int64_t>(era) * 146097 + doe - 719468;
    return days * 86400 + hour * 3600 + minute * 60 + second;
}

std::string readable_time(const std::string& text) {
    static const char* const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    int year, month, day, hour, minute, second;
    char tail = 0;
    if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%c", &year, &month, &day, &hour, &minute,
                    &second, &tail) == 7 &&
        tail == 'Z' && month >= 1 && month <= 12)
        return fmt::format("{} {} {}, {:02d}:{:02d} UTC", day, months[month - 1], year, hour,
                           minute);
    return escape(text);
}

std::string duration(std::int64_t seconds) {
    if (seconds < 1) return "under a second";
    if (seconds < 60) return fmt::format("{} s", seconds);
    if (seconds < 3600) return fmt::format("{} min {} s", seconds / 60, seconds % 60);
    return fmt::format("{} h {} min", seconds / 3600, seconds % 3600 / 60);
}

// A parameter value as a person reads it.
std::string parameter_value(const Json& value) {
    if (value.is_null()) return "<span class=\"muted\">—</span>";
    if (value.is_boolean()) return value.get<bool>() ? "yes" : "no";
    if (value.is_number_integer() || value.is_number_unsigned()) return whole(value.get<double>());
    if (value.is_number_float()) return escape(fmt::format("{}", value.get<double>()));
    if (value.is_string()) {
        const std::string& text = value.get_ref<const std::string&>();
        return text.empty() ? "<span class=\"muted\">—</span>" : shortened(text, 60);
    }
    if (value.is_array()) {
        if (value.empty()) return "<span class=\"muted\">none</span>";
        std::string out;
        for (const Json& item : value) {
            if (!out.empty()) out += ", ";
            out += item.is_primitive() ? parameter_value(item) : shortened(item.dump(), 60);
        }
        return out;
    }
    return shortened(value.dump(), 60);
}

// --- Colours (Okabe & Ito's colour-blind safe palette) --------------------------------------

constexpr const char* kPalette[] = {"#0072B2", "#D55E00", "#009E73", "#CC79A7",
                                    "#E69F00", "#56B4E9", "#7A7A7A", "#000000"};
constexpr const char* kBar = "#2B6CB0";
constexpr const char* kValueBar = "#E69F00";

const char* strategy_colour(const std::string& name, std::size_t index) {
    if (name == "maximisation") return "#0072B2";
    if (name == "pagerank") return "#D55E00";
    if (name == "degree") return "#009E73";
    if (name == "value") return "#CC79A7";
    if (name == "random") return "#7A7A7A";
    return kPalette[index % std::size(kPalette)];
}

std::string capitalised(std::string text) {
    if (!text.empty() && text[0] >= 'a' && text[0] <= 'z')
        text[0] = static_cast<char>(text[0] - 32);
    return text;
}

// A quadrant's name without case, spaces, hyphens or underscores: the value module writes
// "hidden-influencers", a person writes "hidden influencers"; both are the same quadrant.
std::string quadrant_key(std::string_view name) {
    std::string key;
    for (const char c : name) {
        if (c >= 'A' && c <= 'Z')
            key += static_cast<char>(c + 32);
        else if (c != ' ' && c != '-' && c != '_')
            key += c;
    }
    return key;
}

std::string quadrant_label(const std::string& name) {
    const std::string key = quadrant_key(name);
    if (key == "champions") return "Champions";
    if (key == "hiddeninfluencers") return "Hidden influencers";
    if (key == "highvalueloners") return "High-value loners";
    if (key == "others") return "Others";
    std::string label = name;
    std::replace(label.begin(), label.end(), '-', ' ');
    std::replace(label.begin(), label.end(), '_', ' ');
    return capitalised(label);
}

const char* quadrant_colour(const std::string& name, std::size_t index) {
    const std::string key = quadrant_key(name);
    if (key == "champions") return "#0072B2";
    if (key == "hiddeninfluencers") return "#D55E00";
    if (key == "highvalueloners") return "#009E73";
    if (key == "others") return "#9A9A9A";
    return kPalette[(index + 3) % std::size(kPalette)];
}

std::string strategy_label(const std::string& name) {
    if (name == "maximisation") return "Influence maximisation";
    if (name == "pagerank") return "Top PageRank";
    if (name == "degree") return "Top degree";
    if (name == "value") return "Top own value";
    if (name == "random") return "Random";
    return capitalised(name);
}

std::string measure_label(const std::string& measure) {
    if (measure == "pagerank") return "PageRank";
    if (measure == "degree") return "weighted degree";
    if (measure == "core") return "core number";
    if (measure == "closeness") return "harmonic closeness";
    return measure;
}

// --- SVG pieces ---------------------------------------------------------------------------------

std::string f1(double value) { return fmt::format("{:.1f}", value); }

std::string svg_open(const std::string& id, double width, double height, const std::string& title,
                     const std::string& description) {
    return fmt::format(
        "<svg class=\"chart\" id=\"{0}\" role=\"img\" aria-labelledby=\"{0}-title {0}-desc\" "
        "viewBox=\"0 0 {1} {2}\" width=\"{1}\" height=\"{2}\">\n<title "
        "id=\"{0}-title\">{3}</title>\n"
        "<desc id=\"{0}-desc\">{4}</desc>\n",
        id, f1(width), f1(height), title, description);
}

// Marker shapes for the line chart, so the lines stay apart in black-and-white print.
std::string marker(std::size_t shape, double x, double y, const char* colour,
                   const std::string& tooltip) {
    const std::string t = "<title>" + tooltip + "</title>";
    switch (shape % 5) {
        case 0:
            return fmt::format(
                "<circle class=\"marker\" cx=\"{}\" cy=\"{}\" r=\"4\" fill=\"{}\">{}</circle>",
                f1(x), f1(y), colour, t);
        case 1:
            return fmt::format(
                "<rect class=\"marker\" x=\"{}\" y=\"{}\" width=\"7.5\" height=\"7.5\" "
                "fill=\"{}\">{}</rect>",
                f1(x - 3.75), f1(y - 3.75), colour, t);
        case 2:
            return fmt::format(
                "<path class=\"marker\" d=\"M{} {}l4.5 8h-9z\" fill=\"{}\">{}</path>", f1(x),
                f1(y - 5), colour, t);
        case 3:
            return fmt::format(
                "<path class=\"marker\" d=\"M{} {}l4.5 4.5l-4.5 4.5l-4.5-4.5z\" "
                "fill=\"{}\">{}</path>",
                f1(x), f1(y - 4.5), colour, t);
        default:
            return fmt::format(
                "<path class=\"marker\" d=\"M{} {}l7 7M{} {}l-7 7\" stroke=\"{}\" "
                "stroke-width=\"2.2\" "
                "fill=\"none\">{}</path>",
                f1(x - 3.5), f1(y - 3.5), f1(x + 3.5), f1(y - 3.5), colour, t);
    }
}

const char* dash_pattern(std::size_t index) {
    static const char* const patterns[] = {"", "6 3", "2 3", "8 3 2 3", "3 3"};
    return patterns[index % 5];
}

// --- Page pieces --------------------------------------------------------------------------------

struct Card {
    std::string label, value, note;
};

std::string cards(const std::vector<Card>& items) {
    std::string out = "<div class=\"cards\">\n";
    for (const Card& card : items)
        out += fmt::format(
            "<div class=\"card\"><div class=\"card-value\">{}</div><div "
            "class=\"card-label\">{}</div>{}</div>\n",
            card.value, card.label,
            card.note.empty() ? "" : "<div class=\"card-note\">" + card.note + "</div>");
    return out + "</div>\n";
}

std::string customer_cell(const std::string& name, const std::string& id, double max_em = 20) {
    return fmt::format("{} <span class=\"id\">{}</span>", shortened(name, max_em),
                       shortened(id, 9));
}

// At most this many rows of any table; the rest is summarised in a line under it.
constexpr std::size_t kMaxTableRows = 100;
constexpr std::size_t kMaxBars = 20;

std::string more_rows_note(std::size_t shown, std::size_t total, std::string_view what) {
    if (shown >= total) return "";
    return fmt::format(
        "<p class=\"note\">Showing the first {} of {} {}; the CSV tables beside this "
        "report have every row.</p>\n",
        whole(static_cast<double>(shown)), whole(static_cast<double>(total)), what);
}

std::string empty_note(std::string_view sentence) {
    return fmt::format("<p class=\"empty\">{}</p>\n", sentence);
}

// --- Sections -----------------------------------------------------------------------------------

struct Section {
    std::string id, title, html;
};

// What the loader left out: bad rows skipped (by reason), rows filtered by the mapping, customer
// rows merged by key. Empty when there is nothing to say.
std::string left_out_part(const Json& data, const std::string& path) {
    const auto skipped = optional_number(data, "skipped_rows", path);
    const auto filtered = optional_number(data, "filtered_rows", path);
    const auto merged = optional_number(data, "merged_customers", path);
    std::vector<std::pair<std::string, double>> reasons;
    if (const Json* list = find(data, "skipped_by_reason")) {
        const std::string list_path = join_path(path, "skipped_by_reason");
        if (list->is_object()) {  // reason -> rows, as `catena stats --format json` writes it
            for (const auto& [reason, rows] : list->items()) {
                if (!rows.is_number()) malformed(join_path(list_path, reason), "expected a number");
                reasons.emplace_back(reason, rows.get<double>());
            }
        } else if (list->is_array()) {
            for (std::size_t index = 0; index < list->size(); ++index) {
                const std::string row_path = index_path(list_path, index);
                reasons.emplace_back(text((*list)[index], "reason", row_path),
                                     number((*list)[index], "count", row_path));
            }
        } else {
            malformed(list_path, "expected a list");
        }
    }
    const bool any_skipped = (skipped && *skipped > 0) || !reasons.empty();
    if (!any_skipped && !(filtered && *filtered > 0) && !(merged && *merged > 0)) return "";
    std::string out = "<h3>Rows left out of the input</h3>\n";
    std::vector<std::string> sentences;
    if (any_skipped) {
        double total = 0;
        for (const auto& reason : reasons) total += reason.second;
        sentences.push_back(fmt::format("{} bad row{} skipped (lenient mode; the rejects file lists each with its "
                                        "line and reason)",
                                        whole(skipped.value_or(total)),
                                        skipped.value_or(total) == 1 ? " was" : "s were"));
    }
    if (filtered && *filtered > 0)
        sentences.push_back(fmt::format("{} row{} filtered out by the mapping", whole(*filtered),
                                        *filtered == 1 ? " was" : "s were"));
    if (merged && *merged > 0)
        sentences.push_back(fmt::format("{} customer row{} merged into another with the same key", whole(*merged),
                                        *merged == 1 ? " was" : "s were"));
    out += "<p>";
    for (std::size_t index = 0; index < sentences.size(); ++index)
        out += (index ? "; " : "") + sentences[index];
    out += ".</p>\n";
    if (!reasons.empty()) {
        std::stable_sort(reasons.begin(), reasons.end(),
                         [](const auto& a, const auto& b) { return a.second > b.second; });
        out += "<table class=\"breakdown\" id=\"skipped-rows\">\n<caption>Bad rows skipped, by reason</caption>\n"
               "<thead><tr><th>reason</th><th class=\"num\">rows</th></tr></thead>\n<tbody>\n";
        const std::size_t shown = std::min(reasons.size(), kMaxTableRows);
        for (std::size_t index = 0; index < shown; ++index)
            out += fmt::format("<tr><td>{}</td><td class=\"num\">{}</td></tr>\n", shortened(reasons[index].first, 30),
                               whole(reasons[index].second));
        out += "</tbody>\n</table>\n" + more_rows_note(shown, reasons.size(), "reasons");
    }
    return out;
}

// The workspace's last imports, newest first. Empty when there are none.
std::string imports_part(const Json& data, const std::string& path) {
    const Json* list = find(data, "imports");
    if (!list) return "";
    const std::string list_path = join_path(path, "imports");
    if (!list->is_array()) malformed(list_path, "expected a list");
    if (list->empty()) return "";
    std::string out =
        "<h3>Last imports into the workspace</h3>\n<table id=\"imports\">\n<thead><tr><th class=\"num\">#</th>"
        "<th>time</th><th>mode</th><th class=\"num\">added</th><th class=\"num\">updated</th>"
        "<th class=\"num\">unchanged</th><th class=\"num\">skipped</th><th class=\"num\">filtered</th>"
        "<th>files</th></tr></thead>\n<tbody>\n";
    const std::size_t shown = std::min(list->size(), kMaxTableRows);
    for (std::size_t index = 0; index < shown; ++index) {
        const Json& item = (*list)[index];
        const std::string item_path = index_path(list_path, index);
        const auto cell = [&](std::string_view key) {
            const auto n = optional_number(item, key, item_path);
            return n ? whole(*n) : std::string("–");
        };
        std::string files;
        if (const Json* file_list = find(item, "files"); file_list && file_list->is_array())
            for (const Json& file : *file_list) {
                std::string name = file.is_string() ? file.get<std::string>()
                                   : file.is_object() ? optional_text(file, "file", item_path + ".files").value_or("")
                                                      : "";
                if (name.empty()) continue;
                // The file's own name; its whole path in the tooltip.
                const std::size_t slash = name.find_last_of('/');
                const std::string base = slash == std::string::npos ? name : name.substr(slash + 1);
                files += (files.empty() ? "" : ", ") +
                         (base == name ? shortened(name, 24)
                                       : fmt::format("<span title=\"{}\">{}</span>", escape(name),
                                                     escape(prefix_within(base, 24))));
            }
        out += fmt::format(
            "<tr><td class=\"num\">{}</td><td class=\"nowrap\">{}</td><td>{}</td><td class=\"num\">{}</td>"
            "<td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td "
            "class=\"num\">{}</td><td>{}</td></tr>\n",
            cell("id"), readable_time(optional_text(item, "time", item_path).value_or("")),
            shortened(optional_text(item, "mode", item_path).value_or(""), 10), cell("added"), cell("updated"),
            cell("unchanged"), cell("skipped"), cell("filtered"),
            files.empty() ? "<span class=\"muted\">—</span>" : files);
    }
    return out + "</tbody>\n</table>\n" + more_rows_note(shown, list->size(), "imports");
}

// A note under a list that passed over customers who opted out (`key` in `parent`), or "".
std::string opted_out_note(const Json& parent, std::string_view key, const std::string& path,
                           std::string_view what, bool ranked) {
    const auto n = optional_number(parent, key, path);
    if (!n || !(*n > 0)) return "";
    return fmt::format(
        "<p class=\"note opted-out\">{} customer{} who opted out {} not {}: they are never campaign "
        "targets.{}</p>\n",
        whole(*n), *n == 1 ? "" : "s", *n == 1 ? "is" : "are", what,
        ranked ? " Ranks count every customer." : "");
}

Section data_section(const Json& data) {
    const std::string path = "data";
    Section section{"data", "Data", ""};
    std::string& out = section.html;
    const double customers = number(data, "customers", path);
    const double relationships = number(data, "relationships", path);
    const auto people = optional_number(data, "people", path);
    const auto businesses = optional_number(data, "businesses", path);
    const auto referrals = optional_number(data, "referrals", path);
    const auto transactions = optional_number(data, "transactions", path);
    if (const auto source = optional_text(data, "source", path))
        out += fmt::format("<p>Source: <code>{}</code></p>\n", shortened(*source, 70));

    std::vector<Card> items;
    std::string split;
    if (people && businesses)
        split = fmt::format("{} people · {} businesses", whole(*people), whole(*businesses));
    items.push_back({"customers", whole(customers), split});
    items.push_back({"relationships", whole(relationships),
                     customers > 0
                         ? fmt::format("{} per customer", tenths(2 * relationships / customers))
                         : ""});
    if (referrals) items.push_back({"referrals", whole(*referrals), ""});
    if (transactions) items.push_back({"transactions", whole(*transactions), ""});
    const auto opted_out = optional_number(data, "opted_out", path);
    if (opted_out && *opted_out > 0)
        items.push_back({"opted out", whole(*opted_out), "never listed in this report"});
    out += cards(items);

    // Relationship types and segments: name, count, share.
    // A list of {name, count}, largest first: name, count, share and a bar.
    const auto breakdown = [&](std::string_view key, std::string_view caption,
                               std::string_view head) {
        const Json* list = find(data, key);
        if (!list) return std::string();
        const std::string list_path = join_path(path, key);
        if (!list->is_array()) malformed(list_path, "expected a list");
        std::vector<std::pair<std::string, double>> rows;
        double total = 0, largest = 0;
        for (std::size_t index = 0; index < list->size(); ++index) {
            const std::string row_path = index_path(list_path, index);
            const double n = number((*list)[index], "count", row_path);
            rows.emplace_back(optional_text((*list)[index], "name", row_path).value_or(""), n);
            total += n;
            largest = std::max(largest, n);
        }
        if (rows.empty()) return std::string();
        std::stable_sort(rows.begin(), rows.end(),
                         [](const auto& a, const auto& b) { return a.second > b.second; });
        std::string table = fmt::format(
            "<table class=\"breakdown\">\n<caption>{}</caption>\n<thead><tr><th>{}</th>"
            "<th class=\"num\">count</th><th class=\"num\">share</th><th class=\"barcell\" "
            "aria-hidden=\"true\"></th></tr></thead>\n<tbody>\n",
            caption, head);
        const std::size_t shown = std::min(rows.size(), kMaxTableRows);
        for (std::size_t index = 0; index < shown; ++index) {
            const auto& [name, n] = rows[index];
            table += fmt::format(
                "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>"
                "<td class=\"barcell\" aria-hidden=\"true\"><span class=\"minibar\" "
                "style=\"width:{}%\"></span></td></tr>\n",
                name.empty() ? "<span class=\"muted\">(none)</span>" : shortened(name, 20),
                whole(n), total > 0 ? percent(n / total) : "–",
                largest > 0 ? f1(100 * std::max(0.0, n) / largest) : "0");
        }
        table += "</tbody>\n</table>\n";
        return table + more_rows_note(shown, rows.size(), "rows");
    };
    const std::string types = breakdown("relationship_types", "Relationships by type", "type");
    const std::string segments = breakdown("segments", "Customers by segment", "segment");
    if (!types.empty() || !segments.empty())
        out += "<div class=\"split\">\n<div>" + types + "</div>\n<div>" + segments +
               "</div>\n</div>\n";
    out += left_out_part(data, path);
    out += imports_part(data, path);
    return section;
}

Section influencers_section(const Json& influencers) {
    const std::string path = "influencers";
    Section section{"influencers", "Top influencers", ""};
    std::string& out = section.html;
    const std::string measure =
        measure_label(optional_text(influencers, "measure", path).value_or("score"));
    const Json& top = array(influencers, "top", path);
    if (top.empty()) {
        out += empty_note("No customer was ranked.");
        return section;
    }
    struct Row {
        double rank, score;
        std::optional<double> own;
        std::string id, name, kind, segment;
    };
    std::vector<Row> rows;
    for (std::size_t index = 0; index < top.size(); ++index) {
        const Json& item = top[index];
        const std::string item_path = index_path(path + ".top", index);
        rows.push_back({number(item, "rank", item_path), number(item, "score", item_path),
                        optional_number(item, "own_value", item_path), text(item, "id", item_path),
                        text(item, "name", item_path),
                        optional_text(item, "kind", item_path).value_or(""),
                        optional_text(item, "segment", item_path).value_or("")});
    }
    out += fmt::format(
        "<p>The {} customers whose {} score is highest: those whose word travels furthest through "
        "the network of relationships. Own value is what each buys themselves.</p>\n",
        whole(static_cast<double>(rows.size())), escape(measure));

    // Chart: horizontal bars of the score.
    const std::size_t bars = std::min(rows.size(), kMaxBars);
    const double width = 420, label_width = 150, right = 62, top_margin = 28, row_height = 30;
    const double plot = width - label_width - right;
    const double height = top_margin + row_height * static_cast<double>(bars) + 30;
    double max_score = 0;
    for (std::size_t index = 0; index < bars; ++index)
        max_score = std::max(max_score, rows[index].score);
    const std::vector<double> ticks = nice_ticks(max_score, 4);
    const double axis_max = ticks.back();
    std::string svg =
        svg_open("chart-influencers", width, height,
                 fmt::format("Top {} influencers by {}", bars, escape(measure)),
                 fmt::format("Horizontal bars: the {} score of each of the top {} customers.",
                             escape(measure), bars));
    for (const double tick : ticks) {
        const double x = label_width + plot * tick / axis_max;
        svg += fmt::format(
            "<line class=\"grid\" x1=\"{0}\" x2=\"{0}\" y1=\"{1}\" y2=\"{2}\"/>"
            "<text class=\"tick\" x=\"{0}\" y=\"{3}\" text-anchor=\"middle\">{4}</text>\n",
            f1(x), f1(top_margin - 6), f1(height - 24), f1(height - 8),
            tick_label(tick, ticks.size() > 1 ? ticks[1] : 1, axis_max));
    }
    svg += fmt::format(
        "<text class=\"axis-title\" x=\"{}\" y=\"14\" text-anchor=\"middle\">{} score</text>\n",
        f1(label_width + plot / 2), escape(capitalised(measure)));
    for (std::size_t index = 0; index < bars; ++index) {
        const Row& row = rows[index];
        const double y = top_margin + row_height * static_cast<double>(index);
        const double length = axis_max > 0 ? plot * std::max(0.0, row.score) / axis_max : 0;
        svg += fmt::format(
            "<text class=\"label\" x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>"
            "<rect class=\"bar\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\" rx=\"2\">"
            "<title>{} ({}): {}</title></rect>"
            "<text class=\"value\" x=\"{}\" y=\"{}\">{}</text>\n",
            f1(label_width - 8), f1(y + row_height / 2 + 4.5), shortened_plain(row.name, 11.5),
            f1(label_width), f1(y + 6), f1(length), f1(row_height - 12), kBar, escape(row.name),
            escape(row.id), score(row.score), f1(label_width + length + 5),
            f1(y + row_height / 2 + 4.5), score(row.score));
    }
    svg += "</svg>\n";

    std::string table = fmt::format(
        "<table>\n<thead><tr><th class=\"num\">#</th><th>customer</th><th>segment</th>"
        "<th class=\"num\">{}</th><th class=\"num\">own value</th></tr></thead>\n<tbody>\n",
        escape(measure));
    const std::size_t shown = std::min(rows.size(), kMaxTableRows);
    for (std::size_t index = 0; index < shown; ++index) {
        const Row& row = rows[index];
        // The segment cell's tooltip says the kind (person, business): the segment mostly implies
        // it.
        table += fmt::format(
            "<tr><td class=\"num\">{}</td><td>{}</td><td class=\"nowrap\"{}>{}</td>"
            "<td class=\"num\">{}</td><td class=\"num\">{}</td></tr>\n",
            whole(row.rank), customer_cell(row.name, row.id, 13),
            row.kind.empty() ? "" : fmt::format(" title=\"{}\"", escape(row.kind)),
            shortened(row.segment, 11), score(row.score),
            row.own ? amount(*row.own) : "<span class=\"muted\">—</span>");
    }
    table += "</tbody>\n</table>\n" + more_rows_note(shown, rows.size(), "influencers");

    out += "<div class=\"split narrow-left\">\n<figure>" + svg +
           "<figcaption>Bar length is the customer's share of influence; hover a bar for the exact "
           "score.</figcaption></figure>\n<div class=\"table-wrap\">" +
           table + "</div>\n</div>\n";
    out += opted_out_note(influencers, "opted_out_not_listed", path, "listed among them", true);
    return section;
}

// One customer of the value section: a scatter point or a row of the top table.
struct ValuePoint {
    std::string id, name, quadrant;
    double own = 0, network = 0, referral = 0, influence = 0, total = 0;
    std::optional<double> rank;  // among all customers
};

// How influence is made of network and referral value, and where the quadrants split.
struct ValueScale {
    double network_weight = 1, referral_weight = 0;
    std::optional<double> own_threshold, influence_threshold;
};

ValuePoint read_value_point(const Json& item, const std::string& path, const ValueScale& scale) {
    ValuePoint p;
    p.id = text(item, "id", path);
    p.name = optional_text(item, "name", path).value_or("");
    p.quadrant = optional_text(item, "quadrant", path).value_or("");
    p.own = number(item, "own", path);
    p.network = optional_number(item, "network", path).value_or(0);
    p.referral = optional_number(item, "referral", path).value_or(0);
    p.influence =
        optional_number(item, "influence", path)
            .value_or(scale.network_weight * p.network + scale.referral_weight * p.referral);
    p.total = optional_number(item, "total", path).value_or(p.own + p.influence);
    p.rank = optional_number(item, "rank", path);
    return p;
}

std::vector<ValuePoint> read_value_points(const Json& value, std::string_view key,
                                          const ValueScale& scale) {
    std::vector<ValuePoint> points;
    const Json* list = find(value, key);
    if (!list) return points;
    const std::string path = join_path("value", key);
    if (!list->is_array()) malformed(path, "expected a list");
    for (std::size_t index = 0; index < list->size(); ++index)
        points.push_back(read_value_point((*list)[index], index_path(path, index), scale));
    return points;
}

// Quadrant colours follow the quadrant list's order, so an unknown quadrant name still gets one.
class QuadrantColours {
  public:
    explicit QuadrantColours(std::vector<std::string> names) : names_(std::move(names)) {}
    const char* operator()(const std::string& quadrant) const {
        const auto found = std::find(names_.begin(), names_.end(), quadrant);
        return quadrant_colour(quadrant, static_cast<std::size_t>(found - names_.begin()));
    }

  private:
    std::vector<std::string> names_;
};

// A logarithmic axis on log10(1 + v) from 10^low (or 0 when low is 0) to 10^high. `low` skips
// the empty decades below the smallest positive value; values under 10^low (customers with no
// value) are drawn on the axis itself.
struct LogAxis {
    int low = 0, high = 1;
    bool clamped = false;           // some value is drawn on the axis because it is under 10^low
    bool clamped_positive = false;  // ... and some of those are above 0

    static LogAxis fit(const std::vector<double>& values, std::optional<double> threshold) {
        double max = threshold.value_or(0), min_positive = threshold.value_or(0);
        for (const double v : values) {
            max = std::max(max, v);
            if (v > 0 && (min_positive <= 0 || v < min_positive)) min_positive = v;
        }
        LogAxis axis;
        axis.high = std::max(1, static_cast<int>(std::ceil(std::log10(1 + max) - 1e-9)));
        if (min_positive >= 10)
            axis.low =
                std::min(axis.high - 1, static_cast<int>(std::floor(std::log10(min_positive))));
        for (const double v : values) {
            if (std::log10(1 + std::max(0.0, v)) >= axis.low) continue;
            axis.clamped = true;
            axis.clamped_positive = axis.clamped_positive || v > 0;
        }
        return axis;
    }
    // 0 at the low end of the axis, 1 at the high end.
    double fraction(double v) const {
        const double scaled = std::max<double>(low, std::log10(1 + std::max(0.0, v)));
        return (scaled - low) / (high - low);
    }
    std::string label(int exponent) const { return exponent == 0 ? "0" : power_label(exponent); }
    // For the caption: who sits on this axis, or "" when nobody does.
    std::string clamped_note(std::string_view what, std::string_view axis_name) const {
        if (!clamped) return "";
        if (!clamped_positive)
            return fmt::format(" Customers with no {} sit on the {} axis.", what, axis_name);
        return fmt::format(" Customers with {} under {} sit on the {} axis.", what,
                           power_label(low), axis_name);
    }
};

// The scatter of own value (x) against influence (y), both on a log(1 + v) scale: customer value
// is skewed over orders of magnitude. Returns the whole <figure>: chart, legend and caption.
std::string quadrant_scatter(const std::vector<ValuePoint>& points, const ValueScale& scale,
                             const QuadrantColours& colour_of,
                             const std::vector<std::string>& legend_names,
                             const std::string& caption_lead, const std::string& caption_tail) {
    std::vector<double> owns, influences;
    for (const ValuePoint& p : points) {
        owns.push_back(p.own);
        influences.push_back(p.influence);
    }
    const LogAxis x_axis = LogAxis::fit(owns, scale.own_threshold);
    const LogAxis y_axis = LogAxis::fit(influences, scale.influence_threshold);
    const double width = 520, height = 440, left = 62, right = 14, top = 16, bottom = 52;
    const double plot_w = width - left - right, plot_h = height - top - bottom;
    const auto x_of = [&](double v) { return left + plot_w * x_axis.fraction(v); };
    const auto y_of = [&](double v) { return top + plot_h * (1 - y_axis.fraction(v)); };
    const bool thresholds = scale.own_threshold && scale.influence_threshold;
    const std::string influence_title = scale.referral_weight != 0
                                            ? "Influence: network + referral value"
                                            : "Influence: network value";

    std::string svg = svg_open(
        "chart-quadrants", width, height, "Own value against influence, by quadrant",
        fmt::format(
            "Scatter plot of {} customers: own value on the horizontal axis, influence on the "
            "vertical axis, both logarithmic{}.",
            whole(static_cast<double>(points.size())),
            thresholds ? "; dashed lines are the quadrant thresholds" : ""));
    // Grid lines at 0 and at each power of ten.
    for (int exponent = x_axis.low; exponent <= x_axis.high; ++exponent) {
        const double x = x_of(exponent == 0 ? 0 : std::pow(10, exponent));
        svg += fmt::format(
            "<line class=\"grid\" x1=\"{0}\" x2=\"{0}\" y1=\"{1}\" y2=\"{2}\"/>"
            "<text class=\"tick\" x=\"{0}\" y=\"{3}\" text-anchor=\"middle\">{4}</text>\n",
            f1(x), f1(top), f1(top + plot_h), f1(top + plot_h + 16), x_axis.label(exponent));
    }
    for (int exponent = y_axis.low; exponent <= y_axis.high; ++exponent) {
        const double y = y_of(exponent == 0 ? 0 : std::pow(10, exponent));
        svg += fmt::format(
            "<line class=\"grid\" x1=\"{0}\" x2=\"{1}\" y1=\"{2}\" y2=\"{2}\"/>"
            "<text class=\"tick\" x=\"{3}\" y=\"{4}\" text-anchor=\"end\">{5}</text>\n",
            f1(left), f1(left + plot_w), f1(y), f1(left - 6), f1(y + 4), y_axis.label(exponent));
    }
    svg += fmt::format(
        "<text class=\"axis-title\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">Own value (log "
        "scale)</text>\n"
        "<text class=\"axis-title\" transform=\"translate(14 {}) rotate(-90)\" "
        "text-anchor=\"middle\">"
        "{} (log scale)</text>\n",
        f1(left + plot_w / 2), f1(height - 10), f1(top + plot_h / 2), influence_title);
    if (thresholds) {
        // Quadrant names in the corners, behind the points, and the two threshold lines.
        svg += fmt::format(
            "<text class=\"corner\" x=\"{0}\" y=\"{2}\">Hidden influencers</text>"
            "<text class=\"corner\" x=\"{1}\" y=\"{2}\" text-anchor=\"end\">Champions</text>"
            "<text class=\"corner\" x=\"{1}\" y=\"{3}\" text-anchor=\"end\">High-value "
            "loners</text>"
            "<text class=\"corner\" x=\"{0}\" y=\"{3}\">Others</text>\n",
            f1(left + 6), f1(left + plot_w - 6), f1(top + 14), f1(top + plot_h - 8));
        svg += fmt::format(
            "<line class=\"threshold\" x1=\"{0}\" x2=\"{0}\" y1=\"{1}\" y2=\"{2}\"><title>Own "
            "value threshold: "
            "{3}</title></line>\n"
            "<line class=\"threshold\" x1=\"{4}\" x2=\"{5}\" y1=\"{6}\" "
            "y2=\"{6}\"><title>Influence threshold: "
            "{7}</title></line>\n",
            f1(x_of(*scale.own_threshold)), f1(top), f1(top + plot_h), amount(*scale.own_threshold),
            f1(left), f1(left + plot_w), f1(y_of(*scale.influence_threshold)),
            amount(*scale.influence_threshold));
    }
    // Points, the highest total value last so that it is drawn on top.
    std::vector<std::size_t> order(points.size());
    for (std::size_t index = 0; index < order.size(); ++index) order[index] = index;
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        return points[a].total < points[b].total;
    });
    for (const std::size_t index : order) {
        const ValuePoint& p = points[index];
        svg += fmt::format(
            "<circle class=\"point\" cx=\"{}\" cy=\"{}\" r=\"4\" fill=\"{}\"><title>{} ({}){}: own "
            "{}, network "
            "{}, referral {}</title></circle>\n",
            f1(x_of(p.own)), f1(y_of(p.influence)), colour_of(p.quadrant), escape(p.name),
            escape(p.id), p.quadrant.empty() ? "" : ", " + escape(quadrant_label(p.quadrant)),
            amount(p.own), amount(p.network), amount(p.referral));
    }
    svg += "</svg>\n";

    // The legend is HTML under the chart: it wraps and prints well.
    std::vector<std::string> names = legend_names;
    for (const ValuePoint& p : points)
        if (!p.quadrant.empty() && std::find(names.begin(), names.end(), p.quadrant) == names.end())
            names.push_back(p.quadrant);
    std::string legend = "<div class=\"legend\">";
    for (const std::string& name : names)
        legend += fmt::format("<span><span class=\"dot\" style=\"background:{}\"></span>{}</span>",
                              colour_of(name), shortened(quadrant_label(name), 16));
    if (thresholds) legend += "<span><span class=\"dash\"></span>threshold</span>";
    legend += "</div>\n";
    return "<figure>" + svg + legend +
           fmt::format(
               "<figcaption>{}. Both axes are logarithmic because customer value is highly "
               "skewed: a few customers are worth orders of magnitude more than the median.{}{}{}"
               "</figcaption></figure>\n",
               caption_lead, x_axis.clamped_note("own value", "vertical"),
               y_axis.clamped_note("influence", "horizontal"), caption_tail);
}

Section value_section(const Json& value) {
    const std::string path = "value";
    Section section{"value", "Customer value and influence", ""};
    std::string& out = section.html;

    ValueScale scale;
    if (const Json* weights = find(value, "weights")) {
        scale.network_weight = optional_number(*weights, "network", path + ".weights").value_or(1);
        scale.referral_weight =
            optional_number(*weights, "referral", path + ".weights").value_or(0);
    }
    if (const Json* thresholds = find(value, "thresholds")) {
        scale.own_threshold = optional_number(*thresholds, "own", path + ".thresholds");
        scale.influence_threshold = optional_number(*thresholds, "influence", path + ".thresholds");
        if (!scale.influence_threshold)  // the name in the report's first contract
            scale.influence_threshold =
                optional_number(*thresholds, "network", path + ".thresholds");
    }
    out += fmt::format(
        "<p>Each customer's value has three parts: <b>own value</b> (what they buy), <b>network "
        "value</b> "
        "(the expected own value of the customers their influence would activate) and <b>referral "
        "value</b> (the customers they actually brought in). Quadrants split customers by own "
        "value and by "
        "influence ({}){}.</p>\n",
        scale.referral_weight != 0
            ? fmt::format("influence = {} × network value + {} × referral value",
                          escape(fmt::format("{}", scale.network_weight)),
                          escape(fmt::format("{}", scale.referral_weight)))
            : "influence = network value",
        scale.own_threshold && scale.influence_threshold
            ? fmt::format(", high meaning above {} own value and above {} influence",
                          amount(*scale.own_threshold), amount(*scale.influence_threshold))
            : "");

    // Quadrant summary table.
    std::vector<std::string> quadrant_names;
    std::string quadrant_table;
    double customers_in_quadrants = 0;
    if (const Json* quadrants = find(value, "quadrants")) {
        const std::string list_path = path + ".quadrants";
        if (!quadrants->is_array()) malformed(list_path, "expected a list");
        for (std::size_t index = 0; index < quadrants->size(); ++index) {
            quadrant_names.push_back(
                text((*quadrants)[index], "name", index_path(list_path, index)));
            customers_in_quadrants +=
                number((*quadrants)[index], "count", index_path(list_path, index));
        }
        quadrant_table =
            "<table>\n<caption>Customers by quadrant</caption>\n<thead><tr><th>quadrant</th>"
            "<th class=\"num\">customers</th><th class=\"num\">own value</th>"
            "<th class=\"num\">network value</th></tr></thead>\n<tbody>\n";
        for (std::size_t index = 0; index < quadrants->size(); ++index) {
            const Json& row = (*quadrants)[index];
            const std::string row_path = index_path(list_path, index);
            const double customers = number(row, "count", row_path);
            const auto own = optional_number(row, "own_value", row_path);
            const auto network = optional_number(row, "network_value", row_path);
            quadrant_table += fmt::format(
                "<tr><td><span class=\"swatch\" style=\"background:{}\"></span>{}</td>"
                "<td class=\"num\">{} <span class=\"muted\">({})</span></td><td "
                "class=\"num\">{}</td>"
                "<td class=\"num\">{}</td></tr>\n",
                quadrant_colour(quadrant_names[index], index),
                shortened(quadrant_label(quadrant_names[index]), 12), whole(customers),
                customers_in_quadrants > 0 ? percent(customers / customers_in_quadrants) : "–",
                own ? amount(*own) : "–", network ? amount(*network) : "–");
        }
        quadrant_table +=
            "</tbody>\n</table>\n"
            "<dl class=\"quadrant-guide\">"
            "<dt>Champions</dt><dd>buy a lot and move others: keep them close.</dd>"
            "<dt>Hidden influencers</dt><dd>buy little but move others: the campaign targets a "
            "value "
            "ranking misses.</dd>"
            "<dt>High-value loners</dt><dd>buy a lot but move few: serve them, do not count on "
            "word of "
            "mouth.</dd></dl>\n";
    }
    const QuadrantColours colour_of(quadrant_names);

    const std::vector<ValuePoint> points = read_value_points(value, "points", scale);
    std::string figure;
    if (points.empty()) {
        figure = empty_note("No customer values to plot.");
    } else {
        const auto bound = optional_number(value, "network_error_bound", path);
        const double shown = static_cast<double>(points.size());
        const double not_plotted = optional_number(value, "opted_out_not_plotted", path).value_or(0);
        const double plottable = customers_in_quadrants - std::max(0.0, not_plotted);
        figure = quadrant_scatter(
            points, scale, colour_of, quadrant_names,
            plottable > shown
                ? fmt::format("A sample of {} of the {} customers{}", whole(shown), whole(plottable),
                              not_plotted > 0 ? " who have not opted out" : "")
                : fmt::format("{} customers", whole(shown)),
            (bound ? fmt::format(" Network values are estimates, each within {} of the truth with "
                                 "high probability.",
                                 amount(*bound))
                   : std::string()) +
                (not_plotted > 0
                     ? fmt::format(" The {} customer{} who opted out {} not plotted (the quadrant table counts "
                                   "them).",
                                   whole(not_plotted), not_plotted == 1 ? "" : "s", not_plotted == 1 ? "is" : "are")
                     : std::string()));
    }
    out += "<div class=\"split\">\n" + figure + "<div>" + quadrant_table + "</div>\n</div>\n";

    // The top customers by influence-weighted value.
    const std::vector<ValuePoint> top = read_value_points(value, "top", scale);
    if (!top.empty()) {
        std::string table =
            "<table>\n<caption>Top customers by influence-weighted value</caption>\n<thead><tr>"
            "<th class=\"num\">#</th><th>customer</th><th>quadrant</th><th class=\"num\">own</th>"
            "<th class=\"num\">network</th><th class=\"num\">referral</th>"
            "<th class=\"num\">total</th></tr></thead>\n<tbody>\n";
        const std::size_t shown = std::min(top.size(), kMaxTableRows);
        for (std::size_t index = 0; index < shown; ++index) {
            const ValuePoint& p = top[index];
            table += fmt::format(
                "<tr><td class=\"num\">{}</td><td>{}</td><td class=\"nowrap\">{}{}</td><td "
                "class=\"num\">{}</td>"
                "<td class=\"num\">{}</td><td class=\"num\">{}</td><td "
                "class=\"num\"><b>{}</b></td></tr>\n",
                p.rank ? whole(*p.rank) : whole(static_cast<double>(index + 1)), customer_cell(p.name, p.id),
                p.quadrant.empty()
                    ? ""
                    : fmt::format("<span class=\"swatch\" style=\"background:{}\"></span>",
                                  colour_of(p.quadrant)),
                shortened(quadrant_label(p.quadrant), 12), amount(p.own), amount(p.network),
                amount(p.referral), amount(p.total));
        }
        out += table + "</tbody>\n</table>\n" + more_rows_note(shown, top.size(), "customers");
        out += opted_out_note(value, "opted_out_not_listed", path, "listed among them", true);
    }
    return section;
}

Section communities_section(const Json& communities) {
    const std::string path = "communities";
    Section section{"communities", "Communities", ""};
    std::string& out = section.html;
    const Json& list = array(communities, "list", path);
    const auto total = optional_number(communities, "count", path);
    const auto modularity = optional_number(communities, "modularity", path);
    const std::string method = optional_text(communities, "method", path).value_or("");
    struct Row {
        double community, size;
        std::optional<double> value;
        std::string leader_id, leader_name;
    };
    std::vector<Row> rows;
    for (std::size_t index = 0; index < list.size(); ++index) {
        const Json& item = list[index];
        const std::string item_path = index_path(path + ".list", index);
        Row row{number(item, "community", item_path), number(item, "size", item_path),
                optional_number(item, "value", item_path), "", ""};
        if (const Json* leader = find(item, "top_influencer")) {
            row.leader_id = text(*leader, "id", item_path + ".top_influencer");
            row.leader_name =
                optional_text(*leader, "name", item_path + ".top_influencer").value_or("");
        }
        rows.push_back(std::move(row));
    }
    // Largest first, ties by community id, whatever order the writer used.
    std::stable_sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) {
        return a.size != b.size ? a.size > b.size : a.community < b.community;
    });
    std::string intro = "<p>Groups of customers more tied to each other than to the rest";
    if (!method.empty())
        intro += fmt::format(", found by {}", method == "lpa" ? std::string("label propagation")
                                                              : escape(capitalised(method)));
    intro += ".";
    if (total && *total > static_cast<double>(rows.size()))
        intro += fmt::format(" The {} largest of {} communities are shown.",
                             whole(static_cast<double>(rows.size())), whole(*total));
    if (modularity)
        intro += fmt::format(" Modularity {:.3f} ({}).", *modularity,
                             *modularity >= 0.4   ? "clear community structure"
                             : *modularity >= 0.2 ? "some community structure"
                                                  : "little community structure");
    out += intro + "</p>\n";
    std::vector<Card> items;
    if (total) items.push_back({"communities", whole(*total), ""});
    if (modularity) items.push_back({"modularity", fmt::format("{:.3f}", *modularity), ""});
    if (!rows.empty())
        items.push_back({"customers in the largest community", whole(rows.front().size),
                         rows.front().leader_name.empty()
                             ? ""
                             : "top influencer " + shortened(rows.front().leader_name, 14)});
    if (!items.empty()) out += cards(items);
    if (rows.empty()) {
        out += empty_note("No communities were found.");
        return section;
    }

    // Chart: for each community, a size bar and a value bar side by side.
    const std::size_t bars = std::min(rows.size(), kMaxBars);
    bool any_value = false;
    double max_size = 0, max_value = 0;
    for (std::size_t index = 0; index < bars; ++index) {
        max_size = std::max(max_size, rows[index].size);
        if (rows[index].value) {
            any_value = true;
            max_value = std::max(max_value, *rows[index].value);
        }
    }
    const double width = 520, label_width = 112, gap = 24, top_margin = 34, row_height = 22;
    const double panel =
        any_value ? (width - label_width - gap - 12) / 2 : width - label_width - 12;
    const double height = top_margin + row_height * static_cast<double>(bars) + 28;
    const std::vector<double> size_ticks = nice_ticks(max_size, 3);
    const std::vector<double> value_ticks = nice_ticks(max_value, 3);
    std::string svg = svg_open(
        "chart-communities", width, height,
        fmt::format("Size{} of the {} largest communities", any_value ? " and value" : "", bars),
        "Paired horizontal bars: customers in each community and, beside them, the community's "
        "total "
        "own value.");
    const auto panel_axis = [&](double x0, const std::vector<double>& ticks,
                                const std::string& title) {
        std::string axis = fmt::format(
            "<text class=\"axis-title\" x=\"{}\" y=\"14\" text-anchor=\"middle\">{}</text>\n",
            f1(x0 + panel / 2), title);
        for (const double tick : ticks) {
            const double x = x0 + panel * tick / ticks.back();
            axis += fmt::format(
                "<line class=\"grid\" x1=\"{0}\" x2=\"{0}\" y1=\"{1}\" y2=\"{2}\"/>"
                "<text class=\"tick\" x=\"{0}\" y=\"{3}\" text-anchor=\"middle\">{4}</text>\n",
                f1(x), f1(top_margin - 6), f1(height - 22), f1(height - 8),
                tick_label(tick, ticks.size() > 1 ? ticks[1] : 1, ticks.back()));
        }
        return axis;
    };
    const double size_x = label_width, value_x = label_width + panel + gap;
    svg += panel_axis(size_x, size_ticks, "Customers");
    if (any_value) svg += panel_axis(value_x, value_ticks, "Value");
    for (std::size_t index = 0; index < bars; ++index) {
        const Row& row = rows[index];
        const double y = top_margin + row_height * static_cast<double>(index);
        const std::string name = fmt::format("Community {}", whole(row.community));
        const double size_length = panel * std::max(0.0, row.size) / size_ticks.back();
        svg += fmt::format(
            "<text class=\"label\" x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>"
            "<rect class=\"bar\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\" rx=\"2\">"
            "<title>{}: {} customers</title></rect>\n",
            f1(label_width - 8), f1(y + row_height / 2 + 4.5), name, f1(size_x), f1(y + 4),
            f1(size_length), f1(row_height - 8), kBar, name, whole(row.size));
        if (any_value) {
            const double v = row.value.value_or(0);
            const double value_length = panel * std::max(0.0, v) / value_ticks.back();
            svg += fmt::format(
                "<rect class=\"bar\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\" "
                "rx=\"2\">"
                "<title>{}: value {}</title></rect>\n",
                f1(value_x), f1(y + 4), f1(value_length), f1(row_height - 8), kValueBar, name,
                row.value ? amount(v) : "unknown");
        }
    }
    svg += "</svg>\n";

    std::string table =
        "<table>\n<thead><tr><th class=\"num\">#</th><th class=\"num\">size</th>"
        "<th class=\"num\">value</th><th class=\"num\">per customer</th><th>top influencer</th>"
        "</tr></thead>\n<tbody>\n";
    const std::size_t shown = std::min(rows.size(), kMaxTableRows);
    for (std::size_t index = 0; index < shown; ++index) {
        const Row& row = rows[index];
        table += fmt::format(
            "<tr><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>"
            "<td class=\"num\">{}</td><td>{}</td></tr>\n",
            whole(row.community), whole(row.size), row.value ? amount(*row.value) : "–",
            row.value && row.size > 0 ? amount(*row.value / row.size) : "–",
            row.leader_id.empty() ? "<span class=\"muted\">—</span>"
                                  : customer_cell(row.leader_name, row.leader_id, 11));
    }
    table += "</tbody>\n</table>\n" + more_rows_note(shown, rows.size(), "communities");
    out +=
        "<div class=\"split\">\n<figure>" + svg +
        (any_value ? "<div class=\"legend\"><span><span class=\"dot square\" style=\"background:" +
                         std::string(kBar) +
                         "\"></span>customers</span><span><span class=\"dot square\" "
                         "style=\"background:" +
                         kValueBar + "\"></span>total own value</span></div>\n"
                   : std::string()) +
        "<figcaption>Largest communities first. A large community with a low value per customer "
        "is room to grow; its top influencer is the way in.</figcaption></figure>\n<div>" +
        table + "</div>\n</div>\n";
    out += opted_out_note(communities, "opted_out_not_listed", path, "named as a top influencer", false);
    return section;
}

std::string seeds_part(const Json& seeds) {
    const std::string path = "seeds";
    std::string out;
    const Json& list = array(seeds, "list", path);
    const auto k = optional_number(seeds, "k", path);
    const std::string objective = optional_text(seeds, "objective", path).value_or("customers");
    const bool value_objective = objective == "value";
    const auto estimated = optional_number(seeds, "estimated_spread", path);
    const auto simulated = optional_number(seeds, "simulated_spread", path);
    const auto expected_value = optional_number(seeds, "expected_value", path);
    const auto certified = optional_number(seeds, "certified_approximation", path);
    const auto guarantee = optional_number(seeds, "guarantee", path);
    const double chosen = static_cast<double>(list.size());

    const auto reach_text = [&](double reach) {
        return value_objective ? amount(reach) : tenths(reach);
    };
    std::vector<Card> items;
    items.push_back({"seed customers", whole(k.value_or(chosen)), ""});
    if (simulated || estimated)
        items.push_back({value_objective ? "expected value reached" : "expected customers reached",
                         reach_text(simulated.value_or(estimated.value_or(0))),
                         simulated && estimated
                             ? "estimate before simulation: " + reach_text(*estimated)
                             : ""});
    if (expected_value && !value_objective)
        items.push_back({"expected value reached", amount(*expected_value), ""});
    if (certified)
        items.push_back({"of the best possible reach", "≥ " + percent(*certified),
                         guarantee ? "guaranteed at least " + percent(*guarantee) : ""});
    out += fmt::format(
        "<p>The {} customers to start a referral campaign with, chosen to maximise the expected {} "
        "reached as their influence spreads (Independent Cascade or Linear Threshold simulation). "
        "Each seed's gain is the extra {} it adds to those chosen before it.</p>\n",
        whole(k.value_or(chosen)), value_objective ? "value" : "number of customers",
        value_objective ? "value" : "customers");
    out += cards(items);
    if (list.empty()) return out + empty_note("No seed customers were chosen.");
    std::string table = fmt::format(
        "<table>\n<caption>Seed customers in the order chosen (gain: the {} each adds)</caption>\n"
        "<thead><tr><th class=\"num\">#</th><th>customer</th><th>segment</th><th "
        "class=\"num\">gain</th>"
        "</tr></thead>\n<tbody>\n",
        value_objective ? "value" : "customers");
    const std::size_t shown = std::min(list.size(), kMaxTableRows);
    for (std::size_t index = 0; index < shown; ++index) {
        const Json& item = list[index];
        const std::string item_path = index_path(path + ".list", index);
        const auto gain = optional_number(item, "marginal_estimate", item_path);
        table += fmt::format(
            "<tr><td class=\"num\">{}</td><td>{}</td><td class=\"nowrap\">{}</td>"
            "<td class=\"num\">{}</td></tr>\n",
            whole(number(item, "order", item_path)),
            customer_cell(text(item, "name", item_path), text(item, "id", item_path), 13),
            shortened(optional_text(item, "segment", item_path).value_or(""), 11),
            gain ? (value_objective ? amount(*gain) : tenths(*gain)) : "–");
    }
    return out + table + "</tbody>\n</table>\n" + more_rows_note(shown, list.size(), "seeds");
}

std::string compare_part(const Json& compare) {
    const std::string path = "compare";
    const Json& strategies = array(compare, "strategies", path);
    struct Curve {
        std::string name;
        std::vector<double> spread, error, value;
    };
    std::vector<Curve> curves;
    std::size_t k = 0;
    double max_spread = 0, max_error = 0;
    for (std::size_t index = 0; index < strategies.size(); ++index) {
        const Json& item = strategies[index];
        const std::string item_path = index_path(path + ".strategies", index);
        Curve curve{text(item, "name", item_path), numbers(item, "spread", item_path),
                    numbers(item, "error", item_path), numbers(item, "value", item_path)};
        if (!find(item, "spread")) malformed(item_path + ".spread", "missing");
        k = std::max(k, curve.spread.size());
        for (const double s : curve.spread) max_spread = std::max(max_spread, s);
        for (const double e : curve.error) max_error = std::max(max_error, e);
        curves.push_back(std::move(curve));
    }
    const auto simulations = optional_number(compare, "simulations", path);
    std::string out = fmt::format(
        "<h3>Seed strategies as the campaign grows</h3>\n<p>Each strategy picks 1 to {} seed "
        "customers; the same simulator{} judges them all, so the lines compare like with "
        "like.</p>\n",
        whole(static_cast<double>(k)),
        simulations ? fmt::format(" ({} runs per point)", whole(*simulations)) : "");
    if (curves.empty() || k == 0) return out + empty_note("No strategies were compared.");

    const double width = 520, height = 360, left = 54, right = 14, top = 14, bottom = 46;
    const double plot_w = width - left - right, plot_h = height - top - bottom;
    const std::vector<double> ticks = nice_ticks(max_spread, 5);
    const double axis_max = ticks.back();
    const auto x_of = [&](std::size_t seeds) {
        return k == 1 ? left + plot_w / 2
                      : left + plot_w * static_cast<double>(seeds - 1) / static_cast<double>(k - 1);
    };
    const auto y_of = [&](double v) { return top + plot_h * (1 - std::max(0.0, v) / axis_max); };
    std::string svg = svg_open(
        "chart-spread", width, height, "Expected customers reached as the number of seeds grows",
        fmt::format(
            "Line chart, one line per strategy ({}): expected customers reached for 1 to {} seeds.",
            curves.size(), k));
    for (const double tick : ticks) {
        const double y = y_of(tick);
        svg += fmt::format(
            "<line class=\"grid\" x1=\"{0}\" x2=\"{1}\" y1=\"{2}\" y2=\"{2}\"/>"
            "<text class=\"tick\" x=\"{3}\" y=\"{4}\" text-anchor=\"end\">{5}</text>\n",
            f1(left), f1(left + plot_w), f1(y), f1(left - 6), f1(y + 4),
            tick_label(tick, ticks.size() > 1 ? ticks[1] : 1, axis_max));
    }
    const std::size_t x_step =
        k <= 12   ? 1
        : k <= 30 ? 5
                  : static_cast<std::size_t>(nice_ticks(static_cast<double>(k), 6)[1]);
    for (std::size_t seeds = 1; seeds <= k; ++seeds) {
        if (seeds != 1 && seeds % x_step != 0) continue;
        svg += fmt::format(
            "<line class=\"tickmark\" x1=\"{0}\" x2=\"{0}\" y1=\"{1}\" y2=\"{2}\"/>"
            "<text class=\"tick\" x=\"{0}\" y=\"{3}\" text-anchor=\"middle\">{4}</text>\n",
            f1(x_of(seeds)), f1(top + plot_h), f1(top + plot_h + 5), f1(top + plot_h + 18), seeds);
    }
    svg += fmt::format(
        "<line class=\"axis\" x1=\"{0}\" x2=\"{1}\" y1=\"{2}\" y2=\"{2}\"/>\n"
        "<text class=\"axis-title\" x=\"{3}\" y=\"{4}\" text-anchor=\"middle\">Number of seed "
        "customers (k)</text>\n"
        "<text class=\"axis-title\" transform=\"translate(14 {5}) rotate(-90)\" "
        "text-anchor=\"middle\">"
        "Expected customers reached</text>\n",
        f1(left), f1(left + plot_w), f1(top + plot_h), f1(left + plot_w / 2), f1(height - 8),
        f1(top + plot_h / 2));
    // Draw in reverse so the first strategy (maximisation) is on top.
    for (std::size_t reverse = curves.size(); reverse-- > 0;) {
        const Curve& curve = curves[reverse];
        const char* colour = strategy_colour(curve.name, reverse);
        std::string coordinates;
        for (std::size_t index = 0; index < curve.spread.size(); ++index)
            coordinates += fmt::format("{}{},{}", index ? " " : "", f1(x_of(index + 1)),
                                       f1(y_of(curve.spread[index])));
        const char* dash = dash_pattern(reverse);
        svg += fmt::format(
            "<polyline class=\"line\" points=\"{}\" fill=\"none\" stroke=\"{}\" "
            "stroke-width=\"{}\"{}>"
            "<title>{}</title></polyline>\n",
            coordinates, colour, reverse == 0 ? "2.6" : "1.8",
            *dash ? fmt::format(" stroke-dasharray=\"{}\"", dash) : "",
            escape(strategy_label(curve.name)));
        for (std::size_t index = 0; index < curve.spread.size(); ++index)
            svg +=
                marker(reverse, x_of(index + 1), y_of(curve.spread[index]), colour,
                       fmt::format(
                           "{}, k = {}: {} customers{}", escape(strategy_label(curve.name)),
                           index + 1, tenths(curve.spread[index]),
                           index < curve.error.size() ? " ± " + tenths(curve.error[index]) : "")) +
                "\n";
    }
    svg += "</svg>\n";
    std::string legend = "<div class=\"legend\">";
    for (std::size_t index = 0; index < curves.size(); ++index) {
        const char* dash = dash_pattern(index);
        legend += fmt::format(
            "<span><svg class=\"key\" width=\"30\" height=\"12\" viewBox=\"0 0 30 12\" "
            "aria-hidden=\"true\">"
            "<line x1=\"1\" x2=\"29\" y1=\"6\" y2=\"6\" stroke=\"{}\" "
            "stroke-width=\"2.2\"{}/>{}</svg>{}</span>",
            strategy_colour(curves[index].name, index),
            *dash ? fmt::format(" stroke-dasharray=\"{}\"", dash) : "",
            [&] {
                std::string key =
                    marker(index, 15, 6, strategy_colour(curves[index].name, index), "");
                // The legend's markers are not data: give them another class and no tooltip.
                key.replace(key.find("class=\"marker\""), 14, "class=\"key-marker\"");
                const auto title = key.find("<title></title>");
                if (title != std::string::npos) key.erase(title, 15);
                return key;
            }(),
            escape(strategy_label(curves[index].name)));
    }
    legend += "</div>\n";

    // The table: reach and value at the largest k, relative to the best strategy.
    double best = 0;
    for (const Curve& curve : curves)
        if (!curve.spread.empty()) best = std::max(best, curve.spread.back());
    bool any_value = false;
    for (const Curve& curve : curves) any_value = any_value || !curve.value.empty();
    std::string table = fmt::format(
        "<table>\n<caption>With {} seeds</caption>\n<thead><tr><th>strategy</th>"
        "<th class=\"num\">customers</th>{}<th class=\"num\">vs. best</th></tr></thead>\n<tbody>\n",
        whole(static_cast<double>(k)), any_value ? "<th class=\"num\">value</th>" : "");
    for (std::size_t index = 0; index < curves.size(); ++index) {
        const Curve& curve = curves[index];
        const bool complete = curve.spread.size() == k;
        const double reach = curve.spread.empty() ? 0 : curve.spread.back();
        table += fmt::format(
            "<tr><td class=\"nowrap\"><span class=\"swatch\" style=\"background:{}\"></span>{}</td>"
            "<td class=\"num\">{}{}</td>{}"
            "<td class=\"num\">{}</td></tr>\n",
            strategy_colour(curve.name, index), escape(strategy_label(curve.name)),
            complete ? tenths(reach) : "–",
            complete && curve.error.size() == k
                ? " <span class=\"muted\">± " + tenths(curve.error.back()) + "</span>"
                : "",
            any_value ? fmt::format("<td class=\"num\">{}</td>", complete && curve.value.size() == k
                                                                     ? amount(curve.value.back())
                                                                     : "–")
                      : "",
            complete && best > 0 ? percent(reach / best) : "–");
    }
    table += "</tbody>\n</table>\n";
    const std::string caption = fmt::format(
        "<figcaption>Higher is better. Each point is the mean over the simulations{}.</figcaption>",
        max_error <= 0 ? ""
        : max_error < 0.01 * axis_max
            ? fmt::format("; its standard error is at most {} customers, too small to draw",
                          tenths(max_error))
            : fmt::format("; its standard error is at most {} customers", tenths(max_error)));
    return out + "<figure>" + svg + legend + caption + "</figure>\n" + table;
}

Section campaign_section(const Json* seeds, const Json* compare, const Json* simulate) {
    Section section{"seeds", "Campaign seeds", ""};
    std::string left = seeds ? seeds_part(*seeds) : "";
    if (simulate) {
        const std::string path = "simulate";
        std::string ids;
        if (const Json* list = find(*simulate, "seeds")) {
            if (!list->is_array()) malformed(path + ".seeds", "expected a list");
            for (const Json& id : *list) {
                if (!id.is_string()) malformed(path + ".seeds", "expected a list of ids");
                ids += (ids.empty() ? "" : ", ") + shortened(id.get<std::string>(), 9);
            }
        }
        const auto spread = optional_number(*simulate, "expected_spread", path);
        const auto error = optional_number(*simulate, "standard_error", path);
        const auto value = optional_number(*simulate, "expected_value", path);
        left += fmt::format(
            "<h3>Simulated campaign</h3>\n<p>Seeded at {}: {} customers reached{}{}.</p>\n",
            ids.empty() ? "the job's customers" : ids, spread ? tenths(*spread) : "–",
            error ? " (± " + tenths(*error) + ")" : "", value ? ", worth " + amount(*value) : "");
    }
    const std::string right = compare ? compare_part(*compare) : "";
    section.html = left.empty() || right.empty() ? left + right
                                                 : "<div class=\"split\">\n<div>" + left +
                                                       "</div>\n<div>" + right + "</div>\n</div>\n";
    return section;
}

Section referrals_section(const Json& referrals) {
    const std::string path = "referrals";
    Section section{"referrals", "Referral cascades", ""};
    std::string& out = section.html;
    const Json& histogram = array(referrals, "depth_histogram", path);
    const auto cascades = optional_number(referrals, "cascades", path);
    const auto max_depth = optional_number(referrals, "max_depth", path);
    std::vector<std::pair<double, double>> bars;  // depth, count
    double referred = 0, max_count = 0;
    for (std::size_t index = 0; index < histogram.size(); ++index) {
        const std::string item_path = index_path(path + ".depth_histogram", index);
        bars.emplace_back(number(histogram[index], "depth", item_path),
                          number(histogram[index], "count", item_path));
        referred += bars.back().second;
        max_count = std::max(max_count, bars.back().second);
    }
    std::vector<Card> items;
    if (cascades)
        items.push_back({"referral cascades", whole(*cascades), "trees started by one customer"});
    items.push_back({"customers brought in", whole(referred), ""});
    if (max_depth)
        items.push_back(
            {"longest chain", whole(*max_depth) + (*max_depth == 1 ? " step" : " steps"), ""});
    out +=
        "<p>Who brought in whom, from the observed referrals that converted: each cascade starts "
        "at a customer nobody referred, and a customer's depth is the number of referral steps "
        "from that first customer.</p>\n" +
        cards(items);
    if (bars.empty() || referred == 0) {
        out += empty_note("No converted referrals in the data.");
        return section;
    }
    const double width = 520, height = 300, left = 54, right = 14, top = 22, bottom = 46;
    const double plot_w = width - left - right, plot_h = height - top - bottom;
    const std::vector<double> ticks = nice_ticks(max_count, 5);
    const double axis_max = ticks.back();
    const double slot = plot_w / static_cast<double>(bars.size());
    const double bar_w = std::min(slot * 0.72, 60.0);
    std::string svg =
        svg_open("chart-depths", width, height, "Customers brought in by referral, by depth",
                 fmt::format("Histogram: customers at each depth 1 to {} of their referral "
                             "cascade.",
                             whole(bars.back().first)));
    for (const double tick : ticks) {
        const double y = top + plot_h * (1 - tick / axis_max);
        svg += fmt::format(
            "<line class=\"grid\" x1=\"{0}\" x2=\"{1}\" y1=\"{2}\" y2=\"{2}\"/>"
            "<text class=\"tick\" x=\"{3}\" y=\"{4}\" text-anchor=\"end\">{5}</text>\n",
            f1(left), f1(left + plot_w), f1(y), f1(left - 6), f1(y + 4),
            tick_label(tick, ticks.size() > 1 ? ticks[1] : 1, axis_max));
    }
    for (std::size_t index = 0; index < bars.size(); ++index) {
        const auto [depth, n] = bars[index];
        const double center = left + slot * (static_cast<double>(index) + 0.5);
        const double bar_h = plot_h * std::max(0.0, n) / axis_max;
        svg += fmt::format(
            "<rect class=\"bar\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\" rx=\"2\">"
            "<title>Depth {}: {} customers</title></rect>"
            "<text class=\"value\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>"
            "<text class=\"tick\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n",
            f1(center - bar_w / 2), f1(top + plot_h - bar_h), f1(bar_w), f1(bar_h), kBar,
            whole(depth), whole(n), f1(center), f1(top + plot_h - bar_h - 5), whole(n), f1(center),
            f1(top + plot_h + 16), whole(depth));
    }
    svg += fmt::format(
        "<line class=\"axis\" x1=\"{0}\" x2=\"{1}\" y1=\"{2}\" y2=\"{2}\"/>\n"
        "<text class=\"axis-title\" x=\"{3}\" y=\"{4}\" text-anchor=\"middle\">Depth: referral "
        "steps from "
        "the cascade's first customer</text>\n"
        "<text class=\"axis-title\" transform=\"translate(14 {5}) rotate(-90)\" "
        "text-anchor=\"middle\">"
        "Customers</text>\n</svg>\n",
        f1(left), f1(left + plot_w), f1(top + plot_h), f1(left + plot_w / 2), f1(height - 8),
        f1(top + plot_h / 2));

    std::string table =
        "<table class=\"compact\">\n<thead><tr><th class=\"num\">depth</th><th "
        "class=\"num\">customers</th>"
        "<th class=\"num\">share</th></tr></thead>\n<tbody>\n";
    const std::size_t shown = std::min(bars.size(), kMaxTableRows);
    for (std::size_t index = 0; index < shown; ++index)
        table += fmt::format(
            "<tr><td class=\"num\">{}</td><td class=\"num\">{}</td><td "
            "class=\"num\">{}</td></tr>\n",
            whole(bars[index].first), whole(bars[index].second),
            percent(bars[index].second / referred));
    table += "</tbody>\n</table>\n" + more_rows_note(shown, bars.size(), "depths");
    out += "<div class=\"split\">\n<figure>" + svg +
           "<figcaption>Depth 1: brought in directly by the cascade's first customer; depth 2: by "
           "someone they brought in; and so on. Deep chains mean referrals keep "
           "travelling.</figcaption>"
           "</figure>\n<div>" +
           table + "</div>\n</div>\n";
    return section;
}

std::string parameters_list(const Json& parameters) {
    std::string scalars, groups;
    for (const auto& [key, value] : parameters.items()) {
        if (value.is_object()) {
            std::string rows;
            for (const auto& [inner_key, inner] : value.items())
                rows += fmt::format(
                    "<dt>{}</dt><dd>{}</dd>", shortened(inner_key, 14),
                    inner.is_object() ? shortened(inner.dump(), 60) : parameter_value(inner));
            groups += fmt::format("<div class=\"param-group\"><h4>{}</h4><dl>{}</dl></div>\n",
                                  shortened(key, 14), rows.empty() ? "<dt>—</dt><dd></dd>" : rows);
        } else {
            scalars +=
                fmt::format("<dt>{}</dt><dd>{}</dd>", shortened(key, 14), parameter_value(value));
        }
    }
    if (!scalars.empty())
        groups =
            fmt::format("<div class=\"param-group\"><h4>job</h4><dl>{}</dl></div>\n", scalars) +
            groups;
    return groups.empty() ? "" : "<div class=\"params\">\n" + groups + "</div>\n";
}

Section run_section(const Json& summary, const Json& run, const std::string& version) {
    Section section{"run", "Run and parameters", ""};
    std::string& out = section.html;
    const std::string started = text(run, "started_at", "run");
    const std::string finished = text(run, "finished_at", "run");
    const std::string fingerprint = text(run, "input_fingerprint", "run");
    std::string rows;
    const auto row = [&](std::string_view label, const std::string& value) {
        rows += fmt::format("<dt>{}</dt><dd>{}</dd>", label, value);
    };
    if (const Json* job = find(summary, "job")) {
        if (const auto name = optional_text(*job, "name", "job")) row("job", shortened(*name, 60));
        if (const auto file = optional_text(*job, "file", "job"))
            row("job file", "<code>" + shortened(*file, 60) + "</code>");
    }
    row("started", readable_time(started));
    std::string finished_text = readable_time(finished);
    const auto t0 = parse_utc(started), t1 = parse_utc(finished);
    if (t0 && t1 && *t1 >= *t0)
        finished_text += " <span class=\"muted\">(took " + duration(*t1 - *t0) + ")</span>";
    row("finished", finished_text);
    row("data fingerprint", "<code>" + shortened(fingerprint, 40) + "</code>");
    if (const auto seed = optional_number(run, "seed", "run")) row("random seed", whole(*seed));
    if (const auto saved = optional_number(run, "saved_as_run", "run"))
        row("stored as run", whole(*saved));
    row("catena version", shortened(version, 20));
    out += "<dl class=\"facts\">" + rows + "</dl>\n";
    out +=
        "<p class=\"note\">The data fingerprint identifies the exact input graph: two reports with "
        "the same fingerprint, parameters and seed show the same numbers.</p>\n";
    if (const Json* parameters = find(run, "parameters")) {
        if (!parameters->is_object()) malformed("run.parameters", "expected an object");
        const std::string list = parameters_list(*parameters);
        if (!list.empty()) out += "<h3>Parameters</h3>\n" + list;
    }
    return section;
}

// Highlights for the top of the page, from whatever sections are present.
std::string highlights(const Json& summary) {
    std::vector<std::string> items;
    if (const Json* influencers = find(summary, "influencers")) {
        const Json* top = find(*influencers, "top");
        if (top && top->is_array() && !top->empty() && (*top)[0].is_object()) {
            const Json& first = (*top)[0];
            items.push_back(fmt::format(
                "Most influential customer: <b>{}</b> <span class=\"id\">{}</span>.",
                shortened(optional_text(first, "name", "influencers.top[0]").value_or(""), 24),
                shortened(optional_text(first, "id", "influencers.top[0]").value_or(""), 9)));
        }
    }
    if (const Json* value = find(summary, "value")) {
        if (const Json* quadrants = find(*value, "quadrants"); quadrants && quadrants->is_array())
            for (const Json& quadrant : *quadrants)
                if (quadrant_key(optional_text(quadrant, "name", "value.quadrants").value_or("")) ==
                    "hiddeninfluencers")
                    if (const auto n = optional_number(quadrant, "count", "value.quadrants"))
                        items.push_back(
                            fmt::format("<b>{}</b> hidden influencers: customers who buy little "
                                        "themselves but move others.",
                                        whole(*n)));
    }
    if (const Json* seeds = find(summary, "seeds")) {
        const auto k = optional_number(*seeds, "k", "seeds");
        const auto reach = optional_number(*seeds, "simulated_spread", "seeds");
        const auto estimate = optional_number(*seeds, "estimated_spread", "seeds");
        const bool value_objective =
            optional_text(*seeds, "objective", "seeds").value_or("") == "value";
        if (k && (reach || estimate))
            items.push_back(fmt::format(
                "Seeding <b>{}</b> customers is expected to reach <b>{}</b>{}.", whole(*k),
                value_objective ? amount(reach.value_or(*estimate))
                                : tenths(reach.value_or(*estimate)),
                value_objective ? " in value" : " customers"));
    }
    if (const Json* communities = find(summary, "communities")) {
        const auto n = optional_number(*communities, "count", "communities");
        if (n) items.push_back(fmt::format("The customers form <b>{}</b> communities.", whole(*n)));
    }
    if (const Json* referrals = find(summary, "referrals")) {
        const auto depth = optional_number(*referrals, "max_depth", "referrals");
        const auto cascades = optional_number(*referrals, "cascades", "referrals");
        if (depth && cascades && *cascades > 0)
            items.push_back(
                fmt::format("<b>{}</b> referral cascades, the longest <b>{}</b> steps deep.",
                            whole(*cascades), whole(*depth)));
    }
    if (items.empty()) return "";
    std::string out = "<ul class=\"highlights\">\n";
    for (const std::string& item : items) out += "<li>" + item + "</li>\n";
    return out + "</ul>\n";
}

constexpr const char* kStyle = R"css(
:root { color-scheme: light; --ink: #1f2933; --muted: #5f6b7a; --line: #d9dee5; --soft: #f4f6f9; --accent: #2B6CB0; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; color: var(--ink); background: #fff;
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", "Liberation Sans", "DejaVu Sans", sans-serif, "Apple Color Emoji", "Segoe UI Emoji", "Noto Color Emoji";
  -webkit-print-color-adjust: exact; print-color-adjust: exact; }
.page { max-width: 1120px; margin: 0 auto; padding: 28px 32px 48px; }
header.top { border-bottom: 3px solid var(--accent); padding-bottom: 14px; margin-bottom: 18px; }
.eyebrow { text-transform: uppercase; letter-spacing: .08em; font-size: 12px; color: var(--muted); margin: 0; }
h1 { font-size: 28px; line-height: 1.2; margin: 4px 0 6px; overflow-wrap: anywhere; }
h2 { font-size: 21px; margin: 36px 0 10px; padding-bottom: 6px; border-bottom: 1px solid var(--line); }
h3 { font-size: 16px; margin: 18px 0 6px; }
h4 { font-size: 13px; margin: 0 0 6px; text-transform: uppercase; letter-spacing: .05em; color: var(--muted); }
p { margin: 6px 0 10px; max-width: 80ch; }
.meta { color: var(--muted); font-size: 14px; margin: 0; }
.meta span + span::before { content: "·"; margin: 0 8px; color: var(--line); }
code { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, "DejaVu Sans Mono", monospace; font-size: 13px; overflow-wrap: anywhere; }
nav.toc { display: flex; flex-wrap: wrap; gap: 6px 18px; font-size: 14px; margin: 10px 0 4px; }
nav.toc a { color: var(--accent); text-decoration: none; }
nav.toc a:hover { text-decoration: underline; }
.highlights { background: var(--soft); border-left: 4px solid var(--accent); margin: 16px 0 6px; padding: 12px 18px 12px 34px; }
.highlights li { margin: 3px 0; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(190px, 1fr)); gap: 12px; margin: 12px 0 16px; }
.card { border: 1px solid var(--line); border-radius: 6px; padding: 10px 14px; background: #fff; }
.card-value { font-size: 24px; font-weight: 650; font-variant-numeric: tabular-nums; line-height: 1.25; }
.card-label { color: var(--muted); font-size: 13px; }
.card-note { color: var(--muted); font-size: 12px; margin-top: 2px; }
.split { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 28px; align-items: start; }
.split.narrow-left { grid-template-columns: minmax(0, 5fr) minmax(0, 8fr); }
@media (max-width: 900px) { .split, .split.narrow-left { grid-template-columns: minmax(0, 1fr); } }
@media screen { .table-wrap { overflow-x: auto; } }
figure { margin: 6px 0 14px; }
figcaption { color: var(--muted); font-size: 13px; margin-top: 6px; max-width: 70ch; }
svg.chart { display: block; max-width: 100%; height: auto; }
svg.chart text { font-family: inherit; font-size: 12px; fill: var(--ink); }
svg.chart .tick { fill: var(--muted); font-size: 11px; font-variant-numeric: tabular-nums; }
svg.chart .value { fill: var(--muted); font-size: 11px; font-variant-numeric: tabular-nums; }
svg.chart .axis-title { fill: var(--muted); font-size: 12px; font-weight: 600; }
svg.chart .corner { fill: #8a94a3; font-size: 12px; font-style: italic; }
svg.chart .grid { stroke: #e6e9ee; stroke-width: 1; }
svg.chart .axis, svg.chart .tickmark { stroke: #9aa4b1; stroke-width: 1; }
svg.chart .threshold { stroke: #3d4852; stroke-width: 1.2; stroke-dasharray: 5 4; }
svg.chart .point { fill-opacity: .78; stroke: #fff; stroke-width: .8; }
.legend { display: flex; flex-wrap: wrap; gap: 4px 16px; font-size: 13px; color: var(--ink); margin-top: 6px; }
.legend > span { display: inline-flex; align-items: center; gap: 6px; }
.dot { display: inline-block; width: 10px; height: 10px; border-radius: 50%; }
.dot.square { border-radius: 2px; }
.dash { display: inline-block; width: 20px; border-top: 2px dashed #3d4852; }
.swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 7px; vertical-align: baseline; }
svg.key { display: inline-block; vertical-align: middle; }
table { border-collapse: collapse; width: 100%; font-size: 13.5px; margin: 6px 0 12px; font-variant-numeric: tabular-nums; }
caption { text-align: left; font-weight: 600; padding: 4px 0 6px; }
table.compact { width: auto; min-width: 60%; }
th { text-align: left; font-weight: 600; color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: .04em; border-bottom: 2px solid var(--line); padding: 6px 7px; }
td { border-bottom: 1px solid #edf0f3; padding: 5px 7px; vertical-align: top; overflow-wrap: anywhere; }
tbody tr:nth-child(even) { background: #fafbfc; }
.num { text-align: right; white-space: nowrap; }
td.nowrap { white-space: nowrap; overflow-wrap: normal; }
.id { color: var(--muted); font-size: 12px; white-space: nowrap; }
.muted { color: var(--muted); }
.note, .empty { color: var(--muted); font-size: 13px; }
.empty { font-style: italic; }
.barcell { width: 28%; }
.minibar { display: block; height: 10px; margin-top: 5px; background: #9cc3e6; border-radius: 2px; }
.quadrant-guide { font-size: 13px; color: var(--muted); margin: 8px 0; }
.quadrant-guide dt { font-weight: 600; color: var(--ink); float: left; margin-right: 6px; }
.quadrant-guide dd { margin: 0 0 4px; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 4px 18px; margin: 8px 0; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; overflow-wrap: anywhere; }
.params { display: grid; grid-template-columns: repeat(auto-fill, minmax(250px, 1fr)); gap: 12px; align-items: start; }
.param-group { border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px; }
.param-group dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; margin: 0; font-size: 13px; }
.param-group dt { color: var(--muted); }
.param-group dd { margin: 0; overflow-wrap: anywhere; }
footer { margin-top: 40px; padding-top: 10px; border-top: 1px solid var(--line); color: var(--muted); font-size: 12px; }
@page { size: auto; margin: 14mm 12mm; }
@media print {
  body { font-size: 10.5pt; }
  .page { max-width: none; padding: 0; }
  nav.toc { display: none; }
  h2 { break-after: avoid; page-break-after: avoid; margin-top: 18px; }
  h3, h4, caption { break-after: avoid; page-break-after: avoid; }
  figure, .card, .cards, tr, .param-group, .highlights, dl.facts { break-inside: avoid; page-break-inside: avoid; }
  thead { display: table-header-group; }
  .split, .split.narrow-left { grid-template-columns: minmax(0, 1fr); gap: 8px; }
  tbody tr:nth-child(even) { background: none; }
}
)css";

}  // namespace

std::string render_html_report(const std::string& summary_json) {
    Json summary;
    try {
        summary = Json::parse(summary_json);
    } catch (const nlohmann::json::exception& error) {
        throw InternalError(std::string("report summary: not valid JSON: ") + error.what());
    }
    if (!summary.is_object()) throw InternalError("report summary: expected a JSON object");
    const std::string version = text(summary, "catena_version", "");
    const Json& run = object(summary, "run", "");
    const Json& data = object(summary, "data", "");

    std::string job_name;
    if (const Json* job = find(summary, "job")) {
        if (!job->is_object()) malformed("job", "expected an object");
        job_name = optional_text(*job, "name", "job").value_or("");
    }

    std::vector<Section> sections;
    sections.push_back(data_section(data));
    if (const Json* influencers = find(summary, "influencers"))
        sections.push_back(influencers_section(*influencers));
    if (const Json* value = find(summary, "value")) sections.push_back(value_section(*value));
    if (const Json* communities = find(summary, "communities"))
        sections.push_back(communities_section(*communities));
    const Json* seeds = find(summary, "seeds");
    const Json* compare = find(summary, "compare");
    const Json* simulate = find(summary, "simulate");
    if (seeds || compare || simulate)
        sections.push_back(campaign_section(seeds, compare, simulate));
    if (const Json* referrals = find(summary, "referrals"))
        sections.push_back(referrals_section(*referrals));
    const std::string run_html = run_section(summary, run, version).html;  // validates run first
    sections.push_back({"run", "Run and parameters", run_html});

    const std::string title = job_name.empty() ? "Chain-of-influence report" : job_name;
    const std::string finished = text(run, "finished_at", "run");
    const std::string fingerprint = text(run, "input_fingerprint", "run");
    std::string html = fmt::format(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        "<meta name=\"generator\" content=\"catena {}\">\n<title>{} — catena "
        "report</title>\n<style>{}</style>\n"
        "</head>\n<body>\n<div class=\"page\">\n<header class=\"top\">\n"
        "<p class=\"eyebrow\">Chain-of-influence report</p>\n<h1>{}</h1>\n<p class=\"meta\">",
        escape(version), shortened_plain(title, 60), kStyle, shortened(title, 40));
    if (const auto source = optional_text(data, "source", "data"))
        html += fmt::format("<span>{}</span>", shortened(*source, 30));
    html += fmt::format(
        "<span>{}</span><span>data fingerprint <code>{}</code></span><span>catena {}</span></p>\n",
        readable_time(finished), shortened(fingerprint, 40), escape(version));
    html += "<nav class=\"toc\" aria-label=\"Sections\">";
    for (const Section& section : sections)
        html += fmt::format("<a href=\"#{}\">{}</a>", section.id, section.title);
    html += "</nav>\n</header>\n<main>\n" + highlights(summary);
    for (const Section& section : sections) {
        html += fmt::format("<section id=\"{}\">\n<h2>{}</h2>\n{}</section>\n", section.id,
                            section.title, section.html);
    }
    html += fmt::format(
        "</main>\n<footer>Made by catena {} from data fingerprint <code>{}</code>. This page is "
        "self-contained: it loads nothing from the network and prints as it shows.</footer>\n"
        "</div>\n</body>\n</html>\n",
        escape(version), shortened(fingerprint, 40));
    return html;
}

}  // namespace catena
