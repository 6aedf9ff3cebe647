// MappedReader's rows of relationships, referrals and transactions: list columns split into one
// row per item, references resolved, rows batched so the sink can prefetch their customers.
#include <memory>
#include <span>

#include "mapped_reader.hpp"

namespace catena::mapping_detail {

MappedReader::RowColumns MappedReader::row_columns(const Open& open) const {
    const auto get = [&](std::string_view name) { return column(open, name); };
    return {get("source"),       get("target"),    get("type"),     get("weight"),
            get("probability"),  get("date"),      get("directed"), get("referrer"),
            get("referred"),     get("converted"), get("reward"),   get("customer"),
            get("on_behalf_of"), get("amount"),    get("channel"),  get("order_id")};
}

// The text of catena column `spec` for this record: the list item when it is the list.
std::string_view MappedReader::value_of(const std::vector<std::string_view>& fields,
                                        const ValueSpec* spec, const ValueSpec* list,
                                        std::string_view item, std::string& scratch) const {
    if (!spec) return {};
    if (spec == list) return item;
    return text(*spec, fields, scratch);
}

// The customer id a reference column names, kept in `slot` when it was built in scratch.
std::string_view MappedReader::reference(const std::vector<std::string_view>& fields,
                                         const ValueSpec* spec, const ValueSpec* list,
                                         std::string_view item, std::string& scratch,
                                         std::string& slot) {
    if (!spec) return {};
    const bool from_scratch = spec == list ? built(list) : built(spec);
    const std::string_view raw = spec == list ? item : text(*spec, fields, scratch);
    return keep(resolve(*spec, raw), from_scratch && spec->key.empty(), slot);
}

// This record's items of the source's list column, or one empty item when it has none; false
// when the record gives no rows.
bool MappedReader::list_items(const ValueSpec* list, const std::vector<std::string_view>& fields,
                              std::string& scratch, std::vector<std::string_view>& items) const {
    items.clear();
    if (!list) {
        items.push_back({});
        return true;
    }
    const std::string_view whole =
        raw_text(*list, fields, scratch);  // a type list is mapped item by item
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
        if (list->catena != "type") return false;
        items.push_back({});
    }
    return true;
}

void MappedReader::read_rows(std::size_t index) {
    Open& open = sources_[index];
    const ValueSpec* list = nullptr;
    for (const ValueSpec& spec : open.spec.columns)
        if (!spec.list.empty()) list = &spec;
    const RowColumns columns = row_columns(open);
    currency_seen_.clear();
    switch (open.spec.table) {
        case Table::relationships:
            return read_batched_rows<RelationshipRow>(open, list, columns);
        case Table::transactions:
            return read_batched_rows<TransactionRow>(open, list, columns);
        case Table::referrals:
        case Table::customers:
            break;
    }
    std::string scratch, list_scratch;
    std::vector<std::string_view> items;
    each_record(open, [&](const std::vector<std::string_view>& fields) -> std::uint64_t {
        if (!list_items(list, fields, list_scratch, items)) return 0;
        for (const std::string_view item : items)
            referral(open, columns, fields, list, item, scratch);
        return items.size();
    });
}

// Relationships or transactions: each record's rows go through a RowPipeline to the sink, which
// counts them (report.rows) where it runs; the reader flushes before it reports an error.
template <typename Row>
void MappedReader::read_batched_rows(Open& open, const ValueSpec* list, const RowColumns& columns) {
    SourceReport& report = report_.sources[open.report];
    std::uint64_t delivered = 0;
    RowPipeline<Row> batch(
        bad_.skipping(), parse_ahead(*open.reader), kOwned,
        [&](std::span<const Row> rows) { sink_.prefetch(rows); },
        [&](const Row& row) {
            if constexpr (std::is_same_v<Row, RelationshipRow>)
                deliver(row);
            else
                sink_.transaction(row);
            ++delivered;
        },
        [&](const RowError& error, std::uint64_t line,
            const std::vector<std::string_view>& fields) { row_error(open, error, line, fields); });
    std::string scratch, list_scratch;
    std::vector<std::string_view> items;
    std::uint64_t records = 0;
    each_record(
        open,
        [&](const std::vector<std::string_view>& fields) -> std::uint64_t {
            if (++records == kRecordsBeforeEstimate)
                batch.then([this, left = records_left(*open.reader, report.records)] {
                    if constexpr (std::is_same_v<Row, RelationshipRow>)
                        sink_.expect_relationships(left);
                    else
                        sink_.expect_transactions(left);
                });
            if (!list_items(list, fields, list_scratch, items)) return 0;
            for (const std::string_view item : items) {
                std::string* slots = batch.slots();
                if constexpr (std::is_same_v<Row, RelationshipRow>)
                    batch.push(relationship(open, columns, fields, list, item, scratch, slots),
                               open.reader->line(), fields);
                else
                    batch.push(transaction(open, columns, fields, list, item, scratch, slots),
                               open.reader->line(), fields);
                if (batch.full()) batch.submit();
            }
            return 0;
        },
        [&] { batch.flush(); });
    report.rows += delivered;
}

RelationshipRow MappedReader::relationship(const Open& open, const RowColumns& columns,
                                           const std::vector<std::string_view>& fields,
                                           const ValueSpec* list, std::string_view item,
                                           std::string& scratch, std::string* slots) {
    RelationshipRow row;
    row.source = reference(fields, columns.source, list, item, scratch, slots[0]);
    row.target = reference(fields, columns.target, list, item, scratch, slots[1]);
    if (const ValueSpec* type = columns.type) {
        if (!type->reversed.empty()) {
            const std::string_view label_text =
                type == list ? item : raw_text(*type, fields, scratch);
            if (type->reversed.contains(fold(label_text))) std::swap(row.source, row.target);
        }
        if (type == list) {
            const auto mapped = type->map.empty() ? type->map.end() : type->map.find(fold(item));
            row.type = mapped != type->map.end() ? std::string_view(mapped->second)
                                                 : keep(item, built(list), slots[2]);
        } else {
            row.type = keep(text(*type, fields, scratch), built(type), slots[2]);
        }
    }
    if (const ValueSpec* weight = columns.weight)
        row.weight = number(open, *weight, text(*weight, fields, scratch)).value_or(1.0);
    if (const ValueSpec* probability = columns.probability)
        row.probability = number(open, *probability, text(*probability, fields, scratch));
    if (const ValueSpec* date_spec = columns.date)
        row.date = date(open.spec, *date_spec, text(*date_spec, fields, scratch));
    if (const ValueSpec* directed = columns.directed)
        row.directed = boolean(*directed, text(*directed, fields, scratch));
    return row;
}

void MappedReader::deliver(const RelationshipRow& row) {
    try {
        sink_.relationship(row);
    } catch (const RowError& error) {
        if (error.column() != "type") throw;
        throw RowError(
            "type",
            std::string(error.what()) +
                "; or map the file's label to a type: type = { column = \"...\", map = { \"" +
                std::string(row.type.substr(0, 40)) + "\" = \"friend\" } }");
    }
}

void MappedReader::referral(const Open& open, const RowColumns& columns,
                            const std::vector<std::string_view>& fields, const ValueSpec* list,
                            std::string_view item, std::string& scratch) {
    ReferralRow row;
    std::string referrer, referred;  // used when a template builds the id
    row.referrer = reference(fields, columns.referrer, list, item, scratch, referrer);
    row.referred = reference(fields, columns.referred, list, item, scratch, referred);
    if (const ValueSpec* date_spec = columns.date)
        row.date = date(open.spec, *date_spec, text(*date_spec, fields, scratch));
    if (const ValueSpec* converted = columns.converted)
        row.converted = boolean(*converted, text(*converted, fields, scratch)).value_or(true);
    if (const ValueSpec* reward = columns.reward)
        row.reward = number(open, *reward, text(*reward, fields, scratch)).value_or(0.0);
    sink_.referral(row);
}

TransactionRow MappedReader::transaction(const Open& open, const RowColumns& columns,
                                         const std::vector<std::string_view>& fields,
                                         const ValueSpec* list, std::string_view item,
                                         std::string& scratch, std::string* slots) {
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
    if (!amount_spec->currency.empty())
        *amount *= rate(open, *amount_spec, fields[amount_spec->currency_index]);
    row.amount = *amount;
    const auto owned_value = [&](const ValueSpec* spec, std::string& slot) {
        return keep(value_of(fields, spec, list, item, scratch),
                    spec == list ? built(list) : built(spec), slot);
    };
    row.channel = owned_value(columns.channel, slots[2]);
    row.order_id = owned_value(columns.order_id, slots[3]);
    return row;
}

}  // namespace catena::mapping_detail
