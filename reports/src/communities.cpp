#include "catena/reports/communities.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <unordered_map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "catena/graph/errors.hpp"
#include "catena/graph/output.hpp"

#include "human.hpp"

namespace catena {

CommunityMethod parse_community_method(std::string_view text) {
    if (text == "leiden") return CommunityMethod::leiden;
    if (text == "louvain") return CommunityMethod::louvain;
    if (text == "lpa" || text == "label-propagation") return CommunityMethod::label_propagation;
    throw UsageError("--method must be leiden, louvain or lpa, not '" + std::string(text) + "'");
}

std::string_view to_string(CommunityMethod method) {
    switch (method) {
        case CommunityMethod::leiden:
            return "leiden";
        case CommunityMethod::louvain:
            return "louvain";
        case CommunityMethod::label_propagation:
            return "lpa";
    }
    return "?";
}

CommunityReport summarize_communities(const Dataset& dataset, const CommunityParams& params,
                                      CommunityResult result, const std::vector<double>& degree,
                                      std::string score_name, std::size_t top_members) {
    const InfluenceGraph& graph = dataset.graph;
    if (degree.size() != graph.num_nodes())
        throw InternalError("summarize_communities: one score per customer expected");
    CommunityReport report;
    report.params = params;
    report.score_name = std::move(score_name);
    std::vector<CommunitySummary>& summaries = report.communities;
    // Labels are 0..count-1, or kept from a starting partition: index them.
    std::vector<std::uint32_t> labels = result.community;
    std::sort(labels.begin(), labels.end());
    labels.erase(std::unique(labels.begin(), labels.end()), labels.end());
    std::vector<std::uint32_t> index(graph.num_nodes());
    for (NodeId node = 0; node < graph.num_nodes(); ++node)
        index[node] = static_cast<std::uint32_t>(
            std::lower_bound(labels.begin(), labels.end(), result.community[node]) -
            labels.begin());
    summaries.resize(labels.size());
    for (std::size_t c = 0; c < labels.size(); ++c) summaries[c].id = labels[c];
    const auto offsets = graph.out_offsets();
    const auto targets = graph.out_targets();
    std::vector<std::vector<NodeId>> members(labels.size());
    for (NodeId node = 0; node < graph.num_nodes(); ++node) {
        CommunitySummary& summary = summaries[index[node]];
        ++summary.size;
        ++(graph.kind(node) == NodeKind::business ? summary.businesses : summary.people);
        summary.total_value += graph.value(node);
        members[index[node]].push_back(node);
        for (EdgeId edge = offsets[node]; edge < offsets[node + 1]; ++edge) {
            const std::uint32_t other = index[targets[edge]];
            if (other == index[node])
                summary.internal_strength += graph.strength(edge);
            else {
                summary.external_strength += graph.strength(edge);
                summaries[other].external_strength += graph.strength(edge);
            }
        }
    }
    for (std::size_t c = 0; c < labels.size(); ++c) {
        auto& list = members[c];
        // Opted-out members are never listed: sort far enough to find `top_members` others.
        NodeId opted_out = 0;
        for (const NodeId node : list) opted_out += graph.opt_out(node);
        const std::size_t sorted = std::min(top_members + opted_out, list.size());
        std::partial_sort(list.begin(), list.begin() + static_cast<std::ptrdiff_t>(sorted),
                          list.end(), [&](NodeId a, NodeId b) {
                              return degree[a] != degree[b] ? degree[a] > degree[b] : a < b;
                          });
        CommunitySummary& summary = summaries[c];
        for (std::size_t index = 0; index < sorted && summary.top_members.size() < top_members;
             ++index) {
            if (graph.opt_out(list[index]))
                ++summary.opted_out_not_listed;
            else
                summary.top_members.push_back(list[index]);
        }
        if (summary.top_members.size() < top_members) summary.opted_out_not_listed = opted_out;
    }
    std::stable_sort(
        summaries.begin(), summaries.end(),
        [](const CommunitySummary& a, const CommunitySummary& b) { return a.size > b.size; });
    report.result = std::move(result);
    return report;
}

nlohmann::ordered_json to_json(const Dataset& dataset, const CommunityReport& report,
                               std::size_t top) {
    const InfluenceGraph& graph = dataset.graph;
    const std::size_t shown =
        top == 0 ? report.communities.size() : std::min(top, report.communities.size());
    std::uint64_t opted_out = 0;  // passed over by the listed communities' top customers
    nlohmann::ordered_json rows = nlohmann::ordered_json::array();
    for (std::size_t index = 0; index < shown; ++index) {
        const CommunitySummary& c = report.communities[index];
        nlohmann::ordered_json members = nlohmann::ordered_json::array();
        for (const NodeId node : c.top_members) {
            members.push_back({{"id", graph.external_id(node)}, {"name", graph.name(node)}});
            if (!report.columns.empty())
                members.back()["columns"] = report.columns.json(graph, node);
        }
        rows.push_back({{"community", c.id},
                        {"size", c.size},
                        {"people", c.people},
                        {"businesses", c.businesses},
                        {"total_value", c.total_value},
                        {"mean_value", c.size ? c.total_value / c.size : 0.0},
                        {"internal_strength", c.internal_strength},
                        {"external_strength", c.external_strength},
                        {"top_customers", members},
                        {"opted_out_not_listed", c.opted_out_not_listed}});
        opted_out += c.opted_out_not_listed;
    }
    return {{"method", to_string(report.params.method)},
            {"resolution", report.params.resolution},
            {"seed", report.params.seed},
            {"count", report.result.count},
            {"modularity", report.result.modularity},
            {"iterations", report.result.iterations},
            {"top_customers_by", report.score_name},
            {"largest", rows},
            {"opted_out_not_listed", opted_out}};
}

std::string render(const Dataset& dataset, const CommunityReport& report, OutputFormat format,
                   std::size_t top) {
    const InfluenceGraph& graph = dataset.graph;
    const std::size_t shown =
        top == 0 ? report.communities.size() : std::min(top, report.communities.size());
    const auto names = [&](const CommunitySummary& summary) {
        std::vector<std::string> ids;
        for (const NodeId node : summary.top_members) ids.emplace_back(graph.external_id(node));
        return ids;
    };
    // Opted-out customers the listed communities' top customers passed over.
    std::uint64_t opted_out = 0;
    for (std::size_t index = 0; index < shown; ++index)
        opted_out += report.communities[index].opted_out_not_listed;
    if (format == OutputFormat::json) return to_json(dataset, report, top).dump(2) + "\n";
    if (format == OutputFormat::csv) {
        std::string out =
            "community,size,people,businesses,total_value,mean_value,internal_strength,external_"
            "strength,top_customers";
        for (const std::string& name : report.columns.names())
            out += "," + csv_field("top_customer_" + name);
        out += "\n";
        for (std::size_t index = 0; index < shown; ++index) {
            const CommunitySummary& c = report.communities[index];
            std::string top_ids;
            for (const auto& id : names(c)) top_ids += (top_ids.empty() ? "" : " ") + id;
            std::string columns;
            if (!c.top_members.empty())
                columns = report.columns.csv_cells(graph, c.top_members.front());
            else
                columns.assign(report.columns.names().size(), ',');
            out += fmt::format("{},{},{},{},{:.2f},{:.2f},{:.17g},{:.17g},{}{}\n", c.id, c.size,
                               c.people, c.businesses, c.total_value,
                               c.size ? c.total_value / c.size : 0.0, c.internal_strength,
                               c.external_strength, csv_field(top_ids), columns);
        }
        return out;
    }
    std::string out = fmt::format(
        "{} communities by {} (resolution {}, seed {}): modularity {:.4f}, {} {}\n\n",
        count(report.result.count), to_string(report.params.method), report.params.resolution,
        report.params.seed, report.result.modularity, report.result.iterations,
        report.params.method == CommunityMethod::label_propagation ? "sweeps" : "passes");
    out += fmt::format("{:>9}  {:>7}  {:>6}  {:>10}  {:>14}  {:>10}  {:>9}  {}\n", "community",
                       "size", "people", "businesses", "total value", "mean value", "inside %",
                       "top customers by " + report.score_name);
    for (std::size_t index = 0; index < shown; ++index) {
        const CommunitySummary& c = report.communities[index];
        const double ties = c.internal_strength + c.external_strength;
        std::string top_names;
        for (const NodeId node : c.top_members) {
            if (!top_names.empty()) top_names += ", ";
            top_names += graph.name(node).empty()
                             ? std::string(graph.external_id(node))
                             : fmt::format("{} ({})", graph.name(node), graph.external_id(node));
        }
        out += fmt::format("{:>9}  {:>7}  {:>6}  {:>10}  {:>14}  {:>10}  {:>9}  {}\n", c.id,
                           count(c.size), count(c.people), count(c.businesses),
                           money(c.total_value), money(c.size ? c.total_value / c.size : 0.0),
                           ties > 0 ? fmt::format("{:.1f}%", 100 * c.internal_strength / ties) : "",
                           top_names);
    }
    if (shown < report.communities.size())
        out += fmt::format("... and {} smaller communities (--top 0 lists all)\n",
                           count(report.communities.size() - shown));
    if (opted_out > 0)
        out += fmt::format("{} opted-out customer{} among the top customers not listed\n",
                           count(opted_out), opted_out == 1 ? "" : "s");
    return out;
}

std::vector<std::uint32_t> labels_from_column(const InfluenceGraph& graph,
                                              std::string_view column) {
    const auto& names = graph.attribute_names();
    std::size_t position = names.size();
    for (std::size_t index = 0; index < names.size(); ++index)
        if (names[index] == column) position = index;
    const bool segment = column == "segment";
    if (position == names.size() && !segment)
        throw UsageError("--initial-column: the customers have no column '" + std::string(column) +
                         "'");
    std::unordered_map<std::string_view, std::uint32_t> label_of;
    std::vector<std::uint32_t> labels(graph.num_nodes());
    std::vector<NodeId> unlabelled;
    for (NodeId node = 0; node < graph.num_nodes(); ++node) {
        const std::string_view value =
            segment ? graph.segment(node) : graph.attribute(position, node);
        if (value.empty())
            unlabelled.push_back(node);
        else
            labels[node] =
                label_of.emplace(value, static_cast<std::uint32_t>(label_of.size())).first->second;
    }
    auto next = static_cast<std::uint32_t>(label_of.size());
    for (const NodeId node : unlabelled) labels[node] = next++;
    return labels;
}

void write_membership_csv(const std::filesystem::path& path, const InfluenceGraph& graph,
                          const std::vector<std::uint32_t>& community, bool byte_order_mark) {
    std::string buffer = "id,community,opt_out\n";
    for (NodeId node = 0; node < graph.num_nodes(); ++node) {
        buffer += csv_field(graph.external_id(node));
        buffer += ',';
        buffer += std::to_string(community[node]);
        buffer += graph.opt_out(node) ? ",true\n" : ",false\n";
    }
    write_csv_file(path, buffer, byte_order_mark);
}

}  // namespace catena
