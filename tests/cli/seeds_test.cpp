#include <map>
#include <sstream>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "test_util.hpp"

using namespace catena;

TEST_CASE("catena seeds: the planted hidden influencer first, filters, budget, formats",
          "[cli][seeds]") {
    const auto table = test::run_catena("seeds --data samples/crm -k 3");
    REQUIRE(table.exit_code == 0);
    CHECK(table.out.find("    1  C0042") != std::string::npos);
    const auto csv =
        test::run_catena("seeds --data samples/crm -k 4 --only-kind business --format csv");
    REQUIRE(csv.exit_code == 0);
    CHECK(std::count(csv.out.begin(), csv.out.end(), '\n') == 5);
    CHECK(csv.out.find(",person,") == std::string::npos);
    const auto excluded = test::run_catena(
        "seeds --data samples/crm -k 3 --exclude-segment consumer-occasional --format csv");
    REQUIRE(excluded.exit_code == 0);
    CHECK(excluded.out.find("consumer-occasional") == std::string::npos);
    const auto json = test::run_catena(
        "seeds --data samples/crm -k 5 --objective value --budget 50 --model lt --format json");
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
        // The sample's cheapest customer who may be chosen costs 5.16: refused at once.
        {"--budget 5",
         "seeds: a budget of 5 buys no customer that may be chosen: the cheapest "
         "costs 5.16"},
    };
    for (const auto& [arguments, message] : cases) {
        INFO(arguments);
        const auto result = test::run_catena(std::string("seeds --data samples/crm ") + arguments);
        CHECK(result.exit_code == 2);
        CHECK(result.err.find(message) != std::string::npos);
    }
}

TEST_CASE("catena seeds: --only-segment, segment names in any case, unknown ones listed",
          "[cli][seeds]") {
    const auto segment_column = [](const std::string& csv) {
        std::vector<std::string> segments;
        std::istringstream lines(csv);
        std::string line;
        std::getline(lines, line);  // order,id,name,kind,segment,cost,marginal_estimate
        while (std::getline(lines, line)) {
            std::vector<std::string> cells;
            std::string cell;
            std::istringstream fields(line);
            while (std::getline(fields, cell, ',')) cells.push_back(cell);
            // A name may hold a quoted comma; the segment is third from the end.
            REQUIRE(cells.size() >= 7);
            segments.push_back(cells[cells.size() - 3]);
        }
        return segments;
    };
    const auto only = test::run_catena(
        "seeds --data samples/crm -k 4 --only-segment SMB --only-segment Horeca --format csv");
    REQUIRE(only.exit_code == 0);
    const std::vector<std::string> segments = segment_column(only.out);
    REQUIRE(segments.size() == 4);
    for (const std::string& segment : segments) CHECK((segment == "smb" || segment == "horeca"));
    const auto excluded = test::run_catena(
        "seeds --data samples/crm -k 5 --exclude-segment CONSUMER-Occasional --format csv");
    REQUIRE(excluded.exit_code == 0);
    for (const std::string& segment : segment_column(excluded.out))
        CHECK(segment != "consumer-occasional");
    // The same segment named in both ways leaves nobody to choose from.
    CHECK(test::run_catena("seeds --data samples/crm -k 1 --only-segment smb --exclude-segment SMB")
              .exit_code == 2);
    const auto unknown = test::run_catena("seeds --data samples/crm --only-segment vip");
    CHECK(unknown.exit_code == 2);
    CHECK(unknown.err.find("--only-segment: no customer is in segment 'vip' (the segments are: "
                           "consumer-occasional, consumer-premium, consumer-regular, enterprise, "
                           "horeca, smb)") != std::string::npos);
}

TEST_CASE("catena seeds: the budget spent is shown, and a budget needs costs", "[cli][seeds]") {
    const auto json = test::run_catena("seeds --data samples/crm -k 20 --budget 60 --format json");
    REQUIRE(json.exit_code == 0);
    const auto result = nlohmann::json::parse(json.out);
    double total = 0;
    for (const auto& seed : result["seeds"]) total += seed["cost"].get<double>();
    CHECK(result["budget"] == 60.0);
    CHECK(result["spent"].get<double>() == Approx(total));
    CHECK(result["spent"].get<double>() <= 60.0);
    CHECK(result["spent"].get<double>() > 0.0);
    const auto table = test::run_catena("seeds --data samples/crm -k 20 --budget 60");
    REQUIRE(table.exit_code == 0);
    CHECK(table.out.find("Spent ") != std::string::npos);
    CHECK(table.out.find(" of the budget of 60.00 (") != std::string::npos);
    // Without a budget there is no such line.
    CHECK(test::run_catena("seeds --data samples/crm -k 3").out.find("Spent ") ==
          std::string::npos);

    // Customers without a cost column: a budget is refused, not read as "everyone costs 1".
    test::ScratchDir scratch;
    test::write_file(scratch / "customers.csv", "id,kind\na,person\nb,person\nc,person\n");
    test::write_file(scratch / "relationships.csv", "source,target\na,b\nb,c\n");
    const auto no_costs =
        test::run_catena("seeds --data '" + scratch.path().string() + "' -k 1 --budget 2");
    CHECK(no_costs.exit_code == 2);
    CHECK(no_costs.err.find("a budget needs the customers' costs, and no customer has one") !=
          std::string::npos);
    CHECK(test::run_catena("seeds --data '" + scratch.path().string() + "' -k 1").exit_code == 0);
}

TEST_CASE("catena compare: maximisation beats random at every k, CSV and JSON", "[cli][compare]") {
    const auto csv = test::run_catena("compare --data samples/crm -k 10 --sims 800 --format csv");
    REQUIRE(csv.exit_code == 0);
    std::map<std::string, std::vector<double>> curves;
    std::istringstream lines(csv.out);
    std::string line;
    std::getline(lines, line);
    while (std::getline(lines, line)) {
        const auto first = line.find(','), second = line.find(',', first + 1),
                   third = line.find(',', second + 1);
        curves[line.substr(0, first)].push_back(
            std::stod(line.substr(second + 1, third - second - 1)));
    }
    REQUIRE(curves.size() == 5);
    for (std::size_t k = 0; k < 10; ++k) {
        CHECK(curves["maximisation"][k] > curves["random"][k]);
        CHECK(curves["maximisation"][k] >= 0.95 * curves["degree"][k]);
        if (k > 0) CHECK(curves["maximisation"][k] >= curves["maximisation"][k - 1]);
    }
    const auto json =
        test::run_catena("compare --data samples/crm -k 3 --sims 200 --format json --model lt");
    REQUIRE(json.exit_code == 0);
    CHECK(json.out.find("\"maximisation\"") != std::string::npos);
    CHECK(test::run_catena("compare --data samples/crm -k 0").exit_code == 2);
    CHECK(test::run_catena("compare --data samples/crm --sims 0").exit_code == 2);
}

TEST_CASE("catena seeds and simulate store their runs in the workspace", "[cli][seeds][simulate]") {
    test::ScratchDir scratch;
    const auto db = scratch / "crm.db";
    REQUIRE(test::run_catena("import samples/crm --db '" + db.string() + "'").exit_code == 0);
    const auto seeds = test::run_catena("seeds --db '" + db.string() + "' -k 4");
    REQUIRE(seeds.exit_code == 0);
    CHECK(seeds.err.find("saved as run 1") != std::string::npos);
    const auto simulation =
        test::run_catena("simulate --db '" + db.string() + "' --seeds C0042 --sims 300");
    REQUIRE(simulation.exit_code == 0);
    CHECK(simulation.err.find("saved as run 2") != std::string::npos);
    REQUIRE(
        test::run_catena("simulate --db '" + db.string() + "' --seeds C0042 --sims 300 --no-save")
            .exit_code == 0);
    const auto compare = test::run_catena("compare --db '" + db.string() + "' -k 3 --sims 200");
    REQUIRE(compare.exit_code == 0);
    CHECK(compare.err.find("saved as run 3 in") != std::string::npos);
    CHECK(test::run_catena("stats --db '" + db.string() + "' --quiet").exit_code ==
          0);  // results leave inputs alone
    // Reads one value with the sqlite3 shell (installed with catena's dependencies).
    const auto count = [&](const char* sql) {
        std::string command = "sqlite3 '" + db.string() + "' \"" + sql + "\"";
        std::FILE* pipe = popen(command.c_str(), "r");
        char buffer[64] = {0};
        const bool read = std::fgets(buffer, sizeof buffer, pipe) != nullptr;
        pclose(pipe);
        return read ? std::string(buffer) : std::string();
    };
    CHECK(count("SELECT count(*) FROM seed_choices WHERE run_id = 1") == "4\n");
    CHECK(count("SELECT customer FROM seed_choices WHERE run_id = 1 AND position = 1") ==
          "C0042\n");
    CHECK(count("SELECT count(*) FROM simulation_activation WHERE run_id = 2") == "400\n");
    CHECK(count("SELECT count(*) FROM runs") == "3\n");
    // compare: 5 strategies x k = 1..3, each point naming the seed it added.
    CHECK(count("SELECT count(*) FROM compare_points WHERE run_id = 3") == "15\n");
    CHECK(count("SELECT added_customer FROM compare_points WHERE run_id = 3 AND strategy = "
                "'maximisation' AND k = 1") == "C0042\n");
    CHECK(count("SELECT count(*) FROM compare_points WHERE run_id = 3 AND expected_spread >= k") ==
          "15\n");
    CHECK(count("SELECT json_extract(summary, '$.certified_approximation') > 0.5 FROM runs WHERE "
                "id = 1") == "1\n");
    CHECK(count("SELECT json_extract(summary, '$.rr_sets') > 0 FROM runs WHERE id = 1") == "1\n");
}

TEST_CASE(
    "catena seeds and compare show progress on a terminal, and not with --quiet or into a file",
    "[cli][seeds][progress]") {
    test::ScratchDir scratch;
    const auto log = scratch / "terminal.log";
    // `script` runs the command on a pseudo-terminal and records what the terminal shows.
    const auto on_terminal = [&](const std::string& arguments) {
        const std::string command = "cd '" + test::source_dir().string() + "' && script -qec \"'" +
                                    std::string(CATENA_BINARY) + "' " + arguments +
                                    " >/dev/null\" '" + log.string() + "' >/dev/null 2>&1";
        REQUIRE(std::system(command.c_str()) == 0);
        return test::read_file(log);
    };
    const std::string seeds = on_terminal("seeds --data samples/crm -k 3");
    CHECK(seeds.find("catena: seeds: round 1/") != std::string::npos);
    CHECK(seeds.find("certified ratio") != std::string::npos);
    const std::string compare = on_terminal("compare --data samples/crm -k 2 --sims 100");
    CHECK(compare.find("catena: compare: maximisation: round 1/") != std::string::npos);
    CHECK(compare.find("catena: compare: random: simulated k = 1..2") != std::string::npos);
    CHECK(on_terminal("seeds --data samples/crm -k 3 --quiet").find("round 1/") ==
          std::string::npos);
    CHECK(test::run_catena("seeds --data samples/crm -k 3").err.find("round 1/") ==
          std::string::npos);  // not a terminal
}
