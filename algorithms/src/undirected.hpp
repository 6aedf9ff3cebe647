// The undirected view of a node's neighbourhood, shared by core numbers and communities: the
// node's out-targets and in-sources (both sorted by node) merged, each neighbour once, with the
// strengths of the edges both ways added.
#pragma once

#include "catena/graph/influence_graph.hpp"

namespace catena {

// Calls visit(neighbour, weight) for each neighbour of `node` in increasing order; weight is
// strength(node -> neighbour) + strength(neighbour -> node), an absent edge counting 0.
template <typename Visit>
void for_each_undirected_neighbour(const InfluenceGraph& graph, NodeId node, Visit&& visit) {
    const auto out_offsets = graph.out_offsets();
    const auto out_targets = graph.out_targets();
    const auto in_offsets = graph.in_offsets();
    const auto in_sources = graph.in_sources();
    const auto in_edges = graph.in_edge_ids();
    const auto strengths = graph.strengths();
    EdgeId out = out_offsets[node], in = in_offsets[node];
    const EdgeId out_end = out_offsets[node + 1], in_end = in_offsets[node + 1];
    while (out < out_end || in < in_end) {
        if (in == in_end || (out < out_end && out_targets[out] < in_sources[in])) {
            visit(out_targets[out], strengths[out]);
            ++out;
        } else if (out == out_end || in_sources[in] < out_targets[out]) {
            visit(in_sources[in], strengths[in_edges[in]]);
            ++in;
        } else {
            visit(out_targets[out], strengths[out] + strengths[in_edges[in]]);
            ++out;
            ++in;
        }
    }
}

}  // namespace catena
