// The HTML report renderer on the fixture tests/data/report/summary.json (the sample CRM's 400
// customers; see make_summary.py there): every chart drawn from its data, numbers for people,
// hostile text escaped, absent sections left out, nothing loaded from the network, same bytes
// every time. tests/reports/html_chromium_test.cpp renders the same page in a real browser.
#include "catena/reports/html_report.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "catena/graph/errors.hpp"

#include "test_util.hpp"

using namespace catena;
using Json = nlohmann::ordered_json;

namespace {

Json fixture() {
    static const std::string text = test::read_file(test::data_dir() / "report" / "summary.json");
    return Json::parse(text);
}

std::string render(const Json& summary) { return render_html_report(summary.dump(2)); }

std::size_t occurrences(const std::string& text, const std::string& needle) {
    std::size_t count = 0;
    for (std::size_t at = text.find(needle); at != std::string::npos;
         at = text.find(needle, at + needle.size()))
        ++count;
    return count;
}

// The whole <svg> element whose id is `id`, or "" when the page has none.
std::string chart(const std::string& html, const std::string& id) {
    const std::size_t id_at = html.find("<svg class=\"chart\" id=\"" + id + "\"");
    if (id_at == std::string::npos) return "";
    const std::size_t end = html.find("</svg>", id_at);
    REQUIRE(end != std::string::npos);
    return html.substr(id_at, end + 6 - id_at);
}

std::size_t marks(const std::string& svg, const std::string& mark_class) {
    return occurrences(svg, "class=\"" + mark_class + "\"");
}

std::size_t elements(const std::string& svg, const std::string& tag) {
    return occurrences(svg, "<" + tag + " ");
}

// Every coordinate and size attribute of the page's SVG is a plain finite number (no nan, inf or
// empty value) and no width or height is negative.
void check_coordinates(const std::string& html) {
    static const char* const attributes[] = {" x=\"",     " y=\"",      " x1=\"",    " x2=\"",
                                             " y1=\"",    " y2=\"",     " cx=\"",    " cy=\"",
                                             " width=\"", " height=\"", " points=\""};
    for (const char* attribute : attributes) {
        const std::string needle = attribute;
        for (std::size_t at = html.find(needle); at != std::string::npos;
             at = html.find(needle, at + 1)) {
            const std::size_t start = at + needle.size();
            const std::string value = html.substr(start, html.find('"', start) - start);
            INFO(needle << value);
            REQUIRE(!value.empty());
            CHECK(value.find_first_not_of("0123456789.-, ") == std::string::npos);
            if (needle == " width=\"" || needle == " height=\"") CHECK(value[0] != '-');
        }
    }
}

const char* const kCharts[] = {"chart-influencers", "chart-quadrants", "chart-communities",
                               "chart-spread", "chart-depths"};

}  // namespace

TEST_CASE("The fixture's report draws every chart from its data", "[report]") {
    const Json summary = fixture();
    const std::string html = render(summary);
    CHECK(html.rfind("<!DOCTYPE html>\n<html lang=\"en\">", 0) == 0);
    CHECK(html.size() > 20000);
    CHECK(html.substr(html.size() - 8) == "</html>\n");

    for (const char* id : kCharts) {
        INFO(id);
        const std::string svg = chart(html, id);
        REQUIRE(!svg.empty());
        CHECK(svg.find("role=\"img\"") != std::string::npos);
        CHECK(svg.find("viewBox=\"0 0 ") != std::string::npos);
        CHECK(svg.find("<title id=\"" + std::string(id) + "-title\">") != std::string::npos);
        CHECK(elements(svg, "text") >= 3);  // axis or value labels
    }

    // Top influencers: one bar per customer listed (the fixture has 20).
    const std::string influencers = chart(html, "chart-influencers");
    REQUIRE(summary["influencers"]["top"].size() == 20);
    CHECK(marks(influencers, "bar") == 20);
    CHECK(elements(influencers, "rect") == 20);

    // Quadrant scatter: one point per customer sampled, two threshold lines.
    const std::string quadrants = chart(html, "chart-quadrants");
    REQUIRE(summary["value"]["points"].size() == 60);
    CHECK(marks(quadrants, "point") == 60);
    CHECK(elements(quadrants, "circle") == 60);
    CHECK(marks(quadrants, "threshold") == 2);
    CHECK(quadrants.find("fill=\"#D55E00\"") !=
          std::string::npos);  // hidden influencers' colour is used

    // Communities: a size bar and a value bar for each of the 12 listed.
    const std::string communities = chart(html, "chart-communities");
    REQUIRE(summary["communities"]["largest"].size() == 12);
    CHECK(marks(communities, "bar") == 24);
    CHECK(elements(communities, "rect") == 24);

    // Spread as k grows: a line per strategy, a marker per (strategy, k).
    const std::string spread = chart(html, "chart-spread");
    REQUIRE(summary["compare"]["strategies"].size() == 5);
    CHECK(marks(spread, "line") == 5);
    CHECK(elements(spread, "polyline") == 5);
    CHECK(marks(spread, "marker") == 5 * 10);
    for (const char* name :
         {"Influence maximisation", "Top PageRank", "Top degree", "Top own value", "Random"})
        CHECK(html.find(std::string(name) + "</span>") != std::string::npos);  // in the legend

    // Referral depths: one bar per depth.
    const std::string depths = chart(html, "chart-depths");
    REQUIRE(summary["referrals"]["depth_histogram"].size() == 6);
    CHECK(marks(depths, "bar") == 6);
    CHECK(elements(depths, "rect") == 6);

    check_coordinates(html);
    // Bars are drawn to scale: the longest influencer bar belongs to the top score.
    CHECK(influencers.find("Noor El Amrani (C0042): 0.01908") != std::string::npos);
}

TEST_CASE("The report formats numbers for people and shows every section's facts", "[report]") {
    const std::string html = render(fixture());
    CHECK(html.find(">9,523<") != std::string::npos);       // transactions
    CHECK(html.find(">1,368<") != std::string::npos);       // relationships
    CHECK(html.find(">50,172.74<") != std::string::npos);   // Harbourview Insurance's own value
    CHECK(html.find(">203,784.20<") != std::string::npos);  // expected value of the seeds
    CHECK(html.find(">0.01908<") != std::string::npos);  // a PageRank score, 4 significant digits
    CHECK(html.find(">111.4<") != std::string::npos);    // simulated reach of 10 seeds
    CHECK(html.find("≥ 75.7%") != std::string::npos);    // certified approximation
    CHECK(html.find(">0.601<") != std::string::npos);    // modularity
    CHECK(html.find("9f2c4e7a1b3d5f60") != std::string::npos);  // data fingerprint
    CHECK(html.find("23 Nov 2026, 15:00 UTC") != std::string::npos);
    CHECK(html.find("took 4 s") != std::string::npos);
    CHECK(html.find("The 12 largest of 19 communities") != std::string::npos);
    // The highlights: the hidden influencers' count comes from the value quadrants' `customers`.
    CHECK(html.find("<li><b>85</b> hidden influencers: customers who buy little themselves but "
                    "move others.</li>") != std::string::npos);
    CHECK(html.find("<dt>damping</dt><dd>0.85</dd>") != std::string::npos);  // a parameter
    CHECK(html.find("<dt>simulations</dt><dd>1,000</dd>") != std::string::npos);
    for (const char* section :
         {"data", "influencers", "value", "communities", "seeds", "referrals", "run"})
        CHECK(html.find("<section id=\"" + std::string(section) + "\"") != std::string::npos);
}

TEST_CASE("Huge, zero and tiny values render as finite, readable numbers", "[report]") {
    Json summary = fixture();
    summary["data"]["customers"] = 1000000000;
    summary["data"]["transactions"] = 0;
    summary["influencers"]["top"][0]["score"] = 1e-12;
    summary["influencers"]["top"][1]["own_value"] = 1e9;
    for (Json& point : summary["value"]["points"])
        for (const char* field :
             {"own_value", "network_value", "referral_value", "influence_value"})
            point[field] = 0.0;
    summary["value"]["thresholds"] = {{"own_value", 0.0}, {"influence_value", 0.0}};
    for (Json& row : summary["referrals"]["depth_histogram"]) row["count"] = 0;
    for (Json& strategy : summary["compare"]["strategies"])
        for (Json& spread : strategy["expected_spread"]) spread = 0.0;
    summary["communities"]["largest"][0]["total_value"] = 0.0;
    const std::string html = render(summary);
    CHECK(html.find(">1,000,000,000<") != std::string::npos);
    CHECK(html.find(">1,000,000,000.00<") != std::string::npos);
    CHECK(html.find(">1.000e-12<") != std::string::npos);
    CHECK(html.find("No converted referrals in the data.") != std::string::npos);
    CHECK(chart(html, "chart-depths").empty());  // a histogram of zeros is not drawn
    CHECK(marks(chart(html, "chart-quadrants"), "point") == 60);
    CHECK(marks(chart(html, "chart-spread"), "marker") == 50);
    check_coordinates(html);
}

TEST_CASE("Names are escaped everywhere and long ones are cut with the full text in a title",
          "[report]") {
    Json summary = fixture();
    const std::string hostile =
        "<script>alert('x')</script> & \"Zoë\" 🎉 <img src=\"https://evil.example/x.png\">";
    summary["job"]["name"] = hostile;
    summary["influencers"]["top"][0]["name"] = hostile;
    summary["influencers"]["top"][0]["segment"] = hostile;
    summary["value"]["points"][0]["name"] = hostile;
    summary["value"]["top"][0]["name"] = hostile;
    summary["communities"]["largest"][0]["top_customers"][0]["name"] = hostile;
    summary["seeds"]["seeds"][0]["name"] = hostile;
    summary["data"]["segments"][0]["name"] = hostile;
    summary["run"]["parameters"]["rank"]["personalize"] = hostile;
    summary["run"]["parameters"][hostile] = hostile;
    std::string long_name;
    for (int repeat = 0; repeat < 10000; ++repeat)
        long_name += "é";  // 10,000 characters, 20,000 bytes
    summary["influencers"]["top"][1]["name"] = long_name;

    const std::string html = render(summary);
    CHECK(html.find("<script") == std::string::npos);
    CHECK(html.find("<img") == std::string::npos);
    CHECK(html.find(" src=\"") == std::string::npos);  // the escaped text has src=&quot; only
    CHECK(html.find("alert('x')") == std::string::npos);
    const std::string escaped =
        "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;Zoë&quot; 🎉 &lt;img "
        "src=&quot;https://evil.example/x.png&quot;&gt;";
    CHECK(occurrences(html, escaped) >= 8);
    // Every attribute the page has is well formed: the hostile quotes never close one early.
    CHECK(html.find("\"Zoë\"") == std::string::npos);

    // The 10,000-character name: cut to fit its table cell and chart label, whole in the title.
    const auto shown_prefix = [&](const std::string& html_part, const std::string& before,
                                  const std::string& after) {
        const std::size_t start = html_part.find(before + "é");
        if (start == std::string::npos) return std::size_t{0};
        std::size_t characters = 0;
        for (std::size_t at = start + before.size(); html_part.compare(at, 2, "é") == 0; at += 2)
            ++characters;
        return html_part.compare(start + before.size() + 2 * characters, after.size(), after) == 0
                   ? characters
                   : 0;
    };
    const std::size_t in_table =
        shown_prefix(html, "<span title=\"" + long_name + "\">", "…</span>");
    CHECK(in_table >= 8);
    CHECK(in_table <= 30);
    const std::size_t in_chart =
        shown_prefix(chart(html, "chart-influencers"), "text-anchor=\"end\">", "…</text>");
    CHECK(in_chart >= 8);
    CHECK(in_chart <= in_table);
    CHECK(html.size() < 400000);  // the full name appears in a few titles, not everywhere
    check_coordinates(html);
}

TEST_CASE("An analysis the job did not run has no section and no chart", "[report]") {
    const struct {
        const char* key;
        const char* section;
        std::vector<const char*> charts;
    } analyses[] = {
        {"influencers", "influencers", {"chart-influencers"}},
        {"value", "value", {"chart-quadrants"}},
        {"communities", "communities", {"chart-communities"}},
        {"compare", nullptr, {"chart-spread"}},
        {"referrals", "referrals", {"chart-depths"}},
    };
    for (const auto& analysis : analyses) {
        INFO(analysis.key);
        Json summary = fixture();
        summary.erase(analysis.key);
        const std::string html = render(summary);
        for (const char* id : analysis.charts) CHECK(chart(html, id).empty());
        if (analysis.section)
            CHECK(html.find("<section id=\"" + std::string(analysis.section) + "\"") ==
                  std::string::npos);
        if (analysis.section)
            CHECK(html.find("href=\"#" + std::string(analysis.section) + "\"") ==
                  std::string::npos);
        for (const char* id : kCharts)
            if (std::find(analysis.charts.begin(), analysis.charts.end(), std::string_view(id)) ==
                analysis.charts.end())
                CHECK(!chart(html, id).empty());
    }

    // Only the required parts: data and run, nothing else, and no chart at all.
    Json minimal = {{"catena_version", "0.1.0"},
                    {"run",
                     {{"started_at", "2026-11-23T15:00:00Z"},
                      {"finished_at", "2026-11-23T15:00:04Z"},
                      {"input_fingerprint", "00000000000000ff"}}},
                    {"data", {{"customers", 3}, {"relationships", 2}}}};
    const std::string html = render(minimal);
    CHECK(html.find("<svg class=\"chart\"") == std::string::npos);
    CHECK(html.find("<section id=\"data\"") != std::string::npos);
    CHECK(html.find("<section id=\"run\"") != std::string::npos);
    CHECK(occurrences(html, "<section ") == 2);
    CHECK(html.find("Chain-of-influence report") != std::string::npos);

    // Null members (the writer's "no value", "no job file") read as absent.
    Json nulls = fixture();
    nulls["job"]["file"] = nullptr;
    nulls["influencers"]["top"][0]["own_value"] = nullptr;
    nulls["communities"]["largest"][0]["top_customers"] = Json::array();
    nulls["seeds"] = nullptr;
    CHECK_NOTHROW(render(nulls));
}

TEST_CASE("A section with an empty list says so instead of drawing an empty chart", "[report]") {
    Json summary = fixture();
    summary["influencers"]["top"] = Json::array();
    summary["value"]["points"] = Json::array();
    summary["communities"]["largest"] = Json::array();
    summary["compare"]["strategies"] = Json::array();
    summary["referrals"]["depth_histogram"] = Json::array();
    const std::string html = render(summary);
    CHECK(html.find("<svg class=\"chart\"") == std::string::npos);
    CHECK(html.find("No customer was ranked.") != std::string::npos);
    CHECK(html.find("No customer values to plot.") != std::string::npos);
    CHECK(html.find("No communities were found.") != std::string::npos);
    CHECK(html.find("No strategies were compared.") != std::string::npos);
    CHECK(html.find("No converted referrals in the data.") != std::string::npos);
}

TEST_CASE("The page loads nothing: no URL, script, stylesheet link, import or remote url()",
          "[report]") {
    const std::string html = render(fixture());
    for (const char* banned :
         {"http:", "https:", "//", "<script", "<link", "@import", "url(", "src=", "<img", "<iframe",
          "<object", "<embed", "@font-face", "<base"}) {
        INFO(banned);
        // "//" would also be a protocol-relative URL; the page has no comment or URL that needs it.
        CHECK(html.find(banned) == std::string::npos);
    }
    // Every link is an in-page anchor to a section that exists.
    std::size_t links = 0;
    for (std::size_t at = html.find("href=\""); at != std::string::npos;
         at = html.find("href=\"", at + 1)) {
        ++links;
        const std::size_t start = at + 6;
        const std::string target = html.substr(start, html.find('"', start) - start);
        INFO(target);
        REQUIRE(target.rfind('#', 0) == 0);
        CHECK(html.find("<section id=\"" + target.substr(1) + "\"") != std::string::npos);
    }
    CHECK(links == 7);
}

TEST_CASE("The same summary always gives the same bytes", "[report]") {
    const Json summary = fixture();
    const std::string first = render_html_report(summary.dump(2));
    CHECK(render_html_report(summary.dump()) == first);  // whitespace of the JSON does not matter
    CHECK(render_html_report(summary.dump(2)) == first);
}

TEST_CASE("Points without influence_value, and a summary without simulated reach, still render",
          "[report]") {
    Json summary = fixture();
    summary["value"]["thresholds"] = {{"own_value", 250.0}, {"influence_value", 40.0}};
    for (Json& point : summary["value"]["points"]) point.erase("influence_value");
    summary["value"].erase("network");
    summary["seeds"].erase("simulated_spread");
    const std::string html = render(summary);
    const std::string quadrants = chart(html, "chart-quadrants");
    CHECK(marks(quadrants, "threshold") == 2);
    CHECK(quadrants.find("Influence threshold: 40.00") != std::string::npos);
    CHECK(marks(quadrants, "point") == 60);
    CHECK(html.find(">113.2<") !=
          std::string::npos);  // the estimate stands in for the simulated reach
}

TEST_CASE("The summary catena report writes for the sample job renders with every chart",
          "[report]") {
    // tests/golden/report_sample_summary.json is the writer's real output (with the run's times
    // and version taken out so that it stays stable); put them back and render it.
    Json summary = Json::parse(
        test::read_file(test::source_dir() / "tests" / "golden" / "report_sample_summary.json"));
    summary["catena_version"] = "0.1.0";
    summary["run"]["started_at"] = "2026-11-23T15:00:00Z";
    summary["run"]["finished_at"] = "2026-11-23T15:00:09Z";
    const std::string html = render(summary);
    for (const char* id : kCharts) CHECK(!chart(html, id).empty());
    CHECK(marks(chart(html, "chart-quadrants"), "point") == summary["value"]["points"].size());
    CHECK(marks(chart(html, "chart-influencers"), "bar") ==
          std::min<std::size_t>(20, summary["influencers"]["top"].size()));
    // Its quadrant names are spelt "hidden-influencers": same colours and labels as with spaces.
    CHECK(html.find("Hidden influencers</span>") != std::string::npos);
    CHECK(html.find("hidden-influencers") == std::string::npos);
    CHECK(chart(html, "chart-quadrants").find("fill=\"#D55E00\"") != std::string::npos);
    check_coordinates(html);
}

TEST_CASE("A summary without its required parts is an internal error naming the part", "[report]") {
    const auto message_of = [](const std::string& json) {
        try {
            render_html_report(json);
        } catch (const InternalError& error) {
            return std::string(error.what());
        }
        return std::string("no error");
    };
    CHECK_THAT(message_of("not json"), Catch::Contains("not valid JSON"));
    CHECK_THAT(message_of("[1, 2]"), Catch::Contains("expected a JSON object"));
    Json summary = fixture();
    summary.erase("run");
    CHECK_THAT(message_of(summary.dump()), Catch::Contains("report summary: run: missing"));
    summary = fixture();
    summary["data"].erase("customers");
    CHECK_THAT(message_of(summary.dump()),
               Catch::Contains("report summary: data.customers: missing"));
    summary = fixture();
    summary["influencers"]["top"][3]["score"] = "high";
    CHECK_THAT(message_of(summary.dump()),
               Catch::Contains("report summary: influencers.top[3].score: expected a number"));
    summary = fixture();
    summary["compare"]["strategies"][1]["expected_spread"][4] = "x";
    CHECK_THAT(message_of(summary.dump()),
               Catch::Contains("compare.strategies[1].expected_spread[4]: expected a number"));
    summary = fixture();
    summary["referrals"]["depth_histogram"] = 5;
    CHECK_THAT(message_of(summary.dump()),
               Catch::Contains("referrals.depth_histogram: expected a list"));
    summary = fixture();
    summary["catena_version"] = 1;
    CHECK_THAT(message_of(summary.dump()), Catch::Contains("catena_version: expected text"));
}
