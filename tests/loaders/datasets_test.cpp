// Every public network in tests/data/datasets (copied from ../shared/datasets) loads with the
// node and edge counts of its README.
#include <catch2/catch.hpp>

#include "catena/loaders/load.hpp"

#include "test_util.hpp"

using namespace catena;

namespace {
struct Expected {
    const char* name;
    NodeId nodes;
    std::uint64_t rows;
    bool directed;
    bool has_nodes_file;
};
}  // namespace

TEST_CASE("Every shared dataset loads with the README's counts", "[loaders][datasets]") {
    const Expected expected[] = {
        {"karate", 34, 78, false, true},       {"dolphins", 62, 159, false, true},
        {"football", 115, 613, false, true},   {"polbooks", 105, 441, false, true},
        {"lesmis", 77, 254, false, true},      {"netscience", 1589, 2742, false, true},
        {"hep-th", 8361, 15751, false, true},  {"email-Enron", 36692, 183831, false, false},
        {"polblogs", 1490, 19090, true, true},
    };
    for (const Expected& data : expected) {
        INFO(data.name);
        InputSource source;
        source.edges_file = test::dataset(std::string(data.name) + ".edges.csv");
        if (data.has_nodes_file)
            source.nodes_file = test::dataset(std::string(data.name) + ".nodes.csv");
        LoadOptions options;
        options.directed = data.directed;
        const Dataset dataset = load_dataset(source, options);
        const InfluenceGraph& g = dataset.graph;
        CHECK(g.num_nodes() == data.nodes);
        CHECK(g.report().relationship_rows == data.rows);
        if (!data.directed) {
            // Undirected networks list each edge once, with no repeats and no self-loops.
            CHECK(g.report().merged_rows == 0);
            CHECK(g.report().self_loops_dropped == 0);
            CHECK(g.num_edges() == 2 * data.rows);
        }
        CHECK(g.report().implicit_nodes == (data.has_nodes_file ? 0u : data.nodes));
    }
}

TEST_CASE("polblogs: 1490 nodes, 19022 edges after merging 65 rows and dropping 3 self-loops",
          "[loaders][datasets]") {
    InputSource source;
    source.edges_file = test::dataset("polblogs.edges.csv");
    source.nodes_file = test::dataset("polblogs.nodes.csv");
    LoadOptions options;
    options.directed = true;
    const InfluenceGraph g = load_dataset(source, options).graph;
    CHECK(g.num_nodes() == 1490);
    CHECK(g.num_edges() == 19022);
    CHECK(g.report().merged_rows == 65);
    CHECK(g.report().self_loops_dropped == 3);
    // Merged pairs carry the summed strength: total strength = rows - self-loops.
    double total = 0;
    for (const double s : g.strengths()) total += s;
    CHECK(total == Approx(19090 - 3));
}

TEST_CASE("Weighted datasets keep their weights as strength", "[loaders][datasets]") {
    InputSource source;
    source.edges_file = test::dataset("lesmis.edges.csv");
    source.nodes_file = test::dataset("lesmis.nodes.csv");
    const InfluenceGraph g = load_dataset(source, {}).graph;
    // lesmis.edges.csv: "2,0,8.0" (undirected, knows strength 1).
    const NodeId two = *g.find("2"), zero = *g.find("0");
    bool found = false;
    for (EdgeId e = g.out_offsets()[two]; e < g.out_offsets()[two + 1]; ++e)
        if (g.out_targets()[e] == zero) {
            CHECK(g.strength(e) == 8.0);
            found = true;
        }
    CHECK(found);
    CHECK(g.attribute_names().empty());
    CHECK(g.name(zero) == "Myriel");
}
