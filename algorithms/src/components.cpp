#include "catena/algorithms/components.hpp"

#include <algorithm>
#include <numeric>

namespace catena {

namespace {
// Union-find with path halving and union by index (the smaller root wins), so each root is the
// smallest node of its set.
NodeId find_root(std::vector<NodeId>& parent, NodeId node) {
    while (parent[node] != node) {
        parent[node] = parent[parent[node]];
        node = parent[node];
    }
    return node;
}
}  // namespace

ComponentsResult weakly_connected_components(const InfluenceGraph& graph) {
    const NodeId n = graph.num_nodes();
    std::vector<NodeId> parent(n);
    std::iota(parent.begin(), parent.end(), NodeId{0});
    const auto offsets = graph.out_offsets();
    const auto targets = graph.out_targets();
    for (NodeId source = 0; source < n; ++source) {
        for (EdgeId edge = offsets[source]; edge < offsets[source + 1]; ++edge) {
            NodeId a = find_root(parent, source);
            NodeId b = find_root(parent, targets[edge]);
            if (a == b) continue;
            if (a > b) std::swap(a, b);
            parent[b] = a;
        }
    }
    ComponentsResult result;
    result.component.assign(n, 0);
    std::vector<std::uint32_t> id_of_root(n, UINT32_MAX);
    for (NodeId node = 0; node < n; ++node) {
        const NodeId root = find_root(parent, node);
        if (id_of_root[root] == UINT32_MAX) {
            id_of_root[root] = result.count++;
            result.sizes.push_back(0);
        }
        result.component[node] = id_of_root[root];
        ++result.sizes[id_of_root[root]];
    }
    if (!result.sizes.empty())
        result.largest_size = *std::max_element(result.sizes.begin(), result.sizes.end());
    return result;
}

}  // namespace catena
