// weakly_connected_components: hand-drawn small graphs and a brute-force check on random ones.
// The header's contract: two customers share a component when a chain of relationships joins
// them, whatever the direction; components are numbered 0..count-1 in order of their smallest
// node; `sizes` per component, `count`, and `largest_size` (0 for the empty graph).

#include "catena/algorithms/components.hpp"

#include <algorithm>
#include <cstdint>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>

#include "test_graphs.hpp"

using namespace catena;

namespace {

// Nodes "0".."n-1" and directed `influences` edges given as index pairs.
InfluenceGraph graph_of(int nodes, const std::vector<std::pair<int, int>>& edges) {
    GraphBuilder builder;
    std::vector<std::string> ids;
    for (int node = 0; node < nodes; ++node) ids.push_back(std::to_string(node));
    for (const std::string& id : ids) {
        CustomerRow row;
        row.id = id;
        builder.add_customer(row);
    }
    for (const auto& [source, target] : edges) {
        RelationshipRow row;
        row.source = ids[static_cast<std::size_t>(source)];
        row.target = ids[static_cast<std::size_t>(target)];
        row.type = "influences";
        builder.add_relationship(row);
    }
    return builder.build();
}

// The labelling the header describes, by brute force: scan the nodes in order and give each
// node not yet labelled the next number, then label everything a breadth-first search over
// edges in either direction reaches from it.
std::vector<std::uint32_t> brute_force_labels(const InfluenceGraph& graph) {
    const NodeId n = graph.num_nodes();
    std::vector<std::vector<NodeId>> neighbours(n);
    for (EdgeId edge = 0; edge < graph.num_edges(); ++edge) {
        neighbours[graph.edge_source(edge)].push_back(graph.edge_target(edge));
        neighbours[graph.edge_target(edge)].push_back(graph.edge_source(edge));
    }
    constexpr std::uint32_t kUnlabelled = UINT32_MAX;
    std::vector<std::uint32_t> label(n, kUnlabelled);
    std::uint32_t next = 0;
    for (NodeId start = 0; start < n; ++start) {
        if (label[start] != kUnlabelled) continue;
        std::vector<NodeId> queue{start};
        label[start] = next;
        for (std::size_t head = 0; head < queue.size(); ++head)
            for (const NodeId neighbour : neighbours[queue[head]])
                if (label[neighbour] == kUnlabelled) {
                    label[neighbour] = next;
                    queue.push_back(neighbour);
                }
        ++next;
    }
    return label;
}

// Every part of the result agrees with the expected labels: sizes, count and largest size too.
void check_against(const ComponentsResult& result, const std::vector<std::uint32_t>& expected) {
    CHECK(result.component == expected);
    const std::uint32_t count =
        expected.empty() ? 0 : *std::max_element(expected.begin(), expected.end()) + 1;
    CHECK(result.count == count);
    std::vector<NodeId> sizes(count, 0);
    for (const std::uint32_t label : expected) ++sizes[label];
    CHECK(result.sizes == sizes);
    CHECK(result.largest_size ==
          (sizes.empty() ? 0 : *std::max_element(sizes.begin(), sizes.end())));
}

}  // namespace

TEST_CASE("Components of the empty graph: none, and largest size 0", "[algorithms][components]") {
    const InfluenceGraph constructed;  // default-constructed
    const InfluenceGraph built = GraphBuilder().build();
    for (const InfluenceGraph* empty : {&constructed, &built}) {
        const ComponentsResult result = weakly_connected_components(*empty);
        CHECK(result.component.empty());
        CHECK(result.sizes.empty());
        CHECK(result.count == 0);
        CHECK(result.largest_size == 0);
    }
}

TEST_CASE("Components: one customer is one component of size 1", "[algorithms][components]") {
    const ComponentsResult result = weakly_connected_components(graph_of(1, {}));
    CHECK(result.component == std::vector<std::uint32_t>{0});
    CHECK(result.sizes == std::vector<NodeId>{1});
    CHECK(result.count == 1);
    CHECK(result.largest_size == 1);
}

TEST_CASE("Components: isolated customers are a component each, numbered by node",
          "[algorithms][components]") {
    const ComponentsResult result = weakly_connected_components(graph_of(5, {}));
    CHECK(result.component == std::vector<std::uint32_t>{0, 1, 2, 3, 4});
    CHECK(result.sizes == std::vector<NodeId>(5, 1));
    CHECK(result.count == 5);
    CHECK(result.largest_size == 1);
}

TEST_CASE("Components: a directed cycle with a tail is one weak component, whatever the direction",
          "[algorithms][components]") {
    //   0 -> 1 -> 2 -> 0 (a cycle), 2 -> 3 (a tail out of it), 5 -> 4 (a pair), 6 alone.
    // Strongly connected these would be {0,1,2}, {3}, {4}, {5}, {6}; weakly (the only kind
    // components.hpp offers) {0,1,2,3}, {4,5}, {6}.
    const InfluenceGraph out_tail = graph_of(7, {{0, 1}, {1, 2}, {2, 0}, {2, 3}, {5, 4}});
    check_against(weakly_connected_components(out_tail), {0, 0, 0, 0, 1, 1, 2});
    // The tail pointing into the cycle instead (3 -> 0) changes nothing.
    const InfluenceGraph in_tail = graph_of(7, {{0, 1}, {1, 2}, {2, 0}, {3, 0}, {5, 4}});
    check_against(weakly_connected_components(in_tail), {0, 0, 0, 0, 1, 1, 2});
    // Nor does storing the relationships undirected (two edges each).
    const InfluenceGraph undirected =
        test::make_graph(7, {{"0", "1"}, {"1", "2"}, {"2", "0"}, {"2", "3"}, {"5", "4"}}, false);
    REQUIRE(undirected.num_edges() == 10);
    check_against(weakly_connected_components(undirected), {0, 0, 0, 0, 1, 1, 2});
    CHECK(weakly_connected_components(out_tail).largest_size == 4);
}

TEST_CASE("Components: self-loops join nothing", "[algorithms][components]") {
    // 0 -> 0, 1 -> 1, 1 -> 2, 3 -> 3: the builder drops self-loops, so 0 and 3 stay alone.
    const InfluenceGraph g = graph_of(4, {{0, 0}, {1, 1}, {1, 2}, {3, 3}});
    REQUIRE(g.num_edges() == 1);
    CHECK(g.report().self_loops_dropped == 3);
    check_against(weakly_connected_components(g), {0, 1, 1, 2});
    // A lone customer with a self-loop is a component of size 1.
    check_against(weakly_connected_components(graph_of(1, {{0, 0}})), {0});
}

TEST_CASE("Components: zero-weight relationships still join customers",
          "[algorithms][components]") {
    // Components follow relationships, not their strength: 0 -> 1 with weight 0 is a chain.
    const InfluenceGraph g = test::make_graph(3, {{"0", "1", 0.0}}, true);
    REQUIRE(g.num_edges() == 1);
    REQUIRE(g.strength(0) == 0.0);
    check_against(weakly_connected_components(g), {0, 0, 1});
}

TEST_CASE("Components are numbered in order of their smallest node", "[algorithms][components]") {
    // Edges chosen so that union order differs from node order: 5 -> 0, 4 -> 1, 3 -> 2, 7 -> 6,
    // 6 -> 3. Components {0,5}, {1,4}, {2,3,6,7}, and 8 alone: labels by smallest node 0, 1, 2, 8.
    const InfluenceGraph g = graph_of(9, {{5, 0}, {4, 1}, {3, 2}, {7, 6}, {6, 3}});
    const ComponentsResult result = weakly_connected_components(g);
    check_against(result, {0, 1, 2, 2, 1, 0, 2, 2, 3});
    CHECK(result.sizes == std::vector<NodeId>{2, 2, 4, 1});
    CHECK(result.largest_size == 4);
    // The smallest node of component c comes before the smallest node of c + 1.
    std::vector<NodeId> smallest(result.count, kNoNode);
    for (NodeId node = 0; node < g.num_nodes(); ++node)
        smallest[result.component[node]] = std::min(smallest[result.component[node]], node);
    CHECK(std::is_sorted(smallest.begin(), smallest.end()));
}

TEST_CASE("Components agree with a brute-force search on 300 random small graphs",
          "[algorithms][components]") {
    // mt19937_64's raw output is fixed by the standard, so the graphs are the same everywhere.
    std::mt19937_64 random(14);
    for (int trial = 0; trial < 300; ++trial) {
        const int nodes = 1 + static_cast<int>(random() % 14);
        const int edges = static_cast<int>(random() % static_cast<std::uint64_t>(nodes + 4));
        std::vector<std::pair<int, int>> arcs;
        for (int edge = 0; edge < edges; ++edge)
            arcs.emplace_back(static_cast<int>(random() % static_cast<std::uint64_t>(nodes)),
                              static_cast<int>(random() % static_cast<std::uint64_t>(nodes)));
        const InfluenceGraph g = graph_of(nodes, arcs);
        INFO("trial " << trial << ": " << nodes << " nodes, " << g.num_edges() << " edges");
        const ComponentsResult result = weakly_connected_components(g);
        check_against(result, brute_force_labels(g));
        NodeId total = 0;
        for (const NodeId size : result.sizes) total += size;
        CHECK(total == g.num_nodes());
    }
}
