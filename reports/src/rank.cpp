#include "catena/reports/rank.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <numeric>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "catena/graph/errors.hpp"

#include "human.hpp"

namespace catena {

RankMeasure parse_rank_measure(std::string_view text) {
    if (text == "pagerank") return RankMeasure::pagerank;
    if (text == "degree") return RankMeasure::degree;
    if (text == "core") return RankMeasure::core;
    if (text == "betweenness") return RankMeasure::betweenness;
    if (text == "closeness") return RankMeasure::closeness;
    throw UsageError("--by must be pagerank, degree, core, betweenness or closeness, not '" +
                     std::string(text) + "'");
}

std::string_view to_string(RankMeasure measure) {
    switch (measure) {
        case RankMeasure::pagerank:
            return "pagerank";
        case RankMeasure::degree:
            return "degree";
        case RankMeasure::core:
            return "core";
        case RankMeasure::betweenness:
            return "betweenness";
        case RankMeasure::closeness:
            return "closeness";
    }
    return "?";
}

std::vector<double> personalization_vector(const InfluenceGraph& graph, std::string_view spec) {
    const NodeId n = graph.num_nodes();
    std::vector<double> weights(n, 0.0);
    if (spec == "value") {
        for (NodeId node = 0; node < n; ++node) weights[node] = graph.value(node);
        if (std::all_of(weights.begin(), weights.end(), [](double w) { return w == 0; }))
            throw UsageError("--personalize value: no customer has a value above 0");
        return weights;
    }
    if (spec.starts_with("segment:")) {
        const std::string_view segment = spec.substr(8);
        const auto& names = graph.segment_names();
        const auto found = std::find(names.begin(), names.end(), segment);
        if (segment.empty() || found == names.end())
            throw UsageError("--personalize: no customer is in segment '" + std::string(segment) +
                             "'");
        const auto code = static_cast<std::uint32_t>(found - names.begin());
        for (NodeId node = 0; node < n; ++node)
            weights[node] = graph.segment_code(node) == code ? 1.0 : 0.0;
        return weights;
    }
    if (spec.starts_with("ids:")) {
        std::string_view list = spec.substr(4);
        while (!list.empty()) {
            const std::size_t comma = list.find(',');
            std::string_view item = list.substr(0, comma);
            list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
            double weight = 1.0;
            if (const std::size_t equals = item.rfind('='); equals != std::string_view::npos) {
                const std::string_view number = item.substr(equals + 1);
                const auto [end, error] =
                    std::from_chars(number.data(), number.data() + number.size(), weight);
                if (error != std::errc() || end != number.data() + number.size() ||
                    !(weight >= 0) || !std::isfinite(weight))
                    throw UsageError("--personalize: bad weight in '" + std::string(item) +
                                     "' (a number >= 0)");
                item = item.substr(0, equals);
            }
            const auto node = graph.find(item);
            if (!node)
                throw UsageError("--personalize: unknown customer '" + std::string(item) + "'");
            weights[*node] += weight;
        }
        if (std::all_of(weights.begin(), weights.end(), [](double w) { return w == 0; }))
            throw UsageError("--personalize: the list gives no customer a weight above 0");
        return weights;
    }
    throw UsageError("--personalize must be value, segment:NAME or ids:ID[=WEIGHT],..., not '" +
                     std::string(spec) + "'");
}

std::vector<RankedCustomer> listed_ranking(const InfluenceGraph& graph,
                                           const std::vector<double>& scores, std::size_t top,
                                           std::uint64_t& opted_out_passed) {
    if (scores.size() != graph.num_nodes())
        throw InternalError("listed_ranking: one score per customer expected");
    std::vector<NodeId> order(graph.num_nodes());
    std::iota(order.begin(), order.end(), NodeId{0});
    std::uint64_t opted_out = 0;
    for (NodeId node = 0; node < graph.num_nodes(); ++node) opted_out += graph.opt_out(node);
    const std::size_t wanted = top == 0 ? order.size() : std::min(top, order.size());
    // The first `wanted` listable customers are among the first wanted + opted_out of all.
    const std::size_t sorted =
        static_cast<std::size_t>(std::min<std::uint64_t>(wanted + opted_out, order.size()));
    const auto higher = [&](NodeId a, NodeId b) {
        return scores[a] != scores[b] ? scores[a] > scores[b] : a < b;
    };
    std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(sorted),
                      order.end(), higher);
    std::vector<RankedCustomer> listed;
    opted_out_passed = 0;
    for (std::size_t index = 0; index < sorted && listed.size() < wanted; ++index) {
        const NodeId node = order[index];
        if (graph.opt_out(node))
            ++opted_out_passed;
        else
            listed.push_back({node, index + 1, scores[node]});
    }
    if (listed.size() < wanted) opted_out_passed = opted_out;  // the list ran to the end
    return listed;
}

RankResult rank_customers(const Dataset& dataset, const RankOptions& options) {
    const InfluenceGraph& graph = dataset.graph;
    RankResult result;
    result.options = options;
    result.options.columns.resolve(graph);
    if (!options.personalize.empty() && options.measure != RankMeasure::pagerank)
        throw UsageError("--personalize applies to --by pagerank only");
    switch (options.measure) {
        case RankMeasure::pagerank: {
            PageRankParams params = options.pagerank;
            if (!options.personalize.empty())
                params.personalization = personalization_vector(graph, options.personalize);
            PageRankResult pagerank_result = pagerank(graph, params);
            result.scores = std::move(pagerank_result.scores);
            result.iterations = pagerank_result.iterations;
            result.converged = pagerank_result.converged;
            result.last_change = pagerank_result.last_change;
            break;
        }
        case RankMeasure::degree:
            result.scores = weighted_degree(graph, options.pagerank.direction);
            break;
        case RankMeasure::core: {
            const auto cores = core_numbers(graph);
            result.scores.assign(cores.begin(), cores.end());
            break;
        }
        case RankMeasure::betweenness:
            result.scores = betweenness(graph, options.sampling);
            break;
        case RankMeasure::closeness:
            result.scores = harmonic_closeness(graph, options.sampling);
            break;
    }
    result.top = listed_ranking(graph, result.scores, options.top, result.opted_out_not_listed);
    return result;
}

nlohmann::ordered_json to_json(const Dataset& dataset, const RankResult& result) {
    const InfluenceGraph& graph = dataset.graph;
    const RankOptions& options = result.options;
    nlohmann::ordered_json json;
    json["measure"] = to_string(options.measure);
    if (options.measure == RankMeasure::pagerank || options.measure == RankMeasure::degree)
        json["direction"] = to_string(options.pagerank.direction);
    if (options.measure == RankMeasure::pagerank) {
        json["damping"] = options.pagerank.damping;
        json["tolerance"] = options.pagerank.tolerance;
        json["iterations"] = result.iterations;
        json["converged"] = result.converged;
        json["personalize"] = options.personalize;
    }
    if (options.measure == RankMeasure::betweenness || options.measure == RankMeasure::closeness)
        json["pivots"] = options.sampling.pivots;
    json["customers"] = result.customers != 0 ? result.customers : graph.num_nodes();
    nlohmann::ordered_json rows = nlohmann::ordered_json::array();
    for (const RankedCustomer& row : result.top) {
        rows.push_back(
            {{"rank", row.rank},
             {"id", graph.external_id(row.node)},
             {"name", graph.name(row.node)},
             {"kind", to_string(graph.kind(row.node))},
             {"segment", graph.segment(row.node)},
             {"own_value",
              graph.has_value(row.node) ? nlohmann::ordered_json(graph.value(row.node)) : nullptr},
             {"score", row.score}});
        if (!options.columns.empty())
            rows.back()["columns"] = options.columns.json(graph, row.node);
    }
    json["top"] = rows;
    json["opted_out_not_listed"] = result.opted_out_not_listed;
    return json;
}

std::string render(const Dataset& dataset, const RankResult& result, OutputFormat format) {
    const InfluenceGraph& graph = dataset.graph;
    const RankOptions& options = result.options;
    const bool directional =
        options.measure == RankMeasure::pagerank || options.measure == RankMeasure::degree;
    std::string out;
    switch (format) {
        case OutputFormat::csv:
            out = "rank,id,name,kind,segment,value,score" + options.columns.csv_header() + "\n";
            for (const RankedCustomer& row : result.top)
                out += fmt::format(
                    "{},{},{},{},{},{},{:.17g}{}\n", row.rank,
                    csv_field(graph.external_id(row.node)), csv_field(graph.name(row.node)),
                    to_string(graph.kind(row.node)), csv_field(graph.segment(row.node)),
                    graph.has_value(row.node) ? fmt::format("{:.2f}", graph.value(row.node)) : "",
                    row.score, options.columns.csv_cells(graph, row.node));
            return out;
        case OutputFormat::json:
            return to_json(dataset, result).dump(2) + "\n";
        case OutputFormat::table:
            break;
    }
    out += fmt::format("Top {} of {} customers by {}", count(result.top.size()),
                       count(result.customers != 0 ? result.customers : graph.num_nodes()),
                       to_string(options.measure));
    if (directional) out += fmt::format(" ({} direction)", to_string(options.pagerank.direction));
    if (!options.personalize.empty())
        out += fmt::format(", personalised by {}", options.personalize);
    out += "\n";
    if (options.measure == RankMeasure::pagerank)
        out += fmt::format("PageRank: damping {}, {} iterations, {} (last change {:.2e})\n",
                           options.pagerank.damping, result.iterations,
                           result.converged ? "converged" : "stopped at the iteration cap",
                           result.last_change);
    if ((options.measure == RankMeasure::betweenness ||
         options.measure == RankMeasure::closeness) &&
        options.sampling.pivots > 0)
        out += fmt::format("Estimated from {} sampled pivots (seed {})\n",
                           count(options.sampling.pivots), options.sampling.seed);
    if (result.opted_out_not_listed > 0)
        out += fmt::format(
            "{} opted-out customer{} ranked among these not listed; ranks count every customer\n",
            count(result.opted_out_not_listed), result.opted_out_not_listed == 1 ? "" : "s");
    out += "\n";
    std::size_t id_width = 2, name_width = 4, segment_width = 7;
    for (const RankedCustomer& row : result.top) {
        id_width = std::max(id_width, graph.external_id(row.node).size());
        name_width = std::max(name_width, graph.name(row.node).size());
        segment_width = std::max(segment_width, graph.segment(row.node).size());
    }
    name_width = std::min<std::size_t>(name_width, 32);
    std::vector<NodeId> listed;
    for (const RankedCustomer& row : result.top) listed.push_back(row.node);
    const std::vector<std::size_t> widths = options.columns.widths(graph, listed);
    out += fmt::format("{:>5}  {:<{}}  {:<{}}  {:<8}  {:<{}}  {:>12}  {:>12}{}\n", "rank", "id",
                       id_width, "name", name_width, "kind", "segment", segment_width, "value",
                       "score", options.columns.table_header(widths));
    for (const RankedCustomer& row : result.top) {
        std::string name(graph.name(row.node));
        if (name.size() > name_width) {
            std::size_t cut = name_width - 3;
            while (cut > 0 && (static_cast<unsigned char>(name[cut]) & 0xC0) == 0x80)
                --cut;  // UTF-8
            name = name.substr(0, cut) + "...";
        }
        out += fmt::format("{:>5}  {:<{}}  {:<{}}  {:<8}  {:<{}}  {:>12}  {:>12}{}\n", row.rank,
                           graph.external_id(row.node), id_width, name, name_width,
                           to_string(graph.kind(row.node)), graph.segment(row.node), segment_width,
                           graph.has_value(row.node) ? money(graph.value(row.node)) : "",
                           score(row.score), options.columns.table_cells(graph, row.node, widths));
    }
    return out;
}

}  // namespace catena
