// `catena mapping suggest`, reading the files: text helpers, sampling a file (header, delimiter,
// encoding, the first records), label and yes/no words, number styles and date patterns guessed
// from the sampled values.
#include <algorithm>
#include <array>
#include <cctype>
#include <fstream>
#include <sstream>

#include "suggest_internal.hpp"

namespace catena::suggest_detail {

// --- Text helpers -------------------------------------------------------------------------------

std::string lower(std::string_view text) {
    std::string out(text);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

std::string_view trim(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
    return text;
}

// A comment for a guess: "guess: ...", unless it is already a "check: ...".
std::string guessed(const std::string& note) {
    return note.rfind("check:", 0) == 0 ? note : "guess: " + note;
}

// A column name reduced to lower-case letters and digits: "Record ID", "record_id" and "RecordId"
// are all "recordid".
std::string norm(std::string_view name) {
    std::string out;
    for (const char c : name)
        if (std::isalnum(static_cast<unsigned char>(c)))
            out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

bool contains(std::string_view text, std::string_view part) {
    return text.find(part) != std::string_view::npos;
}

bool starts_with(std::string_view text, std::string_view part) {
    return text.substr(0, part.size()) == part;
}

bool ends_with(std::string_view text, std::string_view part) {
    return text.size() >= part.size() && text.substr(text.size() - part.size()) == part;
}

bool is_digits(std::string_view text) {
    return !text.empty() &&
           std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// A TOML basic string.
std::string quote(std::string_view text) {
    std::string out = "\"";
    for (const char c : text) {
        const auto u = static_cast<unsigned char>(c);
        if (c == '"')
            out += "\\\"";
        else if (c == '\\')
            out += "\\\\";
        else if (c == '\t')
            out += "\\t";
        else if (c == '\n')
            out += "\\n";
        else if (c == '\r')
            out += "\\r";
        else if (u < 0x20 || u == 0x7f) {
            static constexpr char kHex[] = "0123456789ABCDEF";
            out += "\\u00";
            out += kHex[u >> 4];
            out += kHex[u & 15];
        } else
            out += c;
    }
    return out + "\"";
}

// A TOML key: bare when it can be, else quoted.
std::string toml_key(std::string_view key) {
    const bool bare = !key.empty() && std::all_of(key.begin(), key.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
    });
    return bare ? std::string(key) : quote(key);
}

std::string toml_array(const std::vector<std::string>& items) {
    std::string out = "[";
    for (std::size_t i = 0; i < items.size(); ++i) out += (i ? ", " : "") + quote(items[i]);
    return out + "]";
}

std::string join(const std::vector<std::string>& items, std::string_view separator) {
    std::string out;
    for (std::size_t i = 0; i < items.size(); ++i)
        out += (i ? std::string(separator) : "") + items[i];
    return out;
}

// Up to `limit` distinct values, quoted, for comments.
std::string examples(const std::vector<std::string>& values, std::size_t limit) {
    std::vector<std::string> shown;
    for (const std::string& value : values) {
        if (std::find(shown.begin(), shown.end(), value) != shown.end()) continue;
        if (shown.size() == limit) {
            shown.push_back("...");
            break;
        }
        shown.push_back(value);
    }
    std::string out;
    for (std::size_t i = 0; i < shown.size(); ++i)
        out += (i ? ", " : "") + (shown[i] == "..." ? shown[i] : "\"" + shown[i] + "\"");
    return out;
}

bool valid_utf8(std::string_view text, bool allow_cut_tail) {
    std::size_t i = 0;
    while (i < text.size()) {
        const auto c = static_cast<unsigned char>(text[i]);
        std::size_t length = c < 0x80         ? 1
                             : (c >> 5) == 6  ? 2
                             : (c >> 4) == 14 ? 3
                             : (c >> 3) == 30 ? 4
                                              : 0;
        if (length == 0 || (length == 2 && c < 0xc2)) return false;
        if (i + length > text.size()) return allow_cut_tail;
        for (std::size_t k = 1; k < length; ++k)
            if ((static_cast<unsigned char>(text[i + k]) & 0xc0) != 0x80) return false;
        i += length;
    }
    return true;
}

// --- Sampling a file ----------------------------------------------------------------------------

FileSample sample_file(const fs::path& path) {
    FileSample sample;
    sample.file = path.filename().string();
    for (const char c : path.stem().string())
        if (std::isalpha(static_cast<unsigned char>(c)))
            sample.stem += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        sample.problem = "cannot be read";
        return sample;
    }
    std::string bytes(kSampleBytes, '\0');
    in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    bytes.resize(static_cast<std::size_t>(in.gcount()));
    const bool cut = in.gcount() == static_cast<std::streamsize>(kSampleBytes) && in.peek() != EOF;
    if (cut) {
        // Keep whole lines only (a quoted field cut in the middle ends the sample early).
        const auto last = bytes.find_last_of('\n');
        if (last != std::string::npos) bytes.resize(last + 1);
    }
    std::string_view body = bytes;
    if (starts_with(body, "\xEF\xBB\xBF")) body.remove_prefix(3);
    if (!valid_utf8(body, cut)) {
        // Bytes Windows-1252 leaves undefined mean plain Latin-1.
        const bool undefined_in_1252 = std::any_of(body.begin(), body.end(), [](char c) {
            const auto u = static_cast<unsigned char>(c);
            return u == 0x81 || u == 0x8d || u == 0x8f || u == 0x90 || u == 0x9d;
        });
        sample.encoding = undefined_in_1252 ? TextEncoding::latin1 : TextEncoding::windows1252;
    }
    try {
        std::string text = sample.encoding ? to_utf8(bytes, *sample.encoding, sample.file) : bytes;
        CsvOptions options;
        options.delimiter = 0;
        if (sample.encoding) options.encoding = TextEncoding::utf8;  // converted above
        CsvReader reader(sample.file, std::move(text), options);
        sample.delimiter = reader.delimiter();
        sample.header = reader.header();
        for (const std::string& name : sample.header) sample.names.push_back(norm(name));
        std::vector<std::string_view> fields;
        while (sample.rows.size() < kSampleRecords) {
            try {
                if (!reader.next(fields)) break;
            } catch (const BadRecord&) {
                continue;  // a record of the wrong width: the rest still tells something
            }
            std::vector<std::string> row;
            for (const std::string_view field : fields) row.emplace_back(trim(field));
            sample.rows.push_back(std::move(row));
        }
    } catch (const std::exception& error) {
        if (sample.header.empty()) sample.problem = error.what();
        // else: the sample ends where the reader stopped (e.g. a quoted field cut by the sample)
    }
    return sample;
}

std::vector<std::string> values_of(const FileSample& sample, std::size_t column) {
    std::vector<std::string> values;
    for (const auto& row : sample.rows)
        if (column < row.size() && !row[column].empty()) values.push_back(row[column]);
    return values;
}

bool has_empty(const FileSample& sample, std::size_t column) {
    return std::any_of(sample.rows.begin(), sample.rows.end(),
                       [&](const auto& row) { return column < row.size() && row[column].empty(); });
}

std::vector<std::string> distinct(const std::vector<std::string>& values) {
    std::vector<std::string> out;
    std::set<std::string> seen;
    for (const std::string& value : values)
        if (seen.insert(lower(value)).second) out.push_back(value);
    return out;
}

// --- The dictionary -----------------------------------------------------------------------------

// Columns that look like an opt-out but are not the one to use (one subscription type, fax).
bool narrow_opt_out(std::string_view name) {
    return starts_with(name, "optedoutofemail") || contains(name, "optedoutoffax") ||
           contains(name, "optoutfax") || starts_with(name, "unsubscribedfrom");
}

bool looks_like_opt_out(std::string_view name) {
    return contains(name, "optout") || contains(name, "optedout") ||
           contains(name, "unsubscribe") || contains(name, "donotcontact") ||
           contains(name, "donotemail") || contains(name, "donotcall");
}

namespace {

// A relationship label (norm()) and the catena type it is.
struct LabelType {
    std::string_view pattern, type;
};

// The labels catena knows, matched whole.
constexpr LabelType kLabelTypes[] = {
    {"referral", "referral"},
    {"family", "family"},
    {"friend", "friend"},
    {"coworker", "coworker"},
    {"professional", "professional"},
    {"investor", "investor"},
    {"onbehalf", "on_behalf"},
    {"supplier", "supplier"},
    {"intermediary", "intermediary"},
    {"partner", "partner"},
    {"knows", "knows"},
    {"influences", "influences"},
    {"spouse", "family"},
    {"husband", "family"},
    {"wife", "family"},
    {"familymember", "family"},
    {"parent", "family"},
    {"child", "family"},
    {"sibling", "family"},
    {"brother", "family"},
    {"sister", "family"},
    {"household", "family"},
    {"relative", "family"},
    {"mother", "family"},
    {"father", "family"},
    {"son", "family"},
    {"daughter", "family"},
    {"friends", "friend"},
    {"bestfriend", "friend"},
    {"acquaintance", "knows"},
    {"colleague", "coworker"},
    {"colleagues", "coworker"},
    {"manager", "coworker"},
    {"directreport", "coworker"},
    {"employee", "coworker"},
    {"reportsto", "coworker"},
    {"teammate", "coworker"},
    {"cowork", "coworker"},
    {"employer", "professional"},
    {"worksfor", "professional"},
    {"worksat", "professional"},
    {"advisor", "professional"},
    {"accountant", "professional"},
    {"lawyer", "professional"},
    {"referrer", "referral"},
    {"referredby", "referral"},
    {"referred", "referral"},
    {"invitedby", "referral"},
    {"inviter", "referral"},
    {"advocate", "referral"},
    {"customer", "supplier"},
    {"vendor", "supplier"},
    {"buyer", "supplier"},
    {"subcontractor", "supplier"},
    {"contractor", "supplier"},
    {"generalcontractor", "supplier"},
    {"distributor", "intermediary"},
    {"reseller", "intermediary"},
    {"varreseller", "intermediary"},
    {"manufacturer", "intermediary"},
    {"broker", "intermediary"},
    {"agent", "intermediary"},
    {"agency", "intermediary"},
    {"dealer", "intermediary"},
    {"wholesaler", "intermediary"},
    {"consultant", "partner"},
    {"client", "partner"},
    {"businesspartner", "partner"},
    {"systemintegrator", "partner"},
    {"technologypartner", "partner"},
    {"alliance", "partner"},
    {"developer", "partner"},
    {"advertiser", "partner"},
    {"shareholder", "investor"},
    {"lender", "investor"},
    {"boardmember", "investor"},
};

}  // namespace

// A relationship label -> catena type, or "" when not known.
std::string type_for_label(std::string_view label) {
    const std::string l = norm(label);
    for (const auto& [pattern, type] : kLabelTypes)
        if (l == pattern) return std::string(type);
    return "";
}

bool reversed_label(std::string_view label) {
    const std::string l = lower(trim(label));
    return ends_with(l, " by") || l == "reports to";
}

bool truthy_word(std::string_view value) {
    const std::string l = norm(value);
    static const std::set<std::string_view> kTrue = {"true",
                                                     "yes",
                                                     "y",
                                                     "1",
                                                     "x",
                                                     "converted",
                                                     "complete",
                                                     "completed",
                                                     "success",
                                                     "successful",
                                                     "approved",
                                                     "rewarded",
                                                     "paid",
                                                     "won",
                                                     "closedwon",
                                                     "qualified",
                                                     "signedup",
                                                     "purchased",
                                                     "unsubscribed",
                                                     "optedout",
                                                     "optout",
                                                     "donotcontact",
                                                     "on",
                                                     "checked"};
    return kTrue.count(l) != 0;
}

bool boolean_word(std::string_view value) {
    const std::string l = lower(trim(value));
    return l == "true" || l == "false" || l == "yes" || l == "no" || l == "1" || l == "0";
}

// --- Value styles -------------------------------------------------------------------------------

void add_number_style(NumberStyle& style, const std::vector<std::string>& values, char delimiter) {
    for (std::string value : values) {
        std::string symbols;
        for (const std::string_view symbol : {"$", "€", "£", "¥", "CHF", "EUR", "USD", "GBP"}) {
            const auto at = value.find(symbol);
            if (at != std::string::npos) {
                value.erase(at, symbol.size());
                if (!contains(style.symbols, symbol))
                    style.symbols += (style.symbols.empty() ? "" : " ") + std::string(symbol);
            }
        }
        value = std::string(trim(value));
        if (!value.empty() && (value[0] == '-' || value[0] == '+')) value.erase(0, 1);
        if (value.empty() || !std::isdigit(static_cast<unsigned char>(value[0]))) continue;
        style.known = true;
        const auto comma = value.rfind(','), dot = value.rfind('.');
        if (comma != std::string::npos && dot != std::string::npos) {
            // Both: the last one is the decimal separator.
            if (comma > dot)
                style.decimal = ',', style.thousands = '.';
            else
                style.decimal = '.', style.thousands = ',';
        } else if (comma != std::string::npos) {
            const std::size_t after = value.size() - comma - 1;
            if (after == 3 && delimiter != ';')
                style.thousands = ',';  // 1,234
            else
                style.decimal = ',';  // 12,50
        } else if (dot != std::string::npos) {
            const std::size_t after = value.size() - dot - 1;
            if (after == 3 && value.find('.') != dot)
                style.decimal = ',', style.thousands = '.';  // 1.234.567
        }
    }
}

// A strptime-style pattern for a date text, or "" for ISO (catena's default), or nothing when the
// text is no date catena knows. `day_first`: -1 unknown, 0 month first, 1 day first.
std::optional<std::string> time_pattern(std::string_view rest) {
    rest = trim(rest);
    if (rest.empty()) return "";
    // HH:MM[:SS][ AM|PM]
    std::size_t i = 0;
    auto digits = [&](std::size_t max) {
        std::size_t n = 0;
        while (i < rest.size() && n < max && std::isdigit(static_cast<unsigned char>(rest[i])))
            ++i, ++n;
        return n;
    };
    if (digits(2) == 0 || i >= rest.size() || rest[i] != ':') return std::nullopt;
    ++i;
    if (digits(2) != 2) return std::nullopt;
    bool seconds = false;
    if (i < rest.size() && rest[i] == ':') {
        ++i;
        if (digits(2) != 2) return std::nullopt;
        seconds = true;
    }
    const std::string tail = lower(trim(rest.substr(i)));
    const bool ampm = tail == "am" || tail == "pm";
    if (!tail.empty() && !ampm) return std::nullopt;
    std::string pattern = ampm ? " %I:%M" : " %H:%M";
    if (seconds) pattern += ":%S";
    if (ampm) pattern += " %p";
    return pattern;
}

namespace {

// One sampled date text: its separator, and its first two numbers unless the year comes first
// (then month and day).
struct ParsedDate {
    std::string separator;  // "iso", or the character between the numbers
    int a = 0, b = 0;
    bool year_first = false, short_year = false;
    std::string time;  // the pattern of the time after the date
    bool ok = false;
};

// A date text written d/m/y, m/d/y or y/m/d (any of / . -), with a time after it, or nothing.
std::optional<ParsedDate> parse_date_text(std::string_view text) {
    ParsedDate p;
    std::size_t i = 0;
    auto number = [&](std::size_t& length) {
        int n = 0;
        length = 0;
        while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])))
            n = n * 10 + (text[i++] - '0'), ++length;
        return n;
    };
    std::size_t l1 = 0, l2 = 0, l3 = 0;
    const int n1 = number(l1);
    if (l1 == 0 || i >= text.size() || (text[i] != '/' && text[i] != '.' && text[i] != '-'))
        return std::nullopt;
    const char separator = text[i++];
    const int n2 = number(l2);
    if (l2 == 0 || i >= text.size() || text[i] != separator) return std::nullopt;
    ++i;
    const int n3 = number(l3);
    const auto time = time_pattern(text.substr(i));
    if (l3 == 0 || !time) return std::nullopt;
    p.separator = std::string(1, separator);
    p.time = *time;
    p.ok = true;
    if (l1 == 4) {  // Y/m/d
        p.year_first = true;
        p.a = n2, p.b = n3;
    } else {
        if ((n1 > 12 && n2 > 12) || n1 > 31 || n2 > 31 || n1 == 0 || n2 == 0) return std::nullopt;
        p.a = n1, p.b = n2;
        p.short_year = l3 == 2;
    }
    return p;
}

}  // namespace

DateGuess guess_dates(const std::vector<std::string>& values) {
    DateGuess guess;
    // First pass: which of the first two numbers of a d/m/y-style date goes past 12.
    bool first_over_12 = false, second_over_12 = false, slash_or_dash = false;
    std::vector<ParsedDate> parsed;
    for (const std::string& value : values) {
        std::string_view text = trim(value);
        if (text.size() >= 10 && std::isdigit(static_cast<unsigned char>(text[0])) &&
            text[4] == '-' && text[7] == '-') {
            // ISO: catena's default reads it, a time after it included.
            guess.iso = true;
            ParsedDate p;
            p.ok = true;
            p.year_first = true;
            p.separator = "iso";
            parsed.push_back(p);
            continue;
        }
        const auto p = parse_date_text(text);
        if (!p) {
            guess.unknown.push_back(value);
            continue;
        }
        if (!p->year_first) {
            if (p->separator != ".") slash_or_dash = true;
            first_over_12 |= p->a > 12;
            second_over_12 |= p->b > 12;
        }
        parsed.push_back(*p);
    }
    // Dots are European (d.m.Y); slashes and dashes US (m/d/Y) unless a first number passes 12.
    const bool day_first_slash = first_over_12 && !second_over_12;
    guess.ambiguous_order = slash_or_dash && !first_over_12 && !second_over_12;
    for (const ParsedDate& p : parsed) {
        if (!p.ok || p.separator == "iso") continue;
        std::string pattern;
        const std::string s = p.separator;
        if (p.year_first)
            pattern = "%Y" + s + "%m" + s + "%d";
        else {
            const bool day_first = s == "." || day_first_slash;
            pattern = day_first ? "%d" + s + "%m" + s : "%m" + s + "%d" + s;
            pattern += p.short_year ? "%y" : "%Y";
        }
        pattern += p.time;
        if (std::find(guess.patterns.begin(), guess.patterns.end(), pattern) ==
            guess.patterns.end())
            guess.patterns.push_back(pattern);
    }
    return guess;
}

// --- The draft ----------------------------------------------------------------------------------

std::string singular(std::string word) {
    if (ends_with(word, "ies")) return word.substr(0, word.size() - 3) + "y";
    if (ends_with(word, "ses")) return word.substr(0, word.size() - 2);
    if (ends_with(word, "s") && !ends_with(word, "ss")) return word.substr(0, word.size() - 1);
    return word;
}

}  // namespace catena::suggest_detail
