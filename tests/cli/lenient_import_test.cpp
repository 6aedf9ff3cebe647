// Bad rows through the command line: strict imports list up to 20 and leave the workspace as it
// was; lenient ones skip each bad row once, write it to the rejects file with its line, and every
// output (import summary, stats from the folder and from the workspace) counts the same rows.
#include <algorithm>
#include <string>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <sqlite3.h>

#include "test_util.hpp"

using namespace catena;
namespace fs = std::filesystem;

namespace {

std::string quoted(const fs::path& path) { return "'" + path.string() + "'"; }

// Every input table's rows, in order, as text: equal dumps mean an unchanged workspace.
std::string input_tables(const fs::path& db) {
    sqlite3* handle = nullptr;
    REQUIRE(sqlite3_open_v2(db.c_str(), &handle, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
    std::string out;
    for (const char* table :
         {"customers", "customer_attributes", "relationships", "referrals", "transactions"}) {
        sqlite3_stmt* statement = nullptr;
        REQUIRE(sqlite3_prepare_v2(handle, (std::string("SELECT * FROM ") + table).c_str(), -1,
                                   &statement, nullptr) == SQLITE_OK);
        while (sqlite3_step(statement) == SQLITE_ROW) {
            for (int column = 0; column < sqlite3_column_count(statement); ++column) {
                const auto* text = sqlite3_column_text(statement, column);
                out += text ? reinterpret_cast<const char*>(text) : "NULL";
                out += '|';
            }
            out += '\n';
        }
        sqlite3_finalize(statement);
    }
    sqlite3_close(handle);
    return out;
}

const fs::path kHubspot = test::data_dir() / "crm_export" / "hubspot";

}  // namespace

TEST_CASE("Lenient import: each bad row once in the rejects file, the same counts everywhere",
          "[cli][lenient]") {
    test::ScratchDir scratch;
    const fs::path db = scratch / "crm.db";
    const std::string mapping =
        " --mapping " + quoted(kHubspot / "mapping.toml");  // on_bad_row = "skip"
    const auto imported =
        test::run_catena("import " + quoted(kHubspot) + mapping + " --db " + quoted(db));
    INFO(imported.err);
    REQUIRE(imported.exit_code == 0);
    CHECK(imported.out.find("3 bad rows skipped: 3 unknown customer") != std::string::npos);
    CHECK(imported.err.find("listed in " + db.string() + ".rejects.csv") != std::string::npos);

    // The rejects file: a header and each bad row once, at its line, with its record.
    const std::string rejects = test::read_file(db.string() + ".rejects.csv");
    CHECK(rejects.rfind("file,line,table,column,reason,message,record\n", 0) == 0);
    CHECK(std::count(rejects.begin(), rejects.end(), '\n') == 4);
    for (const std::string where : {"referrals.csv,17,referrals,Referred Email,unknown customer",
                                    "referrals.csv,18,referrals,Referred Email,unknown customer",
                                    "orders.csv,23,transactions,Email,unknown customer"}) {
        INFO(where);
        CHECK(rejects.find(where) != std::string::npos);
    }
    CHECK(rejects.find("lukas.brandt@gmail.com") != std::string::npos);  // the record itself

    // stats from the folder counts them; stats from the workspace shows the import that did.
    const auto from_folder =
        test::run_catena("stats --data " + quoted(kHubspot) + mapping + " --format json --quiet");
    REQUIRE(from_folder.exit_code == 0);
    const auto folder_json = nlohmann::json::parse(from_folder.out);
    CHECK(folder_json["input"]["skipped_rows"] == 3);
    CHECK(folder_json["input"]["skipped_by_reason"]["unknown customer"] == 3);
    CHECK(folder_json["input"]["filtered_rows"] == 5);
    const auto from_db = test::run_catena("stats --db " + quoted(db) + " --format json");
    REQUIRE(from_db.exit_code == 0);
    const auto db_json = nlohmann::json::parse(from_db.out);
    REQUIRE(db_json["imports"].size() == 1);
    CHECK(db_json["imports"][0]["skipped"] == 3);
    CHECK(db_json["imports"][0]["filtered"] == 5);
    CHECK(db_json["imports"][0]["skipped_by_reason"]["unknown customer"] == 3);
    CHECK(db_json["customers"]["total"] == folder_json["customers"]["total"]);
    const auto table = test::run_catena("stats --data " + quoted(kHubspot) + mapping + " --quiet");
    const std::size_t line = table.out.find("  bad rows skipped ");
    REQUIRE(line != std::string::npos);
    const std::string shown = table.out.substr(line, table.out.find('\n', line) - line);
    CHECK(shown.substr(shown.find_last_not_of(' ') - 1) == " 3");
    CHECK(table.out.find("unknown customer") != std::string::npos);

    // The batch report: the same count in its Data section, and the rejects beside it.
    const fs::path out = scratch / "report";
    const auto report = test::run_catena("report --data " + quoted(kHubspot) + mapping + " --out " +
                                         quoted(out) + " --quiet");
    INFO(report.err);
    REQUIRE(report.exit_code == 0);
    const auto summary = nlohmann::json::parse(test::read_file(out / "summary.json"));
    CHECK(summary["data"]["skipped_rows"] == 3);
    CHECK(summary["data"]["skipped_by_reason"][0]["reason"] == "unknown customer");
    CHECK(summary["data"]["filtered_rows"] == 5);
    CHECK(test::read_file(out / "rejects.csv") == rejects);
}

TEST_CASE("Strict import: every bad row listed, the workspace unchanged", "[cli][lenient]") {
    test::ScratchDir scratch;
    const fs::path db = scratch / "crm.db";
    REQUIRE(test::run_catena("import samples/crm --quiet --db " + quoted(db)).exit_code == 0);
    const std::string before = input_tables(db);

    const auto strict = test::run_catena("import " + quoted(kHubspot) + " --mapping " +
                                         quoted(kHubspot / "mapping.toml") +
                                         " --on-bad-row stop --replace --db " + quoted(db));
    CHECK(strict.exit_code == 3);
    CHECK(std::count(strict.err.begin(), strict.err.end(), '\n') == 4);  // three rows and a summary
    CHECK(strict.err.find("referrals.csv:17: Referred Email: no customer has email") !=
          std::string::npos);
    CHECK(strict.err.find("referrals.csv:18: Referred Email:") != std::string::npos);
    CHECK(strict.err.find("orders.csv:23: Email:") != std::string::npos);
    CHECK(strict.err.find("catena: input error: 3 bad rows; nothing was loaded or stored") !=
          std::string::npos);
    CHECK(input_tables(db) == before);
    CHECK_FALSE(fs::exists(db.string() + ".rejects.csv"));

    // 25 bad relationship rows: the first 20 are listed, then it stops.
    const fs::path folder = scratch / "bad";
    fs::create_directories(folder);
    test::write_file(folder / "customers.csv", "id\nC0001\nC0002\n");
    std::string rows = "source,target,weight\n";
    for (int row = 0; row < 25; ++row) rows += "C0001,C0002,minus" + std::to_string(row) + "\n";
    test::write_file(folder / "relationships.csv", rows);
    const auto many =
        test::run_catena("import " + quoted(folder) + " --replace --db " + quoted(db));
    CHECK(many.exit_code == 3);
    CHECK(std::count(many.err.begin(), many.err.end(), '\n') == 21);
    CHECK(many.err.find("relationships.csv:21: weight: not a number: 'minus19'") !=
          std::string::npos);
    CHECK(many.err.find("minus20") == std::string::npos);
    CHECK(many.err.find("stopped at 20 bad rows (there may be more)") != std::string::npos);
    CHECK(input_tables(db) == before);
}
