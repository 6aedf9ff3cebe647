#include "catena/algorithms/customer_value.hpp"

#include <cmath>
#include <string>

#include <catch2/catch.hpp>

#include "catena/graph/errors.hpp"

#include "test_graphs.hpp"
#include <omp.h>

using namespace catena;

namespace {

Dataset load_folder(const std::string& name) {
    InputSource source;
    source.data_dir = test::data_dir() / "value" / name;
    return load_dataset(source, {});
}

Date day(const char* iso) { return *parse_iso_date(iso); }

NodeId node_of(const InfluenceGraph& graph, const char* id) { return *graph.find(id); }

std::string joined(const std::vector<std::string>& lines) {
    std::string out;
    for (const std::string& line : lines) out += line + "\n";
    return out;
}

ProbabilityModel constant(double p) {
    ProbabilityModel model;
    model.kind = ProbabilityModel::Kind::constant;
    model.constant = p;
    return model;
}

// Customers with given own values and directed `influences` edges between them.
InfluenceGraph valued_graph(const std::vector<std::pair<std::string, double>>& customers,
                            const std::vector<std::pair<std::string, std::string>>& edges) {
    GraphBuilder builder;
    for (const auto& [id, value] : customers) {
        CustomerRow row;
        row.id = id;
        row.value = value;
        builder.add_customer(row);
    }
    for (const auto& [source, target] : edges) {
        RelationshipRow row;
        row.source = source;
        row.target = target;
        row.type = "influences";
        builder.add_relationship(row);
    }
    return builder.build();
}

}  // namespace

TEST_CASE("RFM profile of a hand-written transaction file", "[value][algorithms]") {
    // tests/data/value/rfm/transactions.csv; the last transaction is 2025-12-31, so the default
    // as-of is that day and the 365-day window runs 2025-01-01 .. 2025-12-31.
    //   A: 2024-06-01 100 (before the window), 2025-03-01 50 (on behalf of F), 2025-12-01 30
    //      recency 30, frequency 2, monetary 80, tenure 578 (2024-06-01 .. 2025-12-31)
    //   B: 2025-01-01 10 (first day of the window), 2025-06-15 10, 2025-09-10 10
    //      recency 112, frequency 3, monetary 30, tenure 364
    //   C: 2024-12-31 500 (the day before the window)
    //      recency 365, frequency 0, monetary 0, tenure 365
    //   D: 2025-12-30 1000: recency 1, frequency 1, monetary 1000, tenure 1
    //   E: 2025-11-01 5, 2025-12-31 20 + 25: recency 0, frequency 3, monetary 50, tenure 60
    //   F: no purchase.
    // Scores among the N = 5 buyers: 1 + floor(5 b / 5) = 1 + b, b = buyers strictly worse.
    //   R (shorter is better): C 365 -> 1, B 112 -> 2, A 30 -> 3, D 1 -> 4, E 0 -> 5
    //   F: C 0 -> 1, D 1 -> 2, A 2 -> 3, B and E 3 -> 4 (tied: 3 buyers below each)
    //   M: C 0 -> 1, B 30 -> 2, E 50 -> 3, A 80 -> 4, D 1000 -> 5
    // Own value: A 200 and D 1500 from the value column; B 30, C 0, E 50, F 0 from the window.
    const Dataset data = load_folder("rfm");
    const InfluenceGraph& g = data.graph;
    // The purchase on behalf of F adds one undirected on_behalf relationship A - F.
    CHECK(g.report().on_behalf_from_transactions == 1);
    const ProfileResult p = customer_profiles(g, data.transactions, {});
    CHECK(format_iso_date(p.as_of) == "2025-12-31");
    CHECK(format_iso_date(p.window_start) == "2025-01-01");
    CHECK(p.transactions_in_window == 9);
    CHECK(p.transactions_before_window == 2);
    CHECK(p.transactions_after_as_of == 0);
    CHECK(p.scored_customers == 5);
    struct Expected {
        const char* id;
        int recency, tenure;
        unsigned frequency;
        double monetary;
        int r, f, m;
        double own;
        bool from_transactions;
    };
    const Expected expected[] = {
        {"A", 30, 578, 2, 80, 3, 3, 4, 200, false}, {"B", 112, 364, 3, 30, 2, 4, 2, 30, true},
        {"C", 365, 365, 0, 0, 1, 1, 1, 0, true},    {"D", 1, 1, 1, 1000, 4, 2, 5, 1500, false},
        {"E", 0, 60, 3, 50, 5, 4, 3, 50, true},     {"F", -1, -1, 0, 0, 0, 0, 0, 0, true},
    };
    for (const Expected& e : expected) {
        INFO("customer " << e.id);
        const NodeId node = node_of(g, e.id);
        const CustomerProfile& c = p.customers[node];
        CHECK(c.recency_days == e.recency);
        CHECK(c.tenure_days == e.tenure);
        CHECK(c.frequency == e.frequency);
        CHECK(c.monetary == Approx(e.monetary));
        CHECK(int(c.r_score) == e.r);
        CHECK(int(c.f_score) == e.f);
        CHECK(int(c.m_score) == e.m);
        CHECK(p.own_value[node] == Approx(e.own));
        CHECK(bool(p.own_from_transactions[node]) == e.from_transactions);
    }
}

TEST_CASE("RFM with an earlier as-of date leaves later transactions out and counts them",
          "[value][algorithms]") {
    // As of 2025-12-30 the window is 2024-12-31 .. 2025-12-30: E's two purchases of 2025-12-31
    // are left out (counted), and C's purchase of 2024-12-31 is now inside the window.
    const Dataset data = load_folder("rfm");
    ProfileParams params;
    params.as_of = day("2025-12-30");
    const ProfileResult p = customer_profiles(data.graph, data.transactions, params);
    CHECK(p.transactions_after_as_of == 2);
    CHECK(format_iso_date(p.window_start) == "2024-12-31");
    const CustomerProfile& c = p.customers[node_of(data.graph, "C")];
    CHECK(c.frequency == 1);
    CHECK(c.monetary == Approx(500));
    const CustomerProfile& e = p.customers[node_of(data.graph, "E")];
    CHECK(e.recency_days == 59);
    CHECK(e.frequency == 1);
    CHECK(e.monetary == Approx(5));

    ValueParams value_params;
    value_params.profile = params;
    const std::vector<double> weights = edge_probabilities(data.graph, {});
    const CustomerValueResult result = customer_value(data, weights, value_params);
    const std::string notes = joined(result.notes);
    CHECK(notes.find("2 transactions dated after the as-of date 2025-12-30 were left out") !=
          std::string::npos);

    // A 30-day window ending 2025-12-31 runs 2025-12-02 .. 2025-12-31: A's 2025-12-01 is outside.
    ProfileParams month;
    month.window_days = 30;
    const ProfileResult q = customer_profiles(data.graph, data.transactions, month);
    CHECK(format_iso_date(q.window_start) == "2025-12-02");
    CHECK(q.customers[node_of(data.graph, "A")].frequency == 0);
    CHECK(q.customers[node_of(data.graph, "E")].frequency == 2);
}

TEST_CASE(
    "Network value on karate equals single-seed spread - 1 from the simulator, for every node",
    "[value][algorithms]") {
    // Unit own values, weighted cascade: network(u) = expected customers u activates besides
    // itself = (single-seed expected spread of u) - 1. The RR estimate (default eps and delta) and
    // per-node Monte Carlo agree within 3 combined standard errors, for all 34 members.
    const Dataset data = test::load_shared("karate", false);
    const InfluenceGraph& g = data.graph;
    const NodeId n = g.num_nodes();
    REQUIRE(n == 34);
    const std::vector<double> weights = edge_probabilities(g, {});
    const std::vector<double> unit(n, 1.0);
    const NetworkValueParams params;
    const NetworkValueResult result = network_value(g, weights, unit, params);
    // The stated bound: theta = ceil(ln(2n / delta) / (2 eps^2)) and every estimate within eps * V.
    CHECK(result.rr_sets ==
          static_cast<std::uint64_t>(std::ceil(std::log(2.0 * 34 / 0.01) / (2 * 0.005 * 0.005))));
    CHECK(result.epsilon <= 0.005);
    CHECK(result.total_value == 34.0);
    CHECK(result.error_bound == Approx(result.epsilon * 34.0));
    CHECK(result.delta == 0.01);
    SimulationParams simulation;
    simulation.simulations = 20000;
    simulation.seed = 3;
    for (NodeId node = 0; node < n; ++node) {
        const NodeId seed[] = {node};
        const SimulationResult mc = simulate(g, weights, seed, simulation);
        const double combined = std::hypot(mc.standard_error, result.standard_error[node]);
        INFO("node " << g.external_id(node) << ": RR " << result.network_value[node] << " +/- "
                     << result.standard_error[node] << ", MC " << mc.expected_spread - 1 << " +/- "
                     << mc.standard_error);
        CHECK(std::abs(result.network_value[node] - (mc.expected_spread - 1)) <= 3 * combined);
        CHECK(std::abs(result.network_value[node] - (mc.expected_spread - 1)) <=
              result.half_width[node] + 3 * mc.standard_error);
    }
}

TEST_CASE("Network value by hand on a path and under Linear Threshold", "[value][algorithms]") {
    SECTION("IC path 0 -> 1 -> 2, p = 0.5, own values 1, 2, 4") {
        // network(0) = 2 * 0.5 + 4 * 0.25 = 2; network(1) = 4 * 0.5 = 2; network(2) = 0.
        const InfluenceGraph g = test::make_graph(3, {{"0", "1"}, {"1", "2"}}, true);
        const std::vector<double> own = {1, 2, 4};
        NetworkValueParams params;
        params.rr_sets = 200000;
        const NetworkValueResult r =
            network_value(g, edge_probabilities(g, constant(0.5)), own, params);
        CHECK(r.rr_sets == 200000);
        CHECK(r.epsilon == Approx(std::sqrt(std::log(2.0 * 3 / 0.01) / (2.0 * 200000))));
        const double expected[] = {2, 2, 0};
        for (NodeId node = 0; node < 3; ++node) {
            CHECK(std::abs(r.network_value[node] - expected[node]) <=
                  4 * r.standard_error[node] + 1e-12);
            CHECK(std::abs(r.network_value[node] - expected[node]) <= r.half_width[node]);
        }
        CHECK(r.network_value[2] == 0.0);  // reaches nobody
    }
    SECTION("LT: 0 -> 2 (w 1), 1 -> 2 (w 3), own values 1, 1, 8") {
        // b(0,2) = 1/4, b(1,2) = 3/4: network(0) = 8 / 4 = 2, network(1) = 8 * 3/4 = 6.
        const InfluenceGraph g = test::make_graph(3, {{"0", "2", 1}, {"1", "2", 3}}, true);
        NetworkValueParams params;
        params.model = DiffusionModel::linear_threshold;
        params.rr_sets = 100000;
        const NetworkValueResult r =
            network_value(g, threshold_weights(g), std::vector<double>{1, 1, 8}, params);
        CHECK(std::abs(r.network_value[0] - 2.0) <= 4 * r.standard_error[0]);
        CHECK(std::abs(r.network_value[1] - 6.0) <= 4 * r.standard_error[1]);
        CHECK(r.network_value[2] == 0.0);
    }
}

TEST_CASE("Network value edge cases", "[value][algorithms]") {
    NetworkValueParams params;
    params.rr_sets = 5000;
    SECTION("empty graph") {
        const InfluenceGraph g = test::make_graph(0, {}, true);
        const NetworkValueResult r = network_value(g, {}, {}, params);
        CHECK(r.network_value.empty());
        CHECK(r.rr_sets == 0);
    }
    SECTION("a single customer reaches nobody") {
        const InfluenceGraph g = test::make_graph(1, {}, true);
        const NetworkValueResult r = network_value(g, {}, std::vector<double>{5}, params);
        CHECK(r.network_value == std::vector<double>{0.0});
        CHECK(r.rr_sets == 5000);
        CHECK(r.rr_entries == 5000);  // every RR set is its root alone
    }
    SECTION("no own value anywhere: nothing to reach, nothing drawn") {
        const InfluenceGraph g = test::make_graph(3, {{"0", "1"}, {"1", "2"}}, true);
        const NetworkValueResult r =
            network_value(g, edge_probabilities(g, {}), std::vector<double>(3, 0.0), params);
        CHECK(r.network_value == std::vector<double>(3, 0.0));
        CHECK(r.rr_sets == 0);
    }
    SECTION("disconnected parts, a dropped self-loop and zero probabilities") {
        // 0 -> 1 with p = 1 (deterministic), 2 -> 3 with p = 0, 4 -> 4 dropped by the builder.
        const InfluenceGraph g = test::make_graph(5, {{"0", "1"}, {"2", "3"}, {"4", "4"}}, true);
        REQUIRE(g.num_edges() == 2);
        std::vector<double> weights(2);
        weights[g.out_offsets()[*g.find("0")]] = 1.0;
        weights[g.out_offsets()[*g.find("2")]] = 0.0;
        const std::vector<double> own = {1, 3, 1, 3, 2};
        const NetworkValueResult r = network_value(g, weights, own, params);
        // Only 0 reaches anyone: network(0) = 3 exactly in expectation; the others reach nobody.
        CHECK(std::abs(r.network_value[*g.find("0")] - 3.0) <= 4 * r.standard_error[*g.find("0")]);
        for (const char* id : {"1", "2", "3", "4"}) CHECK(r.network_value[*g.find(id)] == 0.0);
    }
    SECTION("bad inputs") {
        const InfluenceGraph g = test::make_graph(2, {{"0", "1"}}, true);
        CHECK_THROWS_AS(
            network_value(g, std::vector<double>{1.5}, std::vector<double>{1, 1}, params),
            UsageError);
        CHECK_THROWS_AS(
            network_value(g, std::vector<double>{0.5}, std::vector<double>{-1, 1}, params),
            UsageError);
        CHECK_THROWS_AS(network_value(g, std::vector<double>{0.5}, std::vector<double>{1}, params),
                        InternalError);
    }
}

TEST_CASE("Network value is identical at any thread count", "[value][algorithms]") {
    const Dataset data = test::load_shared("karate", false);
    const std::vector<double> weights = edge_probabilities(data.graph, {});
    std::vector<double> own(data.graph.num_nodes());
    for (NodeId node = 0; node < own.size(); ++node) own[node] = 1.0 + node % 7;
    NetworkValueParams params;
    params.rr_sets = 30000;
    params.seed = 9;
    const int threads = omp_get_max_threads();
    omp_set_num_threads(1);
    const NetworkValueResult one = network_value(data.graph, weights, own, params);
    omp_set_num_threads(3);
    const NetworkValueResult three = network_value(data.graph, weights, own, params);
    omp_set_num_threads(threads);
    CHECK(one.network_value == three.network_value);
    CHECK(one.rr_entries == three.rr_entries);
    params.seed = 10;
    CHECK(network_value(data.graph, weights, own, params).network_value != one.network_value);
}

TEST_CASE("Referral value of a hand-built cascade", "[value][algorithms]") {
    // Converted referrals 0 -> 1, 0 -> 2, 1 -> 3, 3 -> 4; 2 -> 5 did not convert. Own values:
    // 1: 100, 2: 50, 3: 40, 4: 10, 5: 1000, 6: 7. Discount 0.5 per level below the first:
    //   referral(4) = 0, referral(3) = 10, referral(1) = 40 + 0.5 * 10 = 45, referral(2) = 0,
    //   referral(0) = (100 + 0.5 * 45) + (50 + 0.5 * 0) = 172.5
    //              = depth 1: 100 + 50, depth 2: 0.5 * 40, depth 3: 0.25 * 10.
    // Also: 6 -> 4 (2025-05-01) refers an already credited customer (3 -> 4 is earlier): counted
    // as a duplicate; 4 -> 6 dated after the as-of date is left out and counted.
    const InfluenceGraph g = test::make_graph(7, {}, true);
    const std::vector<double> own = {0, 100, 50, 40, 10, 1000, 7};
    const Date as_of = day("2025-12-31");
    std::vector<Referral> referrals = {
        {0, 1, day("2025-01-01"), true, 10}, {0, 2, day("2025-01-02"), true, 10},
        {2, 5, day("2025-01-03"), false, 0}, {1, 3, day("2025-02-01"), true, 10},
        {6, 4, day("2025-05-01"), true, 10}, {3, 4, day("2025-03-01"), true, 10},
        {4, 6, day("2026-01-05"), true, 10},
    };
    const ReferralValueResult r = referral_value(g, referrals, own, as_of, {});
    CHECK(r.referral_value[0] == Approx(172.5));
    CHECK(r.referral_value[1] == Approx(45));
    CHECK(r.referral_value[2] == 0.0);
    CHECK(r.referral_value[3] == Approx(10));
    CHECK(r.referral_value[4] == 0.0);
    CHECK(r.direct_value[0] == Approx(150));
    CHECK(r.direct_referrals[0] == 2);
    CHECK(r.cascade_size[0] == 4);
    CHECK(r.cascade_depth[0] == 3);
    CHECK(r.cascade_size[1] == 2);
    CHECK(r.cascade_depth[1] == 2);
    CHECK(r.cascade_size[6] == 0);
    CHECK(r.referred_by[4] == 3);
    CHECK(r.referred_by[5] == kNoNode);
    CHECK(r.referred_by[0] == kNoNode);
    CHECK(r.referrals_used == 4);
    CHECK(r.referrals_not_converted == 1);
    CHECK(r.referrals_duplicate == 1);
    CHECK(r.referrals_after_as_of == 1);

    SECTION("every referral counting, no discount") {
        // 2 -> 5 now counts: referral(2) = 1000 and, undiscounted, referral(0) sums every
        // customer below: 100 + 50 + 40 + 10 + 1000 = 1200.
        ReferralValueParams params;
        params.converted_only = false;
        params.depth_discount = 1.0;
        const ReferralValueResult all = referral_value(g, referrals, own, as_of, params);
        CHECK(all.referral_value[0] == Approx(1200));
        CHECK(all.referral_value[2] == Approx(1000));
        CHECK(all.cascade_size[0] == 5);
        CHECK(all.referrals_not_converted == 0);
    }
    SECTION("without an as-of date nothing is left out as late") {
        const ReferralValueResult late = referral_value(g, referrals, own, kNoDate, {});
        // 4 -> 6 now counts: referral(4) = 7, so referral(3) = 10 + 0.5 * 7 = 13.5.
        CHECK(late.referrals_after_as_of == 0);
        CHECK(late.referral_value[3] == Approx(13.5));
    }
}

TEST_CASE("Referrals that form a cycle are an input error naming the customers",
          "[value][algorithms]") {
    // 0 -> 1 -> 2 -> 0, all converted; 3 -> 0 did not convert, so 0's credited referrer is 2.
    const InfluenceGraph g = test::make_graph(4, {}, true);
    const std::vector<Referral> referrals = {{3, 0, kNoDate, false, 0},
                                             {0, 1, kNoDate, true, 0},
                                             {1, 2, kNoDate, true, 0},
                                             {2, 0, kNoDate, true, 0}};
    const std::vector<double> own(4, 1.0);
    CHECK_THROWS_WITH(referral_value(g, referrals, own, kNoDate, {}),
                      Catch::Contains("the referrals form a cycle: 0 -> 1 -> 2 -> 0"));
    CHECK_THROWS_AS(referral_value(g, referrals, own, kNoDate, {}), InputError);
    // Without 2 -> 0 it is a chain: referral(0) = 1 + 0.5 * 1 = 1.5.
    const std::vector<Referral> chain(referrals.begin(), referrals.end() - 1);
    CHECK(referral_value(g, chain, own, kNoDate, {}).referral_value[0] == Approx(1.5));
}

TEST_CASE("Referral trees of the sample match its README", "[value][algorithms]") {
    // samples/crm/README.md, counting chains of converted referrals and the `value` column:
    // C0042's tree holds 36 customers worth 40,428.76, depth 6; C0007's 14 worth 5,028.42;
    // B029's 3 businesses bring in 57,023.18.
    InputSource source;
    source.data_dir = test::source_dir() / "samples" / "crm";
    const Dataset data = load_dataset(source, {});
    const InfluenceGraph& g = data.graph;
    std::vector<double> column(g.values().begin(), g.values().end());
    ReferralValueParams undiscounted;
    undiscounted.depth_discount = 1.0;
    const ReferralValueResult r = referral_value(g, data.referrals, column, kNoDate, undiscounted);
    const NodeId noor = node_of(g, "C0042"), daniel = node_of(g, "C0007"),
                 greenleaf = node_of(g, "B029");
    CHECK(r.referral_value[noor] == Approx(40428.76).margin(0.005));
    CHECK(r.cascade_size[noor] == 36);
    CHECK(r.cascade_depth[noor] == 6);
    CHECK(r.referral_value[daniel] == Approx(5028.42).margin(0.005));
    CHECK(r.cascade_size[daniel] == 14);
    CHECK(r.referral_value[greenleaf] == Approx(57023.18).margin(0.005));
    CHECK(r.cascade_size[greenleaf] == 3);
    CHECK(r.referrals_used == 114);  // the converted referrals, each customer referred once
    CHECK(r.referrals_duplicate == 0);
    // With the default discount C0042's deeper levels count less, but she still leads the people.
    const ReferralValueResult discounted = referral_value(g, data.referrals, column, kNoDate, {});
    CHECK(discounted.referral_value[noor] < r.referral_value[noor]);
    for (NodeId node = 0; node < g.num_nodes(); ++node)
        if (g.kind(node) == NodeKind::person && node != noor)
            CHECK(discounted.referral_value[node] < discounted.referral_value[noor]);
}

TEST_CASE("Influence-weighted value, rank and quadrants on a small network",
          "[value][algorithms]") {
    // p = 1 on every edge. hub (own 1) influences x1, x2, x3 (100 each): network 300, and it
    // referred x1: referral 100. champ (own 500) influences y1, y2 (100 each): network 200.
    // loner (own 500) influences nobody. Own values 1, 100 x 5, 500, 500: median 100; influence
    // values ~350 (300 + 0.5 * 100), ~200 and six 0s: median 0. So hub is a hidden influencer,
    // champ a champion, loner a high-value loner and the x's and y's (own 100, not above the
    // median) others.
    Dataset data;
    data.graph = valued_graph(
        {{"hub", 1},
         {"champ", 500},
         {"loner", 500},
         {"x1", 100},
         {"x2", 100},
         {"x3", 100},
         {"y1", 100},
         {"y2", 100}},
        {{"hub", "x1"}, {"hub", "x2"}, {"hub", "x3"}, {"champ", "y1"}, {"champ", "y2"}});
    const InfluenceGraph& g = data.graph;
    data.referrals.push_back({node_of(g, "hub"), node_of(g, "x1"), kNoDate, true, 10});
    ValueParams params;
    params.network.rr_sets = 100000;
    const CustomerValueResult r =
        customer_value(data, edge_probabilities(g, constant(1.0)), params);
    const NodeId hub = node_of(g, "hub"), champ = node_of(g, "champ"), loner = node_of(g, "loner");
    CHECK(std::abs(r.network.network_value[hub] - 300) <= 4 * r.network.standard_error[hub]);
    CHECK(std::abs(r.network.network_value[champ] - 200) <= 4 * r.network.standard_error[champ]);
    CHECK(r.referral.referral_value[hub] == 100);
    for (NodeId node = 0; node < g.num_nodes(); ++node) {
        CHECK(r.influence[node] ==
              Approx(r.network.network_value[node] + 0.5 * r.referral.referral_value[node]));
        CHECK(r.influence_weighted[node] == Approx(r.profile.own_value[node] + r.influence[node]));
    }
    CHECK(r.own_threshold == 100);
    CHECK(r.influence_threshold == 0);
    CHECK(r.quadrant[hub] == Quadrant::hidden_influencer);
    CHECK(r.quadrant[champ] == Quadrant::champion);
    CHECK(r.quadrant[loner] == Quadrant::high_value_loner);
    for (const char* id : {"x1", "x2", "x3", "y1", "y2"})
        CHECK(r.quadrant[node_of(g, id)] == Quadrant::other);
    // Ranks: champ ~700, loner 500, hub ~351, then the 100s in NodeId order.
    CHECK(r.by_rank[0] == champ);
    CHECK(r.by_rank[1] == loner);
    CHECK(r.by_rank[2] == hub);
    CHECK(r.rank[champ] == 1);
    CHECK(r.rank[node_of(g, "x1")] == 4);
    CHECK(r.rank[node_of(g, "y2")] == 8);
    CHECK(r.notes.empty());  // every value given, nothing left out

    SECTION("explicit thresholds and weights") {
        ValueParams custom = params;
        custom.own_threshold = 0.0;  // every own value is high
        custom.network_weight = 0.0;
        custom.referral_weight = 2.0;
        const CustomerValueResult c =
            customer_value(data, edge_probabilities(g, constant(1.0)), custom);
        CHECK(c.influence[hub] == 200);  // 2 x referral only
        CHECK(c.influence[champ] == 0);
        CHECK(c.quadrant[hub] == Quadrant::champion);
        CHECK(c.quadrant[champ] == Quadrant::high_value_loner);
    }
}

TEST_CASE("Customer value parameters are validated", "[value][algorithms]") {
    const auto rejects = [](auto change) {
        ValueParams params;
        change(params);
        CHECK_THROWS_AS(params.validate(), UsageError);
    };
    rejects([](ValueParams& p) { p.profile.window_days = 0; });
    rejects([](ValueParams& p) { p.network.epsilon = 0; });
    rejects([](ValueParams& p) { p.network.epsilon = 1; });
    rejects([](ValueParams& p) { p.network.delta = 0; });
    rejects([](ValueParams& p) { p.network.delta = 1; });
    rejects([](ValueParams& p) { p.referral.depth_discount = 1.5; });
    rejects([](ValueParams& p) { p.referral.depth_discount = -0.1; });
    rejects([](ValueParams& p) { p.network_weight = -1; });
    rejects([](ValueParams& p) { p.referral_weight = std::nan(""); });
    rejects([](ValueParams& p) { p.own_threshold = std::numeric_limits<double>::infinity(); });
    CHECK_NOTHROW(ValueParams{}.validate());
    CHECK(parse_quadrant("hidden-influencers") == Quadrant::hidden_influencer);
    CHECK(parse_quadrant("hidden_influencer") == Quadrant::hidden_influencer);
    CHECK(parse_quadrant("champions") == Quadrant::champion);
    CHECK(parse_quadrant("high-value-loners") == Quadrant::high_value_loner);
    CHECK(parse_quadrant("others") == Quadrant::other);
    CHECK_THROWS_AS(parse_quadrant("influencers"), UsageError);
    for (int quadrant = 0; quadrant < kQuadrants; ++quadrant)
        CHECK(parse_quadrant(to_string(static_cast<Quadrant>(quadrant))) ==
              static_cast<Quadrant>(quadrant));
    CHECK(median(std::vector<double>{3, 1, 2}) == 2);
    CHECK(median(std::vector<double>{4, 1, 3, 2}) == 2.5);
    CHECK(median(std::vector<double>{}) == 0);
}
