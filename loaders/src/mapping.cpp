// Reading a mapping file (TOML) and a data folder through it. See mapping.hpp for the format.
#include "catena/loaders/mapping.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <array>
#include <map>
#include <memory>
#include <span>
#include <unordered_map>
#include <unordered_set>

#include <toml++/toml.h>

#include "catena/graph/errors.hpp"
#include "catena/loaders/csv_reader.hpp"
#include "bad_rows.hpp"
#include "column_names.hpp"
#include "field_parse.hpp"
#include "row_batch.hpp"

namespace catena {

namespace {

enum class Table { customers, relationships, referrals, transactions };
constexpr const char* kTableNames[] = {"customers", "relationships", "referrals", "transactions"};

enum class ColumnKind { id, reference, text, boolean, number, date, attribute };

struct CatenaColumn {
    const char* name;
    ColumnKind kind;
    bool required;
};

const std::vector<CatenaColumn>& catena_columns(Table table) {
    static const std::vector<CatenaColumn> customers = {
        {"id", ColumnKind::id, true},          {"kind", ColumnKind::text, false},
        {"name", ColumnKind::text, false},     {"segment", ColumnKind::text, false},
        {"value", ColumnKind::number, false},  {"cost", ColumnKind::number, false},
        {"opt_out", ColumnKind::boolean, false}};
    static const std::vector<CatenaColumn> relationships = {
        {"source", ColumnKind::reference, true},     {"target", ColumnKind::reference, true},
        {"type", ColumnKind::text, false},           {"weight", ColumnKind::number, false},
        {"probability", ColumnKind::number, false},  {"date", ColumnKind::date, false},
        {"directed", ColumnKind::boolean, false}};
    static const std::vector<CatenaColumn> referrals = {
        {"referrer", ColumnKind::reference, true}, {"referred", ColumnKind::reference, true},
        {"date", ColumnKind::date, false},         {"converted", ColumnKind::boolean, false},
        {"reward", ColumnKind::number, false}};
    static const std::vector<CatenaColumn> transactions = {
        {"customer", ColumnKind::reference, true},      {"date", ColumnKind::date, true},
        {"amount", ColumnKind::number, true},           {"channel", ColumnKind::text, false},
        {"on_behalf_of", ColumnKind::reference, false}, {"order_id", ColumnKind::text, false}};
    switch (table) {
        case Table::customers: return customers;
        case Table::relationships: return relationships;
        case Table::referrals: return referrals;
        case Table::transactions: break;
    }
    return transactions;
}

std::vector<std::string> catena_names(Table table) {
    std::vector<std::string> names;
    for (const CatenaColumn& column : catena_columns(table)) names.emplace_back(column.name);
    return names;
}

// Trimmed and lower-cased (ASCII): how map keys, skip_if values and labels are compared.
std::string fold(std::string_view text) {
    text = fields::trim(text);
    std::string out(text);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

// --- Date patterns ---------------------------------------------------------------------------

struct DatePattern {
    std::string text;  // as written
};

// Parses `text` with a strptime-style pattern: %Y %y %m %d %e %H %I %M %S %f %p %b %B %z %%;
// a space matches any run of spaces; anything else matches itself (letters in any case). The
// whole text must match. Returns the date (the time of day is checked and dropped).
std::optional<Date> parse_date_with(std::string_view pattern, std::string_view text) {
    static const char* const kMonths[] = {"january", "february", "march",     "april",   "may",      "june",
                                          "july",    "august",   "september", "october", "november", "december"};
    int year = -1, month = -1, day = -1, hour = 0, minute = 0, second = 0;
    bool twelve_hour = false, pm = false, have_ampm = false;
    std::size_t at = 0;
    const auto digits = [&](std::size_t min, std::size_t max, int& out) {
        std::size_t count = 0;
        int value = 0;
        while (at < text.size() && count < max && std::isdigit(static_cast<unsigned char>(text[at]))) {
            value = value * 10 + (text[at] - '0');
            ++at;
            ++count;
        }
        out = value;
        return count >= min;
    };
    for (std::size_t p = 0; p < pattern.size(); ++p) {
        const char c = pattern[p];
        if (c == ' ') {
            if (at >= text.size() || text[at] != ' ') return std::nullopt;
            while (at < text.size() && text[at] == ' ') ++at;
            continue;
        }
        if (c != '%' || p + 1 >= pattern.size()) {
            if (at >= text.size() ||
                std::tolower(static_cast<unsigned char>(text[at])) != std::tolower(static_cast<unsigned char>(c)))
                return std::nullopt;
            ++at;
            continue;
        }
        const char directive = pattern[++p];
        int ignored = 0;
        switch (directive) {
            case 'Y':
                if (!digits(4, 4, year)) return std::nullopt;
                break;
            case 'y':
                if (!digits(2, 2, year)) return std::nullopt;
                year += year < 70 ? 2000 : 1900;
                break;
            case 'm':
                if (!digits(1, 2, month)) return std::nullopt;
                break;
            case 'd':
            case 'e':
                if (!digits(1, 2, day)) return std::nullopt;
                break;
            case 'H':
                if (!digits(1, 2, hour) || hour > 23) return std::nullopt;
                break;
            case 'I':
                if (!digits(1, 2, hour) || hour < 1 || hour > 12) return std::nullopt;
                twelve_hour = true;
                break;
            case 'M':
                if (!digits(2, 2, minute) || minute > 59) return std::nullopt;
                break;
            case 'S':
                if (!digits(2, 2, second) || second > 60) return std::nullopt;
                break;
            case 'f':
                if (!digits(1, 9, ignored)) return std::nullopt;
                break;
            case 'p': {
                if (at + 2 > text.size()) return std::nullopt;
                const std::string word = fold(text.substr(at, 2));
                if (word != "am" && word != "pm") return std::nullopt;
                pm = word == "pm";
                have_ampm = true;
                at += 2;
                break;
            }
            case 'b':
            case 'B': {
                std::size_t end = at;
                while (end < text.size() && std::isalpha(static_cast<unsigned char>(text[end]))) ++end;
                const std::string word = fold(text.substr(at, end - at));
                month = -1;
                for (int index = 0; index < 12; ++index) {
                    const std::string full = kMonths[index];
                    if (word == full || (word.size() == 3 && full.compare(0, 3, word) == 0) ||
                        (word == "sept" && index == 8))
                        month = index + 1;
                }
                if (month < 0) return std::nullopt;
                at = end;
                break;
            }
            case 'z':
                if (at < text.size() && (text[at] == 'Z' || text[at] == 'z')) {
                    ++at;
                } else if (at < text.size() && (text[at] == '+' || text[at] == '-')) {
                    ++at;
                    if (!digits(2, 2, ignored)) return std::nullopt;
                    if (at < text.size() && text[at] == ':') ++at;
                    if (!digits(2, 2, ignored)) return std::nullopt;
                } else {
                    return std::nullopt;
                }
                break;
            case '%':
                if (at >= text.size() || text[at] != '%') return std::nullopt;
                ++at;
                break;
            default:
                return std::nullopt;
        }
    }
    if (at != text.size()) return std::nullopt;
    if (twelve_hour != have_ampm) return std::nullopt;
    (void)pm;
    if (year < 0 || month < 1 || month > 12 || day < 1) return std::nullopt;
    static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    if (day > kDays[month - 1] + (month == 2 && leap)) return std::nullopt;
    return days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
}

// Why a pattern cannot parse a date, or "" when it can.
std::string check_date_pattern(std::string_view pattern) {
    bool year = false, month = false, day = false, hour12 = false, ampm = false;
    for (std::size_t p = 0; p < pattern.size(); ++p) {
        if (pattern[p] != '%') continue;
        if (p + 1 >= pattern.size()) return "ends with a lone '%'";
        const char d = pattern[++p];
        if (std::string_view("YymdeHIMSfpbBz%").find(d) == std::string_view::npos)
            return std::string("has an unknown directive %") + d +
                   " (known: %Y %y %m %d %e %H %I %M %S %f %p %b %B %z %%)";
        year |= d == 'Y' || d == 'y';
        month |= d == 'm' || d == 'b' || d == 'B';
        day |= d == 'd' || d == 'e';
        hour12 |= d == 'I';
        ampm |= d == 'p';
    }
    if (!year || !month || !day)
        return "parses no date: a pattern needs a year (%Y or %y), a month (%m, %b or %B) and a day (%d)";
    if (hour12 != ampm) return "uses %I (12-hour clock) without %p (AM/PM), or %p without %I";
    return "";
}

// --- The parsed mapping ------------------------------------------------------------------------

struct TemplatePart {
    bool column = false;
    std::string text;  // literal text, or the column's name
    std::size_t index = 0;  // the column's position in the file, once opened
};

// Where one catena column's value comes from.
struct ValueSpec {
    enum class From { column, templated, constant } from = From::column;
    std::string column;  // From::column
    std::vector<TemplatePart> parts;  // From::templated
    std::string constant;  // From::constant
    std::unordered_map<std::string, std::string> map;  // folded field -> value
    std::string key;  // references: the key looked up ("" = a customer id as stored)
    std::string list;  // the field holds a list separated by this
    std::unordered_set<std::string> reversed;  // type: folded labels read target -> source
    std::vector<std::string> dates;  // date patterns; empty: the source's, else ISO
    std::string currency;  // amount: the column with each row's currency
    std::size_t index = 0, currency_index = 0;  // positions in the file, once opened
    std::string where;  // "crm.toml:12: customers.columns.opt_out" for errors
    std::string catena;  // the catena column (or attribute) it feeds
    ColumnKind kind = ColumnKind::text;
};

struct KeySpec {
    bool trim = true, lower = false;
    bool merge = true;  // duplicates merge (else they are errors)
    std::string where;
};

struct SourceSpec {
    Table table = Table::customers;
    std::string file;
    char delimiter = 0;
    TextEncoding encoding = TextEncoding::utf8;
    std::string id_prefix;
    std::vector<std::pair<std::string, ValueSpec>> keys;  // key name -> the column holding it
    std::vector<std::string> dates;
    char decimal = '.', thousands = 0;
    std::vector<std::pair<std::string, std::unordered_set<std::string>>> skip_if;  // column -> folded values
    std::vector<std::size_t> skip_if_index;
    std::vector<std::string> ignore;
    std::vector<ValueSpec> columns;  // in the order written
    std::string where;  // "crm.toml:8: customers[1]"
};

}  // namespace

struct Mapping {
    std::string file;
    std::optional<BadRowPolicy> on_bad_row;
    std::map<std::string, KeySpec> keys;
    std::string base_currency;
    std::map<std::string, double> rates;  // upper-case code -> base units per unit
    std::vector<SourceSpec> sources;
};

namespace {

// --- Parsing the TOML --------------------------------------------------------------------------

class MappingParser {
public:
    explicit MappingParser(std::string file) : file_(std::move(file)) {}

    [[noreturn]] void fail(const toml::source_region& where, const std::string& what) const {
        throw InputError(file_ + ":" + std::to_string(where.begin.line), "", what);
    }
    std::string at(const toml::source_region& where, const std::string& path) const {
        return file_ + ":" + std::to_string(where.begin.line) + ": " + path;
    }

    Mapping parse(const toml::table& root) {
        Mapping mapping;
        mapping.file = file_;
        for (auto&& [key, node] : root) {
            const std::string name(key.str());
            if (name == "version") {
                if (node.value<std::int64_t>() != 1) fail(node.source(), "version must be 1");
            } else if (name == "on_bad_row") {
                const auto text = node.value<std::string>();
                if (!text || (*text != "stop" && *text != "skip"))
                    fail(node.source(), "on_bad_row must be \"stop\" or \"skip\"");
                mapping.on_bad_row = *text == "skip" ? BadRowPolicy::skip : BadRowPolicy::stop;
            } else if (name == "keys") {
                parse_keys(node, mapping);
            } else if (name == "currency") {
                parse_currency(node, mapping);
            } else if (const auto table = table_named(name)) {
                const toml::array* sources = node.as_array();
                if (!sources || !sources->is_array_of_tables())
                    fail(node.source(), "'" + name + "' must be blocks of [[" + name + "]], one per source file");
                for (const toml::node& source : *sources) mapping.sources.push_back(parse_source(*table, source));
            } else {
                std::string hint;
                for (const char* known : kTableNames)
                    if (columns::edit_distance(columns::normalize(name), known) <= 2)
                        hint = std::string(" (did you mean ") + known + "?)";
                fail(key.source(), "unknown table '" + name + "'" + hint +
                                       "; a mapping has [[customers]], [[relationships]], [[referrals]], "
                                       "[[transactions]], [keys.NAME], [currency] and on_bad_row");
            }
        }
        bool customers = false;
        for (const SourceSpec& source : mapping.sources) customers |= source.table == Table::customers;
        if (!customers && !mapping.sources.empty())
            throw InputError(file_, "", "no [[customers]] source: every mapping needs one");
        if (mapping.sources.empty()) throw InputError(file_, "", "the mapping names no source files");
        // Every key looked up must be given by a customers source.
        std::unordered_set<std::string> given;
        for (const SourceSpec& source : mapping.sources)
            for (const auto& [name, spec] : source.keys) given.insert(name);
        for (const SourceSpec& source : mapping.sources)
            for (const ValueSpec& column : source.columns)
                if (!column.key.empty() && !given.contains(column.key))
                    throw InputError(column.where + ": no [[customers]] source gives the key '" + column.key +
                                     "' (add keys = { " + column.key + " = \"COLUMN\" } to one)");
        return mapping;
    }

private:
    static std::optional<Table> table_named(std::string_view name) {
        for (int table = 0; table < 4; ++table)
            if (name == kTableNames[table]) return static_cast<Table>(table);
        return std::nullopt;
    }

    std::string text_of(const toml::node& node, const std::string& what) const {
        if (const auto text = node.value<std::string>()) return *text;
        if (const auto flag = node.value<bool>(); flag && node.is_boolean()) return *flag ? "true" : "false";
        if (node.is_integer()) return std::to_string(*node.value<std::int64_t>());
        if (node.is_floating_point()) {
            char buffer[32];
            const double value = *node.value<double>();
            const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
            return std::string(buffer, result.ptr);
        }
        fail(node.source(), what + " must be a string, a number or true/false");
    }

    std::vector<std::string> strings(const toml::node& node, const std::string& what) const {
        std::vector<std::string> out;
        if (node.is_string()) {
            out.push_back(*node.value<std::string>());
            return out;
        }
        const toml::array* array = node.as_array();
        if (!array) fail(node.source(), what + " must be a string or a list of strings");
        for (const toml::node& item : *array) {
            if (!item.is_string()) fail(item.source(), what + " must list strings");
            out.push_back(*item.value<std::string>());
        }
        return out;
    }

    void parse_keys(const toml::node& node, Mapping& mapping) const {
        const toml::table* keys = node.as_table();
        if (!keys) fail(node.source(), "keys must be tables: [keys.email]");
        for (auto&& [name, spec_node] : *keys) {
            const toml::table* table = spec_node.as_table();
            if (!table) fail(spec_node.source(), "keys." + std::string(name.str()) + " must be a table");
            KeySpec spec;
            spec.where = at(name.source(), "keys." + std::string(name.str()));
            for (auto&& [field, value] : *table) {
                if (field == "normalize") {
                    spec.trim = false;
                    for (const std::string& step : strings(value, "normalize")) {
                        if (step == "trim") spec.trim = true;
                        else if (step == "lower") spec.lower = true;
                        else if (step == "none") {
                        } else fail(value.source(), "normalize steps are \"trim\", \"lower\" and \"none\", not '" + step + "'");
                    }
                } else if (field == "duplicates") {
                    const auto text = value.value<std::string>();
                    if (!text || (*text != "merge" && *text != "error"))
                        fail(value.source(), "duplicates must be \"merge\" or \"error\"");
                    spec.merge = *text == "merge";
                } else {
                    fail(field.source(), "unknown setting '" + std::string(field.str()) +
                                             "' of a key (known: normalize, duplicates)");
                }
            }
            mapping.keys[std::string(name.str())] = spec;
        }
    }

    void parse_currency(const toml::node& node, Mapping& mapping) const {
        const toml::table* table = node.as_table();
        if (!table) fail(node.source(), "currency must be a table: [currency]");
        for (auto&& [field, value] : *table) {
            if (field == "base") {
                const auto text = value.value<std::string>();
                if (!text || text->empty()) fail(value.source(), "currency.base must be a currency code such as \"EUR\"");
                mapping.base_currency = fold(*text);
                for (char& c : mapping.base_currency) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
            } else if (field == "rates") {
                const toml::table* rates = value.as_table();
                if (!rates) fail(value.source(), "currency.rates must be a table: { USD = 0.92, ... }");
                for (auto&& [code, rate] : *rates) {
                    const auto number = rate.value<double>();
                    if (!number || !std::isfinite(*number) || *number <= 0)
                        fail(rate.source(), "the rate of " + std::string(code.str()) + " must be a number > 0");
                    std::string upper = fold(code.str());
                    for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
                    mapping.rates[upper] = *number;
                }
            } else {
                fail(field.source(), "unknown setting '" + std::string(field.str()) + "' of [currency] (known: base, rates)");
            }
        }
        if (mapping.base_currency.empty()) fail(node.source(), "[currency] needs base = \"CODE\"");
    }

    ValueSpec parse_value(const toml::node& node, const std::string& path, const CatenaColumn& column) const {
        ValueSpec spec;
        spec.where = at(node.source(), path);
        spec.catena = column.name;
        spec.kind = column.kind;
        const auto set_text = [&](const std::string& text) {
            if (text.find('{') != std::string::npos) {
                spec.from = ValueSpec::From::templated;
                parse_template(text, node, spec);
            } else {
                spec.from = ValueSpec::From::column;
                spec.column = text;
                if (fields::trim(text).empty()) fail(node.source(), path + ": the column name is empty");
            }
        };
        if (node.is_string()) {
            set_text(*node.value<std::string>());
            return spec;
        }
        const toml::table* table = node.as_table();
        if (!table)
            fail(node.source(), path + " must be a column name, a template \"{A} {B}\" or a table { column = ..., ... }");
        int sources = 0;
        for (auto&& [field, value] : *table) {
            const std::string name(field.str());
            if (name == "column") {
                spec.from = ValueSpec::From::column;
                spec.column = text_of(value, path + ".column");
                ++sources;
            } else if (name == "template") {
                spec.from = ValueSpec::From::templated;
                parse_template(text_of(value, path + ".template"), value, spec);
                ++sources;
            } else if (name == "value") {
                spec.from = ValueSpec::From::constant;
                spec.constant = text_of(value, path + ".value");
                ++sources;
            } else if (name == "map") {
                const toml::table* map = value.as_table();
                if (!map) fail(value.source(), path + ".map must be a table { \"Label\" = value, ... }");
                if (column.kind == ColumnKind::number || column.kind == ColumnKind::date ||
                    column.kind == ColumnKind::reference || column.kind == ColumnKind::id)
                    fail(value.source(), path + ": a value map goes on a text column (kind, segment, opt_out, "
                                                "converted, type, directed, channel or an attribute), not on '" +
                                             std::string(column.name) + "', which is " +
                                             (column.kind == ColumnKind::number ? "a number"
                                              : column.kind == ColumnKind::date ? "a date"
                                                                                 : "a customer id"));
                for (auto&& [label, to] : *map) spec.map[fold(label.str())] = text_of(to, path + ".map");
            } else if (name == "key") {
                if (column.kind != ColumnKind::reference)
                    fail(value.source(), path + ": key goes on a customer reference (source, target, referrer, "
                                                "referred, customer, on_behalf_of)");
                spec.key = text_of(value, path + ".key");
            } else if (name == "list") {
                spec.list = text_of(value, path + ".list");
                if (spec.list.empty()) fail(value.source(), path + ".list must be a separator such as \";\"");
            } else if (name == "reversed") {
                if (std::string_view(column.name) != "type")
                    fail(value.source(), path + ": reversed goes on the type column only");
                for (const std::string& label : strings(value, path + ".reversed")) spec.reversed.insert(fold(label));
            } else if (name == "dates") {
                if (column.kind != ColumnKind::date) fail(value.source(), path + ": dates goes on a date column");
                spec.dates = date_patterns(value, path + ".dates");
            } else if (name == "currency") {
                if (std::string_view(column.name) != "amount")
                    fail(value.source(), path + ": currency goes on the amount column only");
                spec.currency = text_of(value, path + ".currency");
            } else {
                fail(field.source(), "unknown setting '" + name + "' of " + path +
                                         " (known: column, template, value, map, key, list, reversed, dates, currency)");
            }
        }
        if (sources != 1) fail(node.source(), path + " needs exactly one of column, template and value");
        if (!spec.reversed.empty() && spec.from == ValueSpec::From::constant)
            fail(node.source(), path + ": reversed needs a column of labels");
        return spec;
    }

    void parse_template(const std::string& text, const toml::node& node, ValueSpec& spec) const {
        std::size_t at = 0;
        while (at < text.size()) {
            const std::size_t open = text.find('{', at);
            if (open == std::string::npos) {
                spec.parts.push_back({false, text.substr(at)});
                break;
            }
            if (open > at) spec.parts.push_back({false, text.substr(at, open - at)});
            const std::size_t close = text.find('}', open);
            if (close == std::string::npos) fail(node.source(), "template '" + text + "' has a '{' without '}'");
            const std::string column = text.substr(open + 1, close - open - 1);
            if (fields::trim(column).empty()) fail(node.source(), "template '" + text + "' has an empty {}");
            spec.parts.push_back({true, std::string(fields::trim(column))});
            at = close + 1;
        }
    }

    std::vector<std::string> date_patterns(const toml::node& node, const std::string& path) const {
        std::vector<std::string> patterns = strings(node, path);
        for (const std::string& pattern : patterns)
            if (const std::string problem = check_date_pattern(pattern); !problem.empty())
                fail(node.source(), path + ": the pattern '" + pattern + "' " + problem);
        return patterns;
    }

    SourceSpec parse_source(Table table, const toml::node& node) {
        const toml::table& block = *node.as_table();
        const std::string table_name = kTableNames[static_cast<int>(table)];
        SourceSpec source;
        source.table = table;
        source.where = at(node.source(), table_name);
        const toml::table* columns_table = nullptr;
        for (auto&& [field, value] : block) {
            const std::string name(field.str());
            const std::string path = table_name + "." + name;
            if (name == "file") {
                source.file = text_of(value, path);
            } else if (name == "delimiter") {
                const std::string text = text_of(value, path);
                if (text == "," || text == ";" || text == "|") source.delimiter = text[0];
                else if (text == "tab" || text == "\t") source.delimiter = '\t';
                else fail(value.source(), "delimiter must be \",\", \";\", \"tab\" or \"|\"");
            } else if (name == "encoding") {
                const auto encoding = parse_text_encoding(text_of(value, path));
                if (!encoding) fail(value.source(), "encoding must be \"utf-8\", \"latin-1\" or \"windows-1252\"");
                source.encoding = *encoding;
            } else if (name == "id_prefix") {
                if (table != Table::customers) fail(value.source(), "id_prefix goes on a [[customers]] source");
                source.id_prefix = text_of(value, path);
            } else if (name == "keys") {
                if (table != Table::customers) fail(value.source(), "keys go on a [[customers]] source");
                const toml::table* keys = value.as_table();
                if (!keys) fail(value.source(), "keys must be a table: keys = { email = \"Email\" }");
                for (auto&& [key, column] : *keys) {
                    const CatenaColumn as_text{"key", ColumnKind::text, false};
                    ValueSpec spec = parse_value(column, path + "." + std::string(key.str()), as_text);
                    if (spec.from == ValueSpec::From::constant) fail(column.source(), "a key comes from a column");
                    source.keys.emplace_back(std::string(key.str()), std::move(spec));
                }
            } else if (name == "dates") {
                source.dates = date_patterns(value, path);
            } else if (name == "numbers") {
                const toml::table* numbers = value.as_table();
                if (!numbers) fail(value.source(), "numbers must be a table: { decimal = \",\", thousands = \".\" }");
                for (auto&& [setting, text_node] : *numbers) {
                    const std::string text = text_of(text_node, path + "." + std::string(setting.str()));
                    if (setting == "decimal") {
                        if (text != "." && text != ",") fail(text_node.source(), "numbers.decimal must be \".\" or \",\"");
                        source.decimal = text[0];
                    } else if (setting == "thousands") {
                        if (text != "," && text != "." && text != " " && text != "'" && !text.empty())
                            fail(text_node.source(), "numbers.thousands must be \",\", \".\", \" \", \"'\" or \"\"");
                        source.thousands = text.empty() ? 0 : text[0];
                    } else {
                        fail(setting.source(), "unknown setting '" + std::string(setting.str()) +
                                                   "' of numbers (known: decimal, thousands)");
                    }
                }
                if (source.decimal == source.thousands)
                    fail(value.source(), "numbers: the decimal and thousands separators must differ");
            } else if (name == "skip_if") {
                const toml::table* filters = value.as_table();
                if (!filters) fail(value.source(), "skip_if must be a table: { \"Column\" = [\"value\", ...] }");
                for (auto&& [column, values] : *filters) {
                    std::unordered_set<std::string> folded;
                    for (const std::string& text : strings(values, "skip_if")) folded.insert(fold(text));
                    source.skip_if.emplace_back(std::string(column.str()), std::move(folded));
                }
            } else if (name == "ignore") {
                source.ignore = strings(value, path);
            } else if (name == "columns") {
                columns_table = value.as_table();
                if (!columns_table) fail(value.source(), table_name + ".columns must be a table");
            } else {
                fail(field.source(), "unknown setting '" + name + "' of a [[" + table_name +
                                         "]] source (known: file, delimiter, encoding, id_prefix, keys, dates, "
                                         "numbers, skip_if, ignore, columns)");
            }
        }
        if (source.file.empty()) fail(node.source(), "a [[" + table_name + "]] source needs file = \"NAME.csv\"");
        if (!columns_table) fail(node.source(), "a [[" + table_name + "]] source needs a [" + table_name + ".columns] table");
        const std::vector<std::string> known = catena_names(table);
        for (auto&& [field, value] : *columns_table) {
            const std::string name(field.str());
            const std::string path = table_name + ".columns." + name;
            const auto& columns = catena_columns(table);
            const auto found = std::find_if(columns.begin(), columns.end(),
                                            [&](const CatenaColumn& column) { return name == column.name; });
            CatenaColumn column{"", ColumnKind::attribute, false};
            if (found != columns.end()) {
                column = *found;
            } else {
                const auto like = columns::looks_like(name, known, /*words=*/false);
                if (table != Table::customers || like)
                    fail(field.source(), table_name + ".columns: unknown catena column '" + name + "'" +
                                             (like ? " (did you mean " + *like + "?)" : "") +
                                             (table == Table::customers ? ""
                                                                        : "; " + table_name + " has " + join(known)));
                column.name = nullptr;  // an attribute: named below
            }
            ValueSpec spec = parse_value(value, path, column.name ? column : CatenaColumn{"attribute", ColumnKind::attribute, false});
            spec.catena = name;
            if (!spec.list.empty() && column.kind != ColumnKind::reference && name != "type")
                fail(value.source(), path + ": list goes on a customer reference (e.g. target) or on type (several labels)");
            source.columns.push_back(std::move(spec));
        }
        int lists = 0;
        for (const ValueSpec& spec : source.columns) lists += !spec.list.empty();
        if (lists > 1) fail(columns_table->source(), table_name + ".columns: only one column of a source may be a list");
        for (const CatenaColumn& column : catena_columns(table)) {
            if (!column.required) continue;
            const bool given = std::any_of(source.columns.begin(), source.columns.end(),
                                           [&](const ValueSpec& spec) { return spec.catena == column.name; });
            if (!given)
                fail(columns_table->source(), table_name + ".columns needs " + column.name + " (from " + source.file + ")");
        }
        return source;
    }

    static std::string join(const std::vector<std::string>& names) {
        std::string out;
        for (const auto& name : names) out += (out.empty() ? "" : ", ") + name;
        return out;
    }

    std::string file_;
};

}  // namespace

std::shared_ptr<const Mapping> read_mapping_file(const std::filesystem::path& path) {
    const std::string file = path.string();
    std::error_code error;
    if (!std::filesystem::is_regular_file(path, error)) throw InputError(file, "", "no such mapping file");
    toml::table root;
    try {
        root = toml::parse_file(file);
    } catch (const toml::parse_error& parse) {
        throw InputError(file + ":" + std::to_string(parse.source().begin.line),
                         "column " + std::to_string(parse.source().begin.column), std::string(parse.description()));
    }
    auto mapping = std::make_shared<Mapping>(MappingParser(file).parse(root));
    return mapping;
}

std::optional<BadRowPolicy> mapping_bad_row_policy(const Mapping& mapping) { return mapping.on_bad_row; }

namespace {

// --- Reading through the mapping ---------------------------------------------------------------

// A customer row read from a source, owned, until duplicates are merged.
struct CustomerRecord {
    std::string id, kind, name, segment, value_text, cost_text, opt_out_text;
    std::optional<double> value, cost;
    bool opt_out = false;
    NodeKind node_kind = NodeKind::person;
    std::vector<std::string> attributes;  // per attribute name
    std::uint8_t given = 0;  // CustomerColumns the source maps
    std::vector<std::pair<std::string, std::string>> keys;  // key name -> normalised value
    std::size_t source = 0;
    std::uint64_t line = 0;
    std::string record;  // the CSV record, kept when skipping
    bool merged = false;  // merged into another

    // Empty again, with `attribute_count` empty attributes (strings keep their capacity).
    void clear(std::size_t attribute_count) {
        for (std::string* text : {&id, &kind, &name, &segment, &value_text, &cost_text, &opt_out_text, &record})
            text->clear();
        value.reset();
        cost.reset();
        opt_out = false;
        node_kind = NodeKind::person;
        attributes.resize(attribute_count);
        for (std::string& attribute : attributes) attribute.clear();
        given = 0;
        keys.clear();
        source = 0;
        line = 0;
        merged = false;
    }
};

class MappedReader {
public:
    MappedReader(const Mapping& mapping, const std::filesystem::path& dir, const LoadOptions& options,
                 DatasetSink& sink, ReadReport& report)
        : mapping_(mapping),
          dir_(dir),
          sink_(sink),
          report_(report),
          bad_(options.on_bad_row.value_or(BadRowPolicy::stop), options.max_errors, report.input) {}

    void run() {
        open_sources();
        check_unmapped_columns();
        read_customers();
        // Stop at bad customers: the rows naming them would only repeat the error. The other
        // tables' errors are listed together.
        bad_.finish();
        for (const Table table : {Table::relationships, Table::referrals, Table::transactions})
            for (std::size_t index = 0; index < mapping_.sources.size(); ++index)
                if (mapping_.sources[index].table == table) read_rows(index);
        bad_.finish();
    }

private:
    struct Open {
        SourceSpec spec;  // with column positions filled in
        std::optional<CsvReader> reader;
        std::size_t report = 0;  // index into report_.sources
    };

    std::string file_name(const SourceSpec& spec) const { return (dir_ / spec.file).string(); }

    // Opens every source file and finds each column the mapping names in its header.
    void open_sources() {
        std::error_code error;
        if (!std::filesystem::is_directory(dir_, error)) throw InputError(dir_.string(), "", "no such folder");
        for (const SourceSpec& spec : mapping_.sources) {
            Open open;
            open.spec = spec;
            const std::string name = file_name(spec);
            if (!std::filesystem::exists(dir_ / spec.file, error))
                throw InputError(spec.where + ": file '" + spec.file + "' is not in " + dir_.string());
            open.reader.emplace(CsvReader::open(dir_ / spec.file, {spec.delimiter, spec.encoding}));
            const CsvReader& reader = *open.reader;
            const auto find = [&](const std::string& column, const std::string& where) {
                const auto index = reader.column(column);
                if (!index) {
                    std::string header;
                    for (const auto& existing : reader.header()) header += (header.empty() ? "" : ", ") + existing;
                    throw InputError(where + ": column '" + column + "' is not in " + spec.file + " (its columns: " +
                                     header + ")");
                }
                return *index;
            };
            const auto resolve = [&](ValueSpec& value) {
                if (value.from == ValueSpec::From::column) value.index = find(value.column, value.where);
                for (TemplatePart& part : value.parts)
                    if (part.column) part.index = find(part.text, value.where);
                if (!value.currency.empty()) value.currency_index = find(value.currency, value.where + ".currency");
            };
            for (ValueSpec& value : open.spec.columns) resolve(value);
            // TOML tables are unordered (toml++ iterates them by name): put the columns in the
            // file's order, so attributes come out in the order the export has them.
            const auto position = [](const ValueSpec& value) {
                if (value.from == ValueSpec::From::column) return value.index;
                for (const TemplatePart& part : value.parts)
                    if (part.column) return part.index;
                return SIZE_MAX;
            };
            std::stable_sort(open.spec.columns.begin(), open.spec.columns.end(),
                             [&](const ValueSpec& a, const ValueSpec& b) { return position(a) < position(b); });
            for (auto& [key, value] : open.spec.keys) resolve(value);
            for (const auto& [column, values] : open.spec.skip_if) open.spec.skip_if_index.push_back(find(column, spec.where + ": skip_if"));
            for (const std::string& column : open.spec.ignore) find(column, spec.where + ": ignore");

            SourceReport source;
            source.table = kTableNames[static_cast<int>(spec.table)];
            source.file = name;
            source.delimiter = reader.delimiter() == '\t' ? "tab" : std::string(1, reader.delimiter());
            source.delimiter_detected = reader.delimiter_detected();
            source.encoding = to_string(spec.encoding);
            for (const ValueSpec& value : open.spec.columns) {
                std::string from;
                if (value.from == ValueSpec::From::column) from = "'" + value.column + "'";
                else if (value.from == ValueSpec::From::constant) from = "constant '" + value.constant + "'";
                else {
                    for (const TemplatePart& part : value.parts) from += part.column ? "{" + part.text + "}" : part.text;
                    from = "template '" + from + "'";
                }
                if (!value.key.empty()) from += " by key " + value.key;
                if (!value.list.empty()) from += ", a list split at '" + value.list + "'";
                if (!value.map.empty()) from += ", values mapped";
                if (!value.reversed.empty()) from += ", some labels reversed";
                if (!value.currency.empty())
                    from += mapping_.base_currency.empty()
                                ? ", in the currency of '" + value.currency + "' (one currency only)"
                                : ", converted to " + mapping_.base_currency + " by '" + value.currency + "'";
                const bool known = std::any_of(catena_columns(spec.table).begin(), catena_columns(spec.table).end(),
                                               [&](const CatenaColumn& column) { return value.catena == column.name; });
                if (known) source.mapped.emplace_back(value.catena, from);
                else source.attributes.push_back(value.catena + " <- " + from);
            }
            if (source.delimiter_detected && reader.delimiter() != ',')
                report_.warnings.push_back(name + ": fields separated by '" + source.delimiter +
                                           "' (detected from the header; set delimiter in the mapping to be sure)");
            open.report = report_.sources.size();
            report_.sources.push_back(std::move(source));
            sources_.push_back(std::move(open));
        }
    }

    // Source columns no source of their file uses: listed, and an error when they look like a
    // catena column of a table the file feeds (an opt-out flag must never be dropped unnoticed).
    void check_unmapped_columns() {
        std::map<std::string, std::vector<std::size_t>> by_file;
        for (std::size_t index = 0; index < sources_.size(); ++index) by_file[sources_[index].spec.file].push_back(index);
        for (const auto& [file, indexes] : by_file) {
            const CsvReader& reader = *sources_[indexes.front()].reader;
            std::vector<bool> used(reader.header().size(), false);
            std::vector<std::string> known;
            for (const std::size_t index : indexes) {
                const SourceSpec& spec = sources_[index].spec;
                for (const auto& name : catena_names(spec.table)) known.push_back(name);
                const auto mark = [&](const ValueSpec& value) {
                    if (value.from == ValueSpec::From::column) used[value.index] = true;
                    for (const TemplatePart& part : value.parts)
                        if (part.column) used[part.index] = true;
                    if (!value.currency.empty()) used[value.currency_index] = true;
                };
                for (const ValueSpec& value : spec.columns) mark(value);
                for (const auto& [key, value] : spec.keys) mark(value);
                for (const std::size_t position : spec.skip_if_index) used[position] = true;
                for (const std::string& column : spec.ignore) used[*reader.column(column)] = true;
            }
            std::vector<std::string> unmapped;
            for (std::size_t position = 0; position < used.size(); ++position) {
                if (used[position]) continue;
                const std::string& column = reader.header()[position];
                if (const auto like = columns::looks_like(column, known))
                    throw InputError(file_name(sources_[indexes.front()].spec) + ":1", column,
                                     "looks like catena's '" + *like + "' column but " + mapping_.file +
                                         " does not use it; map it (" + *like + " = \"" + column +
                                         "\"), make it an attribute, or list it in ignore = [...]");
                unmapped.push_back(column);
            }
            for (const std::size_t index : indexes) report_.sources[sources_[index].report].unmapped = unmapped;
            if (!unmapped.empty()) {
                std::string names;
                for (const auto& name : unmapped) names += (names.empty() ? "'" : ", '") + name + "'";
                report_.warnings.push_back(file_name(sources_[indexes.front()].spec) + ": not used by the mapping: " + names);
            }
        }
    }

    // --- Field values ---------------------------------------------------------------------

    // The text of `spec` for the current record as the file has it (trimmed), in `out` if built.
    std::string_view raw_text(const ValueSpec& spec, const std::vector<std::string_view>& fields, std::string& out) const {
        switch (spec.from) {
            case ValueSpec::From::column:
                return fields::trim(fields[spec.index]);
            case ValueSpec::From::constant:
                return spec.constant;
            case ValueSpec::From::templated:
                break;
        }
        out.clear();
        for (const TemplatePart& part : spec.parts) out += part.column ? fields::trim(fields[part.index]) : part.text;
        // Empty parts leave doubled or outer spaces: "{First} {Last}" with no first name.
        std::string collapsed;
        for (const char c : out)
            if (!(c == ' ' && (collapsed.empty() || collapsed.back() == ' '))) collapsed += c;
        while (!collapsed.empty() && collapsed.back() == ' ') collapsed.pop_back();
        out = std::move(collapsed);
        return out;
    }

    // The same after the value map.
    std::string_view text(const ValueSpec& spec, const std::vector<std::string_view>& fields, std::string& out) const {
        const std::string_view value = raw_text(spec, fields, out);
        if (!spec.map.empty()) {
            const auto mapped = spec.map.find(fold(value));
            if (mapped != spec.map.end()) return mapped->second;
        }
        return value;
    }

    // A column's name for messages: the source column, or the catena column for a template.
    static std::string label(const ValueSpec& spec) {
        return spec.from == ValueSpec::From::column ? spec.column : spec.catena;
    }

    std::optional<double> number(const Open& open, const ValueSpec& spec, std::string_view text) {
        const SourceSpec& source = open.spec;
        text = fields::trim(text);
        if (text.empty()) return std::nullopt;
        // Plain numbers (digits, one sign, the decimal point) need no cleaning: most rows.
        if (source.decimal == '.' && text.find_first_not_of("0123456789.-") == std::string_view::npos) {
            double value = 0.0;
            const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
            if (error == std::errc() && end == text.data() + text.size() && std::isfinite(value)) return value;
        }
        std::string cleaned;
        std::string symbol;
        for (std::size_t at = 0; at < text.size();) {
            const auto byte = static_cast<unsigned char>(text[at]);
            // Currency symbols and spaces (also no-break spaces) are dropped; the symbol is kept
            // to make sure one column does not mix currencies.
            if (text[at] == '$') {
                symbol = "$";
                ++at;
                continue;
            }
            if (byte == 0xE2 && text.substr(at, 3) == "\xE2\x82\xAC") {
                symbol = "\xE2\x82\xAC";
                at += 3;
                continue;
            }
            if (byte == 0xC2 && (text.substr(at, 2) == "\xC2\xA3" || text.substr(at, 2) == "\xC2\xA5")) {
                symbol = std::string(text.substr(at, 2));
                at += 2;
                continue;
            }
            if (text.substr(at, 2) == "\xC2\xA0") {
                at += 2;
                continue;
            }
            if (text.substr(at, 3) == "\xE2\x80\xAF") {
                at += 3;
                continue;
            }
            if (text[at] == ' ') {
                ++at;
                continue;
            }
            if (source.thousands != 0 && text[at] == source.thousands) {
                ++at;
                continue;
            }
            cleaned += text[at] == source.decimal ? '.' : text[at] == '.' ? ',' : text[at];
            ++at;
        }
        if (!symbol.empty()) {
            auto seen = symbols_.find(&spec);
            if (seen == symbols_.end()) seen = symbols_.try_emplace(&spec, symbol, open.reader->where()).first;
            if (seen->second.first != symbol)
                throw InputError(open.reader->where(), label(spec),
                                 "amount in '" + symbol + "' but " + seen->second.second + " was in '" +
                                     seen->second.first +
                                     "': amounts in different currencies are never summed as one; give a currency "
                                     "column and [currency] rates in the mapping");
        }
        double value = 0.0;
        const char* begin = cleaned.data();
        if (!cleaned.empty() && cleaned.front() == '+') ++begin;
        const auto [end, error] = std::from_chars(begin, cleaned.data() + cleaned.size(), value);
        if (cleaned.empty() || error != std::errc() || end != cleaned.data() + cleaned.size() || !std::isfinite(value)) {
            std::string hint;
            if (source.thousands == 0 && text.find(source.decimal == '.' ? ',' : '.') != std::string_view::npos)
                hint = std::string(" (if '") + (source.decimal == '.' ? ',' : '.') +
                       "' separates thousands, say numbers = { thousands = \"" + (source.decimal == '.' ? ',' : '.') +
                       "\" } in the mapping)";
            throw RowError(spec.catena, "not a number: '" + std::string(text.substr(0, 40)) + "'" + hint);
        }
        return value;
    }

    std::optional<Date> date(const SourceSpec& source, const ValueSpec& spec, std::string_view text) const {
        text = fields::trim(text);
        if (text.empty()) return std::nullopt;
        const std::vector<std::string>& patterns = !spec.dates.empty() ? spec.dates : source.dates;
        if (patterns.empty()) {
            if (auto parsed = parse_iso_date(text)) return parsed;
            throw RowError(spec.catena, "not a date: '" + std::string(text.substr(0, 40)) +
                                            "' (expected YYYY-MM-DD; give the file's format in the mapping: "
                                            "dates = [\"%m/%d/%Y\"])");
        }
        for (const std::string& pattern : patterns)
            if (auto parsed = parse_date_with(pattern, text)) return parsed;
        std::string list;
        for (const std::string& pattern : patterns) list += (list.empty() ? "'" : ", '") + pattern + "'";
        throw RowError(spec.catena, "not a date matching " + list + ": '" + std::string(text.substr(0, 40)) + "'");
    }

    std::optional<bool> boolean(const ValueSpec& spec, std::string_view text) const {
        try {
            return fields::boolean(text, "");
        } catch (const RowError&) {
            throw RowError(spec.catena, "not true or false: '" + std::string(text.substr(0, 40)) +
                                            "' (map the file's words to true/false with map = { \"Yes\" = true, ... })");
        }
    }

    std::string normalize_key(const std::string& key, std::string_view value) const {
        const auto spec = mapping_.keys.find(key);
        const bool trim = spec == mapping_.keys.end() || spec->second.trim;
        const bool lower = spec != mapping_.keys.end() && spec->second.lower;
        if (trim) value = fields::trim(value);
        std::string out(value);
        if (lower)
            for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        return out;
    }

    // The customer id a reference names: by key, or as stored (following merges).
    std::string_view resolve(const ValueSpec& spec, std::string_view raw) {
        raw = fields::trim(raw);
        if (raw.empty()) return {};
        if (spec.key.empty()) {
            if (!aliases_.empty()) {
                const auto alias = aliases_.find(std::string(raw));
                if (alias != aliases_.end()) return alias->second;
            }
            return raw;
        }
        const auto& index = key_index_[spec.key];
        const auto found = index.find(normalize_key(spec.key, raw));
        if (found == index.end())
            throw RowError(spec.catena, "no customer has " + spec.key + " '" + std::string(raw.substr(0, 80)) + "'");
        return found->second;
    }

    bool filtered(const Open& open, const std::vector<std::string_view>& fields) const {
        for (std::size_t filter = 0; filter < open.spec.skip_if.size(); ++filter)
            if (open.spec.skip_if[filter].second.contains(fold(fields[open.spec.skip_if_index[filter]]))) return true;
        return false;
    }

    // Reads the records of a source, calling handle(fields) for each one that is not filtered
    // (it returns the rows it gave the sink); bad records and RowErrors go to bad_ (a RowError
    // naming a catena column is reported under the source column that feeds it). flush() hands
    // on the rows a handler batched: it is called before any error is reported, so that errors
    // come in file order, and at the end.
    template <typename Handle, typename Flush>
    void each_record(Open& open, Handle&& handle, Flush&& flush) {
        CsvReader& reader = *open.reader;
        SourceReport& report = report_.sources[open.report];
        const std::string table = kTableNames[static_cast<int>(open.spec.table)];
        std::vector<std::string_view> fields;
        for (;;) {
            try {
                if (!reader.next(fields)) break;
            } catch (const BadRecord& error) {
                flush();
                ++report.records;
                ++report.skipped;
                bad_.add(table, reader.name(), reader.line(), error.column(), "", error.problem(), fields);
                continue;
            } catch (const InputError&) {
                flush();  // a malformed record is reported after the rows before it
                bad_.finish();
                throw;
            }
            ++report.records;
            if (filtered(open, fields)) {
                ++report.filtered;
                ++report_.input.filtered;
                continue;
            }
            try {
                report.rows += handle(fields);
            } catch (const RowError& error) {
                flush();
                row_error(open, error, reader.line(), fields);
            }
        }
        flush();
    }

    template <typename Handle>
    void each_record(Open& open, Handle&& handle) {
        each_record(open, std::forward<Handle>(handle), [] {});
    }

    // A row of `open` at `line` that the mapping or the sink refused.
    void row_error(Open& open, const RowError& error, std::uint64_t line, const std::vector<std::string_view>& fields) {
        ++report_.sources[open.report].skipped;
        bad_.add(kTableNames[static_cast<int>(open.spec.table)], open.reader->name(), line,
                 source_column(open, error.column()), error.column(), error.what(), fields);
    }

    // The column of `open`'s file that feeds catena column `catena` (for messages), or `catena`.
    std::string source_column(const Open& open, const std::string& catena) const {
        const ValueSpec* spec = column(open, catena);
        return spec ? label(*spec) : catena;
    }

    const ValueSpec* column(const Open& open, std::string_view catena) const {
        for (const ValueSpec& spec : open.spec.columns)
            if (spec.catena == catena) return &spec;
        return nullptr;
    }

    // --- Customers ------------------------------------------------------------------------

    void read_customers() {
        // Attribute names: every non-catena column of every customers source, first seen first.
        std::vector<std::string> attribute_names;
        for (const Open& open : sources_) {
            if (open.spec.table != Table::customers) continue;
            for (const ValueSpec& spec : open.spec.columns)
                if (spec.kind == ColumnKind::attribute &&
                    std::find(attribute_names.begin(), attribute_names.end(), spec.catena) == attribute_names.end())
                    attribute_names.push_back(spec.catena);
        }
        // Without keys no two records are one customer: each goes to the sink as it is read.
        // With keys, all are read first and merged.
        const bool merging = std::any_of(sources_.begin(), sources_.end(), [](const Open& open) {
            return open.spec.table == Table::customers && !open.spec.keys.empty();
        });
        if (!merging) sink_.begin_customers(attribute_names);
        std::vector<std::string_view> attributes(attribute_names.size());
        const auto to_row = [&](const CustomerRecord& record) {
            CustomerRow row;
            row.id = record.id;
            row.kind = record.node_kind;
            row.name = record.name;
            row.segment = record.segment;
            row.value = record.value;
            row.cost = record.cost;
            row.opt_out = record.opt_out;
            row.given = record.given;
            for (std::size_t index = 0; index < attributes.size(); ++index) attributes[index] = record.attributes[index];
            row.attributes = attributes;
            return row;
        };
        std::vector<CustomerRecord> records;
        CustomerRecord working;
        std::size_t streamed = 0;
        for (std::size_t index = 0; index < sources_.size(); ++index) {
            Open& open = sources_[index];
            if (open.spec.table != Table::customers) continue;
            std::vector<std::size_t> attribute_slot;
            for (const ValueSpec& spec : open.spec.columns)
                attribute_slot.push_back(spec.kind == ColumnKind::attribute
                                             ? static_cast<std::size_t>(std::find(attribute_names.begin(), attribute_names.end(),
                                                                                  spec.catena) -
                                                                        attribute_names.begin())
                                             : SIZE_MAX);
            std::string scratch;
            std::uint8_t given = 0;
            for (const ValueSpec& spec : open.spec.columns) {
                const std::string_view name = spec.catena;
                if (spec.kind == ColumnKind::attribute) continue;
                given |= name == "kind" ? CustomerColumns::kind : name == "name" ? CustomerColumns::name
                       : name == "segment" ? CustomerColumns::segment : name == "value" ? CustomerColumns::value
                       : name == "cost" ? CustomerColumns::cost : name == "opt_out" ? CustomerColumns::opt_out : 0;
            }
            each_record(open, [&](const std::vector<std::string_view>& fields) -> std::uint64_t {
                CustomerRecord& record = working;  // reused: its strings keep their capacity
                record.clear(attribute_names.size());
                record.source = index;
                record.line = open.reader->line();
                record.given = given;
                for (std::size_t position = 0; position < open.spec.columns.size(); ++position) {
                    const ValueSpec& spec = open.spec.columns[position];
                    const std::string_view value = text(spec, fields, scratch);
                    if (spec.kind == ColumnKind::attribute) {
                        record.attributes[attribute_slot[position]].assign(value);
                        continue;
                    }
                    const std::string_view name = spec.catena;
                    if (name == "id") record.id.assign(open.spec.id_prefix).append(value);
                    else if (name == "kind") record.node_kind = fields::kind(value, "kind");
                    else if (name == "name") record.name = value;
                    else if (name == "segment") record.segment = value;
                    else if (name == "value") record.value = number(open, spec, value);
                    else if (name == "cost") record.cost = number(open, spec, value);
                    else if (name == "opt_out") record.opt_out = boolean(spec, value).value_or(false);
                }
                if (fields::trim(record.id) == open.spec.id_prefix) throw RowError("id", "customer id is empty");
                for (const auto& [key, spec] : open.spec.keys) {
                    const std::string value = normalize_key(key, text(spec, fields, scratch));
                    if (!value.empty()) record.keys.emplace_back(key, value);
                }
                if (!merging) {
                    sink_.customer(to_row(record));  // a RowError is the record's, as any other
                    if (++streamed == kRecordsBeforeEstimate)
                        sink_.expect_customers(records_left(*open.reader, report_.sources[open.report].records));
                    return 1;
                }
                if (bad_.skipping()) record.record = csv_record(fields);
                records.push_back(record);
                return 1;
            });
        }
        if (!merging) return;
        merge_duplicates(records);

        sink_.begin_customers(attribute_names);
        for (CustomerRecord& record : records) {
            if (record.merged) continue;
            try {
                sink_.customer(to_row(record));
            } catch (const RowError& error) {
                Open& open = sources_[record.source];
                ++report_.sources[open.report].skipped;
                --report_.sources[open.report].rows;
                bad_.add_line("customers", open.reader->name(), record.line, source_column(open, error.column()),
                              error.column(), error.what(), record.record);
                rejected_ids_.insert(record.id);
                continue;
            }
            for (const auto& [key, value] : record.keys) key_index_[key].try_emplace(value, record.id);
        }
        // Keys of merged records point at the customer they were merged into.
        for (const CustomerRecord& record : records) {
            if (!record.merged) continue;
            const std::string& into = aliases_[record.id];
            if (rejected_ids_.contains(into)) continue;
            for (const auto& [key, value] : record.keys) key_index_[key].try_emplace(value, into);
        }
        for (auto alias = aliases_.begin(); alias != aliases_.end();)
            alias = rejected_ids_.contains(alias->second) ? aliases_.erase(alias) : std::next(alias);
    }


    // Customers with equal normalised keys are one customer: the later rows fill the first's
    // empty fields (an opt-out in any of them holds for all), or are errors when the key says so.
    void merge_duplicates(std::vector<CustomerRecord>& records) {
        std::map<std::string, std::unordered_map<std::string, std::size_t>> owner;  // key -> value -> record
        std::size_t examples = 0;
        for (std::size_t index = 0; index < records.size(); ++index) {
            CustomerRecord& record = records[index];
            std::optional<std::size_t> into;
            std::string shared;
            for (const auto& [key, value] : record.keys) {
                const auto found = owner[key].find(value);
                if (found != owner[key].end() && found->second != index) {
                    into = found->second;
                    shared = key + " '" + value + "'";
                    const auto spec = mapping_.keys.find(key);
                    if (spec != mapping_.keys.end() && !spec->second.merge) {
                        Open& open = sources_[record.source];
                        const CustomerRecord& first = records[*into];
                        ++report_.sources[open.report].skipped;
                        --report_.sources[open.report].rows;
                        bad_.add_line("customers", open.reader->name(), record.line, key, "duplicate",
                                 "duplicate customer: " + shared + " also belongs to customer '" + first.id + "' (" +
                                     sources_[first.source].reader->name() + ":" + std::to_string(first.line) +
                                     "); the mapping says duplicates = \"error\"",
                                 record.record);
                        record.merged = true;  // left out
                        into.reset();
                        shared.clear();
                        goto next_record;
                    }
                    break;
                }
            }
            if (into) {
                CustomerRecord& first = records[*into];
                const auto fill = [](std::string& to, const std::string& from) {
                    if (to.empty()) to = from;
                };
                fill(first.name, record.name);
                fill(first.segment, record.segment);
                if (!first.value) first.value = record.value;
                if (!first.cost) first.cost = record.cost;
                first.opt_out = first.opt_out || record.opt_out;
                first.given |= record.given;
                for (std::size_t slot = 0; slot < first.attributes.size(); ++slot) fill(first.attributes[slot], record.attributes[slot]);
                for (const auto& key : record.keys) {
                    if (std::find(first.keys.begin(), first.keys.end(), key) == first.keys.end()) first.keys.push_back(key);
                    owner[key.first].try_emplace(key.second, *into);
                }
                record.merged = true;
                if (record.id != first.id) aliases_[record.id] = first.id;
                ++report_.input.merged_customers;
                if (examples++ < 5)
                    report_.warnings.push_back(sources_[record.source].reader->name() + ":" + std::to_string(record.line) +
                                               ": customer '" + record.id + "' merged into '" + first.id + "' (" +
                                               sources_[first.source].reader->name() + ":" + std::to_string(first.line) +
                                               "): same " + shared);
                continue;
            }
            for (const auto& [key, value] : record.keys) owner[key].try_emplace(value, index);
        next_record:;
        }
        if (examples > 5)
            report_.warnings.push_back(std::to_string(examples) + " customers merged into another by a shared key in all");
    }

    // --- Relationships, referrals, transactions -------------------------------------------

    // The source columns that feed each catena column of a row table (null: not mapped).
    struct RowColumns {
        const ValueSpec *source, *target, *type, *weight, *probability, *date, *directed;  // relationships
        const ValueSpec *referrer, *referred, *converted, *reward;                          // referrals
        const ValueSpec *customer, *on_behalf_of, *amount, *channel, *order_id;             // transactions (and date)
    };

    RowColumns row_columns(const Open& open) const {
        const auto get = [&](std::string_view name) { return column(open, name); };
        return {get("source"),   get("target"),   get("type"),      get("weight"),       get("probability"),
                get("date"),     get("directed"), get("referrer"),  get("referred"),     get("converted"),
                get("reward"),   get("customer"), get("on_behalf_of"), get("amount"),    get("channel"),
                get("order_id")};
    }

    // Relationship and transaction rows are batched (RowBatch) so the sink can prefetch the
    // customers they name. Their texts are views into the file, except those a template builds
    // in a scratch string: those are copied into the batch's own strings, kOwned per row.
    static constexpr std::size_t kOwned = 4;
    using OwnedTexts = std::array<std::string, kOwned * RowBatch<RelationshipRow>::kSize>;

    // `text` if it lives as long as the reader, else a copy in `slot`.
    static std::string_view keep(std::string_view text, bool scratch, std::string& slot) {
        if (!scratch) return text;
        slot.assign(text);
        return slot;
    }

    static bool built(const ValueSpec* spec) { return spec && spec->from == ValueSpec::From::templated; }

    void read_rows(std::size_t index) {
        Open& open = sources_[index];
        const ValueSpec* list = nullptr;
        for (const ValueSpec& spec : open.spec.columns)
            if (!spec.list.empty()) list = &spec;
        const RowColumns columns = row_columns(open);
        std::string scratch, list_scratch;
        std::vector<std::string_view> items;
        currency_seen_.clear();
        auto owned = std::make_unique<OwnedTexts>();
        RowBatch<RelationshipRow> relationships(bad_.skipping());
        RowBatch<TransactionRow> transactions(bad_.skipping());
        SourceReport& report = report_.sources[open.report];
        std::size_t batches = 0;
        const auto fail = [&](const RowError& error, std::uint64_t line, const std::vector<std::string_view>& fields) {
            row_error(open, error, line, fields);
        };
        const auto flush = [&] {
            relationships.flush([&](std::span<const RelationshipRow> rows) { sink_.prefetch(rows); },
                                [&](const RelationshipRow& row) {
                                    deliver(row);
                                    ++report.rows;
                                },
                                fail);
            transactions.flush([&](std::span<const TransactionRow> rows) { sink_.prefetch(rows); },
                               [&](const TransactionRow& row) {
                                   sink_.transaction(row);
                                   ++report.rows;
                               },
                               fail);
        };
        each_record(
            open,
            [&](const std::vector<std::string_view>& fields) -> std::uint64_t {
                items.clear();
                if (list) {
                    const std::string_view whole = raw_text(*list, fields, list_scratch);  // a type list is mapped item by item
                    for (std::size_t at = 0; at <= whole.size();) {
                        std::size_t end = whole.find(list->list, at);
                        if (end == std::string_view::npos) end = whole.size();
                        const std::string_view item = fields::trim(whole.substr(at, end - at));
                        if (!item.empty()) items.push_back(item);
                        at = end + list->list.size();
                    }
                    // An empty list of customers gives no rows; an empty list of labels, one row of
                    // no stated type (knows).
                    if (items.empty()) {
                        if (list->catena != "type") return 0;
                        items.push_back({});
                    }
                } else {
                    items.push_back({});
                }
                std::uint64_t rows = 0;
                for (const std::string_view item : items) {
                    switch (open.spec.table) {
                        case Table::relationships: {
                            std::string* slots = &(*owned)[relationships.size() * kOwned];
                            relationships.push(relationship(open, columns, fields, list, item, scratch, slots),
                                               open.reader->line(), fields);
                            if (relationships.full()) {
                                flush();
                                if (++batches == 16) sink_.expect_relationships(records_left(*open.reader, report.records));
                            }
                            break;
                        }
                        case Table::transactions: {
                            std::string* slots = &(*owned)[transactions.size() * kOwned];
                            transactions.push(transaction(open, columns, fields, list, item, scratch, slots),
                                              open.reader->line(), fields);
                            if (transactions.full()) {
                                flush();
                                if (++batches == 16) sink_.expect_transactions(records_left(*open.reader, report.records));
                            }
                            break;
                        }
                        case Table::referrals:
                            referral(open, columns, fields, list, item, scratch);
                            ++rows;
                            break;
                        case Table::customers: break;
                    }
                }
                return rows;
            },
            flush);
    }

    // The text of catena column `spec` for this record: the list item when it is the list.
    std::string_view value_of(const std::vector<std::string_view>& fields, const ValueSpec* spec, const ValueSpec* list,
                              std::string_view item, std::string& scratch) const {
        if (!spec) return {};
        if (spec == list) return item;
        return text(*spec, fields, scratch);
    }

    // The customer id a reference column names, kept in `slot` when it was built in scratch.
    std::string_view reference(const std::vector<std::string_view>& fields, const ValueSpec* spec,
                               const ValueSpec* list, std::string_view item, std::string& scratch, std::string& slot) {
        if (!spec) return {};
        const bool from_scratch = spec == list ? built(list) : built(spec);
        const std::string_view raw = spec == list ? item : text(*spec, fields, scratch);
        return keep(resolve(*spec, raw), from_scratch && spec->key.empty(), slot);
    }

    RelationshipRow relationship(const Open& open, const RowColumns& columns, const std::vector<std::string_view>& fields,
                                 const ValueSpec* list, std::string_view item, std::string& scratch,
                                 std::string* slots) {
        RelationshipRow row;
        row.source = reference(fields, columns.source, list, item, scratch, slots[0]);
        row.target = reference(fields, columns.target, list, item, scratch, slots[1]);
        if (const ValueSpec* type = columns.type) {
            if (!type->reversed.empty()) {
                const std::string_view label_text = type == list ? item : raw_text(*type, fields, scratch);
                if (type->reversed.contains(fold(label_text))) std::swap(row.source, row.target);
            }
            if (type == list) {
                const auto mapped = type->map.empty() ? type->map.end() : type->map.find(fold(item));
                row.type = mapped != type->map.end() ? std::string_view(mapped->second) : keep(item, built(list), slots[2]);
            } else {
                row.type = keep(text(*type, fields, scratch), built(type), slots[2]);
            }
        }
        if (const ValueSpec* weight = columns.weight)
            row.weight = number(open, *weight, text(*weight, fields, scratch)).value_or(1.0);
        if (const ValueSpec* probability = columns.probability)
            row.probability = number(open, *probability, text(*probability, fields, scratch));
        if (const ValueSpec* date_spec = columns.date) row.date = date(open.spec, *date_spec, text(*date_spec, fields, scratch));
        if (const ValueSpec* directed = columns.directed) row.directed = boolean(*directed, text(*directed, fields, scratch));
        return row;
    }

    void deliver(const RelationshipRow& row) {
        try {
            sink_.relationship(row);
        } catch (const RowError& error) {
            if (error.column() != "type") throw;
            throw RowError("type", std::string(error.what()) +
                                       "; or map the file's label to a type: type = { column = \"...\", map = { \"" +
                                       std::string(row.type.substr(0, 40)) + "\" = \"friend\" } }");
        }
    }

    void referral(const Open& open, const RowColumns& columns, const std::vector<std::string_view>& fields,
                  const ValueSpec* list, std::string_view item, std::string& scratch) {
        ReferralRow row;
        std::string referrer, referred;  // used when a template builds the id
        row.referrer = reference(fields, columns.referrer, list, item, scratch, referrer);
        row.referred = reference(fields, columns.referred, list, item, scratch, referred);
        if (const ValueSpec* date_spec = columns.date) row.date = date(open.spec, *date_spec, text(*date_spec, fields, scratch));
        if (const ValueSpec* converted = columns.converted)
            row.converted = boolean(*converted, text(*converted, fields, scratch)).value_or(true);
        if (const ValueSpec* reward = columns.reward)
            row.reward = number(open, *reward, text(*reward, fields, scratch)).value_or(0.0);
        sink_.referral(row);
    }

    TransactionRow transaction(const Open& open, const RowColumns& columns, const std::vector<std::string_view>& fields,
                               const ValueSpec* list, std::string_view item, std::string& scratch, std::string* slots) {
        TransactionRow row;
        row.customer = reference(fields, columns.customer, list, item, scratch, slots[0]);
        row.on_behalf_of = reference(fields, columns.on_behalf_of, list, item, scratch, slots[1]);
        const ValueSpec* date_spec = columns.date;
        const auto day = date(open.spec, *date_spec, text(*date_spec, fields, scratch));
        if (!day) throw RowError("date", "is empty (every transaction needs a date)");
        row.date = *day;
        const ValueSpec* amount_spec = columns.amount;
        auto amount = number(open, *amount_spec, text(*amount_spec, fields, scratch));
        if (!amount) throw RowError("amount", "is empty (every transaction needs an amount)");
        if (!amount_spec->currency.empty()) *amount *= rate(open, *amount_spec, fields[amount_spec->currency_index]);
        row.amount = *amount;
        const auto owned_value = [&](const ValueSpec* spec, std::string& slot) {
            return keep(value_of(fields, spec, list, item, scratch), spec == list ? built(list) : built(spec), slot);
        };
        row.channel = owned_value(columns.channel, slots[2]);
        row.order_id = owned_value(columns.order_id, slots[3]);
        return row;
    }

    // The factor that turns an amount in this row's currency into the base currency.
    double rate(const Open& open, const ValueSpec& spec, std::string_view code_text) {
        std::string code = fold(code_text);
        for (char& c : code) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        if (code.empty()) throw RowError(spec.currency, "no currency given for the amount");
        if (mapping_.base_currency.empty()) {
            // No rates: every row must be in one currency.
            const auto [seen, inserted] = currency_seen_.try_emplace(&spec, code, open.reader->where());
            if (!inserted && seen->second.first != code)
                throw InputError(open.reader->where(), spec.currency,
                                 "'" + code + "' but " + seen->second.second + " was in '" + seen->second.first +
                                     "': amounts in different currencies are never summed as one; give [currency] "
                                     "base and rates in " + mapping_.file);
            return 1.0;
        }
        if (code == mapping_.base_currency) return 1.0;
        const auto found = mapping_.rates.find(code);
        if (found == mapping_.rates.end())
            throw RowError(spec.currency, "no rate for currency '" + code + "' in " + mapping_.file + " [currency] rates");
        return found->second;
    }

    const Mapping& mapping_;
    std::filesystem::path dir_;
    DatasetSink& sink_;
    ReadReport& report_;
    BadRows bad_;
    std::vector<Open> sources_;
    std::unordered_map<std::string, std::unordered_map<std::string, std::string>> key_index_;
    std::unordered_map<std::string, std::string> aliases_;  // merged id -> the id it was merged into
    std::unordered_set<std::string> rejected_ids_;
    std::unordered_map<const ValueSpec*, std::pair<std::string, std::string>> symbols_;  // symbol, where first seen
    std::unordered_map<const ValueSpec*, std::pair<std::string, std::string>> currency_seen_;
};

}  // namespace

void read_mapped_input(const Mapping& mapping, const std::filesystem::path& data_dir, const LoadOptions& options,
                       DatasetSink& sink, ReadReport& report) {
    MappedReader(mapping, data_dir, options, sink, report).run();
}

}  // namespace catena
