// MappedReader's field values: numbers (separators, currency symbols), dates (the mapping's
// patterns, else ISO), true/false, normalised keys, customer references and currency rates.
#include <cctype>
#include <charconv>
#include <cmath>

#include "mapped_reader.hpp"

namespace catena::mapping_detail {

namespace {

// `text` without currency symbols, spaces and thousands separators, with '.' as the decimal point
// (and a '.' that is not the decimal point as ','); the last currency symbol seen in `symbol`.
std::string clean_number(std::string_view text, const SourceSpec& source, std::string& symbol) {
    std::string cleaned;
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
        if (byte == 0xC2 &&
            (text.substr(at, 2) == "\xC2\xA3" || text.substr(at, 2) == "\xC2\xA5")) {
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
    return cleaned;
}

}  // namespace

std::optional<double> MappedReader::number(const Open& open, const ValueSpec& spec,
                                           std::string_view text) {
    const SourceSpec& source = open.spec;
    text = fields::trim(text);
    if (text.empty()) return std::nullopt;
    // Plain numbers (digits, one sign, the decimal point) need no cleaning: most rows.
    if (source.decimal == '.' && text.find_first_not_of("0123456789.-") == std::string_view::npos) {
        double value = 0.0;
        const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
        if (error == std::errc() && end == text.data() + text.size() && std::isfinite(value))
            return value;
    }
    std::string symbol;
    const std::string cleaned = clean_number(text, source, symbol);
    if (!symbol.empty()) {
        auto seen = symbols_.find(&spec);
        if (seen == symbols_.end())
            seen = symbols_.try_emplace(&spec, symbol, open.reader->where()).first;
        if (seen->second.first != symbol)
            throw InputError(
                open.reader->where(), label(spec),
                "amount in '" + symbol + "' but " + seen->second.second + " was in '" +
                    seen->second.first +
                    "': amounts in different currencies are never summed as one; give a currency "
                    "column and [currency] rates in the mapping");
    }
    double value = 0.0;
    const char* begin = cleaned.data();
    if (!cleaned.empty() && cleaned.front() == '+') ++begin;
    const auto [end, error] = std::from_chars(begin, cleaned.data() + cleaned.size(), value);
    if (cleaned.empty() || error != std::errc() || end != cleaned.data() + cleaned.size() ||
        !std::isfinite(value)) {
        std::string hint;
        if (source.thousands == 0 &&
            text.find(source.decimal == '.' ? ',' : '.') != std::string_view::npos)
            hint = std::string(" (if '") + (source.decimal == '.' ? ',' : '.') +
                   "' separates thousands, say numbers = { thousands = \"" +
                   (source.decimal == '.' ? ',' : '.') + "\" } in the mapping)";
        throw RowError(spec.catena,
                       "not a number: '" + std::string(text.substr(0, 40)) + "'" + hint);
    }
    return value;
}

std::optional<Date> MappedReader::date(const SourceSpec& source, const ValueSpec& spec,
                                       std::string_view text) const {
    text = fields::trim(text);
    if (text.empty()) return std::nullopt;
    const std::vector<std::string>& patterns = !spec.dates.empty() ? spec.dates : source.dates;
    if (patterns.empty()) {
        if (auto parsed = parse_iso_date(text)) return parsed;
        throw RowError(spec.catena,
                       "not a date: '" + std::string(text.substr(0, 40)) +
                           "' (expected YYYY-MM-DD; give the file's format in the mapping: "
                           "dates = [\"%m/%d/%Y\"])");
    }
    for (const std::string& pattern : patterns)
        if (auto parsed = parse_date_with(pattern, text)) return parsed;
    std::string list;
    for (const std::string& pattern : patterns)
        list += (list.empty() ? "'" : ", '") + pattern + "'";
    throw RowError(spec.catena,
                   "not a date matching " + list + ": '" + std::string(text.substr(0, 40)) + "'");
}

std::optional<bool> MappedReader::boolean(const ValueSpec& spec, std::string_view text) const {
    try {
        return fields::boolean(text, "");
    } catch (const RowError&) {
        throw RowError(
            spec.catena,
            "not true or false: '" + std::string(text.substr(0, 40)) +
                "' (map the file's words to true/false with map = { \"Yes\" = true, ... })");
    }
}

std::string MappedReader::normalize_key(const std::string& key, std::string_view value) const {
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
std::string_view MappedReader::resolve(const ValueSpec& spec, std::string_view raw) {
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
        throw RowError(spec.catena,
                       "no customer has " + spec.key + " '" + std::string(raw.substr(0, 80)) + "'");
    return found->second;
}

// The factor that turns an amount in this row's currency into the base currency.
double MappedReader::rate(const Open& open, const ValueSpec& spec, std::string_view code_text) {
    std::string code = fold(code_text);
    for (char& c : code) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (code.empty()) throw RowError(spec.currency, "no currency given for the amount");
    if (mapping_.base_currency.empty()) {
        // No rates: every row must be in one currency.
        const auto [seen, inserted] = currency_seen_.try_emplace(&spec, code, open.reader->where());
        if (!inserted && seen->second.first != code)
            throw InputError(
                open.reader->where(), spec.currency,
                "'" + code + "' but " + seen->second.second + " was in '" + seen->second.first +
                    "': amounts in different currencies are never summed as one; give [currency] "
                    "base and rates in " +
                    mapping_.file);
        return 1.0;
    }
    if (code == mapping_.base_currency) return 1.0;
    const auto found = mapping_.rates.find(code);
    if (found == mapping_.rates.end())
        throw RowError(spec.currency, "no rate for currency '" + code + "' in " + mapping_.file +
                                          " [currency] rates");
    return found->second;
}

}  // namespace catena::mapping_detail
