#include "catena/algorithms/pagerank.hpp"

#include <numeric>

#include <Eigen/Dense>
#include <catch2/catch.hpp>

#include "catena/graph/errors.hpp"

#include "test_graphs.hpp"
#include <omp.h>

using namespace catena;

namespace {

double total(const std::vector<double>& scores) {
    return std::accumulate(scores.begin(), scores.end(), 0.0);
}

PageRankParams tight(RankDirection direction = RankDirection::influence) {
    PageRankParams params;
    params.tolerance = 1e-15;
    params.max_iterations = 10000;
    params.direction = direction;
    return params;
}

// Solves the PageRank equations directly: x = d (P^T x + (dangling . x) p) + (1 - d) p, with P the
// row-stochastic walk matrix (the walk along the edges: authority direction).
std::vector<double> solve_authority(const InfluenceGraph& g, double d,
                                    const std::vector<double>& personal) {
    const int n = static_cast<int>(g.num_nodes());
    Eigen::VectorXd p(n);
    for (int node = 0; node < n; ++node) p[node] = personal[node];
    p /= p.sum();
    Eigen::MatrixXd walk = Eigen::MatrixXd::Zero(n, n);  // walk(v, u) = P(u -> v)
    Eigen::VectorXd dangling = Eigen::VectorXd::Zero(n);
    for (int u = 0; u < n; ++u) {
        double out = 0;
        for (EdgeId e = g.out_offsets()[u]; e < g.out_offsets()[u + 1]; ++e) out += g.strength(e);
        if (out == 0) {
            dangling[u] = 1;
            continue;
        }
        for (EdgeId e = g.out_offsets()[u]; e < g.out_offsets()[u + 1]; ++e)
            walk(g.edge_target(e), u) += g.strength(e) / out;
    }
    const Eigen::MatrixXd system =
        Eigen::MatrixXd::Identity(n, n) - d * (walk + p * dangling.transpose());
    const Eigen::VectorXd x = system.fullPivLu().solve((1 - d) * p);
    return std::vector<double>(x.data(), x.data() + n);
}

}  // namespace

TEST_CASE("PageRank equals NetworkX on every dataset with an oracle", "[algorithms][pagerank]") {
    for (const char* name : {"karate", "dolphins", "football", "polbooks", "lesmis", "netscience",
                             "hep-th", "polblogs"}) {
        INFO(name);
        const bool directed = std::string(name) == "polblogs";
        const Dataset data = test::load_shared(name, directed);
        // NetworkX walks along the edges: catena's authority direction.
        const PageRankResult result = pagerank(data.graph, tight(RankDirection::authority));
        CHECK(result.converged);
        CHECK(total(result.scores) == Approx(1.0).epsilon(1e-12));
        double worst = 0;
        for (const auto& [id, expected] : test::read_oracle(std::string(name) + ".pagerank.csv"))
            worst = std::max(worst, std::abs(result.scores[*data.graph.find(id)] - expected));
        CHECK(worst < 1e-9);
        if (!directed) {
            // Undirected relationships: both directions give the same scores.
            const PageRankResult influence = pagerank(data.graph, tight(RankDirection::influence));
            for (NodeId node = 0; node < data.graph.num_nodes(); ++node)
                CHECK(influence.scores[node] == Approx(result.scores[node]).margin(1e-12));
        }
    }
}

TEST_CASE("Personalised PageRank solves its linear system", "[algorithms][pagerank]") {
    // 0 -> 1 (2), 0 -> 2, 1 -> 2, 2 -> 0, 3 -> 2 (0.5); 4 has no out-edge (dangling).
    const InfluenceGraph g = test::make_graph(
        5, {{"0", "1", 2}, {"0", "2"}, {"1", "2"}, {"2", "0"}, {"3", "2", 0.5}, {"2", "4"}}, true);
    for (const std::vector<double>& personal :
         {std::vector<double>{1, 1, 1, 1, 1}, std::vector<double>{0, 0, 0, 5, 1},
          std::vector<double>{3, 0, 0, 0, 0}}) {
        PageRankParams params = tight(RankDirection::authority);
        params.personalization = personal;
        const PageRankResult result = pagerank(g, params);
        const std::vector<double> expected = solve_authority(g, params.damping, personal);
        for (NodeId node = 0; node < 5; ++node)
            CHECK(result.scores[node] == Approx(expected[node]).margin(1e-12));
        CHECK(total(result.scores) == Approx(1.0).epsilon(1e-12));
    }
}

TEST_CASE("PageRank by hand: two nodes and a dangling one", "[algorithms][pagerank]") {
    // 0 -> 1, node 1 dangling (its rank is spread uniformly), d = 0.85, authority direction:
    //   x0 = 0.15/2 + 0.85 * x1/2
    //   x1 = 0.15/2 + 0.85 * (x0 + x1/2)
    // With x0 + x1 = 1: x0 = 0.075 + 0.425 x1, so 1 - x1 = 0.075 + 0.425 x1:
    //   x1 = 0.925 / 1.425,  x0 = 0.5 / 1.425.
    const InfluenceGraph g = test::make_graph(2, {{"0", "1"}}, true);
    const PageRankResult authority = pagerank(g, tight(RankDirection::authority));
    CHECK(authority.scores[0] == Approx(0.5 / 1.425).epsilon(1e-12));
    CHECK(authority.scores[1] == Approx(0.925 / 1.425).epsilon(1e-12));
    // Influence: the walk runs 1 -> 0, so 0 (the influencer) gets the larger share.
    const PageRankResult influence = pagerank(g, tight(RankDirection::influence));
    CHECK(influence.scores[1] == Approx(0.5 / 1.425).epsilon(1e-12));
    CHECK(influence.scores[0] == Approx(0.925 / 1.425).epsilon(1e-12));
}

TEST_CASE("PageRank edge cases", "[algorithms][pagerank]") {
    SECTION("empty graph") {
        const PageRankResult result = pagerank(InfluenceGraph());
        CHECK(result.scores.empty());
        CHECK(result.converged);
    }
    SECTION("one node") {
        const PageRankResult result = pagerank(test::make_graph(1, {}, true));
        REQUIRE(result.scores.size() == 1);
        CHECK(result.scores[0] == Approx(1.0));
    }
    SECTION("no edges at all: the teleport distribution") {
        PageRankParams params;
        params.personalization = {1, 3};
        const PageRankResult result = pagerank(test::make_graph(2, {}, true), params);
        CHECK(result.scores[0] == Approx(0.25));
        CHECK(result.scores[1] == Approx(0.75));
    }
    SECTION("disconnected parts and zero weights") {
        // 0 <-> 1 and 2 <-> 3 (undirected), and 4 -> 0 with weight 0: node 4 is dangling.
        const InfluenceGraph g =
            test::make_graph(5, {{"0", "1"}, {"2", "3"}, {"4", "0", 0}}, false);
        const PageRankResult result = pagerank(g, tight(RankDirection::authority));
        CHECK(total(result.scores) == Approx(1.0).epsilon(1e-12));
        CHECK(result.scores[0] == Approx(result.scores[2]).margin(1e-12));
        CHECK(result.scores[1] == Approx(result.scores[3]).margin(1e-12));
        const std::vector<double> expected = solve_authority(g, 0.85, {1, 1, 1, 1, 1});
        for (NodeId node = 0; node < 5; ++node)
            CHECK(result.scores[node] == Approx(expected[node]).margin(1e-12));
    }
    SECTION("the iteration cap is reported") {
        PageRankParams params;
        params.max_iterations = 2;
        params.tolerance = 0;
        const PageRankResult result = pagerank(test::load_shared("karate").graph, params);
        CHECK(result.iterations == 2);
        CHECK_FALSE(result.converged);
        CHECK(total(result.scores) == Approx(1.0).epsilon(1e-12));
    }
}

TEST_CASE("PageRank gives identical scores at 1 and 2 threads", "[algorithms][pagerank][threads]") {
    const Dataset data = test::load_shared("email-Enron");
    const int threads = omp_get_max_threads();
    omp_set_num_threads(1);
    const PageRankResult one = pagerank(data.graph);
    omp_set_num_threads(std::max(2, threads));
    const PageRankResult two = pagerank(data.graph);
    omp_set_num_threads(threads);
    CHECK(one.iterations == two.iterations);
    CHECK(one.scores == two.scores);
}

TEST_CASE("PageRank rejects impossible parameters", "[algorithms][pagerank]") {
    const InfluenceGraph g = test::make_graph(3, {{"0", "1"}}, true);
    const auto rejects = [&](auto change) {
        PageRankParams params;
        change(params);
        CHECK_THROWS_AS(pagerank(g, params), UsageError);
    };
    rejects([](PageRankParams& p) { p.damping = 1.0; });
    rejects([](PageRankParams& p) { p.damping = -0.1; });
    rejects([](PageRankParams& p) { p.tolerance = -1; });
    rejects([](PageRankParams& p) { p.max_iterations = 0; });
    rejects([](PageRankParams& p) { p.personalization = {1, 1}; });
    rejects([](PageRankParams& p) { p.personalization = {0, 0, 0}; });
    rejects([](PageRankParams& p) { p.personalization = {1, -1, 1}; });
}
