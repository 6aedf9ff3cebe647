// The reverse sampler's two ways of drawing Independent Cascade RR sets: one at a time (draw) and
// several at once (draw_many, which seed selection and network value use). They must give the
// same sets, in the same order, whatever the sets' sizes and wherever the range starts.
#include "reverse_sampler.hpp"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "catena/algorithms/customer_value.hpp"
#include "catena/algorithms/propagation.hpp"
#include "catena/algorithms/seed_selection.hpp"
#include "catena/graph/errors.hpp"
#include "catena/graph/graph_builder.hpp"

#include "test_graphs.hpp"

using namespace catena;

namespace {

// Sets first .. last-1 drawn one at a time, each from stream (seed, index) with a uniform root.
std::vector<std::vector<NodeId>> one_at_a_time(const ReverseSampler& sampler, NodeId n,
                                               std::uint64_t seed, std::uint64_t first,
                                               std::uint64_t last) {
    ReverseSampler::Scratch scratch(n);
    std::vector<std::vector<NodeId>> sets;
    std::vector<NodeId> members;
    for (std::uint64_t index = first; index < last; ++index) {
        RandomStream random = RandomStream::for_index(seed, index);
        sampler.draw(static_cast<NodeId>(random.below(n)), random, scratch, members);
        sets.push_back(members);
    }
    return sets;
}

// The same sets through draw_many, reusing `lanes` as a thread does from call to call.
std::vector<std::vector<NodeId>> many_at_once(const ReverseSampler& sampler, NodeId n,
                                              std::uint64_t seed, std::uint64_t first,
                                              std::uint64_t last, ReverseSampler::Lanes& lanes) {
    std::vector<std::vector<NodeId>> sets;
    sampler.draw_many(
        first, last, [&](std::uint64_t index) { return RandomStream::for_index(seed, index); },
        [&](RandomStream& random) { return static_cast<NodeId>(random.below(n)); }, lanes,
        [&](std::span<const NodeId> members) {
            sets.emplace_back(members.begin(), members.end());
        });
    return sets;
}

// A chain 0 -> 1 -> ... -> 599 whose edges always pass (a set rooted at i holds i + 1 customers,
// so long sets finish long after short ones drawn beside them), and 400 customers with a few
// weak in-edges each (short sets, many of a single customer).
InfluenceGraph chain_and_crowd() {
    GraphBuilder builder;
    constexpr int kChain = 600, kCrowd = 400;
    std::vector<std::string> ids;  // the rows hold views of them
    for (int node = 0; node < kChain + kCrowd; ++node) ids.push_back(std::to_string(node));
    for (const std::string& id : ids) {
        CustomerRow row;
        row.id = id;
        builder.add_customer(row);
    }
    const auto arc = [&](int source, int target, double probability) {
        RelationshipRow row;
        row.source = ids[static_cast<std::size_t>(source)];
        row.target = ids[static_cast<std::size_t>(target)];
        row.type = "influences";
        row.probability = probability;
        builder.add_relationship(row);
    };
    for (int node = 0; node + 1 < kChain; ++node) arc(node, node + 1, 1.0);
    for (int node = kChain; node < kChain + kCrowd; ++node)
        for (int step = 1; step <= 3; ++step)
            arc((node * 7 + step * 131) % (kChain + kCrowd), node, 0.2 * step);
    return builder.build();
}

}  // namespace

TEST_CASE("Drawing several RR sets at once gives the sets drawn one at a time, in order",
          "[algorithms][seeds][sampler]") {
    SECTION("long and short sets side by side") {
        const InfluenceGraph g = chain_and_crowd();
        ProbabilityModel model;
        model.kind = ProbabilityModel::Kind::column;
        const std::vector<double> p = edge_probabilities(g, model);
        ReverseSampler sampler(g, p, DiffusionModel::independent_cascade);
        sampler.use_lanes(true);  // a small graph would be drawn one set at a time
        const NodeId n = g.num_nodes();
        ReverseSampler::Lanes lanes(n);
        const auto expected = one_at_a_time(sampler, n, 11, 5, 3005);
        std::size_t longest = 0;
        for (const auto& set : expected) longest = std::max(longest, set.size());
        REQUIRE(longest > 500);  // the chain's long sets are there
        CHECK(many_at_once(sampler, n, 11, 5, 3005, lanes) == expected);
        // Fewer sets than lanes, one set, none: the lanes left over stay idle.
        CHECK(many_at_once(sampler, n, 11, 5, 8, lanes) == one_at_a_time(sampler, n, 11, 5, 8));
        CHECK(many_at_once(sampler, n, 11, 40, 41, lanes) == one_at_a_time(sampler, n, 11, 40, 41));
        CHECK(many_at_once(sampler, n, 11, 7, 7, lanes).empty());
        // One set at a time, as a graph that fits in the cache is drawn: the same sets.
        sampler.use_lanes(false);
        CHECK(many_at_once(sampler, n, 11, 5, 3005, lanes) == expected);
    }
    SECTION("email-Enron, weighted cascade") {
        const InfluenceGraph g = test::load_shared("email-Enron").graph;
        const std::vector<double> p = edge_probabilities(g, {});
        ReverseSampler sampler(g, p, DiffusionModel::independent_cascade);
        const NodeId n = g.num_nodes();
        ReverseSampler::Lanes lanes(n);
        for (const bool use_lanes : {true, false}) {
            sampler.use_lanes(use_lanes);
            for (const std::uint64_t first : {std::uint64_t{0}, std::uint64_t{1} << 62}) {
                const auto expected = one_at_a_time(sampler, n, 3, first, first + 4000);
                CHECK(many_at_once(sampler, n, 3, first, first + 4000, lanes) == expected);
            }
        }
    }
}

namespace {

// The RR set of `root` keyed `key`, grown last in, first out (depth first) through
// kept_sources: another order than draw()'s breadth first one. Sorted.
std::vector<NodeId> grown_depth_first(const ReverseSampler& sampler, NodeId n, NodeId root,
                                      std::uint64_t key) {
    std::vector<char> in_set(n, 0);
    std::vector<NodeId> stack{root}, members{root};
    in_set[root] = 1;
    while (!stack.empty()) {
        const NodeId v = stack.back();
        stack.pop_back();
        sampler.kept_sources(key, v, [&](NodeId u) {
            if (in_set[u]) return;
            in_set[u] = 1;
            members.push_back(u);
            stack.push_back(u);
        });
    }
    std::sort(members.begin(), members.end());
    return members;
}

}  // namespace

TEST_CASE("An RR set does not depend on the order its members are visited in",
          "[algorithms][seeds][sampler]") {
    // The draws at each member come from a stream keyed by (set, member), so a set grown depth
    // first (or a frontier at a time, across machines) equals draw()'s breadth-first set.
    const auto check = [](const InfluenceGraph& g, const std::vector<double>& p) {
        const ReverseSampler sampler(g, p, DiffusionModel::independent_cascade);
        const NodeId n = g.num_nodes();
        ReverseSampler::Scratch scratch(n);
        std::vector<NodeId> members;
        std::size_t larger = 0;
        for (std::uint64_t index = 0; index < 3000; ++index) {
            RandomStream random = RandomStream::for_index(5, index);
            const auto root = static_cast<NodeId>(random.below(n));
            RandomStream copy = random;
            sampler.draw(root, random, scratch, members);
            const std::uint64_t key = ReverseSampler::set_key(copy);
            std::sort(members.begin(), members.end());
            INFO("set " << index);
            REQUIRE(grown_depth_first(sampler, n, root, key) == members);
            larger += members.size() > 2;
        }
        CHECK(larger > 300);  // sets with branches, where the orders differ
    };
    SECTION("email-Enron, weighted cascade (geometric skips, unequal in-edges)") {
        const InfluenceGraph g = test::load_shared("email-Enron").graph;
        check(g, edge_probabilities(g, {}));
    }
    SECTION("long chains and a crowd of weak in-edges, stated probabilities") {
        const InfluenceGraph g = chain_and_crowd();
        ProbabilityModel model;
        model.kind = ProbabilityModel::Kind::column;
        check(g, edge_probabilities(g, model));
    }
    SECTION("a probability of 1 and of 0.5 on every edge (a coin per in-edge, no skips)") {
        const InfluenceGraph g = test::load_shared("karate").graph;
        for (const double probability : {1.0, 0.5}) {
            ProbabilityModel model;
            model.kind = ProbabilityModel::Kind::constant;
            model.constant = probability;
            check(g, edge_probabilities(g, model));
        }
    }
}

namespace {

// 3,000 customers, each with 0 to 11 in-edges of unequal weights (some 0), as undirected and
// directed rows: customers whose in-edges differ, share one weight, all weigh 0, or have none.
InfluenceGraph unequal_weights(bool one_way = true) {
    GraphBuilder builder;
    constexpr int kNodes = 3000;
    std::vector<std::string> ids;
    for (int node = 0; node < kNodes; ++node) ids.push_back("c" + std::to_string(node));
    for (const std::string& id : ids) {
        CustomerRow row;
        row.id = id;
        builder.add_customer(row);
    }
    for (int node = 0; node < kNodes; ++node)
        for (int step = 0; step < node % 12; ++step) {
            RelationshipRow row;
            row.source = ids[static_cast<std::size_t>((node * 31 + step * 977 + 5) % kNodes)];
            row.target = ids[static_cast<std::size_t>(node)];
            row.type = step % 3 == 0 || !one_way ? "knows" : "influences";
            row.weight = node % 7 == 0 ? 2.0 : node % 11 == 0 ? 0.0 : 0.5 * ((node + step) % 5);
            builder.add_relationship(row);
        }
    return builder.build();
}

}  // namespace

TEST_CASE("The weighted cascade worked out by the sampler gives the stated probabilities' results",
          "[algorithms][seeds][sampler]") {
    // With one-way relationships the in-edges' strengths are gathered by edge id; with only two-way
    // ones (merged pairs among them) the graph is mirrored and they are read from the out-edges.
    for (const bool one_way : {true, false}) {
        CAPTURE(one_way);
        const InfluenceGraph g = unequal_weights(one_way);
        REQUIRE(g.mirrored() == !one_way);
        REQUIRE(g.report().merged_edges > 0);
        const NodeId n = g.num_nodes();
        for (const bool weighted : {true, false}) {
            CAPTURE(weighted);
            ProbabilityModel model;
            model.weighted = weighted;
            const std::vector<double> stated = edge_probabilities(g, model);
            const DiffusionWeights derived = DiffusionWeights::weighted_cascade(weighted);
            const ReverseSampler from_stated(g, stated, DiffusionModel::independent_cascade);
            const ReverseSampler from_strengths(g, derived, DiffusionModel::independent_cascade);
            const auto expected = one_at_a_time(from_stated, n, 7, 0, 20000);
            std::size_t longest = 0;
            for (const auto& set : expected) longest = std::max(longest, set.size());
            REQUIRE(longest > 3);  // the sets go beyond their roots
            CHECK(one_at_a_time(from_strengths, n, 7, 0, 20000) == expected);

            SeedSelectionParams params;
            params.k = 10;
            const SeedSelectionResult a = select_seeds(g, stated, params);
            const SeedSelectionResult b = select_seeds(g, derived, params);
            CHECK(a.seeds == b.seeds);
            CHECK(a.estimated_spread == b.estimated_spread);
            CHECK(a.rr_sets == b.rr_sets);

            NetworkValueParams value;
            value.rr_sets = 20000;
            const std::vector<double> own(n, 1.0);
            CHECK(network_value(g, stated, own, value).network_value ==
                  network_value(g, derived, own, value).network_value);
        }
    }
    // Linear Threshold reads its weights as stated; a derived set is a programming error.
    const InfluenceGraph g = unequal_weights();
    SeedSelectionParams lt;
    lt.model = DiffusionModel::linear_threshold;
    CHECK_THROWS_AS(select_seeds(g, DiffusionWeights::weighted_cascade(true), lt), InternalError);
    CHECK_THROWS_AS(ReverseSampler(g, DiffusionWeights::weighted_cascade(true),
                                   DiffusionModel::linear_threshold),
                    InternalError);
}

namespace {

// Customer 0 with an in-edge of each probability in `p`, from customers 1, 2, ... (none of which
// has an in-edge of its own): an RR set rooted at 0 is 0 and the customers whose in-edge it keeps.
InfluenceGraph star_into_zero(const std::vector<double>& p) {
    GraphBuilder builder;
    std::vector<std::string> ids;  // the rows hold views of them
    for (std::size_t node = 0; node <= p.size(); ++node) ids.push_back("s" + std::to_string(node));
    for (const std::string& id : ids) {
        CustomerRow row;
        row.id = id;
        builder.add_customer(row);
    }
    for (std::size_t i = 0; i < p.size(); ++i) {
        RelationshipRow row;
        row.source = ids[i + 1];
        row.target = ids[0];
        row.type = "influences";
        row.probability = p[i];
        builder.add_relationship(row);
    }
    return builder.build();
}

}  // namespace

TEST_CASE("Each in-edge is kept with its own probability, independently, whichever way it is drawn",
          "[algorithms][seeds][sampler]") {
    struct Case {
        const char* name;
        std::vector<double> p;
        int way;  // the sign of Node::gauge: 1 cumulative, -1 skips, 0 a coin per in-edge
    };
    std::vector<Case> cases;
    cases.push_back({"cumulative: few in-edges of unequal probabilities (one 0)",
                     {0.3, 0.05, 0.5, 0.01, 0.2, 0.0, 0.12, 0.07, 0.4, 0.15},
                     1});
    std::vector<double> unequal, equal(150, 0.01), strong(60, 0.7);
    for (int i = 0; i < 150; ++i) unequal.push_back(0.002 + 0.0002 * (i % 50));
    cases.push_back({"skips: many in-edges of unequal probabilities", unequal, -1});
    cases.push_back({"skips: many in-edges of one probability", equal, -1});
    cases.push_back({"coins: a probability of 1 among others", {0.3, 1.0, 0.6, 0.05}, 0});
    cases.push_back({"coins: none kept has a chance below a float's reach", strong, 0});
    constexpr int kDraws = 200000;
    for (const Case& c : cases) {
        INFO(c.name);
        const InfluenceGraph g = star_into_zero(c.p);
        ProbabilityModel model;
        model.kind = ProbabilityModel::Kind::column;
        const std::vector<double> stated = edge_probabilities(g, model);
        const ReverseSampler sampler(g, stated, DiffusionModel::independent_cascade);
        const NodeId n = g.num_nodes();
        const float gauge = sampler.record_of(0).gauge;
        REQUIRE((gauge > 0.0f ? 1 : gauge < 0.0f ? -1 : 0) == c.way);
        // The probability of each in-neighbour's in-edge, by customer.
        std::vector<double> p(n, 0.0);
        for (NodeId source = 1; source < n; ++source)
            for (EdgeId e = g.out_offsets()[source]; e < g.out_offsets()[source + 1]; ++e)
                p[source] = stated[e];
        std::vector<int> kept(n, 0);
        int both = 0;  // sets that keep customers 1 and 3: independent draws
        ReverseSampler::Scratch scratch(n);
        std::vector<NodeId> members;
        for (int draw = 0; draw < kDraws; ++draw) {
            RandomStream random = RandomStream::for_index(17, static_cast<std::uint64_t>(draw));
            sampler.draw(0, random, scratch, members);
            bool one = false, three = false;
            for (const NodeId member : members) {
                ++kept[member];
                one = one || member == 1;
                three = three || member == 3;
            }
            both += one && three;
        }
        REQUIRE(kept[0] == kDraws);
        const auto close = [&](double count, double probability) {
            const double sd = std::sqrt(probability * (1.0 - probability) / kDraws);
            return std::abs(count / kDraws - probability) <= 5.0 * sd + 1e-12;
        };
        for (NodeId source = 1; source < n; ++source) {
            CAPTURE(source, p[source], kept[source]);
            CHECK(close(kept[source], p[source]));
        }
        CAPTURE(both, p[1] * p[3]);
        CHECK(close(both, p[1] * p[3]));
    }
}
