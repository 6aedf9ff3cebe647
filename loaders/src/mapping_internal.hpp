// Private to loaders/src: the parsed form of a mapping file (see mapping.hpp for the format),
// shared by the parser (mapping_parse.cpp), catena's column table and date patterns
// (mapping_columns.cpp) and the reader that reads a data folder through a mapping (mapped_*.cpp).
#pragma once

#include <cctype>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "catena/loaders/csv_reader.hpp"
#include "catena/loaders/mapping.hpp"

#include "field_parse.hpp"

namespace catena {

namespace mapping_detail {

enum class Table { customers, relationships, referrals, transactions };
inline constexpr const char* kTableNames[] = {"customers", "relationships", "referrals",
                                              "transactions"};

enum class ColumnKind { id, reference, text, boolean, number, date, attribute };
struct CatenaColumn {
    const char* name;
    ColumnKind kind;
    bool required;
};

// catena's columns of `table`, in README order; and their names.
const std::vector<CatenaColumn>& catena_columns(Table table);
std::vector<std::string> catena_names(Table table);

// Trimmed and lower-cased (ASCII): how map keys, skip_if values and labels are compared.
inline std::string fold(std::string_view text) {
    text = fields::trim(text);
    std::string out(text);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

// Parses `text` with a strptime-style pattern: %Y %y %m %d %e %H %I %M %S %f %p %b %B %z %%;
// a space matches any run of spaces; anything else matches itself (letters in any case). The
// whole text must match. Returns the date (the time of day is checked and dropped).
std::optional<Date> parse_date_with(std::string_view pattern, std::string_view text);

// Why a pattern cannot parse a date, or "" when it can.
std::string check_date_pattern(std::string_view pattern);

struct TemplatePart {
    bool column = false;
    std::string text;       // literal text, or the column's name
    std::size_t index = 0;  // the column's position in the file, once opened
};

// Where one catena column's value comes from.
struct ValueSpec {
    enum class From { column, templated, constant } from = From::column;
    std::string column;                                // From::column
    std::vector<TemplatePart> parts;                   // From::templated
    std::string constant;                              // From::constant
    std::unordered_map<std::string, std::string> map;  // folded field -> value
    std::string key;   // references: the key looked up ("" = a customer id as stored)
    std::string list;  // the field holds a list separated by this
    std::unordered_set<std::string> reversed;   // type: folded labels read target -> source
    std::vector<std::string> dates;             // date patterns; empty: the source's, else ISO
    std::string currency;                       // amount: the column with each row's currency
    std::size_t index = 0, currency_index = 0;  // positions in the file, once opened
    std::string where;   // "crm.toml:12: customers.columns.opt_out" for errors
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
    std::vector<std::pair<std::string, std::unordered_set<std::string>>>
        skip_if;  // column -> folded values
    std::vector<std::size_t> skip_if_index;
    std::vector<std::string> ignore;
    std::vector<ValueSpec> columns;  // in the order written
    std::string where;               // "crm.toml:8: customers[1]"
};

}  // namespace mapping_detail

struct Mapping {
    std::string file;
    std::optional<BadRowPolicy> on_bad_row;
    std::map<std::string, mapping_detail::KeySpec> keys;
    std::string base_currency;
    std::map<std::string, double> rates;  // upper-case code -> base units per unit
    std::vector<mapping_detail::SourceSpec> sources;
};

}  // namespace catena
