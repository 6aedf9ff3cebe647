#include "catena/algorithms/explain.hpp"

#include <algorithm>
#include <cmath>

#include <catch2/catch.hpp>

#include "catena/graph/errors.hpp"

#include "test_graphs.hpp"
#include <omp.h>

using namespace catena;

namespace {

// The edge u -> v of a graph with nodes "0".."n-1".
EdgeId edge_of(const InfluenceGraph& graph, NodeId u, NodeId v) {
    for (EdgeId edge = graph.out_offsets()[u]; edge < graph.out_offsets()[u + 1]; ++edge)
        if (graph.out_targets()[edge] == v) return edge;
    FAIL("no edge " << u << " -> " << v);
    return 0;
}

double probability_of(const ReachResult& result, NodeId node) {
    for (const Activation& a : result.reached)
        if (a.node == node) return a.probability;
    return 0.0;
}

double error_of(const ReachResult& result, NodeId node) {
    for (const Activation& a : result.reached)
        if (a.node == node) return a.standard_error;
    return 0.0;
}

// The diamond with a tail, every chance stated by hand:
//
//        0.5      0.5
//     0 -----> 1 -----> 3 ---1.0--> 4
//      \                ^
//   0.9 \---> 2 -------/ 0.2
//
// Chains 0 -> 3: through 1, 0.5 x 0.5 = 0.25; through 2, 0.9 x 0.2 = 0.18: the best is 0-1-3.
// P(0 activates 3) = 1 - (1 - 0.25)(1 - 0.18) = 0.385 (two independent routes), and 4 follows 3
// surely: P(0 activates 4) = 0.385. Into 4: P(3) = 1, P(1) = 0.5, P(2) = 0.2, P(0) = 0.385.
struct Diamond {
    InfluenceGraph graph =
        test::make_graph(5, {{"0", "1"}, {"1", "3"}, {"0", "2"}, {"2", "3"}, {"3", "4"}}, true);
    std::vector<double> weights = std::vector<double>(graph.num_edges(), 0.0);
    Diamond() {
        weights[edge_of(graph, 0, 1)] = 0.5;
        weights[edge_of(graph, 1, 3)] = 0.5;
        weights[edge_of(graph, 0, 2)] = 0.9;
        weights[edge_of(graph, 2, 3)] = 0.2;
        weights[edge_of(graph, 3, 4)] = 1.0;
    }
};

ExplainParams params(std::uint32_t samples = 40000, std::uint64_t seed = 5) {
    ExplainParams p;
    p.samples = samples;
    p.seed = seed;
    return p;
}

}  // namespace

TEST_CASE("The most likely chain and its probability are the hand-derived ones",
          "[algorithms][explain]") {
    const Diamond d;
    const ChainFinder forward(d.graph, d.weights, 0, ChainFinder::Direction::from_origin);
    const Chain to_four = forward.chain(4);
    REQUIRE(to_four.links.size() == 3);
    CHECK(to_four.links[0].from == 0);
    CHECK(to_four.links[0].to == 1);
    CHECK(to_four.links[1].to == 3);
    CHECK(to_four.links[2].to == 4);
    CHECK(to_four.links[1].weight == 0.5);
    CHECK(to_four.probability == Approx(0.25).epsilon(1e-12));
    CHECK(forward.probability(2) == Approx(0.9));
    CHECK(forward.chain(2).links.size() == 1);
    CHECK(forward.probability(0) == 0.0);  // no chain from a customer to themselves
    CHECK(forward.chain(0).links.empty());

    // The same chain read backwards from 4 (who moves 4), links in the order influence travels.
    const ChainFinder backward(d.graph, d.weights, 4, ChainFinder::Direction::to_origin);
    const Chain from_zero = backward.chain(0);
    REQUIRE(from_zero.links.size() == 3);
    CHECK(from_zero.links.front().from == 0);
    CHECK(from_zero.links.front().to == 1);
    CHECK(from_zero.links.back().to == 4);
    CHECK(from_zero.probability == Approx(0.25).epsilon(1e-12));
    CHECK(backward.probability(2) == Approx(0.2));
    // Nothing reaches 0.
    const ChainFinder into_zero(d.graph, d.weights, 0, ChainFinder::Direction::to_origin);
    CHECK(into_zero.chain(4).links.empty());
    CHECK(into_zero.probability(4) == 0.0);
}

TEST_CASE("A finder asked for some ends stops early with the same chains",
          "[algorithms][explain]") {
    const Diamond d;
    const NodeId ends[] = {1};
    const ChainFinder partial(d.graph, d.weights, 0, ChainFinder::Direction::from_origin, ends);
    CHECK(partial.probability(1) == Approx(0.5));
    // 2 (0.9) settles before 1 (0.5); 3 and 4 are not needed and are forgotten.
    CHECK(partial.probability(2) == Approx(0.9));
    CHECK(partial.probability(4) == 0.0);
}

TEST_CASE("Reach and influencers agree with the exact probabilities", "[algorithms][explain]") {
    const Diamond d;
    const ReachResult reach = influence_of(d.graph, d.weights, 0, params());
    CHECK(reach.samples == 40000);
    const std::pair<NodeId, double> exact_reach[] = {{1, 0.5}, {2, 0.9}, {3, 0.385}, {4, 0.385}};
    for (const auto& [node, exact] : exact_reach) {
        INFO("P(0 activates " << node << ") = " << probability_of(reach, node) << ", exact "
                              << exact);
        CHECK(std::abs(probability_of(reach, node) - exact) <= 4 * error_of(reach, node));
    }
    CHECK(reach.reached.size() == 4);  // 0 itself is not listed
    CHECK(reach.expected_reach == Approx(0.5 + 0.9 + 0.385 + 0.385).margin(0.03));

    const ReachResult on = influence_on(d.graph, d.weights, 4, params());
    const std::pair<NodeId, double> exact_on[] = {{3, 1.0}, {1, 0.5}, {2, 0.2}, {0, 0.385}};
    for (const auto& [node, exact] : exact_on) {
        INFO("P(" << node << " activates 4) = " << probability_of(on, node) << ", exact " << exact);
        CHECK(std::abs(probability_of(on, node) - exact) <=
              std::max(4 * error_of(on, node), 1e-12));
    }
    CHECK(on.expected_reach == Approx(1.0 + 0.5 + 0.2 + 0.385).margin(0.03));
    CHECK(on.expected_reach_standard_error > 0.0);
}

TEST_CASE("Who moves a customer agrees with forward simulation from each of them",
          "[algorithms][explain]") {
    for (const DiffusionModel model :
         {DiffusionModel::independent_cascade, DiffusionModel::linear_threshold}) {
        const Dataset data = test::load_shared("karate");
        const std::vector<double> weights = diffusion_weights(data.graph, model, {});
        const NodeId target = *data.graph.find("33");
        ExplainParams p = params(30000, 9);
        p.model = model;
        const ReachResult on = influence_on(data.graph, weights, target, p);
        REQUIRE(on.reached.size() > 5);
        // The five most likely to move 33, each simulated forward on their own.
        std::vector<Activation> best = on.reached;
        std::sort(best.begin(), best.end(), [](const Activation& a, const Activation& b) {
            return a.probability > b.probability;
        });
        best.resize(5);
        for (const Activation& a : best) {
            ExplainParams forward = params(30000, 17);
            forward.model = model;
            const ReachResult reach = influence_of(data.graph, weights, a.node, forward);
            const double p_forward = probability_of(reach, target);
            const double combined = std::hypot(a.standard_error, error_of(reach, target)) + 1e-12;
            INFO(to_string(model) << ": P(" << data.graph.external_id(a.node)
                                  << " activates 33): reverse " << a.probability << ", forward "
                                  << p_forward << ", combined SE " << combined);
            CHECK(std::abs(a.probability - p_forward) <= 3 * combined);
        }
    }
}

TEST_CASE("Explaining is the same at any thread count and for the same seed",
          "[algorithms][explain]") {
    const Dataset data = test::load_shared("karate");
    const std::vector<double> weights = edge_probabilities(data.graph, {});
    const int threads = omp_get_max_threads();
    const auto run = [&](int count) {
        omp_set_num_threads(count);
        const ReachResult on = influence_on(data.graph, weights, 0, params(5000, 3));
        const ReachResult of = influence_of(data.graph, weights, 0, params(5000, 3));
        omp_set_num_threads(threads);
        std::vector<double> all;
        for (const Activation& a : on.reached) all.push_back(a.probability);
        for (const Activation& a : of.reached) all.push_back(a.probability);
        all.push_back(on.expected_reach_standard_error);
        return all;
    };
    CHECK(run(1) == run(2));
    CHECK(run(2) == run(2));
}

TEST_CASE("Explaining edge cases: one customer, zero weights, bad parameters",
          "[algorithms][explain]") {
    const InfluenceGraph alone = test::make_graph(1, {}, true);
    const std::vector<double> none;
    CHECK(influence_of(alone, none, 0, params(100)).reached.empty());
    CHECK(influence_on(alone, none, 0, params(100)).reached.empty());
    CHECK(influence_on(alone, none, 0, params(100)).expected_reach == 0.0);
    CHECK(ChainFinder(alone, none, 0, ChainFinder::Direction::from_origin).chain(0).links.empty());

    const Diamond d;
    const std::vector<double> zero(d.graph.num_edges(), 0.0);
    CHECK(influence_of(d.graph, zero, 0, params(100)).reached.empty());
    CHECK(influence_on(d.graph, zero, 4, params(100)).reached.empty());
    CHECK(
        ChainFinder(d.graph, zero, 0, ChainFinder::Direction::from_origin).chain(4).links.empty());

    CHECK_THROWS_AS(influence_of(d.graph, d.weights, 9, params()), UsageError);
    CHECK_THROWS_AS(influence_on(d.graph, d.weights, 0, params(0)), UsageError);
    std::vector<double> bad = d.weights;
    bad[0] = 1.5;
    CHECK_THROWS_AS(influence_on(d.graph, bad, 4, params()), UsageError);
    const InfluenceGraph empty = test::make_graph(0, {}, true);
    CHECK_THROWS_AS(influence_of(empty, none, 0, params()), UsageError);
    CHECK_THROWS_AS(ChainFinder(empty, none, 0, ChainFinder::Direction::to_origin), UsageError);
}
