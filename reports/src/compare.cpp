#include "catena/reports/compare.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "catena/algorithms/centrality.hpp"
#include "catena/algorithms/pagerank.hpp"
#include "catena/graph/errors.hpp"

#include "human.hpp"

namespace catena {

CompareReport compare_strategies(const Dataset& dataset, const CompareOptions& options) {
    const InfluenceGraph& graph = dataset.graph;
    options.simulation.validate();
    const std::vector<double> weights =
        diffusion_weights(graph, options.simulation.model, options.probability, dataset.referrals);
    SeedSelectionParams params;
    params.k = options.k;
    params.epsilon = options.epsilon;
    params.model = options.simulation.model;
    params.seed = options.simulation.seed;
    if (options.progress)
        params.progress = [&](const std::string& line) {
            options.progress("maximisation: " + line);
        };
    CompareReport report;
    report.options = options;
    // Greedy picks in order, so the first j maximisation seeds are its choice for j seeds.
    report.strategies.push_back(
        {"maximisation", select_seeds(graph, weights, params).seeds, {}, {}, {}});
    // The baselines follow the same candidate rule as the maximisation (seed_selection.hpp):
    // customers who opted out are never picked.
    report.strategies.push_back(
        {"pagerank", top_scored_seeds(graph, pagerank(graph).scores, options.k), {}, {}, {}});
    report.strategies.push_back(
        {"degree",
         top_scored_seeds(graph, weighted_degree(graph, RankDirection::influence), options.k),
         {},
         {},
         {}});
    report.strategies.push_back(
        {"value", top_scored_seeds(graph, graph.values(), options.k), {}, {}, {}});
    report.strategies.push_back(
        {"random", random_seeds(graph, options.k, options.simulation.seed), {}, {}, {}});
    for (StrategyCurve& curve : report.strategies) {
        for (const NodeId node : curve.seeds)
            if (graph.opt_out(node))
                throw InternalError("compare: strategy " + curve.name +
                                    " picked a customer who opted out");
        for (std::size_t count = 1; count <= curve.seeds.size(); ++count) {
            const std::span<const NodeId> prefix(curve.seeds.data(), count);
            const SimulationResult result = simulate(graph, weights, prefix, options.simulation);
            curve.spread.push_back(result.expected_spread);
            curve.error.push_back(result.standard_error);
            curve.value.push_back(result.expected_value);
        }
        if (options.progress)
            options.progress(curve.name + ": simulated k = 1.." +
                             std::to_string(curve.seeds.size()));
    }
    return report;
}

nlohmann::ordered_json to_json(const Dataset& dataset, const CompareReport& report) {
    nlohmann::ordered_json strategies = nlohmann::ordered_json::array();
    for (const StrategyCurve& curve : report.strategies) {
        std::vector<std::string> ids;
        for (const NodeId node : curve.seeds) ids.emplace_back(dataset.graph.external_id(node));
        strategies.push_back({{"name", curve.name},
                              {"seeds", ids},
                              {"expected_spread", curve.spread},
                              {"standard_error", curve.error},
                              {"expected_value", curve.value}});
    }
    return {{"k", report.options.k},
            {"model", to_string(report.options.simulation.model)},
            {"simulations", report.options.simulation.simulations},
            {"seed", report.options.simulation.seed},
            {"strategies", strategies}};
}

std::string render(const Dataset& dataset, const CompareReport& report, OutputFormat format) {
    (void)dataset;
    const auto& strategies = report.strategies;
    if (format == OutputFormat::csv) {
        std::string out = "strategy,k,expected_spread,standard_error,expected_value\n";
        for (const StrategyCurve& curve : strategies)
            for (std::size_t index = 0; index < curve.spread.size(); ++index)
                out += fmt::format("{},{},{:.17g},{:.17g},{:.17g}\n", curve.name, index + 1,
                                   curve.spread[index], curve.error[index], curve.value[index]);
        return out;
    }
    if (format == OutputFormat::json) return to_json(dataset, report).dump(2) + "\n";
    std::string out =
        fmt::format("Expected customers reached by k seeds, {} simulations per point (seed {})\n\n",
                    count(report.options.simulation.simulations), report.options.simulation.seed);
    out += fmt::format("{:>4}", "k");
    for (const StrategyCurve& curve : strategies) out += fmt::format("  {:>13}", curve.name);
    out += "\n";
    std::size_t rows = 0;
    for (const StrategyCurve& curve : strategies) rows = std::max(rows, curve.spread.size());
    for (std::size_t index = 0; index < rows; ++index) {
        out += fmt::format("{:>4}", index + 1);
        for (const StrategyCurve& curve : strategies)
            out += index < curve.spread.size() ? fmt::format("  {:>13.2f}", curve.spread[index])
                                               : fmt::format("  {:>13}", "");
        out += "\n";
    }
    return out;
}

std::vector<ComparePoint> compare_points(const CompareReport& report) {
    std::vector<ComparePoint> points;
    for (const StrategyCurve& curve : report.strategies)
        for (std::size_t index = 0; index < curve.spread.size(); ++index)
            points.push_back({curve.name, static_cast<std::uint32_t>(index + 1), curve.seeds[index],
                              curve.spread[index], curve.error[index], curve.value[index]});
    return points;
}

}  // namespace catena
