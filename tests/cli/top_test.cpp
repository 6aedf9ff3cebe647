// --top cuts terminal tables; CSV and JSON, which programs read, list every row unless --top is
// given.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "test_util.hpp"

using namespace catena;

namespace {
std::size_t lines(const std::string& text) {
    return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}
}  // namespace

TEST_CASE("The --top option: tables are cut, CSV and JSON list every row unless it is given",
          "[cli][top]") {
    // The sample has 400 customers, 16 of whom opted out (never listed as influencers).
    const auto table = test::run_catena("rank --data samples/crm");
    REQUIRE(table.exit_code == 0);
    CHECK(table.out.find("Top 20 of 400 customers") != std::string::npos);
    const auto csv = test::run_catena("rank --data samples/crm --format csv");
    REQUIRE(csv.exit_code == 0);
    CHECK(lines(csv.out) == 1 + 384);
    CHECK(lines(test::run_catena("rank --data samples/crm --format csv --top 5").out) == 1 + 5);
    const auto json =
        nlohmann::json::parse(test::run_catena("rank --data samples/crm --format json").out);
    CHECK(json["top"].size() == 384);

    const auto communities =
        nlohmann::json::parse(test::run_catena("communities --data samples/crm --format json").out);
    CHECK(communities["largest"].size() == communities["count"].get<std::size_t>());
    const auto two = nlohmann::json::parse(
        test::run_catena("communities --data samples/crm --format json --top 2").out);
    CHECK(two["largest"].size() == 2);

    const auto value_csv = test::run_catena("value --data samples/crm --format csv");
    REQUIRE(value_csv.exit_code == 0);
    CHECK(lines(value_csv.out) > 1 + 300);
    CHECK(lines(test::run_catena("value --data samples/crm --format csv --top 7").out) == 1 + 7);

    const auto reached = nlohmann::json::parse(
        test::run_catena("simulate --data samples/crm --seeds C0042 --sims 300 --format json").out);
    CHECK(reached["most_likely_reached"].size() > 10);
    const auto ten = nlohmann::json::parse(
        test::run_catena(
            "simulate --data samples/crm --seeds C0042 --sims 300 --format json --top 10")
            .out);
    CHECK(ten["most_likely_reached"].size() == 10);
    // --top 0 is everyone reached in a table too.
    const auto all =
        test::run_catena("simulate --data samples/crm --seeds C0042 --sims 300 --top 0");
    REQUIRE(all.exit_code == 0);
    CHECK(lines(all.out) >
          lines(test::run_catena("simulate --data samples/crm --seeds C0042 --sims 300").out));
}
