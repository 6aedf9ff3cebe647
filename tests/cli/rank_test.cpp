#include <catch2/catch.hpp>
#include <sqlite3.h>

#include "test_util.hpp"

using namespace catena;

namespace {
std::int64_t query_number(const std::filesystem::path& db, const char* sql) {
    sqlite3* handle = nullptr;
    sqlite3_open_v2(db.c_str(), &handle, SQLITE_OPEN_READONLY, nullptr);
    sqlite3_stmt* statement = nullptr;
    std::int64_t value = -1;
    if (sqlite3_prepare_v2(handle, sql, -1, &statement, nullptr) == SQLITE_OK &&
        sqlite3_step(statement) == SQLITE_ROW)
        value = sqlite3_column_int64(statement, 0);
    sqlite3_finalize(statement);
    sqlite3_close(handle);
    return value;
}
}  // namespace

TEST_CASE("catena rank writes its scores back to the workspace, keyed by run", "[cli][rank]") {
    test::ScratchDir scratch;
    const auto db = scratch / "crm.db";
    REQUIRE(test::run_catena("import samples/crm --db '" + db.string() + "'").exit_code == 0);
    const auto first = test::run_catena("rank --db '" + db.string() + "' --top 3 --format csv");
    REQUIRE(first.exit_code == 0);
    CHECK(first.err.find("saved as run 1") != std::string::npos);
    const auto second = test::run_catena("rank --db '" + db.string() + "' --by core --top 3");
    REQUIRE(second.exit_code == 0);
    CHECK(second.err.find("saved as run 2") != std::string::npos);
    CHECK(query_number(db, "SELECT count(*) FROM runs") == 2);
    CHECK(query_number(db, "SELECT count(*) FROM rank_scores WHERE run_id = 1") == 400);
    CHECK(query_number(
              db, "SELECT count(*) FROM rank_scores WHERE run_id = 2 AND measure = 'core'") == 400);
    CHECK(query_number(
              db, "SELECT rank FROM rank_scores WHERE run_id = 1 AND customer = 'C0042'") == 1);
    // Scores stored at full precision equal the CSV output's.
    CHECK(first.out.find("1,C0042,") != std::string::npos);
    // --no-save leaves the database alone; a re-import keeps the results.
    REQUIRE(test::run_catena("rank --db '" + db.string() + "' --no-save").exit_code == 0);
    CHECK(query_number(db, "SELECT count(*) FROM runs") == 2);
    REQUIRE(test::run_catena("import samples/crm --db '" + db.string() + "'").exit_code == 0);
    CHECK(query_number(db, "SELECT count(*) FROM rank_scores") == 800);
}

TEST_CASE("catena rank: bad parameters are usage errors", "[cli][rank]") {
    const std::pair<const char*, const char*> cases[] = {
        {"--by fame", "--by must be pagerank, degree, core, betweenness or closeness"},
        {"--damping 1", "damping must be in [0, 1)"},
        {"--tolerance -1", "tolerance must be a number >= 0"},
        {"--direction sideways", "--direction must be influence or authority"},
        {"--personalize ids:C0001,NOPE", "unknown customer 'NOPE'"},
        {"--personalize ids:C0001=0", "gives no customer a weight above 0"},
        {"--personalize ids:C0001=-2", "bad weight"},
        {"--personalize segment:astronauts", "no customer is in segment 'astronauts'"},
        {"--personalize fame", "--personalize must be value, segment:NAME or ids:"},
        {"--by core --personalize value", "--personalize applies to --by pagerank only"},
        {"--by betweenness --pivots 5000",
         "pivots (5000) cannot exceed the number of customers (400)"},
    };
    for (const auto& [arguments, message] : cases) {
        INFO(arguments);
        const auto result = test::run_catena(std::string("rank --data samples/crm ") + arguments);
        CHECK(result.exit_code == 2);
        CHECK(result.err.find(message) != std::string::npos);
    }
}

TEST_CASE("catena rank: formats and measures", "[cli][rank]") {
    for (const char* by : {"pagerank", "degree", "core", "betweenness", "closeness"}) {
        INFO(by);
        const auto json = test::run_catena(
            std::string("rank --data samples/crm --top 5 --format json --by ") + by);
        REQUIRE(json.exit_code == 0);
        CHECK(json.out.find("\"measure\": \"" + std::string(by) + "\"") != std::string::npos);
        CHECK(json.out.find("\"rank\": 5") != std::string::npos);
    }
    const auto personalised = test::run_catena(
        "rank --data samples/crm --top 3 --personalize ids:B019=2,B024 --format csv");
    REQUIRE(personalised.exit_code == 0);
    CHECK(std::count(personalised.out.begin(), personalised.out.end(), '\n') == 4);
}
