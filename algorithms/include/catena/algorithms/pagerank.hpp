// PageRank: the stationary distribution of a random walk on the influence graph that follows an
// edge with probability `damping` and otherwise jumps to a node drawn from the teleport
// distribution.
//
// - Weighted: from u the walk takes edge u -> v with probability w(u,v) / sum of w over u's edges.
// - Direction `influence` (default): the walk runs against the edges, from the influenced to the
//   influencer, so a node ranks high when it reaches many (well-ranked) customers: who are my
//   influencers. Direction `authority`: the walk runs along the edges, so a node ranks high when
//   it is reached by many: the classic PageRank of the edges as given (NetworkX's convention).
//   For a graph of undirected relationships both give the same scores.
// - Teleport distribution: uniform, or a personalisation vector (any non-negative weights, e.g.
//   own value, members of a segment, a list of customers), normalised to sum 1.
// - Dangling nodes (no edge to follow in the walk's direction, or only edges of strength 0) send
//   their whole rank back along the teleport distribution.
// - Stops when the L1 change between two iterations is below `tolerance` or after
//   `max_iterations`, and says which. Scores sum to 1.
// - Starting vector: the teleport distribution, or a warm start given by the caller (e.g. last
//   week's scores), normalised to sum 1. The scores do not depend on it: one iteration multiplies
//   the L1 distance between any two distributions by at most `damping`, so there is one fixed
//   point, and a start near it only needs fewer iterations to come within the tolerance.
//
// Parallel (OpenMP) pull iterations; every sum is taken over fixed blocks in a fixed order, so the
// scores are bit-identical at any thread count.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "catena/graph/influence_graph.hpp"

namespace catena {

enum class RankDirection { influence, authority };

struct PageRankParams {
    double damping = 0.85;
    double tolerance = 1e-10;  // on the L1 norm of the change of the score vector
    std::uint32_t max_iterations = 200;
    RankDirection direction = RankDirection::influence;
    bool weighted = true;  // false: every edge counts 1, whatever its strength
    // Teleport weights per node (size num_nodes, non-negative, not all zero); empty = uniform.
    std::vector<double> personalization;
    // Starting scores per node (size num_nodes, finite, non-negative, not all zero), normalised to
    // sum 1; empty = start from the teleport distribution (uniform unless personalised). Mapping
    // an earlier run onto today's customers (new ones, removed ones) is the caller's job.
    std::vector<double> initial;

    // Throws UsageError for impossible values (checked against the graph's size).
    void validate(NodeId num_nodes) const;
};

struct PageRankResult {
    std::vector<double> scores;  // per node, summing to 1
    std::uint32_t iterations = 0;
    double last_change = 0.0;  // L1 change of the last iteration
    bool converged = false;    // stopped by the tolerance, not the iteration cap
};

PageRankResult pagerank(const InfluenceGraph& graph, const PageRankParams& params = {});

std::string_view to_string(RankDirection direction);

}  // namespace catena
