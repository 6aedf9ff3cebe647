// Seed selection (influence maximisation): the k customers to start a referral campaign with, so
// that the expected reach is as large as possible.
//
// Reverse-influence sampling, OPIM-C (Tang, Tang, Xiao & Yuan, SIGMOD 2018):
// - an RR (reverse-reachable) set is the set of customers that would have activated a random
//   root: a reverse BFS over in-edges that keeps each edge with probability p(u,v) (IC), or a
//   reverse random walk that takes one in-edge with probability b(u,v) (LT);
// - two independent collections: R1, on which greedy maximum coverage picks the seeds and which
//   bounds the best possible spread from above (the least, over its steps, of the coverage so
//   far plus the k largest marginal coverages), and R2, which bounds the chosen seeds' spread
//   from below. Their ratio is a certified approximation ratio (with probability 1 - delta); the
//   algorithm stops as soon as it reaches 1 - 1/e - eps and otherwise doubles R1 and R2, up to
//   theta_max, where the guarantee holds by the analysis whatever the certified ratio.
// Unlike OPIM-C, R1 holds 8 times R2's sets: the seeds' quality follows the greedy's sample, while
// R2 only estimates one fixed set's spread, which needs far fewer sets. For the same RR sets the
// seeds are better and the certificate comes as early (bench/KERNELS.md, section 4). Once the
// seeds are certified, R2 alone grows until its estimate of their reach has a relative standard
// error of at most eps / 4 (the result gives the estimate and its standard error).
// So with probability at least 1 - delta the chosen seeds' expected spread is at least
// (1 - 1/e - eps) times the best possible for k seeds (IC and LT). Because it stops early, it
// usually needs far fewer RR sets than IMM (Tang, Shi & Xiao 2015), which fixes their number
// from a worst-case lower bound of the optimum.
//
// Objectives: expected customers reached (roots uniform), or expected value reached (roots drawn
// in proportion to own value; the bound then holds for expected value).
// Constraints: opt-outs are never chosen; candidates may be limited (e.g. by segment or kind);
// with a budget over per-customer costs the greedy picks by marginal gain per cost and returns
// the better of that and the best single affordable customer, which keeps at least
// (1 - 1/e)/2 of the best budget-feasible coverage of the RR sets (Khuller, Moss & Naor 1999).
// Without a budget exactly k seeds come back: once the RR sets are all covered (a hub that
// reaches everyone), the rest are the customers that cover the most on their own, with gain 0.
//
// RR sets are stored flat (one array of members, one of offsets); each is drawn from its own
// random stream derived from (seed, index), so results are identical at any thread count. The
// greedy keeps its candidates in a lazy max-heap (about k heap operations per seed, not a pass
// over every customer).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "catena/algorithms/propagation.hpp"
#include "catena/graph/influence_graph.hpp"

namespace catena {

// What a seed set is chosen to maximise: the expected number of customers it reaches (roots of
// the RR sets drawn uniformly), or the expected own value it reaches (roots drawn in proportion to
// value). Written "customers" and "value" on the command line, in job files and in JSON.
enum class SeedObjective { customers, value };

std::string_view to_string(SeedObjective objective);
// nullopt for any other text.
std::optional<SeedObjective> parse_seed_objective(std::string_view text);

struct SeedSelectionParams {
    std::uint32_t k = 50;
    double epsilon = 0.1;
    double delta = 0.0;  // 0: 1 / number of customers
    DiffusionModel model = DiffusionModel::independent_cascade;
    SeedObjective objective = SeedObjective::customers;
    double budget = 0.0;  // > 0: total cost of the seeds at most this (costs from the graph)
    std::uint64_t seed = 1;
    // Customers that may be chosen (besides opt-outs, which never are); empty: all.
    std::vector<std::uint8_t> candidates;
    // Stop drawing RR sets beyond this many (0: no cap); the result then says the bound may not
    // hold.
    std::uint64_t max_rr_sets = 200'000'000;
    // > 0: throw UsageError instead of drawing a round of RR sets that would take the memory of
    // the RR sets, their index and the sampler past this many bytes.
    std::uint64_t memory_limit = 0;
    // Called after each round with a line of progress ("round 2/9: ..."); algorithms never print.
    std::function<void(const std::string&)> progress;

    void validate(NodeId num_nodes) const;  // throws UsageError
};

struct SeedSelectionResult {
    std::vector<NodeId> seeds;              // in the order chosen
    std::vector<double> marginal_estimate;  // estimated gain of each seed when it was added
    double estimated_spread = 0.0;          // customers (or value) reached, estimated from RR sets
    double estimated_spread_se = 0.0;       // its standard error
    std::uint64_t rr_sets = 0;              // RR sets drawn (R1 and R2 together)
    std::uint64_t rr_entries = 0;           // their total size
    std::size_t memory_bytes = 0;           // RR storage and index at their largest
    int rounds = 0;                         // OPIM-C rounds (each doubles the RR sets)
    double approximation = 0.0;  // the target: 1 - 1/e - eps (or (1 - 1/e)/2 - eps with a budget)
    double certified_approximation =
        0.0;  // achieved: spread >= this x the best, with probability 1 - delta
    double failure_probability = 0.0;  // delta
    bool guarantee_holds = true;  // false when max_rr_sets cut the sampling short of the target
};

// What select_seeds() settles on the customers before it draws any RR set, for a sampler of the
// same RR sets elsewhere (catena-mpi's ranks).
struct SeedPlan {
    std::vector<std::uint8_t> allowed;  // per customer: may be chosen (may_be_seed below)
    NodeId candidates = 0;              // how many may
    // The value objective: the running sum of value by customer, from which roots are drawn in
    // proportion to value (set i's root is the first customer whose sum exceeds uniform(i) times
    // the total); empty: uniform roots.
    std::vector<double> running_value;
    double scale = 0.0;          // the most the objective can reach: n, or the total value
    double optimum_floor = 0.0;  // the least the best k seeds reach: k, or the k largest values
    std::vector<double> costs;   // with a budget: per customer, its cost; empty otherwise
};
// Throws select_seeds()'s usage errors about the customers: k over the customers who may be
// chosen, a budget that buys none of them, the value objective with no value.
SeedPlan plan_seeds(const InfluenceGraph& graph, const SeedSelectionParams& params);

// `weights`: edge_probabilities() (or DiffusionWeights::weighted_cascade) for IC,
// threshold_weights() for LT.
SeedSelectionResult select_seeds(const InfluenceGraph& graph, DiffusionWeights weights,
                                 const SeedSelectionParams& params);

// The candidate rule every seed strategy follows (select_seeds, celf_seeds and the baselines
// below): `node` may be chosen unless they opted out, or `candidates` (when not empty, one entry
// per customer) leaves them out. An opted-out customer is never a campaign target.
inline bool may_be_seed(const InfluenceGraph& graph, std::span<const std::uint8_t> candidates,
                        NodeId node) {
    return !graph.opt_out(node) && (candidates.empty() || candidates[node] != 0);
}

// Baseline strategies, to compare with select_seeds under the same candidate rule (fewer than k
// come back when fewer customers may be chosen):
// - the k allowed customers with the highest `score` (one per customer), ties by lower NodeId;
// - k allowed customers in a random order (the first k of a Fisher-Yates shuffle of the allowed
//   NodeIds by catena's own generator seeded with `seed`: the same seed gives the same customers
//   with any compiler and standard library).
// Throw UsageError for a candidate mask or score vector of the wrong size.
std::vector<NodeId> top_scored_seeds(const InfluenceGraph& graph, std::span<const double> score,
                                     std::uint32_t k,
                                     std::span<const std::uint8_t> candidates = {});
std::vector<NodeId> random_seeds(const InfluenceGraph& graph, std::uint32_t k, std::uint64_t seed,
                                 std::span<const std::uint8_t> candidates = {});

// CELF (Leskovec et al. 2007): greedy seed selection over `simulations` Monte Carlo live-edge
// worlds (a common sample for every candidate), with lazily re-evaluated marginal gains. Exact
// greedy up to sampling noise but slow (each gain is a BFS per world): a cross-check for small
// graphs. Opt-outs and `candidates` as above; no budget.
SeedSelectionResult celf_seeds(const InfluenceGraph& graph, std::span<const double> weights,
                               const SeedSelectionParams& params, std::uint32_t simulations = 2000);

}  // namespace catena
