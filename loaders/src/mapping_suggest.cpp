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
//
// This file writes the draft (Suggester::render and Suggester::run) and holds suggest_mapping;
// reading the files is suggest_analysis.cpp, planning each block suggest_plan_*.cpp.
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

#include "suggest_internal.hpp"

namespace catena {

namespace suggest_detail {

namespace {

std::string aligned(const std::string& text, const std::string& comment, std::size_t width = 40) {
    if (comment.empty()) return text + "\n";
    std::string line = text;
    line += text.size() < width ? std::string(width - text.size(), ' ') : std::string("  ");
    return line + "# " + comment + "\n";
}

}  // namespace

std::string Suggester::render(const Block& block) const {
    std::string out;
    out += "# --- " + block.file + " -> " + block.table +
           (block.heading.empty() ? "" : ": " + block.heading) + "\n";
    out += "[[" + block.table + "]]\n";
    out += aligned("file = " + quote(block.file), "");
    const FileSample* s = nullptr;
    for (const FileSample& sample : samples_)
        if (sample.file == block.file) s = &sample;
    const std::string delimiter = s->delimiter == '\t' ? "tab" : std::string(1, s->delimiter);
    out += aligned("delimiter = " + quote(delimiter), "detected from the header");
    if (s->encoding)
        out += aligned(
            "encoding = " + quote(s->encoding == TextEncoding::latin1 ? "latin-1" : "windows-1252"),
            "guess: the file is not UTF-8; check accented letters after loading");
    for (const Entry& entry : block.settings)
        out += aligned(entry.key + " = " + entry.value, entry.comment);
    if (block.table == "customers") {
        const CustomerFile* c = nullptr;
        for (const CustomerFile& file : customers_)
            if (file.sample == s) c = &file;
        std::vector<std::string> keys;
        std::string why;
        if (c && c->prefix && c->id)
            keys.push_back(c->entity + "_id = " + quote(s->header[*c->id])),
                why = "other files name these records by id";
        if (c && c->email && email_key_used_) {
            keys.push_back("email = " + quote(s->header[*c->email]));
            why += std::string(why.empty() ? "" : "; ") + join(email_users_, ", ") +
                   " name customers by e-mail";
        }
        if (!keys.empty()) out += aligned("keys = { " + join(keys, ", ") + " }", "guess: " + why);
    }
    if (!block.dates.empty()) {
        std::vector<std::string> patterns = block.dates;
        out += aligned("dates = " + toml_array(patterns),
                       "guess: from the values seen; check (tried in order)");
    }
    const NumberStyle& n = block.numbers;
    if (n.known && (n.decimal != '.' || n.thousands != 0)) {
        std::string text = "numbers = { decimal = " + quote(std::string(1, n.decimal));
        if (n.thousands) text += ", thousands = " + quote(std::string(1, n.thousands));
        text += " }";
        out += aligned(
            text,
            std::string("guess: ") + (n.decimal == ',' ? "decimal comma" : "decimal point") +
                (n.thousands ? std::string(", thousands separated by '") + n.thousands + "'" : "") +
                (n.symbols.empty() ? "" : "; amounts carry " + n.symbols) + ": check");
    } else if (!n.symbols.empty())
        out += "# guess: amounts carry " + n.symbols +
               " (e.g. \"$10.00\"); check they read as numbers\n";
    if (!block.skip_order.empty()) {
        std::vector<std::string> parts;
        for (const std::string& column : block.skip_order)
            parts.push_back(toml_key(column) + " = " + toml_array(block.skip_if.at(column)));
        out += aligned("skip_if = { " + join(parts, ", ") + " }",
                       "guess: drops " + join(block.skip_notes, "; "));
    }
    if (!block.ignore.empty()) {
        out += "ignore = [                              # columns not used: check none is needed\n";
        for (const auto& [column, comment] : block.ignore)
            out += aligned("    " + quote(column) + ",", comment);
        out += "]\n";
    }
    out += "\n[" + block.table + ".columns]\n";
    for (const Entry& entry : block.columns)
        out += aligned(toml_key(entry.key) + " = " + entry.value, entry.comment);
    return out + "\n";
}

// A customers file: its entity ("contact"), id and e-mail columns, whether it is catena's own
// format and whether it holds businesses.
CustomerFile Suggester::customer_file(const FileSample& s) const {
    CustomerFile c;
    c.sample = &s;
    c.entity = singular(s.stem.empty() ? "customer" : s.stem);
    c.id = find(s, kIdNames);
    c.email = find(s, kEmailNames);
    // catena's own customers.csv: an `id` (or `customer_id`) column spelled so, and catena's names.
    c.own_format =
        c.id && (lower(s.header[*c.id]) == "id" || lower(s.header[*c.id]) == "customer_id") &&
        std::any_of(s.header.begin(), s.header.end(), [](const std::string& h) {
            const std::string l = lower(h);
            return l == "kind" || l == "segment" || l == "value" || l == "opt_out" || l == "cost";
        });
    const bool company_columns =
        find(s, {"companyname", "industry", "annualrevenue", "numberofemployees",
                 "companydomainname", "website", "domain"})
            .has_value();
    const bool person_columns = find(s, kFirstNames) || find(s, kLastNames);
    static const std::set<std::string> kBusinessWords = {"company",      "account",  "organization",
                                                         "organisation", "business", "org",
                                                         "supplier",     "partner",  "vendor"};
    c.business = kBusinessWords.count(c.entity) || (company_columns && !person_columns);
    return c;
}

// Classifies every file; customers files also go to customers_. Files that fit no table go to
// unplaced_.
Suggester::Placed Suggester::place_files() {
    Placed placed;
    for (const FileSample& s : samples_) {
        if (!s.problem.empty() || s.header.empty()) {
            unplaced_.push_back(s.file + ": " + (s.problem.empty() ? "no header" : s.problem));
            continue;
        }
        std::string why;
        const Table table = classify(s, why);
        if (table == Table::none) {
            unplaced_.push_back(s.file + ": no column catena knows (" + examples(s.header, 5) +
                                ")");
            continue;
        }
        placed.push_back({&s, {table, why}});
        if (table == Table::customers) customers_.push_back(customer_file(s));
    }
    return placed;
}

// Prefixes when ids of two customers files could collide: plain numbers, or shared values.
void Suggester::prefix_colliding_ids() {
    if (customers_.size() <= 1) return;
    bool collide = false;
    std::set<std::string> seen;
    bool all_numeric = true;
    for (const CustomerFile& c : customers_) {
        if (!c.id) continue;
        const auto values = values_of(*c.sample, *c.id);
        all_numeric &=
            !values.empty() && std::all_of(values.begin(), values.end(),
                                           [](const std::string& v) { return is_digits(v); });
        std::set<std::string> mine(values.begin(), values.end());
        for (const std::string& v : mine) collide |= !seen.insert(v).second;
    }
    if (collide || all_numeric)
        for (CustomerFile& c : customers_) c.prefix = c.id.has_value();
}

// A block per placed file: customers first, since the others name them.
void Suggester::plan_blocks(const Placed& placed) {
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
                if (s->file == block.file && guess.first == Table::customers)
                    block.heading = guess.second;
}

std::string Suggester::run(const fs::path& dir) {
    const Placed placed = place_files();
    prefix_colliding_ids();
    plan_blocks(placed);
    std::string out;
    out +=
        "# Draft mapping for " + dir.string() + ", written by `catena mapping suggest` from the\n";
    out +=
        "# files' headers and first rows. Every \"guess\" is one: check it against your data, then "
        "try\n";
    out += "#   catena import " + dir.string() + " --mapping THIS_FILE --dry-run\n";
    out += "# Syntax: loaders/include/catena/loaders/mapping.hpp (README \"Input formats\").\n\n";
    out +=
        "# on_bad_row = \"skip\"                  # skip (and count) rows naming unknown "
        "customers\n\n";
    if (email_key_used_) {
        out += "[keys.email]\n";
        out += aligned("normalize = [\"trim\", \"lower\"]",
                       "guess: e-mail addresses compared trimmed and lower-cased");
        out +=
            aligned("duplicates = \"merge\"",
                    "guess: customers with the same address are one person (\"error\" to refuse)");
        out += "\n";
    }
    for (const CustomerFile& c : customers_)
        if (c.prefix) {
            out += "[keys." + c.entity + "_id]\n";
            out += aligned("normalize = [\"trim\"]", "ids of " + c.sample->file + " (" +
                                                         quote(c.sample->header[*c.id]) + ")");
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

}  // namespace suggest_detail

std::string suggest_mapping(const std::filesystem::path& data_dir) {
    std::error_code error;
    if (!std::filesystem::is_directory(data_dir, error))
        throw InputError(data_dir.string() + ": not a folder");
    std::vector<std::filesystem::path> files;
    for (const auto& entry : std::filesystem::directory_iterator(data_dir, error)) {
        if (!entry.is_regular_file(error)) continue;
        if (suggest_detail::lower(entry.path().extension().string()) == ".csv")
            files.push_back(entry.path());
    }
    if (error) throw InputError(data_dir.string() + ": cannot be listed: " + error.message());
    std::sort(files.begin(), files.end(),
              [](const std::filesystem::path& a, const std::filesystem::path& b) {
                  return a.filename() < b.filename();
              });
    std::vector<suggest_detail::FileSample> samples;
    for (const std::filesystem::path& file : files)
        samples.push_back(suggest_detail::sample_file(file));
    if (samples.empty()) throw InputError(data_dir.string() + ": no .csv files");
    suggest_detail::Suggester suggester(std::move(samples));
    return suggester.run(data_dir);
}

}  // namespace catena
