// The reverse sampler's two ways of drawing Independent Cascade RR sets: one at a time (draw) and
// several at once (draw_many, which seed selection and network value use). They must give the
// same sets, in the same order, whatever the sets' sizes and wherever the range starts.
#include "reverse_sampler.hpp"

#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "catena/algorithms/propagation.hpp"
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
        const ReverseSampler sampler(g, p, DiffusionModel::independent_cascade);
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
    }
    SECTION("email-Enron, weighted cascade") {
        const InfluenceGraph g = test::load_shared("email-Enron").graph;
        const std::vector<double> p = edge_probabilities(g, {});
        const ReverseSampler sampler(g, p, DiffusionModel::independent_cascade);
        const NodeId n = g.num_nodes();
        ReverseSampler::Lanes lanes(n);
        for (const std::uint64_t first : {std::uint64_t{0}, std::uint64_t{1} << 62}) {
            const auto expected = one_at_a_time(sampler, n, 3, first, first + 4000);
            CHECK(many_at_once(sampler, n, 3, first, first + 4000, lanes) == expected);
        }
    }
}
