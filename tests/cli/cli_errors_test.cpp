// Bad input through the real `catena` binary: one clear line on stderr naming file, line and
// column, and the documented exit code (2 usage, 3 input).
#include <catch2/catch.hpp>
#include <sqlite3.h>

#include "test_util.hpp"

using namespace catena;

namespace {

struct BadCase {
    const char* what;
    const char* file;      // file of the mini folder to replace ("" to delete customers.csv)
    const char* contents;  // its new contents
    const char* expected;  // expected stderr after "catena: input error: <folder>/"
};

// The mini CRM folder, with one file replaced.
std::filesystem::path broken_folder(const test::ScratchDir& scratch, const BadCase& bad) {
    const auto dir = scratch / "data";
    std::filesystem::copy(test::data_dir() / "mini", dir, std::filesystem::copy_options::recursive);
    if (std::string(bad.file).empty())
        std::filesystem::remove(dir / "customers.csv");
    else
        test::write_file(dir / bad.file, bad.contents);
    return dir;
}

std::size_t line_count(const std::string& text) {
    return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

}  // namespace

TEST_CASE("CLI: each kind of bad input gives file:line: column: what and exit code 3",
          "[cli][errors]") {
    const BadCase cases[] = {
        {"missing file", "", "", "customers.csv: no such file"},
        {"missing required column", "relationships.csv", "source,type\nP1,friend\n",
         "relationships.csv:1: header: missing required column 'target'"},
        {"unterminated quote", "customers.csv", "id,name\nP1,\"Ana\nP2,Bob\n",
         "customers.csv:2: name: unterminated quoted field (no closing \")"},
        {"wrong field count", "relationships.csv", "source,target,type\nP1,P2,friend\nP2,P3\n",
         "relationships.csv:3: expected 3 fields (as in the header), found 2"},
        {"duplicate customer id", "customers.csv", "id,name\nP1,Ana\nP2,Bo\nP1,Ana again\n",
         "customers.csv:4: id: duplicate customer id 'P1'"},
        {"unknown customer", "relationships.csv", "source,target\nP1,P2\nP2,P77\n",
         "relationships.csv:3: target: unknown customer 'P77' (not in the customers table)"},
        {"unknown type", "relationships.csv", "source,target,type\nP1,P2,cousin\n",
         "relationships.csv:2: type: unknown relationship type 'cousin' (declare it with --type "
         "NAME:directed|undirected[:STRENGTH])"},
        {"negative weight", "relationships.csv", "source,target,weight\nP1,P2,-2\n",
         "relationships.csv:2: weight: must not be negative"},
        {"non-numeric weight", "relationships.csv", "source,target,weight\nP1,P2,strong\n",
         "relationships.csv:2: weight: not a number: 'strong'"},
        {"probability above 1", "relationships.csv", "source,target,probability\nP1,P2,1.2\n",
         "relationships.csv:2: probability: must be between 0 and 1"},
        {"probability below 0", "relationships.csv", "source,target,probability\nP1,P2,-0.1\n",
         "relationships.csv:2: probability: must be between 0 and 1"},
        {"bad date", "relationships.csv", "source,target,date\nP1,P2,2025-02-30\n",
         "relationships.csv:2: date: not a valid date (expected YYYY-MM-DD): '2025-02-30'"},
        {"bad transaction date", "transactions.csv", "customer,date,amount\nP1,03/01/2025,5\n",
         "transactions.csv:2: date: not a valid date (expected YYYY-MM-DD): '03/01/2025'"},
        {"empty file", "relationships.csv", "", "relationships.csv: empty file: no header row"},
        {"negative value", "customers.csv", "id,value\nP1,-3\n",
         "customers.csv:2: value: must not be negative"},
        {"unknown kind", "customers.csv", "id,kind\nP1,robot\n",
         "customers.csv:2: kind: must be 'person' or 'business', not 'robot'"},
        {"bad opt_out", "customers.csv", "id,opt_out\nP1,maybe\n",
         "customers.csv:2: opt_out: not true or false: 'maybe'"},
        {"negative amount", "transactions.csv", "customer,date,amount\nP1,2025-01-01,-5\n",
         "transactions.csv:2: amount: must not be negative (record refunds as a separate "
         "adjustment)"},
        {"self-referral", "referrals.csv", "referrer,referred\nP1,P1\n",
         "referrals.csv:2: referred: a customer cannot refer themselves"},
    };
    for (const BadCase& bad : cases) {
        INFO(bad.what);
        test::ScratchDir scratch;
        const auto dir = broken_folder(scratch, bad);
        const std::vector<std::string> commands = {
            "stats --data ", "import --db '" + (scratch / "w.db").string() + "' "};
        for (const std::string& command : commands) {
            const test::RunResult result = test::run_catena(command + "'" + dir.string() + "'");
            CHECK(result.exit_code == 3);
            CHECK(result.err == "catena: input error: " + (dir / bad.expected).string() + "\n");
            CHECK(line_count(result.err) == 1);
            CHECK(result.out.empty());
        }
        CHECK_FALSE(std::filesystem::exists(scratch / "w.db"));
    }
}

TEST_CASE("CLI: databases: not SQLite, locked, and failed imports keep what is stored",
          "[cli][errors]") {
    test::ScratchDir scratch;
    const std::string mini = (test::data_dir() / "mini").string();
    const auto db = scratch / "w.db";
    REQUIRE(test::run_catena("import '" + mini + "' --db '" + db.string() + "'").exit_code == 0);
    const std::string stored = test::read_file(db);

    SECTION("not a SQLite database") {
        const auto fake = scratch / "fake.db";
        test::write_file(fake, "id,name\nP1,Ana\n");
        const auto result = test::run_catena("stats --db '" + fake.string() + "'");
        CHECK(result.exit_code == 3);
        CHECK(result.err.rfind("catena: input error: " + fake.string() + ": not a SQLite database",
                               0) == 0);
        CHECK(line_count(result.err) == 1);
    }
    SECTION("locked by another process") {
        sqlite3* holder = nullptr;
        REQUIRE(sqlite3_open(db.c_str(), &holder) == SQLITE_OK);
        REQUIRE(sqlite3_exec(holder, "BEGIN EXCLUSIVE", nullptr, nullptr, nullptr) == SQLITE_OK);
        const std::vector<std::string> commands = {
            "stats --db '" + db.string() + "'", "import '" + mini + "' --db '" + db.string() + "'"};
        for (const std::string& command : commands) {
            const auto result = test::run_catena(command);
            CHECK(result.exit_code == 3);
            CHECK(result.err.find("the database is locked by another process") !=
                  std::string::npos);
            CHECK(line_count(result.err) == 1);
        }
        sqlite3_exec(holder, "ROLLBACK", nullptr, nullptr, nullptr);
        sqlite3_close(holder);
        CHECK(test::read_file(db) == stored);
    }
    SECTION("a failed import leaves the database unchanged") {
        const BadCase bad{"", "referrals.csv", "referrer,referred,converted\nP1,P2,yes\nP2,PX,no\n",
                          ""};
        const auto dir = broken_folder(scratch, bad);
        const auto result =
            test::run_catena("import '" + dir.string() + "' --db '" + db.string() + "'");
        CHECK(result.exit_code == 3);
        CHECK(result.err ==
              "catena: input error: " + (dir / "referrals.csv").string() +
                  ":3: referred: unknown customer 'PX' (not in the customers table)\n");
        CHECK(test::read_file(db) == stored);
        CHECK(test::run_catena("stats --db '" + db.string() + "'").exit_code == 0);
    }
}

TEST_CASE("CLI: usage errors exit with 2", "[cli][errors]") {
    const std::string mini = "'" + (test::data_dir() / "mini").string() + "'";
    const std::pair<std::string, std::string> cases[] = {
        {"stats", "no input: give --data DIR, --edges FILE or --db FILE"},
        {"stats --data " + mini + " --db x.db", "give only one of --data, --edges and --db"},
        {"stats --data " + mini + " --format xml",
         "--format must be table, csv, json or xlsx, not 'xml'"},
        {"stats --data " + mini + " --type mentor:sideways",
         "--type 'mentor:sideways': direction must be 'directed' or 'undirected'"},
        {"stats --nodes x.csv --data " + mini, "--nodes goes with --edges"},
    };
    for (const auto& [arguments, message] : cases) {
        INFO(arguments);
        const auto result = test::run_catena(arguments);
        CHECK(result.exit_code == 2);
        CHECK(result.err.find(message) != std::string::npos);
    }
    CHECK(test::run_catena("").exit_code == 2);
    CHECK(test::run_catena("frobnicate").exit_code == 2);
    CHECK(test::run_catena("stats --no-such-option").exit_code == 2);
    CHECK(test::run_catena("import --data " + mini).exit_code == 2);  // --db is required
}

TEST_CASE("CLI: option errors are one catena: line that suggests the closest option or command",
          "[cli][errors]") {
    const std::string mini = "'" + (test::data_dir() / "mini").string() + "'";
    const std::pair<std::string, std::string> cases[] = {
        {"rnak --data " + mini,
         "catena: usage error: unknown command 'rnak' (did you mean rank?); the commands are "},
        {"seds --data " + mini, "unknown command 'seds' (did you mean seeds?)"},
        {"rank --data " + mini + " --tpo 3",
         "catena: usage error: unknown option --tpo for catena rank (did you mean --top?); "
         "catena rank --help lists its options"},
        {"seeds --data " + mini + " --budjet=40",
         "unknown option --budjet for catena seeds "
         "(did you mean --budget?)"},
        {"seeds --data " + mini + " --only-seg smb", "(did you mean --only-segment?)"},
        {"rank --data " + mini + " --frobnicate", "unknown option --frobnicate for catena rank; "},
        {"",
         "catena: usage error: no command given: catena COMMAND [options], where COMMAND is "
         "one of import, "},
        {"--verison", "unknown option --verison (did you mean --version?)"},
        {"rank --data " + mini + " --top many", "catena: usage error: catena rank: "},
    };
    for (const auto& [arguments, message] : cases) {
        INFO(arguments);
        const auto result = test::run_catena(arguments);
        CHECK(result.exit_code == 2);
        CHECK(result.err.find(message) != std::string::npos);
        CHECK(result.err.rfind("catena: ", 0) == 0);
        CHECK(std::count(result.err.begin(), result.err.end(), '\n') == 1);
    }
    // A negative number is a value, not an unknown option.
    const auto negative = test::run_catena("seeds --data " + mini + " --budget -5");
    CHECK(negative.exit_code == 2);
    CHECK(negative.err.find("unknown option") == std::string::npos);
}

TEST_CASE("CLI: --help and --version", "[cli]") {
    const auto help = test::run_catena("--help");
    CHECK(help.exit_code == 0);
    CHECK(help.out.find("import") != std::string::npos);
    CHECK(help.out.find("stats") != std::string::npos);
    const auto stats_help = test::run_catena("stats --help");
    CHECK(stats_help.exit_code == 0);
    CHECK(stats_help.out.find("--directed") != std::string::npos);
    const auto version = test::run_catena("--version");
    CHECK(version.exit_code == 0);
    CHECK(version.out.rfind("catena ", 0) == 0);
}

TEST_CASE("CLI: stats formats agree", "[cli]") {
    const std::string polblogs = "--edges '" + test::dataset("polblogs.edges.csv").string() +
                                 "' --nodes '" + test::dataset("polblogs.nodes.csv").string() +
                                 "' --directed";
    const auto json = test::run_catena("stats " + polblogs + " --format json");
    REQUIRE(json.exit_code == 0);
    CHECK(json.out.find("\"edges\": 19022") != std::string::npos);
    CHECK(json.out.find("\"merged_rows\": 65") != std::string::npos);
    CHECK(json.out.find("\"self_loops_dropped\": 3") != std::string::npos);
    const auto csv = test::run_catena("stats " + polblogs + " --format csv");
    REQUIRE(csv.exit_code == 0);
    CHECK(csv.out.find("\ninfluence_edges.edges,19022\n") != std::string::npos);
    CHECK(csv.out.find("\nrelationships.merged_rows,65\n") != std::string::npos);
    const auto table = test::run_catena("stats " + polblogs);
    CHECK(table.out.find("19,022") != std::string::npos);
}
