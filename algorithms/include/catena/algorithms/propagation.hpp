// Influence propagation: how far a campaign started at a set of seed customers spreads.
//
// Influence travels along the edges (u -> v: u can influence v).
// - Independent Cascade (IC): when u becomes active it gets one chance to activate each v it
//   points to, succeeding with probability p(u,v).
// - Linear Threshold (LT): v draws a threshold uniformly in [0,1] and becomes active once the
//   weights b(u,v) of its active in-neighbours add up to it; b is the strength normalised over v's
//   in-edges (so it sums to 1 for every node with in-edges).
//
// Edge probabilities for IC, chosen per run:
// - weighted-cascade (default): p(u,v) = w(u,v) / sum of w(x,v) over v's in-edges, the weighted
//   generalisation of 1 / in-degree(v);
// - constant P: every edge P;
// - column: the relationships' `probability` column; edges without one use weighted-cascade;
// - learned: from observed referrals, u's smoothed conversion rate
//   (converted + a) / (referrals + a + b), with a Beta prior of strength 2 centred on the overall
//   conversion rate; customers without referral history use weighted-cascade.
//
// The simulator runs independent Monte Carlo simulations. Each simulation draws from its own
// random stream, derived from (seed, simulation number), so the results are identical at any
// thread count.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "catena/graph/dataset.hpp"
#include "catena/graph/influence_graph.hpp"

namespace catena {

enum class DiffusionModel { independent_cascade, linear_threshold };
// "ic" and "lt", the names options, job files and outputs use.
std::string_view to_string(DiffusionModel model);
// Parses "ic" or "lt"; nullopt for anything else (the caller says where it came from).
std::optional<DiffusionModel> parse_diffusion_model(std::string_view text);

struct ProbabilityModel {
    enum class Kind { weighted_cascade, constant, column, learned };
    Kind kind = Kind::weighted_cascade;
    double constant = 0.1;  // for Kind::constant
    bool weighted = true;   // weighted-cascade by strength (false: 1 / in-degree)
    // Parses "weighted-cascade", "constant:P", "column" or "learned"; throws UsageError.
    static ProbabilityModel parse(std::string_view text);
};
// The text parse() reads back: "weighted-cascade", "constant:0.05", "column" or "learned".
std::string to_string(const ProbabilityModel& model);

// p(u,v) for every edge (EdgeId order). `referrals` are used by the learned model only.
std::vector<double> edge_probabilities(const InfluenceGraph& graph, const ProbabilityModel& model,
                                       std::span<const Referral> referrals = {});

// b(u,v) for Linear Threshold: strengths normalised over each node's in-edges (EdgeId order).
std::vector<double> threshold_weights(const InfluenceGraph& graph, bool weighted = true);

// The weights simulate() and select_seeds() take for `model`: threshold_weights() for Linear
// Threshold, edge_probabilities(graph, probability, referrals) for Independent Cascade.
std::vector<double> diffusion_weights(const InfluenceGraph& graph, DiffusionModel model,
                                      const ProbabilityModel& probability,
                                      std::span<const Referral> referrals = {});

// The weights the reverse samplers read (select_seeds, network_value): stated for every edge (a
// diffusion_weights() vector), or the weighted cascade's p(u,v) = w(u,v) / (v's in-strength)
// worked out node by node while the sampler lays out its in-edges: the same numbers as
// edge_probabilities() with the weighted-cascade model, without its array of m probabilities and
// its two passes over the edges (on a 10M-relationship graph, a third of seed selection's set-up).
class DiffusionWeights {
  public:
    DiffusionWeights() = default;  // none stated (a graph without edges)
    DiffusionWeights(std::span<const double> stated) : stated_(stated) {}     // NOLINT
    DiffusionWeights(const std::vector<double>& stated) : stated_(stated) {}  // NOLINT
    // Independent Cascade's weighted cascade, by strength (or 1 / in-degree when not weighted).
    static DiffusionWeights weighted_cascade(bool weighted) {
        DiffusionWeights result;
        result.derived_ = true;
        result.weighted_ = weighted;
        return result;
    }
    bool derived() const { return derived_; }
    bool weighted() const { return weighted_; }
    std::span<const double> stated() const { return stated_; }

  private:
    std::span<const double> stated_;
    bool derived_ = false;
    bool weighted_ = true;
};

// Whether a reverse sampler under `model` works its weights out itself (the Independent
// Cascade's weighted cascade) rather than reading a stated array of one per edge.
inline bool sampler_derives_weights(DiffusionModel model, const ProbabilityModel& probability) {
    return model == DiffusionModel::independent_cascade &&
           probability.kind == ProbabilityModel::Kind::weighted_cascade;
}

// The weights for a reverse sampler under `model`: the weighted cascade worked out by the sampler
// when sampler_derives_weights(); otherwise diffusion_weights(), kept in `storage`.
DiffusionWeights sampling_weights(const InfluenceGraph& graph, DiffusionModel model,
                                  const ProbabilityModel& probability,
                                  std::span<const Referral> referrals,
                                  std::vector<double>& storage);

struct SimulationParams {
    DiffusionModel model = DiffusionModel::independent_cascade;
    std::uint32_t simulations = 10'000;
    std::uint64_t seed = 1;
    // What each customer is worth when reached (one per node, finite); empty: the customers'
    // value column.
    std::span<const double> values;
    void validate() const;  // throws UsageError
};

struct SimulationResult {
    std::uint32_t simulations = 0;
    double expected_spread = 0.0;        // customers activated, seeds included
    double standard_error = 0.0;         // of expected_spread
    double ci_low = 0.0, ci_high = 0.0;  // 95% normal interval
    double expected_value = 0.0;         // own value of the activated customers
    double value_standard_error = 0.0;
    std::vector<double> activation_probability;  // per node
    std::vector<double> mean_by_depth;  // mean customers activated at each cascade depth (0: seeds)
};

// `weights`: edge_probabilities() for IC, threshold_weights() for LT. Seeds must be distinct
// valid nodes (UsageError otherwise); an empty seed set spreads nowhere.
SimulationResult simulate(const InfluenceGraph& graph, std::span<const double> weights,
                          std::span<const NodeId> seeds, const SimulationParams& params);

}  // namespace catena
