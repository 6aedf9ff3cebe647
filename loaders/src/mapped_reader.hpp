// Private to loaders/src: MappedReader, which reads the files of a data folder through a Mapping
// into a DatasetSink. Its work is spread by job: opening the sources and checking their headers
// (mapped_reader.cpp), field values -- numbers, dates, booleans, keys, currencies
// (mapped_values.cpp), customers and merging duplicates (mapped_customers.cpp), and the rows of
// relationships, referrals and transactions (mapped_rows.cpp). The per-field helpers every
// table uses are defined here, so each reader inlines them as before.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "catena/graph/errors.hpp"
#include "catena/loaders/csv_reader.hpp"
#include "catena/loaders/dataset_sink.hpp"
#include "catena/loaders/load.hpp"

#include "bad_rows.hpp"
#include "mapping_internal.hpp"
#include "row_batch.hpp"

namespace catena::mapping_detail {

// A customer row read from a source, owned, until duplicates are merged.
struct CustomerRecord {
    std::string id, kind, name, segment, value_text, cost_text, opt_out_text;
    std::optional<double> value, cost;
    bool opt_out = false;
    NodeKind node_kind = NodeKind::person;
    std::vector<std::string> attributes;                    // per attribute name
    std::uint8_t given = 0;                                 // CustomerColumns the source maps
    std::vector<std::pair<std::string, std::string>> keys;  // key name -> normalised value
    std::size_t source = 0;
    std::uint64_t line = 0;
    std::string record;   // the CSV record, kept when skipping
    bool merged = false;  // merged into another

    // Empty again, with `attribute_count` empty attributes (strings keep their capacity).
    void clear(std::size_t attribute_count) {
        for (std::string* text :
             {&id, &kind, &name, &segment, &value_text, &cost_text, &opt_out_text, &record})
            text->clear();
        value.reset();
        cost.reset();
        opt_out = false;
        node_kind = NodeKind::person;
        attributes.resize(attribute_count);
        for (std::string& attribute : attributes) attribute.clear();
        given = 0;
        keys.clear();
        source = 0;
        line = 0;
        merged = false;
    }
};

class MappedReader {
  public:
    MappedReader(const Mapping& mapping, const std::filesystem::path& dir,
                 const LoadOptions& options, DatasetSink& sink, ReadReport& report)
        : mapping_(mapping),
          dir_(dir),
          sink_(sink),
          report_(report),
          bad_(options.on_bad_row.value_or(BadRowPolicy::stop), options.max_errors, report.input) {}

    void run() {
        open_sources();
        check_unmapped_columns();
        read_customers();
        // Stop at bad customers: the rows naming them would only repeat the error. The other
        // tables' errors are listed together.
        bad_.finish();
        for (const Table table : {Table::relationships, Table::referrals, Table::transactions})
            for (std::size_t index = 0; index < mapping_.sources.size(); ++index)
                if (mapping_.sources[index].table == table) read_rows(index);
        bad_.finish();
    }

  private:
    struct Open {
        SourceSpec spec;  // with column positions filled in
        std::optional<CsvReader> reader;
        std::size_t report = 0;  // index into report_.sources
    };

    std::string file_name(const SourceSpec& spec) const { return (dir_ / spec.file).string(); }

    // Opens every source file and finds each column the mapping names in its header.
    void open_sources();

    // Source columns no source of their file uses: listed, and an error when they look like a
    // catena column of a table the file feeds (an opt-out flag must never be dropped unnoticed).
    void check_unmapped_columns();

    // --- Field values ---------------------------------------------------------------------

    // The text of `spec` for the current record as the file has it (trimmed), in `out` if built.
    std::string_view raw_text(const ValueSpec& spec, const std::vector<std::string_view>& fields,
                              std::string& out) const {
        switch (spec.from) {
            case ValueSpec::From::column:
                return fields::trim(fields[spec.index]);
            case ValueSpec::From::constant:
                return spec.constant;
            case ValueSpec::From::templated:
                break;
        }
        out.clear();
        for (const TemplatePart& part : spec.parts)
            out += part.column ? fields::trim(fields[part.index]) : part.text;
        // Empty parts leave doubled or outer spaces: "{First} {Last}" with no first name.
        std::string collapsed;
        for (const char c : out)
            if (!(c == ' ' && (collapsed.empty() || collapsed.back() == ' '))) collapsed += c;
        while (!collapsed.empty() && collapsed.back() == ' ') collapsed.pop_back();
        out = std::move(collapsed);
        return out;
    }

    // The same after the value map.
    std::string_view text(const ValueSpec& spec, const std::vector<std::string_view>& fields,
                          std::string& out) const {
        const std::string_view value = raw_text(spec, fields, out);
        if (!spec.map.empty()) {
            const auto mapped = spec.map.find(fold(value));
            if (mapped != spec.map.end()) return mapped->second;
        }
        return value;
    }

    // A column's name for messages: the source column, or the catena column for a template.
    static std::string label(const ValueSpec& spec) {
        return spec.from == ValueSpec::From::column ? spec.column : spec.catena;
    }

    std::optional<double> number(const Open& open, const ValueSpec& spec, std::string_view text);

    std::optional<Date> date(const SourceSpec& source, const ValueSpec& spec,
                             std::string_view text) const;

    std::optional<bool> boolean(const ValueSpec& spec, std::string_view text) const;

    std::string normalize_key(const std::string& key, std::string_view value) const;

    // The customer id a reference names: by key, or as stored (following merges).
    std::string_view resolve(const ValueSpec& spec, std::string_view raw);

    bool filtered(const Open& open, const std::vector<std::string_view>& fields) const {
        for (std::size_t filter = 0; filter < open.spec.skip_if.size(); ++filter)
            if (open.spec.skip_if[filter].second.contains(
                    fold(fields[open.spec.skip_if_index[filter]])))
                return true;
        return false;
    }

    // Reads the records of a source, calling handle(fields) for each one that is not filtered
    // (it returns the rows it gave the sink); bad records and RowErrors go to bad_ (a RowError
    // naming a catena column is reported under the source column that feeds it). flush() hands
    // on the rows a handler batched: it is called before any error is reported, so that errors
    // come in file order, and at the end.
    template <typename Handle, typename Flush>
    void each_record(Open& open, Handle&& handle, Flush&& flush) {
        CsvReader& reader = *open.reader;
        SourceReport& report = report_.sources[open.report];
        const std::string table = kTableNames[static_cast<int>(open.spec.table)];
        std::vector<std::string_view> fields;
        for (;;) {
            try {
                if (!reader.next(fields)) break;
            } catch (const BadRecord& error) {
                flush();
                ++report.records;
                ++report.skipped;
                bad_.add(table, reader.name(), reader.line(), error.column(), "", error.problem(),
                         fields);
                continue;
            } catch (const InputError&) {
                flush();  // a malformed record is reported after the rows before it
                bad_.finish();
                throw;
            }
            ++report.records;
            if (filtered(open, fields)) {
                ++report.filtered;
                ++report_.input.filtered;
                continue;
            }
            try {
                // Batched rows are counted where the sink takes them (maybe another thread):
                // report.rows is only touched here for rows handed on at once.
                if (const std::uint64_t rows = handle(fields)) report.rows += rows;
            } catch (const RowError& error) {
                flush();
                row_error(open, error, reader.line(), fields);
            } catch (const InputError&) {
                flush();  // an error the sink met in an earlier row comes first
                throw;
            }
        }
        flush();
    }

    template <typename Handle>
    void each_record(Open& open, Handle&& handle) {
        each_record(open, std::forward<Handle>(handle), [] {});
    }

    // A row of `open` at `line` that the mapping or the sink refused.
    void row_error(Open& open, const RowError& error, std::uint64_t line,
                   const std::vector<std::string_view>& fields);

    // The column of `open`'s file that feeds catena column `catena` (for messages), or `catena`.
    std::string source_column(const Open& open, const std::string& catena) const;

    const ValueSpec* column(const Open& open, std::string_view catena) const {
        for (const ValueSpec& spec : open.spec.columns)
            if (spec.catena == catena) return &spec;
        return nullptr;
    }

    // --- Customers ------------------------------------------------------------------------

    void read_customers();
    std::vector<std::string> customer_attribute_names() const;
    bool merging_customers() const;
    static std::vector<std::size_t> attribute_slots(
        const Open& open, const std::vector<std::string>& attribute_names);
    static std::uint8_t given_columns(const Open& open);
    void read_customer(const Open& open, const std::vector<std::string_view>& fields,
                       const std::vector<std::size_t>& attribute_slot, std::string& scratch,
                       CustomerRecord& record);
    static CustomerRow customer_row(const CustomerRecord& record,
                                    std::vector<std::string_view>& attributes);
    void deliver_merged(std::vector<CustomerRecord>& records,
                        const std::vector<std::string>& attribute_names);

    // Customers with equal normalised keys are one customer: the later rows fill the first's
    // empty fields (an opt-out in any of them holds for all), or are errors when the key says so.
    void merge_duplicates(std::vector<CustomerRecord>& records);

    // --- Relationships, referrals, transactions -------------------------------------------

    // The source columns that feed each catena column of a row table (null: not mapped).
    struct RowColumns {
        const ValueSpec *source, *target, *type, *weight, *probability, *date,
            *directed;                                              // relationships
        const ValueSpec *referrer, *referred, *converted, *reward;  // referrals
        const ValueSpec *customer, *on_behalf_of, *amount, *channel,
            *order_id;  // transactions (and date)
    };

    RowColumns row_columns(const Open& open) const;

    // Relationship and transaction rows go through a RowPipeline (the sink prefetches the
    // customers they name; a big file is parsed ahead on a worker). Their texts are views into
    // the file, except those a template builds in a scratch string: those are copied into the
    // batch's own strings, kOwned per row.
    static constexpr std::size_t kOwned = 4;
    template <typename Row>
    void read_batched_rows(Open& open, const ValueSpec* list, const RowColumns& columns);

    // `text` if it lives as long as the reader, else a copy in `slot`.
    static std::string_view keep(std::string_view text, bool scratch, std::string& slot) {
        if (!scratch) return text;
        slot.assign(text);
        return slot;
    }

    static bool built(const ValueSpec* spec) {
        return spec && spec->from == ValueSpec::From::templated;
    }

    void read_rows(std::size_t index);
    bool list_items(const ValueSpec* list, const std::vector<std::string_view>& fields,
                    std::string& scratch, std::vector<std::string_view>& items) const;

    // The text of catena column `spec` for this record: the list item when it is the list.
    std::string_view value_of(const std::vector<std::string_view>& fields, const ValueSpec* spec,
                              const ValueSpec* list, std::string_view item,
                              std::string& scratch) const;

    // The customer id a reference column names, kept in `slot` when it was built in scratch.
    std::string_view reference(const std::vector<std::string_view>& fields, const ValueSpec* spec,
                               const ValueSpec* list, std::string_view item, std::string& scratch,
                               std::string& slot);

    RelationshipRow relationship(const Open& open, const RowColumns& columns,
                                 const std::vector<std::string_view>& fields, const ValueSpec* list,
                                 std::string_view item, std::string& scratch, std::string* slots);

    void deliver(const RelationshipRow& row);

    void referral(const Open& open, const RowColumns& columns,
                  const std::vector<std::string_view>& fields, const ValueSpec* list,
                  std::string_view item, std::string& scratch);

    TransactionRow transaction(const Open& open, const RowColumns& columns,
                               const std::vector<std::string_view>& fields, const ValueSpec* list,
                               std::string_view item, std::string& scratch, std::string* slots);

    // The factor that turns an amount in this row's currency into the base currency.
    double rate(const Open& open, const ValueSpec& spec, std::string_view code_text);

    const Mapping& mapping_;
    std::filesystem::path dir_;
    DatasetSink& sink_;
    ReadReport& report_;
    BadRows bad_;
    std::vector<Open> sources_;
    std::unordered_map<std::string, std::unordered_map<std::string, std::string>> key_index_;
    std::unordered_map<std::string, std::string>
        aliases_;  // merged id -> the id it was merged into
    std::unordered_set<std::string> rejected_ids_;
    std::unordered_map<const ValueSpec*, std::pair<std::string, std::string>>
        symbols_;  // symbol, where first seen
    std::unordered_map<const ValueSpec*, std::pair<std::string, std::string>> currency_seen_;
};

}  // namespace catena::mapping_detail
