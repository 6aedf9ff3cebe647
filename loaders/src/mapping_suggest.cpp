// `catena mapping suggest DIR`: a draft mapping file for the CSV files of a folder.
//
// Each file is sampled (its header and up to a few thousand records from its first megabyte):
// the delimiter comes from the header as the CSV reader detects it, the encoding from whether the
// bytes are UTF-8. Which table a file feeds and which source column feeds each catena column are
// guessed from a dictionary of column names that CRM systems, shops and referral tools write
// (HubSpot, Salesforce, Shopify, referral programmes) and catena's own names; the sampled values
// refine the guesses: date patterns (ISO, US m/d/Y, European d.m.Y, with their times), number
// styles (currency symbols, thousands separators, a decimal comma), yes/no and status words,
// lists in one cell, relationship labels. Every guess is written with a `# guess:` comment saying
// why and what to check; unused columns go to `ignore`; a file that fits no table is listed,
// commented out. The result is TOML in the syntax of mapping.hpp.
#include <algorithm>
#include <array>
#include <cctype>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "catena/graph/errors.hpp"
#include "catena/loaders/csv_reader.hpp"
#include "catena/loaders/mapping.hpp"

namespace catena {

namespace {

namespace fs = std::filesystem;

constexpr std::size_t kSampleBytes = 1 << 20;  // read at most this much of each file
constexpr std::size_t kSampleRecords = 5000;

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
std::string guessed(const std::string& note) { return note.rfind("check:", 0) == 0 ? note : "guess: " + note; }

// A column name reduced to lower-case letters and digits: "Record ID", "record_id" and "RecordId"
// are all "recordid".
std::string norm(std::string_view name) {
    std::string out;
    for (const char c : name)
        if (std::isalnum(static_cast<unsigned char>(c))) out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

bool contains(std::string_view text, std::string_view part) { return text.find(part) != std::string_view::npos; }
bool starts_with(std::string_view text, std::string_view part) { return text.substr(0, part.size()) == part; }
bool ends_with(std::string_view text, std::string_view part) {
    return text.size() >= part.size() && text.substr(text.size() - part.size()) == part;
}

bool is_digits(std::string_view text) {
    return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// A TOML basic string.
std::string quote(std::string_view text) {
    std::string out = "\"";
    for (const char c : text) {
        const auto u = static_cast<unsigned char>(c);
        if (c == '"') out += "\\\"";
        else if (c == '\\') out += "\\\\";
        else if (c == '\t') out += "\\t";
        else if (c == '\n') out += "\\n";
        else if (c == '\r') out += "\\r";
        else if (u < 0x20 || u == 0x7f) {
            static constexpr char kHex[] = "0123456789ABCDEF";
            out += "\\u00";
            out += kHex[u >> 4];
            out += kHex[u & 15];
        } else out += c;
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
    for (std::size_t i = 0; i < items.size(); ++i) out += (i ? std::string(separator) : "") + items[i];
    return out;
}

// Up to `limit` distinct values, quoted, for comments.
std::string examples(const std::vector<std::string>& values, std::size_t limit = 4) {
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
        std::size_t length = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
        if (length == 0 || (length == 2 && c < 0xc2)) return false;
        if (i + length > text.size()) return allow_cut_tail;
        for (std::size_t k = 1; k < length; ++k)
            if ((static_cast<unsigned char>(text[i + k]) & 0xc0) != 0x80) return false;
        i += length;
    }
    return true;
}

// --- Sampling a file ----------------------------------------------------------------------------

struct FileSample {
    std::string file;  // name in the folder
    std::string stem;  // lower-case letters of the name without extension ("contacts")
    char delimiter = ',';
    std::optional<TextEncoding> encoding;  // set when the file is not UTF-8
    std::vector<std::string> header;
    std::vector<std::string> names;  // norm() of each header name
    std::vector<std::vector<std::string>> rows;
    std::string problem;  // why the file could not be read, if it could not
};

FileSample sample_file(const fs::path& path) {
    FileSample sample;
    sample.file = path.filename().string();
    for (const char c : path.stem().string())
        if (std::isalpha(static_cast<unsigned char>(c))) sample.stem += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
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
// Normalised column names (norm()), best first.

using Names = std::vector<std::string_view>;

const Names kIdNames = {"id", "customerid", "recordid", "contactid", "companyid", "accountid", "hubspotid",
                        "vid", "objectid", "externalid", "clientid", "leadid"};
const Names kNameNames = {"name", "label", "fullname", "displayname", "companyname", "accountname",
                          "contactname", "organizationname", "organisationname", "businessname", "company"};
const Names kFirstNames = {"firstname", "first", "givenname", "forename"};
const Names kLastNames = {"lastname", "last", "surname", "familyname"};
const Names kSegmentNames = {"segment", "lifecyclestage", "customersegment", "segmentname", "type", "accounttype",
                             "customertype", "leadsource", "leadstatus", "tier", "category", "persona"};
const Names kValueNames = {"value", "totalrevenue", "lifetimevalue", "customerlifetimevalue", "ltv", "clv",
                           "revenue", "totalspent", "amountspent", "annualrevenue"};
const Names kCostNames = {"cost", "acquisitioncost", "cac", "recruitmentcost", "rewardcost"};
const Names kOptOutNames = {"optout", "optedout", "unsubscribedfromallemail", "hasoptedoutofemail",
                            "donotcontact", "emailoptout", "donotemail", "globalunsubscribe", "optedoutofallemail",
                            "unsubscribed", "emailunsubscribed", "donotcall"};
const Names kEmailNames = {"email", "emailaddress", "email1", "primaryemail", "mail", "customeremail", "contactemail"};

const Names kSourceNames = {"source", "sourceid", "from", "fromid"};
const Names kTargetNames = {"target", "targetid", "to", "toid"};
const Names kTypeNames = {"type", "associationlabel", "label", "role", "relationship", "relationshiptype",
                          "associationtype", "relation", "relationshiplabel", "associationlabels"};
const Names kWeightNames = {"weight", "strength"};
const Names kProbabilityNames = {"probability"};
const Names kDirectedNames = {"directed"};
const Names kRelationshipDateNames = {"date", "since", "startdate", "relationshipdate", "createddate", "createdate",
                                      "createdat", "created"};

const Names kReferrerNames = {"referrer", "referreremail", "referrerid", "referrercustomerid", "referredby",
                              "referredbyemail", "advocate", "advocateemail", "inviter", "inviteremail",
                              "referringcustomer", "referringcustomeremail", "sender", "senderemail"};
const Names kReferredNames = {"referred", "referredemail", "referredid", "referredcustomerid", "referee",
                              "refereeemail", "invitee", "inviteeemail", "friendemail", "referredcustomer",
                              "newcustomeremail", "recipient", "recipientemail"};
const Names kReferralDateNames = {"date", "referraldate", "createdat", "invitedat", "sentat", "referredat",
                                  "dateinvited", "created", "createddate", "createdate"};
const Names kConvertedNames = {"converted", "status", "referralstatus", "outcome", "state", "isconverted", "result"};
const Names kRewardNames = {"reward", "rewardamount", "payout", "bonus", "commission", "referralreward", "rewardvalue"};

const Names kCustomerRefNames = {"customer", "customerid", "customeremail", "email", "emailaddress", "accountid",
                                 "contactid", "buyer", "buyeremail", "clientid", "userid", "purchaser"};
const Names kTransactionDateNames = {"date", "createdat", "orderdate", "closedate", "transactiondate", "purchasedate",
                                     "processedat", "paidat", "created", "invoicedate", "createddate"};
const Names kAmountNames = {"amount", "total", "ordertotal", "totalprice", "totalamount", "grandtotal",
                            "transactionamount", "orderamount", "netamount", "revenue", "value"};
const Names kCurrencyNames = {"currency", "currencycode", "currencyisocode", "presentmentcurrency"};
const Names kChannelNames = {"channel", "source", "saleschannel", "sourcename", "orderchannel", "leadsource"};
const Names kOnBehalfNames = {"onbehalfof", "onbehalf", "beneficiary", "giftrecipient"};
const Names kOrderIdNames = {"orderid", "ordernumber", "orderno", "order", "transactionid", "invoiceid",
                             "invoicenumber", "opportunityid", "id", "name"};

// Columns that look like an opt-out but are not the one to use (one subscription type, fax).
bool narrow_opt_out(std::string_view name) {
    return starts_with(name, "optedoutofemail") || contains(name, "optedoutoffax") ||
           contains(name, "optoutfax") || starts_with(name, "unsubscribedfrom");
}

bool looks_like_opt_out(std::string_view name) {
    return contains(name, "optout") || contains(name, "optedout") || contains(name, "unsubscribe") ||
           contains(name, "donotcontact") || contains(name, "donotemail") || contains(name, "donotcall");
}

// Standard Salesforce opportunity stages, in the order of the sales process.
const std::vector<std::string> kSalesforceStages = {
    "Prospecting", "Qualification", "Needs Analysis", "Value Proposition", "Id. Decision Makers",
    "Perception Analysis", "Proposal/Price Quote", "Negotiation/Review", "Closed Lost"};

// A relationship label -> catena type, or "" when not known.
std::string type_for_label(std::string_view label) {
    const std::string l = norm(label);
    static const std::vector<std::pair<std::string_view, std::string_view>> kExact = {
        {"referral", "referral"}, {"family", "family"}, {"friend", "friend"}, {"coworker", "coworker"},
        {"professional", "professional"}, {"investor", "investor"}, {"onbehalf", "on_behalf"},
        {"supplier", "supplier"}, {"intermediary", "intermediary"}, {"partner", "partner"}, {"knows", "knows"},
        {"influences", "influences"},
        {"spouse", "family"}, {"husband", "family"}, {"wife", "family"}, {"familymember", "family"},
        {"parent", "family"}, {"child", "family"}, {"sibling", "family"}, {"brother", "family"},
        {"sister", "family"}, {"household", "family"}, {"relative", "family"}, {"mother", "family"},
        {"father", "family"}, {"son", "family"}, {"daughter", "family"},
        {"friends", "friend"}, {"bestfriend", "friend"}, {"acquaintance", "knows"},
        {"colleague", "coworker"}, {"colleagues", "coworker"}, {"manager", "coworker"},
        {"directreport", "coworker"}, {"employee", "coworker"}, {"reportsto", "coworker"},
        {"teammate", "coworker"}, {"cowork", "coworker"},
        {"employer", "professional"}, {"worksfor", "professional"}, {"worksat", "professional"},
        {"advisor", "professional"}, {"accountant", "professional"}, {"lawyer", "professional"},
        {"referrer", "referral"}, {"referredby", "referral"}, {"referred", "referral"}, {"invitedby", "referral"},
        {"inviter", "referral"}, {"advocate", "referral"},
        {"customer", "supplier"}, {"vendor", "supplier"}, {"buyer", "supplier"}, {"subcontractor", "supplier"},
        {"contractor", "supplier"}, {"generalcontractor", "supplier"},
        {"distributor", "intermediary"}, {"reseller", "intermediary"}, {"varreseller", "intermediary"},
        {"manufacturer", "intermediary"}, {"broker", "intermediary"}, {"agent", "intermediary"},
        {"agency", "intermediary"}, {"dealer", "intermediary"}, {"wholesaler", "intermediary"},
        {"consultant", "partner"}, {"client", "partner"}, {"businesspartner", "partner"},
        {"systemintegrator", "partner"}, {"technologypartner", "partner"}, {"alliance", "partner"},
        {"developer", "partner"}, {"advertiser", "partner"},
        {"shareholder", "investor"}, {"lender", "investor"}, {"boardmember", "investor"},
    };
    for (const auto& [name, type] : kExact)
        if (l == name) return std::string(type);
    return "";
}

bool reversed_label(std::string_view label) {
    const std::string l = lower(trim(label));
    return ends_with(l, " by") || l == "reports to";
}

bool truthy_word(std::string_view value) {
    const std::string l = norm(value);
    static const std::set<std::string_view> kTrue = {
        "true", "yes", "y", "1", "x", "converted", "complete", "completed", "success", "successful", "approved",
        "rewarded", "paid", "won", "closedwon", "qualified", "signedup", "purchased", "unsubscribed", "optedout",
        "optout", "donotcontact", "on", "checked"};
    return kTrue.count(l) != 0;
}

bool boolean_word(std::string_view value) {
    const std::string l = lower(trim(value));
    return l == "true" || l == "false" || l == "yes" || l == "no" || l == "1" || l == "0";
}

// --- Value styles -------------------------------------------------------------------------------

struct NumberStyle {
    char decimal = '.';
    char thousands = 0;
    std::string symbols;  // currency symbols seen ("$", "€", ...)
    bool known = false;   // some value was seen
};

void add_number_style(NumberStyle& style, const std::vector<std::string>& values, char delimiter) {
    for (std::string value : values) {
        std::string symbols;
        for (const std::string_view symbol : {"$", "€", "£", "¥", "CHF", "EUR", "USD", "GBP"}) {
            const auto at = value.find(symbol);
            if (at != std::string::npos) {
                value.erase(at, symbol.size());
                if (!contains(style.symbols, symbol)) style.symbols += (style.symbols.empty() ? "" : " ") + std::string(symbol);
            }
        }
        value = std::string(trim(value));
        if (!value.empty() && (value[0] == '-' || value[0] == '+')) value.erase(0, 1);
        if (value.empty() || !std::isdigit(static_cast<unsigned char>(value[0]))) continue;
        style.known = true;
        const auto comma = value.rfind(','), dot = value.rfind('.');
        if (comma != std::string::npos && dot != std::string::npos) {
            // Both: the last one is the decimal separator.
            if (comma > dot) style.decimal = ',', style.thousands = '.';
            else style.decimal = '.', style.thousands = ',';
        } else if (comma != std::string::npos) {
            const std::size_t after = value.size() - comma - 1;
            if (after == 3 && delimiter != ';') style.thousands = ',';  // 1,234
            else style.decimal = ',';                                   // 12,50
        } else if (dot != std::string::npos) {
            const std::size_t after = value.size() - dot - 1;
            if (after == 3 && value.find('.') != dot) style.decimal = ',', style.thousands = '.';  // 1.234.567
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
        while (i < rest.size() && n < max && std::isdigit(static_cast<unsigned char>(rest[i]))) ++i, ++n;
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

struct DateGuess {
    std::vector<std::string> patterns;  // in the order first seen; "" not included (ISO)
    bool iso = false;
    bool ambiguous_order = false;  // every day and month <= 12: m/d or d/m cannot be told
    std::vector<std::string> unknown;  // values no pattern fits
};

DateGuess guess_dates(const std::vector<std::string>& values) {
    DateGuess guess;
    // First pass: which of the first two numbers of a d/m/y-style date goes past 12.
    bool first_over_12 = false, second_over_12 = false, slash_or_dash = false;
    struct Parsed {
        std::string separator;
        int a = 0, b = 0;
        bool year_first = false, short_year = false;
        std::string time;
        bool ok = false;
    };
    std::vector<Parsed> parsed;
    for (const std::string& value : values) {
        Parsed p;
        std::string_view text = trim(value);
        if (text.size() >= 10 && std::isdigit(static_cast<unsigned char>(text[0])) && text[4] == '-' && text[7] == '-') {
            // ISO: catena's default reads it, a time after it included.
            guess.iso = true;
            p.ok = true;
            p.year_first = true;
            p.separator = "iso";
            parsed.push_back(p);
            continue;
        }
        std::size_t i = 0;
        auto number = [&](std::size_t& length) {
            int n = 0;
            length = 0;
            while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) n = n * 10 + (text[i++] - '0'), ++length;
            return n;
        };
        std::size_t l1 = 0, l2 = 0, l3 = 0;
        const int n1 = number(l1);
        if (l1 == 0 || i >= text.size() || (text[i] != '/' && text[i] != '.' && text[i] != '-')) {
            guess.unknown.push_back(value);
            continue;
        }
        const char separator = text[i++];
        const int n2 = number(l2);
        if (l2 == 0 || i >= text.size() || text[i] != separator) {
            guess.unknown.push_back(value);
            continue;
        }
        ++i;
        const int n3 = number(l3);
        const auto time = time_pattern(text.substr(i));
        if (l3 == 0 || !time) {
            guess.unknown.push_back(value);
            continue;
        }
        p.separator = std::string(1, separator);
        p.time = *time;
        p.ok = true;
        if (l1 == 4) {  // Y/m/d
            p.year_first = true;
            p.a = n2, p.b = n3;
        } else {
            if ((n1 > 12 && n2 > 12) || n1 > 31 || n2 > 31 || n1 == 0 || n2 == 0) {
                guess.unknown.push_back(value);
                continue;
            }
            p.a = n1, p.b = n2;
            p.short_year = l3 == 2;
            if (separator != '.') slash_or_dash = true;
            first_over_12 |= n1 > 12;
            second_over_12 |= n2 > 12;
        }
        (void)n3;
        parsed.push_back(p);
    }
    // Dots are European (d.m.Y); slashes and dashes US (m/d/Y) unless a first number passes 12.
    const bool day_first_slash = first_over_12 && !second_over_12;
    guess.ambiguous_order = slash_or_dash && !first_over_12 && !second_over_12;
    for (const Parsed& p : parsed) {
        if (!p.ok || p.separator == "iso") continue;
        std::string pattern;
        const std::string s = p.separator;
        if (p.year_first) pattern = "%Y" + s + "%m" + s + "%d";
        else {
            const bool day_first = s == "." || day_first_slash;
            pattern = day_first ? "%d" + s + "%m" + s : "%m" + s + "%d" + s;
            pattern += p.short_year ? "%y" : "%Y";
        }
        pattern += p.time;
        if (std::find(guess.patterns.begin(), guess.patterns.end(), pattern) == guess.patterns.end())
            guess.patterns.push_back(pattern);
    }
    return guess;
}

// --- The draft ----------------------------------------------------------------------------------

struct Entry {
    std::string key, value, comment;
};

struct Block {
    std::string table;  // customers, relationships, referrals, transactions
    std::string file;
    std::string heading;  // why this file feeds this table
    std::vector<Entry> settings;
    std::vector<Entry> columns;
    std::vector<std::pair<std::string, std::string>> ignore;  // column, comment
    std::set<std::size_t> used;  // header indexes used by the block
    std::vector<std::string> dates;  // patterns of its date columns
    std::vector<std::string> date_notes;
    NumberStyle numbers;
    std::map<std::string, std::vector<std::string>> skip_if;  // column -> values, in header order
    std::vector<std::string> skip_order;
    std::vector<std::string> skip_notes;
};

enum class Table { customers, relationships, referrals, transactions, none };

struct CustomerFile {
    const FileSample* sample = nullptr;
    std::string entity;  // "contact", "company", "account", "customer"
    bool business = false;
    std::optional<std::size_t> id, email;
    bool prefix = false;
    bool id_key_used = false;
    bool own_format = false;
};

std::string singular(std::string word) {
    if (ends_with(word, "ies")) return word.substr(0, word.size() - 3) + "y";
    if (ends_with(word, "ses")) return word.substr(0, word.size() - 2);
    if (ends_with(word, "s") && !ends_with(word, "ss")) return word.substr(0, word.size() - 1);
    return word;
}

class Suggester {
public:
    explicit Suggester(std::vector<FileSample> samples) : samples_(std::move(samples)) {}
    std::string run(const fs::path& dir);

private:
    std::optional<std::size_t> find(const FileSample& s, const Names& names, const std::set<std::size_t>& used = {}) const {
        for (const std::string_view name : names)
            for (std::size_t i = 0; i < s.names.size(); ++i)
                if (s.names[i] == name && !used.count(i)) return i;
        return std::nullopt;
    }
    Table classify(const FileSample& s, std::string& why) const;
    std::optional<std::pair<std::size_t, std::size_t>> endpoints(const FileSample& s) const;

    // A customer reference column: its column spec (TOML), with a note for the comment.
    std::string reference(const FileSample& s, std::size_t column, std::string& note, const CustomerFile** to = nullptr);
    void date_column(Block& block, const FileSample& s, std::size_t column, const std::string& catena);
    void number_column(Block& block, const FileSample& s, std::size_t column);
    void add_deleted_filter(Block& block, const FileSample& s);
    void finish_ignore(Block& block, const FileSample& s, const std::map<std::size_t, std::string>& notes = {});

    void plan_customers(CustomerFile& customers);
    void plan_customer_links(CustomerFile& customers);
    void plan_relationships(const FileSample& s, const std::string& why);
    void plan_referrals(const FileSample& s, const std::string& why);
    void plan_transactions(const FileSample& s, const std::string& why);
    std::string render(const Block& block) const;

    std::vector<FileSample> samples_;
    std::vector<CustomerFile> customers_;
    std::vector<Block> blocks_;
    std::vector<Block> pending_links_;  // relationships blocks read from customers files
    std::vector<std::string> unplaced_;
    bool email_key_used_ = false;
    std::vector<std::string> email_users_;  // files naming customers by e-mail
    std::string currency_note_;
    std::string currency_base_;
    std::vector<std::string> other_currencies_;
};

// Two columns naming the two ends of a relationship.
std::optional<std::pair<std::size_t, std::size_t>> Suggester::endpoints(const FileSample& s) const {
    if (const auto source = find(s, kSourceNames))
        if (const auto target = find(s, kTargetNames)) return std::pair{*source, *target};
    // X and "associated X" / "related X" / "other X" (Contact ID, Associated Contact ID).
    for (std::size_t b = 0; b < s.names.size(); ++b)
        for (const std::string_view prefix : {"associated", "related", "other", "linked"}) {
            if (!starts_with(s.names[b], prefix)) continue;
            std::string rest = s.names[b].substr(prefix.size());
            for (std::size_t a = 0; a < s.names.size(); ++a) {
                if (a == b) continue;
                if (s.names[a] == rest || s.names[a] + "s" == rest || s.names[a] == rest + "s")
                    return std::pair{a, b};
            }
        }
    // XFromY and XToY (AccountFromId, AccountToId).
    for (std::size_t a = 0; a < s.names.size(); ++a) {
        const auto at = s.names[a].find("from");
        if (at == std::string::npos) continue;
        const std::string other = s.names[a].substr(0, at) + "to" + s.names[a].substr(at + 4);
        for (std::size_t b = 0; b < s.names.size(); ++b)
            if (b != a && s.names[b] == other) return std::pair{a, b};
    }
    return std::nullopt;
}

Table Suggester::classify(const FileSample& s, std::string& why) const {
    const auto referrer = find(s, kReferrerNames);
    const auto referred = referrer ? find(s, kReferredNames, {*referrer}) : std::nullopt;
    if (referrer && referred) {
        why = "columns " + quote(s.header[*referrer]) + " and " + quote(s.header[*referred]) + " name who referred whom";
        return Table::referrals;
    }
    const auto amount = find(s, kAmountNames);
    const auto customer = find(s, kCustomerRefNames);
    const auto tdate = find(s, kTransactionDateNames);
    if (amount && customer && tdate) {
        // A customers table with a `value` and an e-mail is not a purchase list: it needs an order
        // date or id, or a currency, besides the amount.
        const bool purchase = find(s, kOrderIdNames).has_value() || find(s, kCurrencyNames).has_value() ||
                              s.names[*amount] != "value" || s.names[*customer] == "customer";
        if (purchase) {
            why = "an amount (" + quote(s.header[*amount]) + "), a date (" + quote(s.header[*tdate]) +
                  ") and the customer (" + quote(s.header[*customer]) + ")";
            return Table::transactions;
        }
    }
    if (const auto ends = endpoints(s)) {
        why = "columns " + quote(s.header[ends->first]) + " and " + quote(s.header[ends->second]) + " name two customers";
        return Table::relationships;
    }
    const auto id = find(s, kIdNames);
    const auto email = find(s, kEmailNames);
    const bool named = find(s, kNameNames) || find(s, kFirstNames) || find(s, kLastNames);
    if ((id && (named || email || find(s, kSegmentNames) || find(s, kValueNames) || find(s, kOptOutNames))) ||
        (email && named)) {
        why = "one record per customer: " + std::string(id ? "an id (" + quote(s.header[*id]) + ")" : "an e-mail address") +
              (named ? " and a name" : "");
        return Table::customers;
    }
    return Table::none;
}

void Suggester::date_column(Block& block, const FileSample& s, std::size_t column, const std::string& catena) {
    const DateGuess guess = guess_dates(values_of(s, column));
    std::string note;
    for (const std::string& pattern : guess.patterns)
        if (std::find(block.dates.begin(), block.dates.end(), pattern) == block.dates.end()) block.dates.push_back(pattern);
    const auto values = values_of(s, column);
    if (values.empty()) note = "no values seen: check the date format";
    else if (!guess.unknown.empty())
        note = "values like " + examples(guess.unknown, 2) + " fit no pattern catena knows: give one in `dates`";
    else if (!guess.patterns.empty()) {
        note = "values like " + examples(values, 2) + ": pattern " + join(guess.patterns, ", ");
        if (guess.ambiguous_order) note += "; month and day both <= 12 in the rows seen: check m/d vs d/m";
    } else note = "ISO dates (" + examples(values, 1) + "): catena's default, the time is ignored";
    block.columns.push_back({catena, quote(s.header[column]), guessed(note)});
    block.used.insert(column);
}

void Suggester::number_column(Block& block, const FileSample& s, std::size_t column) {
    add_number_style(block.numbers, values_of(s, column), s.delimiter);
}

void Suggester::add_deleted_filter(Block& block, const FileSample& s) {
    for (std::size_t i = 0; i < s.names.size(); ++i)
        if (s.names[i] == "isdeleted" || s.names[i] == "deleted") {
            block.skip_if[s.header[i]] = {"true"};
            block.skip_order.push_back(s.header[i]);
            block.skip_notes.push_back(quote(s.header[i]) + ": records in the recycle bin (an \"Export All\")");
            block.used.insert(i);
        }
}

// Every header column the block does not use, into `ignore`.
void Suggester::finish_ignore(Block& block, const FileSample& s, const std::map<std::size_t, std::string>& notes) {
    for (std::size_t i = 0; i < s.header.size(); ++i) {
        if (block.used.count(i)) continue;
        std::string note;
        if (const auto it = notes.find(i); it != notes.end()) note = it->second;
        else if (block.table == "customers" && looks_like_opt_out(s.names[i]))
            note = "check: looks like an opt-out flag; map it as opt_out if it is the one that matters";
        block.ignore.emplace_back(s.header[i], note);
    }
}

std::string Suggester::reference(const FileSample& s, std::size_t column, std::string& note, const CustomerFile** to) {
    const std::string& name = s.names[column];
    const auto values = values_of(s, column);
    const bool email = contains(name, "email") || contains(name, "mail") ||
                       (!values.empty() && std::all_of(values.begin(), values.end(),
                                                       [](const std::string& v) { return contains(v, "@"); }));
    std::string spec = "{ column = " + quote(s.header[column]);
    if (email) {
        const bool have = std::any_of(customers_.begin(), customers_.end(), [](const CustomerFile& c) { return c.email.has_value(); });
        if (have) {
            spec += ", key = \"email\"";
            email_key_used_ = true;
            if (std::find(email_users_.begin(), email_users_.end(), s.file) == email_users_.end()) email_users_.push_back(s.file);
            note = "e-mail addresses, looked up by the email key";
        } else note = "check: e-mail addresses, but no customers file has an e-mail column to look them up by";
    } else {
        const CustomerFile* match = nullptr;
        for (const CustomerFile& c : customers_)
            if (contains(name, c.entity) || contains(name, c.sample->stem) ||
                (ends_with(c.entity, "y") && contains(name, c.entity.substr(0, c.entity.size() - 1) + "ies"))) {
                match = &c;
                break;
            }
        if (!match && customers_.size() == 1) {
            match = &customers_.front();
            note = "ids of " + match->sample->file;
        } else if (!match && !customers_.empty()) {
            // No entity in the name: the only customers file, or the first one of people.
            for (const CustomerFile& c : customers_)
                if (!c.business) {
                    match = &c;
                    break;
                }
            if (!match) match = &customers_.front();
            note = "check: names customers of " + match->sample->file + "?";
        } else if (match) note = "ids of " + match->sample->file;
        if (to) *to = match;
        if (match && match->prefix) {
            auto& file = const_cast<CustomerFile&>(*match);
            file.id_key_used = true;
            spec += ", key = " + quote(file.entity + "_id");
        } else if (match && match->id && !match->own_format) {
            note += " (as stored in " + quote(match->sample->header[*match->id]) + ")";
        }
    }
    // A list in one cell: "101;102".
    const bool list = std::any_of(values.begin(), values.end(), [](const std::string& v) { return contains(v, ";"); }) ||
                      (ends_with(name, "ids") && !email);
    if (list) {
        spec += ", list = \";\"";
        note += "; a list in one cell (" + examples(values, 1) + "): one row per item";
    }
    spec += " }";
    if (spec == "{ column = " + quote(s.header[column]) + " }") spec = quote(s.header[column]);
    return spec;
}

void Suggester::plan_customers(CustomerFile& c) {
    const FileSample& s = *c.sample;
    Block block;
    block.table = "customers";
    block.file = s.file;
    std::map<std::size_t, std::string> notes;

    // id
    if (c.id) {
        block.columns.push_back({"id", quote(s.header[*c.id]),
                                 c.own_format ? "" : "guess: the record's id (" + examples(values_of(s, *c.id), 2) + "); check it is unique"});
        block.used.insert(*c.id);
    } else if (c.email) {
        block.columns.push_back({"id", quote(s.header[*c.email]), "guess: no id column: the e-mail address is the id"});
        block.used.insert(*c.email);
    }
    // kind
    if (const auto kind = find(s, {"kind"})) {
        block.columns.push_back({"kind", quote(s.header[*kind]), ""});
        block.used.insert(*kind);
    } else
        block.columns.push_back({"kind", std::string("{ value = ") + (c.business ? "\"business\"" : "\"person\"") + " }",
                                 c.business ? "guess: companies or accounts (file name, company columns)"
                                            : "guess: people (file name, first and last names)"});
    // name
    const auto name = find(s, kNameNames, block.used);
    const auto first = find(s, kFirstNames, block.used), last = find(s, kLastNames, block.used);
    if (name) {
        block.columns.push_back({"name", quote(s.header[*name]), c.own_format ? "" : "guess: the display name"});
        block.used.insert(*name);
    } else if (first && last) {
        block.columns.push_back({"name", quote("{" + s.header[*first] + "} {" + s.header[*last] + "}"),
                                 "guess: first and last name"});
        block.used.insert(*first);
        block.used.insert(*last);
    } else if (first || last) {
        const std::size_t column = first ? *first : *last;
        block.columns.push_back({"name", quote(s.header[column]), "guess: the only name column"});
        block.used.insert(column);
    }
    // segment
    if (const auto segment = find(s, kSegmentNames, block.used)) {
        const auto values = distinct(values_of(s, *segment));
        block.columns.push_back({"segment", quote(s.header[*segment]),
                                 c.own_format ? "" : "guess: marketing segment (" + examples(values, 3) + ")"});
        block.used.insert(*segment);
    }
    // value and cost
    if (const auto value = find(s, kValueNames, block.used)) {
        std::string note = "guess: monetary value";
        if (s.names[*value] == "annualrevenue") note = "guess: the company's annual revenue; check it is the value you want (not what it spends with you)";
        block.columns.push_back({"value", quote(s.header[*value]), c.own_format ? "" : note});
        block.used.insert(*value);
        number_column(block, s, *value);
        for (std::size_t i = 0; i < s.names.size(); ++i)
            if (i != *value && !block.used.count(i) &&
                std::find(kValueNames.begin(), kValueNames.end(), s.names[i]) != kValueNames.end())
                notes[i] = "another money column; `value` is " + quote(s.header[*value]);
    }
    if (const auto cost = find(s, kCostNames, block.used)) {
        block.columns.push_back({"cost", quote(s.header[*cost]), c.own_format ? "" : "guess: cost of recruiting or rewarding"});
        block.used.insert(*cost);
        number_column(block, s, *cost);
    }
    // opt_out
    std::optional<std::size_t> opt_out;
    for (const std::string_view candidate : kOptOutNames) {
        for (std::size_t i = 0; i < s.names.size() && !opt_out; ++i)
            if (s.names[i] == candidate && !block.used.count(i)) opt_out = i;
        if (opt_out) break;
    }
    if (!opt_out)  // any other opt-out-looking column that is not a narrow one
        for (std::size_t i = 0; i < s.names.size() && !opt_out; ++i)
            if (!block.used.count(i) && looks_like_opt_out(s.names[i]) && !narrow_opt_out(s.names[i])) opt_out = i;
    if (opt_out) {
        const auto values = distinct(values_of(s, *opt_out));
        std::string spec = quote(s.header[*opt_out]), note;
        const bool yes_no = !values.empty() && std::all_of(values.begin(), values.end(), [](const std::string& v) {
            const std::string l = lower(v);
            return l == "yes" || l == "no" || l == "y" || l == "n";
        });
        if (c.own_format) {
        } else if (values.empty()) note = "guess: opt-out flag; no values seen: check they are true/false or yes/no";
        else if (yes_no) {
            // Both words in the map, spelled as the file spells the one it shows ("Yes" -> "No").
            std::vector<std::string> words = values;
            const std::string& seen = values.front();
            const bool upper = seen.size() > 1 && std::isupper(static_cast<unsigned char>(seen[1]));
            const bool capital = std::isupper(static_cast<unsigned char>(seen[0]));
            auto spelled = [&](std::string word) {
                for (std::size_t k = 0; k < word.size(); ++k)
                    if (upper || (capital && k == 0)) word[k] = static_cast<char>(std::toupper(static_cast<unsigned char>(word[k])));
                return word;
            };
            const bool short_form = seen.size() == 1;
            for (const std::string& word : {std::string(short_form ? "y" : "yes"), std::string(short_form ? "n" : "no")})
                if (std::none_of(words.begin(), words.end(), [&](const std::string& v) { return lower(v) == word; }))
                    words.push_back(spelled(word));
            std::vector<std::string> parts;
            for (const std::string& v : words) parts.push_back(quote(v) + " = " + (truthy_word(v) ? "true" : "false"));
            spec = "{ column = " + quote(s.header[*opt_out]) + ", map = { " + join(parts, ", ") + " } }";
            note = "guess: opt-out flag; values " + examples(values) + " mapped to true/false: check";
        } else if (std::all_of(values.begin(), values.end(), [](const std::string& v) { return boolean_word(v); }))
            note = "guess: opt-out flag, values " + examples(values) + " (read as booleans)";
        else {
            std::vector<std::string> parts;
            for (const std::string& v : values) parts.push_back(quote(v) + " = " + (truthy_word(v) ? "true" : "false"));
            spec = "{ column = " + quote(s.header[*opt_out]) + ", map = { " + join(parts, ", ") + " } }";
            note = "check: opt-out flag with values " + examples(values) + ": check which mean opted out";
        }
        if (s.names[*opt_out] == "donotcall") note += "; phone only: check it is the opt-out you need";
        block.columns.push_back({"opt_out", spec, note});
        block.used.insert(*opt_out);
    }
    // Further opt-out-looking columns: never silently dropped.
    for (std::size_t i = 0; i < s.names.size(); ++i) {
        if (block.used.count(i) || !looks_like_opt_out(s.names[i])) continue;
        if (s.names[i] == "donotcall" || s.names[i] == "donotcontact") {
            block.columns.push_back({"do_not_" + std::string(s.names[i] == "donotcall" ? "call" : "contact"), quote(s.header[i]),
                                     "guess: kept as an attribute; a mapping has one opt_out column: check which one you need"});
            block.used.insert(i);
        } else
            notes[i] = narrow_opt_out(s.names[i]) ? "check: a narrower opt-out (one channel or subscription type); opt_out is " +
                                                         (opt_out ? quote(s.header[*opt_out]) : std::string("not mapped"))
                                                  : "check: looks like an opt-out flag; opt_out is " +
                                                        (opt_out ? quote(s.header[*opt_out]) : std::string("not mapped"));
    }
    // Attributes: catena's own format keeps every other column; a CRM export the useful few.
    if (c.own_format) {
        for (std::size_t i = 0; i < s.header.size(); ++i)
            if (!block.used.count(i)) {
                block.columns.push_back({s.header[i], quote(s.header[i]), ""});
                block.used.insert(i);
            }
    } else {
        static const std::vector<std::pair<std::string_view, Names>> kAttributes = {
            {"email", kEmailNames},
            {"owner", {"contactowner", "companyowner", "accountowner", "owner", "ownername", "dealowner"}},
            {"industry", {"industry"}},
            {"title", {"title", "jobtitle"}},
            {"city", {"city", "billingcity", "mailingcity"}},
            {"country", {"country", "countryregion", "billingcountry", "mailingcountry"}},
            {"channel", {"channel", "preferredchannel"}},
            {"profession", {"profession", "occupation"}},
            {"rating", {"rating"}},
        };
        for (const auto& [attribute, names] : kAttributes)
            if (const auto column = find(s, names, block.used)) {
                block.columns.push_back({std::string(attribute), quote(s.header[*column]), "guess: kept as a text attribute"});
                block.used.insert(*column);
            }
    }
    // Keys and prefix (settings are filled in at render time for the e-mail key).
    if (c.prefix)
        block.settings.push_back({"id_prefix", quote(c.entity + "-"),
                                  "guess: ids of several files could collide (numbers): a prefix keeps them apart"});
    add_deleted_filter(block, s);
    blocks_.push_back(std::move(block));
    plan_customer_links(c);
    // The links were planned into a second block; the first one ignores what they use.
    for (Block& b : blocks_)
        if (b.table == "customers" && b.file == s.file) finish_ignore(b, s, notes);
}

// A customers file that names another customers file's records (a contact's AccountId or
// "Associated Company IDs"): a relationships block from the same file.
void Suggester::plan_customer_links(CustomerFile& c) {
    const FileSample& s = *c.sample;
    if (c.own_format) return;
    for (std::size_t i = 0; i < s.names.size(); ++i) {
        if (c.id && i == *c.id) continue;
        const CustomerFile* other = nullptr;
        for (const CustomerFile& o : customers_) {
            if (&o == &c) continue;
            const std::string& n = s.names[i];
            const bool names_it = (contains(n, o.entity) || (ends_with(o.entity, "y") && contains(n, o.entity.substr(0, o.entity.size() - 1) + "ies"))) &&
                                  (ends_with(n, "id") || ends_with(n, "ids"));
            if (names_it) {
                other = &o;
                break;
            }
        }
        if (!other) continue;
        Block block;
        block.table = "relationships";
        block.file = s.file;
        block.heading = "each record of " + s.file + " names records of " + other->sample->file + " in " + quote(s.header[i]);
        std::string note;
        const std::string source = c.prefix ? "{ column = " + quote(s.header[*c.id]) + ", key = " + quote(c.entity + "_id") + " }"
                                            : quote(s.header[*c.id]);
        if (c.prefix) c.id_key_used = true;
        block.columns.push_back({"source", source, "the record itself"});
        block.used.insert(*c.id);
        const CustomerFile* to = nullptr;
        block.columns.push_back({"target", reference(s, i, note, &to), guessed(note)});
        block.used.insert(i);
        const bool professional = c.business != other->business;
        block.columns.push_back({"type", professional ? "{ value = \"professional\" }" : "{ value = \"partner\" }",
                                 professional ? "guess: a person and a business they work with or for"
                                              : "guess: check the type of tie between these records"});
        if (const auto created = find(s, {"createdate", "createddate", "createdat", "created"})) {
            date_column(block, s, *created, "date");
            block.columns.back().comment += " (the relationship dates from the record's creation: check)";
        }
        const bool list = contains(block.columns[1].value, "list =");
        if (!list && has_empty(s, i)) {
            block.skip_if[s.header[i]] = {""};
            block.skip_order.push_back(s.header[i]);
            block.skip_notes.push_back(quote(s.header[i]) + " empty: no relationship");
            block.used.insert(i);
        }
        add_deleted_filter(block, s);
        for (Block& b : blocks_)
            if (b.table == "customers" && b.file == s.file) {
                b.used.insert(i);  // the customers block leaves it to this one
                b.ignore.emplace_back(s.header[i], "read by the [[relationships]] block for " + s.file + " below");
            }
        finish_ignore(block, s);
        pending_links_.push_back(std::move(block));
    }
}

void Suggester::plan_relationships(const FileSample& s, const std::string& why) {
    Block block;
    block.table = "relationships";
    block.file = s.file;
    block.heading = why;
    const auto ends = *endpoints(s);
    std::string note;
    block.columns.push_back({"source", reference(s, ends.first, note), guessed(note)});
    block.used.insert(ends.first);
    block.columns.push_back({"target", reference(s, ends.second, note), guessed(note)});
    block.used.insert(ends.second);
    if (const auto type = find(s, kTypeNames, block.used)) {
        block.used.insert(*type);
        const auto values = values_of(s, *type);
        const bool list = std::any_of(values.begin(), values.end(), [](const std::string& v) { return contains(v, ";"); });
        std::vector<std::string> labels;
        for (const std::string& value : values) {
            if (list) {
                std::size_t start = 0;
                while (start <= value.size()) {
                    const auto end = std::min(value.find(';', start), value.size());
                    const auto item = std::string(trim(std::string_view(value).substr(start, end - start)));
                    if (!item.empty()) labels.push_back(item);
                    start = end + 1;
                }
            } else labels.push_back(value);
        }
        labels = distinct(labels);
        // Labels that are catena's own type names need no map; when some others do, the map
        // lists every label seen, so the user checks them all in one place.
        std::vector<std::string> map, reversed, unknown;
        bool own = true;
        for (const std::string& label : labels) {
            const std::string type_name = type_for_label(label);
            if (type_name.empty()) {
                unknown.push_back(label);
                continue;
            }
            if (lower(label) != type_name) own = false;
            map.push_back(quote(label) + " = " + quote(type_name));
            if (reversed_label(label)) reversed.push_back(label);
        }
        if (own) map.clear();
        std::string spec = "{ column = " + quote(s.header[*type]);
        if (list) spec += ", list = \";\"";
        if (!reversed.empty()) spec += ", reversed = " + toml_array(reversed);
        if (!map.empty()) spec += ", map = { " + join(map, ", ") + " }";
        spec += " }";
        if (spec == "{ column = " + quote(s.header[*type]) + " }") spec = quote(s.header[*type]);
        std::string comment = own && unknown.empty() ? "" : "guess: labels mapped to catena's types: check each";
        if (!reversed.empty()) comment += "; " + examples(reversed) + " read target -> source";
        if (list) comment += "; several labels in one cell: one row each";
        if (!unknown.empty())
            comment += "; check: labels " + examples(unknown) + " are no catena type: map them or declare them with --type";
        if (has_empty(s, *type)) comment += "; rows without a label are `knows`";
        block.columns.push_back({"type", spec, comment.empty() ? "" : (starts_with(comment, "; ") ? "guess: " + comment.substr(2) : comment)});
    }
    if (const auto weight = find(s, kWeightNames, block.used)) {
        block.columns.push_back({"weight", quote(s.header[*weight]), ""});
        block.used.insert(*weight);
        number_column(block, s, *weight);
    }
    if (const auto probability = find(s, kProbabilityNames, block.used)) {
        block.columns.push_back({"probability", quote(s.header[*probability]), ""});
        block.used.insert(*probability);
    }
    if (const auto date = find(s, kRelationshipDateNames, block.used)) date_column(block, s, *date, "date");
    if (const auto directed = find(s, kDirectedNames, block.used)) {
        block.columns.push_back({"directed", quote(s.header[*directed]), ""});
        block.used.insert(*directed);
    }
    add_deleted_filter(block, s);
    finish_ignore(block, s);
    blocks_.push_back(std::move(block));
}

void Suggester::plan_referrals(const FileSample& s, const std::string& why) {
    Block block;
    block.table = "referrals";
    block.file = s.file;
    block.heading = why;
    const auto referrer = *find(s, kReferrerNames);
    const auto referred = *find(s, kReferredNames, {referrer});
    std::string note;
    block.columns.push_back({"referrer", reference(s, referrer, note), guessed(note)});
    block.used.insert(referrer);
    block.columns.push_back({"referred", reference(s, referred, note), guessed(note)});
    block.used.insert(referred);
    if (const auto date = find(s, kReferralDateNames, block.used)) date_column(block, s, *date, "date");
    if (const auto converted = find(s, kConvertedNames, block.used)) {
        block.used.insert(*converted);
        const auto values = distinct(values_of(s, *converted));
        if (std::all_of(values.begin(), values.end(), [](const std::string& v) { return boolean_word(v); }))
            block.columns.push_back({"converted", quote(s.header[*converted]), s.names[*converted] == "converted" ? "" : "guess: read as booleans"});
        else {
            std::vector<std::string> parts;
            for (const std::string& v : values) parts.push_back(quote(v) + " = " + (truthy_word(v) ? "true" : "false"));
            block.columns.push_back({"converted", "{ column = " + quote(s.header[*converted]) + ", map = { " + join(parts, ", ") + " } }",
                                     "guess: status words mapped to converted true/false: check each (values not in the map are an error)"});
        }
    }
    if (const auto reward = find(s, kRewardNames, block.used)) {
        block.columns.push_back({"reward", quote(s.header[*reward]), ""});
        block.used.insert(*reward);
        number_column(block, s, *reward);
    }
    add_deleted_filter(block, s);
    finish_ignore(block, s);
    blocks_.push_back(std::move(block));
}

void Suggester::plan_transactions(const FileSample& s, const std::string& why) {
    Block block;
    block.table = "transactions";
    block.file = s.file;
    block.heading = why;
    std::map<std::size_t, std::string> notes;
    const auto customer = *find(s, kCustomerRefNames);
    std::string note;
    block.columns.push_back({"customer", reference(s, customer, note), guessed(note)});
    block.used.insert(customer);
    if (s.names[customer] == "accountid")
        if (const auto contact = find(s, {"contactid"}, block.used))
            notes[*contact] = "check: the contact on the deal; the purchase is the account's";
    if (const auto date = find(s, kTransactionDateNames, block.used)) {
        date_column(block, s, *date, "date");
        for (std::size_t i = 0; i < s.names.size(); ++i)
            if (i != *date && !block.used.count(i) &&
                std::find(kTransactionDateNames.begin(), kTransactionDateNames.end(), s.names[i]) != kTransactionDateNames.end())
                notes[i] = "another date; `date` is " + quote(s.header[*date]);
    }
    const auto amount = *find(s, kAmountNames, block.used);
    block.used.insert(amount);
    number_column(block, s, amount);
    if (const auto currency = find(s, kCurrencyNames, block.used)) {
        block.used.insert(*currency);
        block.columns.push_back({"amount", "{ column = " + quote(s.header[amount]) + ", currency = " + quote(s.header[*currency]) + " }",
                                 "guess: the amount, in the currency of " + quote(s.header[*currency])});
        std::map<std::string, std::size_t> counts;
        for (const std::string& v : values_of(s, *currency)) ++counts[v];
        if (counts.size() > 1) {
            std::string base;
            std::size_t most = 0;
            for (const auto& [code, n] : counts)
                if (n > most) most = n, base = code;
            currency_base_ = base;
            for (const auto& [code, n] : counts)
                if (code != base) other_currencies_.push_back(code);
            currency_note_ = s.file + " has amounts in " + std::to_string(counts.size()) + " currencies";
        }
    } else
        block.columns.push_back({"amount", quote(s.header[amount]), "guess: the amount of the purchase"});
    if (const auto channel = find(s, kChannelNames, block.used)) {
        block.columns.push_back({"channel", quote(s.header[*channel]),
                                 "guess: sales channel (" + examples(distinct(values_of(s, *channel)), 3) + ")"});
        block.used.insert(*channel);
    }
    if (const auto behalf = find(s, kOnBehalfNames, block.used)) {
        std::string n;
        block.columns.push_back({"on_behalf_of", reference(s, *behalf, n), n.empty() ? "" : "guess: " + n});
        block.used.insert(*behalf);
    }
    for (const std::string_view name : kOrderIdNames) {
        const auto order = find(s, {name}, block.used);
        if (!order) continue;
        const auto values = values_of(s, *order);
        if (name == "name" && !std::all_of(values.begin(), values.end(), [](const std::string& v) { return starts_with(v, "#"); }))
            continue;
        block.columns.push_back({"order_id", quote(s.header[*order]), "guess: the order's id (" + examples(values, 2) + "), part of the append key"});
        block.used.insert(*order);
        break;
    }
    // Rows that are no purchase.
    for (std::size_t i = 0; i < s.names.size(); ++i) {
        if (block.used.count(i)) continue;
        const std::string& n = s.names[i];
        const auto values = distinct(values_of(s, i));
        std::vector<std::string> drop;
        std::string why_drop;
        if (n == "stagename") {
            const bool won = std::any_of(values.begin(), values.end(), [](const std::string& v) { return lower(v) == "closed won"; });
            if (!won) continue;
            drop = kSalesforceStages;
            for (const std::string& v : values)
                if (lower(v) != "closed won" &&
                    std::none_of(drop.begin(), drop.end(), [&](const std::string& d) { return lower(d) == lower(v); }))
                    drop.push_back(v);
            why_drop = "only Closed Won opportunities are purchases (every other stage listed: check your sales process's stages)";
        } else if (n == "iswon" && !find(s, {"stagename"})) {
            drop = {"false"};
            why_drop = "only won opportunities are purchases";
        } else if (n == "financialstatus" || n == "paymentstatus" || n == "orderstatus" || n == "status") {
            static const std::vector<std::string> kNoSale = {"refunded", "voided", "cancelled", "canceled", "failed", "declined"};
            for (const std::string& v : kNoSale)
                if (n == "financialstatus" ? (v == "refunded" || v == "voided" ||
                                              std::any_of(values.begin(), values.end(), [&](const std::string& x) { return lower(x) == v; }))
                                           : std::any_of(values.begin(), values.end(), [&](const std::string& x) { return lower(x) == v; }))
                    drop.push_back(v);
            if (drop.empty()) continue;
            why_drop = "orders that are no purchase (values seen: " + examples(values, 6) + "): check";
        } else continue;
        block.skip_if[s.header[i]] = drop;
        block.skip_order.push_back(s.header[i]);
        block.skip_notes.push_back(quote(s.header[i]) + ": " + why_drop);
        block.used.insert(i);
    }
    add_deleted_filter(block, s);
    finish_ignore(block, s, notes);
    blocks_.push_back(std::move(block));
}

std::string aligned(const std::string& text, const std::string& comment, std::size_t width = 40) {
    if (comment.empty()) return text + "\n";
    std::string line = text;
    line += text.size() < width ? std::string(width - text.size(), ' ') : std::string("  ");
    return line + "# " + comment + "\n";
}

std::string Suggester::render(const Block& block) const {
    std::string out;
    out += "# --- " + block.file + " -> " + block.table + (block.heading.empty() ? "" : ": " + block.heading) + "\n";
    out += "[[" + block.table + "]]\n";
    out += aligned("file = " + quote(block.file), "");
    const FileSample* s = nullptr;
    for (const FileSample& sample : samples_)
        if (sample.file == block.file) s = &sample;
    const std::string delimiter = s->delimiter == '\t' ? "tab" : std::string(1, s->delimiter);
    out += aligned("delimiter = " + quote(delimiter), "detected from the header");
    if (s->encoding)
        out += aligned("encoding = " + quote(s->encoding == TextEncoding::latin1 ? "latin-1" : "windows-1252"),
                       "guess: the file is not UTF-8; check accented letters after loading");
    for (const Entry& entry : block.settings) out += aligned(entry.key + " = " + entry.value, entry.comment);
    if (block.table == "customers") {
        const CustomerFile* c = nullptr;
        for (const CustomerFile& file : customers_)
            if (file.sample == s) c = &file;
        std::vector<std::string> keys;
        std::string why;
        if (c && c->prefix && c->id) keys.push_back(c->entity + "_id = " + quote(s->header[*c->id])), why = "other files name these records by id";
        if (c && c->email && email_key_used_) {
            keys.push_back("email = " + quote(s->header[*c->email]));
            why += std::string(why.empty() ? "" : "; ") + join(email_users_, ", ") + " name customers by e-mail";
        }
        if (!keys.empty()) out += aligned("keys = { " + join(keys, ", ") + " }", "guess: " + why);
    }
    if (!block.dates.empty()) {
        std::vector<std::string> patterns = block.dates;
        out += aligned("dates = " + toml_array(patterns), "guess: from the values seen; check (tried in order)");
    }
    const NumberStyle& n = block.numbers;
    if (n.known && (n.decimal != '.' || n.thousands != 0)) {
        std::string text = "numbers = { decimal = " + quote(std::string(1, n.decimal));
        if (n.thousands) text += ", thousands = " + quote(std::string(1, n.thousands));
        text += " }";
        out += aligned(text, std::string("guess: ") + (n.decimal == ',' ? "decimal comma" : "decimal point") +
                                 (n.thousands ? std::string(", thousands separated by '") + n.thousands + "'" : "") +
                                 (n.symbols.empty() ? "" : "; amounts carry " + n.symbols) + ": check");
    } else if (!n.symbols.empty())
        out += "# guess: amounts carry " + n.symbols + " (e.g. \"$10.00\"); check they read as numbers\n";
    if (!block.skip_order.empty()) {
        std::vector<std::string> parts;
        for (const std::string& column : block.skip_order) parts.push_back(toml_key(column) + " = " + toml_array(block.skip_if.at(column)));
        out += aligned("skip_if = { " + join(parts, ", ") + " }", "guess: drops " + join(block.skip_notes, "; "));
    }
    if (!block.ignore.empty()) {
        out += "ignore = [                              # columns not used: check none is needed\n";
        for (const auto& [column, comment] : block.ignore) out += aligned("    " + quote(column) + ",", comment);
        out += "]\n";
    }
    out += "\n[" + block.table + ".columns]\n";
    for (const Entry& entry : block.columns) out += aligned(toml_key(entry.key) + " = " + entry.value, entry.comment);
    return out + "\n";
}

std::string Suggester::run(const fs::path& dir) {
    // Classify every file; customers first, since the others name them.
    std::vector<std::pair<const FileSample*, std::pair<Table, std::string>>> placed;
    for (const FileSample& s : samples_) {
        if (!s.problem.empty() || s.header.empty()) {
            unplaced_.push_back(s.file + ": " + (s.problem.empty() ? "no header" : s.problem));
            continue;
        }
        std::string why;
        const Table table = classify(s, why);
        if (table == Table::none) {
            unplaced_.push_back(s.file + ": no column catena knows (" + examples(s.header, 5) + ")");
            continue;
        }
        placed.push_back({&s, {table, why}});
        if (table == Table::customers) {
            CustomerFile c;
            c.sample = &s;
            c.entity = singular(s.stem.empty() ? "customer" : s.stem);
            c.id = find(s, kIdNames);
            c.email = find(s, kEmailNames);
            // catena's own customers.csv: an `id` (or `customer_id`) column spelled so, and catena's names.
            c.own_format = c.id && (lower(s.header[*c.id]) == "id" || lower(s.header[*c.id]) == "customer_id") &&
                           std::any_of(s.header.begin(), s.header.end(), [](const std::string& h) {
                               const std::string l = lower(h);
                               return l == "kind" || l == "segment" || l == "value" || l == "opt_out" || l == "cost";
                           });
            const bool company_columns = find(s, {"companyname", "industry", "annualrevenue", "numberofemployees",
                                                  "companydomainname", "website", "domain"}).has_value();
            const bool person_columns = find(s, kFirstNames) || find(s, kLastNames);
            static const std::set<std::string> kBusinessWords = {"company", "account", "organization", "organisation",
                                                                 "business", "org", "supplier", "partner", "vendor"};
            c.business = kBusinessWords.count(c.entity) || (company_columns && !person_columns);
            customers_.push_back(c);
        }
    }
    // Prefixes when ids of two customers files could collide: plain numbers, or shared values.
    if (customers_.size() > 1) {
        bool collide = false;
        std::set<std::string> seen;
        bool all_numeric = true;
        for (const CustomerFile& c : customers_) {
            if (!c.id) continue;
            const auto values = values_of(*c.sample, *c.id);
            all_numeric &= !values.empty() && std::all_of(values.begin(), values.end(), [](const std::string& v) { return is_digits(v); });
            std::set<std::string> mine(values.begin(), values.end());
            for (const std::string& v : mine) collide |= !seen.insert(v).second;
        }
        if (collide || all_numeric)
            for (CustomerFile& c : customers_) c.prefix = c.id.has_value();
    }
    for (CustomerFile& c : customers_) plan_customers(c);
    for (Block& link : pending_links_) blocks_.push_back(std::move(link));
    pending_links_.clear();
    for (const auto& [s, guess] : placed) {
        if (guess.first == Table::relationships) plan_relationships(*s, guess.second);
        if (guess.first == Table::referrals) plan_referrals(*s, guess.second);
        if (guess.first == Table::transactions) plan_transactions(*s, guess.second);
    }
    // Customers blocks know their heading once everything is planned.
    for (Block& block : blocks_)
        if (block.table == "customers")
            for (const auto& [s, guess] : placed)
                if (s->file == block.file && guess.first == Table::customers) block.heading = guess.second;

    std::string out;
    out += "# Draft mapping for " + dir.string() + ", written by `catena mapping suggest` from the\n";
    out += "# files' headers and first rows. Every \"guess\" is one: check it against your data, then try\n";
    out += "#   catena import " + dir.string() + " --mapping THIS_FILE --dry-run\n";
    out += "# Syntax: loaders/include/catena/loaders/mapping.hpp (README \"Input formats\").\n\n";
    out += "# on_bad_row = \"skip\"                  # skip (and count) rows naming unknown customers\n\n";
    if (email_key_used_) {
        out += "[keys.email]\n";
        out += aligned("normalize = [\"trim\", \"lower\"]", "guess: e-mail addresses compared trimmed and lower-cased");
        out += aligned("duplicates = \"merge\"", "guess: customers with the same address are one person (\"error\" to refuse)");
        out += "\n";
    }
    for (const CustomerFile& c : customers_)
        if (c.prefix) {
            out += "[keys." + c.entity + "_id]\n";
            out += aligned("normalize = [\"trim\"]", "ids of " + c.sample->file + " (" + quote(c.sample->header[*c.id]) + ")");
            out += aligned("duplicates = \"error\"", "guess: an id names one record");
            out += "\n";
        }
    if (!currency_note_.empty()) {
        out += "# guess: " + currency_note_ + ": amounts are converted to one base currency, and\n";
        out += "# catena refuses to load them until the rates are given. Fill in and uncomment:\n";
        out += "# [currency]\n# base = " + quote(currency_base_) + "\n# rates = { ";
        for (std::size_t i = 0; i < other_currencies_.size(); ++i)
            out += (i ? ", " : "") + toml_key(other_currencies_[i]) + " = ?";
        out += " }  # one unit of each = this many " + currency_base_ + "\n\n";
    }
    for (const char* table : {"customers", "relationships", "referrals", "transactions"})
        for (const Block& block : blocks_)
            if (block.table == table) out += render(block);
    if (!unplaced_.empty()) {
        out += "# --- Files not placed: a block for each would start like this.\n";
        for (const std::string& file : unplaced_) {
            out += "# " + file + "\n";
            out += "# [[customers]]  # or relationships, referrals, transactions\n";
            out += "# file = " + quote(file.substr(0, file.find(": "))) + "\n";
        }
    }
    return out;
}

}  // namespace

std::string suggest_mapping(const std::filesystem::path& data_dir) {
    std::error_code error;
    if (!fs::is_directory(data_dir, error)) throw InputError(data_dir.string() + ": not a folder");
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(data_dir, error)) {
        if (!entry.is_regular_file(error)) continue;
        if (lower(entry.path().extension().string()) == ".csv") files.push_back(entry.path());
    }
    if (error) throw InputError(data_dir.string() + ": cannot be listed: " + error.message());
    std::sort(files.begin(), files.end(), [](const fs::path& a, const fs::path& b) { return a.filename() < b.filename(); });
    std::vector<FileSample> samples;
    for (const fs::path& file : files) samples.push_back(sample_file(file));
    if (samples.empty()) throw InputError(data_dir.string() + ": no .csv files");
    Suggester suggester(std::move(samples));
    return suggester.run(data_dir);
}

}  // namespace catena
