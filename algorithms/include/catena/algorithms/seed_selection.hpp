// Seed selection (influence maximisation): the k customers to start a referral campaign with, so
// that the expected reach is as large as possible.
//
// Reverse-influence sampling, IMM (Tang, Shi & Xiao, SIGMOD 2015) with Chen's 2018 correction
// (the final selection uses RR sets drawn afresh, independent of the estimation phase):
// - an RR (reverse-reachable) set is the set of customers that would have activated a random
//   root: a reverse BFS over in-edges that keeps each edge with probability p(u,v) (IC), or a
//   reverse random walk that takes one in-edge with probability b(u,v) (LT);
// - the estimation phase finds a lower bound LB of the optimal spread; then
//   theta = lambda* / LB RR sets are drawn and greedy maximum coverage picks the seeds.
// With probability at least 1 - delta, the chosen seeds' expected spread is at least
// (1 - 1/e - eps) times the best possible for k seeds (IC and LT).
//
// Objectives: expected customers reached (roots uniform), or expected value reached (roots drawn
// in proportion to own value; the bound then holds for expected value).
// Constraints: opt-outs are never chosen; candidates may be limited (e.g. by segment or kind);
// with a budget over per-customer costs the greedy picks by marginal gain per cost and returns
// the better of that and the best single affordable customer, which keeps at least
// (1 - 1/e)/2 of the best budget-feasible coverage of the RR sets (Khuller, Moss & Naor 1999).
//
// RR sets are stored flat (one array of members, one of offsets); each is drawn from its own
// random stream derived from (seed, index), so results are identical at any thread count.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "catena/algorithms/propagation.hpp"
#include "catena/graph/influence_graph.hpp"

namespace catena {

struct SeedSelectionParams {
    std::uint32_t k = 50;
    double epsilon = 0.1;
    double delta = 0.0;  // 0: 1 / number of customers
    DiffusionModel model = DiffusionModel::independent_cascade;
    bool value_objective = false;  // maximise expected value reached instead of customers
    double budget = 0.0;           // > 0: total cost of the seeds at most this (costs from the graph)
    std::uint64_t seed = 1;
    // Customers that may be chosen (besides opt-outs, which never are); empty: all.
    std::vector<std::uint8_t> candidates;
    // Stop drawing RR sets beyond this many (0: no cap); the result then says the bound may not hold.
    std::uint64_t max_rr_sets = 200'000'000;

    void validate(NodeId num_nodes) const;  // throws UsageError
};

struct SeedSelectionResult {
    std::vector<NodeId> seeds;              // in the order chosen
    std::vector<double> marginal_estimate;  // estimated gain of each seed when it was added
    double estimated_spread = 0.0;          // customers (or value) reached, estimated from RR sets
    std::uint64_t rr_sets = 0;              // RR sets drawn in the final phase
    std::uint64_t rr_entries = 0;           // their total size
    std::size_t memory_bytes = 0;           // RR storage and index at their largest
    double approximation = 0.0;             // 1 - 1/e - eps (or (1 - 1/e)/2 - eps with a budget)
    double failure_probability = 0.0;       // delta
    bool guarantee_holds = true;            // false when max_rr_sets cut the sampling short
};

// `weights`: edge_probabilities() for IC, threshold_weights() for LT.
SeedSelectionResult select_seeds(const InfluenceGraph& graph, std::span<const double> weights,
                                 const SeedSelectionParams& params);

// CELF (Leskovec et al. 2007): greedy seed selection with every marginal gain estimated by the
// Monte Carlo simulator (`simulations` runs each, common seed), lazily re-evaluated. Exact up to
// simulation noise but slow: a cross-check for small graphs. Opt-outs and `candidates` as above.
SeedSelectionResult celf_seeds(const InfluenceGraph& graph, std::span<const double> weights,
                               const SeedSelectionParams& params, std::uint32_t simulations = 2000);

}  // namespace catena
