// Communities: groups of customers more tightly tied to each other than to the rest.
//
// The influence graph is viewed as undirected for this: the weight between u and v is the sum of
// the strengths of the edges u -> v and v -> u (an undirected relationship, stored as both, counts
// twice its strength; a one-way relationship once). Modularity does not change when every weight
// is scaled alike, so a graph of undirected relationships gets exactly the modularity of the
// usual undirected view (NetworkX's, igraph's).
//
// - Modularity with resolution g: Q = sum over communities c of L_c / m - g (d_c / 2m)^2, with
//   L_c the weight inside c, d_c the total weighted degree of c and m the total weight.
// - Louvain (Blondel et al. 2008): local moving of single nodes, then aggregation, repeated.
// - Leiden (Traag, Waltman & van Eck 2019): fast local moving, refinement (communities are split
//   into well-connected parts, so every community is connected), aggregation by the refined
//   partition; repeated from the result (`max_iterations` passes, or until nothing changes).
// - Label propagation (Raghavan et al. 2007): each node takes the label with the largest total
//   weight among its neighbours, in random order, until no label changes.
// - Ties of strength 0: when every tie weighs 0 (m = 0), modularity is 0 for any partition and
//   Leiden and Louvain leave every customer alone; label propagation still counts a zero-weight
//   tie as a neighbour (the weakest), so there it groups customers by their ties alone.
//
// All are sequential and seeded: the same seed gives the same partition at any thread count.
// Community ids are 0..count-1, numbered in order of their smallest node. An optional starting
// partition (e.g. from a previous run) seeds the search and keeps ids stable from run to run:
// each community then takes the label of the starting community it shares most customers with,
// and new communities get labels above the largest starting one.
#pragma once

#include <cstdint>
#include <vector>

#include "catena/graph/influence_graph.hpp"

namespace catena {

enum class CommunityMethod { leiden, louvain, label_propagation };

struct CommunityParams {
    CommunityMethod method = CommunityMethod::leiden;
    double resolution = 1.0;
    std::uint64_t seed = 1;
    // Leiden: full passes (local moving, refinement, aggregation up to the top level), each
    // starting from the last one's partition; a pass that changes nothing ends early. Two, like
    // leidenalg's default: on the 10M-relationship benchmark graph the second pass lifts
    // modularity from 0.733 to 0.770 and a third adds 0.00002. Louvain always runs until no
    // level improves; label propagation until no label changes (at most 100 sweeps).
    std::uint32_t max_iterations = 2;
    double randomness = 0.01;  // Leiden's theta in the refinement
    // Starting partition per node (labels below 2^31), or empty: every node alone.
    std::vector<std::uint32_t> initial;

    void validate(NodeId num_nodes) const;  // throws UsageError
};

struct CommunityResult {
    std::vector<std::uint32_t> community;  // per node
    std::uint32_t count = 0;  // number of communities (labels may exceed it with a start)
    double modularity = 0.0;
    std::uint32_t iterations =
        0;  // passes (Leiden), levels (Louvain) or sweeps (label propagation)
};

CommunityResult detect_communities(const InfluenceGraph& graph, const CommunityParams& params = {});

// Modularity of any partition (one label per node) with the given resolution.
double modularity(const InfluenceGraph& graph, const std::vector<std::uint32_t>& community,
                  double resolution = 1.0);

// True when every community induces a connected subgraph (of the undirected view).
bool communities_connected(const InfluenceGraph& graph,
                           const std::vector<std::uint32_t>& community);

}  // namespace catena
