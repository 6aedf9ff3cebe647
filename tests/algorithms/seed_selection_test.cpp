#include "catena/algorithms/seed_selection.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <numeric>
#include <random>

#include <catch2/catch.hpp>

#include "catena/algorithms/propagation.hpp"
#include "catena/graph/errors.hpp"

#include "test_graphs.hpp"
#include <omp.h>

using namespace catena;

namespace {

// Live-edge samples of a graph of at most 64 nodes: reach[sample][v] = who v activates.
std::vector<std::vector<std::uint64_t>> live_edge_reach(const InfluenceGraph& g,
                                                        const std::vector<double>& p, int samples) {
    std::mt19937_64 random(2024);
    std::uniform_real_distribution<double> unit(0, 1);
    const NodeId n = g.num_nodes();
    std::vector<std::vector<std::uint64_t>> reach(samples, std::vector<std::uint64_t>(n));
    std::vector<std::uint8_t> live(g.num_edges());
    for (int sample = 0; sample < samples; ++sample) {
        for (EdgeId e = 0; e < g.num_edges(); ++e) live[e] = unit(random) < p[e];
        for (NodeId v = 0; v < n; ++v) {
            std::uint64_t seen = std::uint64_t{1} << v;
            std::vector<NodeId> stack{v};
            while (!stack.empty()) {
                const NodeId u = stack.back();
                stack.pop_back();
                for (EdgeId e = g.out_offsets()[u]; e < g.out_offsets()[u + 1]; ++e) {
                    const NodeId w = g.edge_target(e);
                    if (live[e] && !(seen >> w & 1)) {
                        seen |= std::uint64_t{1} << w;
                        stack.push_back(w);
                    }
                }
            }
            reach[sample][v] = seen;
        }
    }
    return reach;
}

double spread_of(const std::vector<std::vector<std::uint64_t>>& reach,
                 const std::vector<NodeId>& seeds) {
    double total = 0;
    for (const auto& sample : reach) {
        std::uint64_t mask = 0;
        for (const NodeId seed : seeds) mask |= sample[seed];
        total += std::popcount(mask);
    }
    return total / static_cast<double>(reach.size());
}

// The best k-set by brute force over all sets.
double brute_force_best(const std::vector<std::vector<std::uint64_t>>& reach, NodeId n,
                        std::uint32_t k) {
    std::vector<NodeId> set(k);
    double best = 0;
    const auto recurse = [&](auto&& self, std::uint32_t depth, NodeId from) -> void {
        if (depth == k) {
            best = std::max(best, spread_of(reach, set));
            return;
        }
        for (NodeId node = from; node < n; ++node) {
            set[depth] = node;
            self(self, depth + 1, node + 1);
        }
    };
    recurse(recurse, 0, 0);
    return best;
}

// The k customers with the most out-edges (ties: lower NodeId first).
std::vector<NodeId> top_out_degree(const InfluenceGraph& g, std::size_t k) {
    std::vector<NodeId> nodes(g.num_nodes());
    std::iota(nodes.begin(), nodes.end(), NodeId{0});
    std::partial_sort(
        nodes.begin(), nodes.begin() + static_cast<std::ptrdiff_t>(k), nodes.end(),
        [&](NodeId a, NodeId b) {
            return g.out_degree(a) != g.out_degree(b) ? g.out_degree(a) > g.out_degree(b) : a < b;
        });
    nodes.resize(k);
    return nodes;
}

}  // namespace

TEST_CASE("Seed selection on karate is within 2% of the brute-force best, k = 1..4",
          "[algorithms][seeds]") {
    const InfluenceGraph g = test::load_shared("karate").graph;
    ProbabilityModel cascade;
    const std::vector<double> p = edge_probabilities(g, cascade);
    const auto reach = live_edge_reach(g, p, 1500);
    for (std::uint32_t k = 1; k <= 4; ++k) {
        INFO("k = " << k);
        SeedSelectionParams params;
        params.k = k;
        const SeedSelectionResult result = select_seeds(g, p, params);
        REQUIRE(result.seeds.size() == k);
        const double chosen = spread_of(reach, result.seeds);
        const double best = brute_force_best(reach, g.num_nodes(), k);
        CHECK(chosen >= 0.98 * best);
        // The estimate is R2's coverage: within 3.5 of its own standard errors of the seeds'
        // reach in the brute force's worlds (R2 holds a few thousand sets here, so a fixed 5%
        // would be about two standard errors).
        CHECK(std::abs(result.estimated_spread - chosen) <=
              3.5 * result.estimated_spread_se + 0.01 * chosen);
        CHECK(result.approximation == Approx(1 - 1 / std::exp(1.0) - 0.1));
    }
}

TEST_CASE("Seed selection honours opt-outs, candidate filters and budgets", "[algorithms][seeds]") {
    InputSource sample;
    sample.data_dir = test::source_dir() / "samples" / "crm";
    const Dataset crm = load_dataset(sample, {});
    const InfluenceGraph& g = crm.graph;
    const std::vector<double> p = edge_probabilities(g, {});
    SeedSelectionParams params;
    params.k = 10;
    const SeedSelectionResult plain = select_seeds(g, p, params);
    REQUIRE(plain.seeds.size() == 10);
    for (const NodeId seed : plain.seeds) CHECK_FALSE(g.opt_out(seed));
    CHECK(plain.seeds[0] == *g.find("C0042"));  // the planted hidden influencer comes first

    // Businesses only.
    params.candidates.assign(g.num_nodes(), 0);
    for (NodeId node = 0; node < g.num_nodes(); ++node)
        params.candidates[node] = g.kind(node) == NodeKind::business;
    for (const NodeId seed : select_seeds(g, p, params).seeds)
        CHECK(g.kind(seed) == NodeKind::business);
    params.candidates.clear();

    // A budget is never exceeded.
    for (const double budget : {30.0, 100.0, 600.0}) {
        params.budget = budget;
        const SeedSelectionResult result = select_seeds(g, p, params);
        double spent = 0;
        for (const NodeId seed : result.seeds) spent += g.cost(seed);
        CHECK(spent <= budget);
        CHECK_FALSE(result.seeds.empty());
    }
    params.budget = 0;

    // The value objective reaches at least as much value as the customers objective's seeds.
    params.k = 5;
    const SeedSelectionResult by_customers = select_seeds(g, p, params);
    params.objective = SeedObjective::value;
    const SeedSelectionResult by_value = select_seeds(g, p, params);
    SimulationParams simulation;
    simulation.simulations = 20000;
    const SimulationResult customers_run = simulate(g, p, by_customers.seeds, simulation);
    const SimulationResult value_run = simulate(g, p, by_value.seeds, simulation);
    INFO("value objective " << value_run.expected_value << " vs customers objective "
                            << customers_run.expected_value);
    CHECK(value_run.expected_value >=
          customers_run.expected_value -
              3 * std::hypot(value_run.value_standard_error, customers_run.value_standard_error));
}

TEST_CASE(
    "Baseline strategies follow the same candidate rule: top scores and random picks skip opt-outs",
    "[algorithms][seeds][opt-out]") {
    // Customers 0..5 with opt_out on 1 and 4; scores rank them 1, 4, 0, 3, 5, 2.
    GraphBuilder builder;
    for (const char* id : {"0", "1", "2", "3", "4", "5"}) {
        CustomerRow row;
        row.id = id;
        row.opt_out = std::string(id) == "1" || std::string(id) == "4";
        builder.add_customer(row);
    }
    const InfluenceGraph g = builder.build();
    const std::vector<double> score = {4, 6, 1, 3, 5, 2};
    CHECK_FALSE(may_be_seed(g, {}, 1));
    CHECK(may_be_seed(g, {}, 0));
    CHECK(top_scored_seeds(g, score, 3) == std::vector<NodeId>{0, 3, 5});
    // Fewer than k when fewer may be chosen; a candidate mask narrows them further.
    CHECK(top_scored_seeds(g, score, 10) == std::vector<NodeId>{0, 3, 5, 2});
    const std::vector<std::uint8_t> mask = {1, 1, 1, 0, 1, 1};
    CHECK(top_scored_seeds(g, score, 2, mask) == std::vector<NodeId>{0, 5});
    // Ties: lower NodeId first.
    CHECK(top_scored_seeds(g, std::vector<double>(6, 1.0), 2) == std::vector<NodeId>{0, 2});
    for (std::uint64_t seed = 1; seed <= 20; ++seed) {
        const std::vector<NodeId> picked = random_seeds(g, 3, seed);
        CHECK(picked.size() == 3);
        for (const NodeId node : picked) CHECK_FALSE(g.opt_out(node));
        CHECK(random_seeds(g, 3, seed) == picked);  // the same seed, the same customers
        CHECK(random_seeds(g, 10, seed).size() == 4);
        for (const NodeId node : random_seeds(g, 10, seed, mask)) CHECK(node != 3);
    }
    // Empty graph: nothing to pick. Wrong sizes are usage errors.
    const InfluenceGraph empty = GraphBuilder().build();
    CHECK(top_scored_seeds(empty, {}, 3).empty());
    CHECK(random_seeds(empty, 3, 1).empty());
    CHECK_THROWS_AS(top_scored_seeds(g, std::vector<double>(5, 1.0), 2), UsageError);
    CHECK_THROWS_AS(random_seeds(g, 2, 1, std::vector<std::uint8_t>(5, 1)), UsageError);
}

TEST_CASE("Seed selection is identical at 1 and 2 threads, and works for Linear Threshold",
          "[algorithms][seeds][threads]") {
    const InfluenceGraph g = test::load_shared("email-Enron").graph;
    const std::vector<double> p = edge_probabilities(g, {});
    SeedSelectionParams params;
    params.k = 20;
    params.epsilon = 0.2;
    const int threads = omp_get_max_threads();
    omp_set_num_threads(1);
    const SeedSelectionResult one = select_seeds(g, p, params);
    omp_set_num_threads(std::max(2, threads));
    const SeedSelectionResult two = select_seeds(g, p, params);
    omp_set_num_threads(threads);
    CHECK(one.seeds == two.seeds);
    CHECK(one.estimated_spread == two.estimated_spread);
    CHECK(one.rr_sets == two.rr_sets);
    // Better than the 20 customers with the most out-edges, judged by the same simulator.
    const std::vector<NodeId> by_degree = top_out_degree(g, 20);
    SimulationParams simulation;
    simulation.simulations = 2000;
    CHECK(simulate(g, p, one.seeds, simulation).expected_spread >=
          simulate(g, p, by_degree, simulation).expected_spread);
    params.model = DiffusionModel::linear_threshold;
    params.k = 5;
    CHECK(select_seeds(g, threshold_weights(g), params).seeds.size() == 5);
}

TEST_CASE("Seed selection rejects impossible parameters", "[algorithms][seeds]") {
    const InfluenceGraph g = test::make_graph(3, {{"0", "1"}, {"1", "2"}}, true);
    const std::vector<double> p = {0.5, 0.5};
    const auto rejects = [&](auto change) {
        SeedSelectionParams params;
        params.k = 1;
        change(params);
        CHECK_THROWS_AS(select_seeds(g, p, params), UsageError);
    };
    rejects([](SeedSelectionParams& s) { s.k = 0; });
    rejects([](SeedSelectionParams& s) { s.k = 4; });
    rejects([](SeedSelectionParams& s) { s.epsilon = 0; });
    rejects([](SeedSelectionParams& s) { s.epsilon = 1; });
    rejects([](SeedSelectionParams& s) { s.budget = -1; });
    rejects(
        [](SeedSelectionParams& s) { s.objective = SeedObjective::value; });  // nobody has a value
    SeedSelectionParams params;
    params.k = 1;
    CHECK_THROWS_AS(select_seeds(g, std::vector<double>{0.5, 1.5}, params), UsageError);
}

TEST_CASE("Seed objectives are written customers and value, and read back", "[algorithms][seeds]") {
    for (const SeedObjective objective : {SeedObjective::customers, SeedObjective::value})
        CHECK(parse_seed_objective(to_string(objective)) == objective);
    CHECK(to_string(SeedObjective::customers) == "customers");
    CHECK(to_string(SeedObjective::value) == "value");
    CHECK(SeedSelectionParams{}.objective == SeedObjective::customers);
    CHECK_FALSE(parse_seed_objective("Value").has_value());
    CHECK_FALSE(parse_seed_objective("").has_value());
}

TEST_CASE("CELF over Monte Carlo agrees with reverse-influence sampling on small graphs",
          "[algorithms][seeds][celf]") {
    const InfluenceGraph g = test::load_shared("dolphins").graph;
    const std::vector<double> p = edge_probabilities(g, {});
    SeedSelectionParams params;
    params.k = 3;
    const SeedSelectionResult celf = celf_seeds(g, p, params, 3000);
    const SeedSelectionResult imm = select_seeds(g, p, params);
    REQUIRE(celf.seeds.size() == 3);
    SimulationParams simulation;
    simulation.simulations = 50000;
    simulation.seed = 77;
    const SimulationResult by_celf = simulate(g, p, celf.seeds, simulation);
    const SimulationResult by_imm = simulate(g, p, imm.seeds, simulation);
    CHECK(by_imm.expected_spread >= 0.98 * by_celf.expected_spread);
    CHECK(celf.estimated_spread == Approx(by_celf.expected_spread).epsilon(0.05));
}

TEST_CASE("email-Enron, k = 50, eps = 0.1: seeds reach at least top out-degree's spread",
          "[algorithms][seeds]") {
    const InfluenceGraph g = test::load_shared("email-Enron").graph;
    const std::vector<double> p = edge_probabilities(g, {});
    SeedSelectionParams params;
    params.k = 50;
    params.epsilon = 0.1;
    const SeedSelectionResult chosen = select_seeds(g, p, params);
    REQUIRE(chosen.seeds.size() == 50);
    CHECK(chosen.guarantee_holds);
    const std::vector<NodeId> by_degree = top_out_degree(g, 50);
    SimulationParams simulation;
    simulation.simulations = 1000;
    simulation.seed = 3;
    const SimulationResult ours = simulate(g, p, chosen.seeds, simulation);
    const SimulationResult degree = simulate(g, p, by_degree, simulation);
    INFO("ours " << ours.expected_spread << " vs top degree " << degree.expected_spread);
    CHECK(ours.expected_spread >= degree.expected_spread);
    CHECK(chosen.estimated_spread == Approx(ours.expected_spread).epsilon(0.03));
    // The estimate is as precise as promised (relative standard error at most eps / 4), and the
    // simulation falls within 3 combined standard errors of it.
    CHECK(chosen.estimated_spread_se > 0.0);
    CHECK(chosen.estimated_spread_se <= params.epsilon / 4 * chosen.estimated_spread);
    CHECK(std::abs(chosen.estimated_spread - ours.expected_spread) <=
          3.0 * std::hypot(chosen.estimated_spread_se, ours.standard_error));
}

namespace {
// The first `size` customers a breadth-first search of `g` reaches from its highest-degree
// customer, and the relationships among them: a connected sample that keeps the graph's core.
InfluenceGraph bfs_sample(const InfluenceGraph& g, NodeId size) {
    NodeId start = 0;
    for (NodeId node = 0; node < g.num_nodes(); ++node)
        if (g.out_degree(node) > g.out_degree(start)) start = node;
    std::vector<NodeId> order{start};
    std::vector<std::uint8_t> seen(g.num_nodes(), 0);
    seen[start] = 1;
    for (std::size_t head = 0; head < order.size() && order.size() < size; ++head)
        for (EdgeId e = g.out_offsets()[order[head]];
             e < g.out_offsets()[order[head] + 1] && order.size() < size; ++e)
            if (!seen[g.edge_target(e)]) {
                seen[g.edge_target(e)] = 1;
                order.push_back(g.edge_target(e));
            }
    GraphBuilder builder;
    for (const NodeId node : order) {
        CustomerRow row;
        row.id = g.external_id(node);
        builder.add_customer(row);
    }
    for (const NodeId u : order)
        for (EdgeId e = g.out_offsets()[u]; e < g.out_offsets()[u + 1]; ++e) {
            const NodeId v = g.edge_target(e);
            if (!seen[v] || !(u < v)) continue;  // inside the sample; each undirected pair once
            RelationshipRow row;
            row.source = g.external_id(u);  // views: the full graph outlives the build
            row.target = g.external_id(v);
            row.type = "knows";
            builder.add_relationship(row);
        }
    return builder.build();
}
}  // namespace

TEST_CASE(
    "email-Enron, k = 50, eps = 0.1: on a 5,000-customer sample the seeds reach at least CELF's "
    "spread - 2%",
    "[algorithms][seeds][celf]") {
    const InfluenceGraph full = test::load_shared("email-Enron").graph;
    const InfluenceGraph g = bfs_sample(full, 5000);
    REQUIRE(g.num_nodes() == 5000);
    REQUIRE(g.num_edges() > 50000);  // the sample keeps the dense core
    const std::vector<double> p = edge_probabilities(g, {});
    SeedSelectionParams params;
    params.k = 50;
    params.epsilon = 0.1;
    const SeedSelectionResult chosen = select_seeds(g, p, params);
    const SeedSelectionResult celf = celf_seeds(g, p, params, 500);
    REQUIRE(chosen.seeds.size() == 50);
    REQUIRE(celf.seeds.size() == 50);
    // Both judged by one independent simulation (another seed than either used).
    SimulationParams simulation;
    simulation.simulations = 10000;
    simulation.seed = 99;
    const SimulationResult ours = simulate(g, p, chosen.seeds, simulation);
    const SimulationResult theirs = simulate(g, p, celf.seeds, simulation);
    INFO("ours " << ours.expected_spread << " +- " << ours.standard_error << ", CELF "
                 << theirs.expected_spread << " +- " << theirs.standard_error);
    CHECK(ours.expected_spread >= 0.98 * theirs.expected_spread);
    CHECK(chosen.certified_approximation >= chosen.approximation);
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

std::vector<double> constant_weights(const InfluenceGraph& g, double p) {
    ProbabilityModel model;
    model.kind = ProbabilityModel::Kind::constant;
    model.constant = p;
    return edge_probabilities(g, model);
}

// One customer "0" worth 4 and costing 3; `self_loop` adds a self-loop row, which the builder
// drops.
InfluenceGraph lone_customer(bool opt_out = false, bool self_loop = false) {
    GraphBuilder builder;
    CustomerRow customer;
    customer.id = "0";
    customer.value = 4.0;
    customer.cost = 3.0;
    customer.opt_out = opt_out;
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

SeedSelectionParams params_for(std::uint32_t k, DiffusionModel model) {
    SeedSelectionParams params;
    params.k = k;
    params.model = model;
    params.seed = 5;
    return params;
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

bool distinct(std::vector<NodeId> nodes) {
    std::sort(nodes.begin(), nodes.end());
    return std::adjacent_find(nodes.begin(), nodes.end()) == nodes.end();
}

}  // namespace

TEST_CASE("Seed selection on the empty graph is a usage error, not a crash",
          "[algorithms][seeds][edge-cases]") {
    const InfluenceGraph empty = GraphBuilder().build();
    const std::vector<double> no_weights;
    for (const DiffusionModel model : kBothModels) {
        INFO(model_name(model));
        for (const std::uint32_t k : {0u, 1u, 50u}) {
            INFO("k = " << k);
            CHECK_THROWS_AS(select_seeds(empty, no_weights, params_for(k, model)), UsageError);
            CHECK_THROWS_AS(celf_seeds(empty, no_weights, params_for(k, model), 100), UsageError);
        }
        SeedSelectionParams by_value = params_for(1, model);
        by_value.objective = SeedObjective::value;
        CHECK_THROWS_AS(select_seeds(empty, no_weights, by_value), UsageError);
    }
}

TEST_CASE("Seed selection with one customer: the lone seed reaches exactly 1",
          "[algorithms][seeds][edge-cases]") {
    for (const bool self_loop : {false, true}) {
        const InfluenceGraph g = lone_customer(false, self_loop);
        REQUIRE(g.num_edges() == 0);
        const std::vector<double> no_weights;
        for (const DiffusionModel model : kBothModels) {
            INFO(model_name(model) << (self_loop ? ", with a self-loop row" : ""));
            const SeedSelectionResult result = select_seeds(g, no_weights, params_for(1, model));
            CHECK(result.seeds == std::vector<NodeId>{0});
            CHECK(result.marginal_estimate == std::vector<double>{1.0});
            CHECK(result.estimated_spread == 1.0);  // every RR set is {0}, and 0 covers it
            CHECK(result.rr_sets > 0);
            CHECK(result.rr_entries == result.rr_sets);
            CHECK(result.guarantee_holds);
            CHECK(result.certified_approximation <= 1.0);
            // The value objective: the customer's own value, exactly.
            SeedSelectionParams by_value = params_for(1, model);
            by_value.objective = SeedObjective::value;
            const SeedSelectionResult valued = select_seeds(g, no_weights, by_value);
            CHECK(valued.seeds == std::vector<NodeId>{0});
            CHECK(valued.estimated_spread == 4.0);
            // CELF agrees.
            const SeedSelectionResult celf = celf_seeds(g, no_weights, params_for(1, model), 200);
            CHECK(celf.seeds == std::vector<NodeId>{0});
            CHECK(celf.estimated_spread == 1.0);
            // k larger than the graph, or nobody allowed: usage errors.
            CHECK_THROWS_AS(select_seeds(g, no_weights, params_for(2, model)), UsageError);
            CHECK_THROWS_AS(celf_seeds(g, no_weights, params_for(2, model), 200), UsageError);
            SeedSelectionParams nobody = params_for(1, model);
            nobody.candidates = {0};
            CHECK_THROWS_AS(select_seeds(g, no_weights, nobody), UsageError);
            CHECK_THROWS_AS(celf_seeds(g, no_weights, nobody, 200), UsageError);
        }
    }
    // A lone customer who opted out can never be chosen.
    const InfluenceGraph opted_out = lone_customer(true);
    CHECK_THROWS_AS(select_seeds(opted_out, std::vector<double>{},
                                 params_for(1, DiffusionModel::independent_cascade)),
                    UsageError);
    CHECK_THROWS_AS(celf_seeds(opted_out, std::vector<double>{},
                               params_for(1, DiffusionModel::independent_cascade), 200),
                    UsageError);
}

TEST_CASE("Seed selection with a budget: the lone customer when affordable, an error when not",
          "[algorithms][seeds][edge-cases]") {
    // The customer costs 3.
    const InfluenceGraph g = lone_customer();
    SeedSelectionParams params = params_for(1, DiffusionModel::independent_cascade);
    params.budget = 3.0;
    const SeedSelectionResult affordable = select_seeds(g, std::vector<double>{}, params);
    CHECK(affordable.seeds == std::vector<NodeId>{0});
    CHECK(affordable.estimated_spread == 1.0);
    // Below the only cost the budget buys nobody: a usage error at once, naming the cheapest.
    params.budget = 2.0;
    CHECK_THROWS_WITH(select_seeds(g, std::vector<double>{}, params),
                      "seeds: a budget of 2 buys no customer that may be chosen: the cheapest "
                      "costs 3");
}

TEST_CASE("A budget over customers without costs is refused, not read as every cost 1",
          "[algorithms][seeds][edge-cases]") {
    const InfluenceGraph g = test::make_graph(3, {{"0", "1"}, {"1", "2"}}, true);
    REQUIRE_FALSE(g.has_cost(0));
    SeedSelectionParams params = params_for(1, DiffusionModel::independent_cascade);
    params.budget = 10.0;
    CHECK_THROWS_WITH(select_seeds(g, std::vector<double>{0.5, 0.5}, params),
                      Catch::Contains("no customer has one"));
    params.budget = 0.0;  // no budget: costs do not matter
    CHECK(select_seeds(g, std::vector<double>{0.5, 0.5}, params).seeds.size() == 1);
}

TEST_CASE("Self-loops change nothing in seed selection", "[algorithms][seeds][edge-cases]") {
    // A triangle 0-1-2 and a path 3-4-5 (undirected), once with self-loop rows on 0, 3 and 5.
    const InfluenceGraph with = test::make_graph(6,
                                                 {{"0", "1"},
                                                  {"0", "0"},
                                                  {"1", "2"},
                                                  {"2", "0"},
                                                  {"3", "3"},
                                                  {"3", "4"},
                                                  {"4", "5"},
                                                  {"5", "5"}},
                                                 false);
    const InfluenceGraph without =
        test::make_graph(6, {{"0", "1"}, {"1", "2"}, {"2", "0"}, {"3", "4"}, {"4", "5"}}, false);
    CHECK(with.report().self_loops_dropped == 3);
    REQUIRE(same_structure(with, without));
    for (const DiffusionModel model : kBothModels) {
        INFO(model_name(model));
        const SeedSelectionParams params = params_for(2, model);
        const SeedSelectionResult a = select_seeds(with, default_weights(with, model), params);
        const SeedSelectionResult b =
            select_seeds(without, default_weights(without, model), params);
        CHECK(a.seeds == b.seeds);
        CHECK(a.marginal_estimate == b.marginal_estimate);
        CHECK(a.estimated_spread == b.estimated_spread);
        CHECK(a.rr_sets == b.rr_sets);
        CHECK(a.rr_entries == b.rr_entries);
        CHECK(a.estimated_spread >= 2.0 * 0.9);  // at least the seeds, up to sampling
        const SeedSelectionResult celf_a =
            celf_seeds(with, default_weights(with, model), params, 300);
        const SeedSelectionResult celf_b =
            celf_seeds(without, default_weights(without, model), params, 300);
        CHECK(celf_a.seeds == celf_b.seeds);
        CHECK(celf_a.estimated_spread == celf_b.estimated_spread);
    }
}

TEST_CASE(
    "Zero-probability edges: every RR set is its root alone, and the seeds reach only themselves",
    "[algorithms][seeds][edge-cases]") {
    // A cycle 0 -> 1 -> 2 -> 0 with a tail 2 -> 3 -> 4, and 5 alone; once with probability 0
    // on every edge (IC), once with weight 0 on every relationship (weighted cascade and LT give
    // those 0).
    const InfluenceGraph g =
        test::make_graph(6, {{"0", "1"}, {"1", "2"}, {"2", "0"}, {"2", "3"}, {"3", "4"}}, true);
    const InfluenceGraph weightless = test::make_graph(
        6, {{"0", "1", 0}, {"1", "2", 0}, {"2", "0", 0}, {"2", "3", 0}, {"3", "4", 0}}, true);
    struct Case {
        const char* name;
        const InfluenceGraph& graph;
        std::vector<double> weights;
        DiffusionModel model;
    };
    const Case cases[] = {
        {"IC, constant 0", g, constant_weights(g, 0.0), DiffusionModel::independent_cascade},
        {"IC, zero weights", weightless,
         default_weights(weightless, DiffusionModel::independent_cascade),
         DiffusionModel::independent_cascade},
        {"LT, zero weights", weightless,
         default_weights(weightless, DiffusionModel::linear_threshold),
         DiffusionModel::linear_threshold},
    };
    for (const Case& c : cases) {
        INFO(c.name);
        REQUIRE(c.weights == std::vector<double>(c.graph.num_edges(), 0.0));
        const SeedSelectionResult result = select_seeds(c.graph, c.weights, params_for(2, c.model));
        REQUIRE(result.seeds.size() == 2);
        CHECK(distinct(result.seeds));
        CHECK(result.rr_entries == result.rr_sets);
        // The estimate is unbiased for the 2 seeds' exact spread, 2: within 4 standard errors
        // of a binomial share 2/6 over the R2 sets.
        const double r2_sets = static_cast<double>(result.rr_sets) / 2.0;
        const double standard_error = 6.0 * std::sqrt((2.0 / 6.0) * (4.0 / 6.0) / r2_sets);
        INFO("estimated " << result.estimated_spread << ", standard error " << standard_error);
        CHECK(std::abs(result.estimated_spread - 2.0) <= 4.0 * standard_error);
        // CELF's worlds keep no edge: each seed adds exactly itself.
        const SeedSelectionResult celf =
            celf_seeds(c.graph, c.weights, params_for(2, c.model), 300);
        REQUIRE(celf.seeds.size() == 2);
        CHECK(distinct(celf.seeds));
        CHECK(celf.marginal_estimate == std::vector<double>{1.0, 1.0});
        CHECK(celf.estimated_spread == 2.0);
        // Everyone as a seed reaches everyone, exactly.
        SeedSelectionResult all = select_seeds(c.graph, c.weights, params_for(6, c.model));
        std::sort(all.seeds.begin(), all.seeds.end());
        CHECK(all.seeds == std::vector<NodeId>{0, 1, 2, 3, 4, 5});
        CHECK(all.estimated_spread == 6.0);
    }
}

TEST_CASE("k equal to the number of customers picks everyone, k above it is a usage error",
          "[algorithms][seeds][edge-cases]") {
    const InfluenceGraph g =
        test::make_graph(5, {{"0", "1"}, {"1", "2"}, {"2", "3"}, {"3", "4"}}, false);
    for (const DiffusionModel model : kBothModels) {
        INFO(model_name(model));
        const std::vector<double> weights = model == DiffusionModel::linear_threshold
                                                ? threshold_weights(g)
                                                : constant_weights(g, 0.5);
        SeedSelectionResult result = select_seeds(g, weights, params_for(5, model));
        std::sort(result.seeds.begin(), result.seeds.end());
        CHECK(result.seeds == std::vector<NodeId>{0, 1, 2, 3, 4});
        CHECK(result.estimated_spread == 5.0);  // every RR set holds its root, a seed
        double total = 0.0;
        for (const double gain : result.marginal_estimate) total += gain;
        CHECK(total == Approx(5.0));
        SeedSelectionResult celf = celf_seeds(g, weights, params_for(5, model), 300);
        std::sort(celf.seeds.begin(), celf.seeds.end());
        CHECK(celf.seeds == std::vector<NodeId>{0, 1, 2, 3, 4});
        CHECK(celf.estimated_spread == Approx(5.0));
        CHECK_THROWS_AS(select_seeds(g, weights, params_for(6, model)), UsageError);
        CHECK_THROWS_AS(celf_seeds(g, weights, params_for(6, model), 300), UsageError);
    }
}

TEST_CASE("Once the RR sets are all covered, the remaining seeds come back with gain 0",
          "[algorithms][seeds][edge-cases]") {
    // A directed cycle 0 -> 1 -> 2 -> 0 with certain edges: every RR set is {0, 1, 2} (IC with
    // p = 1, or LT where each node's one in-edge has b = 1). The first seed covers them all; the
    // header promises k seeds anyway, the rest with gain 0.
    const InfluenceGraph cycle = test::make_graph(3, {{"0", "1"}, {"1", "2"}, {"2", "0"}}, true);
    for (const DiffusionModel model : kBothModels) {
        INFO(model_name(model));
        const std::vector<double> weights = model == DiffusionModel::linear_threshold
                                                ? threshold_weights(cycle)
                                                : constant_weights(cycle, 1.0);
        REQUIRE(weights == std::vector<double>(3, 1.0));
        const SeedSelectionResult result = select_seeds(cycle, weights, params_for(2, model));
        REQUIRE(result.seeds.size() == 2);
        CHECK(distinct(result.seeds));
        CHECK(result.marginal_estimate == std::vector<double>{3.0, 0.0});
        CHECK(result.estimated_spread == 3.0);
        CHECK(result.rr_entries == 3 * result.rr_sets);
    }
    // A hub: 3 -> 0 joins the cycle, so 3 is in every RR set (IC, p = 1) and comes first with
    // everyone; the second seed adds nothing.
    const InfluenceGraph hub =
        test::make_graph(4, {{"0", "1"}, {"1", "2"}, {"2", "0"}, {"3", "0"}}, true);
    const SeedSelectionResult result = select_seeds(
        hub, constant_weights(hub, 1.0), params_for(2, DiffusionModel::independent_cascade));
    REQUIRE(result.seeds.size() == 2);
    CHECK(result.seeds[0] == 3);
    CHECK(result.seeds[1] != 3);
    CHECK(result.marginal_estimate == std::vector<double>{4.0, 0.0});
    CHECK(result.estimated_spread == 4.0);
}

TEST_CASE("Seed selection rejects malformed weights with typed errors",
          "[algorithms][seeds][edge-cases]") {
    const InfluenceGraph g = test::make_graph(3, {{"0", "1"}, {"1", "2"}}, true);
    for (const DiffusionModel model : kBothModels) {
        INFO(model_name(model));
        const SeedSelectionParams params = params_for(1, model);
        CHECK_THROWS_AS(select_seeds(g, std::vector<double>{-0.1, 0.5}, params), UsageError);
        CHECK_THROWS_AS(select_seeds(g, std::vector<double>{std::nan(""), 0.5}, params),
                        UsageError);
        // One weight per edge is the caller's duty: a bug, not bad input.
        CHECK_THROWS_AS(select_seeds(g, std::vector<double>{0.5}, params), InternalError);
        CHECK_THROWS_AS(celf_seeds(g, std::vector<double>{0.5}, params, 100), InternalError);
    }
}

TEST_CASE("CELF rejects probabilities outside [0, 1] as select_seeds does",
          "[algorithms][seeds][edge-cases][celf]") {
    // errors.hpp: a probability of 2 is a UsageError, for the CELF cross-check as for OPIM-C.
    const InfluenceGraph g = test::make_graph(3, {{"0", "1"}, {"1", "2"}}, true);
    const SeedSelectionParams params = params_for(1, DiffusionModel::independent_cascade);
    CHECK_THROWS_AS(celf_seeds(g, std::vector<double>{1.5, 0.5}, params, 100), UsageError);
    CHECK_THROWS_AS(celf_seeds(g, std::vector<double>{-0.5, 0.5}, params, 100), UsageError);
    CHECK_THROWS_AS(celf_seeds(g, std::vector<double>{std::nan(""), 0.5}, params, 100), UsageError);
}
