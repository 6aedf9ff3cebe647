// Reading the CSV tables (data folder or edge list) into a DatasetSink.
#include <array>
#include <future>
#include <span>
#include <string>
#include <type_traits>
#include <unordered_map>
#include <vector>

#include "catena/graph/errors.hpp"
#include "catena/loaders/csv_reader.hpp"
#include "catena/loaders/load.hpp"
#include "catena/loaders/mapping.hpp"
#include "catena/loaders/store.hpp"

#include "bad_rows.hpp"
#include "column_names.hpp"
#include "field_parse.hpp"
#include "row_batch.hpp"
#include <omp.h>

namespace catena {

namespace {

// A column a table knows: its name, other accepted spellings, and whether it must be there.
struct ColumnSpec {
    const char* name;
    std::vector<const char*> aliases;
    bool required;
};

// Every name and alias of a table's columns, for telling misspelt columns from attributes.
std::vector<std::string> known_names(const std::vector<ColumnSpec>& specs) {
    std::vector<std::string> names;
    for (const ColumnSpec& spec : specs) {
        names.emplace_back(spec.name);
        for (const char* alias : spec.aliases) names.emplace_back(alias);
    }
    return names;
}

// Maps a file's header onto a table's known columns; the rest are `extra`. A further column
// that looks like a known one (`opted_out`, `valeu`) is an input error: it would otherwise be
// ignored, or kept as a text attribute, and silently change the answers.
struct ColumnMap {
    std::vector<std::optional<std::size_t>> index;  // per spec
    std::vector<std::size_t> extra;                 // header positions not in the spec

    ColumnMap(const CsvReader& reader, const std::vector<ColumnSpec>& specs) {
        std::vector<bool> used(reader.header().size(), false);
        for (const ColumnSpec& spec : specs) {
            std::optional<std::size_t> found = reader.column(spec.name);
            for (const char* alias : spec.aliases)
                if (!found) found = reader.column(alias);
            if (found) used[*found] = true;
            index.push_back(found);
        }
        for (std::size_t position = 0; position < used.size(); ++position)
            if (!used[position]) extra.push_back(position);
        // Before the first record is read, the reader's position is the header's line (not
        // always 1: empty lines before it are skipped).
        const std::vector<std::string> known = known_names(specs);
        for (const std::size_t position : extra) {
            const std::string& column = reader.header()[position];
            const auto like = columns::looks_like(column, known);
            if (!like) continue;
            std::string name = *like;
            for (const ColumnSpec& spec : specs)
                for (const char* alias : spec.aliases)
                    if (name == alias) name = spec.name;
            throw InputError(reader.where(), column,
                             "looks like catena's '" + name +
                                 "' column but is not spelled as it is, so it would "
                                 "not be read as " +
                                 name + "; rename it to " + name +
                                 ", or give a mapping file (--mapping) that maps it or declares it "
                                 "an attribute");
        }
        for (std::size_t spec = 0; spec < specs.size(); ++spec) {
            if (index[spec] || !specs[spec].required) continue;
            std::string message = std::string("missing required column '") + specs[spec].name + "'";
            if (reader.header().size() == 1 &&
                reader.header()[0].find_first_of(";\t|") != std::string::npos)
                message +=
                    " (the header is one column: is the file separated by something other than "
                    "commas? a mapping file can say so with delimiter = \";\")";
            throw InputError(reader.where(), "header", message);
        }
    }

    std::string_view get(const std::vector<std::string_view>& fields, std::size_t spec) const {
        return index[spec] ? fields[*index[spec]] : std::string_view();
    }
};

// What happened to one file, for the read report.
SourceReport& begin_source(ReadReport& report, const CsvReader& reader, std::string_view table,
                           const std::vector<ColumnSpec>& specs, const ColumnMap& columns,
                           bool extra_are_attributes) {
    SourceReport source;
    source.table = table;
    source.file = reader.name();
    source.delimiter = reader.delimiter() == '\t' ? "tab" : std::string(1, reader.delimiter());
    source.delimiter_detected = reader.delimiter_detected();
    for (std::size_t spec = 0; spec < specs.size(); ++spec)
        if (columns.index[spec])
            source.mapped.emplace_back(specs[spec].name, reader.header()[*columns.index[spec]]);
    for (const std::size_t position : columns.extra)
        (extra_are_attributes ? source.attributes : source.unmapped)
            .push_back(reader.header()[position]);
    if (reader.delimiter() != ',')
        report.warnings.push_back(reader.name() + ": fields separated by '" + source.delimiter +
                                  "' (detected from the header)");
    report.sources.push_back(std::move(source));
    return report.sources.back();
}

// Runs `handle(fields)` for every record; a bad record or row (BadRecord from the reader, RowError
// from `handle`) goes to `bad`, naming the column as the file does.
template <typename Handle>
void for_each_record(CsvReader& reader, std::string_view table, BadRows& bad, SourceReport& source,
                     Handle&& handle) {
    std::vector<std::string_view> fields;
    fields.reserve(reader.header().size());
    for (;;) {
        try {
            if (!reader.next(fields)) break;
        } catch (const BadRecord& error) {
            ++source.records;
            ++source.skipped;
            bad.add(table, reader.name(), reader.line(), error.column(), "", error.problem(),
                    fields);
            continue;
        }
        ++source.records;
        try {
            handle(fields);
            ++source.rows;
        } catch (const RowError& error) {
            ++source.skipped;
            bad.add(table, reader.name(), reader.line(), error.column(), error.column(),
                    error.what(), fields);
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
    {"id", {"customer_id", "customer"}, true},
    {"kind", {}, false},
    {"name", {"label"}, false},
    {"segment", {}, false},
    {"value", {}, false},
    {"cost", {}, false},
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
    {"referrer", {}, true},   {"referred", {}, true}, {"date", {}, false},
    {"converted", {}, false}, {"reward", {}, false},
};

enum TransactionColumn { kCustomer, kTxDate, kAmount, kChannel, kOnBehalfOf, kOrderId };
const std::vector<ColumnSpec> kTransactionColumns = {
    {"customer", {"customer_id", "id"}, true},
    {"date", {}, true},
    {"amount", {}, true},
    {"channel", {}, false},
    {"on_behalf_of", {"on_behalf"}, false},
    {"order_id", {"order"}, false},
};

void read_customers(CsvReader reader, DatasetSink& sink, BadRows& bad, ReadReport& report) {
    const ColumnMap columns(reader, kCustomerColumns);
    SourceReport& source =
        begin_source(report, reader, "customers", kCustomerColumns, columns, true);
    std::vector<std::string> attribute_names;
    for (const std::size_t position : columns.extra)
        attribute_names.push_back(reader.header()[position]);
    sink.begin_customers(attribute_names);
    std::vector<std::string_view> attributes(columns.extra.size());
    std::uint8_t given = 0;
    const std::pair<CustomerColumn, std::uint8_t> kGiven[] = {
        {kKind, CustomerColumns::kind},       {kName, CustomerColumns::name},
        {kSegment, CustomerColumns::segment}, {kValue, CustomerColumns::value},
        {kCost, CustomerColumns::cost},       {kOptOut, CustomerColumns::opt_out}};
    for (const auto& [column, bit] : kGiven)
        if (columns.index[column]) given |= bit;
    for_each_record(
        reader, "customers", bad, source, [&](const std::vector<std::string_view>& fields) {
            CustomerRow row;
            row.given = given;
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
            if (source.rows + 1 == kRecordsBeforeEstimate)
                sink.expect_customers(records_left(reader, source.records));
        });
    bad.finish();
}

// for_each_record for the big tables: parse(fields) makes a Row (or throws RowError), and rows
// reach the sink through a RowPipeline (on a worker thread for a big file). Once the first
// records have shown how long a record is, expect(sink, rows) tells the sink how many rows are
// still to come.
template <typename Row, typename Parse, typename Expect>
void for_each_row_batched(CsvReader& reader, std::string_view table, DatasetSink& sink,
                          BadRows& bad, SourceReport& source, Parse&& parse, Expect&& expect) {
    std::uint64_t delivered = 0;  // counted where the sink runs, added to source.rows at the end
    RowPipeline<Row> batch(
        bad.skipping(), parse_ahead(reader), 0,
        [&](std::span<const Row> rows) { sink.prefetch(rows); },
        [&](const Row& row) {
            if constexpr (std::is_same_v<Row, RelationshipRow>)
                sink.relationship(row);
            else
                sink.transaction(row);
            ++delivered;
        },
        [&](const RowError& error, std::uint64_t line,
            const std::vector<std::string_view>& fields) {
            ++source.skipped;
            bad.add(table, reader.name(), line, error.column(), error.column(), error.what(),
                    fields);
        });
    // Before reporting an error of its own the reader waits for the sink (batch.flush()), so the
    // sink and `bad` are never used by both threads at once, and errors come in file order.
    std::vector<std::string_view> fields;
    fields.reserve(reader.header().size());
    for (;;) {
        try {
            if (!reader.next(fields)) break;
        } catch (const BadRecord& error) {
            batch.flush();  // earlier rows first: their errors come first in the file
            ++source.records;
            ++source.skipped;
            bad.add(table, reader.name(), reader.line(), error.column(), "", error.problem(),
                    fields);
            continue;
        } catch (const InputError&) {
            batch.flush();  // a malformed record is reported after the rows before it
            bad.finish();
            throw;
        }
        if (++source.records == kRecordsBeforeEstimate)
            batch.then([&sink, &expect, left = records_left(reader, source.records)] {
                expect(sink, left);
            });
        try {
            batch.push(parse(fields), reader.line(), fields);
        } catch (const RowError& error) {
            batch.flush();
            ++source.skipped;
            bad.add(table, reader.name(), reader.line(), error.column(), error.column(),
                    error.what(), fields);
            continue;
        }
        if (batch.full()) batch.submit();
    }
    batch.flush();
    source.rows += delivered;
}

void read_relationships(CsvReader reader, DatasetSink& sink, BadRows& bad, ReadReport& report) {
    const ColumnMap columns(reader, kRelationshipColumns);
    SourceReport& source =
        begin_source(report, reader, "relationships", kRelationshipColumns, columns, false);
    warn_unused(reader, columns, report.warnings);
    const auto parse = [&](const std::vector<std::string_view>& fields) {
        RelationshipRow row;
        row.source = columns.get(fields, kSource);
        row.target = columns.get(fields, kTarget);
        row.type = fields::trim(columns.get(fields, kType));
        row.weight = fields::number(columns.get(fields, kWeight), "weight").value_or(1.0);
        row.probability = fields::number(columns.get(fields, kProbability), "probability");
        row.date = fields::date(columns.get(fields, kRelDate), "date");
        row.directed = fields::boolean(columns.get(fields, kDirected), "directed");
        return row;
    };
    for_each_row_batched<RelationshipRow>(
        reader, "relationships", sink, bad, source, parse,
        [](DatasetSink& to, std::size_t rows) { to.expect_relationships(rows); });
}

void read_referrals(CsvReader reader, DatasetSink& sink, BadRows& bad, ReadReport& report) {
    const ColumnMap columns(reader, kReferralColumns);
    SourceReport& source =
        begin_source(report, reader, "referrals", kReferralColumns, columns, false);
    warn_unused(reader, columns, report.warnings);
    for_each_record(
        reader, "referrals", bad, source, [&](const std::vector<std::string_view>& fields) {
            ReferralRow row;
            row.referrer = columns.get(fields, kReferrer);
            row.referred = columns.get(fields, kReferred);
            row.date = fields::date(columns.get(fields, kRefDate), "date");
            row.converted =
                fields::boolean(columns.get(fields, kConverted), "converted").value_or(true);
            row.reward = fields::number(columns.get(fields, kReward), "reward").value_or(0.0);
            sink.referral(row);
        });
}

void read_transactions(CsvReader reader, DatasetSink& sink, BadRows& bad, ReadReport& report) {
    const ColumnMap columns(reader, kTransactionColumns);
    SourceReport& source =
        begin_source(report, reader, "transactions", kTransactionColumns, columns, false);
    warn_unused(reader, columns, report.warnings);
    const auto parse = [&](const std::vector<std::string_view>& fields) {
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
        row.order_id = fields::trim(columns.get(fields, kOrderId));
        return row;
    };
    for_each_row_batched<TransactionRow>(
        reader, "transactions", sink, bad, source, parse,
        [](DatasetSink& to, std::size_t rows) { to.expect_transactions(rows); });
}

// Opens (reads) `path` on a thread of its own when more than one thread is allowed, so that it is
// read while the caller parses the file before it; else when the caller asks for it. What the
// opening throws comes out of get(), where a plain open would have thrown it.
std::future<CsvReader> open_ahead(std::filesystem::path path) {
    const auto policy = omp_get_max_threads() > 1 ? std::launch::async : std::launch::deferred;
    return std::async(policy, [path = std::move(path)] { return CsvReader::open(path); });
}

}  // namespace

BadRowPolicy parse_bad_row_policy(std::string_view text) {
    if (text == "stop") return BadRowPolicy::stop;
    if (text == "skip") return BadRowPolicy::skip;
    throw UsageError("--on-bad-row must be stop or skip, not '" + std::string(text) + "'");
}

void InputSource::validate() const {
    const int given = !data_dir.empty() + !edges_file.empty() + !db_file.empty();
    if (given == 0) throw UsageError("no input: give --data DIR, --edges FILE or --db FILE");
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

void read_csv_input(const InputSource& source, const LoadOptions& options, DatasetSink& sink,
                    ReadReport& report) {
    source.validate();
    if (!options.mapping.empty()) {
        if (source.data_dir.empty())
            throw UsageError("--mapping goes with a data folder (--data DIR, or import DIR)");
        const auto mapping = read_mapping_file(options.mapping);
        LoadOptions mapped = options;
        if (!mapped.on_bad_row) mapped.on_bad_row = mapping_bad_row_policy(*mapping);
        read_mapped_input(*mapping, source.data_dir, mapped, sink, report);
        return;
    }
    BadRows bad(options.on_bad_row.value_or(BadRowPolicy::stop), options.max_errors, report.input);
    if (!source.edges_file.empty()) {
        std::future<CsvReader> edges = open_ahead(source.edges_file);
        if (!source.nodes_file.empty())
            read_customers(CsvReader::open(source.nodes_file), sink, bad, report);
        else
            sink.begin_customers({});
        read_relationships(edges.get(), sink, bad, report);
        bad.finish();
        return;
    }
    if (source.data_dir.empty()) throw InternalError("read_csv_input: not a CSV input");
    std::error_code error;
    if (!std::filesystem::is_directory(source.data_dir, error))
        throw InputError(source.data_dir.string(), "", "no such folder");
    const auto table = [&](const char* file) { return source.data_dir / file; };
    const auto present = [&](const char* file) {
        return std::filesystem::exists(table(file), error);
    };
    if (options.tables_optional) {
        if (!present("customers.csv") && !present("relationships.csv") &&
            !present("referrals.csv") && !present("transactions.csv"))
            throw InputError(source.data_dir.string(), "",
                             "none of customers.csv, relationships.csv, referrals.csv, "
                             "transactions.csv is there");
    }
    // The later tables are read while the earlier ones are parsed.
    std::future<CsvReader> relationships, referrals, transactions;
    if (!options.skip_relationships && (!options.tables_optional || present("relationships.csv")))
        relationships = open_ahead(table("relationships.csv"));
    if (present("referrals.csv")) referrals = open_ahead(table("referrals.csv"));
    if (present("transactions.csv")) transactions = open_ahead(table("transactions.csv"));
    if (!options.tables_optional || present("customers.csv"))
        read_customers(CsvReader::open(table("customers.csv")), sink, bad, report);
    else
        sink.begin_customers({});
    if (relationships.valid()) read_relationships(relationships.get(), sink, bad, report);
    if (referrals.valid()) read_referrals(referrals.get(), sink, bad, report);
    if (transactions.valid()) read_transactions(transactions.get(), sink, bad, report);
    bad.finish();
}

void read_relationships_table(CsvReader reader, const LoadOptions& options, DatasetSink& sink,
                              ReadReport& report) {
    BadRows bad(options.on_bad_row.value_or(BadRowPolicy::stop), options.max_errors, report.input);
    sink.begin_customers({});
    read_relationships(std::move(reader), sink, bad, report);
    bad.finish();
}

Dataset load_dataset(const InputSource& source, const LoadOptions& options) {
    source.validate();
    if (!source.db_file.empty()) return load_store(source.db_file, options);
    GraphSink sink(
        {options.types, options.directed,
         /*implicit_nodes=*/source.nodes_file.empty() && !source.edges_file.empty(),
         (source.edges_file.empty() ? source.data_dir / "relationships.csv" : source.edges_file)
             .string()});
    ReadReport report;
    read_csv_input(source, options, sink, report);
    Dataset dataset = sink.finish(source.describe());
    dataset.warnings = std::move(report.warnings);
    dataset.input = std::move(report.input);
    return dataset;
}

}  // namespace catena

namespace catena {

std::vector<std::uint32_t> read_membership_csv(const std::filesystem::path& path,
                                               const InfluenceGraph& graph) {
    CsvReader reader = CsvReader::open(path);
    const std::vector<ColumnSpec> specs = {{"id", {"customer", "customer_id"}, true},
                                           {"community", {}, true}};
    const ColumnMap columns(reader, specs);
    std::vector<std::uint32_t> labels(graph.num_nodes(), UINT32_MAX);
    std::unordered_map<std::string, std::uint32_t> label_of;
    std::vector<std::string_view> fields;
    while (reader.next(fields)) {
        const std::string_view id = columns.get(fields, 0);
        const auto node = graph.find(id);
        if (!node)
            throw InputError(reader.where(), "id", "unknown customer '" + std::string(id) + "'");
        if (labels[*node] != UINT32_MAX)
            throw InputError(reader.where(), "id",
                             "customer '" + std::string(id) + "' listed twice");
        const std::string_view label = fields::trim(columns.get(fields, 1));
        if (label.empty()) throw InputError(reader.where(), "community", "is empty");
        labels[*node] =
            label_of.emplace(std::string(label), static_cast<std::uint32_t>(label_of.size()))
                .first->second;
    }
    auto next = static_cast<std::uint32_t>(label_of.size());
    for (auto& label : labels)
        if (label == UINT32_MAX) label = next++;
    return labels;
}

}  // namespace catena
