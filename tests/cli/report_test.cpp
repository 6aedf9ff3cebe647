// catena report (the batch job), catena export and catena value, through the real binary.
#include <chrono>
#include <cstdlib>
#include <thread>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "test_util.hpp"
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace catena;

namespace {
// One value (the first line) from the sqlite3 shell.
std::string sql(const std::filesystem::path& db, const std::string& query) {
    const std::string command = "sqlite3 '" + db.string() + "' \"" + query + "\"";
    std::FILE* pipe = popen(command.c_str(), "r");
    char buffer[256] = {0};
    const bool read = std::fgets(buffer, sizeof buffer, pipe) != nullptr;
    pclose(pipe);
    std::string line = read ? buffer : "";
    if (!line.empty() && line.back() == '\n') line.pop_back();
    return line;
}

// summary.json without what changes from run to run (times) or release to release (version).
std::string stable_summary(const std::string& text) {
    nlohmann::ordered_json summary = nlohmann::ordered_json::parse(text);
    summary["run"].erase("started_at");
    summary["run"].erase("finished_at");
    summary["run"].erase("seconds");  // how long each analysis took
    summary.erase("catena_version");
    summary["job"]["file"] = "samples/job.toml";
    // The customer cards are catena explain's (tests/cli/explain_test.cpp checks them against it).
    summary.erase("cards");
    return summary.dump(2) + "\n";
}
}  // namespace

TEST_CASE("Golden: catena report on the sample job writes the expected summary, HTML and tables",
          "[cli][report][golden]") {
    test::ScratchDir scratch;
    const auto out = scratch / "report";
    const auto run = test::run_catena("report --job samples/job.toml --out '" + out.string() + "'");
    INFO(run.err);
    REQUIRE(run.exit_code == 0);
    CHECK(run.out.find("Report: " + (out / "report.html").string()) != std::string::npos);
    CHECK(run.out.find("Workbook: " + (out / "report.xlsx").string()) != std::string::npos);
    for (const char* file : {"report.html", "summary.json", "report.xlsx", "influencers.csv",
                             "communities.csv", "seeds.csv", "compare.csv", "values.csv"})
        CHECK(std::filesystem::file_size(out / file) > 100);
    CHECK(test::read_file(out / "influencers.csv").starts_with("rank,id,"));  // no BOM unasked
    const auto golden = test::source_dir() / "tests" / "golden" / "report_sample_summary.json";
    const std::string summary = stable_summary(test::read_file(out / "summary.json"));
    if (std::getenv("CATENA_UPDATE_GOLDEN")) test::write_file(golden, summary);
    INFO("compare with " << golden.string() << " (CATENA_UPDATE_GOLDEN=1 rewrites it)");
    CHECK(summary == test::read_file(golden));
    // The planted story shows: C0042 is the top influencer and a hidden influencer; enterprise
    // accounts are never seeds.
    const auto json = nlohmann::json::parse(test::read_file(out / "summary.json"));
    CHECK(json["influencers"]["top"][0]["id"] == "C0042");
    CHECK(json["value"]["top"][0]["id"] == "C0042");
    CHECK(json["value"]["top"][0]["quadrant"] == "hidden-influencers");
    for (const auto& seed : json["seeds"]["seeds"]) CHECK(seed["segment"] != "enterprise");
    CHECK(json["seeds"]["seeds"].size() == 10);
    CHECK(json["compare"]["strategies"].size() == 5);
    CHECK(json["referrals"]["max_depth"] == 6);
}

TEST_CASE("catena report: the same job gives byte-identical outputs at 1 and 2 threads",
          "[cli][report][threads]") {
    test::ScratchDir scratch;
    const auto one = test::run_catena("report --data samples/crm --out '" +
                                      (scratch / "one").string() + "' --quiet");
    REQUIRE(one.exit_code == 0);
    const std::string command = "cd '" + test::source_dir().string() + "' && OMP_NUM_THREADS=1 '" +
                                CATENA_BINARY + "' report --data samples/crm --quiet --out '" +
                                (scratch / "two").string() + "' >/dev/null";
    REQUIRE(std::system(command.c_str()) == 0);
    for (const char* file :
         {"influencers.csv", "communities.csv", "seeds.csv", "compare.csv", "values.csv"}) {
        INFO(file);
        CHECK(test::read_file(scratch / "one" / file) == test::read_file(scratch / "two" / file));
    }
    CHECK(stable_summary(test::read_file(scratch / "one" / "summary.json")) ==
          stable_summary(test::read_file(scratch / "two" / "summary.json")));
}

TEST_CASE("catena report: a bad job is refused before any work starts", "[cli][report]") {
    test::ScratchDir scratch;
    const auto job = scratch / "job.toml";
    const auto out = scratch / "out";
    const auto refused = [&](const std::string& text, const std::string& message) {
        test::write_file(job, text);
        const auto run =
            test::run_catena("report --job '" + job.string() + "' --out '" + out.string() + "'");
        INFO(run.err);
        CHECK(run.exit_code == 3);
        CHECK(run.err.find(message) != std::string::npos);
        CHECK(std::count(run.err.begin(), run.err.end(), '\n') == 1);
        CHECK(!std::filesystem::exists(out / "summary.json"));
    };
    const std::string data =
        "[data]\nfolder = \"" + (test::source_dir() / "samples" / "crm").string() + "\"\n";
    refused(data + "[rank]\ntop = 10\nwhatever = 1\n",
            "job.toml:5: column 1: unknown key 'whatever' in [rank]");
    refused(data + "[seeds]\nk = 2.5\n", "job.toml:4: column 5: seeds.k: must be a whole number");
    refused(data + "[seeds]\nexclude_segments = [\"vip\"]\n",
            "seeds.exclude_segments names segment 'vip', which no customer is in");
    refused(data + "[seeds]\nonly_segments = [\"vip\"]\n",
            "seeds.only_segments names segment 'vip', which no customer is in (the segments "
            "are: consumer-occasional, consumer-premium, ");
    refused(data + "[simulate]\nseeds = [\"C0042\", \"NOBODY\"]\n",
            "simulate.seeds names customer 'NOBODY'");
    refused("[data]\nfolder = \"no-such-folder\"\n", "no-such-folder");
    const auto usage = test::run_catena("report --out '" + out.string() + "'");
    CHECK(usage.exit_code == 2);
    CHECK(usage.err.find("report needs its input") != std::string::npos);
}

TEST_CASE(
    "catena report with a workspace: one run with every result table, none when killed mid-write",
    "[cli][report][store]") {
    test::ScratchDir scratch;
    const auto db = scratch / "crm.db";
    REQUIRE(test::run_catena("import samples/crm --db '" + db.string() + "'").exit_code == 0);
    const auto run = test::run_catena("report --db '" + db.string() + "' --out '" +
                                      (scratch / "r").string() + "'");
    INFO(run.err);
    REQUIRE(run.exit_code == 0);
    CHECK(run.out.find("Saved as run 1 in") != std::string::npos);
    CHECK(sql(db, "SELECT command FROM runs WHERE id = 1") == "report");
    CHECK(sql(db, "SELECT count(*) FROM rank_scores WHERE run_id = 1") == "400");
    CHECK(sql(db, "SELECT count(*) FROM community_members WHERE run_id = 1") == "400");
    CHECK(sql(db, "SELECT count(*) FROM seed_choices WHERE run_id = 1") == "10");
    CHECK(sql(db, "SELECT count(*) FROM compare_points WHERE run_id = 1") == "50");
    CHECK(sql(db, "SELECT count(*) FROM customer_values WHERE run_id = 1") == "400");
    CHECK(sql(db, "SELECT quadrant FROM customer_values WHERE run_id = 1 AND customer = 'C0042'") ==
          "hidden-influencers");
    CHECK(sql(db, "SELECT length(input_fingerprint) FROM runs WHERE id = 1") == "16");

    // A larger workspace, so that writing the results takes a while; kill the job as soon as its
    // write transaction has started (SQLite's rollback journal appears), then check the store.
    const auto big = scratch / "big";
    const auto big_db = scratch / "big.db";
    REQUIRE(test::run_catena("generate --customers 60000 --seed 3 --out '" + big.string() +
                             "' --db '" + big_db.string() + "'")
                .exit_code == 0);
    const std::string customers = sql(big_db, "SELECT count(*) FROM customers");
    const std::string relationships = sql(big_db, "SELECT count(*) FROM relationships");
    const std::string job = (scratch / "job.toml").string();
    test::write_file(job, "[data]\ndb = \"" + big_db.string() +
                              "\"\n[seeds]\nenabled = false\n[compare]\nenabled = false\n"
                              "[value]\neps = 0.05\n[output]\nfolder = \"" +
                              (scratch / "big-report").string() + "\"\n");
    const pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        const int null = ::open("/dev/null", O_WRONLY);
        dup2(null, 1);
        dup2(null, 2);
        execl(CATENA_BINARY, CATENA_BINARY, "report", "--job", job.c_str(),
              static_cast<char*>(nullptr));
        _exit(127);
    }
    const auto journal = std::filesystem::path(big_db.string() + "-journal");
    bool killed_in_write = false;
    for (int wait = 0; wait < 600'000 && !killed_in_write;
         ++wait) {  // up to 10 minutes (sanitizer builds)
        if (std::filesystem::exists(journal)) {
            kill(child, SIGKILL);
            killed_in_write = true;
        } else {
            int status = 0;
            if (waitpid(child, &status, WNOHANG) == child)
                break;  // finished before we saw the write
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
    }
    int status = 0;
    waitpid(child, &status, 0);
    REQUIRE(killed_in_write);
    CHECK(WIFSIGNALED(status));
    // The next connection rolls the hot journal back: no partial run, inputs intact.
    CHECK(sql(big_db, "PRAGMA integrity_check") == "ok");
    CHECK(sql(big_db, "SELECT count(*) FROM runs") == "0");
    CHECK(sql(big_db, "SELECT count(*) FROM rank_scores") == "0");
    CHECK(sql(big_db, "SELECT count(*) FROM customers") == customers);
    CHECK(sql(big_db, "SELECT count(*) FROM relationships") == relationships);
    CHECK(test::run_catena("stats --db '" + big_db.string() + "' --quiet").exit_code == 0);
}

TEST_CASE(
    "catena export: GraphML with --arcs loads in NetworkX with every node, edge and attribute",
    "[cli][export]") {
    // The sample mixes directed and undirected relationships, which NetworkX cannot read as
    // such; --arcs writes every arc as a directed edge. tests/cli/export_test.cpp has the rest.
    test::ScratchDir scratch;
    const auto graphml = scratch / "crm.graphml";
    const auto run =
        test::run_catena("export --data samples/crm --arcs --out '" + graphml.string() + "'");
    INFO(run.err);
    REQUIRE(run.exit_code == 0);
    const auto stats =
        nlohmann::json::parse(test::run_catena("stats --data samples/crm --format json").out);
    const std::string script =
        "import networkx as nx, sys\n"
        "g = nx.read_graphml(sys.argv[1])\n"
        "n = g.nodes['C0042']\n"
        "print(g.number_of_nodes(), g.number_of_edges(), n['quadrant'], n['influence_rank'], "
        "type(n['pagerank']).__name__,\n"
        "      sorted(set(k for _, d in g.nodes(data=True) for k in d)) == "
        "sorted(['label','kind','segment','value','cost','opt_out','channel','profession',"
        "'age_band','city','pagerank','influence_rank','community','own_value','network_value',"
        "'referral_value','influence_weighted_value','value_rank','quadrant']),\n"
        "      sorted(set(k for _, _, d in g.edges(data=True) for k in d)))\n";
    test::write_file(scratch / "check.py", script);
    const std::string command = "/usr/bin/python3 '" + (scratch / "check.py").string() + "' '" +
                                graphml.string() + "' > '" + (scratch / "out.txt").string() +
                                "' 2>&1";
    REQUIRE(std::system(command.c_str()) == 0);
    const std::string arcs = std::to_string(stats["influence_edges"]["edges"].get<std::uint64_t>());
    CHECK(test::read_file(scratch / "out.txt") ==
          "400 " + arcs +
              " hidden-influencers 1 float True ['date', 'probability', 'strength', 'type']\n");
    // Without --arcs an undirected relationship is one edge: edges + undirected edges = arcs.
    const auto mixed = test::run_catena("export --data samples/crm --out '" +
                                        (scratch / "mixed.graphml").string() + "'");
    REQUIRE(mixed.exit_code == 0);
    const auto counts = mixed.err.find("customers and ");
    REQUIRE(counts != std::string::npos);
    unsigned long long edges = 0, undirected = 0;
    REQUIRE(std::sscanf(mixed.err.c_str() + counts, "customers and %llu edges (%llu undirected)",
                        &edges, &undirected) == 2);
    CHECK(undirected > 0);
    CHECK(edges < stats["influence_edges"]["edges"].get<std::uint64_t>());
    CHECK(edges + undirected == stats["influence_edges"]["edges"].get<std::uint64_t>());
    for (const char* format : {"gexf", "dot"}) {
        const auto other = test::run_catena(
            std::string("export --data samples/crm --no-analyses --format ") + format);
        REQUIRE(other.exit_code == 0);
        CHECK(other.out.find("C0042") != std::string::npos);
    }
    const auto bad = test::run_catena("export --data samples/crm --format svg");
    CHECK(bad.exit_code == 2);
    CHECK(bad.err.find("--format must be graphml, gexf or dot") != std::string::npos);
}

TEST_CASE("catena value: C0042 heads the hidden influencers, filters, formats and write-back",
          "[cli][value]") {
    const auto hidden = test::run_catena(
        "value --data samples/crm --quadrant hidden-influencers --top 3 --format csv");
    INFO(hidden.err);
    REQUIRE(hidden.exit_code == 0);
    const std::string first_row = hidden.out.substr(hidden.out.find('\n') + 1);
    CHECK(first_row.find("C0042") != std::string::npos);
    CHECK(first_row.find("C0042") < first_row.find('\n'));
    const auto table = test::run_catena("value --data samples/crm --top 5");
    REQUIRE(table.exit_code == 0);
    CHECK(table.out.find("hidden") != std::string::npos);
    CHECK(test::run_catena("value --data samples/crm --quadrant famous").exit_code == 2);
    CHECK(test::run_catena("value --data samples/crm --as-of 2026-13-01").exit_code == 2);
    CHECK(test::run_catena("value --data samples/crm --depth-discount 1.5").exit_code == 2);
    test::ScratchDir scratch;
    const auto db = scratch / "crm.db";
    REQUIRE(test::run_catena("import samples/crm --db '" + db.string() + "'").exit_code == 0);
    const auto saved = test::run_catena("value --db '" + db.string() + "' --top 1");
    REQUIRE(saved.exit_code == 0);
    CHECK(saved.err.find("saved as run 1") != std::string::npos);
    CHECK(sql(db, "SELECT customer FROM customer_values WHERE run_id = 1 AND rank = 1") == "C0042");
    CHECK(sql(db, "SELECT count(*) FROM customer_values") == "400");
}

TEST_CASE("A workspace from an earlier catena (runs without a summary column) takes new runs",
          "[cli][store]") {
    test::ScratchDir scratch;
    const auto db = scratch / "old.db";
    REQUIRE(test::run_catena("import samples/crm --db '" + db.string() + "'").exit_code == 0);
    // The runs table as catena 0.1 before run summaries made it.
    REQUIRE(std::system(("sqlite3 '" + db.string() +
                         "' \"PRAGMA foreign_keys = OFF; DROP TABLE runs; CREATE TABLE runs (id "
                         "INTEGER PRIMARY KEY "
                         "AUTOINCREMENT, started_at TEXT NOT NULL, finished_at TEXT NOT NULL, "
                         "command TEXT NOT NULL, "
                         "parameters TEXT NOT NULL, catena_version TEXT NOT NULL, "
                         "input_fingerprint TEXT NOT NULL);\"")
                            .c_str()) == 0);
    const auto run = test::run_catena("rank --db '" + db.string() + "' --top 1");
    INFO(run.err);
    REQUIRE(run.exit_code == 0);
    CHECK(sql(db, "SELECT command || ' ' || summary FROM runs WHERE id = 1").starts_with("rank {"));
}
