// Explaining one customer's influence: whom they move, who moves them, and along which chains.
//
// Edges u -> v mean "u can influence v"; `weights` are the diffusion weights of the model
// (edge_probabilities() for Independent Cascade, threshold_weights() for Linear Threshold), as
// simulate() takes them.
//
// - Reach of u (influence_of): P(u activates v) for every v != u when a campaign is seeded at u
//   alone, estimated by `samples` forward cascades (simulate()). v's contribution to u's network
//   value is own(v) x P(u activates v), so the contributions of all v add up to the network value
//   that customer_value() estimates (by reverse sampling) for u.
// - Influencers of v (influence_on): P(w activates v) for every w != v when a campaign is seeded
//   at w alone. Under both models the customers a random reverse-reachable (RR) set rooted at v
//   holds are exactly those whose campaign would reach v in that random world (Borgs et al. 2014;
//   for LT, the live-edge walk of Kempe et al. 2003), so P(w activates v) = P(w in RR(v)),
//   estimated by `samples` RR sets rooted at v. One pass gives it for every w at once.
// - The most likely chain from u to v: the path u = x0 -> x1 -> ... -> xk = v whose links' weights
//   multiply to the most, found by Dijkstra on -log(weight) (every weight is in [0, 1]). Under IC
//   its product is the probability that every link of that chain fires; it is a lower bound of
//   P(u activates v), which sums over every path. Among equally likely chains the one settled
//   first wins (Dijkstra settles nodes in (cost, NodeId) order), so the choice is deterministic.
//
// Each sample draws from its own random stream derived from (seed, index), and counts are
// integers summed in a fixed order, so results are identical at any thread count.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "catena/algorithms/propagation.hpp"
#include "catena/graph/influence_graph.hpp"

namespace catena {

struct ExplainParams {
    DiffusionModel model = DiffusionModel::independent_cascade;
    std::uint32_t samples = 10'000;  // forward cascades and RR sets, each at least 1
    std::uint64_t seed = 1;
    void validate() const;  // throws UsageError
};

// One customer's chance of activation, as estimated: probability and its standard error
// sqrt(p (1 - p) / samples).
struct Activation {
    NodeId node = kNoNode;
    double probability = 0.0;
    double standard_error = 0.0;
};

struct ReachResult {
    std::uint32_t samples = 0;
    // Every customer activated in at least one cascade, other than the seed; by NodeId.
    std::vector<Activation> reached;
    double expected_reach = 0.0;  // sum of their probabilities: customers activated besides u
    double expected_reach_standard_error = 0.0;
    // influence_of with values: sum over v != u of value(v) x P(u activates v), and its standard
    // error over the cascades (0 without values).
    double expected_value = 0.0;
    double expected_value_standard_error = 0.0;
};

// P(source activates v) for every v != source, by forward simulation; `values` (one per node, or
// empty) gives expected_value. Throws UsageError for an invalid source, weights outside [0, 1] or
// bad params.
ReachResult influence_of(const InfluenceGraph& graph, std::span<const double> weights,
                         NodeId source, const ExplainParams& params,
                         std::span<const double> values = {});

// P(w activates target) for every w != target with a chance above 0 in the samples, by RR sets
// rooted at target; by NodeId. `expected_reach` is the mean RR-set size less the root: the
// expected number of customers whose campaign alone would reach target.
ReachResult influence_on(const InfluenceGraph& graph, std::span<const double> weights,
                         NodeId target, const ExplainParams& params);

// One link of a chain: the edge, its ends and its weight.
struct ChainLink {
    EdgeId edge = 0;
    NodeId from = kNoNode, to = kNoNode;
    double weight = 0.0;
};

struct Chain {
    std::vector<ChainLink> links;  // empty when there is no chain (or from == to)
    double probability = 0.0;      // product of the links' weights; 0 when there is none
};

// The most likely chains from one customer to others (or from others to one customer), computed
// once and read for any number of ends.
class ChainFinder {
  public:
    enum class Direction {
        from_origin,  // chains origin -> v
        to_origin     // chains v -> origin
    };
    // Settles customers in order of decreasing chain probability until each of `ends` is settled
    // (or nothing more is reachable); `ends` empty: every reachable customer.
    ChainFinder(const InfluenceGraph& graph, std::span<const double> weights, NodeId origin,
                Direction direction, std::span<const NodeId> ends = {});
    // The chain between the origin and `end` in the finder's direction (links always in the
    // order influence travels). No links when `end` is not reachable or was not asked for.
    Chain chain(NodeId end) const;
    double probability(NodeId end) const;  // 0 when unreachable

  private:
    std::span<const double> weights_;
    NodeId origin_;
    Direction direction_;
    std::vector<double> cost_;  // -log(probability); +inf when not settled
    std::vector<EdgeId> via_;   // edge that reached the node on its best chain
    std::vector<NodeId> previous_;
};

}  // namespace catena
