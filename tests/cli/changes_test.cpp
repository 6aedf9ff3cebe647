// Ongoing collection: a generated world imported in two parts, a report on each, `catena changes`
// between them, `report --since-run` (warm starts) against a cold run, a repeated run detected
// by its data, and the bad --since-run / --from / --to cases.
#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <sqlite3.h>

#include "test_util.hpp"
#include "xlsx_util.hpp"

using namespace catena;
using Json = nlohmann::json;

namespace {

std::vector<std::string> lines_of(const std::filesystem::path& path) {
    std::ifstream in(path);
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
}

// One CSV record's fields (quoted fields may hold commas and doubled quotes; no newlines here).
std::vector<std::string> fields_of(const std::string& line) {
    std::vector<std::string> fields(1);
    bool quoted = false;
    for (std::size_t at = 0; at < line.size(); ++at) {
        const char c = line[at];
        if (quoted && c == '"' && at + 1 < line.size() && line[at + 1] == '"') {
            fields.back() += '"';
            ++at;
        } else if (c == '"') {
            quoted = !quoted;
        } else if (c == ',' && !quoted) {
            fields.emplace_back();
        } else {
            fields.back() += c;
        }
    }
    return fields;
}

void write_lines(const std::filesystem::path& path, const std::vector<std::string>& lines) {
    std::ofstream out(path);
    for (const std::string& line : lines) out << line << '\n';
}

// A report CSV table as (key column, value column) pairs, columns found by their header.
std::vector<std::pair<std::string, std::string>> column_pairs(const std::filesystem::path& table,
                                                              const std::string& key,
                                                              const std::string& value) {
    const std::vector<std::string> lines = lines_of(table);
    REQUIRE(!lines.empty());
    const std::vector<std::string> header = fields_of(lines[0]);
    const auto column = [&](const std::string& name) {
        const auto found = std::find(header.begin(), header.end(), name);
        REQUIRE(found != header.end());
        return static_cast<std::size_t>(found - header.begin());
    };
    const std::size_t k = column(key), v = column(value);
    std::vector<std::pair<std::string, std::string>> pairs;
    for (std::size_t row = 1; row < lines.size(); ++row) {
        const std::vector<std::string> fields = fields_of(lines[row]);
        REQUIRE(fields.size() > std::max(k, v));
        pairs.emplace_back(fields[k], fields[v]);
    }
    return pairs;
}

// The customers in a quadrant, from a report's values.csv.
std::set<std::string> quadrant_members(const std::filesystem::path& values,
                                       const std::string& name) {
    std::set<std::string> members;
    for (const auto& [id, quadrant] : column_pairs(values, "id", "quadrant"))
        if (quadrant == name) members.insert(id);
    return members;
}

// id -> score from a report's influencers.csv.
std::map<std::string, double> scores_of(const std::filesystem::path& influencers) {
    std::map<std::string, double> scores;
    for (const auto& [id, score] : column_pairs(influencers, "id", "score"))
        scores[id] = std::stod(score);
    return scores;
}

std::int64_t count_runs(const std::string& db) {
    sqlite3* handle = nullptr;
    sqlite3_open_v2(db.c_str(), &handle, SQLITE_OPEN_READONLY, nullptr);
    sqlite3_stmt* statement = nullptr;
    sqlite3_prepare_v2(handle, "SELECT count(*) FROM runs", -1, &statement, nullptr);
    const std::int64_t runs =
        sqlite3_step(statement) == SQLITE_ROW ? sqlite3_column_int64(statement, 0) : -1;
    sqlite3_finalize(statement);
    sqlite3_close(handle);
    return runs;
}

}  // namespace

TEST_CASE(
    "Two imports, two reports: catena changes names the planted riser, the new hidden "
    "influencers, and a warm report equals a cold one",
    "[cli][changes][workspace]") {
    test::ScratchDir scratch;
    const auto world = scratch / "world";
    REQUIRE(test::run_catena("generate --customers 3000 --seed 4 -q --out '" + world.string() + "'")
                .exit_code == 0);
    // Part one: the customers, transactions, 95% of the relationships and all but the last 50
    // referrals. Part two: the rest, plus 60 new relationships into one ordinary customer.
    const auto one = scratch / "one", two = scratch / "two";
    std::filesystem::create_directories(one);
    std::filesystem::create_directories(two);
    std::filesystem::copy_file(world / "customers.csv", one / "customers.csv");
    std::filesystem::copy_file(world / "transactions.csv", one / "transactions.csv");
    const std::vector<std::string> relationships = lines_of(world / "relationships.csv");
    const std::size_t cut = 1 + (relationships.size() - 1) * 95 / 100;
    write_lines(one / "relationships.csv",
                {relationships.begin(), relationships.begin() + static_cast<std::ptrdiff_t>(cut)});
    std::vector<std::string> later{relationships.front()};
    later.insert(later.end(), relationships.begin() + static_cast<std::ptrdiff_t>(cut),
                 relationships.end());
    std::vector<std::string> ids;
    for (const std::string& line : lines_of(world / "customers.csv"))
        ids.push_back(fields_of(line)[0]);
    ids.erase(ids.begin());  // the header
    REQUIRE(ids.size() == 3000);
    const std::string riser = ids.back();  // an ordinary customer, by the generator's order
    for (std::size_t friend_ = 0; friend_ < 60; ++friend_)
        later.push_back(ids[friend_ * 41 + 7] + "," + riser + ",friend,3,2026-11-30");
    write_lines(two / "relationships.csv", later);
    const std::vector<std::string> referrals = lines_of(world / "referrals.csv");
    REQUIRE(referrals.size() > 100);
    write_lines(one / "referrals.csv", {referrals.begin(), referrals.end() - 50});
    std::vector<std::string> new_referrals{referrals.front()};
    new_referrals.insert(new_referrals.end(), referrals.end() - 50, referrals.end());
    write_lines(two / "referrals.csv", new_referrals);

    const std::string db = (scratch / "ws.db").string();
    const std::string q = "'" + db + "'";
    const auto job = scratch / "job.toml";
    test::write_file(job, "[compare]\nenabled = false\n[cards]\nenabled = false\n");
    const std::string report = "report --job '" + job.string() + "' --db " + q + " -q --out '";
    REQUIRE(test::run_catena("import --data '" + one.string() + "' --db " + q + " -q").exit_code ==
            0);
    // The first scheduled report: --since-run last has nothing to build on, and runs cold.
    const auto first = test::run_catena(report + (scratch / "r1").string() + "' --since-run last");
    INFO(first.err);
    REQUIRE(first.exit_code == 0);
    CHECK_FALSE(
        Json::parse(test::read_file(scratch / "r1" / "summary.json"))["run"].contains("reuse"));

    // The same data and job again: nothing run, nothing stored, exit 0.
    const auto repeat = test::run_catena(report + (scratch / "r1b").string() + "'");
    CHECK(repeat.exit_code == 0);
    CHECK(repeat.err.empty());  // -q: no note
    CHECK(repeat.out.find("Unchanged since run 1") != std::string::npos);
    CHECK(count_runs(db) == 1);
    std::string loud = report;
    loud.replace(loud.find(" -q "), 4, " ");
    const auto noted = test::run_catena(loud + (scratch / "r1b").string() + "'");
    CHECK(noted.exit_code == 0);
    CHECK(noted.err.find("nothing new") != std::string::npos);
    CHECK(count_runs(db) == 1);
    CHECK_FALSE(std::filesystem::exists(scratch / "r1b"));

    REQUIRE(test::run_catena("import --append --data '" + two.string() + "' --db " + q + " -q")
                .exit_code == 0);
    const auto warm =
        test::run_catena(report + (scratch / "r2").string() + "' --since-run last --timings");
    INFO(warm.err);
    REQUIRE(warm.exit_code == 0);
    // --timings names each step, the reading of the earlier run and the changes among them.
    for (const char* step : {"load", "since", "influencers", "communities", "save", "changes",
                             "html", "workbook", "report"})
        CHECK(warm.err.find("catena: timing: " + std::string(step) + " ") != std::string::npos);
    // A cold run on the same data (--force: the job differs only by --since-run).
    REQUIRE(test::run_catena(report + (scratch / "r3").string() + "' --force").exit_code == 0);
    CHECK(count_runs(db) == 3);

    const auto changes = test::run_catena("changes --db " + q + " --from 1 --to 2 --format json");
    INFO(changes.err);
    REQUIRE(changes.exit_code == 0);
    const Json c = Json::parse(changes.out);
    CHECK(c["input"]["new_rows"]["relationships"] == later.size() - 1);
    CHECK(c["input"]["new_rows"]["referrals"] == 50);
    CHECK(c["influencers"]["risers"][0]["id"] == riser);

    // New hidden influencers: the cold run's hidden influencers less the first run's.
    std::set<std::string> expected =
        quadrant_members(scratch / "r3" / "values.csv", "hidden-influencers");
    for (const std::string& id :
         quadrant_members(scratch / "r1" / "values.csv", "hidden-influencers"))
        expected.erase(id);
    const auto listed = c["quadrants"]["new_hidden_influencers"].get<std::vector<std::string>>();
    CHECK(std::set<std::string>(listed.begin(), listed.end()) == expected);
    CHECK(listed.size() == expected.size());

    // The warm report: what it reused, the same scores as the cold one, no worse communities.
    const Json s2 = Json::parse(test::read_file(scratch / "r2" / "summary.json"));
    const Json s3 = Json::parse(test::read_file(scratch / "r3" / "summary.json"));
    REQUIRE(s2["run"].contains("reuse"));
    CHECK(s2["run"]["reuse"]["since_run"] == 1);
    CHECK(s2["run"]["reuse"]["pagerank"]["warm_start"] == true);
    CHECK(s2["run"]["reuse"]["communities"]["initial_partition"] == true);
    CHECK(s2["influencers"]["iterations"].get<int>() < s3["influencers"]["iterations"].get<int>());
    CHECK(s2["changes"]["from"]["id"] == 1);
    CHECK(s2["changes"]["to"]["id"] == 2);
    CHECK(s2["communities"]["modularity"].get<double>() >=
          s3["communities"]["modularity"].get<double>() - 0.002);
    const auto warm_scores = scores_of(scratch / "r2" / "influencers.csv");
    const auto cold_scores = scores_of(scratch / "r3" / "influencers.csv");
    REQUIRE(warm_scores.size() == cold_scores.size());
    double largest = 0.0;
    for (const auto& [id, score] : cold_scores)
        largest = std::max(largest, std::abs(score - warm_scores.at(id)));
    CHECK(largest < 1e-9);  // both within PageRank's tolerance (1e-10 in L1) of the fixed point

    // The workbook's Summary sheet has the same findings.
    const Json book = test::read_workbook(scratch / "r2" / "report.xlsx");
    const auto finding = [&](const std::string& name) {
        for (const Json& row : book["tables"]["Summary"]["cells"])
            if (row[0] == "What changed" && row[1] == name) return row[2];
        FAIL("no finding What changed: " << name);
        return Json();
    };
    CHECK(finding("since run") == 1);
    CHECK(finding("new hidden influencers") == expected.size());
    CHECK(finding("rising influencers").get<std::string>().starts_with(riser + ", "));
    CHECK(finding("new referrals") == 50);

    // The text form names the riser too.
    const auto text = test::run_catena("changes --db " + q + " --from 1 --to 2");
    CHECK(text.out.find("Rising influencers") != std::string::npos);
    CHECK(text.out.find(riser) != std::string::npos);

    // Bad --since-run, --from and --to: one line, exit 2, nothing stored.
    REQUIRE(test::run_catena("rank --db " + q + " --top 3 -q").exit_code == 0);  // run 4
    const std::int64_t runs = count_runs(db);
    const auto bad = [&](const std::string& arguments, const std::string& says) {
        const auto result = test::run_catena(arguments);
        INFO(arguments << "\n" << result.err);
        CHECK(result.exit_code == 2);
        CHECK(result.err.find(says) != std::string::npos);
        CHECK(std::count(result.err.begin(), result.err.end(), '\n') == 1);
        CHECK(count_runs(db) == runs);
    };
    bad(report + (scratch / "bad").string() + "' --force --since-run 99", "no run 99");
    bad(report + (scratch / "bad").string() + "' --force --since-run 4",
        "is a rank run, not a report run");
    bad(report + (scratch / "bad").string() + "' --force --since-run soon",
        "must be last or a run id");
    bad("changes --db " + q + " --from 2 --to 1", "came after");
    bad("changes --db " + q + " --from 2 --to 2", "same run");
    bad("changes --db " + q + " --from 1 --to 4", "compare two runs of one command");
    bad("changes --db " + q + " --from 1 --to 77", "no run 77");
}

TEST_CASE("Building on a run recorded on another workspace's data is refused",
          "[cli][changes][workspace]") {
    test::ScratchDir scratch;
    const std::string db = (scratch / "ws.db").string();
    const std::string q = "'" + db + "'";
    REQUIRE(test::run_catena("import --data samples/crm --db " + q + " -q").exit_code == 0);
    const std::string report = "report --db " + q + " -q --out '" + (scratch / "r").string() + "'";
    REQUIRE(test::run_catena(report).exit_code == 0);
    // The import the run names now has another time: as if the runs table came from a copy of
    // another workspace.
    sqlite3* handle = nullptr;
    REQUIRE(sqlite3_open(db.c_str(), &handle) == SQLITE_OK);
    REQUIRE(sqlite3_exec(handle, "UPDATE imports SET time = '2001-01-01T00:00:00Z'", nullptr,
                         nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(handle);
    const auto result = test::run_catena(report + " --force --since-run 1");
    INFO(result.err);
    CHECK(result.exit_code == 2);
    CHECK(result.err.find("another workspace") != std::string::npos);
    CHECK(count_runs(db) == 1);
}
