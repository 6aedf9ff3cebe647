#include "catena/algorithms/centrality.hpp"

#include <algorithm>
#include <numeric>

#include <catch2/catch.hpp>

#include "catena/graph/errors.hpp"

#include "test_graphs.hpp"
#include <omp.h>

using namespace catena;

namespace {
std::vector<NodeId> top(const std::vector<double>& scores, std::size_t k) {
    std::vector<NodeId> order(scores.size());
    std::iota(order.begin(), order.end(), NodeId{0});
    std::stable_sort(order.begin(), order.end(),
                     [&](NodeId a, NodeId b) { return scores[a] > scores[b]; });
    order.resize(std::min(k, order.size()));
    return order;
}
}  // namespace

TEST_CASE("Betweenness equals NetworkX on every dataset with an oracle",
          "[algorithms][betweenness]") {
    for (const char* name :
         {"karate", "dolphins", "football", "polbooks", "lesmis", "netscience", "polblogs"}) {
        INFO(name);
        const bool directed = std::string(name) == "polblogs";
        const Dataset data = test::load_shared(name, directed);
        CHECK(is_symmetric(data.graph) == !directed);
        const std::vector<double> scores = betweenness(data.graph);
        double worst = 0;
        for (const auto& [id, expected] : test::read_oracle(std::string(name) + ".betweenness.csv"))
            worst = std::max(worst, std::abs(scores[*data.graph.find(id)] - expected));
        CHECK(worst < 1e-9);
    }
}

TEST_CASE("Core numbers equal NetworkX on every dataset with an oracle", "[algorithms][core]") {
    for (const char* name :
         {"karate", "dolphins", "football", "polbooks", "lesmis", "netscience", "hep-th"}) {
        INFO(name);
        const Dataset data = test::load_shared(name);
        const std::vector<std::uint32_t> cores = core_numbers(data.graph);
        std::size_t wrong = 0;
        for (const auto& [id, expected] : test::read_oracle(std::string(name) + ".core.csv"))
            wrong += cores[*data.graph.find(id)] != static_cast<std::uint32_t>(expected);
        CHECK(wrong == 0);
    }
}

TEST_CASE("Sampled betweenness finds the true top 10 of netscience in its top 20",
          "[algorithms][betweenness]") {
    const Dataset data = test::load_shared("netscience");
    const std::vector<double> exact = betweenness(data.graph);
    SamplingParams params;
    params.pivots = data.graph.num_nodes() / 10;
    params.seed = 7;
    const std::vector<double> sampled = betweenness(data.graph, params);
    const std::vector<NodeId> true_top = top(exact, 10), sampled_top = top(sampled, 20);
    for (const NodeId node : true_top)
        CHECK(std::find(sampled_top.begin(), sampled_top.end(), node) != sampled_top.end());
    // All pivots: the exact values.
    params.pivots = data.graph.num_nodes();
    const std::vector<double> all = betweenness(data.graph, params);
    for (NodeId node = 0; node < data.graph.num_nodes(); ++node)
        CHECK(all[node] == Approx(exact[node]).margin(1e-9));
}

TEST_CASE("Harmonic closeness equals brute force, sampling with every pivot is exact",
          "[algorithms][closeness]") {
    // Directed: 0 -> 1 -> 2 -> 3, 0 -> 3, 4 isolated, 5 -> 0.
    const InfluenceGraph g =
        test::make_graph(6, {{"0", "1"}, {"1", "2"}, {"2", "3"}, {"0", "3"}, {"5", "0"}}, true);
    const std::vector<double> closeness = harmonic_closeness(g);
    // By hand, hops along the edges: 0 reaches 1 (1), 2 (2), 3 (1): 1 + 1/2 + 1 = 2.5.
    // 1 reaches 2 (1), 3 (2): 1.5. 2 reaches 3: 1. 3, 4: nothing. 5 reaches 0 (1), 1 (2), 3 (2), 2
    // (3).
    const std::vector<double> expected = {2.5, 1.5, 1.0, 0.0, 0.0, 1 + 0.5 + 0.5 + 1.0 / 3};
    for (NodeId node = 0; node < 6; ++node) CHECK(closeness[node] == Approx(expected[node]));
    SamplingParams all;
    all.pivots = 6;
    CHECK(harmonic_closeness(g, all) == closeness);
}

TEST_CASE("Weighted degree and edge cases", "[algorithms][centrality]") {
    const InfluenceGraph g =
        test::make_graph(3, {{"0", "1", 2.0}, {"0", "2", 0.5}, {"2", "1", 0.0}}, true);
    CHECK(weighted_degree(g, RankDirection::influence) == std::vector<double>{2.5, 0.0, 0.0});
    CHECK(weighted_degree(g, RankDirection::authority) == std::vector<double>{0.0, 2.0, 0.5});
    // Betweenness by hand: every reachable pair (0->1, 0->2, 2->1) is joined directly, so no
    // chain passes through a middle node; on the path 0 -> 1 -> 2, node 1 carries the pair (0, 2).
    CHECK(betweenness(g) == std::vector<double>{0, 0, 0});
    const InfluenceGraph path = test::make_graph(3, {{"0", "1"}, {"1", "2"}}, true);
    CHECK(betweenness(path) == std::vector<double>{0, 1, 0});
    const InfluenceGraph empty;
    CHECK(betweenness(empty).empty());
    CHECK(core_numbers(empty).empty());
    CHECK(harmonic_closeness(empty).empty());
    const InfluenceGraph one = test::make_graph(1, {}, true);
    CHECK(core_numbers(one) == std::vector<std::uint32_t>{0});
    CHECK(betweenness(one) == std::vector<double>{0});
    SamplingParams too_many;
    too_many.pivots = 5;
    CHECK_THROWS_AS(betweenness(path, too_many), UsageError);
}

TEST_CASE("Centralities are identical at 1 and 2 threads", "[algorithms][centrality][threads]") {
    const Dataset data = test::load_shared("hep-th");
    SamplingParams params;
    params.pivots = 500;
    const int threads = omp_get_max_threads();
    omp_set_num_threads(1);
    const auto between_one = betweenness(data.graph, params);
    const auto close_one = harmonic_closeness(data.graph, params);
    const auto core_one = core_numbers(data.graph);
    omp_set_num_threads(std::max(2, threads));
    CHECK(between_one == betweenness(data.graph, params));
    CHECK(close_one == harmonic_closeness(data.graph, params));
    CHECK(core_one == core_numbers(data.graph));
    omp_set_num_threads(threads);
}
