// The HTML report's "What changed" section (reports/src/html/section_changes.cpp): drawn from the
// summary's `changes` (catena report --since-run) and `run.reuse`, only when there is one; its ids
// escaped and linked to customer cards; what the earlier run's seeds did since.
#include <string>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "catena/graph/errors.hpp"
#include "catena/reports/html_report.hpp"

using namespace catena;
using Json = nlohmann::ordered_json;

namespace {

// The required parts only: no analysis section.
Json minimal_summary() {
    return {{"catena_version", "0.1.0"},
            {"run",
             {{"started_at", "2026-12-07T06:12:00Z"},
              {"finished_at", "2026-12-07T06:12:14Z"},
              {"input_fingerprint", "e288365c60f5246c"},
              {"saved_as_run", 3}}},
            {"data", {{"customers", 5000}, {"relationships", 12000}}}};
}

Json rank_move(const std::string& id, const Json& before, const Json& after) {
    return {{"id", id},
            {"rank_before", before},
            {"rank_after", after},
            {"score_before", 0.000644},
            {"score_after", 0.000643}};
}

Json community(const char* event, Json before, Json after, int size_before, int size_after,
               Json top) {
    return {{"event", event},
            {"before", std::move(before)},
            {"after", std::move(after)},
            {"size_before", size_before},
            {"size_after", size_after},
            {"shared", std::min(size_before, size_after)},
            {"top_members", std::move(top)}};
}

// What `catena report --since-run 2` writes (changes.cpp to_json), with a hostile id among them.
Json changes() {
    Json hidden = Json::array();
    for (int index = 0; index < 12; ++index) hidden.push_back("h" + std::to_string(index + 1));
    return {{"from",
             {{"id", 2},
              {"command", "report"},
              {"finished_at", "2026-12-07T06:08:14Z"},
              {"input_fingerprint", "44ad9381e2946998"}}},
            {"to",
             {{"id", 3},
              {"command", "report"},
              {"finished_at", "2026-12-07T06:12:14Z"},
              {"input_fingerprint", "e288365c60f5246c"}}},
            {"input",
             {{"imports",
               {{{"id", 3},
                 {"time", "2026-12-07T06:12:10Z"},
                 {"mode", "append"},
                 {"added", 40},
                 {"updated", 1}}}},
              {"rows_comparable", true},
              {"new_rows",
               {{"customers", 7}, {"relationships", 25}, {"referrals", 6}, {"transactions", 2}}},
              {"known", true}}},
            {"customers", {{"before", 4993}, {"after", 5000}, {"joined", 7}, {"left", 0}}},
            {"influencers",
             {{"measure", "pagerank"},
              {"risers",
               {rank_move("a<b&c", 100, 99), rank_move("c1600", 250, 12),
                rank_move("c9001", nullptr, 40)}},
              {"fallers", {rank_move("c2242", 72, 73), rank_move("c77", 5, nullptr)}}}},
            {"quadrants",
             {{"moves",
               {{{"from", "others"},
                 {"to", "hidden-influencers"},
                 {"customers", 14},
                 {"examples", {"c2030", "a<b&c"}}},
                {{"from", "new"}, {"to", "champions"}, {"customers", 3}, {"examples", {"c9001"}}}}},
              {"new_hidden_influencers", hidden}}},
            {"communities",
             {community("continued", {11}, {11}, 239, 239, {"c4177"}),
              community("continued", {21}, {21}, 231, 231, {"c3702"}),
              community("split", {4}, {4, 17}, 300, 290, {"c10", "c11"}),
              community("formed", Json::array(), {30}, 0, 12, {"c9001"}),
              community("dissolved", {8}, Json::array(), 9, 0, Json::array())}},
            {"campaign",
             {{"seeds", {"c4999", "c3091"}},
              {"predicted_reach", 416.533},
              {"referrals", 5},
              {"converted", 3},
              {"observed_reach", 9},
              {"purchases", 4},
              {"purchase_amount", 1234.5},
              {"reached_examples", {"c501", "c502"}}}}};
}

Json reuse() {
    return {{"since_run", 2},
            {"pagerank", {{"warm_start", true}, {"iterations", 12}, {"iterations_before", 41}}},
            {"communities", {{"initial_partition", true}}},
            {"seconds", {{"influencers", 0.5}, {"communities", 1.25}}},
            {"seconds_before", {{"influencers", 2.0}, {"communities", 3.0}}}};
}

// The <section id="changes"> element, or "" when the page has none.
std::string section(const std::string& html) {
    const std::size_t start = html.find("<section id=\"changes\">");
    if (start == std::string::npos) return "";
    const std::size_t end = html.find("</section>", start);
    REQUIRE(end != std::string::npos);
    return html.substr(start, end - start);
}

bool has(const std::string& text, const std::string& needle) {
    return text.find(needle) != std::string::npos;
}

}  // namespace

TEST_CASE("What changed shows the data that arrived, the moves and the seeds' follow-up",
          "[reports][html][changes]") {
    Json summary = minimal_summary();
    summary["changes"] = changes();
    summary["run"]["reuse"] = reuse();
    const std::string html = render_html_report(summary.dump(2));
    const std::string part = section(html);
    REQUIRE(!part.empty());
    INFO(part);

    // Placed after the data, before the run, and in the table of contents.
    CHECK(html.find("<section id=\"data\">") < html.find("<section id=\"changes\">"));
    CHECK(html.find("<section id=\"changes\">") < html.find("<section id=\"run\">"));
    CHECK(has(html, "<a href=\"#changes\">What changed</a>"));
    CHECK(has(part, "<h2>What changed</h2>"));

    // The data that arrived between the runs, and what was reused.
    CHECK(has(part,
              "Between run 2 (7 Dec 2026, 06:08 UTC) and run 3 (7 Dec 2026, 06:12 UTC): "
              "1 import (append) added 40 rows and updated 1 row; new: <b>7 customers</b>, "
              "<b>25 relationships</b>, <b>6 referrals</b> and <b>2 transactions</b>."));
    CHECK(has(part, "Customers analysed: 4,993 → 5,000 (7 joined, 0 left)."));
    CHECK(has(part,
              "Built on run 2: PageRank started from its scores and took 12 iterations (41 "
              "in run 2); the communities started from its partition."));
    CHECK(has(part, "took 1.8 s this time, 5.0 s in run 2."));

    // Rising and falling influencers: ranks before and after, "new" and "gone".
    CHECK(has(part, "<h3>Rising influencers</h3>"));
    CHECK(has(part, "<h3>Falling influencers</h3>"));
    CHECK(has(part, "rank by PageRank"));
    CHECK(has(part, "<td class=\"num\">#250</td>"));
    CHECK(has(part, ">#12</td><td class=\"num\">+238</td>"));
    CHECK(has(part, "<span class=\"muted\">new</span>"));
    CHECK(has(part, "<span class=\"muted\">gone</span>"));
    CHECK(has(part, "<td class=\"num\">−1</td>"));  // c2242 fell one place

    // New hidden influencers: the count and the first ten.
    CHECK(has(part, "<h3>New hidden influencers</h3>"));
    CHECK(has(part, "<b>12</b> customers are hidden influencers now who were not in run 2"));
    CHECK(has(part, "h10 and 2 more"));
    CHECK(!has(part, "h11"));

    // Quadrant moves.
    CHECK(has(part, "<h3>Customers who changed quadrant</h3>"));
    CHECK(has(part,
              "<td class=\"nowrap\">Others</td><td class=\"nowrap\">Hidden influencers</td>"
              "<td class=\"num\">14</td>"));
    CHECK(has(part, "new customer"));

    // Communities: the events, not those that continued, which are counted.
    CHECK(has(part, "<b>2</b> communities continued"));
    CHECK(has(part,
              "<td class=\"nowrap\">Split</td><td class=\"num\">4</td><td>→</td><td>4 + "
              "17</td><td class=\"num\">300 → 290</td><td>c10, c11</td>"));
    CHECK(has(part, "Formed"));
    CHECK(has(part, "Dissolved"));
    CHECK(!has(part, "Continued</td>"));
    CHECK(!has(part, "c4177"));

    // The earlier run's seeds since then, beside their predicted reach.
    CHECK(has(part, "<h3>Run 2's campaign seeds since then</h3>"));
    CHECK(has(part, "Run 2 chose 2 seed customers: c4999, c3091."));
    CHECK(has(part,
              ">5</div><div class=\"card-label\">referrals by the seeds</div><div "
              "class=\"card-note\">3 converted</div>"));
    CHECK(has(part,
              ">9</div><div class=\"card-label\">customers reached since</div><div "
              "class=\"card-note\">predicted reach 416.5</div>"));
    CHECK(has(part, "worth 1,234.50"));
    CHECK(has(part, "Reached, for example: c501, c502."));

    // Ids are customer text: escaped wherever they appear.
    CHECK(has(part, "a&lt;b&amp;c"));
    CHECK(!has(html, "a<b&c"));
}

TEST_CASE("A summary without changes has no What changed section", "[reports][html][changes]") {
    Json summary = minimal_summary();
    summary["run"]["reuse"] = reuse();  // reuse alone does not make the section
    const std::string html = render_html_report(summary.dump(2));
    CHECK(section(html).empty());
    CHECK(!has(html, "What changed"));
    CHECK(!has(html, "href=\"#changes\""));

    summary["changes"] = nullptr;  // null reads as absent
    CHECK(section(render_html_report(summary.dump(2))).empty());
}

TEST_CASE("What changed says so when the rows between the runs cannot be counted",
          "[reports][html][changes]") {
    Json summary = minimal_summary();
    Json part = changes();
    part["input"] = {{"imports", Json::array()}, {"rows_comparable", true}, {"known", false}};
    for (const char* key : {"referrals", "converted", "observed_reach", "purchases",
                            "purchase_amount", "reached_examples"})
        part["campaign"].erase(key);
    part.erase("influencers");
    part.erase("quadrants");
    part.erase("communities");
    summary["changes"] = part;
    const std::string html = section(render_html_report(summary.dump(2)));
    REQUIRE(!html.empty());
    CHECK(has(html, "cannot be counted"));
    CHECK(
        has(html, "how the seeds did is unknown. It predicted they would reach 416.5 customers."));
    CHECK(!has(html, "Rising influencers"));
    CHECK(!has(html, "changed quadrant"));
    CHECK(!has(html, "<h3>Communities</h3>"));
    CHECK(!has(html, "Built on"));  // no run.reuse

    // Nothing arrived.
    part["input"] = {
        {"imports", Json::array()},
        {"rows_comparable", true},
        {"known", true},
        {"new_rows",
         {{"customers", 0}, {"relationships", 0}, {"referrals", 0}, {"transactions", 0}}}};
    summary["changes"] = part;
    CHECK(has(section(render_html_report(summary.dump(2))), "no data was imported."));
}

TEST_CASE("What changed links a customer who has a card to it", "[reports][html][changes]") {
    Json summary = minimal_summary();
    summary["changes"] = changes();
    // A card for c1600 (a riser), as small as the card renderer takes.
    summary["cards"] = {
        {{"customer",
          {{"id", "c1600"}, {"name", "Ada"}, {"kind", "person"}, {"attributes", Json::object()}}},
         {"value",
          {{"influence_weighted_value", 10.0},
           {"rank", 1},
           {"quadrant", "champions"},
           {"own_value", 5.0},
           {"own_value_from", "transactions"},
           {"network_value", 4.0},
           {"referral_value", 1.0}}},
         {"network",
          {{"half_width", 0.5},
           {"breakdown_total", 4.0},
           {"breakdown_standard_error", 0.1},
           {"contributors", Json::array()}}},
         {"community", {{"id", 11}, {"size", 239}}},
         {"scores", Json::array()},
         {"moved_by", {{"influencers", Json::array()}}},
         {"referrals", {{"referred_by", Json::array()}, {"levels", Json::array()}}}}};
    const std::string part = section(render_html_report(summary.dump(2)));
    REQUIRE(!part.empty());
    CHECK(has(part, "<a class=\"card-link\" href=\"#card-1\">c1600</a>"));
    CHECK(!has(part, "href=\"#card-1\">c2242"));  // no card, no link
}

TEST_CASE("A malformed changes object names the part", "[reports][html][changes]") {
    Json summary = minimal_summary();
    summary["changes"] = changes();
    summary["changes"]["influencers"]["risers"][1].erase("id");
    CHECK_THROWS_WITH(render_html_report(summary.dump()),
                      Catch::Contains("report summary: changes.influencers.risers[1].id: missing"));
    summary["changes"] = changes();
    summary["changes"]["quadrants"]["new_hidden_influencers"][0] = 7;
    CHECK_THROWS_AS(render_html_report(summary.dump()), InternalError);
}
