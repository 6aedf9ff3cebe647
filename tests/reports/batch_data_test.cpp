// The report's Data section: what the loader left out (bad rows skipped by reason, rows a
// mapping filtered, customers merged by key) and the workspace's last imports, from a hand-built
// Dataset through data_summary_json() and the HTML renderer; shown only when there is something
// to show. And the notes the page adds under lists that passed over opted-out customers.
#include <string>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "catena/graph/graph_builder.hpp"
#include "catena/reports/batch.hpp"
#include "catena/reports/html_report.hpp"

#include "test_util.hpp"

using namespace catena;
using Json = nlohmann::ordered_json;

namespace {

// Four customers, one of whom opted out, and one relationship.
Dataset hand_built() {
    GraphBuilder builder;
    for (const char* id : {"a", "b", "c", "d"}) {
        CustomerRow row;
        row.id = id;
        row.opt_out = std::string(id) == "c";
        builder.add_customer(row);
    }
    RelationshipRow tie;
    tie.source = "a";
    tie.target = "b";
    tie.type = "friend";
    builder.add_relationship(tie);
    Dataset dataset;
    dataset.graph = builder.build();
    dataset.source = "hand-built";
    return dataset;
}

SkippedRow skipped(const char* table, std::uint64_t line, const char* reason) {
    SkippedRow row;
    row.table = table;
    row.file = std::string(table) + ".csv";
    row.line = line;
    row.reason = reason;
    row.message = reason;
    return row;
}

// The HTML report fixture with `data` as its Data part.
std::string page_with(const Json& data) {
    Json summary = Json::parse(test::read_file(test::data_dir() / "report" / "summary.json"));
    summary["data"] = data;
    return render_html_report(summary.dump());
}

std::size_t occurrences(const std::string& text, const std::string& needle) {
    std::size_t count = 0;
    for (std::size_t at = text.find(needle); at != std::string::npos;
         at = text.find(needle, at + needle.size()))
        ++count;
    return count;
}

// The <section id="data"> element.
std::string data_part(const std::string& html) {
    const auto start = html.find("<section id=\"data\">");
    REQUIRE(start != std::string::npos);
    return html.substr(start, html.find("</section>", start) - start);
}

}  // namespace

TEST_CASE("Report data section: without skipped, filtered or merged rows or imports it shows none",
          "[report][reports]") {
    const Json data = Json::parse(data_summary_json(hand_built()));
    CHECK(data["customers"] == 4);
    CHECK(data["opted_out"] == 1);
    CHECK(data["relationships"] == 1);
    for (const char* key :
         {"skipped_rows", "skipped_by_reason", "filtered_rows", "merged_customers", "imports"}) {
        INFO(key);
        CHECK(!data.contains(key));
    }
    const std::string section = data_part(page_with(data));
    CHECK(section.find("Rows left out") == std::string::npos);
    CHECK(section.find("Last imports") == std::string::npos);
    // The opted-out customers are counted, and the page says what that means.
    CHECK(section.find(
              "<div class=\"card-value\">1</div><div class=\"card-label\">opted out</div>") !=
          std::string::npos);
    CHECK(section.find("never listed in this report") != std::string::npos);
}

TEST_CASE(
    "Report data section: skipped rows by reason, filtered and merged rows, and the last imports",
    "[report][reports]") {
    Dataset dataset = hand_built();
    dataset.input.skipped = {
        skipped("relationships", 3, "unknown customer"), skipped("referrals", 2, "referral cycle"),
        skipped("relationships", 7, "unknown customer"), skipped("transactions", 9, "bad <date>")};
    dataset.input.filtered = 5;
    dataset.input.merged_customers = 1;
    ImportRecord append;
    append.id = 2;
    append.time = "2026-11-24T08:30:00Z";
    append.mode = "append";
    append.files =
        R"([{"table":"relationships","file":"/exports/2026-11-24/daily.csv","fingerprint":"ab"},)"
        R"({"table":"referrals","file":"refs.csv","fingerprint":"cd"}])";
    append.added = 12;
    append.updated = 3;
    append.unchanged = 1200;
    append.skipped = 4;
    append.filtered = 5;
    append.skipped_by_reason = R"({"unknown customer":4})";
    ImportRecord create;
    create.id = 1;
    create.time = "2026-11-23T15:00:00Z";
    create.mode = "create";
    create.files = "not json";  // the page copes with a record it cannot read
    create.added = 2120;
    dataset.input.imports = {append, create};

    const Json data = Json::parse(data_summary_json(dataset));
    CHECK(data["skipped_rows"] == 4);
    REQUIRE(data["skipped_by_reason"].size() == 3);
    CHECK(data["skipped_by_reason"][0] ==
          Json({{"reason", "unknown customer"}, {"count", 2}}));  // most first
    CHECK(data["filtered_rows"] == 5);
    CHECK(data["merged_customers"] == 1);
    REQUIRE(data["imports"].size() == 2);
    CHECK(data["imports"][0]["mode"] == "append");  // newest first, as the loader gives them
    CHECK(data["imports"][0]["files"][0]["file"] == "/exports/2026-11-24/daily.csv");
    CHECK(data["imports"][0]["skipped_by_reason"]["unknown customer"] == 4);
    CHECK(data["imports"][1]["files"] == Json::array());

    const std::string section = data_part(page_with(data));
    CHECK(section.find("<h3>Rows left out of the input</h3>") != std::string::npos);
    CHECK(section.find("4 bad rows were skipped") != std::string::npos);
    CHECK(section.find("5 rows were filtered out by the mapping") != std::string::npos);
    CHECK(section.find("1 customer row was merged into another with the same key") !=
          std::string::npos);
    CHECK(section.find("<tr><td>unknown customer</td><td class=\"num\">2</td></tr>") !=
          std::string::npos);
    CHECK(section.find("<tr><td>bad &lt;date&gt;</td><td class=\"num\">1</td></tr>") !=
          std::string::npos);  // escaped
    CHECK(section.find("<h3>Last imports into the workspace</h3>") != std::string::npos);
    CHECK(section.find("24 Nov 2026, 08:30 UTC") != std::string::npos);
    CHECK(section.find("<td>append</td><td class=\"num\">12</td><td class=\"num\">3</td><td "
                       "class=\"num\">1,200</td>") != std::string::npos);
    CHECK(
        section.find("<span title=\"/exports/2026-11-24/daily.csv\">daily.csv</span>, refs.csv") !=
        std::string::npos);
    CHECK(section.find("<td class=\"num\">2,120</td>") != std::string::npos);
    CHECK(occurrences(section, "<tr><td class=\"num\">") == 2);  // one row per import

    // Only what is there: filtered rows alone.
    Dataset filtered_only = hand_built();
    filtered_only.input.filtered = 1;
    const std::string alone = data_part(page_with(Json::parse(data_summary_json(filtered_only))));
    CHECK(alone.find("1 row was filtered out by the mapping.") != std::string::npos);
    CHECK(alone.find("bad row") == std::string::npos);
    CHECK(alone.find("skipped-rows") == std::string::npos);
    CHECK(alone.find("Last imports") == std::string::npos);
}

TEST_CASE("Report: lists that passed over opted-out customers say so, value ranks count everyone",
          "[report][reports]") {
    Json summary = Json::parse(test::read_file(test::data_dir() / "report" / "summary.json"));
    const std::string before = render_html_report(summary.dump());
    CHECK(before.find("who opted out") == std::string::npos);
    summary["influencers"]["opted_out_not_listed"] = 3;
    summary["communities"]["opted_out_not_listed"] = 1;
    summary["value"]["opted_out_not_listed"] = 2;
    summary["value"]["opted_out_not_plotted"] = 16;
    summary["value"]["top"][0]["rank"] = 3;
    const std::string html = render_html_report(summary.dump());
    CHECK(html.find("3 customers who opted out are not listed among them: they are never campaign "
                    "targets. Ranks "
                    "count every customer.") != std::string::npos);
    CHECK(html.find("2 customers who opted out are not listed among them") != std::string::npos);
    CHECK(html.find("1 customer who opted out is not named as a top influencer") !=
          std::string::npos);
    CHECK(html.find("The 16 customers who opted out are not plotted") != std::string::npos);
    // The top value table shows the rank given, not the row number.
    const auto table = html.find("<caption>Top customers by influence-weighted value</caption>");
    REQUIRE(table != std::string::npos);
    const auto first_row = html.find("<tbody>\n", table) + 8;
    CHECK(html.substr(first_row, 26) == "<tr><td class=\"num\">3</td>");
}
