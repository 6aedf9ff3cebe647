// Reading a mapping file: the TOML is parsed and checked (known tables, settings and catena
// columns, column specs, templates and value maps, date patterns) into a Mapping, every error
// naming the mapping's line.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <memory>

#include <toml++/toml.h>

#include "catena/graph/errors.hpp"
#include "catena/graph/spelling.hpp"

#include "column_names.hpp"
#include "mapping_internal.hpp"

namespace catena {

using namespace mapping_detail;

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
                    fail(node.source(),
                         "'" + name + "' must be blocks of [[" + name + "]], one per source file");
                for (const toml::node& source : *sources)
                    mapping.sources.push_back(parse_source(*table, source));
            } else {
                std::string hint;
                for (const char* known : kTableNames)
                    if (edit_distance(columns::normalize(name), known) <= 2)
                        hint = std::string(" (did you mean ") + known + "?)";
                fail(key.source(),
                     "unknown table '" + name + "'" + hint +
                         "; a mapping has [[customers]], [[relationships]], [[referrals]], "
                         "[[transactions]], [keys.NAME], [currency] and on_bad_row");
            }
        }
        bool customers = false;
        for (const SourceSpec& source : mapping.sources)
            customers |= source.table == Table::customers;
        if (!customers && !mapping.sources.empty())
            throw InputError(file_, "", "no [[customers]] source: every mapping needs one");
        if (mapping.sources.empty())
            throw InputError(file_, "", "the mapping names no source files");
        // Every key looked up must be given by a customers source.
        std::unordered_set<std::string> given;
        for (const SourceSpec& source : mapping.sources)
            for (const auto& [name, spec] : source.keys) given.insert(name);
        for (const SourceSpec& source : mapping.sources)
            for (const ValueSpec& column : source.columns)
                if (!column.key.empty() && !given.contains(column.key))
                    throw InputError(column.where + ": no [[customers]] source gives the key '" +
                                     column.key + "' (add keys = { " + column.key +
                                     " = \"COLUMN\" } to one)");
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
        if (const auto flag = node.value<bool>(); flag && node.is_boolean())
            return *flag ? "true" : "false";
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
            if (!table)
                fail(spec_node.source(), "keys." + std::string(name.str()) + " must be a table");
            KeySpec spec;
            spec.where = at(name.source(), "keys." + std::string(name.str()));
            for (auto&& [field, value] : *table) {
                if (field == "normalize") {
                    spec.trim = false;
                    for (const std::string& step : strings(value, "normalize")) {
                        if (step == "trim")
                            spec.trim = true;
                        else if (step == "lower")
                            spec.lower = true;
                        else if (step == "none") {
                        } else
                            fail(value.source(),
                                 "normalize steps are \"trim\", \"lower\" and \"none\", not '" +
                                     step + "'");
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
                if (!text || text->empty())
                    fail(value.source(), "currency.base must be a currency code such as \"EUR\"");
                mapping.base_currency = fold(*text);
                for (char& c : mapping.base_currency)
                    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
            } else if (field == "rates") {
                const toml::table* rates = value.as_table();
                if (!rates)
                    fail(value.source(), "currency.rates must be a table: { USD = 0.92, ... }");
                for (auto&& [code, rate] : *rates) {
                    const auto number = rate.value<double>();
                    if (!number || !std::isfinite(*number) || *number <= 0)
                        fail(rate.source(),
                             "the rate of " + std::string(code.str()) + " must be a number > 0");
                    std::string upper = fold(code.str());
                    for (char& c : upper)
                        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
                    mapping.rates[upper] = *number;
                }
            } else {
                fail(field.source(), "unknown setting '" + std::string(field.str()) +
                                         "' of [currency] (known: base, rates)");
            }
        }
        if (mapping.base_currency.empty()) fail(node.source(), "[currency] needs base = \"CODE\"");
    }

    ValueSpec parse_value(const toml::node& node, const std::string& path,
                          const CatenaColumn& column) const {
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
                if (fields::trim(text).empty())
                    fail(node.source(), path + ": the column name is empty");
            }
        };
        if (node.is_string()) {
            set_text(*node.value<std::string>());
            return spec;
        }
        const toml::table* table = node.as_table();
        if (!table)
            fail(node.source(), path +
                                    " must be a column name, a template \"{A} {B}\" or a table { "
                                    "column = ..., ... }");
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
                if (!map)
                    fail(value.source(), path + ".map must be a table { \"Label\" = value, ... }");
                if (column.kind == ColumnKind::number || column.kind == ColumnKind::date ||
                    column.kind == ColumnKind::reference || column.kind == ColumnKind::id)
                    fail(value.source(),
                         path +
                             ": a value map goes on a text column (kind, segment, opt_out, "
                             "converted, type, directed, channel or an attribute), not on '" +
                             std::string(column.name) + "', which is " +
                             (column.kind == ColumnKind::number ? "a number"
                              : column.kind == ColumnKind::date ? "a date"
                                                                : "a customer id"));
                for (auto&& [label, to] : *map)
                    spec.map[fold(label.str())] = text_of(to, path + ".map");
            } else if (name == "key") {
                if (column.kind != ColumnKind::reference)
                    fail(value.source(),
                         path +
                             ": key goes on a customer reference (source, target, referrer, "
                             "referred, customer, on_behalf_of)");
                spec.key = text_of(value, path + ".key");
            } else if (name == "list") {
                spec.list = text_of(value, path + ".list");
                if (spec.list.empty())
                    fail(value.source(), path + ".list must be a separator such as \";\"");
            } else if (name == "reversed") {
                if (std::string_view(column.name) != "type")
                    fail(value.source(), path + ": reversed goes on the type column only");
                for (const std::string& label : strings(value, path + ".reversed"))
                    spec.reversed.insert(fold(label));
            } else if (name == "dates") {
                if (column.kind != ColumnKind::date)
                    fail(value.source(), path + ": dates goes on a date column");
                spec.dates = date_patterns(value, path + ".dates");
            } else if (name == "currency") {
                if (std::string_view(column.name) != "amount")
                    fail(value.source(), path + ": currency goes on the amount column only");
                spec.currency = text_of(value, path + ".currency");
            } else {
                fail(field.source(), "unknown setting '" + name + "' of " + path +
                                         " (known: column, template, value, map, key, list, "
                                         "reversed, dates, currency)");
            }
        }
        if (sources != 1)
            fail(node.source(), path + " needs exactly one of column, template and value");
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
            if (close == std::string::npos)
                fail(node.source(), "template '" + text + "' has a '{' without '}'");
            const std::string column = text.substr(open + 1, close - open - 1);
            if (fields::trim(column).empty())
                fail(node.source(), "template '" + text + "' has an empty {}");
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
            if (name == "columns") {
                columns_table = value.as_table();
                if (!columns_table) fail(value.source(), table_name + ".columns must be a table");
            } else {
                parse_source_setting(field, value, table_name, source);
            }
        }
        if (source.file.empty())
            fail(node.source(), "a [[" + table_name + "]] source needs file = \"NAME.csv\"");
        if (!columns_table)
            fail(node.source(),
                 "a [[" + table_name + "]] source needs a [" + table_name + ".columns] table");
        parse_columns(*columns_table, table_name, source);
        check_columns(*columns_table, table_name, source);
        return source;
    }

    // One setting of a source block other than its columns.
    void parse_source_setting(const toml::key& field, const toml::node& value,
                              const std::string& table_name, SourceSpec& source) const {
        const std::string name(field.str());
        const std::string path = table_name + "." + name;
        const Table table = source.table;
        if (name == "file") {
            source.file = text_of(value, path);
        } else if (name == "delimiter") {
            const std::string text = text_of(value, path);
            if (text == "," || text == ";" || text == "|")
                source.delimiter = text[0];
            else if (text == "tab" || text == "\t")
                source.delimiter = '\t';
            else
                fail(value.source(), "delimiter must be \",\", \";\", \"tab\" or \"|\"");
        } else if (name == "encoding") {
            const auto encoding = parse_text_encoding(text_of(value, path));
            if (!encoding)
                fail(value.source(), "encoding must be \"utf-8\", \"latin-1\" or \"windows-1252\"");
            source.encoding = *encoding;
        } else if (name == "id_prefix") {
            if (table != Table::customers)
                fail(value.source(), "id_prefix goes on a [[customers]] source");
            source.id_prefix = text_of(value, path);
        } else if (name == "keys") {
            if (table != Table::customers)
                fail(value.source(), "keys go on a [[customers]] source");
            parse_source_keys(value, path, source);
        } else if (name == "dates") {
            source.dates = date_patterns(value, path);
        } else if (name == "numbers") {
            parse_numbers(value, path, source);
        } else if (name == "skip_if") {
            parse_skip_if(value, source);
        } else if (name == "ignore") {
            source.ignore = strings(value, path);
        } else {
            fail(field.source(),
                 "unknown setting '" + name + "' of a [[" + table_name +
                     "]] source (known: file, delimiter, encoding, id_prefix, keys, dates, "
                     "numbers, skip_if, ignore, columns)");
        }
    }

    // keys = { email = "Email", ... }: the columns holding a customers source's keys.
    void parse_source_keys(const toml::node& value, const std::string& path,
                           SourceSpec& source) const {
        const toml::table* keys = value.as_table();
        if (!keys) fail(value.source(), "keys must be a table: keys = { email = \"Email\" }");
        for (auto&& [key, column] : *keys) {
            const CatenaColumn as_text{"key", ColumnKind::text, false};
            ValueSpec spec = parse_value(column, path + "." + std::string(key.str()), as_text);
            if (spec.from == ValueSpec::From::constant)
                fail(column.source(), "a key comes from a column");
            source.keys.emplace_back(std::string(key.str()), std::move(spec));
        }
    }

    // numbers = { decimal = ",", thousands = "." }
    void parse_numbers(const toml::node& value, const std::string& path, SourceSpec& source) const {
        const toml::table* numbers = value.as_table();
        if (!numbers)
            fail(value.source(), "numbers must be a table: { decimal = \",\", thousands = \".\" }");
        for (auto&& [setting, text_node] : *numbers) {
            const std::string text = text_of(text_node, path + "." + std::string(setting.str()));
            if (setting == "decimal") {
                if (text != "." && text != ",")
                    fail(text_node.source(), "numbers.decimal must be \".\" or \",\"");
                source.decimal = text[0];
            } else if (setting == "thousands") {
                if (text != "," && text != "." && text != " " && text != "'" && !text.empty())
                    fail(text_node.source(),
                         "numbers.thousands must be \",\", \".\", \" \", \"'\" or \"\"");
                source.thousands = text.empty() ? 0 : text[0];
            } else {
                fail(setting.source(), "unknown setting '" + std::string(setting.str()) +
                                           "' of numbers (known: decimal, thousands)");
            }
        }
        if (source.decimal == source.thousands)
            fail(value.source(), "numbers: the decimal and thousands separators must differ");
    }

    // skip_if = { "Column" = ["value", ...] }
    void parse_skip_if(const toml::node& value, SourceSpec& source) const {
        const toml::table* filters = value.as_table();
        if (!filters)
            fail(value.source(), "skip_if must be a table: { \"Column\" = [\"value\", ...] }");
        for (auto&& [column, values] : *filters) {
            std::unordered_set<std::string> folded;
            for (const std::string& text : strings(values, "skip_if")) folded.insert(fold(text));
            source.skip_if.emplace_back(std::string(column.str()), std::move(folded));
        }
    }

    // [TABLE.columns]: catena column (or, for customers, attribute) = its spec.
    void parse_columns(const toml::table& columns_table, const std::string& table_name,
                       SourceSpec& source) const {
        const Table table = source.table;
        const std::vector<std::string> known = catena_names(table);
        for (auto&& [field, value] : columns_table) {
            const std::string name(field.str());
            const std::string path = table_name + ".columns." + name;
            const auto& columns = catena_columns(table);
            const auto found =
                std::find_if(columns.begin(), columns.end(),
                             [&](const CatenaColumn& column) { return name == column.name; });
            CatenaColumn column{"", ColumnKind::attribute, false};
            if (found != columns.end()) {
                column = *found;
            } else {
                const auto like = columns::looks_like(name, known, /*words=*/false);
                if (table != Table::customers || like)
                    fail(field.source(), table_name + ".columns: unknown catena column '" + name +
                                             "'" + (like ? " (did you mean " + *like + "?)" : "") +
                                             (table == Table::customers
                                                  ? ""
                                                  : "; " + table_name + " has " + join(known)));
                column.name = nullptr;  // an attribute: named below
            }
            ValueSpec spec = parse_value(
                value, path,
                column.name ? column : CatenaColumn{"attribute", ColumnKind::attribute, false});
            spec.catena = name;
            if (!spec.list.empty() && column.kind != ColumnKind::reference && name != "type")
                fail(value.source(), path +
                                         ": list goes on a customer reference (e.g. target) or on "
                                         "type (several labels)");
            source.columns.push_back(std::move(spec));
        }
    }

    // At most one list column; every required catena column given.
    void check_columns(const toml::table& columns_table, const std::string& table_name,
                       const SourceSpec& source) const {
        int lists = 0;
        for (const ValueSpec& spec : source.columns) lists += !spec.list.empty();
        if (lists > 1)
            fail(columns_table.source(),
                 table_name + ".columns: only one column of a source may be a list");
        for (const CatenaColumn& column : catena_columns(source.table)) {
            if (!column.required) continue;
            const bool given =
                std::any_of(source.columns.begin(), source.columns.end(),
                            [&](const ValueSpec& spec) { return spec.catena == column.name; });
            if (!given)
                fail(columns_table.source(),
                     table_name + ".columns needs " + column.name + " (from " + source.file + ")");
        }
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
    if (!std::filesystem::is_regular_file(path, error))
        throw InputError(file, "", "no such mapping file");
    toml::table root;
    try {
        root = toml::parse_file(file);
    } catch (const toml::parse_error& parse) {
        throw InputError(file + ":" + std::to_string(parse.source().begin.line),
                         "column " + std::to_string(parse.source().begin.column),
                         std::string(parse.description()));
    }
    auto mapping = std::make_shared<Mapping>(MappingParser(file).parse(root));
    return mapping;
}

std::optional<BadRowPolicy> mapping_bad_row_policy(const Mapping& mapping) {
    return mapping.on_bad_row;
}

}  // namespace catena
