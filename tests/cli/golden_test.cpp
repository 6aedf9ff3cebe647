// Golden CLI tests: `catena` on the sample data must print exactly the checked-in output.
// After an intended change of output, regenerate with CATENA_UPDATE_GOLDEN=1 and review the diff.
#include <cstdlib>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "test_util.hpp"

using namespace catena;

namespace {
void check_golden(const std::string& arguments, const std::string& golden_file) {
    const auto golden = test::source_dir() / "tests" / "golden" / golden_file;
    const test::RunResult result = test::run_catena(arguments);
    REQUIRE(result.exit_code == 0);
    CHECK(result.err.empty());
    if (std::getenv("CATENA_UPDATE_GOLDEN")) test::write_file(golden, result.out);
    INFO("compare with " << golden.string() << " (CATENA_UPDATE_GOLDEN=1 rewrites it)");
    CHECK(result.out == test::read_file(golden));
}
}  // namespace

TEST_CASE("Golden: catena stats on the sample data", "[cli][golden]") {
    check_golden("stats --data samples/crm", "stats_sample.txt");
    check_golden("stats --data samples/crm --format json", "stats_sample.json");
}

TEST_CASE("Golden: the sample imported into a database gives the same stats", "[cli][golden]") {
    test::ScratchDir scratch;
    const std::string db = (scratch / "crm.db").string();
    REQUIRE(test::run_catena("import samples/crm --db '" + db + "'").exit_code == 0);
    const auto from_db = test::run_catena("stats --db '" + db + "' --format json");
    const auto from_csv = test::run_catena("stats --data samples/crm --format json");
    REQUIRE(from_db.exit_code == 0);
    // Identical apart from where the data came from and the workspace's import log.
    const auto body = [](const std::string& text) {
        nlohmann::ordered_json json = nlohmann::ordered_json::parse(text);
        json.erase("source");
        json.erase("imports");
        return json.dump(2);
    };
    CHECK(body(from_db.out) == body(from_csv.out));
    CHECK(nlohmann::json::parse(from_db.out)["imports"].size() == 1);
}

TEST_CASE("Golden: catena rank on the sample data", "[cli][golden]") {
    check_golden("rank --data samples/crm --top 15", "rank_sample.txt");
}

TEST_CASE("Golden: catena communities on the sample data", "[cli][golden]") {
    check_golden("communities --data samples/crm --top 10", "communities_sample.txt");
}

TEST_CASE("Golden: catena simulate on the sample data with a fixed seed", "[cli][golden]") {
    check_golden("simulate --data samples/crm --seeds C0042,C0007 --sims 2000 --seed 5",
                 "simulate_sample.txt");
}

TEST_CASE("Golden: catena compare on the sample data", "[cli][golden]") {
    check_golden("compare --data samples/crm -k 6 --sims 500", "compare_sample.txt");
}
