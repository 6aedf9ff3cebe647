#include <omp.h>

#include <catch2/catch.hpp>

#include <cmath>
#include <fstream>

#include <nlohmann/json.hpp>

#include "catena/algorithms/propagation.hpp"
#include "catena/graph/errors.hpp"
#include "test_graphs.hpp"

using namespace catena;

namespace {
SimulationResult run(const InfluenceGraph& g, const std::vector<double>& weights, std::vector<NodeId> seeds,
                     DiffusionModel model = DiffusionModel::independent_cascade, std::uint32_t sims = 20000) {
    SimulationParams params;
    params.model = model;
    params.simulations = sims;
    params.seed = 11;
    return simulate(g, weights, seeds, params);
}
}  // namespace

TEST_CASE("Independent Cascade matches the oracle spreads within 3 standard errors", "[algorithms][propagation]") {
    std::ifstream in(test::data_dir() / "oracles" / "summary.json");
    const nlohmann::json oracle = nlohmann::json::parse(in);
    int checked = 0;
    for (const auto& [name, entry] : oracle.items()) {
        if (!entry.contains("ic")) continue;
        const Dataset data = test::load_shared(name, entry.value("directed", false));
        ProbabilityModel uniform;
        uniform.kind = ProbabilityModel::Kind::constant;
        uniform.constant = 0.1;
        ProbabilityModel cascade;
        cascade.weighted = false;  // the oracle's weighted cascade is 1 / in-degree
        const std::vector<double> p_uniform = edge_probabilities(data.graph, uniform);
        const std::vector<double> p_cascade = edge_probabilities(data.graph, cascade);
        for (const auto& test_case : entry["ic"]) {
            std::vector<NodeId> seeds;
            for (const auto& id : test_case["seeds"]) seeds.push_back(*data.graph.find(id.get<std::string>()));
            const bool is_uniform = test_case["model"] == "uniform-0.1";
            const SimulationResult result = run(data.graph, is_uniform ? p_uniform : p_cascade, seeds,
                                               DiffusionModel::independent_cascade, 100000);
            const double expected = test_case["expected_spread"];
            const double oracle_error = result.standard_error * std::sqrt(100000.0 / test_case["sims"].get<double>());
            const double combined = std::sqrt(result.standard_error * result.standard_error + oracle_error * oracle_error);
            INFO(name << " " << test_case["model"] << " seeds " << test_case["seeds"].dump() << ": " << result.expected_spread
                      << " vs " << expected << " (combined SE " << combined << ")");
            CHECK(std::abs(result.expected_spread - expected) <= 3 * combined);
            CHECK(result.expected_spread >= static_cast<double>(seeds.size()));
            ++checked;
        }
    }
    CHECK(checked == 30);
}

TEST_CASE("Linear Threshold on a 4-node graph, derived by hand", "[algorithms][propagation]") {
    // Edges 0->2 (w 1), 1->2 (w 3), 2->3 (w 1), 0->3 (w 1); seed {0}; node 1 never activates.
    // b(0,2) = 1/4, b(1,2) = 3/4: node 2 activates iff its threshold <= 1/4: P = 1/4.
    // b(0,3) = b(2,3) = 1/2: node 3 activates iff threshold <= 1/2, or <= 1 once 2 is active:
    //   P = 1/2 + 1/2 * 1/4 = 5/8.  Expected spread = 1 + 1/4 + 5/8 = 1.875.
    const InfluenceGraph g = test::make_graph(4, {{"0", "2", 1}, {"1", "2", 3}, {"2", "3", 1}, {"0", "3", 1}}, true);
    const std::uint32_t sims = 40000;
    const SimulationResult result = run(g, threshold_weights(g), {0}, DiffusionModel::linear_threshold, sims);
    const auto within = [&](double p, double expected) {
        const double error = std::sqrt(expected * (1 - expected) / sims);
        CHECK(std::abs(p - expected) <= 3 * error);
    };
    within(result.activation_probability[2], 0.25);
    within(result.activation_probability[3], 0.625);
    CHECK(result.activation_probability[0] == 1.0);
    CHECK(result.activation_probability[1] == 0.0);
    CHECK(std::abs(result.expected_spread - 1.875) <= 3 * result.standard_error);
}

TEST_CASE("Independent Cascade by hand: a path with p = 0.5", "[algorithms][propagation]") {
    // 0 -> 1 -> 2, each edge 0.5: spread = 1 + 0.5 + 0.25; depth 1 holds 0.5, depth 2 0.25.
    const InfluenceGraph g = test::make_graph(3, {{"0", "1"}, {"1", "2"}}, true);
    const SimulationResult result = run(g, {0.5, 0.5}, {0}, DiffusionModel::independent_cascade, 40000);
    CHECK(std::abs(result.expected_spread - 1.75) <= 3 * result.standard_error);
    REQUIRE(result.mean_by_depth.size() == 3);
    CHECK(result.mean_by_depth[0] == 1.0);
    CHECK(std::abs(result.mean_by_depth[1] - 0.5) < 0.02);
    CHECK(std::abs(result.mean_by_depth[2] - 0.25) < 0.02);
    CHECK(result.ci_low < result.expected_spread);
    CHECK(result.ci_high > result.expected_spread);
    // Certain and impossible edges.
    CHECK(run(g, {1.0, 1.0}, {0}).expected_spread == 3.0);
    CHECK(run(g, {0.0, 0.0}, {0}).expected_spread == 1.0);
    CHECK(run(g, {0.5, 0.5}, {}).expected_spread == 0.0);
}

TEST_CASE("Expected value reached counts the own value of the activated", "[algorithms][propagation]") {
    Dataset data = test::load_shared("karate");
    // Every customer worth 0 in an edge list: the expected value is 0; the sample data has values.
    CHECK(run(data.graph, edge_probabilities(data.graph, {}), {0}).expected_value == 0.0);
    InputSource sample;
    sample.data_dir = test::source_dir() / "samples" / "crm";
    const Dataset crm = load_dataset(sample, {});
    const NodeId seed = *crm.graph.find("C0042");
    const SimulationResult result = run(crm.graph, edge_probabilities(crm.graph, {}), {seed});
    double expected = 0;
    for (NodeId node = 0; node < crm.graph.num_nodes(); ++node) expected += result.activation_probability[node] * crm.graph.value(node);
    CHECK(result.expected_value == Approx(expected).epsilon(1e-9));
}

TEST_CASE("Learned probabilities follow each referrer's smoothed conversion rate", "[algorithms][propagation]") {
    const InfluenceGraph g = test::make_graph(3, {{"0", "1"}, {"1", "2"}}, true);
    // Referrer 0: 3 of 4 converted; overall 3 of 4 too, so the prior is Beta(1.5, 0.5):
    //   p(0 -> 1) = (3 + 1.5) / (4 + 2) = 0.75. Node 1 has no history: weighted cascade, 1.
    std::vector<Referral> referrals;
    for (int k = 0; k < 4; ++k) referrals.push_back({0, 1, kNoDate, k < 3, 0.0});
    ProbabilityModel learned;
    learned.kind = ProbabilityModel::Kind::learned;
    const std::vector<double> p = edge_probabilities(g, learned, referrals);
    CHECK(p[0] == Approx(0.75));
    CHECK(p[1] == Approx(1.0));
}

TEST_CASE("Simulation results are identical at 1 and 2 threads", "[algorithms][propagation][threads]") {
    const InfluenceGraph g = test::load_shared("email-Enron").graph;
    const std::vector<double> p = edge_probabilities(g, {});
    const int threads = omp_get_max_threads();
    omp_set_num_threads(1);
    const SimulationResult one = run(g, p, {0, 1, 2}, DiffusionModel::independent_cascade, 2000);
    omp_set_num_threads(std::max(2, threads));
    const SimulationResult two = run(g, p, {0, 1, 2}, DiffusionModel::independent_cascade, 2000);
    omp_set_num_threads(threads);
    CHECK(one.expected_spread == two.expected_spread);
    CHECK(one.activation_probability == two.activation_probability);
    CHECK(one.mean_by_depth == two.mean_by_depth);
}

TEST_CASE("Propagation rejects impossible parameters", "[algorithms][propagation]") {
    const InfluenceGraph g = test::make_graph(3, {{"0", "1"}}, true);
    SimulationParams params;
    params.simulations = 0;
    CHECK_THROWS_AS(simulate(g, std::vector<double>{0.5}, std::vector<NodeId>{0}, params), UsageError);
    params.simulations = 10;
    CHECK_THROWS_AS(simulate(g, std::vector<double>{0.5}, std::vector<NodeId>{0, 0}, params), UsageError);
    CHECK_THROWS_AS(simulate(g, std::vector<double>{1.5}, std::vector<NodeId>{0}, params), UsageError);
    CHECK_THROWS_AS(ProbabilityModel::parse("constant:1.5"), UsageError);
    CHECK_THROWS_AS(ProbabilityModel::parse("constant:x"), UsageError);
    CHECK_THROWS_AS(ProbabilityModel::parse("guess"), UsageError);
    CHECK(ProbabilityModel::parse("constant:0.25").constant == 0.25);
}
