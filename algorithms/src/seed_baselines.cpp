// The seed strategies that are not OPIM-C: the baselines (top by a score, random) and CELF over
// Monte Carlo live-edge worlds, the slow exact-greedy cross-check. select_seeds is in
// seed_selection.cpp.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <span>
#include <string>
#include <vector>

#include "catena/algorithms/seed_selection.hpp"
#include "catena/graph/errors.hpp"

#include "random_stream.hpp"
#include <omp.h>

namespace catena {

namespace {

// The customers may_be_seed allows, in NodeId order.
std::vector<NodeId> allowed_nodes(const InfluenceGraph& graph,
                                  std::span<const std::uint8_t> candidates) {
    if (!candidates.empty() && candidates.size() != graph.num_nodes())
        throw UsageError("seeds: the candidate mask must have one entry per customer");
    std::vector<NodeId> nodes;
    for (NodeId node = 0; node < graph.num_nodes(); ++node)
        if (may_be_seed(graph, candidates, node)) nodes.push_back(node);
    return nodes;
}
}  // namespace

std::vector<NodeId> top_scored_seeds(const InfluenceGraph& graph, std::span<const double> score,
                                     std::uint32_t k, std::span<const std::uint8_t> candidates) {
    if (score.size() != graph.num_nodes())
        throw UsageError("seeds: the scores must have one entry per customer");
    std::vector<NodeId> nodes = allowed_nodes(graph, candidates);
    const std::size_t keep = std::min<std::size_t>(k, nodes.size());
    std::partial_sort(
        nodes.begin(), nodes.begin() + static_cast<std::ptrdiff_t>(keep), nodes.end(),
        [&](NodeId a, NodeId b) { return score[a] != score[b] ? score[a] > score[b] : a < b; });
    nodes.resize(keep);
    return nodes;
}

std::vector<NodeId> random_seeds(const InfluenceGraph& graph, std::uint32_t k, std::uint64_t seed,
                                 std::span<const std::uint8_t> candidates) {
    std::vector<NodeId> nodes = allowed_nodes(graph, candidates);
    // Only the first k places are drawn: the same k as a full shuffle would put first.
    const std::size_t keep = std::min<std::size_t>(k, nodes.size());
    RandomStream random{seed};
    partial_shuffle(nodes.begin(), nodes.begin() + static_cast<std::ptrdiff_t>(keep), nodes.end(),
                    random);
    nodes.resize(keep);
    return nodes;
}

namespace {

// Throws unless every edge probability is in [0, 1].
void check_probabilities(std::span<const double> weights) {
    for (const double w : weights)
        if (!(w >= 0.0 && w <= 1.0))
            throw UsageError("seeds: edge probabilities must be in [0, 1]");
}

// The allowed customers, in NodeId order; throws if fewer than k of them.
std::vector<NodeId> celf_candidates(const InfluenceGraph& graph,
                                    const SeedSelectionParams& params) {
    std::vector<NodeId> candidates = allowed_nodes(graph, params.candidates);
    if (params.k > candidates.size())
        throw UsageError("seeds: k = " + std::to_string(params.k) + " but only " +
                         std::to_string(candidates.size()) + " customers may be chosen");
    return candidates;
}

// Live-edge worlds, one after the other: a bit per edge (live or not) and a bit per node
// (covered by the seeds so far) in each.
struct LiveWorlds {
    std::uint32_t simulations = 0;
    std::size_t edge_words = 0;
    std::size_t node_words = 0;
    std::vector<std::uint64_t> live;
    std::vector<std::uint64_t> covered;
    std::vector<double> per_world;  // each world's gain in the last evaluation
};

// Draws world w from its own stream (seed, w): IC keeps each edge with probability p(u,v); LT
// lets each node keep at most one in-edge, (u,v) with probability b(u,v).
LiveWorlds draw_live_worlds(const InfluenceGraph& graph, std::span<const double> weights,
                            const SeedSelectionParams& params, std::uint32_t simulations) {
    const NodeId n = graph.num_nodes();
    const EdgeId m = graph.num_edges();
    LiveWorlds worlds;
    worlds.simulations = simulations;
    worlds.edge_words = (static_cast<std::size_t>(m) + 63) / 64;
    worlds.node_words = (static_cast<std::size_t>(n) + 63) / 64;
    worlds.live = std::vector<std::uint64_t>(worlds.edge_words * simulations, 0);
    worlds.covered = std::vector<std::uint64_t>(worlds.node_words * simulations, 0);
    worlds.per_world.resize(simulations);
    const std::size_t edge_words = worlds.edge_words;
    std::vector<std::uint64_t>& live = worlds.live;
    const auto in_offsets = graph.in_offsets();
    const auto in_edges = graph.in_edge_ids();
#pragma omp parallel for schedule(dynamic, 8)
    for (std::int64_t world = 0; world < static_cast<std::int64_t>(simulations); ++world) {
        RandomStream random =
            RandomStream::for_index(params.seed, static_cast<std::uint64_t>(world));
        std::uint64_t* bits = live.data() + static_cast<std::size_t>(world) * edge_words;
        if (params.model == DiffusionModel::linear_threshold) {
            for (NodeId v = 0; v < n; ++v) {
                const double r = random.uniform();
                double sum = 0.0;
                for (EdgeId position = in_offsets[v]; position < in_offsets[v + 1]; ++position) {
                    sum += weights[in_edges[position]];
                    if (r < sum) {
                        const EdgeId e = in_edges[position];
                        bits[e / 64] |= std::uint64_t{1} << (e % 64);
                        break;
                    }
                }
            }
        } else {
            for (EdgeId e = 0; e < m; ++e)
                if (random.uniform() < weights[e]) bits[e / 64] |= std::uint64_t{1} << (e % 64);
        }
    }
    return worlds;
}

// A thread's BFS scratch: the queue, and the customers it has reached (cleared after each BFS).
struct BfsScratch {
    std::vector<NodeId> queue;
    std::vector<std::uint64_t> seen;
};

// What `source` adds in one world beyond what is covered (`done`): a BFS over live edges (`bits`)
// that stops at covered customers (what they reach is covered already). With `take`, marks it
// covered.
double world_gain(const InfluenceGraph& graph, SeedObjective objective, NodeId source, bool take,
                  const std::uint64_t* bits, std::uint64_t* done, BfsScratch& scratch) {
    const auto out_offsets = graph.out_offsets();
    const auto targets = graph.out_targets();
    std::vector<NodeId>& queue = scratch.queue;
    std::vector<std::uint64_t>& seen = scratch.seen;
    const auto is_done = [&](NodeId v) {
        return (done[v / 64] >> (v % 64) & 1) || (seen[v / 64] >> (v % 64) & 1);
    };
    double added = 0.0;
    queue.clear();
    if (!is_done(source)) {
        queue.push_back(source);
        seen[source / 64] |= std::uint64_t{1} << (source % 64);
    }
    for (std::size_t head = 0; head < queue.size(); ++head) {
        const NodeId u = queue[head];
        added += objective == SeedObjective::value ? graph.value(u) : 1.0;
        for (EdgeId e = out_offsets[u]; e < out_offsets[u + 1]; ++e) {
            const NodeId v = targets[e];
            if ((bits[e / 64] >> (e % 64) & 1) && !is_done(v)) {
                seen[v / 64] |= std::uint64_t{1} << (v % 64);
                queue.push_back(v);
            }
        }
    }
    for (const NodeId v : queue) {
        seen[v / 64] &= ~(std::uint64_t{1} << (v % 64));
        if (take) done[v / 64] |= std::uint64_t{1} << (v % 64);
    }
    return added;
}

// The mean over the worlds of what `source` adds (worlds in parallel, summed in world order);
// with `take`, marks what it reaches covered in every world.
double mean_gain(LiveWorlds& worlds, const InfluenceGraph& graph, SeedObjective objective,
                 NodeId source, bool take) {
#pragma omp parallel
    {
        BfsScratch scratch{{}, std::vector<std::uint64_t>(worlds.node_words)};
#pragma omp for schedule(dynamic, 16)
        for (std::int64_t world = 0; world < static_cast<std::int64_t>(worlds.simulations);
             ++world) {
            const auto index = static_cast<std::size_t>(world);
            const std::uint64_t* bits = worlds.live.data() + index * worlds.edge_words;
            std::uint64_t* done = worlds.covered.data() + index * worlds.node_words;
            worlds.per_world[index] =
                world_gain(graph, objective, source, take, bits, done, scratch);
        }
    }
    return std::accumulate(worlds.per_world.begin(), worlds.per_world.end(), 0.0) /
           worlds.simulations;  // fixed order
}

// A CELF heap entry: a marginal gain, its customer, and the round (seeds chosen) it is from.
struct CelfEntry {
    double gain;
    NodeId node;
    std::uint32_t round;
};

// CELF (Leskovec et al. 2007): marginal gains only shrink, so a gain computed in an earlier
// round is an upper bound; re-evaluate the top until it is fresh, then take it.
void celf_greedy(LiveWorlds& worlds, const InfluenceGraph& graph, SeedObjective objective,
                 const std::vector<NodeId>& candidates, std::uint32_t k,
                 SeedSelectionResult& result) {
    const auto gain = [&](NodeId source, bool take) {
        return mean_gain(worlds, graph, objective, source, take);
    };
    std::vector<CelfEntry> heap;
    const auto less = [](const CelfEntry& a, const CelfEntry& b) {
        return a.gain != b.gain ? a.gain < b.gain : a.node > b.node;
    };
    for (const NodeId node : candidates) heap.push_back({gain(node, false), node, 0});
    std::make_heap(heap.begin(), heap.end(), less);
    while (result.seeds.size() < k && !heap.empty()) {
        std::pop_heap(heap.begin(), heap.end(), less);
        CelfEntry top = heap.back();
        heap.pop_back();
        const auto round = static_cast<std::uint32_t>(result.seeds.size());
        if (top.round == round) {  // fresh: take it
            gain(top.node, true);
            result.seeds.push_back(top.node);
            result.marginal_estimate.push_back(top.gain);
            result.estimated_spread += top.gain;
            continue;
        }
        top.gain = gain(top.node, false);
        top.round = round;
        heap.push_back(top);
        std::push_heap(heap.begin(), heap.end(), less);
    }
}

}  // namespace

SeedSelectionResult celf_seeds(const InfluenceGraph& graph, std::span<const double> weights,
                               const SeedSelectionParams& params, std::uint32_t simulations) {
    const NodeId n = graph.num_nodes();
    params.validate(n);
    if (params.budget > 0.0) throw UsageError("CELF cross-check: budgets are not supported");
    if (simulations < 1) throw UsageError("CELF cross-check: at least one simulation is needed");
    if (weights.size() != graph.num_edges())
        throw InternalError("celf_seeds: one weight per edge expected");
    check_probabilities(weights);
    const std::vector<NodeId> candidates = celf_candidates(graph, params);

    // Live-edge worlds (Kempe, Kleinberg & Tardos 2003); the spread of a seed set is the mean,
    // over worlds, of what the seeds reach.
    LiveWorlds worlds = draw_live_worlds(graph, weights, params, simulations);
    SeedSelectionResult result;
    celf_greedy(worlds, graph, params.objective, candidates, params.k, result);
    result.memory_bytes =
        (worlds.live.capacity() + worlds.covered.capacity()) * sizeof(std::uint64_t);
    result.approximation = 1.0 - 1.0 / std::exp(1.0);
    result.certified_approximation = 0.0;
    result.failure_probability = 0.0;
    result.guarantee_holds = false;  // up to Monte Carlo noise only
    return result;
}

}  // namespace catena
