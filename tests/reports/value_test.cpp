#include "catena/reports/value.hpp"

#include <algorithm>
#include <array>
#include <numeric>
#include <sstream>
#include <string>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "catena/graph/errors.hpp"

#include "test_graphs.hpp"

using namespace catena;

namespace {

const Dataset& sample() {
    static const Dataset data = [] {
        InputSource source;
        source.data_dir = test::source_dir() / "samples" / "crm";
        return load_dataset(source, {});
    }();
    return data;
}

// The sample's report with every default, computed once.
const ValueReport& sample_report() {
    static const ValueReport report = run_value(sample(), {});
    return report;
}

NodeId node_of(const char* id) { return *sample().graph.find(id); }

std::size_t lines(const std::string& text) {
    return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

}  // namespace

TEST_CASE("On the sample, C0042 is a hidden influencer with default settings", "[value][reports]") {
    // samples/crm/README.md plants C0042 (own value 45.80, bottom 17% of people, but 57 ties and
    // the largest converted referral tree of any person), a champion C0007 and a high-value loner
    // C0123 (5,650.00, two ties).
    const ValueReport& report = sample_report();
    const CustomerValueResult& r = report.result;
    CHECK(r.quadrant[node_of("C0042")] == Quadrant::hidden_influencer);
    CHECK(r.quadrant[node_of("C0007")] == Quadrant::champion);
    CHECK(r.quadrant[node_of("C0123")] == Quadrant::high_value_loner);
    // Her own value is low, but counting whom she reaches she is the most valuable customer.
    CHECK(r.profile.own_value[node_of("C0042")] == Approx(45.80));
    CHECK(r.profile.own_value[node_of("C0042")] <= r.own_threshold);
    CHECK(r.rank[node_of("C0042")] == 1);
    // The report lists her first among the hidden influencers.
    ValueFilter hidden;
    hidden.quadrant = "hidden-influencers";
    hidden.top = 5;
    const std::vector<NodeId> listed = select_customers(sample(), report, hidden);
    REQUIRE(!listed.empty());
    CHECK(listed.front() == node_of("C0042"));
    const std::string table = format_value(sample(), report, OutputFormat::table, hidden);
    CHECK(table.find("C0042  Noor El Amrani") != std::string::npos);
    CHECK(table.find("hidden-influencers") != std::string::npos);
}

TEST_CASE("Quadrant and segment summaries add up", "[value][reports]") {
    const ValueReport& report = sample_report();
    const CustomerValueResult& r = report.result;
    const NodeId n = sample().graph.num_nodes();
    REQUIRE(report.quadrants.size() == kQuadrants);
    std::uint64_t customers = 0;
    double own = 0, network = 0, referral = 0, weighted = 0;
    for (int quadrant = 0; quadrant < kQuadrants; ++quadrant) {
        const ValueGroup& group = report.quadrants[static_cast<std::size_t>(quadrant)];
        CHECK(group.name == to_string(static_cast<Quadrant>(quadrant)));
        CHECK(group.by_quadrant[static_cast<std::size_t>(quadrant)] == group.customers);
        CHECK(group.customers > 0);  // the medians split the sample into four non-empty groups
        customers += group.customers;
        own += group.own_value;
        network += group.network_value;
        referral += group.referral_value;
        weighted += group.influence_weighted_value;
    }
    CHECK(customers == n);
    CHECK(own ==
          Approx(std::accumulate(r.profile.own_value.begin(), r.profile.own_value.end(), 0.0)));
    CHECK(own == Approx(r.network.total_value));
    CHECK(weighted == Approx(own + network + 0.5 * referral));
    // Six segments, each split over the quadrants.
    REQUIRE(report.segments.size() == 6);
    std::uint64_t segment_customers = 0;
    std::array<std::uint64_t, kQuadrants> by_quadrant{};
    for (const ValueGroup& group : report.segments) {
        CHECK(std::accumulate(group.by_quadrant.begin(), group.by_quadrant.end(),
                              std::uint64_t{0}) == group.customers);
        segment_customers += group.customers;
        for (std::size_t quadrant = 0; quadrant < kQuadrants; ++quadrant)
            by_quadrant[quadrant] += group.by_quadrant[quadrant];
    }
    CHECK(segment_customers == n);
    for (std::size_t quadrant = 0; quadrant < kQuadrants; ++quadrant)
        CHECK(by_quadrant[quadrant] == report.quadrants[quadrant].customers);
    // With the medians as thresholds, at most half the customers are above each.
    CHECK(report.quadrants[0].customers + report.quadrants[2].customers <= n / 2);
    CHECK(report.quadrants[0].customers + report.quadrants[1].customers <= n / 2);
}

TEST_CASE("Value output as table, CSV and JSON with filters", "[value][reports]") {
    const Dataset& data = sample();
    const ValueReport& report = sample_report();
    SECTION("CSV: one row per listed customer, best rank first") {
        ValueFilter filter;
        filter.top = 5;
        const std::string csv = format_value(data, report, OutputFormat::csv, filter);
        CHECK(csv.starts_with(
            "rank,id,name,kind,segment,quadrant,own_value,own_value_source,network_value,"));
        CHECK(lines(csv) == 6);
        CHECK(csv.find("\n1,C0042,Noor El "
                       "Amrani,person,consumer-occasional,hidden-influencers,45.80,value,") !=
              std::string::npos);
        // Every customer but the sample's 16 who opted out, who are never listed.
        filter.top = 0;
        CHECK(lines(format_value(data, report, OutputFormat::csv, filter)) == 385);
        std::uint64_t passed = 0;
        const std::vector<NodeId> everyone = select_customers(data, report, filter, &passed);
        CHECK(passed == 16);
        for (const NodeId node : everyone) CHECK(!data.graph.opt_out(node));
        for (std::size_t index = 1; index < everyone.size(); ++index)
            CHECK(report.result.rank[everyone[index]] > report.result.rank[everyone[index - 1]]);
        filter.segment = "horeca";
        const std::string horeca = format_value(data, report, OutputFormat::csv, filter);
        CHECK(lines(horeca) == 17);
        std::istringstream rows(horeca);
        std::string row;
        std::getline(rows, row);
        while (std::getline(rows, row)) CHECK(row.find(",business,horeca,") != std::string::npos);
    }
    SECTION("JSON: parameters, bound, notes, summaries and the listed customers") {
        ValueFilter filter;
        filter.top = 3;
        filter.quadrant = "champions";
        const nlohmann::json json =
            nlohmann::json::parse(format_value(data, report, OutputFormat::json, filter));
        CHECK(json["customers"] == 400);
        CHECK(json["parameters"]["as_of"] == "2026-10-31");
        CHECK(json["parameters"]["window_days"] == 365);
        CHECK(json["parameters"]["model"] == "ic");
        CHECK(json["parameters"]["probability"] == "weighted-cascade");
        CHECK(json["parameters"]["network_weight"] == 1.0);
        CHECK(json["parameters"]["referral_weight"] == 0.5);
        CHECK(json["parameters"]["depth_discount"] == 0.5);
        CHECK(json["parameters"]["own_threshold"] == "median");
        CHECK(json["network"]["rr_sets"].get<std::uint64_t>() == report.result.network.rr_sets);
        CHECK(json["network"]["epsilon"].get<double>() <= 0.005);
        CHECK(json["network"]["error_bound"].get<double>() ==
              Approx(json["network"]["epsilon"].get<double>() *
                     json["network"]["total_own_value"].get<double>()));
        CHECK(json["quadrants"].size() == 4);
        CHECK(json["segments"].size() == 6);
        CHECK(json["referrals"]["credited"] == 114);
        CHECK(json["notes"].size() == 1);  // 36 people without a value
        REQUIRE(json["top"].size() == 3);
        for (const auto& row : json["top"]) CHECK(row["quadrant"] == "champions");
        CHECK(json["top"][0]["rfm"]["r"].get<int>() >= 1);
    }
    SECTION("table: header, summaries and the list") {
        const std::string table = format_value(data, report, OutputFormat::table, {});
        CHECK(
            table.starts_with("Customer value of 400 customers, as of 2026-10-31 (RFM window: 365 "
                              "days from 2025-11-01)\n"));
        CHECK(table.find("Influence-weighted value = own + 1 x network + 0.5 x referral") !=
              std::string::npos);
        CHECK(table.find("with probability 0.99") != std::string::npos);
        CHECK(table.find("Note: 36 customers have no `value`") != std::string::npos);
        CHECK(table.find("\nquadrant ") != std::string::npos);
        CHECK(table.find("\nsegment ") != std::string::npos);
        CHECK(table.find("\n20 customers by influence-weighted value") != std::string::npos);
    }
    SECTION("unknown filters are usage errors") {
        ValueFilter bad_quadrant;
        bad_quadrant.quadrant = "influencers";
        CHECK_THROWS_AS(format_value(data, report, OutputFormat::table, bad_quadrant), UsageError);
        ValueFilter bad_segment;
        bad_segment.segment = "wholesale";
        CHECK_THROWS_WITH(format_value(data, report, OutputFormat::csv, bad_segment),
                          "--segment: no customer is in segment 'wholesale'");
    }
    SECTION("run record JSON") {
        const nlohmann::json parameters = nlohmann::json::parse(value_parameters_json(report));
        CHECK(parameters["eps"] == 0.005);
        CHECK(parameters["seed"] == 1);
        const nlohmann::json summary = nlohmann::json::parse(value_summary_json(data, report));
        CHECK(summary["top"][0] == "C0042");
        CHECK(summary["top"].size() == 5);
        for (const auto& id : summary["top"])
            CHECK(!data.graph.opt_out(*data.graph.find(id.get<std::string>())));
        CHECK(summary["quadrants"]["hidden-influencers"].get<std::uint64_t>() ==
              report.quadrants[1].customers);
    }
}

TEST_CASE("Value as of an earlier date leaves later transactions and referrals out, and says so",
          "[value][reports]") {
    const Dataset& data = sample();
    ValueOptions options;
    options.params.profile.as_of = *parse_iso_date("2026-06-30");
    options.params.network.rr_sets = 20000;  // the notes are the point here, not precision
    const ValueReport report = run_value(data, options);
    std::uint64_t later_transactions = 0, later_referrals = 0;
    for (const Transaction& row : data.transactions.rows)
        later_transactions += row.date > options.params.profile.as_of;
    for (const Referral& row : data.referrals)
        later_referrals += row.date != kNoDate && row.date > options.params.profile.as_of;
    REQUIRE(later_transactions > 0);
    REQUIRE(later_referrals > 0);
    CHECK(report.result.profile.transactions_after_as_of == later_transactions);
    CHECK(report.result.referral.referrals_after_as_of == later_referrals);
    const std::string table = format_value(data, report, OutputFormat::table, {});
    CHECK(table.find("Note: " + std::to_string(later_transactions) +
                     " transactions dated after the as-of date 2026-06-30 were left out") !=
          std::string::npos);
    CHECK(table.find("Note: " + std::to_string(later_referrals) +
                     " referrals dated after the as-of date 2026-06-30 were left out") !=
          std::string::npos);
}

TEST_CASE("A data folder whose referrals form a cycle: the closing referral is a bad row",
          "[value][reports]") {
    InputSource source;
    source.data_dir = test::data_dir() / "value" / "cycle";
    // P3 -> P1 (line 5) closes P1 -> P2 -> P3 -> P1: the loader names it (before, only catena
    // value found the cycle, and every other command used the looping referrals).
    CHECK_THROWS_WITH(
        load_dataset(source, {}),
        Catch::Contains(
            "referrals.csv:5: referred: closes a referral cycle: P1 -> P2 -> P3 -> P1"));
    LoadOptions skip;
    skip.on_bad_row = BadRowPolicy::skip;
    const Dataset data = load_dataset(source, skip);
    REQUIRE(data.input.skipped.size() == 1);
    CHECK(data.input.skipped[0].reason == "referral cycle");
    CHECK(data.referrals.size() == 3);
    ValueOptions options;
    options.params.network.rr_sets = 1000;
    const ValueReport report = run_value(data, options);
    CHECK(report.result.referral.referred_by[*data.graph.find("P2")] == *data.graph.find("P1"));
}

TEST_CASE("Value of a graph without values or transactions", "[value][reports]") {
    const Dataset data = test::load_shared("karate", false);
    const ValueReport report = run_value(data, {});
    CHECK(report.result.network.rr_sets == 0);
    CHECK(report.result.profile.as_of == kNoDate);
    for (const double value : report.result.influence_weighted) CHECK(value == 0.0);
    CHECK(report.quadrants[3].customers == 34);  // nobody above a median of 0
    const std::string table = format_value(data, report, OutputFormat::table, {});
    CHECK(table.find("(no transactions: no RFM profile)") != std::string::npos);
    CHECK(table.find("no customer has an own value above 0") != std::string::npos);
    const nlohmann::json json =
        nlohmann::json::parse(format_value(data, report, OutputFormat::json, {}));
    CHECK(json["parameters"]["as_of"] == "");
}
