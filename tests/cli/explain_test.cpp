// catena explain: the card of one customer, checked against `catena value` and `catena rank` run
// with the same parameters, against its own stated errors, and for bad input.
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <set>
#include <string>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "test_util.hpp"

using namespace catena;
using Json = nlohmann::json;

namespace {

Json run_json(const std::string& arguments) {
    const auto run = test::run_catena(arguments + " --format json -q");
    INFO(arguments << "\n" << run.err);
    REQUIRE(run.exit_code == 0);
    return Json::parse(run.out);
}

const Json& row_of(const Json& list, const std::string& id) {
    for (const Json& row : list)
        if (row["id"] == id) return row;
    FAIL("no row for " << id);
    return list[0];
}

double sum_contributions(const Json& network) {
    double sum = network["others"]["value_contributed"].get<double>() +
                 network["opted_out"]["value_contributed"].get<double>();
    for (const Json& c : network["contributors"]) sum += c["value_contributed"].get<double>();
    return sum;
}

}  // namespace

TEST_CASE("catena explain: C0042's network value is made of the customers her card names",
          "[cli][explain]") {
    const Json card = run_json("explain C0042 --data samples/crm --seed 3 --top 10");
    const Json value = run_json("value --data samples/crm --seed 3");
    const Json& row = row_of(value["top"], "C0042");
    // The value side is `catena value`'s, number for number.
    CHECK(card["value"]["network_value"] == row["network_value"]);
    CHECK(card["value"]["own_value"] == row["own_value"]);
    CHECK(card["value"]["referral_value"] == row["referral_value"]);
    CHECK(card["value"]["influence_weighted_value"] == row["influence_weighted_value"]);
    CHECK(card["value"]["rank"] == row["rank"]);
    CHECK(card["value"]["quadrant"] == row["quadrant"]);
    CHECK(card["customer"]["attributes"]["profession"] == "food blogger");

    // The listed contributors and the two remainders add up to the simulated total, which agrees
    // with the network value within the two estimates' stated errors.
    const Json& network = card["network"];
    REQUIRE(network["contributors"].size() == 10);
    const double total = network["breakdown_total"];
    CHECK(sum_contributions(network) == Approx(total).epsilon(1e-9));
    const double network_value = card["value"]["network_value"];
    const double allowed =
        network["half_width"].get<double>() + 3 * network["breakdown_standard_error"].get<double>();
    INFO("network value " << network_value << ", breakdown " << total << ", allowed " << allowed);
    CHECK(std::abs(total - network_value) <= allowed);
    CHECK(network_value > 0);
    // The top contributors carry most of it, largest first, each with a chain from C0042.
    double listed = 0, previous = INFINITY;
    for (const Json& c : network["contributors"]) {
        const double contributed = c["value_contributed"];
        CHECK(contributed <= previous);
        previous = contributed;
        listed += contributed;
        REQUIRE(!c["chain"].empty());
        CHECK(c["chain"].front()["from"] == "C0042");
        CHECK(c["chain"].back()["to"] == c["id"]);
        double product = 1;
        for (const Json& link : c["chain"]) product *= link["probability"].get<double>();
        CHECK(c["chain_probability"].get<double>() == Approx(product));
        // A chain is one way of many: its probability is at most the activation probability.
        CHECK(product <= c["probability"].get<double>() + 4 * c["standard_error"].get<double>());
        CHECK(c["share"].get<double>() == Approx(contributed / total));
    }
    CHECK(listed > 0.5 * total);

    // Without --top, JSON lists every contributor (as every command's JSON lists every row).
    const Json all = run_json("explain C0042 --data samples/crm --seed 3");
    CHECK(all["network"]["contributors"].size() > 100);
    CHECK(all["network"]["others"]["customers"] == 0);
    CHECK(all["network"]["breakdown_total"] == network["breakdown_total"]);
}

TEST_CASE("catena explain: scores, ranks and community agree with catena rank and communities",
          "[cli][explain]") {
    const Json card = run_json("explain C0042 --data samples/crm");
    for (const char* measure : {"pagerank", "degree", "core", "betweenness"}) {
        INFO(measure);
        const Json ranked =
            run_json(std::string("rank --data samples/crm --top 0 --by ") + measure);
        const Json* score = nullptr;
        for (const Json& s : card["scores"])
            if (s["measure"] == measure) score = &s;
        REQUIRE(score != nullptr);
        const Json& row = row_of(ranked["top"], "C0042");
        CHECK((*score)["rank"] == row["rank"]);
        CHECK((*score)["score"].get<double>() == Approx(row["score"].get<double>()));
    }
    const Json communities = run_json("communities --data samples/crm");
    CHECK(card["community"]["communities"] == communities["count"]);
    CHECK(card["community"]["modularity"].get<double>() ==
          Approx(communities["modularity"].get<double>()));
}

TEST_CASE("catena explain: who moves her, the referral tree, and every format", "[cli][explain]") {
    const Json card = run_json("explain C0042 --data samples/crm --top 5 --depth 2");
    const Json& moved = card["moved_by"];
    REQUIRE(!moved["influencers"].empty());
    CHECK(moved["influencers"].size() <= 5);
    for (const Json& c : moved["influencers"]) {
        REQUIRE(!c["chain"].empty());
        CHECK(c["chain"].back()["to"] == "C0042");
        CHECK(c["chain"].front()["from"] == c["id"]);
    }
    const Json& referrals = card["referrals"];
    CHECK(referrals["levels"].size() <= 2);
    for (const Json& level : referrals["levels"]) {
        CHECK(level["listed"].size() <= 5);
        CHECK(level["converted"].get<int>() <= level["referrals"].get<int>());
    }

    const auto table = test::run_catena("explain C0042 --data samples/crm -q");
    REQUIRE(table.exit_code == 0);
    for (const char* part : {"Noor El Amrani", "Scores among", "What the network value is made of",
                             "Who moves C0042", "Referrals:", "most likely chain"}) {
        INFO(part);
        CHECK(table.out.find(part) != std::string::npos);
    }
    const auto csv = test::run_catena("explain C0042 --data samples/crm --format csv --top 3 -q");
    REQUIRE(csv.exit_code == 0);
    CHECK(csv.out.rfind("section,level,order,id,name,probability,", 0) == 0);
    CHECK(csv.out.find("\nreaches,0,1,") != std::string::npos);
    CHECK(csv.out.find("\nmoved_by,0,3,") != std::string::npos);
    CHECK(csv.out.find("\nmoved_by,0,4,") == std::string::npos);

    test::ScratchDir scratch;
    const auto page = scratch / "card.html";
    REQUIRE(test::run_catena("explain C0042 --data samples/crm -q --html '" + page.string() + "'")
                .exit_code == 0);
    const std::string html = test::read_file(page);
    CHECK(html.find("class=\"customer-card\"") != std::string::npos);
    CHECK(html.find("<svg") != std::string::npos);
    CHECK(html.find("http://") == std::string::npos);
    CHECK(html.find("https://") == std::string::npos);
    CHECK(html.find("<script") == std::string::npos);
}

TEST_CASE("catena explain: same seed, same card, at 1 and 2 threads", "[cli][explain]") {
    const auto run = [](const char* threads) {
        setenv("OMP_NUM_THREADS", threads, 1);
        const auto result = test::run_catena(
            "explain C0042 --data samples/crm --sims 2000 --seed 7 --format json -q");
        unsetenv("OMP_NUM_THREADS");
        REQUIRE(result.exit_code == 0);
        return result.out;
    };
    const std::string once = run("1");
    CHECK(once == run("1"));
    CHECK(once == run("2"));
}

TEST_CASE("catena explain: bad input is one clear line", "[cli][explain]") {
    const auto unknown = test::run_catena("explain C00422 --data samples/crm");
    CHECK(unknown.exit_code == 2);
    CHECK(unknown.err.find("no customer 'C00422'") != std::string::npos);
    CHECK(unknown.err.find("did you mean") != std::string::npos);
    CHECK(std::count(unknown.err.begin(), unknown.err.end(), '\n') == 1);

    const auto opted_out = test::run_catena("explain C0045 --data samples/crm");
    CHECK(opted_out.exit_code == 2);
    CHECK(opted_out.err.find("opted out") != std::string::npos);

    CHECK(test::run_catena("explain --data samples/crm").exit_code == 2);
    CHECK(test::run_catena("explain C0042 --data samples/crm --sims 0").exit_code == 2);
    const auto unwritable =
        test::run_catena("explain C0042 --data samples/crm -q --html /nonexistent/dir/card.html");
    CHECK(unwritable.exit_code == 4);
    CHECK(unwritable.err.find("/nonexistent/dir/card.html") != std::string::npos);
}

TEST_CASE("catena report: each listed customer's card is catena explain's, and linked",
          "[cli][explain][report]") {
    test::ScratchDir scratch;
    const auto run = test::run_catena("report --data samples/crm --quiet --out '" +
                                      (scratch / "r").string() + "'");
    INFO(run.err);
    REQUIRE(run.exit_code == 0);
    const Json summary = Json::parse(test::read_file(scratch / "r" / "summary.json"));
    const Json& cards = summary["cards"];
    // Every top influencer, seed and top value has a card, each once.
    std::set<std::string> ids;
    for (const Json& card : cards) CHECK(ids.insert(card["customer"]["id"]).second);
    for (const char* section : {"influencers", "value"})
        for (const Json& row : summary[section]["top"]) CHECK(ids.count(row["id"]) == 1);
    for (const Json& seed : summary["seeds"]["seeds"]) CHECK(ids.count(seed["id"]) == 1);
    // The same card as the command gives with the job's defaults.
    const Json& first = cards[0];
    const std::string id = first["customer"]["id"];
    CHECK(first == run_json("explain " + id + " --data samples/crm --top 10"));
    // The page links the customer to the card.
    const std::string html = test::read_file(scratch / "r" / "report.html");
    CHECK(html.find("<a class=\"card-link\" href=\"#card-1\">") != std::string::npos);
    CHECK(html.find("<article class=\"customer-card\" id=\"card-1\">") != std::string::npos);
    CHECK(html.find("id=\"chain-card-1\"") != std::string::npos);

    // [cards] enabled = false leaves them out.
    test::write_file(scratch / "job.toml", "[data]\nfolder = \"" +
                                               (test::source_dir() / "samples" / "crm").string() +
                                               "\"\n[cards]\nenabled = false\n");
    const auto without = test::run_catena("report --job '" + (scratch / "job.toml").string() +
                                          "' --quiet --out '" + (scratch / "w").string() + "'");
    INFO(without.err);
    REQUIRE(without.exit_code == 0);
    CHECK(!Json::parse(test::read_file(scratch / "w" / "summary.json")).contains("cards"));
}

TEST_CASE("catena report: at most [cards] max cards, scored with the job's [rank] settings",
          "[cli][explain][report]") {
    test::ScratchDir scratch;
    test::write_file(scratch / "job.toml", "[data]\nfolder = \"" +
                                               (test::source_dir() / "samples" / "crm").string() +
                                               "\"\n[rank]\ndamping = 0.5\n[cards]\nmax = 3\n"
                                               "simulations = 500\n");
    const auto run = test::run_catena("report --job '" + (scratch / "job.toml").string() +
                                      "' --quiet --out '" + (scratch / "r").string() + "'");
    INFO(run.err);
    REQUIRE(run.exit_code == 0);
    const Json summary = Json::parse(test::read_file(scratch / "r" / "summary.json"));
    REQUIRE(summary["cards"].size() == 3);
    // The first card is the top influencer's, scored as the report scores (damping 0.5, where
    // catena explain's default is 0.85).
    const Json& card = summary["cards"][0];
    CHECK(card["customer"]["id"] == summary["influencers"]["top"][0]["id"]);
    CHECK(card["scores"][0]["measure"] == "pagerank");
    CHECK(card["scores"][0]["rank"] == 1);
    CHECK(card["scores"][0]["score"] == summary["influencers"]["top"][0]["score"]);
}
