#include "catena/algorithms/pagerank.hpp"

#include <algorithm>
#include <cmath>
#include <span>
#include <string>

#include "catena/graph/errors.hpp"

#include <omp.h>

namespace catena {

namespace {

// Sums are taken per block of nodes, then over the blocks in order: the same additions in the
// same order whatever the number of threads.
constexpr NodeId kBlock = 4096;

// The walk's view of the graph, for pulling: node v collects rank over `steps` (positions
// offsets[v] .. offsets[v+1]) from the nodes `from[step]`, each of which splits its rank over its
// leaving weight. The weight of each step is `weights[step]` (empty: every step weighs 1).
struct PullGraph {
    std::span<const EdgeId> offsets;
    std::span<const NodeId> from;
    std::span<const double> weights;
    std::vector<double> owned_weights;  // when the steps are not in EdgeId order
    std::vector<double> leaving;        // per node: total weight of the steps leaving it
};

PullGraph make_pull_graph(const InfluenceGraph& graph, const PageRankParams& params) {
    const NodeId n = graph.num_nodes();
    const auto strengths = graph.strengths();
    // Equal positive strengths everywhere make the walk unweighted: skip the weight stream. (All
    // strengths 0 do not: then no edge can be followed and every node is dangling.)
    const bool weighted =
        params.weighted && !strengths.empty() &&
        (strengths[0] == 0.0 || std::any_of(strengths.begin(), strengths.end(),
                                            [&](double w) { return w != strengths[0]; }));
    PullGraph pull;
    pull.leaving.assign(n, 0.0);
    if (params.direction == RankDirection::authority) {
        // Walk along the edges: v collects from its in-neighbours; u splits over its out-edges.
        pull.offsets = graph.in_offsets();
        pull.from = graph.in_sources();
        const auto out = graph.out_offsets();
        if (weighted) {
            const auto edge_ids = graph.in_edge_ids();
            pull.owned_weights.resize(edge_ids.size());
#pragma omp parallel for schedule(static)
            for (EdgeId position = 0; position < edge_ids.size(); ++position)
                pull.owned_weights[position] = strengths[edge_ids[position]];
            pull.weights = pull.owned_weights;
        }
#pragma omp parallel for schedule(dynamic, 1024)
        for (NodeId u = 0; u < n; ++u) {
            double total = 0.0;
            for (EdgeId edge = out[u]; edge < out[u + 1]; ++edge)
                total += weighted ? strengths[edge] : 1.0;
            pull.leaving[u] = total;
        }
    } else {
        // Walk against the edges: u collects from the nodes it influences (its out-edges, in
        // EdgeId order, so the strengths are read in place); v splits over its in-edges.
        pull.offsets = graph.out_offsets();
        pull.from = graph.out_targets();
        if (weighted) pull.weights = strengths;
        const auto in = graph.in_offsets();
        const auto edge_ids = graph.in_edge_ids();
#pragma omp parallel for schedule(dynamic, 1024)
        for (NodeId v = 0; v < n; ++v) {
            double total = 0.0;
            for (EdgeId position = in[v]; position < in[v + 1]; ++position)
                total += weighted ? strengths[edge_ids[position]] : 1.0;
            pull.leaving[v] = total;
        }
    }
    return pull;
}

// One pull sweep: next[v] = d * sum over v's steps of share[from] (x weight), plus the teleport.
template <bool kWeighted>
void pull_sweep(const PullGraph& pull, const std::vector<double>& share, double d, double jump,
                const std::vector<double>& teleport, std::vector<double>& next) {
    const NodeId n = static_cast<NodeId>(next.size());
    const EdgeId* const offsets = pull.offsets.data();
    const NodeId* const from = pull.from.data();
    const double* const weights = pull.weights.data();
    const double* const shares = share.data();
#pragma omp parallel for schedule(dynamic, 2048)
    for (NodeId node = 0; node < n; ++node) {
        double sum = 0.0;
        for (EdgeId step = offsets[node]; step < offsets[node + 1]; ++step) {
            if constexpr (kWeighted)
                sum += shares[from[step]] * weights[step];
            else
                sum += shares[from[step]];
        }
        next[node] = d * sum + jump * teleport[node];
    }
}

// Sum of f(node) over all nodes, by blocks in a fixed order.
template <typename F>
double block_sum(NodeId n, std::vector<double>& partial, F&& f) {
    const NodeId blocks = (n + kBlock - 1) / kBlock;
    partial.assign(blocks, 0.0);
#pragma omp parallel for schedule(static)
    for (NodeId block = 0; block < blocks; ++block) {
        double sum = 0.0;
        const NodeId last = std::min<NodeId>(n, (block + 1) * kBlock);
        for (NodeId node = block * kBlock; node < last; ++node) sum += f(node);
        partial[block] = sum;
    }
    double total = 0.0;
    for (const double value : partial) total += value;
    return total;
}

}  // namespace

std::string_view to_string(RankDirection direction) {
    return direction == RankDirection::authority ? "authority" : "influence";
}

void PageRankParams::validate(NodeId num_nodes) const {
    if (!(damping >= 0.0 && damping < 1.0))
        throw UsageError("pagerank: damping must be in [0, 1), got " + std::to_string(damping));
    if (!(tolerance >= 0.0) || !std::isfinite(tolerance))
        throw UsageError("pagerank: tolerance must be a number >= 0");
    if (max_iterations == 0) throw UsageError("pagerank: max_iterations must be at least 1");
    if (!personalization.empty()) {
        if (personalization.size() != num_nodes)
            throw UsageError("pagerank: the personalisation vector has " +
                             std::to_string(personalization.size()) + " entries for " +
                             std::to_string(num_nodes) + " customers");
        double total = 0.0;
        for (const double weight : personalization) {
            if (!(weight >= 0.0) || !std::isfinite(weight))
                throw UsageError("pagerank: personalisation weights must be finite and >= 0");
            total += weight;
        }
        if (!(total > 0.0))
            throw UsageError("pagerank: the personalisation is empty (every weight is 0)");
    }
    if (!initial.empty()) {
        if (initial.size() != num_nodes)
            throw UsageError("pagerank: the initial score vector has " +
                             std::to_string(initial.size()) + " entries for " +
                             std::to_string(num_nodes) + " customers");
        for (const double score : initial)
            if (!(score >= 0.0) || !std::isfinite(score))
                throw UsageError("pagerank: initial scores must be finite and >= 0");
        // Summed in the same order as pagerank() sums them to normalise, so that a total found
        // finite here is finite there too (near the largest double, another order could differ).
        std::vector<double> partial;
        const double total =
            block_sum(num_nodes, partial, [&](NodeId node) { return initial[node]; });
        if (!(total > 0.0)) throw UsageError("pagerank: the initial scores are all 0");
        if (!std::isfinite(total))
            throw UsageError("pagerank: the initial scores add up to more than a double can hold");
    }
}

PageRankResult pagerank(const InfluenceGraph& graph, const PageRankParams& params) {
    const NodeId n = graph.num_nodes();
    params.validate(n);
    PageRankResult result;
    if (n == 0) {
        result.converged = true;
        return result;
    }
    std::vector<double> partial;

    // Teleport distribution.
    std::vector<double> teleport(n, 1.0 / n);
    if (!params.personalization.empty()) {
        const double total =
            block_sum(n, partial, [&](NodeId node) { return params.personalization[node]; });
        for (NodeId node = 0; node < n; ++node)
            teleport[node] = params.personalization[node] / total;
    }

    const PullGraph pull = make_pull_graph(graph, params);
    const double d = params.damping;
    // A cold start begins at the teleport distribution; a warm start at the caller's scores,
    // normalised. Only the start differs: the iteration below is the same for both.
    std::vector<double> rank = teleport, next(n), share(n);
    if (!params.initial.empty()) {
        const double total =
            block_sum(n, partial, [&](NodeId node) { return params.initial[node]; });
#pragma omp parallel for schedule(static)
        for (NodeId node = 0; node < n; ++node) rank[node] = params.initial[node] / total;
    }
    const NodeId blocks = (n + kBlock - 1) / kBlock;
    partial.assign(blocks, 0.0);
    while (result.iterations < params.max_iterations) {
        // Each node's rank per unit of leaving weight; dangling nodes hand theirs to the teleport.
#pragma omp parallel for schedule(static)
        for (NodeId block = 0; block < blocks; ++block) {
            double dangling = 0.0;
            const NodeId last = std::min<NodeId>(n, (block + 1) * kBlock);
            for (NodeId node = block * kBlock; node < last; ++node) {
                const double leaving = pull.leaving[node];
                if (leaving > 0.0)
                    share[node] = rank[node] / leaving;
                else {
                    share[node] = 0.0;
                    dangling += rank[node];
                }
            }
            partial[block] = dangling;
        }
        double dangling_mass = 0.0;
        for (const double value : partial) dangling_mass += value;
        const double jump = d * dangling_mass + (1.0 - d);
        if (pull.weights.empty())
            pull_sweep<false>(pull, share, d, jump, teleport, next);
        else
            pull_sweep<true>(pull, share, d, jump, teleport, next);
        // Renormalise away rounding drift, then measure the change.
        const double total = block_sum(n, partial, [&](NodeId node) { return next[node]; });
#pragma omp parallel for schedule(static)
        for (NodeId node = 0; node < n; ++node) next[node] /= total;
        result.last_change =
            block_sum(n, partial, [&](NodeId node) { return std::abs(next[node] - rank[node]); });
        rank.swap(next);
        ++result.iterations;
        if (result.last_change < params.tolerance) {
            result.converged = true;
            break;
        }
    }
    result.scores = std::move(rank);
    return result;
}

}  // namespace catena
