// `catena mapping suggest`, planning: which table a file feeds, the shared column helpers (dates,
// numbers, customer references, ignore lists), and the blocks of customers files (with the
// relationships a customers file holds).
#include <algorithm>

#include "suggest_internal.hpp"

namespace catena::suggest_detail {

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
        why = "columns " + quote(s.header[*referrer]) + " and " + quote(s.header[*referred]) +
              " name who referred whom";
        return Table::referrals;
    }
    const auto amount = find(s, kAmountNames);
    const auto customer = find(s, kCustomerRefNames);
    const auto tdate = find(s, kTransactionDateNames);
    if (amount && customer && tdate) {
        // A customers table with a `value` and an e-mail is not a purchase list: it needs an order
        // date or id, or a currency, besides the amount.
        const bool purchase = find(s, kOrderIdNames).has_value() ||
                              find(s, kCurrencyNames).has_value() || s.names[*amount] != "value" ||
                              s.names[*customer] == "customer";
        if (purchase) {
            why = "an amount (" + quote(s.header[*amount]) + "), a date (" +
                  quote(s.header[*tdate]) + ") and the customer (" + quote(s.header[*customer]) +
                  ")";
            return Table::transactions;
        }
    }
    if (const auto ends = endpoints(s)) {
        why = "columns " + quote(s.header[ends->first]) + " and " + quote(s.header[ends->second]) +
              " name two customers";
        return Table::relationships;
    }
    const auto id = find(s, kIdNames);
    const auto email = find(s, kEmailNames);
    const bool named = find(s, kNameNames) || find(s, kFirstNames) || find(s, kLastNames);
    if ((id && (named || email || find(s, kSegmentNames) || find(s, kValueNames) ||
                find(s, kOptOutNames))) ||
        (email && named)) {
        why = "one record per customer: " +
              std::string(id ? "an id (" + quote(s.header[*id]) + ")" : "an e-mail address") +
              (named ? " and a name" : "");
        return Table::customers;
    }
    return Table::none;
}

void Suggester::date_column(Block& block, const FileSample& s, std::size_t column,
                            const std::string& catena) {
    const DateGuess guess = guess_dates(values_of(s, column));
    std::string note;
    for (const std::string& pattern : guess.patterns)
        if (std::find(block.dates.begin(), block.dates.end(), pattern) == block.dates.end())
            block.dates.push_back(pattern);
    const auto values = values_of(s, column);
    if (values.empty())
        note = "no values seen: check the date format";
    else if (!guess.unknown.empty())
        note = "values like " + examples(guess.unknown, 2) +
               " fit no pattern catena knows: give one in `dates`";
    else if (!guess.patterns.empty()) {
        note = "values like " + examples(values, 2) + ": pattern " + join(guess.patterns, ", ");
        if (guess.ambiguous_order)
            note += "; month and day both <= 12 in the rows seen: check m/d vs d/m";
    } else
        note = "ISO dates (" + examples(values, 1) + "): catena's default, the time is ignored";
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
            block.skip_notes.push_back(quote(s.header[i]) +
                                       ": records in the recycle bin (an \"Export All\")");
            block.used.insert(i);
        }
}

// Every header column the block does not use, into `ignore`.
void Suggester::finish_ignore(Block& block, const FileSample& s,
                              const std::map<std::size_t, std::string>& notes) {
    for (std::size_t i = 0; i < s.header.size(); ++i) {
        if (block.used.count(i)) continue;
        std::string note;
        if (const auto it = notes.find(i); it != notes.end())
            note = it->second;
        else if (block.table == "customers" && looks_like_opt_out(s.names[i]))
            note =
                "check: looks like an opt-out flag; map it as opt_out if it is the one that "
                "matters";
        block.ignore.emplace_back(s.header[i], note);
    }
}

std::string Suggester::reference(const FileSample& s, std::size_t column, std::string& note,
                                 const CustomerFile** to) {
    const std::string& name = s.names[column];
    const auto values = values_of(s, column);
    const bool email =
        contains(name, "email") || contains(name, "mail") ||
        (!values.empty() && std::all_of(values.begin(), values.end(),
                                        [](const std::string& v) { return contains(v, "@"); }));
    std::string spec = "{ column = " + quote(s.header[column]);
    if (email) {
        const bool have = std::any_of(customers_.begin(), customers_.end(),
                                      [](const CustomerFile& c) { return c.email.has_value(); });
        if (have) {
            spec += ", key = \"email\"";
            email_key_used_ = true;
            if (std::find(email_users_.begin(), email_users_.end(), s.file) == email_users_.end())
                email_users_.push_back(s.file);
            note = "e-mail addresses, looked up by the email key";
        } else
            note =
                "check: e-mail addresses, but no customers file has an e-mail column to look them "
                "up by";
    } else {
        const CustomerFile* match = nullptr;
        for (const CustomerFile& c : customers_)
            if (contains(name, c.entity) || contains(name, c.sample->stem) ||
                (ends_with(c.entity, "y") &&
                 contains(name, c.entity.substr(0, c.entity.size() - 1) + "ies"))) {
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
        } else if (match)
            note = "ids of " + match->sample->file;
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
    const bool list = std::any_of(values.begin(), values.end(),
                                  [](const std::string& v) { return contains(v, ";"); }) ||
                      (ends_with(name, "ids") && !email);
    if (list) {
        spec += ", list = \";\"";
        note += "; a list in one cell (" + examples(values, 1) + "): one row per item";
    }
    spec += " }";
    if (spec == "{ column = " + quote(s.header[column]) + " }") spec = quote(s.header[column]);
    return spec;
}

// The id, kind and name columns of a customers file.
void Suggester::customer_names(Block& block, const CustomerFile& c) const {
    const FileSample& s = *c.sample;
    // id
    if (c.id) {
        block.columns.push_back({"id", quote(s.header[*c.id]),
                                 c.own_format ? ""
                                              : "guess: the record's id (" +
                                                    examples(values_of(s, *c.id), 2) +
                                                    "); check it is unique"});
        block.used.insert(*c.id);
    } else if (c.email) {
        block.columns.push_back(
            {"id", quote(s.header[*c.email]), "guess: no id column: the e-mail address is the id"});
        block.used.insert(*c.email);
    }
    // kind
    if (const auto kind = find(s, {"kind"})) {
        block.columns.push_back({"kind", quote(s.header[*kind]), ""});
        block.used.insert(*kind);
    } else
        block.columns.push_back(
            {"kind",
             std::string("{ value = ") + (c.business ? "\"business\"" : "\"person\"") + " }",
             c.business ? "guess: companies or accounts (file name, company columns)"
                        : "guess: people (file name, first and last names)"});
    // name
    const auto name = find(s, kNameNames, block.used);
    const auto first = find(s, kFirstNames, block.used), last = find(s, kLastNames, block.used);
    if (name) {
        block.columns.push_back(
            {"name", quote(s.header[*name]), c.own_format ? "" : "guess: the display name"});
        block.used.insert(*name);
    } else if (first && last) {
        block.columns.push_back({"name",
                                 quote("{" + s.header[*first] + "} {" + s.header[*last] + "}"),
                                 "guess: first and last name"});
        block.used.insert(*first);
        block.used.insert(*last);
    } else if (first || last) {
        const std::size_t column = first ? *first : *last;
        block.columns.push_back({"name", quote(s.header[column]), "guess: the only name column"});
        block.used.insert(column);
    }
}

// The segment, value and cost columns; other money columns get a note.
void Suggester::customer_amounts(Block& block, const CustomerFile& c,
                                 std::map<std::size_t, std::string>& notes) {
    const FileSample& s = *c.sample;
    // segment
    if (const auto segment = find(s, kSegmentNames, block.used)) {
        const auto values = distinct(values_of(s, *segment));
        block.columns.push_back(
            {"segment", quote(s.header[*segment]),
             c.own_format ? "" : "guess: marketing segment (" + examples(values, 3) + ")"});
        block.used.insert(*segment);
    }
    // value and cost
    if (const auto value = find(s, kValueNames, block.used)) {
        std::string note = "guess: monetary value";
        if (s.names[*value] == "annualrevenue")
            note =
                "guess: the company's annual revenue; check it is the value you want (not what it "
                "spends with you)";
        block.columns.push_back({"value", quote(s.header[*value]), c.own_format ? "" : note});
        block.used.insert(*value);
        number_column(block, s, *value);
        for (std::size_t i = 0; i < s.names.size(); ++i)
            if (i != *value && !block.used.count(i) &&
                std::find(kValueNames.begin(), kValueNames.end(), s.names[i]) != kValueNames.end())
                notes[i] = "another money column; `value` is " + quote(s.header[*value]);
    }
    if (const auto cost = find(s, kCostNames, block.used)) {
        block.columns.push_back({"cost", quote(s.header[*cost]),
                                 c.own_format ? "" : "guess: cost of recruiting or rewarding"});
        block.used.insert(*cost);
        number_column(block, s, *cost);
    }
}

// The opt_out column, if one looks like it, with a value map when its words are not booleans.
std::optional<std::size_t> Suggester::customer_opt_out(Block& block, const CustomerFile& c) const {
    const FileSample& s = *c.sample;
    // opt_out
    std::optional<std::size_t> opt_out;
    for (const std::string_view candidate : kOptOutNames) {
        for (std::size_t i = 0; i < s.names.size() && !opt_out; ++i)
            if (s.names[i] == candidate && !block.used.count(i)) opt_out = i;
        if (opt_out) break;
    }
    if (!opt_out)  // any other opt-out-looking column that is not a narrow one
        for (std::size_t i = 0; i < s.names.size() && !opt_out; ++i)
            if (!block.used.count(i) && looks_like_opt_out(s.names[i]) &&
                !narrow_opt_out(s.names[i]))
                opt_out = i;
    if (opt_out) {
        const auto values = distinct(values_of(s, *opt_out));
        std::string spec = quote(s.header[*opt_out]), note;
        const bool yes_no =
            !values.empty() && std::all_of(values.begin(), values.end(), [](const std::string& v) {
                const std::string l = lower(v);
                return l == "yes" || l == "no" || l == "y" || l == "n";
            });
        if (c.own_format) {
        } else if (values.empty())
            note = "guess: opt-out flag; no values seen: check they are true/false or yes/no";
        else if (yes_no) {
            // Both words in the map, spelled as the file spells the one it shows ("Yes" -> "No").
            std::vector<std::string> words = values;
            const std::string& seen = values.front();
            const bool upper = seen.size() > 1 && std::isupper(static_cast<unsigned char>(seen[1]));
            const bool capital = std::isupper(static_cast<unsigned char>(seen[0]));
            auto spelled = [&](std::string word) {
                for (std::size_t k = 0; k < word.size(); ++k)
                    if (upper || (capital && k == 0))
                        word[k] =
                            static_cast<char>(std::toupper(static_cast<unsigned char>(word[k])));
                return word;
            };
            const bool short_form = seen.size() == 1;
            for (const std::string& word :
                 {std::string(short_form ? "y" : "yes"), std::string(short_form ? "n" : "no")})
                if (std::none_of(words.begin(), words.end(),
                                 [&](const std::string& v) { return lower(v) == word; }))
                    words.push_back(spelled(word));
            std::vector<std::string> parts;
            for (const std::string& v : words)
                parts.push_back(quote(v) + " = " + (truthy_word(v) ? "true" : "false"));
            spec = "{ column = " + quote(s.header[*opt_out]) + ", map = { " + join(parts, ", ") +
                   " } }";
            note =
                "guess: opt-out flag; values " + examples(values) + " mapped to true/false: check";
        } else if (std::all_of(values.begin(), values.end(),
                               [](const std::string& v) { return boolean_word(v); }))
            note = "guess: opt-out flag, values " + examples(values) + " (read as booleans)";
        else {
            std::vector<std::string> parts;
            for (const std::string& v : values)
                parts.push_back(quote(v) + " = " + (truthy_word(v) ? "true" : "false"));
            spec = "{ column = " + quote(s.header[*opt_out]) + ", map = { " + join(parts, ", ") +
                   " } }";
            note = "check: opt-out flag with values " + examples(values) +
                   ": check which mean opted out";
        }
        if (s.names[*opt_out] == "donotcall")
            note += "; phone only: check it is the opt-out you need";
        block.columns.push_back({"opt_out", spec, note});
        block.used.insert(*opt_out);
    }
    return opt_out;
}

// Further opt-out-looking columns: never silently dropped.
void Suggester::other_opt_outs(Block& block, const FileSample& s,
                               std::optional<std::size_t> opt_out,
                               std::map<std::size_t, std::string>& notes) const {
    for (std::size_t i = 0; i < s.names.size(); ++i) {
        if (block.used.count(i) || !looks_like_opt_out(s.names[i])) continue;
        if (s.names[i] == "donotcall" || s.names[i] == "donotcontact") {
            block.columns.push_back(
                {"do_not_" + std::string(s.names[i] == "donotcall" ? "call" : "contact"),
                 quote(s.header[i]),
                 "guess: kept as an attribute; a mapping has one opt_out column: check which one "
                 "you need"});
            block.used.insert(i);
        } else
            notes[i] =
                narrow_opt_out(s.names[i])
                    ? "check: a narrower opt-out (one channel or subscription type); opt_out is " +
                          (opt_out ? quote(s.header[*opt_out]) : std::string("not mapped"))
                    : "check: looks like an opt-out flag; opt_out is " +
                          (opt_out ? quote(s.header[*opt_out]) : std::string("not mapped"));
    }
}

// Attributes: catena's own format keeps every other column; a CRM export the useful few.
void Suggester::customer_attributes(Block& block, const CustomerFile& c) const {
    const FileSample& s = *c.sample;
    if (c.own_format) {
        for (std::size_t i = 0; i < s.header.size(); ++i)
            if (!block.used.count(i)) {
                block.columns.push_back({s.header[i], quote(s.header[i]), ""});
                block.used.insert(i);
            }
    } else {
        static const std::vector<std::pair<std::string_view, Names>> kAttributes = {
            {"email", kEmailNames},
            {"owner",
             {"contactowner", "companyowner", "accountowner", "owner", "ownername", "dealowner"}},
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
                block.columns.push_back({std::string(attribute), quote(s.header[*column]),
                                         "guess: kept as a text attribute"});
                block.used.insert(*column);
            }
    }
}

void Suggester::plan_customers(CustomerFile& c) {
    const FileSample& s = *c.sample;
    Block block;
    block.table = "customers";
    block.file = s.file;
    std::map<std::size_t, std::string> notes;
    customer_names(block, c);
    customer_amounts(block, c, notes);
    const std::optional<std::size_t> opt_out = customer_opt_out(block, c);
    other_opt_outs(block, s, opt_out, notes);
    customer_attributes(block, c);
    // Keys and prefix (settings are filled in at render time for the e-mail key).
    if (c.prefix)
        block.settings.push_back(
            {"id_prefix", quote(c.entity + "-"),
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
            const bool names_it =
                (contains(n, o.entity) ||
                 (ends_with(o.entity, "y") &&
                  contains(n, o.entity.substr(0, o.entity.size() - 1) + "ies"))) &&
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
        block.heading = "each record of " + s.file + " names records of " + other->sample->file +
                        " in " + quote(s.header[i]);
        std::string note;
        const std::string source = c.prefix ? "{ column = " + quote(s.header[*c.id]) +
                                                  ", key = " + quote(c.entity + "_id") + " }"
                                            : quote(s.header[*c.id]);
        if (c.prefix) c.id_key_used = true;
        block.columns.push_back({"source", source, "the record itself"});
        block.used.insert(*c.id);
        const CustomerFile* to = nullptr;
        block.columns.push_back({"target", reference(s, i, note, &to), guessed(note)});
        block.used.insert(i);
        const bool professional = c.business != other->business;
        block.columns.push_back(
            {"type", professional ? "{ value = \"professional\" }" : "{ value = \"partner\" }",
             professional ? "guess: a person and a business they work with or for"
                          : "guess: check the type of tie between these records"});
        if (const auto created = find(s, {"createdate", "createddate", "createdat", "created"})) {
            date_column(block, s, *created, "date");
            block.columns.back().comment +=
                " (the relationship dates from the record's creation: check)";
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
                b.ignore.emplace_back(
                    s.header[i], "read by the [[relationships]] block for " + s.file + " below");
            }
        finish_ignore(block, s);
        pending_links_.push_back(std::move(block));
    }
}

}  // namespace catena::suggest_detail
