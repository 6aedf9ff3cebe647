// `catena mapping suggest`, planning the blocks of relationships, referrals and transactions
// files.
#include <algorithm>

#include "suggest_internal.hpp"

namespace catena::suggest_detail {

namespace {

// The distinct labels of a type column's values, each cell split at ';' when `list`.
std::vector<std::string> type_labels(const std::vector<std::string>& values, bool list) {
    std::vector<std::string> labels;
    for (const std::string& value : values) {
        if (list) {
            std::size_t start = 0;
            while (start <= value.size()) {
                const auto end = std::min(value.find(';', start), value.size());
                const auto item =
                    std::string(trim(std::string_view(value).substr(start, end - start)));
                if (!item.empty()) labels.push_back(item);
                start = end + 1;
            }
        } else
            labels.push_back(value);
    }
    return distinct(labels);
}

// The `type` entry of a relationships block for `column` of `s`: its labels mapped to
// catena's types when some are not catena's own.
Entry type_entry(const FileSample& s, std::size_t column) {
    const auto values = values_of(s, column);
    const bool list = std::any_of(values.begin(), values.end(),
                                  [](const std::string& v) { return contains(v, ";"); });
    const std::vector<std::string> labels = type_labels(values, list);
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
    std::string spec = "{ column = " + quote(s.header[column]);
    if (list) spec += ", list = \";\"";
    if (!reversed.empty()) spec += ", reversed = " + toml_array(reversed);
    if (!map.empty()) spec += ", map = { " + join(map, ", ") + " }";
    spec += " }";
    if (spec == "{ column = " + quote(s.header[column]) + " }") spec = quote(s.header[column]);
    std::string comment =
        own && unknown.empty() ? "" : "guess: labels mapped to catena's types: check each";
    if (!reversed.empty()) comment += "; " + examples(reversed) + " read target -> source";
    if (list) comment += "; several labels in one cell: one row each";
    if (!unknown.empty())
        comment += "; check: labels " + examples(unknown) +
                   " are no catena type: map them or declare them with --type";
    if (has_empty(s, column)) comment += "; rows without a label are `knows`";
    return {"type", spec,
            comment.empty()
                ? ""
                : (starts_with(comment, "; ") ? "guess: " + comment.substr(2) : comment)};
}

}  // namespace

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
        block.columns.push_back(type_entry(s, *type));
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
    if (const auto date = find(s, kRelationshipDateNames, block.used))
        date_column(block, s, *date, "date");
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
    if (const auto date = find(s, kReferralDateNames, block.used))
        date_column(block, s, *date, "date");
    if (const auto converted = find(s, kConvertedNames, block.used)) {
        block.used.insert(*converted);
        const auto values = distinct(values_of(s, *converted));
        if (std::all_of(values.begin(), values.end(),
                        [](const std::string& v) { return boolean_word(v); }))
            block.columns.push_back(
                {"converted", quote(s.header[*converted]),
                 s.names[*converted] == "converted" ? "" : "guess: read as booleans"});
        else {
            std::vector<std::string> parts;
            for (const std::string& v : values)
                parts.push_back(quote(v) + " = " + (truthy_word(v) ? "true" : "false"));
            block.columns.push_back({"converted",
                                     "{ column = " + quote(s.header[*converted]) + ", map = { " +
                                         join(parts, ", ") + " } }",
                                     "guess: status words mapped to converted true/false: check "
                                     "each (values not in the map are an error)"});
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

// The amount column, with its currency column when there is one (several currencies leave a
// note asking for rates).
void Suggester::amount_column(Block& block, const FileSample& s, std::size_t amount) {
    if (const auto currency = find(s, kCurrencyNames, block.used)) {
        block.used.insert(*currency);
        block.columns.push_back(
            {"amount",
             "{ column = " + quote(s.header[amount]) +
                 ", currency = " + quote(s.header[*currency]) + " }",
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
            currency_note_ =
                s.file + " has amounts in " + std::to_string(counts.size()) + " currencies";
        }
    } else
        block.columns.push_back(
            {"amount", quote(s.header[amount]), "guess: the amount of the purchase"});
}

// Rows that are no purchase (lost opportunities, refunded or cancelled orders): skip_if filters.
void Suggester::skip_non_purchases(Block& block, const FileSample& s) const {
    for (std::size_t i = 0; i < s.names.size(); ++i) {
        if (block.used.count(i)) continue;
        const std::string& n = s.names[i];
        const auto values = distinct(values_of(s, i));
        std::vector<std::string> drop;
        std::string why_drop;
        if (n == "stagename") {
            const bool won = std::any_of(values.begin(), values.end(), [](const std::string& v) {
                return lower(v) == "closed won";
            });
            if (!won) continue;
            drop = kSalesforceStages;
            for (const std::string& v : values)
                if (lower(v) != "closed won" &&
                    std::none_of(drop.begin(), drop.end(),
                                 [&](const std::string& d) { return lower(d) == lower(v); }))
                    drop.push_back(v);
            why_drop =
                "only Closed Won opportunities are purchases (every other stage listed: check your "
                "sales process's stages)";
        } else if (n == "iswon" && !find(s, {"stagename"})) {
            drop = {"false"};
            why_drop = "only won opportunities are purchases";
        } else if (n == "financialstatus" || n == "paymentstatus" || n == "orderstatus" ||
                   n == "status") {
            static const std::vector<std::string> kNoSale = {"refunded", "voided", "cancelled",
                                                             "canceled", "failed", "declined"};
            for (const std::string& v : kNoSale)
                if (n == "financialstatus"
                        ? (v == "refunded" || v == "voided" ||
                           std::any_of(values.begin(), values.end(),
                                       [&](const std::string& x) { return lower(x) == v; }))
                        : std::any_of(values.begin(), values.end(),
                                      [&](const std::string& x) { return lower(x) == v; }))
                    drop.push_back(v);
            if (drop.empty()) continue;
            why_drop =
                "orders that are no purchase (values seen: " + examples(values, 6) + "): check";
        } else
            continue;
        block.skip_if[s.header[i]] = drop;
        block.skip_order.push_back(s.header[i]);
        block.skip_notes.push_back(quote(s.header[i]) + ": " + why_drop);
        block.used.insert(i);
    }
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
                std::find(kTransactionDateNames.begin(), kTransactionDateNames.end(), s.names[i]) !=
                    kTransactionDateNames.end())
                notes[i] = "another date; `date` is " + quote(s.header[*date]);
    }
    const auto amount = *find(s, kAmountNames, block.used);
    block.used.insert(amount);
    number_column(block, s, amount);
    amount_column(block, s, amount);
    if (const auto channel = find(s, kChannelNames, block.used)) {
        block.columns.push_back(
            {"channel", quote(s.header[*channel]),
             "guess: sales channel (" + examples(distinct(values_of(s, *channel)), 3) + ")"});
        block.used.insert(*channel);
    }
    if (const auto behalf = find(s, kOnBehalfNames, block.used)) {
        std::string n;
        block.columns.push_back(
            {"on_behalf_of", reference(s, *behalf, n), n.empty() ? "" : "guess: " + n});
        block.used.insert(*behalf);
    }
    for (const std::string_view name : kOrderIdNames) {
        const auto order = find(s, {name}, block.used);
        if (!order) continue;
        const auto values = values_of(s, *order);
        if (name == "name" && !std::all_of(values.begin(), values.end(), [](const std::string& v) {
                return starts_with(v, "#");
            }))
            continue;
        block.columns.push_back(
            {"order_id", quote(s.header[*order]),
             "guess: the order's id (" + examples(values, 2) + "), part of the append key"});
        block.used.insert(*order);
        break;
    }
    skip_non_purchases(block, s);
    add_deleted_filter(block, s);
    finish_ignore(block, s, notes);
    blocks_.push_back(std::move(block));
}

}  // namespace catena::suggest_detail
