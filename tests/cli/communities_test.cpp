#include <catch2/catch.hpp>
#include <sqlite3.h>

#include "test_util.hpp"

using namespace catena;

TEST_CASE("catena communities: membership file, database runs and starting partitions",
          "[cli][communities]") {
    test::ScratchDir scratch;
    const auto db = scratch / "crm.db";
    const auto membership = scratch / "members.csv";
    REQUIRE(test::run_catena("import samples/crm --db '" + db.string() + "'").exit_code == 0);
    const auto first =
        test::run_catena("communities --db '" + db.string() + "' --format json --membership-out '" +
                         membership.string() + "'");
    REQUIRE(first.exit_code == 0);
    CHECK(first.err.find("saved as run 1") != std::string::npos);
    const std::string members = test::read_file(membership);
    CHECK(members.rfind("id,community,opt_out\n", 0) == 0);
    CHECK(std::count(members.begin(), members.end(), '\n') == 401);

    // Starting from the run's own communities, with another seed, keeps them (a local optimum).
    const auto again = test::run_catena("communities --db '" + db.string() +
                                        "' --initial-run 1 --seed 9 --format json");
    REQUIRE(again.exit_code == 0);
    const auto modularity_of = [](const std::string& json) {
        const auto at = json.find("\"modularity\": ");
        return std::stod(json.substr(at + 14));
    };
    CHECK(modularity_of(again.out) >= modularity_of(first.out) - 1e-12);
    const auto from_file = test::run_catena("communities --data samples/crm --initial '" +
                                            membership.string() + "' --format json");
    REQUIRE(from_file.exit_code == 0);
    CHECK(modularity_of(from_file.out) >= modularity_of(first.out) - 1e-12);

    sqlite3* handle = nullptr;
    sqlite3_open_v2(db.c_str(), &handle, SQLITE_OPEN_READONLY, nullptr);
    sqlite3_stmt* statement = nullptr;
    sqlite3_prepare_v2(handle, "SELECT count(*) FROM community_members WHERE run_id = 1", -1,
                       &statement, nullptr);
    REQUIRE(sqlite3_step(statement) == SQLITE_ROW);
    CHECK(sqlite3_column_int64(statement, 0) == 400);
    sqlite3_finalize(statement);
    sqlite3_close(handle);
}

TEST_CASE("catena communities: start from a customers column, rank top customers by PageRank",
          "[cli][communities]") {
    const auto by_segment = test::run_catena(
        "communities --data samples/crm --initial-column segment --top-by pagerank --format json");
    REQUIRE(by_segment.exit_code == 0);
    CHECK(by_segment.out.find("\"top_customers_by\": \"pagerank\"") != std::string::npos);
    const auto by_city =
        test::run_catena("communities --data samples/crm --initial-column city --top 3");
    REQUIRE(by_city.exit_code == 0);
    CHECK(by_city.out.find("top customers by degree") != std::string::npos);
}

TEST_CASE("catena communities: bad parameters and inputs", "[cli][communities]") {
    test::ScratchDir scratch;
    const auto bad = scratch / "bad.csv";
    test::write_file(bad, "id,community\nC0001,a\nNOPE,b\n");
    const std::pair<std::string, std::pair<int, std::string>> cases[] = {
        {"--method spectral", {2, "--method must be leiden, louvain or lpa"}},
        {"--resolution 0", {2, "resolution must be a number > 0"}},
        {"--max-iterations 0", {2, "max_iterations must be at least 1"}},
        {"--initial-run 3", {2, "--initial-run needs --db"}},
        {"--initial-column shoe_size", {2, "the customers have no column 'shoe_size'"}},
        {"--top-by value", {2, "--top-by must be degree or pagerank"}},
        {"--initial '" + bad.string() + "'", {3, bad.string() + ":3: id: unknown customer 'NOPE'"}},
    };
    for (const auto& [arguments, expected] : cases) {
        INFO(arguments);
        const auto result = test::run_catena("communities --data samples/crm " + arguments);
        CHECK(result.exit_code == expected.first);
        CHECK(result.err.find(expected.second) != std::string::npos);
    }
}
