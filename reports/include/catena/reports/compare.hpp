// `catena compare`: seed strategies side by side, all judged by the same simulator, as k grows:
// influence maximisation (catena seeds), top PageRank (influence direction), top weighted
// out-degree, top own value, and random customers. Opt-outs are never chosen by any strategy.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "catena/algorithms/propagation.hpp"
#include "catena/algorithms/seed_selection.hpp"
#include "catena/graph/dataset.hpp"
#include "catena/loaders/store.hpp"
#include "catena/reports/output_format.hpp"

namespace catena {

struct CompareOptions {
    std::uint32_t k = 20;  // curves for 1..k seeds
    // model, simulations per point (1,000: k x 5 strategies of them), seed
    SimulationParams simulation = [] {
        SimulationParams params;
        params.simulations = 1000;
        return params;
    }();
    ProbabilityModel probability;
    double epsilon = 0.1;  // for the maximisation strategy
    // Called with a line of progress after each strategy (and each seed selection round).
    std::function<void(const std::string&)> progress;
};

struct StrategyCurve {
    std::string name;
    std::vector<NodeId> seeds;                 // k, in the strategy's order
    std::vector<double> spread, error, value;  // per number of seeds 1..k
};

struct CompareReport {
    CompareOptions options;
    std::vector<StrategyCurve> strategies;
};

CompareReport compare_strategies(const Dataset& dataset, const CompareOptions& options);
// The result as `--format json` prints it and the batch job's "compare" section holds: the
// strategies in order, each with its seeds and its curves for 1..k (docs/json-schema.md).
nlohmann::ordered_json to_json(const Dataset& dataset, const CompareReport& report);
std::string render(const Dataset& dataset, const CompareReport& report, OutputFormat format);

// Every point of every curve, as stored in the workspace (compare_points).
std::vector<ComparePoint> compare_points(const CompareReport& report);

class Analysis;
// `catena compare` as an Analysis (command.hpp).
std::unique_ptr<Analysis> make_compare_analysis(const CompareOptions& options = {});

}  // namespace catena
