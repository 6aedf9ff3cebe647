// Centralities of the influence graph (edge u -> v: u can influence v).
//
// - Weighted degree: the sum of the strengths of a node's out-edges (`influence`: how strongly it
//   influences others) or in-edges (`authority`: how strongly it is influenced).
// - Core number (k-core): on the undirected simple graph behind the influence graph (u and v are
//   neighbours when an edge joins them either way, counted once); the largest k such that the
//   node is in a subgraph where every node has at least k neighbours.
// - Betweenness: the number of shortest influence chains (in hops, along the edges) between
//   other customers that pass through the node, each pair's chains sharing one unit (Brandes
//   2001). Ordered pairs (s, t) are counted; when every relationship is undirected (every edge has
//   its reverse) each pair is counted once, NetworkX's convention for undirected graphs. With
//   `pivots` > 0 only that many sources are sampled (seeded) and the sum is scaled by n / pivots.
// - Harmonic closeness: sum over the other customers u a node can reach along the edges of
//   1 / hops(node -> u). With `pivots` > 0 it is estimated from that many sampled targets, scaled
//   by n / pivots.
//
// Exact and sampled results are identical at any thread count: work is split into a fixed
// number of parts whose sums are added in a fixed order.
#pragma once

#include <cstdint>
#include <vector>

#include "catena/algorithms/pagerank.hpp"
#include "catena/graph/influence_graph.hpp"

namespace catena {

std::vector<double> weighted_degree(const InfluenceGraph& graph, RankDirection direction);

std::vector<std::uint32_t> core_numbers(const InfluenceGraph& graph);

struct SamplingParams {
    NodeId pivots = 0;  // 0: exact (every node)
    std::uint64_t seed = 1;
    void validate(NodeId num_nodes) const;  // pivots <= nodes
};

std::vector<double> betweenness(const InfluenceGraph& graph, const SamplingParams& params = {});

std::vector<double> harmonic_closeness(const InfluenceGraph& graph,
                                       const SamplingParams& params = {});

// True when every edge u -> v has its reverse v -> u.
bool is_symmetric(const InfluenceGraph& graph);

}  // namespace catena
