#include "catena/samples/generator.hpp"

#include <map>
#include <unordered_map>

#include <catch2/catch.hpp>

#include "catena/graph/errors.hpp"
#include "catena/loaders/csv_reader.hpp"
#include "catena/loaders/load.hpp"

#include "test_util.hpp"

using namespace catena;

namespace {
const char* const kFiles[] = {"customers.csv",    "relationships.csv", "referrals.csv",
                              "transactions.csv", "communities.csv",   "edges.csv"};
}

TEST_CASE("Generator: the same seed gives byte-identical files, another seed does not",
          "[samples][generator]") {
    test::ScratchDir scratch;
    GeneratorParams params;
    params.customers = 3000;
    params.edge_list = true;
    generate(params, scratch / "a");
    generate(params, scratch / "b");
    params.seed = 2;
    generate(params, scratch / "c");
    for (const char* file : kFiles) {
        INFO(file);
        const std::string a = test::read_file(scratch / "a" / file);
        CHECK(a.size() > 100);
        CHECK(a == test::read_file(scratch / "b" / file));
        CHECK(a != test::read_file(scratch / "c" / file));
    }
}

TEST_CASE("Generator: output passes the loaders and has the planted structure",
          "[samples][generator]") {
    test::ScratchDir scratch;
    GeneratorParams params;
    params.customers = 20000;
    params.mixing = 0.3;
    params.edge_list = true;
    const GeneratorSummary summary = generate(params, scratch.path());

    InputSource folder;
    folder.data_dir = scratch.path();
    const Dataset data = load_dataset(folder, {});
    const InfluenceGraph& g = data.graph;
    REQUIRE(g.num_nodes() == params.customers);
    CHECK(g.report().relationship_rows == summary.relationships);
    CHECK(summary.relationships > 8 * params.customers);  // about 10 per customer
    CHECK(data.referrals.size() == summary.referrals);
    CHECK(data.transactions.rows.size() == summary.transactions);
    CHECK(g.report().self_loops_dropped == 0);

    // Every relationship type appears.
    for (std::size_t type = 0; type < g.types().size(); ++type) {
        INFO(g.types()[static_cast<RelationshipTypeId>(type)].name);
        CHECK(g.report().rows_by_type[type] > 0);
    }
    // Heavy tail: the largest degree is far above the median.
    std::vector<EdgeId> degrees;
    for (NodeId node = 0; node < g.num_nodes(); ++node)
        degrees.push_back(g.out_degree(node) + g.in_degree(node));
    std::sort(degrees.begin(), degrees.end());
    CHECK(degrees.back() >= 10 * degrees[degrees.size() / 2]);
    CHECK(degrees[degrees.size() * 99 / 100] >= 3 * degrees[degrees.size() / 2]);

    // Mixing: the share of relationships across planted communities is near the request.
    CsvReader truth = CsvReader::open(scratch / "communities.csv");
    std::vector<std::uint32_t> community(g.num_nodes());
    std::vector<std::string_view> fields;
    while (truth.next(fields))
        community[*g.find(fields[0])] =
            static_cast<std::uint32_t>(std::stoul(std::string(fields[1])));
    CsvReader edges = CsvReader::open(scratch / "edges.csv");
    std::uint64_t rows = 0, across = 0;
    while (edges.next(fields)) {
        ++rows;
        across += community[*g.find(fields[0])] != community[*g.find(fields[1])];
    }
    CHECK(rows == summary.relationships);
    const double mixing = static_cast<double>(across) / static_cast<double>(rows);
    CHECK(mixing == Approx(params.mixing).margin(0.05));
    CHECK(mixing == Approx(summary.realised_mixing));

    // Referrals form a forest with some chain deeper than 3; conversion rates vary by referrer.
    std::unordered_map<NodeId, NodeId> parent;
    std::map<NodeId, std::pair<int, int>> by_referrer;  // converted, total
    for (const Referral& referral : data.referrals) {
        CHECK(parent.emplace(referral.referred, referral.referrer).second);  // referred once
        auto& [converted, total] = by_referrer[referral.referrer];
        converted += referral.converted;
        ++total;
    }
    int deepest = 0;
    for (const auto& [node, up] : parent) {
        int depth = 1;
        for (auto it = parent.find(up); it != parent.end(); it = parent.find(it->second)) {
            ++depth;
            REQUIRE(depth < 10000);  // no cycle
        }
        deepest = std::max(deepest, depth);
    }
    CHECK(deepest > 3);
    double low = 1, high = 0;
    for (const auto& [referrer, counts] : by_referrer)
        if (counts.second >= 5) {
            const double rate = static_cast<double>(counts.first) / counts.second;
            low = std::min(low, rate);
            high = std::max(high, rate);
        }
    CHECK(high - low > 0.5);

    // The plain edge list loads as the same number of relationships.
    InputSource edge_list;
    edge_list.edges_file = scratch / "edges.csv";
    CHECK(load_dataset(edge_list, {}).graph.report().relationship_rows == summary.relationships);
}

TEST_CASE("Generator: impossible parameters are usage errors", "[samples][generator]") {
    test::ScratchDir scratch;
    const auto fails = [&](auto change) {
        GeneratorParams params;
        change(params);
        CHECK_THROWS_AS(generate(params, scratch.path()), UsageError);
    };
    fails([](GeneratorParams& p) { p.customers = 1; });
    fails([](GeneratorParams& p) { p.mixing = 1.5; });
    fails([](GeneratorParams& p) { p.degree_exponent = 1.5; });
    fails([](GeneratorParams& p) { p.relationships_per_customer = 0; });
    fails([](GeneratorParams& p) { p.max_community = 10; });
    fails([](GeneratorParams& p) { p.business_share = -0.1; });
}
