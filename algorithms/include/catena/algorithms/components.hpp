// Weakly connected components: two customers are in one component when a chain of relationships
// joins them, whatever the direction of influence. Components are numbered 0..count-1 in order
// of their smallest node, so the numbering is deterministic.
#pragma once

#include <cstdint>
#include <vector>

#include "catena/graph/influence_graph.hpp"

namespace catena {

struct ComponentsResult {
    std::vector<std::uint32_t> component;  // per node
    std::vector<NodeId> sizes;             // per component
    std::uint32_t count = 0;
    NodeId largest_size = 0;  // 0 for the empty graph
};

ComponentsResult weakly_connected_components(const InfluenceGraph& graph);

}  // namespace catena
