// catena runs: the stored runs listed and shown without sqlite3, and --initial-run that names a
// run of another kind.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "test_util.hpp"

using namespace catena;

TEST_CASE("catena runs lists the stored runs and shows one", "[cli][runs][workspace]") {
    test::ScratchDir scratch;
    const std::string db = "'" + (scratch / "ws.db").string() + "'";
    REQUIRE(test::run_catena("import --data samples/crm --db " + db + " -q").exit_code == 0);

    // A workspace without runs says so, in every format.
    const auto none = test::run_catena("runs --db " + db);
    REQUIRE(none.exit_code == 0);
    CHECK(none.out.find("No runs stored in ") != std::string::npos);
    CHECK(nlohmann::json::parse(test::run_catena("runs --db " + db + " --format json").out)["runs"]
              .empty());

    REQUIRE(test::run_catena("rank --db " + db + " --top 5 -q").exit_code == 0);
    REQUIRE(test::run_catena("seeds --db " + db + " -k 3 --eps 0.3 -q").exit_code == 0);
    REQUIRE(test::run_catena("communities --db " + db + " -q").exit_code == 0);

    const auto table = test::run_catena("runs --db " + db);
    REQUIRE(table.exit_code == 0);
    INFO(table.out);
    CHECK(table.out.find("3 runs stored in ") != std::string::npos);
    CHECK(table.out.find("    1  ") != std::string::npos);
    CHECK(table.out.find("  rank  ") != std::string::npos);
    CHECK(table.out.find("  seeds  ") != std::string::npos);
    CHECK(table.out.find("k=3") != std::string::npos);
    CHECK(table.out.find("eps=0.3") != std::string::npos);

    const auto json =
        nlohmann::json::parse(test::run_catena("runs --db " + db + " --format json").out);
    REQUIRE(json["runs"].size() == 3);
    CHECK(json["runs"][0]["id"] == 1);
    CHECK(json["runs"][0]["command"] == "rank");
    CHECK(json["runs"][1]["command"] == "seeds");
    CHECK(json["runs"][1]["parameters"]["k"] == 3);
    CHECK(json["runs"][2]["command"] == "communities");
    const auto csv = test::run_catena("runs --db " + db + " --format csv");
    CHECK(csv.out.rfind("id,started_at,finished_at,command,parameters\n", 0) == 0);
    CHECK(std::count(csv.out.begin(), csv.out.end(), '\n') == 4);

    const auto shown = test::run_catena("runs show 2 --db " + db);
    REQUIRE(shown.exit_code == 0);
    CHECK(shown.out.rfind("Run 2: catena seeds\n", 0) == 0);
    CHECK(shown.out.find("results   3 rows in table seed_choices (WHERE run_id = 2)") !=
          std::string::npos);
    const auto shown_json =
        nlohmann::json::parse(test::run_catena("runs show 2 --db " + db + " --format json").out);
    CHECK(shown_json["result_rows"]["seed_choices"] == 3);
    CHECK(shown_json["parameters"]["eps"] == 0.3);
    CHECK(shown_json["summary"].is_object());

    // Bad requests: one line each, usage (2) or input (3) errors.
    const std::pair<std::string, std::pair<int, std::string>> cases[] = {
        {"runs", {2, "runs needs --db FILE"}},
        {"runs show --db " + db, {2, "runs: give nothing (to list the runs) or show ID"}},
        {"runs show two --db " + db, {2, "not 'show two'"}},
        {"runs list --db " + db, {2, "not 'list'"}},
        {"runs show 9 --db " + db,
         {3, "no run 9: its runs are 1 (rank), 2 (seeds), 3 (communities) (catena runs --db "}},
        {"runs --db '" + (scratch / "none.db").string() + "'",
         {3, "no such database file (create one with catena import)"}},
        {"communities --db " + db + " --initial-run 2",
         {3, "run 2 is a seeds run, not a communities run: it stored no communities"}},
        {"communities --db " + db + " --initial-run 7", {3, "no run 7: its runs are 1 (rank)"}},
    };
    for (const auto& [arguments, expected] : cases) {
        INFO(arguments);
        const auto result = test::run_catena(arguments);
        CHECK(result.exit_code == expected.first);
        CHECK(result.err.find(expected.second) != std::string::npos);
        CHECK(std::count(result.err.begin(), result.err.end(), '\n') == 1);
    }
    // The communities run does start a new one.
    CHECK(test::run_catena("communities --db " + db + " --initial-run 3 -q").exit_code == 0);
}
