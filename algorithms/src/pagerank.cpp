#include "catena/algorithms/pagerank.hpp"

#include <omp.h>

#include <algorithm>
#include <cmath>
#include <span>
#include <string>

#include "catena/graph/errors.hpp"

namespace catena {

namespace {

// Sums are taken per block of nodes, then over the blocks in order: the same additions in the
// same order whatever the number of threads.
constexpr NodeId kBlock = 4096;

// The walk's view of the graph: for each node, the edges the walk arrives by ("pull" side), with
// the probability of each step already divided in.
struct PullGraph {
    std::span<const EdgeId> offsets;  // per node: its arriving steps
    std::vector<NodeId> from;         // per step: the node the walk comes from
    std::vector<double> probability;  // per step: w / total weight leaving `from`
    std::vector<std::uint8_t> dangling;  // per node: nothing leaves it
};

PullGraph make_pull_graph(const InfluenceGraph& graph, const PageRankParams& params) {
    const NodeId n = graph.num_nodes();
    const EdgeId m = graph.num_edges();
    const auto strengths = graph.strengths();
    const auto weight = [&](EdgeId edge) { return params.weighted ? strengths[edge] : 1.0; };
    PullGraph pull;
    pull.from.resize(m);
    pull.probability.resize(m);
    pull.dangling.assign(n, 0);
    std::vector<double> leaving(n, 0.0);
    if (params.direction == RankDirection::authority) {
        // Walk along the edges: v is reached from its in-neighbours u.
        const auto out = graph.out_offsets();
#pragma omp parallel for schedule(dynamic, 1024)
        for (NodeId u = 0; u < n; ++u) {
            double total = 0.0;
            for (EdgeId edge = out[u]; edge < out[u + 1]; ++edge) total += weight(edge);
            leaving[u] = total;
        }
        pull.offsets = graph.in_offsets();
        const auto sources = graph.in_sources();
        const auto edge_ids = graph.in_edge_ids();
#pragma omp parallel for schedule(static)
        for (EdgeId position = 0; position < m; ++position) {
            const NodeId u = sources[position];
            pull.from[position] = u;
            pull.probability[position] = weight(edge_ids[position]) / leaving[u];
        }
    } else {
        // Walk against the edges: u is reached from the nodes it influences (its out-neighbours),
        // and the walk leaves v along v's in-edges.
        const auto in = graph.in_offsets();
        const auto edge_ids = graph.in_edge_ids();
#pragma omp parallel for schedule(dynamic, 1024)
        for (NodeId v = 0; v < n; ++v) {
            double total = 0.0;
            for (EdgeId position = in[v]; position < in[v + 1]; ++position) total += weight(edge_ids[position]);
            leaving[v] = total;
        }
        pull.offsets = graph.out_offsets();
        const auto targets = graph.out_targets();
#pragma omp parallel for schedule(static)
        for (EdgeId edge = 0; edge < m; ++edge) {
            const NodeId v = targets[edge];
            pull.from[edge] = v;
            pull.probability[edge] = weight(edge) / leaving[v];
        }
    }
    // A node whose leaving weight is 0 is dangling; steps from it (weight 0 / 0) carry nothing.
#pragma omp parallel for schedule(static)
    for (NodeId node = 0; node < n; ++node) pull.dangling[node] = !(leaving[node] > 0.0);
#pragma omp parallel for schedule(static)
    for (EdgeId step = 0; step < m; ++step)
        if (pull.dangling[pull.from[step]]) pull.probability[step] = 0.0;
    return pull;
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
        const double total = block_sum(n, partial, [&](NodeId node) { return params.personalization[node]; });
        for (NodeId node = 0; node < n; ++node) teleport[node] = params.personalization[node] / total;
    }

    const PullGraph pull = make_pull_graph(graph, params);
    const double d = params.damping;
    std::vector<double> rank = teleport, next(n);
    while (result.iterations < params.max_iterations) {
        const double dangling_mass =
            block_sum(n, partial, [&](NodeId node) { return pull.dangling[node] ? rank[node] : 0.0; });
        const double* const x = rank.data();
        const NodeId* const from = pull.from.data();
        const double* const probability = pull.probability.data();
        const EdgeId* const offsets = pull.offsets.data();
#pragma omp parallel for schedule(dynamic, 1024)
        for (NodeId node = 0; node < n; ++node) {
            double sum = 0.0;
            for (EdgeId step = offsets[node]; step < offsets[node + 1]; ++step)
                sum += x[from[step]] * probability[step];
            next[node] = d * sum + (d * dangling_mass + (1.0 - d)) * teleport[node];
        }
        // Renormalise away rounding drift, then measure the change.
        const double total = block_sum(n, partial, [&](NodeId node) { return next[node]; });
        for (NodeId node = 0; node < n; ++node) next[node] /= total;
        result.last_change = block_sum(n, partial, [&](NodeId node) { return std::abs(next[node] - rank[node]); });
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
