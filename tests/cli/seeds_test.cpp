#include <catch2/catch.hpp>

#include "test_util.hpp"

using namespace catena;

TEST_CASE("catena seeds: the planted hidden influencer first; filters, budget, formats", "[cli][seeds]") {
    const auto table = test::run_catena("seeds --data samples/crm -k 3");
    REQUIRE(table.exit_code == 0);
    CHECK(table.out.find("    1  C0042") != std::string::npos);
    const auto csv = test::run_catena("seeds --data samples/crm -k 4 --only-kind business --format csv");
    REQUIRE(csv.exit_code == 0);
    CHECK(std::count(csv.out.begin(), csv.out.end(), '\n') == 5);
    CHECK(csv.out.find(",person,") == std::string::npos);
    const auto excluded = test::run_catena("seeds --data samples/crm -k 3 --exclude-segment consumer-occasional --format csv");
    REQUIRE(excluded.exit_code == 0);
    CHECK(excluded.out.find("consumer-occasional") == std::string::npos);
    const auto json = test::run_catena("seeds --data samples/crm -k 5 --objective value --budget 50 --model lt --format json");
    REQUIRE(json.exit_code == 0);
    CHECK(json.out.find("\"objective\": \"value\"") != std::string::npos);
    CHECK(json.out.find("\"guarantee_holds\": true") != std::string::npos);
}

TEST_CASE("catena seeds: bad parameters are usage errors", "[cli][seeds]") {
    const std::pair<const char*, const char*> cases[] = {
        {"-k 0", "k must be at least 1"},
        {"-k 1000", "but only"},
        {"--eps 1.5", "eps must be in (0, 1)"},
        {"--eps 0", "eps must be in (0, 1)"},
        {"--objective fame", "--objective must be customers or value"},
        {"--model sir", "--model must be ic or lt"},
        {"--probability constant:7", "needs P in [0, 1]"},
        {"--exclude-segment astronauts", "no customer is in segment 'astronauts'"},
        {"--only-kind robot", "--only-kind must be person or business"},
        {"--budget -5", "the budget must be a number >= 0"},
    };
    for (const auto& [arguments, message] : cases) {
        INFO(arguments);
        const auto result = test::run_catena(std::string("seeds --data samples/crm ") + arguments);
        CHECK(result.exit_code == 2);
        CHECK(result.err.find(message) != std::string::npos);
    }
}
