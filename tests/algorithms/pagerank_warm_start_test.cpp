// PageRank started from a given vector (PageRankParams::initial), as the weekly batch starts it
// from last week's scores: the same fixed point as a cold start, in fewer iterations.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>

#include "catena/algorithms/pagerank.hpp"
#include "catena/graph/errors.hpp"

#include "test_graphs.hpp"
#include <omp.h>

using namespace catena;

namespace {

double l1_distance(const std::vector<double>& a, const std::vector<double>& b) {
    double sum = 0.0;
    for (std::size_t node = 0; node < a.size(); ++node) sum += std::abs(a[node] - b[node]);
    return sum;
}

// How far two runs that both stopped by the tolerance may lie apart, in L1. One iteration G is a
// contraction by d in L1 (G x - G y = d W (x - y) with W column-stochastic, for distributions x,
// y), so a run stopping at x_k with |x_k - x_(k-1)| < tol is within d / (1 - d) * tol of the fixed
// point x*: |x_k - x*| <= d |x_(k-1) - x*| <= d (tol + |x_k - x*|). Two such runs are within
// twice that of each other: 1.13e-9 at the defaults (d = 0.85, tol = 1e-10), which bounds every
// single score too. 1e-12 more covers the rounding of the sweeps (each ~1e-16 per score here).
double fixed_point_bound(const PageRankParams& params) {
    return 2.0 * params.damping / (1.0 - params.damping) * params.tolerance + 1e-12;
}

// One path through pagerank(): the walk's direction picks the layout it pulls over (in-edges or
// out-edges, strengths copied or read in place), `weighted` the kernel, `personalised` the
// teleport distribution that dangling nodes and the cold start use.
struct Path {
    RankDirection direction;
    bool weighted;
    bool personalised;
};

const Path kPaths[] = {
    {RankDirection::influence, true, false}, {RankDirection::influence, false, false},
    {RankDirection::authority, true, false}, {RankDirection::authority, false, false},
    {RankDirection::influence, true, true},  {RankDirection::influence, false, true},
    {RankDirection::authority, true, true},  {RankDirection::authority, false, true},
};

// Teleport weights taken from the customer id (its last digit, else 1), so that a customer keeps
// its weight when the graph around it grows; ids ending in 0 get none.
std::vector<double> personalization_of(const InfluenceGraph& graph) {
    std::vector<double> weights(graph.num_nodes());
    for (NodeId node = 0; node < graph.num_nodes(); ++node) {
        const char last = graph.external_id(node).back();
        weights[node] = (last >= '0' && last <= '9') ? last - '0' : 1.0;
    }
    return weights;
}

PageRankParams params_for(const Path& path, const InfluenceGraph& graph) {
    PageRankParams params;
    params.direction = path.direction;
    params.weighted = path.weighted;
    if (path.personalised) params.personalization = personalization_of(graph);
    return params;
}

std::string describe(const Path& path) {
    return std::string(to_string(path.direction)) +
           (path.weighted ? ", weighted" : ", unweighted") +
           (path.personalised ? ", personalised" : ", uniform teleport");
}

// Next week's graph: `base` edge for edge (each as a directed row, so the walk sees the same
// edges and strengths), `extra_edges` random edges among its customers with strengths 0.5 .. 3
// (so that the weighted kernel has weights to use), and `new_customers` customers joined by one
// edge each. The even new ones only influence, so they are dangling in the influence walk (which
// runs against the edges); the odd ones are only influenced: dangling in the authority walk.
InfluenceGraph grow(const InfluenceGraph& base, std::size_t extra_edges, int new_customers) {
    std::mt19937_64 random(20240607);  // fixed: the same graph on every run and platform
    std::vector<std::string> ids;
    for (NodeId node = 0; node < base.num_nodes(); ++node) ids.emplace_back(base.external_id(node));
    for (int customer = 0; customer < new_customers; ++customer)
        ids.push_back("new-" + std::to_string(customer));
    GraphBuilder builder;
    for (const std::string& id : ids) {
        CustomerRow row;
        row.id = id;
        builder.add_customer(row);
    }
    const auto add = [&](const std::string& source, const std::string& target, double weight) {
        RelationshipRow row;
        row.source = source;
        row.target = target;
        row.type = "influences";  // directed, strength 1: the row's weight is the edge's strength
        row.weight = weight;
        builder.add_relationship(row);
    };
    const auto offsets = base.out_offsets();
    for (NodeId source = 0; source < base.num_nodes(); ++source)
        for (EdgeId edge = offsets[source]; edge < offsets[source + 1]; ++edge)
            add(ids[source], ids[base.edge_target(edge)], base.strength(edge));
    const NodeId old_customers = base.num_nodes();
    for (std::size_t added = 0; added < extra_edges; ++added) {
        const NodeId source = static_cast<NodeId>(random() % old_customers);
        const NodeId target = static_cast<NodeId>(random() % old_customers);
        if (source != target)
            add(ids[source], ids[target], 0.5 * static_cast<double>(1 + random() % 6));
    }
    for (int customer = 0; customer < new_customers; ++customer) {
        const std::string& old_customer = ids[random() % old_customers];
        const std::string& new_customer = ids[old_customers + customer];
        if (customer % 2 == 0)
            add(new_customer, old_customer, 1.0);
        else
            add(old_customer, new_customer, 1.0);
    }
    return builder.build();
}

// What the weekly batch does before it calls pagerank(): last week's score for every customer
// still there, 1/n (n = last week's customers) for a new one; not normalised.
std::vector<double> carry_over(const InfluenceGraph& last_week, const std::vector<double>& scores,
                               const InfluenceGraph& this_week) {
    std::vector<double> initial(this_week.num_nodes());
    for (NodeId node = 0; node < this_week.num_nodes(); ++node) {
        const auto before = last_week.find(this_week.external_id(node));
        initial[node] = before ? scores[*before] : 1.0 / last_week.num_nodes();
    }
    return initial;
}

}  // namespace

TEST_CASE("PageRank warm-started from last week's scores converges sooner to the same scores",
          "[algorithms][pagerank][warm]") {
    const InfluenceGraph last_week = test::load_shared("email-Enron").graph;
    // 1% more edges and 40 new customers. Random edges are a rougher change than a real week's
    // (they land on many customers of degree 1 or 2 and double their degree): the start is
    // 0.04-0.05 from this week's scores in L1 against 0.8-0.9 for the cold start, and the warm run
    // needs about 10 iterations fewer (101-103 against 112-119). With the same edges and only the
    // new customers it needs 30-40 fewer.
    const InfluenceGraph this_week = grow(last_week, last_week.num_edges() / 100, 40);
    REQUIRE(this_week.num_nodes() == last_week.num_nodes() + 40);
    for (const Path& path : kPaths) {
        INFO(describe(path));
        const PageRankResult before = pagerank(last_week, params_for(path, last_week));
        REQUIRE(before.converged);
        const PageRankResult cold = pagerank(this_week, params_for(path, this_week));
        PageRankParams warm_params = params_for(path, this_week);
        warm_params.initial = carry_over(last_week, before.scores, this_week);
        const PageRankResult warm = pagerank(this_week, warm_params);
        INFO("cold " << cold.iterations << " iterations, warm " << warm.iterations);
        CHECK(cold.converged);
        CHECK(warm.converged);
        CHECK(warm.iterations < cold.iterations);
        // Not the same bits (the runs take different paths to the fixed point), but the same fixed
        // point to within what the tolerance allows; see fixed_point_bound.
        CHECK(l1_distance(warm.scores, cold.scores) <= fixed_point_bound(warm_params));
        CHECK(std::accumulate(warm.scores.begin(), warm.scores.end(), 0.0) ==
              Approx(1.0).epsilon(1e-12));
    }
}

TEST_CASE("PageRank warm-started at its fixed point stops after one iteration",
          "[algorithms][pagerank][warm]") {
    SECTION("real graphs, every path") {
        // karate: unweighted; lesmis: weighted; polblogs: directed, with dangling nodes.
        for (const auto& [name, directed] : {std::pair{"karate", false}, std::pair{"lesmis", false},
                                             std::pair{"polblogs", true}}) {
            const InfluenceGraph graph = test::load_shared(name, directed).graph;
            for (const Path& path : kPaths) {
                INFO(name << ": " << describe(path));
                const PageRankParams params = params_for(path, graph);
                const PageRankResult cold = pagerank(graph, params);
                REQUIRE(cold.converged);
                // The cold run stopped with a change below the tolerance; one more iteration
                // changes the scores by at most d times that (the contraction), so the warm run
                // stops after its first.
                PageRankParams warm_params = params;
                warm_params.initial = cold.scores;
                const PageRankResult warm = pagerank(graph, warm_params);
                CHECK(warm.converged);
                CHECK(warm.iterations == 1);
                CHECK(warm.last_change <= params.damping * cold.last_change + 1e-15);
                CHECK(l1_distance(warm.scores, cold.scores) < params.tolerance);
            }
        }
    }
    SECTION("by hand: two nodes and a dangling one") {
        // 0 -> 1, authority direction, d = 0.85 (pagerank_test.cpp derives it):
        //   x1 = 0.925 / 1.425,  x0 = 0.5 / 1.425.
        const InfluenceGraph graph = test::make_graph(2, {{"0", "1"}}, true);
        PageRankParams params;
        params.direction = RankDirection::authority;
        params.initial = {0.5 / 1.425, 0.925 / 1.425};
        const PageRankResult result = pagerank(graph, params);
        CHECK(result.converged);
        CHECK(result.iterations == 1);
        CHECK(result.last_change < 1e-15);  // rounding only
        CHECK(result.scores[0] == Approx(0.5 / 1.425).epsilon(1e-14));
        CHECK(result.scores[1] == Approx(0.925 / 1.425).epsilon(1e-14));
    }
}

TEST_CASE("PageRank normalises the starting vector", "[algorithms][pagerank][warm]") {
    const InfluenceGraph graph = test::load_shared("karate").graph;
    const NodeId n = graph.num_nodes();
    std::vector<double> raw(n);
    for (NodeId node = 0; node < n; ++node) raw[node] = 1.0 + node % 7;
    const double sum = std::accumulate(raw.begin(), raw.end(), 0.0);
    for (const Path& path : kPaths) {
        INFO(describe(path));
        PageRankParams params = params_for(path, graph);
        params.initial = raw;
        for (double& score : params.initial) score /= sum;
        const PageRankResult normalised = pagerank(graph, params);
        CHECK(normalised.converged);

        // A power of two scales every value and the total exactly: the same bits throughout.
        params.initial = raw;
        for (double& score : params.initial) score *= 1024.0;
        const PageRankResult scaled = pagerank(graph, params);
        CHECK(scaled.iterations == normalised.iterations);
        CHECK(scaled.scores == normalised.scores);

        // Other scales, down to the very small and up to the very large, may round the start
        // differently in the last bit (~1e-17 a score); the iteration does not let that grow.
        for (const double scale : {1.0, 3.7, 1e-300, 1e300}) {
            INFO("scale " << scale);
            params.initial = raw;
            for (double& score : params.initial) score *= scale;
            const PageRankResult result = pagerank(graph, params);
            CHECK(result.iterations == normalised.iterations);
            for (NodeId node = 0; node < n; ++node)
                CHECK(result.scores[node] == Approx(normalised.scores[node]).margin(1e-15));
        }
    }
}

TEST_CASE("PageRank rejects impossible starting vectors", "[algorithms][pagerank][warm]") {
    const InfluenceGraph graph = test::make_graph(3, {{"0", "1"}}, true);
    const auto rejects = [&](std::vector<double> initial, const char* message) {
        INFO(message);
        PageRankParams params;
        params.initial = std::move(initial);
        CHECK_THROWS_AS(pagerank(graph, params), UsageError);
        CHECK_THROWS_WITH(pagerank(graph, params), Catch::Contains(message));
    };
    const double inf = std::numeric_limits<double>::infinity();
    const double nan = std::numeric_limits<double>::quiet_NaN();
    rejects({1, 1}, "has 2 entries for 3 customers");
    rejects({1, 1, 1, 1}, "has 4 entries for 3 customers");
    rejects({1, -1, 1}, "must be finite and >= 0");
    rejects({1, nan, 1}, "must be finite and >= 0");
    rejects({1, inf, 1}, "must be finite and >= 0");
    rejects({0, 0, 0}, "all 0");
    rejects({-0.0, 0, -0.0}, "all 0");
    // Each value finite, the total not: normalising would divide by infinity.
    rejects({1e308, 1e308, 0}, "more than a double can hold");
    PageRankParams one_entry;
    one_entry.initial = {1};
    CHECK_THROWS_AS(pagerank(InfluenceGraph(), one_entry), UsageError);
}

TEST_CASE("PageRank warm start edge cases", "[algorithms][pagerank][warm]") {
    SECTION("empty graph, empty start") {
        const PageRankResult result = pagerank(InfluenceGraph(), PageRankParams{});
        CHECK(result.scores.empty());
        CHECK(result.converged);
    }
    SECTION("one node") {
        PageRankParams params;
        params.initial = {7};
        const PageRankResult result = pagerank(test::make_graph(1, {}, true), params);
        REQUIRE(result.scores.size() == 1);
        CHECK(result.scores[0] == 1.0);
        CHECK(result.iterations == 1);
    }
    SECTION("no edges at all: the teleport distribution, whatever the start") {
        // Every node is dangling, so the first iteration hands all rank to the teleport: the
        // second changes nothing.
        PageRankParams params;
        params.personalization = {1, 3};
        params.initial = {1, 0};
        const PageRankResult result = pagerank(test::make_graph(2, {}, true), params);
        CHECK(result.scores[0] == Approx(0.25));
        CHECK(result.scores[1] == Approx(0.75));
        CHECK(result.iterations == 2);
    }
    SECTION("disconnected parts and zero weights: a start on one part reaches the other") {
        // 0 <-> 1 and 2 <-> 3 (undirected), 4 -> 0 with weight 0 (4 is dangling), and a self-loop
        // on 3 the builder drops. All the starting rank sits on 0 and 1; the teleport carries it
        // over to 2, 3 and 4, and the fixed point is the cold start's.
        const InfluenceGraph graph =
            test::make_graph(5, {{"0", "1"}, {"2", "3"}, {"4", "0", 0}, {"3", "3"}}, false);
        for (const Path& path : kPaths) {
            INFO(describe(path));
            PageRankParams params = params_for(path, graph);
            const PageRankResult cold = pagerank(graph, params);
            params.initial = {1, 1, 0, 0, 0};
            const PageRankResult warm = pagerank(graph, params);
            CHECK(cold.converged);
            CHECK(warm.converged);
            CHECK(l1_distance(warm.scores, cold.scores) <= fixed_point_bound(params));
        }
    }
}

TEST_CASE("PageRank warm-started gives identical scores at 1 and 2 threads",
          "[algorithms][pagerank][warm][threads]") {
    const InfluenceGraph graph = test::load_shared("email-Enron").graph;
    PageRankParams params;
    params.initial.resize(graph.num_nodes());
    for (NodeId node = 0; node < graph.num_nodes(); ++node)
        params.initial[node] = 1.0 + static_cast<double>(graph.out_degree(node));
    const int threads = omp_get_max_threads();
    omp_set_num_threads(1);
    const PageRankResult one = pagerank(graph, params);
    omp_set_num_threads(std::max(2, threads));
    const PageRankResult two = pagerank(graph, params);
    omp_set_num_threads(threads);
    CHECK(one.iterations == two.iterations);
    CHECK(one.scores == two.scores);
}
