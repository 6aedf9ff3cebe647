// Determinism (issue 9): every randomised command gives byte-identical output for the same seed at
// 1 and 2 threads and from one run to the next; a different seed gives a different answer (so the
// comparisons are not vacuous). Runs the real binary with OMP_NUM_THREADS set.
//
// The input is a generated world of 6,000 customers: more than one of PageRank's 4,096-node
// blocks and more than one work chunk for the samplers, small enough for a sanitizer build. Its
// communities are mixed (0.4) so that the partition found depends on the seed.
#include <map>
#include <set>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <sqlite3.h>

#include "test_util.hpp"

namespace {

using namespace catena;
namespace fs = std::filesystem;

std::string shell(const fs::path& path) {
    std::string out = "'";
    for (const char c : path.string()) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

// Runs catena with `threads` OpenMP threads; stdout is what the run printed.
test::RunResult run_threads(int threads, const std::string& arguments) {
    test::ScratchDir scratch;
    const auto out = scratch / "stdout", err = scratch / "stderr";
    const std::string command =
        "cd " + shell(test::source_dir()) + " && OMP_NUM_THREADS=" + std::to_string(threads) + " " +
        shell(fs::path(CATENA_BINARY)) + " " + arguments + " >" + shell(out) + " 2>" + shell(err);
    const int status = std::system(command.c_str());
    test::RunResult result;
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    result.out = test::read_file(out);
    result.err = test::read_file(err);
    return result;
}

// Every regular file under `dir`: relative path -> contents.
std::map<std::string, std::string> files_under(const fs::path& dir) {
    std::map<std::string, std::string> files;
    for (const auto& entry : fs::recursive_directory_iterator(dir))
        if (entry.is_regular_file())
            files[fs::relative(entry.path(), dir).string()] = test::read_file(entry.path());
    return files;
}

// A summary.json without the times of the run (and how long each analysis took).
std::string without_times(const std::string& summary) {
    auto json = nlohmann::ordered_json::parse(summary);
    REQUIRE(json["run"].contains("started_at"));
    json["run"].erase("started_at");
    json["run"].erase("finished_at");
    json["run"].erase("seconds");
    if (json.contains("data") && json["data"].contains("imports"))
        for (auto& record : json["data"]["imports"]) record.erase("time");
    if (json.contains("data") && json["data"].contains("workspace"))
        json["data"]["workspace"].erase("import_time");
    return json.dump(1);
}

// One result table of a workspace, every row in key order, without run times.
std::string table_rows(const fs::path& db, const std::string& table) {
    sqlite3* handle = nullptr;
    REQUIRE(sqlite3_open_v2(db.c_str(), &handle, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
    sqlite3_stmt* statement = nullptr;
    const std::string query = "SELECT * FROM " + table + " ORDER BY 1, 2, 3";
    REQUIRE(sqlite3_prepare_v2(handle, query.c_str(), -1, &statement, nullptr) == SQLITE_OK);
    std::string rows;
    while (sqlite3_step(statement) == SQLITE_ROW) {
        for (int column = 0; column < sqlite3_column_count(statement); ++column) {
            const auto* text =
                reinterpret_cast<const char*>(sqlite3_column_text(statement, column));
            rows += text ? text : "NULL";
            rows += '|';
        }
        rows += '\n';
    }
    sqlite3_finalize(statement);
    sqlite3_close(handle);
    return rows;
}

// One run of a command: what it printed and the files it wrote into `out` (its {out} folder).
struct Outcome {
    std::string printed;
    std::map<std::string, std::string> files;
};

// Runs `command` ("{out}" stands for a fresh output folder) at 1 thread, then twice at 2, and
// checks the three outcomes are byte-identical; returns the first.
Outcome same_at_1_and_2_threads(const std::string& command) {
    INFO(command);
    std::vector<Outcome> outcomes;
    for (const int threads : {1, 2, 2}) {
        test::ScratchDir out;
        std::string arguments = command;
        for (std::size_t at; (at = arguments.find("{out}")) != std::string::npos;)
            arguments.replace(at, 5, shell(out.path()));
        const auto result = run_threads(threads, arguments);
        INFO("threads " << threads << ": " << result.err);
        REQUIRE(result.exit_code == 0);
        outcomes.push_back({result.out, files_under(out.path())});
    }
    CHECK(outcomes[0].printed == outcomes[1].printed);
    CHECK(outcomes[1].printed == outcomes[2].printed);
    CHECK(outcomes[0].files == outcomes[1].files);
    CHECK(outcomes[1].files == outcomes[2].files);
    return outcomes[0];
}

// The generated world the tests share, made once (and itself checked by the generate test).
const fs::path& world() {
    static test::ScratchDir scratch;
    static const fs::path folder = [] {
        const auto path = scratch / "world";
        const auto result = run_threads(
            2, "generate --customers 6000 --seed 11 --mixing 0.4 --quiet --out " + shell(path));
        REQUIRE(result.exit_code == 0);
        return path;
    }();
    return folder;
}

}  // namespace

TEST_CASE(
    "Determinism: catena generate writes the same files for the same seed at any thread count",
    "[hardening][determinism]") {
    const auto first = same_at_1_and_2_threads(
        "generate --customers 6000 --seed 11 --mixing 0.4 --edge-list --quiet --out {out}");
    CHECK(first.files.size() == 6);
    CHECK(first.files.at("customers.csv") == test::read_file(world() / "customers.csv"));
    const auto other =
        run_threads(2, "generate --customers 6000 --seed 12 --mixing 0.4 --quiet --out " +
                           shell(world().parent_path() / "other"));
    REQUIRE(other.exit_code == 0);
    CHECK(test::read_file(world().parent_path() / "other" / "relationships.csv") !=
          first.files.at("relationships.csv"));
}

namespace {

// For each command: the same output at 1 and 2 threads and across runs; and a different output
// with another seed (one run), so that the sameness is not that of an answer that ignores its seed.
void check_commands(const std::vector<std::string>& commands) {
    const std::string input = " --quiet --data " + shell(world());
    for (const std::string& command : commands) {
        const Outcome outcome = same_at_1_and_2_threads(command + input);
        CHECK(outcome.printed.size() + outcome.files.size() > 0);
        test::ScratchDir out;
        std::string reseeded = command + " --seed 2" + input;
        for (std::size_t at; (at = reseeded.find("{out}")) != std::string::npos;)
            reseeded.replace(at, 5, shell(out.path()));
        const auto other = run_threads(2, reseeded);
        INFO(reseeded);
        REQUIRE(other.exit_code == 0);
        CHECK((other.out != outcome.printed || files_under(out.path()) != outcome.files));
    }
}

}  // namespace

TEST_CASE("Determinism: communities at 1 and 2 threads", "[hardening][determinism]") {
    check_commands(
        {"communities --format csv --top 0 --membership-out {out}/members.csv",
         "communities --method louvain --format json --top 0 --membership-out {out}/members.csv",
         "communities --method lpa --format csv --top 0 --membership-out {out}/members.csv"});
}

TEST_CASE("Determinism: sampled centralities and simulations at 1 and 2 threads",
          "[hardening][determinism]") {
    check_commands({"rank --by betweenness --pivots 40 --format csv --top 0",
                    "rank --by closeness --pivots 40 --format csv --top 0",
                    "simulate --seeds c1,c2,c4 --sims 3000 --format csv",
                    "simulate --seeds c1 --model lt --sims 3000 --format json",
                    "simulate --seeds c5 --probability learned --sims 3000 --format json"});
}

TEST_CASE("Determinism: seeds and compare at 1 and 2 threads", "[hardening][determinism]") {
    check_commands({"seeds -k 5 --eps 0.3 --format csv",
                    "seeds -k 5 --eps 0.3 --model lt --objective value --format json",
                    "seeds -k 5 --eps 0.3 --budget 40 --format csv",
                    "compare -k 3 --sims 200 --eps 0.3 --format csv"});
}

TEST_CASE("Determinism: value and export at 1 and 2 threads, and the deterministic scores too",
          "[hardening][determinism]") {
    check_commands(
        {"value --eps 0.02 --format csv --top 0", "export --format gexf -o {out}/world.gexf"});
    const std::string input = " --quiet --data " + shell(world());
    for (const std::string command :
         {"rank --format csv --top 0", "rank --by degree --format csv --top 0",
          "rank --by core --format csv --top 0", "stats --format json"})
        same_at_1_and_2_threads(command + input);
}

TEST_CASE(
    "Determinism: catena report writes the same tables, summary and database rows at 1 and 2 "
    "threads",
    "[hardening][determinism]") {
    test::ScratchDir scratch;
    const auto job = scratch / "job.toml";
    test::write_file(
        job,
        "seed = 5\n[seeds]\nk = 4\neps = 0.3\n[compare]\nk = 3\nsimulations = 200\n"
        "[value]\neps = 0.02\n[simulate]\nseeds = [\"c1\", \"c2\"]\nsimulations = 500\n");
    std::vector<std::map<std::string, std::string>> reports;
    std::vector<std::string> stored;
    const std::vector<std::string> tables = {"rank_scores",     "community_members",
                                             "seed_choices",    "compare_points",
                                             "customer_values", "simulation_activation"};
    // The same paths each time (the summary names them): a fresh workspace and output folder.
    const auto db = scratch / "w.db";
    const auto out = scratch / "report";
    for (const int threads : {1, 2, 2}) {
        INFO("threads " << threads);
        fs::remove(db);
        fs::remove_all(out);
        REQUIRE(
            run_threads(2, "import " + shell(world()) + " --quiet --db " + shell(db)).exit_code ==
            0);
        const auto result = run_threads(threads, "report --quiet --job " + shell(job) + " --db " +
                                                     shell(db) + " --out " + shell(out));
        INFO(result.err);
        REQUIRE(result.exit_code == 0);
        auto files = files_under(out);
        REQUIRE(files.count("summary.json"));
        files["summary.json"] = without_times(files["summary.json"]);
        CHECK(files.count("seeds.csv"));
        CHECK(files.count("simulation.csv"));
        reports.push_back(files);
        std::string rows;
        for (const auto& table : tables) rows += table + ":\n" + table_rows(db, table);
        stored.push_back(rows);
    }
    for (const auto& [name, contents] : reports[0]) {
        // Both show the times of the run (report.xlsx's Summary sheet and its document
        // properties); their tables are the CSV files compared here.
        if (name == "report.html" || name == "report.xlsx") continue;
        INFO(name);
        CHECK(contents == reports[1].at(name));
        CHECK(contents == reports[2].at(name));
    }
    CHECK(reports[0].size() == reports[1].size());
    CHECK(stored[0] == stored[1]);
    CHECK(stored[1] == stored[2]);
    CHECK(stored[0].find("customer_values:\n1|") != std::string::npos);
}
