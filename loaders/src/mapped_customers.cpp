// MappedReader's customers: every customers source read into customer rows, streamed to the
// sink, or (when the mapping names keys) collected and merged by shared keys first.
#include <algorithm>
#include <map>

#include "mapped_reader.hpp"

namespace catena::mapping_detail {

// Attribute names: every non-catena column of every customers source, first seen first.
std::vector<std::string> MappedReader::customer_attribute_names() const {
    std::vector<std::string> attribute_names;
    for (const Open& open : sources_) {
        if (open.spec.table != Table::customers) continue;
        for (const ValueSpec& spec : open.spec.columns)
            if (spec.kind == ColumnKind::attribute &&
                std::find(attribute_names.begin(), attribute_names.end(), spec.catena) ==
                    attribute_names.end())
                attribute_names.push_back(spec.catena);
    }
    return attribute_names;
}

// Without keys no two records are one customer: each goes to the sink as it is read.
// With keys, all are read first and merged.
bool MappedReader::merging_customers() const {
    return std::any_of(sources_.begin(), sources_.end(), [](const Open& open) {
        return open.spec.table == Table::customers && !open.spec.keys.empty();
    });
}

// For each column of a customers source, its place among the attribute names (SIZE_MAX: a
// catena column).
std::vector<std::size_t> MappedReader::attribute_slots(
    const Open& open, const std::vector<std::string>& attribute_names) {
    std::vector<std::size_t> attribute_slot;
    for (const ValueSpec& spec : open.spec.columns)
        attribute_slot.push_back(
            spec.kind == ColumnKind::attribute
                ? static_cast<std::size_t>(
                      std::find(attribute_names.begin(), attribute_names.end(), spec.catena) -
                      attribute_names.begin())
                : SIZE_MAX);
    return attribute_slot;
}

// The CustomerColumns a customers source maps.
std::uint8_t MappedReader::given_columns(const Open& open) {
    std::uint8_t given = 0;
    for (const ValueSpec& spec : open.spec.columns) {
        const std::string_view name = spec.catena;
        if (spec.kind == ColumnKind::attribute) continue;
        given |= name == "kind"      ? CustomerColumns::kind
                 : name == "name"    ? CustomerColumns::name
                 : name == "segment" ? CustomerColumns::segment
                 : name == "value"   ? CustomerColumns::value
                 : name == "cost"    ? CustomerColumns::cost
                 : name == "opt_out" ? CustomerColumns::opt_out
                                     : 0;
    }
    return given;
}

// The mapped columns, attributes and keys of one record of a customers source, into `record`.
void MappedReader::read_customer(const Open& open, const std::vector<std::string_view>& fields,
                                 const std::vector<std::size_t>& attribute_slot,
                                 std::string& scratch, CustomerRecord& record) {
    for (std::size_t position = 0; position < open.spec.columns.size(); ++position) {
        const ValueSpec& spec = open.spec.columns[position];
        const std::string_view value = text(spec, fields, scratch);
        if (spec.kind == ColumnKind::attribute) {
            record.attributes[attribute_slot[position]].assign(value);
            continue;
        }
        const std::string_view name = spec.catena;
        if (name == "id")
            record.id.assign(open.spec.id_prefix).append(value);
        else if (name == "kind")
            record.node_kind = fields::kind(value, "kind");
        else if (name == "name")
            record.name = value;
        else if (name == "segment")
            record.segment = value;
        else if (name == "value")
            record.value = number(open, spec, value);
        else if (name == "cost")
            record.cost = number(open, spec, value);
        else if (name == "opt_out")
            record.opt_out = boolean(spec, value).value_or(false);
    }
    if (fields::trim(record.id) == open.spec.id_prefix)
        throw RowError("id", "customer id is empty");
    for (const auto& [key, spec] : open.spec.keys) {
        const std::string value = normalize_key(key, text(spec, fields, scratch));
        if (!value.empty()) record.keys.emplace_back(key, value);
    }
}

// `record` as the sink takes it; its attributes are views kept in `attributes`.
CustomerRow MappedReader::customer_row(const CustomerRecord& record,
                                       std::vector<std::string_view>& attributes) {
    CustomerRow row;
    row.id = record.id;
    row.kind = record.node_kind;
    row.name = record.name;
    row.segment = record.segment;
    row.value = record.value;
    row.cost = record.cost;
    row.opt_out = record.opt_out;
    row.given = record.given;
    for (std::size_t index = 0; index < attributes.size(); ++index)
        attributes[index] = record.attributes[index];
    row.attributes = attributes;
    return row;
}

void MappedReader::read_customers() {
    const std::vector<std::string> attribute_names = customer_attribute_names();
    const bool merging = merging_customers();
    if (!merging) sink_.begin_customers(attribute_names);
    std::vector<std::string_view> attributes(attribute_names.size());
    std::vector<CustomerRecord> records;
    CustomerRecord working;
    std::size_t streamed = 0;
    for (std::size_t index = 0; index < sources_.size(); ++index) {
        Open& open = sources_[index];
        if (open.spec.table != Table::customers) continue;
        const std::vector<std::size_t> attribute_slot = attribute_slots(open, attribute_names);
        const std::uint8_t given = given_columns(open);
        std::string scratch;
        each_record(open, [&](const std::vector<std::string_view>& fields) -> std::uint64_t {
            CustomerRecord& record = working;  // reused: its strings keep their capacity
            record.clear(attribute_names.size());
            record.source = index;
            record.line = open.reader->line();
            record.given = given;
            read_customer(open, fields, attribute_slot, scratch, record);
            if (!merging) {
                sink_.customer(
                    customer_row(record, attributes));  // a RowError is the record's, as any other
                if (++streamed == kRecordsBeforeEstimate)
                    sink_.expect_customers(
                        records_left(*open.reader, report_.sources[open.report].records));
                return 1;
            }
            if (bad_.skipping()) record.record = csv_record(fields);
            records.push_back(record);
            return 1;
        });
    }
    if (!merging) return;
    merge_duplicates(records);
    deliver_merged(records, attribute_names);
}

// The records left after merging go to the sink and their keys into key_index_; keys of merged
// records point at the customer they were merged into.
void MappedReader::deliver_merged(std::vector<CustomerRecord>& records,
                                  const std::vector<std::string>& attribute_names) {
    std::vector<std::string_view> attributes(attribute_names.size());
    sink_.begin_customers(attribute_names);
    for (CustomerRecord& record : records) {
        if (record.merged) continue;
        try {
            sink_.customer(customer_row(record, attributes));
        } catch (const RowError& error) {
            Open& open = sources_[record.source];
            ++report_.sources[open.report].skipped;
            --report_.sources[open.report].rows;
            bad_.add_line("customers", open.reader->name(), record.line,
                          source_column(open, error.column()), error.column(), error.what(),
                          record.record);
            rejected_ids_.insert(record.id);
            continue;
        }
        for (const auto& [key, value] : record.keys) key_index_[key].try_emplace(value, record.id);
    }
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
void MappedReader::merge_duplicates(std::vector<CustomerRecord>& records) {
    std::map<std::string, std::unordered_map<std::string, std::size_t>>
        owner;  // key -> value -> record
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
                                  "duplicate customer: " + shared + " also belongs to customer '" +
                                      first.id + "' (" + sources_[first.source].reader->name() +
                                      ":" + std::to_string(first.line) +
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
            for (std::size_t slot = 0; slot < first.attributes.size(); ++slot)
                fill(first.attributes[slot], record.attributes[slot]);
            for (const auto& key : record.keys) {
                if (std::find(first.keys.begin(), first.keys.end(), key) == first.keys.end())
                    first.keys.push_back(key);
                owner[key.first].try_emplace(key.second, *into);
            }
            record.merged = true;
            if (record.id != first.id) aliases_[record.id] = first.id;
            ++report_.input.merged_customers;
            if (examples++ < 5)
                report_.warnings.push_back(sources_[record.source].reader->name() + ":" +
                                           std::to_string(record.line) + ": customer '" +
                                           record.id + "' merged into '" + first.id + "' (" +
                                           sources_[first.source].reader->name() + ":" +
                                           std::to_string(first.line) + "): same " + shared);
            continue;
        }
        for (const auto& [key, value] : record.keys) owner[key].try_emplace(value, index);
    next_record:;
    }
    if (examples > 5)
        report_.warnings.push_back(std::to_string(examples) +
                                   " customers merged into another by a shared key in all");
}

}  // namespace catena::mapping_detail
