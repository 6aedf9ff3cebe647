#include "catena/reports/stats.hpp"

#include <algorithm>
#include <map>
#include <unordered_set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "catena/algorithms/components.hpp"

#include "human.hpp"

namespace catena {

namespace {

DegreeSummary summarize_degrees(std::vector<std::uint64_t> degrees) {
    DegreeSummary summary;
    if (degrees.empty()) return summary;
    std::sort(degrees.begin(), degrees.end());
    // Nearest-rank quantiles: the smallest degree with at least q of the nodes at or below it.
    const auto rank = [&](double q) {
        const auto position =
            static_cast<std::size_t>(std::ceil(q * static_cast<double>(degrees.size())));
        return degrees[std::clamp<std::size_t>(position, 1, degrees.size()) - 1];
    };
    summary.min = degrees.front();
    summary.max = degrees.back();
    summary.median = rank(0.5);
    summary.p90 = rank(0.9);
    summary.p99 = rank(0.99);
    std::uint64_t total = 0;
    for (const auto degree : degrees) total += degree;
    summary.mean = static_cast<double>(total) / static_cast<double>(degrees.size());
    return summary;
}

std::string percent(std::uint64_t part, std::uint64_t whole) {
    if (whole == 0) return "";
    return fmt::format("{:.1f}%", 100.0 * static_cast<double>(part) / static_cast<double>(whole));
}

nlohmann::ordered_json degree_json(const DegreeSummary& degree) {
    return {{"min", degree.min}, {"median", degree.median}, {"mean", degree.mean},
            {"p90", degree.p90}, {"p99", degree.p99},       {"max", degree.max}};
}

nlohmann::ordered_json to_json(const StatsSummary& stats) {
    nlohmann::ordered_json json;
    json["source"] = stats.source;
    json["customers"] = {
        {"total", stats.nodes},           {"people", stats.people},
        {"businesses", stats.businesses}, {"opted_out", stats.opted_out},
        {"with_value", stats.with_value}, {"implicit", stats.build.implicit_nodes}};
    nlohmann::ordered_json segments = nlohmann::ordered_json::object();
    for (const auto& [name, nodes] : stats.segments)
        segments[name.empty() ? "(none)" : name] = nodes;
    json["customers"]["segments"] = segments;
    json["customers"]["attributes"] = stats.attributes;
    nlohmann::ordered_json types = nlohmann::ordered_json::object();
    for (const TypeCount& type : stats.types)
        types[type.name] = {
            {"rows", type.rows}, {"directed", type.directed}, {"strength", type.strength}};
    json["relationships"] = {
        {"rows", stats.build.relationship_rows},
        {"directed_rows", stats.build.directed_rows},
        {"undirected_rows", stats.build.undirected_rows},
        {"self_loops_dropped", stats.build.self_loops_dropped},
        {"merged_rows", stats.build.merged_rows},
        {"merged_edges", stats.build.merged_edges},
        {"on_behalf_from_transactions", stats.build.on_behalf_from_transactions},
        {"from_referrals", stats.build.referral_edges},
        {"referrals_already_related", stats.build.referrals_already_related},
        {"by_type", types},
        {"merge_examples", stats.build.merge_examples}};
    json["influence_edges"] = {{"edges", stats.edges},
                               {"out_degree", degree_json(stats.out_degree)},
                               {"in_degree", degree_json(stats.in_degree)},
                               {"without_out_edges", stats.without_out_edges},
                               {"isolated", stats.isolated}};
    json["components"] = {{"weakly_connected", stats.components},
                          {"largest", stats.largest_component}};
    json["referrals"] = {{"total", stats.referrals},
                         {"converted", stats.converted_referrals},
                         {"referrers", stats.referrers}};
    json["transactions"] = {{"total", stats.transactions},
                            {"amount", std::round(stats.transaction_amount * 100) / 100},
                            {"first", stats.first_transaction},
                            {"last", stats.last_transaction}};
    nlohmann::ordered_json reasons = nlohmann::ordered_json::object();
    for (const auto& [reason, rows] : skipped_by_reason(stats.input.skipped))
        reasons[reason] = rows;
    json["input"] = {{"skipped_rows", stats.input.skipped.size()},
                     {"skipped_by_reason", reasons},
                     {"filtered_rows", stats.input.filtered},
                     {"merged_customers", stats.input.merged_customers}};
    if (!stats.input.imports.empty()) json["imports"] = imports_json(stats.input.imports);
    return json;
}

// CSV: one `metric,value` row per number, metric names as the JSON paths joined by dots.
void flatten(const nlohmann::ordered_json& json, const std::string& prefix, std::string& out) {
    if (json.is_object()) {
        for (const auto& [key, value] : json.items())
            flatten(value, prefix.empty() ? key : prefix + "." + key, out);
        return;
    }
    std::string value;
    if (json.is_string())
        value = json.get<std::string>();
    else if (json.is_array()) {
        for (const auto& item : json) {
            if (!value.empty()) value += "; ";
            value += item.is_string() ? item.get<std::string>() : item.dump();
        }
    } else
        value = json.dump();
    out += csv_field(prefix) + "," + csv_field(value) + "\n";
}

// The table format: a heading per part and one aligned line per figure.
struct StatsTable {
    std::string out;
    void line(std::string_view label, std::string_view value, std::string_view note = {}) {
        out += fmt::format("  {:<30} {:>12}", label, value);
        if (!note.empty()) out += fmt::format("  {}", note);
        out += '\n';
    }
};

void customers_part(StatsTable& table, const StatsSummary& stats) {
    table.out += fmt::format("catena stats: {}\n\n", stats.source);
    table.out += "Customers\n";
    table.line("total", count(stats.nodes));
    table.line("people", count(stats.people), percent(stats.people, stats.nodes));
    table.line("businesses", count(stats.businesses), percent(stats.businesses, stats.nodes));
    table.line("with a value", count(stats.with_value), percent(stats.with_value, stats.nodes));
    table.line("opted out", count(stats.opted_out), percent(stats.opted_out, stats.nodes));
    if (stats.build.implicit_nodes)
        table.line("named only by relationships", count(stats.build.implicit_nodes));
    if (stats.segments.size() > 1 ||
        (stats.segments.size() == 1 && !stats.segments[0].first.empty())) {
        table.out += "\nSegments\n";
        for (const auto& [name, nodes] : stats.segments)
            table.line(name.empty() ? "(none)" : name, count(nodes), percent(nodes, stats.nodes));
    }
    if (!stats.attributes.empty()) {
        std::string names;
        for (const auto& name : stats.attributes) names += (names.empty() ? "" : ", ") + name;
        table.out += fmt::format("\nFurther attributes: {}\n", names);
    }
}

void relationships_part(StatsTable& table, const StatsSummary& stats) {
    table.out += "\nRelationships (rows)\n";
    for (const TypeCount& type : stats.types)
        table.line(type.name, count(type.rows),
                   fmt::format("{}, strength {}", type.directed ? "directed" : "undirected",
                               type.strength));
    table.line("total", count(stats.build.relationship_rows));
    table.line("self-loops dropped", count(stats.build.self_loops_dropped));
    table.line("merged into an earlier pair", count(stats.build.merged_rows));
    if (stats.build.on_behalf_from_transactions)
        table.line("on_behalf from transactions", count(stats.build.on_behalf_from_transactions),
                   "distinct pairs");
    if (stats.referrals)
        table.line("referral from referrals", count(stats.build.referral_edges),
                   fmt::format("distinct pairs; {} already a referral relationship",
                               count(stats.build.referrals_already_related)));
    for (const auto& example : stats.build.merge_examples)
        table.out += fmt::format("    merged: {}\n", example);
}

void edges_part(StatsTable& table, const StatsSummary& stats) {
    table.out += "\nInfluence edges (u -> v: u can influence v)\n";
    table.line("edges", count(stats.edges));
    const auto degrees = [&](std::string_view label, const DegreeSummary& degree) {
        table.line(label, fmt::format("{:.2f}", degree.mean),
                   fmt::format("mean; min {}, median {}, p90 {}, p99 {}, max {}", degree.min,
                               degree.median, degree.p90, degree.p99, degree.max));
    };
    degrees("out-degree", stats.out_degree);
    degrees("in-degree", stats.in_degree);
    table.line("without out-edges", count(stats.without_out_edges),
               percent(stats.without_out_edges, stats.nodes));
    table.line("isolated", count(stats.isolated), percent(stats.isolated, stats.nodes));
    table.line("weakly connected components", count(stats.components));
    table.line("largest component", count(stats.largest_component),
               percent(stats.largest_component, stats.nodes));
}

// Referrals, transactions, rows left out and the workspace's last imports.
void events_part(StatsTable& table, const StatsSummary& stats) {
    if (stats.referrals) {
        table.out += "\nReferrals\n";
        table.line("total", count(stats.referrals));
        table.line("converted", count(stats.converted_referrals),
                   percent(stats.converted_referrals, stats.referrals));
        table.line("referrers", count(stats.referrers));
    }
    if (stats.transactions) {
        table.out += "\nTransactions\n";
        table.line("total", count(stats.transactions));
        table.line("amount", money(stats.transaction_amount));
        table.line("from", stats.first_transaction);
        table.line("to", stats.last_transaction);
    }
    if (!stats.input.skipped.empty() || stats.input.filtered || stats.input.merged_customers) {
        table.out += "\nInput rows left out\n";
        table.line("bad rows skipped", count(stats.input.skipped.size()));
        for (const auto& [reason, rows] : skipped_by_reason(stats.input.skipped))
            table.line("  " + reason, count(rows));
        if (stats.input.filtered)
            table.line("filtered by the mapping", count(stats.input.filtered), "skip_if");
        if (stats.input.merged_customers)
            table.line("customers merged by key", count(stats.input.merged_customers),
                       "duplicates of another customer");
    }
    if (!stats.input.imports.empty()) {
        table.out += "\nLast imports\n";
        for (const ImportRecord& record : stats.input.imports) {
            std::string detail =
                fmt::format("{} added, {} updated, {} unchanged", count(record.added),
                            count(record.updated), count(record.unchanged));
            if (record.skipped) detail += fmt::format(", {} skipped", count(record.skipped));
            if (record.filtered) detail += fmt::format(", {} filtered", count(record.filtered));
            table.line(fmt::format("#{} {}", record.id, record.time), record.mode, detail);
        }
    }
}

std::string render_table(const StatsSummary& stats) {
    StatsTable table;
    customers_part(table, stats);
    relationships_part(table, stats);
    edges_part(table, stats);
    events_part(table, stats);
    return table.out;
}

}  // namespace

std::vector<std::pair<std::string, std::uint64_t>> skipped_by_reason(
    const std::vector<SkippedRow>& skipped) {
    std::map<std::string, std::uint64_t> counts;
    for (const SkippedRow& row : skipped) ++counts[row.reason];
    std::vector<std::pair<std::string, std::uint64_t>> sorted(counts.begin(), counts.end());
    std::stable_sort(sorted.begin(), sorted.end(),
                     [](const auto& a, const auto& b) { return a.second > b.second; });
    return sorted;
}

nlohmann::ordered_json marks_json(const WorkspaceMarks& marks) {
    return {{"import", marks.import_id},    {"import_time", marks.import_time},
            {"customers", marks.customers}, {"relationships", marks.relationships},
            {"referrals", marks.referrals}, {"transactions", marks.transactions}};
}

WorkspaceMarks marks_from_json(const nlohmann::ordered_json& json) {
    WorkspaceMarks marks;
    if (!json.is_object()) return marks;
    const auto number = [&](const char* key) -> std::int64_t {
        const auto found = json.find(key);
        return found != json.end() && found->is_number_integer() ? found->get<std::int64_t>() : 0;
    };
    marks.import_id = number("import");
    marks.customers = number("customers");
    marks.relationships = number("relationships");
    marks.referrals = number("referrals");
    marks.transactions = number("transactions");
    if (const auto time = json.find("import_time"); time != json.end() && time->is_string())
        marks.import_time = time->get<std::string>();
    return marks;
}

nlohmann::ordered_json imports_json(const std::vector<ImportRecord>& records) {
    using Json = nlohmann::ordered_json;
    Json imports = Json::array();
    for (const ImportRecord& record : records) {
        // The record's JSON texts, when they parse.
        Json files =
            record.files.empty() ? Json::array() : Json::parse(record.files, nullptr, false);
        if (!files.is_array()) files = Json::array();
        Json reasons = record.skipped_by_reason.empty()
                           ? Json::object()
                           : Json::parse(record.skipped_by_reason, nullptr, false);
        if (!reasons.is_object()) reasons = Json::object();
        imports.push_back({{"id", record.id},
                           {"time", record.time},
                           {"mode", record.mode},
                           {"added", record.added},
                           {"updated", record.updated},
                           {"unchanged", record.unchanged},
                           {"skipped", record.skipped},
                           {"filtered", record.filtered},
                           {"skipped_by_reason", std::move(reasons)},
                           {"files", std::move(files)}});
    }
    return imports;
}

std::string skipped_rows_summary(const std::vector<SkippedRow>& skipped) {
    if (skipped.empty()) return "";
    std::string text =
        fmt::format("{} bad row{} skipped:", skipped.size(), skipped.size() == 1 ? "" : "s");
    bool first = true;
    for (const auto& [reason, rows] : skipped_by_reason(skipped)) {
        text += fmt::format("{} {} {}", first ? "" : ",", rows, reason);
        first = false;
    }
    return text;
}

void summarize_tables(const Dataset& dataset, StatsSummary& stats) {
    const InfluenceGraph& graph = dataset.graph;
    stats.source = dataset.source;
    stats.input = dataset.input;
    stats.nodes = graph.num_nodes();
    stats.people = stats.businesses = stats.opted_out = stats.with_value = 0;
    std::vector<std::uint64_t> per_segment(graph.segment_names().size(), 0);
    for (NodeId node = 0; node < graph.num_nodes(); ++node) {
        ++(graph.kind(node) == NodeKind::business ? stats.businesses : stats.people);
        stats.opted_out += graph.opt_out(node);
        stats.with_value += graph.has_value(node);
        ++per_segment[graph.segment_code(node)];
    }
    stats.segments.clear();
    for (std::size_t code = 0; code < per_segment.size(); ++code)
        if (per_segment[code])
            stats.segments.emplace_back(graph.segment_names()[code], per_segment[code]);
    std::sort(stats.segments.begin(), stats.segments.end(), [](const auto& a, const auto& b) {
        return a.second != b.second ? a.second > b.second : a.first < b.first;
    });
    stats.attributes = graph.attribute_names();

    stats.referrals = dataset.referrals.size();
    std::unordered_set<NodeId> referrers;
    for (const Referral& referral : dataset.referrals) {
        stats.converted_referrals += referral.converted;
        referrers.insert(referral.referrer);
    }
    stats.referrers = referrers.size();
    stats.transactions = dataset.transactions.rows.size();
    if (!dataset.transactions.rows.empty()) {
        Date first = dataset.transactions.rows.front().date, last = first;
        for (const Transaction& transaction : dataset.transactions.rows) {
            stats.transaction_amount += transaction.amount;
            first = std::min(first, transaction.date);
            last = std::max(last, transaction.date);
        }
        stats.first_transaction = format_iso_date(first);
        stats.last_transaction = format_iso_date(last);
    }
}

StatsSummary summarize(const Dataset& dataset) {
    const InfluenceGraph& graph = dataset.graph;
    StatsSummary stats;
    summarize_tables(dataset, stats);
    std::vector<std::uint64_t> out_degrees(graph.num_nodes()), in_degrees(graph.num_nodes());
    for (NodeId node = 0; node < graph.num_nodes(); ++node) {
        out_degrees[node] = graph.out_degree(node);
        in_degrees[node] = graph.in_degree(node);
        stats.without_out_edges += out_degrees[node] == 0;
        stats.isolated += out_degrees[node] == 0 && in_degrees[node] == 0;
    }
    stats.build = graph.report();
    for (std::size_t type = 0; type < graph.types().size(); ++type) {
        const std::uint64_t rows =
            type < stats.build.rows_by_type.size() ? stats.build.rows_by_type[type] : 0;
        if (rows == 0) continue;
        const RelationshipType& info = graph.types()[static_cast<RelationshipTypeId>(type)];
        stats.types.push_back({info.name, info.directed, info.strength, rows});
    }
    stats.edges = graph.num_edges();
    stats.out_degree = summarize_degrees(std::move(out_degrees));
    stats.in_degree = summarize_degrees(std::move(in_degrees));
    const ComponentsResult components = weakly_connected_components(graph);
    stats.components = components.count;
    stats.largest_component = components.largest_size;
    return stats;
}

std::string render(const StatsSummary& stats, OutputFormat format) {
    switch (format) {
        case OutputFormat::json:
            return to_json(stats).dump(2) + "\n";
        case OutputFormat::csv: {
            std::string out = "metric,value\n";
            flatten(to_json(stats), "", out);
            return out;
        }
        case OutputFormat::table:
            break;
    }
    return render_table(stats);
}

}  // namespace catena
