// Reading the CSV tables (data folder or edge list) into a DatasetSink.
#include <array>
#include <unordered_map>
#include <string>
#include <vector>

#include "catena/graph/errors.hpp"
#include "catena/loaders/csv_reader.hpp"
#include "catena/loaders/load.hpp"
#include "catena/loaders/store.hpp"
#include "field_parse.hpp"

namespace catena {

namespace {

// A column a table knows: its name, other accepted spellings, and whether it must be there.
struct ColumnSpec {
    const char* name;
    std::vector<const char*> aliases;
    bool required;
};

// Maps a file's header onto a table's known columns; the rest are `extra`.
struct ColumnMap {
    std::vector<std::optional<std::size_t>> index;  // per spec
    std::vector<std::size_t> extra;                 // header positions not in the spec

    ColumnMap(const CsvReader& reader, const std::vector<ColumnSpec>& specs) {
        std::vector<bool> used(reader.header().size(), false);
        for (const ColumnSpec& spec : specs) {
            std::optional<std::size_t> found = reader.column(spec.name);
            for (const char* alias : spec.aliases)
                if (!found) found = reader.column(alias);
            // Before the first record is read, the reader's position is the header's line (not
            // always 1: empty lines before it are skipped).
            if (!found && spec.required)
                throw InputError(reader.where(), "header",
                                 std::string("missing required column '") + spec.name + "'");
            if (found) used[*found] = true;
            index.push_back(found);
        }
        for (std::size_t position = 0; position < used.size(); ++position)
            if (!used[position]) extra.push_back(position);
    }

    std::string_view get(const std::vector<std::string_view>& fields, std::size_t spec) const {
        return index[spec] ? fields[*index[spec]] : std::string_view();
    }
};

// Runs `handle(fields)` for every record, turning a RowError into an InputError at file:line.
template <typename Handle>
void for_each_record(CsvReader& reader, const ColumnMap& columns, Handle&& handle) {
    std::vector<std::string_view> fields;
    fields.reserve(reader.header().size());
    while (reader.next(fields)) {
        try {
            handle(fields);
        } catch (const RowError& error) {
            (void)columns;
            throw InputError(reader.where(), error.column(), error.what());
        }
    }
}

void warn_unused(const CsvReader& reader, const ColumnMap& columns,
                 std::vector<std::string>& warnings) {
    if (columns.extra.empty()) return;
    std::string message = reader.name() + ": ignoring column";
    message += columns.extra.size() > 1 ? "s" : "";
    for (std::size_t position = 0; position < columns.extra.size(); ++position) {
        message += position == 0 ? " '" : ", '";
        message += reader.header()[columns.extra[position]];
        message += '\'';
    }
    message += " (not used by this table)";
    warnings.push_back(std::move(message));
}

enum CustomerColumn { kId, kKind, kName, kSegment, kValue, kCost, kOptOut };
const std::vector<ColumnSpec> kCustomerColumns = {
    {"id", {"customer_id", "customer"}, true}, {"kind", {}, false},
    {"name", {"label"}, false},                {"segment", {}, false},
    {"value", {}, false},                      {"cost", {}, false},
    {"opt_out", {"optout", "opt-out"}, false},
};

enum RelationshipColumn { kSource, kTarget, kType, kWeight, kProbability, kRelDate, kDirected };
const std::vector<ColumnSpec> kRelationshipColumns = {
    {"source", {"from", "src"}, true}, {"target", {"to", "dst"}, true},
    {"type", {"relationship"}, false}, {"weight", {}, false},
    {"probability", {}, false},        {"date", {"since"}, false},
    {"directed", {}, false},
};

enum ReferralColumn { kReferrer, kReferred, kRefDate, kConverted, kReward };
const std::vector<ColumnSpec> kReferralColumns = {
    {"referrer", {}, true},        {"referred", {}, true}, {"date", {}, false},
    {"converted", {}, false},      {"reward", {}, false},
};

enum TransactionColumn { kCustomer, kTxDate, kAmount, kChannel, kOnBehalfOf };
const std::vector<ColumnSpec> kTransactionColumns = {
    {"customer", {"customer_id", "id"}, true}, {"date", {}, true}, {"amount", {}, true},
    {"channel", {}, false},                    {"on_behalf_of", {"on_behalf"}, false},
};

void read_customers(CsvReader reader, DatasetSink& sink) {
    const ColumnMap columns(reader, kCustomerColumns);
    std::vector<std::string> attribute_names;
    for (const std::size_t position : columns.extra) attribute_names.push_back(reader.header()[position]);
    sink.begin_customers(attribute_names);
    std::vector<std::string_view> attributes(columns.extra.size());
    for_each_record(reader, columns, [&](const std::vector<std::string_view>& fields) {
        CustomerRow row;
        row.id = columns.get(fields, kId);
        row.kind = fields::kind(columns.get(fields, kKind), "kind");
        row.name = columns.get(fields, kName);
        row.segment = fields::trim(columns.get(fields, kSegment));
        row.value = fields::number(columns.get(fields, kValue), "value");
        row.cost = fields::number(columns.get(fields, kCost), "cost");
        row.opt_out = fields::boolean(columns.get(fields, kOptOut), "opt_out").value_or(false);
        for (std::size_t index = 0; index < columns.extra.size(); ++index)
            attributes[index] = fields[columns.extra[index]];
        row.attributes = attributes;
        sink.customer(row);
    });
}

void read_relationships(CsvReader reader, DatasetSink& sink, std::vector<std::string>& warnings) {
    const ColumnMap columns(reader, kRelationshipColumns);
    warn_unused(reader, columns, warnings);
    // Rows are parsed in batches so the sink can start fetching the ids of a whole batch before
    // resolving them one by one; rows still reach the sink in file order, and the first error in
    // file order is the one reported.
    constexpr std::size_t kBatch = 64;
    std::vector<RelationshipRow> batch;
    std::vector<std::uint64_t> lines;
    std::size_t batches = 0;
    batch.reserve(kBatch);
    lines.reserve(kBatch);
    const auto flush = [&] {
        sink.prefetch(batch);
        for (std::size_t index = 0; index < batch.size(); ++index) {
            try {
                sink.relationship(batch[index]);
            } catch (const RowError& error) {
                throw InputError(file_line(reader.name(), lines[index]), error.column(), error.what());
            }
        }
        batch.clear();
        lines.clear();
    };
    std::vector<std::string_view> fields;
    fields.reserve(reader.header().size());
    const auto next_record = [&] {
        try {
            return reader.next(fields);
        } catch (const InputError&) {
            flush();  // a malformed record is reported after the rows before it
            throw;
        }
    };
    while (next_record()) {
        RelationshipRow row;
        try {
            row.source = columns.get(fields, kSource);
            row.target = columns.get(fields, kTarget);
            row.type = fields::trim(columns.get(fields, kType));
            row.weight = fields::number(columns.get(fields, kWeight), "weight").value_or(1.0);
            row.probability = fields::number(columns.get(fields, kProbability), "probability");
            row.date = fields::date(columns.get(fields, kRelDate), "date");
            row.directed = fields::boolean(columns.get(fields, kDirected), "directed");
        } catch (const RowError& error) {
            flush();  // earlier rows first: their errors come first in the file
            throw InputError(reader.where(), error.column(), error.what());
        }
        batch.push_back(row);
        lines.push_back(reader.line());
        if (batch.size() == kBatch) {
            if (++batches == 16) {
                // Estimate the rows to come from the bytes the first ones took, with a margin.
                const double bytes_per_row = static_cast<double>(reader.bytes_read()) / (16.0 * kBatch);
                sink.expect_relationships(static_cast<std::size_t>(
                    1.02 * static_cast<double>(reader.bytes_total()) / bytes_per_row) + kBatch);
            }
            flush();
        }
    }
    flush();
}

void read_referrals(CsvReader reader, DatasetSink& sink, std::vector<std::string>& warnings) {
    const ColumnMap columns(reader, kReferralColumns);
    warn_unused(reader, columns, warnings);
    for_each_record(reader, columns, [&](const std::vector<std::string_view>& fields) {
        ReferralRow row;
        row.referrer = columns.get(fields, kReferrer);
        row.referred = columns.get(fields, kReferred);
        row.date = fields::date(columns.get(fields, kRefDate), "date");
        row.converted = fields::boolean(columns.get(fields, kConverted), "converted").value_or(true);
        row.reward = fields::number(columns.get(fields, kReward), "reward").value_or(0.0);
        sink.referral(row);
    });
}

void read_transactions(CsvReader reader, DatasetSink& sink, std::vector<std::string>& warnings) {
    const ColumnMap columns(reader, kTransactionColumns);
    warn_unused(reader, columns, warnings);
    for_each_record(reader, columns, [&](const std::vector<std::string_view>& fields) {
        TransactionRow row;
        row.customer = columns.get(fields, kCustomer);
        const auto date = fields::date(columns.get(fields, kTxDate), "date");
        if (!date) throw RowError("date", "is empty (every transaction needs a date)");
        row.date = *date;
        const auto amount = fields::number(columns.get(fields, kAmount), "amount");
        if (!amount) throw RowError("amount", "is empty (every transaction needs an amount)");
        row.amount = *amount;
        row.channel = fields::trim(columns.get(fields, kChannel));
        row.on_behalf_of = columns.get(fields, kOnBehalfOf);
        sink.transaction(row);
    });
}

}  // namespace

void InputSource::validate() const {
    const int given = !data_dir.empty() + !edges_file.empty() + !db_file.empty();
    if (given == 0)
        throw UsageError("no input: give --data DIR, --edges FILE or --db FILE");
    if (given > 1) throw UsageError("give only one of --data, --edges and --db");
    if (!nodes_file.empty() && edges_file.empty())
        throw UsageError("--nodes goes with --edges (a data folder has its own customers.csv)");
}

std::string InputSource::describe() const {
    if (!data_dir.empty()) return "folder " + data_dir.string();
    if (!db_file.empty()) return "database " + db_file.string();
    std::string text = "edge list " + edges_file.string();
    if (!nodes_file.empty()) text += " with customers " + nodes_file.string();
    return text;
}

void read_csv_input(const InputSource& source, DatasetSink& sink,
                    std::vector<std::string>& warnings) {
    source.validate();
    if (!source.edges_file.empty()) {
        if (!source.nodes_file.empty()) read_customers(CsvReader::open(source.nodes_file), sink);
        else sink.begin_customers({});
        read_relationships(CsvReader::open(source.edges_file), sink, warnings);
        return;
    }
    if (source.data_dir.empty()) throw InternalError("read_csv_input: not a CSV input");
    std::error_code error;
    if (!std::filesystem::is_directory(source.data_dir, error))
        throw InputError(source.data_dir.string(), "", "no such folder");
    const auto table = [&](const char* file) { return source.data_dir / file; };
    read_customers(CsvReader::open(table("customers.csv")), sink);
    read_relationships(CsvReader::open(table("relationships.csv")), sink, warnings);
    if (std::filesystem::exists(table("referrals.csv"), error))
        read_referrals(CsvReader::open(table("referrals.csv")), sink, warnings);
    if (std::filesystem::exists(table("transactions.csv"), error))
        read_transactions(CsvReader::open(table("transactions.csv")), sink, warnings);
}

Dataset load_dataset(const InputSource& source, const LoadOptions& options) {
    source.validate();
    if (!source.db_file.empty()) return load_store(source.db_file, options);
    GraphSink sink({options.types, options.directed,
                    /*implicit_nodes=*/source.nodes_file.empty() && !source.edges_file.empty(),
                    (source.edges_file.empty() ? source.data_dir / "relationships.csv" : source.edges_file).string()});
    std::vector<std::string> warnings;
    read_csv_input(source, sink, warnings);
    Dataset dataset = sink.finish(source.describe());
    dataset.warnings = std::move(warnings);
    return dataset;
}

}  // namespace catena

namespace catena {

std::vector<std::uint32_t> read_membership_csv(const std::filesystem::path& path, const InfluenceGraph& graph) {
    CsvReader reader = CsvReader::open(path);
    const std::vector<ColumnSpec> specs = {{"id", {"customer", "customer_id"}, true}, {"community", {}, true}};
    const ColumnMap columns(reader, specs);
    std::vector<std::uint32_t> labels(graph.num_nodes(), UINT32_MAX);
    std::unordered_map<std::string, std::uint32_t> label_of;
    std::vector<std::string_view> fields;
    while (reader.next(fields)) {
        const std::string_view id = columns.get(fields, 0);
        const auto node = graph.find(id);
        if (!node) throw InputError(reader.where(), "id", "unknown customer '" + std::string(id) + "'");
        if (labels[*node] != UINT32_MAX) throw InputError(reader.where(), "id", "customer '" + std::string(id) + "' listed twice");
        const std::string_view label = fields::trim(columns.get(fields, 1));
        if (label.empty()) throw InputError(reader.where(), "community", "is empty");
        labels[*node] = label_of.emplace(std::string(label), static_cast<std::uint32_t>(label_of.size())).first->second;
    }
    auto next = static_cast<std::uint32_t>(label_of.size());
    for (auto& label : labels)
        if (label == UINT32_MAX) label = next++;
    return labels;
}

}  // namespace catena
