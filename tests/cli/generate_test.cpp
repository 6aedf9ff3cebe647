#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "test_util.hpp"

using namespace catena;

TEST_CASE("catena generate writes CSV tables, or straight into a workspace database",
          "[cli][generate]") {
    test::ScratchDir scratch;
    const auto db = scratch / "world.db";
    const auto into_db =
        test::run_catena("generate --customers 500 --seed 3 --db '" + db.string() + "'");
    REQUIRE(into_db.exit_code == 0);
    CHECK(into_db.out.find("Imported them into") != std::string::npos);
    // Only the database is left: the scratch CSV folder is gone.
    std::size_t entries = 0;
    for (const auto& entry : std::filesystem::directory_iterator(scratch.path())) {
        (void)entry;
        ++entries;
    }
    CHECK(entries == 1);
    const auto stats = test::run_catena("stats --db '" + db.string() + "' --format json");
    REQUIRE(stats.exit_code == 0);
    CHECK(stats.out.find("\"total\": 500") != std::string::npos);

    const auto both =
        test::run_catena("generate --customers 500 --seed 3 --out '" + (scratch / "csv").string() +
                         "' --db '" + (scratch / "second.db").string() + "' --quiet");
    REQUIRE(both.exit_code == 0);
    CHECK(both.out.empty());
    CHECK(std::filesystem::exists(scratch / "csv" / "communities.csv"));
    // The same seed gives the same world, whichever way it was written.
    const auto again =
        test::run_catena("stats --db '" + (scratch / "second.db").string() + "' --format json");
    // Identical but for where the files were (a scratch folder or --out): the imports hold the
    // same files, by fingerprint.
    const auto body = [](const std::string& text) {
        nlohmann::ordered_json json = nlohmann::ordered_json::parse(text);
        json.erase("source");
        json.erase("imports");
        return json.dump();
    };
    CHECK(body(again.out) == body(stats.out));
    const auto fingerprints = [](const std::string& text) {
        std::vector<std::string> out;
        const nlohmann::json json = nlohmann::json::parse(text);
        for (const auto& file : json["imports"][0]["files"]) out.push_back(file["fingerprint"]);
        return out;
    };
    CHECK(fingerprints(again.out) == fingerprints(stats.out));
    CHECK(fingerprints(again.out).size() == 4);

    CHECK(test::run_catena("generate --customers 500").exit_code == 2);
    CHECK(test::run_catena("generate --customers 1 --out '" + (scratch / "x").string() + "'")
              .exit_code == 2);
}
