#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "test_util.hpp"

using namespace catena;

TEST_CASE("catena simulate: formats, seeds file, models", "[cli][simulate]") {
    test::ScratchDir scratch;
    test::write_file(scratch / "seeds.csv", "id,name\nC0042,Noor\r\nC0007,Daniel\n");
    const auto from_file =
        test::run_catena("simulate --data samples/crm --seeds-file '" +
                         (scratch / "seeds.csv").string() + "' --sims 2000 --seed 5 --format json");
    const auto from_list = test::run_catena(
        "simulate --data samples/crm --seeds C0042,C0007 --sims 2000 --seed 5 --format json");
    REQUIRE(from_file.exit_code == 0);
    CHECK(from_file.out == from_list.out);
    const auto csv =
        test::run_catena("simulate --data samples/crm --seeds C0042 --sims 500 --format csv");
    REQUIRE(csv.exit_code == 0);
    CHECK(std::count(csv.out.begin(), csv.out.end(), '\n') == 401);
    for (const char* model : {"--model lt", "--probability constant:0.05", "--probability learned",
                              "--probability column"}) {
        INFO(model);
        CHECK(test::run_catena(
                  std::string("simulate --data samples/crm --seeds C0042 --sims 200 ") + model)
                  .exit_code == 0);
    }
    // The planted hidden influencer reaches far more than the planted loner.
    const auto spread = [](const std::string& json) {
        return std::stod(json.substr(json.find("\"expected_spread\": ") + 19));
    };
    const auto hidden =
        test::run_catena("simulate --data samples/crm --seeds C0042 --sims 2000 --format json");
    const auto loner =
        test::run_catena("simulate --data samples/crm --seeds C0123 --sims 2000 --format json");
    CHECK(spread(hidden.out) > 5 * spread(loner.out));
}

TEST_CASE("catena simulate --seeds-file takes catena's own seeds CSV (the id column by name)",
          "[cli][simulate][seeds]") {
    test::ScratchDir scratch;
    const auto seeds = test::run_catena("seeds --data samples/crm -k 3 --format csv");
    REQUIRE(seeds.exit_code == 0);
    REQUIRE(seeds.out.rfind("order,id,", 0) == 0);
    test::write_file(scratch / "seeds.csv", seeds.out);
    // The same ids by hand, from the seeds table's second column.
    std::vector<std::string> ids;
    std::istringstream lines(seeds.out);
    std::string line;
    std::getline(lines, line);
    while (std::getline(lines, line)) {
        const std::size_t comma = line.find(',');
        ids.push_back(line.substr(comma + 1, line.find(',', comma + 1) - comma - 1));
    }
    REQUIRE(ids.size() == 3);
    const std::string common = " --sims 1000 --seed 3 --format json";
    const auto from_file = test::run_catena("simulate --data samples/crm --seeds-file '" +
                                            (scratch / "seeds.csv").string() + "'" + common);
    const auto from_list = test::run_catena("simulate --data samples/crm --seeds " + ids[0] + "," +
                                            ids[1] + "," + ids[2] + common);
    REQUIRE(from_file.exit_code == 0);
    CHECK(from_file.out == from_list.out);
    // A semicolon-separated export with a Customer column works too.
    test::write_file(scratch / "list.csv",
                     "Segment;Customer\nx;" + ids[0] + "\ny;" + ids[1] + "\n");
    const auto semicolons = test::run_catena("simulate --data samples/crm --seeds-file '" +
                                             (scratch / "list.csv").string() + "'" + common);
    const auto two =
        test::run_catena("simulate --data samples/crm --seeds " + ids[0] + "," + ids[1] + common);
    REQUIRE(semicolons.exit_code == 0);
    CHECK(semicolons.out == two.out);
}

TEST_CASE("catena simulate: bad parameters are usage errors", "[cli][simulate]") {
    const std::pair<const char*, const char*> cases[] = {
        {"", "give the seed customers"},
        {"--seeds NOPE", "unknown seed customer 'NOPE'"},
        {"--seeds C0042,C0042", "is given twice"},
        {"--seeds C0042 --model sir", "--model must be ic or lt"},
        {"--seeds C0042 --probability constant:2", "needs P in [0, 1]"},
        {"--seeds C0042 --sims 0", "at least 1"},
    };
    for (const auto& [arguments, message] : cases) {
        INFO(arguments);
        const auto result =
            test::run_catena(std::string("simulate --data samples/crm ") + arguments);
        CHECK(result.exit_code == 2);
        CHECK(result.err.find(message) != std::string::npos);
    }
}
