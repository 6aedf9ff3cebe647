#include "catena/algorithms/communities.hpp"

#include <cmath>
#include <fstream>
#include <map>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "catena/graph/errors.hpp"

#include "test_graphs.hpp"
#include <omp.h>

using namespace catena;

namespace {

CommunityResult run(const InfluenceGraph& g, CommunityMethod method, std::uint64_t seed) {
    CommunityParams params;
    params.method = method;
    params.seed = seed;
    return detect_communities(g, params);
}

// The `group` column of a dataset's nodes file, as labels per node.
std::vector<std::uint32_t> ground_truth(const Dataset& data) {
    const auto& names = data.graph.attribute_names();
    const std::size_t column =
        static_cast<std::size_t>(std::find(names.begin(), names.end(), "group") - names.begin());
    REQUIRE(column < names.size());
    std::map<std::string, std::uint32_t> ids;
    std::vector<std::uint32_t> labels;
    for (NodeId node = 0; node < data.graph.num_nodes(); ++node)
        labels.push_back(
            ids.emplace(std::string(data.graph.attribute(column, node)), ids.size()).first->second);
    return labels;
}

// Normalised mutual information, I(X;Y) / ((H(X) + H(Y)) / 2) (the arithmetic-mean form igraph
// and scikit-learn use).
double nmi(const std::vector<std::uint32_t>& a, const std::vector<std::uint32_t>& b) {
    const double n = static_cast<double>(a.size());
    std::map<std::uint32_t, double> pa, pb;
    std::map<std::pair<std::uint32_t, std::uint32_t>, double> joint;
    for (std::size_t i = 0; i < a.size(); ++i) {
        pa[a[i]] += 1 / n;
        pb[b[i]] += 1 / n;
        joint[{a[i], b[i]}] += 1 / n;
    }
    double mutual = 0, ha = 0, hb = 0;
    for (const auto& [key, p] : joint) mutual += p * std::log(p / (pa[key.first] * pb[key.second]));
    for (const auto& [key, p] : pa) ha -= p * std::log(p);
    for (const auto& [key, p] : pb) hb -= p * std::log(p);
    return ha + hb == 0 ? 1.0 : 2 * mutual / (ha + hb);
}

nlohmann::json summary() {
    std::ifstream in(test::data_dir() / "oracles" / "summary.json");
    return nlohmann::json::parse(in);
}

}  // namespace

TEST_CASE("Modularity equals NetworkX for the ground-truth partitions",
          "[algorithms][communities]") {
    const nlohmann::json oracle = summary();
    for (const auto& [name, entry] : oracle.items()) {
        if (!entry.contains("modularity") ||
            !entry["modularity"].contains("ground_truth_partition"))
            continue;
        INFO(name);
        const Dataset data = test::load_shared(name, entry.value("directed", false));
        const double expected = entry["modularity"]["ground_truth_partition"];
        CHECK(modularity(data.graph, ground_truth(data)) == Approx(expected).margin(1e-9));
    }
}

TEST_CASE("Leiden on karate reaches the known optimum", "[algorithms][communities][leiden]") {
    const InfluenceGraph g = test::load_shared("karate").graph;
    double best = 0, sum = 0;
    for (std::uint64_t seed = 1; seed <= 10; ++seed) {
        const CommunityResult result = run(g, CommunityMethod::leiden, seed);
        CHECK(result.modularity == Approx(modularity(g, result.community)).margin(1e-12));
        CHECK(communities_connected(g, result.community));
        best = std::max(best, result.modularity);
        sum += result.modularity;
    }
    CHECK(best == Approx(0.4197896121).margin(1e-9));
    CHECK(sum / 10 >= 0.4185);
}

TEST_CASE("Leiden's mean modularity is at least igraph's minus 0.002 on every dataset",
          "[algorithms][communities][leiden]") {
    const nlohmann::json oracle = summary();
    for (const auto& [name, entry] : oracle.items()) {
        if (!entry.contains("modularity") || !entry["modularity"].contains("igraph_leiden_mean"))
            continue;
        INFO(name);
        const Dataset data = test::load_shared(name, entry.value("directed", false));
        double sum = 0;
        for (std::uint64_t seed = 1; seed <= 10; ++seed) {
            const CommunityResult result = run(data.graph, CommunityMethod::leiden, seed);
            CHECK(communities_connected(data.graph, result.community));
            sum += result.modularity;
        }
        const double igraph = entry["modularity"]["igraph_leiden_mean"];
        INFO("catena mean " << sum / 10 << ", igraph mean " << igraph);
        CHECK(sum / 10 >= igraph - 0.002);
    }
}

TEST_CASE("Leiden recovers football's conferences", "[algorithms][communities][leiden]") {
    const Dataset data = test::load_shared("football");
    const CommunityResult result = run(data.graph, CommunityMethod::leiden, 1);
    CHECK(nmi(result.community, ground_truth(data)) >= 0.85);
}

TEST_CASE("Louvain and label propagation give good partitions", "[algorithms][communities]") {
    const InfluenceGraph g = test::load_shared("karate").graph;
    double best_louvain = 0;
    for (std::uint64_t seed = 1; seed <= 10; ++seed)
        best_louvain = std::max(best_louvain, run(g, CommunityMethod::louvain, seed).modularity);
    CHECK(best_louvain >= 0.415);
    const Dataset football = test::load_shared("football");
    CHECK(nmi(run(football.graph, CommunityMethod::louvain, 1).community, ground_truth(football)) >=
          0.85);
    const CommunityResult lpa = run(football.graph, CommunityMethod::label_propagation, 1);
    CHECK(lpa.modularity > 0.5);
    CHECK(nmi(lpa.community, ground_truth(football)) >= 0.8);
}

TEST_CASE("Communities: edge cases, seeds and starting partitions", "[algorithms][communities]") {
    SECTION("empty and single-node graphs") {
        for (const auto method : {CommunityMethod::leiden, CommunityMethod::louvain,
                                  CommunityMethod::label_propagation}) {
            CHECK(run(InfluenceGraph(), method, 1).count == 0);
            const CommunityResult one = run(test::make_graph(1, {}, false), method, 1);
            CHECK(one.count == 1);
            CHECK(one.modularity == 0.0);
        }
    }
    SECTION("two triangles joined by one edge, and an isolated node") {
        const InfluenceGraph g = test::make_graph(7,
                                                  {{"0", "1"},
                                                   {"1", "2"},
                                                   {"2", "0"},
                                                   {"3", "4"},
                                                   {"4", "5"},
                                                   {"5", "3"},
                                                   {"2", "3", 0.1}},
                                                  false);
        for (const auto method : {CommunityMethod::leiden, CommunityMethod::louvain,
                                  CommunityMethod::label_propagation}) {
            const CommunityResult result = run(g, method, 3);
            CHECK(result.count == 3);
            CHECK(result.community[0] == result.community[2]);
            CHECK(result.community[3] == result.community[5]);
            CHECK(result.community[0] != result.community[3]);
            CHECK(result.community[6] != result.community[0]);
        }
    }
    SECTION("directed relationships count as undirected with summed strength") {
        const InfluenceGraph directed =
            test::make_graph(3, {{"0", "1"}, {"1", "0"}, {"1", "2", 2}}, true);
        const InfluenceGraph undirected = test::make_graph(3, {{"0", "1"}, {"1", "2"}}, false);
        // Both give weights 0-1: 2, 1-2: 2 (up to a common factor of 2): same modularity.
        const std::vector<std::uint32_t> split = {0, 0, 1};
        CHECK(modularity(directed, split) == Approx(modularity(undirected, split)));
    }
    SECTION("the same seed gives the same partition at 1 and 2 threads") {
        const InfluenceGraph g = test::load_shared("email-Enron").graph;
        const int threads = omp_get_max_threads();
        omp_set_num_threads(1);
        // email-Enron's 367k arcs are enough for the aggregation and the refinement to share
        // their work between threads.
        const CommunityResult one = run(g, CommunityMethod::leiden, 5);
        const CommunityResult louvain_one = run(g, CommunityMethod::louvain, 5);
        omp_set_num_threads(std::max(2, threads));
        const CommunityResult two = run(g, CommunityMethod::leiden, 5);
        const CommunityResult louvain_two = run(g, CommunityMethod::louvain, 5);
        omp_set_num_threads(threads);
        CHECK(one.community == two.community);
        CHECK(one.modularity == two.modularity);  // to the last bit
        CHECK(louvain_one.community == louvain_two.community);
        CHECK(louvain_one.modularity == louvain_two.modularity);
        CHECK(communities_connected(g, one.community));
    }
    SECTION("a starting partition that is already optimal is kept") {
        const InfluenceGraph g = test::load_shared("karate").graph;
        CommunityResult best = run(g, CommunityMethod::leiden, 1);
        for (std::uint64_t seed = 2; seed <= 10; ++seed) {
            CommunityResult other = run(g, CommunityMethod::leiden, seed);
            if (other.modularity > best.modularity) best = other;
        }
        CommunityParams params;
        params.initial = best.community;
        params.seed = 99;
        const CommunityResult again = detect_communities(g, params);
        CHECK(again.modularity >= best.modularity - 1e-12);
    }
    SECTION("community ids follow the starting partition's labels") {
        const InfluenceGraph g = test::load_shared("karate").graph;
        const CommunityResult first = run(g, CommunityMethod::leiden, 1);
        CommunityParams params;
        params.seed = 4;
        for (const auto label : first.community) params.initial.push_back(100 + 7 * label);
        const CommunityResult again = detect_communities(g, params);
        // Same communities (or better), labelled as they were given.
        for (NodeId node = 0; node < g.num_nodes(); ++node)
            if (again.community[node] < 100) FAIL("a new label for an old community");
        if (again.modularity == first.modularity) CHECK(again.community == params.initial);
    }
    SECTION("bad parameters") {
        const InfluenceGraph g = test::make_graph(2, {{"0", "1"}}, false);
        CommunityParams params;
        params.resolution = 0;
        CHECK_THROWS_AS(detect_communities(g, params), UsageError);
        params = {};
        params.initial = {0};
        CHECK_THROWS_AS(detect_communities(g, params), UsageError);
        params = {};
        params.max_iterations = 0;
        CHECK_THROWS_AS(detect_communities(g, params), UsageError);
        params = {};
        params.initial = {0, 1u << 31};
        CHECK_THROWS_AS(detect_communities(g, params), UsageError);
    }
}
