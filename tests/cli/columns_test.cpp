// --columns: customer attributes passed through to every listing (issue 15, item 3), in each
// format; an unknown column is one usage error line suggesting the closest.
#include <algorithm>
#include <string>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "test_util.hpp"

using namespace catena;
using Json = nlohmann::json;

namespace {

test::RunResult run_ok(const std::string& arguments) {
    const auto run = test::run_catena(arguments + " --data samples/crm -q");
    INFO(arguments << "\n" << run.err);
    REQUIRE(run.exit_code == 0);
    return run;
}

std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }

std::string line_of(const std::string& text, const std::string& start) {
    const std::size_t at = text.find("\n" + start);
    REQUIRE(at != std::string::npos);
    return first_line(text.substr(at + 1));
}

}  // namespace

TEST_CASE(
    "Columns: --columns passes customer attributes through rank, seeds, value and communities",
    "[cli][columns]") {
    // C0042 is Noor El Amrani, a food blogger in Utrecht who prefers the app.
    const auto rank = run_ok("rank --top 5 --columns channel,profession --format csv");
    CHECK(first_line(rank.out) == "rank,id,name,kind,segment,value,score,channel,profession");
    CHECK(line_of(rank.out, "1,C0042,").ends_with(",app,food blogger"));
    const auto table = run_ok("rank --top 3 --columns profession");
    CHECK(table.out.find("profession") != std::string::npos);
    CHECK(table.out.find("food blogger") != std::string::npos);
    const Json ranked = Json::parse(run_ok("rank --top 2 --columns City --format json").out);
    CHECK(ranked["top"][0]["columns"]["City"] == "Utrecht");  // names match in any case

    const Json seeds =
        Json::parse(run_ok("seeds -k 3 --eps 0.3 --columns city,cost --format json").out);
    REQUIRE(seeds["seeds"].size() == 3);
    for (const Json& seed : seeds["seeds"]) {
        CHECK(seed["columns"].contains("city"));
        CHECK(seed["columns"]["cost"] != "");
    }
    const auto seeds_csv = run_ok("seeds -k 2 --eps 0.3 --columns city --format csv");
    CHECK(first_line(seeds_csv.out) == "order,id,name,kind,segment,cost,marginal_estimate,city");

    const auto value = run_ok("value --top 3 --columns profession --format csv");
    CHECK(first_line(value.out).ends_with(",m_score,profession"));
    CHECK(line_of(value.out, "1,C0042,").ends_with(",food blogger"));
    const Json values = Json::parse(run_ok("value --top 1 --columns profession --format json").out);
    CHECK(values["top"][0]["columns"]["profession"] == "food blogger");
    CHECK(run_ok("value --top 3 --columns profession").out.find("food blogger") !=
          std::string::npos);

    const auto communities = run_ok("communities --top 3 --columns city --format csv");
    CHECK(first_line(communities.out).ends_with(",top_customers,top_customer_city"));
    const Json groups = Json::parse(run_ok("communities --top 2 --columns city --format json").out);
    CHECK(groups["largest"][0]["top_customers"][0]["columns"].contains("city"));

    const Json card = Json::parse(run_ok("explain C0042 --top 3 --columns city --format json").out);
    for (const Json& c : card["network"]["contributors"]) CHECK(c["columns"].contains("city"));
    for (const Json& c : card["moved_by"]["influencers"]) CHECK(c["columns"].contains("city"));
    const auto card_csv = run_ok("explain C0042 --top 3 --columns city --format csv");
    CHECK(first_line(card_csv.out).ends_with(",date,converted,city"));
}

TEST_CASE("Columns: --columns with a column the customers do not have is one usage error",
          "[cli][columns]") {
    for (const char* command : {"rank", "seeds -k 2", "value", "communities", "explain C0042"}) {
        INFO(command);
        const auto run =
            test::run_catena(std::string(command) + " --data samples/crm --columns city,profesion");
        CHECK(run.exit_code == 2);
        CHECK(run.err.find("no column 'profesion' (did you mean profession?)") !=
              std::string::npos);
        CHECK(std::count(run.err.begin(), run.err.end(), '\n') == 1);
        CHECK(run.out.empty());
    }
    CHECK(test::run_catena("rank --data samples/crm --columns city,,name").exit_code == 2);
    CHECK(test::run_catena("rank --data samples/crm --columns city,city").exit_code == 2);
}

TEST_CASE("The job's output.columns reach the report's tables, summary and page",
          "[cli][columns][report]") {
    test::ScratchDir scratch;
    const std::string folder = (test::source_dir() / "samples" / "crm").string();
    test::write_file(scratch / "job.toml", "[data]\nfolder = \"" + folder +
                                               "\"\n[cards]\nenabled = false\n[output]\n"
                                               "columns = [\"city\", \"profession\"]\n");
    const auto run = test::run_catena("report --job '" + (scratch / "job.toml").string() +
                                      "' --quiet --out '" + (scratch / "r").string() + "'");
    INFO(run.err);
    REQUIRE(run.exit_code == 0);
    for (const char* file : {"influencers.csv", "seeds.csv", "values.csv"}) {
        INFO(file);
        CHECK(first_line(test::read_file(scratch / "r" / file)).ends_with(",city,profession"));
    }
    // communities.csv is every customer's membership, opted-out ones flagged: no contact columns.
    CHECK(first_line(test::read_file(scratch / "r" / "communities.csv")) == "id,community,opt_out");
    const Json summary = Json::parse(test::read_file(scratch / "r" / "summary.json"));
    CHECK(summary["influencers"]["top"][0]["columns"]["profession"] == "food blogger");
    CHECK(summary["seeds"]["seeds"][0]["columns"].contains("city"));
    CHECK(summary["communities"]["largest"][0]["top_customers"][0]["columns"].contains("city"));
    const std::string html = test::read_file(scratch / "r" / "report.html");
    CHECK(html.find("<th>profession</th>") != std::string::npos);
    CHECK(html.find("<td>food blogger</td>") != std::string::npos);

    test::write_file(scratch / "bad.toml",
                     "[data]\nfolder = \"" + folder + "\"\n[output]\ncolumns = [\"emial\"]\n");
    const auto bad = test::run_catena("report --job '" + (scratch / "bad.toml").string() +
                                      "' --quiet --out '" + (scratch / "b").string() + "'");
    CHECK(bad.exit_code == 3);
    CHECK(bad.err.find("output.columns: the customers have no column 'emial'") !=
          std::string::npos);
    CHECK(!std::filesystem::exists(scratch / "b" / "summary.json"));
}
