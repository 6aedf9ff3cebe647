#include "catena/algorithms/propagation.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "catena/graph/errors.hpp"

#include "test_graphs.hpp"
#include <omp.h>

using namespace catena;

namespace {
SimulationResult run(const InfluenceGraph& g, const std::vector<double>& weights,
                     std::vector<NodeId> seeds,
                     DiffusionModel model = DiffusionModel::independent_cascade,
                     std::uint32_t sims = 20000) {
    SimulationParams params;
    params.model = model;
    params.simulations = sims;
    params.seed = 11;
    return simulate(g, weights, seeds, params);
}
}  // namespace

TEST_CASE("Independent Cascade matches the oracle spreads within 3 standard errors",
          "[algorithms][propagation]") {
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
            for (const auto& id : test_case["seeds"])
                seeds.push_back(*data.graph.find(id.get<std::string>()));
            const bool is_uniform = test_case["model"] == "uniform-0.1";
            const SimulationResult result = run(data.graph, is_uniform ? p_uniform : p_cascade,
                                                seeds, DiffusionModel::independent_cascade, 100000);
            const double expected = test_case["expected_spread"];
            const double oracle_error =
                result.standard_error * std::sqrt(100000.0 / test_case["sims"].get<double>());
            const double combined = std::sqrt(result.standard_error * result.standard_error +
                                              oracle_error * oracle_error);
            INFO(name << " " << test_case["model"] << " seeds " << test_case["seeds"].dump() << ": "
                      << result.expected_spread << " vs " << expected << " (combined SE "
                      << combined << ")");
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
    const InfluenceGraph g =
        test::make_graph(4, {{"0", "2", 1}, {"1", "2", 3}, {"2", "3", 1}, {"0", "3", 1}}, true);
    const std::uint32_t sims = 40000;
    const SimulationResult result =
        run(g, threshold_weights(g), {0}, DiffusionModel::linear_threshold, sims);
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
    const SimulationResult result =
        run(g, {0.5, 0.5}, {0}, DiffusionModel::independent_cascade, 40000);
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

TEST_CASE("Expected value reached counts the own value of the activated",
          "[algorithms][propagation]") {
    Dataset data = test::load_shared("karate");
    // Every customer worth 0 in an edge list: the expected value is 0; the sample data has values.
    CHECK(run(data.graph, edge_probabilities(data.graph, {}), {0}).expected_value == 0.0);
    InputSource sample;
    sample.data_dir = test::source_dir() / "samples" / "crm";
    const Dataset crm = load_dataset(sample, {});
    const NodeId seed = *crm.graph.find("C0042");
    const SimulationResult result = run(crm.graph, edge_probabilities(crm.graph, {}), {seed});
    double expected = 0;
    for (NodeId node = 0; node < crm.graph.num_nodes(); ++node)
        expected += result.activation_probability[node] * crm.graph.value(node);
    CHECK(result.expected_value == Approx(expected).epsilon(1e-9));
}

TEST_CASE("Learned probabilities follow each referrer's smoothed conversion rate",
          "[algorithms][propagation]") {
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

TEST_CASE("Simulation results are identical at 1 and 2 threads",
          "[algorithms][propagation][threads]") {
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
    CHECK_THROWS_AS(simulate(g, std::vector<double>{0.5}, std::vector<NodeId>{0}, params),
                    UsageError);
    params.simulations = 10;
    CHECK_THROWS_AS(simulate(g, std::vector<double>{0.5}, std::vector<NodeId>{0, 0}, params),
                    UsageError);
    CHECK_THROWS_AS(simulate(g, std::vector<double>{1.5}, std::vector<NodeId>{0}, params),
                    UsageError);
    CHECK_THROWS_AS(ProbabilityModel::parse("constant:1.5"), UsageError);
    CHECK_THROWS_AS(ProbabilityModel::parse("constant:x"), UsageError);
    CHECK_THROWS_AS(ProbabilityModel::parse("guess"), UsageError);
    CHECK(ProbabilityModel::parse("constant:0.25").constant == 0.25);
}

// --- Edge cases (issue 14): the empty graph, one customer, self-loops, zero weights ----------

namespace {

const DiffusionModel kBothModels[] = {DiffusionModel::independent_cascade,
                                      DiffusionModel::linear_threshold};

const char* model_name(DiffusionModel model) {
    return model == DiffusionModel::linear_threshold ? "LT" : "IC";
}

// The weights each model takes: weighted-cascade probabilities for IC, threshold weights for LT.
std::vector<double> default_weights(const InfluenceGraph& g, DiffusionModel model) {
    return model == DiffusionModel::linear_threshold ? threshold_weights(g)
                                                     : edge_probabilities(g, {});
}

ProbabilityModel constant_probability(double p) {
    ProbabilityModel model;
    model.kind = ProbabilityModel::Kind::constant;
    model.constant = p;
    return model;
}

// One customer "0" worth `value`, with a self-loop row when asked (which the builder drops).
InfluenceGraph lone_customer(double value, bool self_loop) {
    GraphBuilder builder;
    CustomerRow customer;
    customer.id = "0";
    customer.value = value;
    builder.add_customer(customer);
    if (self_loop) {
        RelationshipRow row;
        row.source = "0";
        row.target = "0";
        row.type = "influences";
        builder.add_relationship(row);
    }
    return builder.build();
}

// Same nodes and edges (with strengths) in the same order; the build reports may differ.
bool same_structure(const InfluenceGraph& a, const InfluenceGraph& b) {
    const auto same = [](auto x, auto y) {
        return std::equal(x.begin(), x.end(), y.begin(), y.end());
    };
    return a.num_nodes() == b.num_nodes() && same(a.out_offsets(), b.out_offsets()) &&
           same(a.out_targets(), b.out_targets()) && same(a.in_offsets(), b.in_offsets()) &&
           same(a.in_sources(), b.in_sources()) && same(a.strengths(), b.strengths());
}

// What a simulation must say when nothing spreads beyond the seeds: exactly the seeds, every
// time, at depth 0 only.
void check_exactly_the_seeds(const SimulationResult& result, NodeId nodes,
                             const std::vector<NodeId>& seeds) {
    const double count = static_cast<double>(seeds.size());
    CHECK(result.expected_spread == count);
    CHECK(result.standard_error == 0.0);
    CHECK(result.ci_low == count);
    CHECK(result.ci_high == count);
    std::vector<double> expected(nodes, 0.0);
    for (const NodeId seed : seeds) expected[seed] = 1.0;
    CHECK(result.activation_probability == expected);
    CHECK(result.mean_by_depth ==
          (seeds.empty() ? std::vector<double>{} : std::vector<double>{count}));
}

}  // namespace

TEST_CASE("Propagation on the empty graph: no seeds spread nowhere, any seed is a usage error",
          "[algorithms][propagation][edge-cases]") {
    const InfluenceGraph empty = GraphBuilder().build();
    CHECK(edge_probabilities(empty, {}).empty());
    CHECK(edge_probabilities(empty, constant_probability(0.3)).empty());
    CHECK(threshold_weights(empty).empty());
    for (const DiffusionModel model : kBothModels) {
        INFO(model_name(model));
        const SimulationResult result = run(empty, {}, {}, model, 100);
        CHECK(result.simulations == 100);
        check_exactly_the_seeds(result, 0, {});
        CHECK(result.expected_value == 0.0);
        CHECK(result.value_standard_error == 0.0);
        SimulationParams params;
        params.model = model;
        params.simulations = 10;
        CHECK_THROWS_AS(simulate(empty, std::vector<double>{}, std::vector<NodeId>{0}, params),
                        UsageError);
    }
}

TEST_CASE("Propagation from one customer: a lone seed reaches exactly itself",
          "[algorithms][propagation][edge-cases]") {
    for (const bool self_loop : {false, true}) {
        const InfluenceGraph g = lone_customer(7.5, self_loop);
        REQUIRE(g.num_nodes() == 1);
        REQUIRE(g.num_edges() == 0);  // the self-loop, if given, was dropped
        CHECK(g.report().self_loops_dropped == (self_loop ? 1u : 0u));
        for (const DiffusionModel model : kBothModels) {
            INFO(model_name(model) << (self_loop ? ", with a self-loop row" : ""));
            const std::vector<double> weights = default_weights(g, model);
            CHECK(weights.empty());
            for (const std::uint32_t sims : {1u, 500u}) {
                const SimulationResult alone = run(g, weights, {0}, model, sims);
                check_exactly_the_seeds(alone, 1, {0});
                CHECK(alone.expected_value == 7.5);
                CHECK(alone.value_standard_error == 0.0);
            }
            const SimulationResult nobody = run(g, weights, {}, model, 100);
            check_exactly_the_seeds(nobody, 1, {});
            CHECK(nobody.expected_value == 0.0);
            SimulationParams params;
            params.model = model;
            params.simulations = 10;
            CHECK_THROWS_AS(simulate(g, weights, std::vector<NodeId>{1}, params), UsageError);
            CHECK_THROWS_AS(simulate(g, weights, std::vector<NodeId>{0, 0}, params), UsageError);
        }
    }
}

TEST_CASE("Self-loops change nothing in propagation", "[algorithms][propagation][edge-cases]") {
    // 0 -> 1 -> 2 -> 3, once with self-loop rows on 0, 1 and 3 and once without.
    const InfluenceGraph with = test::make_graph(
        4, {{"0", "0"}, {"0", "1"}, {"1", "1"}, {"1", "2"}, {"2", "3"}, {"3", "3"}}, true);
    const InfluenceGraph without = test::make_graph(4, {{"0", "1"}, {"1", "2"}, {"2", "3"}}, true);
    CHECK(with.report().self_loops_dropped == 3);
    REQUIRE(same_structure(with, without));
    CHECK(edge_probabilities(with, {}) == edge_probabilities(without, {}));
    CHECK(threshold_weights(with) == threshold_weights(without));
    for (const DiffusionModel model : kBothModels) {
        INFO(model_name(model));
        // Weights below 1 so that the runs are random, and the same random draws are compared.
        const std::vector<double> weights(with.num_edges(), 0.5);
        const SimulationResult a = run(with, weights, {0}, model, 2000);
        const SimulationResult b = run(without, weights, {0}, model, 2000);
        CHECK(a.expected_spread == b.expected_spread);
        CHECK(a.standard_error == b.standard_error);
        CHECK(a.activation_probability == b.activation_probability);
        CHECK(a.mean_by_depth == b.mean_by_depth);
        CHECK(a.expected_spread >= 1.0);
    }
}

TEST_CASE("A zero-probability edge never fires: the spread is exactly the seed count",
          "[algorithms][propagation][edge-cases]") {
    // A cycle 0 -> 1 -> 2 -> 0 with a tail 2 -> 3 -> 4, and 5 alone.
    const InfluenceGraph g =
        test::make_graph(6, {{"0", "1"}, {"1", "2"}, {"2", "0"}, {"2", "3"}, {"3", "4"}}, true);
    const std::vector<double> zero = edge_probabilities(g, constant_probability(0.0));
    REQUIRE(zero == std::vector<double>(g.num_edges(), 0.0));
    const std::vector<std::vector<NodeId>> seed_sets = {{0}, {2}, {0, 3}, {1, 4, 5}, {}};
    for (const auto& seeds : seed_sets) {
        INFO("IC, " << seeds.size() << " seeds");
        check_exactly_the_seeds(run(g, zero, seeds, DiffusionModel::independent_cascade, 1000), 6,
                                seeds);
    }
    // Zero-weight relationships: weighted cascade gives them probability 0 and LT weight 0
    // (no NaN from 0 / 0), so neither model activates anyone beyond the seeds.
    const InfluenceGraph weightless = test::make_graph(
        6, {{"0", "1", 0}, {"1", "2", 0}, {"2", "0", 0}, {"2", "3", 0}, {"3", "4", 0}}, true);
    for (const DiffusionModel model : kBothModels) {
        const std::vector<double> weights = default_weights(weightless, model);
        CHECK(weights == std::vector<double>(weightless.num_edges(), 0.0));
        for (const auto& seeds : seed_sets) {
            INFO(model_name(model) << ", zero weights, " << seeds.size() << " seeds");
            check_exactly_the_seeds(run(weightless, weights, seeds, model, 1000), 6, seeds);
        }
    }
}

TEST_CASE("Zero-weight edges beside weighted ones get nothing, the weighted one carries it all",
          "[algorithms][propagation][edge-cases]") {
    // 0 -> 2 (w 0), 1 -> 2 (w 1), 2 -> 3 (w 0). Edges in source order: e0 = 0->2, e1 = 1->2,
    // e2 = 2->3. Weighted cascade: p = 0 / 1, 1 / 1, and 0 / 0 taken as 0. LT the same.
    const InfluenceGraph g =
        test::make_graph(4, {{"0", "2", 0}, {"1", "2", 1}, {"2", "3", 0}}, true);
    for (const DiffusionModel model : kBothModels) {
        INFO(model_name(model));
        const std::vector<double> weights = default_weights(g, model);
        CHECK(weights == std::vector<double>{0.0, 1.0, 0.0});
        check_exactly_the_seeds(run(g, weights, {0}, model, 1000), 4, {0});
        // Seed 1: node 2 always (p = 1, or b = 1 against a threshold below 1), node 3 never.
        const SimulationResult from_1 = run(g, weights, {1}, model, 1000);
        CHECK(from_1.expected_spread == 2.0);
        CHECK(from_1.standard_error == 0.0);
        CHECK(from_1.activation_probability == std::vector<double>{0.0, 1.0, 1.0, 0.0});
        CHECK(from_1.mean_by_depth == std::vector<double>{1.0, 1.0});
    }
}

TEST_CASE("Certain edges on a cycle with a tail reach exactly what is reachable, in IC and LT",
          "[algorithms][propagation][edge-cases]") {
    // 0 -> 1 -> 2 -> 0 and 2 -> 3 -> 4: every node has one in-edge, so b = 1 everywhere and LT
    // behaves as IC with p = 1. From 0: 0, 1, 2, 3, 4 at depths 0..4. From 3: 3, 4. From 4: 4.
    const InfluenceGraph g =
        test::make_graph(5, {{"0", "1"}, {"1", "2"}, {"2", "0"}, {"2", "3"}, {"3", "4"}}, true);
    const std::vector<double> certain = edge_probabilities(g, constant_probability(1.0));
    REQUIRE(threshold_weights(g) == certain);
    for (const DiffusionModel model : kBothModels) {
        INFO(model_name(model));
        const SimulationResult from_0 = run(g, certain, {0}, model, 500);
        CHECK(from_0.expected_spread == 5.0);
        CHECK(from_0.standard_error == 0.0);
        CHECK(from_0.activation_probability == std::vector<double>(5, 1.0));
        CHECK(from_0.mean_by_depth == std::vector<double>(5, 1.0));
        const SimulationResult from_3 = run(g, certain, {3}, model, 500);
        CHECK(from_3.expected_spread == 2.0);
        CHECK(from_3.activation_probability == std::vector<double>{0, 0, 0, 1, 1});
        check_exactly_the_seeds(run(g, certain, {4}, model, 500), 5, {4});
        // Seeds on the cycle and the tail: the union of what each reaches, counted once.
        CHECK(run(g, certain, {1, 3}, model, 500).expected_spread == 5.0);
    }
}

TEST_CASE("Propagation rejects malformed weights with typed errors",
          "[algorithms][propagation][edge-cases]") {
    const InfluenceGraph g = test::make_graph(3, {{"0", "1"}, {"1", "2"}}, true);
    for (const DiffusionModel model : kBothModels) {
        INFO(model_name(model));
        SimulationParams params;
        params.model = model;
        params.simulations = 10;
        const std::vector<NodeId> seeds{0};
        CHECK_THROWS_AS(simulate(g, std::vector<double>{-0.1, 0.5}, seeds, params), UsageError);
        CHECK_THROWS_AS(simulate(g, std::vector<double>{std::nan(""), 0.5}, seeds, params),
                        UsageError);
        // One weight per edge is the caller's duty: a bug, not bad input.
        CHECK_THROWS_AS(simulate(g, std::vector<double>{0.5}, seeds, params), InternalError);
    }
    ProbabilityModel out_of_range = constant_probability(-0.5);
    CHECK_THROWS_AS(edge_probabilities(g, out_of_range), UsageError);
    out_of_range.constant = std::nan("");
    CHECK_THROWS_AS(edge_probabilities(g, out_of_range), UsageError);
}
