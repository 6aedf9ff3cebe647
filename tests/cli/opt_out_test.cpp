// Opt-outs are sacred (issue 13): a customer whose opt_out is set is never returned, seeded,
// exported for contact or listed as a campaign target by any command, in any format.
//
// Two copies of the sample CRM data, run through the real binary:
// - the control, with every opt_out cleared;
// - the opted-out world: the same data, where the sample's own opt-outs AND the customers every
//   output path of the control puts first (the top influencers by each measure, the top values,
//   the hidden influencers and champions, the seeds, each strategy's first pick, each community's
//   top customers, the most likely reached) have opted out.
// Every listing of the opted-out world must leave those customers out, while the control lists
// them (so each check can fail). Scores do not depend on opt-outs, so a customer listed in both
// keeps the same rank; full per-customer files (export, membership, activation probabilities)
// keep everyone and flag them.
#include <algorithm>
#include <filesystem>
#include <functional>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "test_util.hpp"

using namespace catena;
using Json = nlohmann::json;

namespace {

// One CSV record split into fields (RFC 4180 quotes; the sample has no line breaks in fields).
std::vector<std::string> split_csv(const std::string& line) {
    std::vector<std::string> fields(1);
    bool quoted = false;
    for (std::size_t at = 0; at < line.size(); ++at) {
        const char c = line[at];
        if (quoted) {
            if (c == '"' && at + 1 < line.size() && line[at + 1] == '"')
                fields.back() += '"', ++at;
            else if (c == '"')
                quoted = false;
            else
                fields.back() += c;
        } else if (c == '"') {
            quoted = true;
        } else if (c == ',') {
            fields.emplace_back();
        } else if (c != '\r') {
            fields.back() += c;
        }
    }
    return fields;
}

std::string csv_quote(const std::string& field) {
    if (field.find_first_of(",\"\r\n") == std::string::npos) return field;
    std::string out = "\"";
    for (const char c : field) out += c == '"' ? std::string("\"\"") : std::string(1, c);
    return out + "\"";
}

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
}

// A CSV table: header and rows, as maps from column name to field.
std::vector<std::map<std::string, std::string>> csv_rows(const std::string& text) {
    const std::vector<std::string> lines = lines_of(text);
    std::vector<std::map<std::string, std::string>> rows;
    if (lines.empty()) return rows;
    const std::vector<std::string> header = split_csv(lines[0]);
    for (std::size_t index = 1; index < lines.size(); ++index) {
        const std::vector<std::string> fields = split_csv(lines[index]);
        std::map<std::string, std::string> row;
        for (std::size_t column = 0; column < header.size() && column < fields.size(); ++column)
            row[header[column]] = fields[column];
        rows.push_back(std::move(row));
    }
    return rows;
}

// Whether `text` names `id` as a whole token (C0042 but not inside C00421).
bool mentions(const std::string& text, const std::string& id) {
    const auto is_id_char = [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
    };
    for (std::size_t at = text.find(id); at != std::string::npos; at = text.find(id, at + 1)) {
        const bool starts = at == 0 || !is_id_char(text[at - 1]);
        const bool ends = at + id.size() == text.size() || !is_id_char(text[at + id.size()]);
        if (starts && ends) return true;
    }
    return false;
}

std::set<std::string> mentioned(const std::string& text, const std::set<std::string>& ids) {
    std::set<std::string> found;
    for (const std::string& id : ids)
        if (mentions(text, id)) found.insert(id);
    return found;
}

// Value listings say who referred each listed customer (`referred_by`): that names the referrer
// as part of the listed customer's history, not as a target. Drop it before looking for ids.
std::string without_referrers(const std::string& text, bool csv) {
    if (csv) {
        std::string out;
        for (const std::string& line : lines_of(text)) {
            std::vector<std::string> fields = split_csv(line);
            static const std::size_t column = [] {
                const auto header = split_csv(
                    "rank,id,name,kind,segment,quadrant,own_value,own_value_source,network_value,"
                    "network_standard_"
                    "error,network_half_width,referral_value,direct_referrals,direct_value,cascade_"
                    "size,cascade_"
                    "depth,referred_by");
                return static_cast<std::size_t>(
                    std::find(header.begin(), header.end(), "referred_by") - header.begin());
            }();
            if (column < fields.size())
                fields.erase(fields.begin() + static_cast<std::ptrdiff_t>(column));
            for (std::size_t index = 0; index < fields.size(); ++index)
                out += (index ? "," : "") + csv_quote(fields[index]);
            out += "\n";
        }
        return out;
    }
    Json json = Json::parse(text);
    for (auto& row : json["top"]) row.erase("referred_by");
    return json.dump(2);
}

// summary.json's value section lists its top customers as `catena value` does, with referred_by.
std::string summary_without_referrers(Json summary) {
    if (summary.contains("value"))
        for (auto& row : summary["value"]["top"]) row.erase("referred_by");
    return summary.dump(2);
}

// Copies samples/crm into `folder`, with opt_out true for exactly `opted_out`.
void write_world(const std::filesystem::path& folder, const std::set<std::string>& opted_out) {
    std::filesystem::create_directories(folder);
    const auto sample = test::source_dir() / "samples" / "crm";
    for (const char* file : {"relationships.csv", "referrals.csv", "transactions.csv"})
        std::filesystem::copy_file(sample / file, folder / file);
    const std::vector<std::string> lines = lines_of(test::read_file(sample / "customers.csv"));
    const std::vector<std::string> header = split_csv(lines.at(0));
    const auto id_column =
        static_cast<std::size_t>(std::find(header.begin(), header.end(), "id") - header.begin());
    const auto opt_out_column = static_cast<std::size_t>(
        std::find(header.begin(), header.end(), "opt_out") - header.begin());
    REQUIRE(opt_out_column < header.size());
    std::string out = lines[0] + "\n";
    for (std::size_t index = 1; index < lines.size(); ++index) {
        std::vector<std::string> fields = split_csv(lines[index]);
        fields.at(opt_out_column) = opted_out.count(fields.at(id_column)) ? "true" : "false";
        for (std::size_t column = 0; column < fields.size(); ++column)
            out += (column ? "," : "") + csv_quote(fields[column]);
        out += "\n";
    }
    test::write_file(folder / "customers.csv", out);
}

// The sample's own opt-outs.
std::set<std::string> sample_opt_outs() {
    std::set<std::string> ids;
    for (const auto& row :
         csv_rows(test::read_file(test::source_dir() / "samples" / "crm" / "customers.csv")))
        if (row.at("opt_out") == "true") ids.insert(row.at("id"));
    return ids;
}

const char* const kMeasures[] = {"pagerank", "degree", "core", "betweenness", "closeness"};
const char* const kFormats[] = {"table", "csv", "json"};
// The value listings: every filter.
const char* const kValueFilters[] = {"--top 20",
                                     "--top 0",
                                     "--quadrant hidden-influencers --top 10",
                                     "--quadrant champions --top 10",
                                     "--quadrant high-value-loners --top 10",
                                     "--segment horeca --top 10",
                                     "--segment consumer-occasional --top 0"};

// The seed selections checked (-k 5 is also the report job's).
const char* const kSeedRuns[] = {"-k 8", "-k 5", "-k 5 --objective value", "-k 3 --budget 40"};

struct Worlds {
    test::ScratchDir scratch;
    std::filesystem::path control, opted;
    std::set<std::string> opted_out;          // opted out in `opted`
    std::vector<std::string> simulate_seeds;  // never opted out
    std::string data(bool with_opt_outs) const {
        return "--data '" + (with_opt_outs ? opted : control).string() + "' -q ";
    }
};

Json run_json(const std::string& arguments) {
    const test::RunResult run = test::run_catena(arguments + " --format json");
    INFO(arguments << "\n" << run.err);
    REQUIRE(run.exit_code == 0);
    return Json::parse(run.out);
}

// Both worlds; the opted-out customers found from the control's outputs.
const Worlds& worlds() {
    static Worlds* built = [] {
        auto* w = new Worlds;
        w->control = w->scratch / "control";
        w->opted = w->scratch / "opted-out";
        write_world(w->control, {});
        std::set<std::string>& out = w->opted_out;
        out = sample_opt_outs();
        const std::string control = w->data(false);
        for (const char* by : kMeasures) {
            const Json rank = run_json("rank " + control + "--top 3 --by " + by);
            for (const auto& row : rank["top"]) out.insert(row["id"]);
        }
        for (const char* filter : kValueFilters) {
            const Json value = run_json("value " + control + filter);
            for (std::size_t index = 0; index < std::min<std::size_t>(3, value["top"].size());
                 ++index)
                out.insert(value["top"][index]["id"].get<std::string>());
        }
        // Each parsed output is kept alive while it is iterated (a range-for over a member of a
        // temporary reads freed memory: AddressSanitizer caught it).
        for (const char* seeds : kSeedRuns) {
            const Json chosen = run_json("seeds " + control + seeds);
            for (const auto& seed : chosen["seeds"]) out.insert(seed["id"]);
        }
        const Json compared = run_json("compare " + control + "-k 3 --sims 200");
        for (const auto& [name, curve] : compared["strategies"].items())
            for (const auto& seed : curve["seeds"]) out.insert(seed.get<std::string>());
        for (const char* by : {"degree", "pagerank"}) {
            const Json communities = run_json("communities " + control + "--top 0 --top-by " + by);
            for (const auto& community : communities["largest"])
                for (const auto& member : community["top_customers"])
                    out.insert(member["id"].get<std::string>());
        }
        // Simulate from the two best-ranked customers who stay in, so that what they reach first
        // can opt out too.
        const Json ranked = run_json("rank " + control + "--top 0");
        for (const auto& row : ranked["top"])
            if (w->simulate_seeds.size() < 2 && !out.count(row["id"]))
                w->simulate_seeds.push_back(row["id"]);
        REQUIRE(w->simulate_seeds.size() == 2);
        const Json reached = run_json("simulate " + control + "--sims 500 --top 5 --seeds " +
                                      w->simulate_seeds[0] + "," + w->simulate_seeds[1]);
        for (const auto& row : reached["most_likely_reached"]) out.insert(row["id"]);
        write_world(w->opted, out);
        return w;
    }();
    return *built;
}

std::string seeds_argument(const Worlds& w) {
    return "--seeds " + w.simulate_seeds[0] + "," + w.simulate_seeds[1];
}

// `catena ARGUMENTS` in both worlds: the opted-out world's output names none of the opted-out
// customers, the control's names some. `filter` prepares the text to search.
void check_both(const std::string& command, const std::string& arguments,
                const std::function<std::string(const std::string&)>& filter = {}) {
    const Worlds& w = worlds();
    for (const bool with_opt_outs : {true, false}) {
        const std::string line = command + " " + w.data(with_opt_outs) + arguments;
        const test::RunResult run = test::run_catena(line);
        INFO(line << "\n" << run.err);
        REQUIRE(run.exit_code == 0);
        const std::string text = filter ? filter(run.out) : run.out;
        const std::set<std::string> found = mentioned(text, w.opted_out);
        if (with_opt_outs) {
            INFO("opted-out customers listed: " << Json(found).dump());
            CHECK(found.empty());
        } else {
            CHECK(!found.empty());  // the control lists them: the check above can fail
        }
    }
}

}  // namespace

TEST_CASE(
    "Opt-outs: rank lists none of them by any measure in any format, and ranks count everyone",
    "[opt-out][cli]") {
    const Worlds& w = worlds();
    for (const char* by : kMeasures)
        for (const char* format : kFormats)
            check_both("rank", std::string("--top 20 --by ") + by + " --format " + format);
    for (const char* by : kMeasures) {
        INFO(by);
        // Every listed customer has the rank it has among all customers (the control's rank).
        std::map<std::string, std::uint64_t> control_rank;
        for (const auto& row : csv_rows(
                 test::run_catena("rank " + w.data(false) + "--top 0 --format csv --by " + by).out))
            control_rank[row.at("id")] = std::stoull(row.at("rank"));
        const Json json = run_json("rank " + w.data(true) + "--top 20 --by " + by);
        REQUIRE(json["top"].size() == 20);
        std::uint64_t last_rank = 0;
        for (const auto& row : json["top"]) {
            CHECK(row["rank"].get<std::uint64_t>() == control_rank.at(row["id"]));
            last_rank = row["rank"];
        }
        // It says how many opted-out customers it passed over: the gaps in the ranks.
        std::uint64_t passed = 0;
        for (const auto& [id, rank] : control_rank)
            passed += rank <= last_rank && w.opted_out.count(id);
        CHECK(passed > 0);
        CHECK(json["opted_out_not_listed"].get<std::uint64_t>() == passed);
        CHECK(last_rank == 20 + passed);
        const std::string table =
            test::run_catena("rank " + w.data(true) + "--top 20 --by " + by).out;
        CHECK(table.find(std::to_string(passed) +
                         " opted-out customers ranked among these not listed") !=
              std::string::npos);
        // The CSV stays a plain table: a header and one row per listed customer.
        const std::string csv =
            test::run_catena("rank " + w.data(true) + "--top 20 --format csv --by " + by).out;
        CHECK(lines_of(csv).size() == 21);
        CHECK(csv.rfind("rank,id,", 0) == 0);
        // All of them: everyone who did not opt out.
        const Json all = run_json("rank " + w.data(true) + "--top 0 --by " + by);
        CHECK(all["top"].size() == control_rank.size() - w.opted_out.size());
        CHECK(all["opted_out_not_listed"].get<std::size_t>() == w.opted_out.size());
    }
}

TEST_CASE("Opt-outs: value listings leave them out for every filter and format", "[opt-out][cli]") {
    const Worlds& w = worlds();
    for (const char* filter : kValueFilters)
        for (const char* format : kFormats) {
            const std::string f = format;
            check_both("value", std::string(filter) + " --format " + f,
                       [f](const std::string& out) {
                           return f == "table" ? out : without_referrers(out, f == "csv");
                       });
        }
    // Hidden influencers keep their rank among all customers, and the count of those passed over.
    const Json control = run_json("value " + w.data(false) + "--top 0");
    std::map<std::string, std::uint64_t> rank;
    for (const auto& row : control["top"]) rank[row["id"]] = row["rank"];
    const Json hidden =
        run_json("value " + w.data(true) + "--quadrant hidden-influencers --top 10");
    REQUIRE(!hidden["top"].empty());
    for (const auto& row : hidden["top"])
        CHECK(row["rank"].get<std::uint64_t>() == rank.at(row["id"]));
    CHECK(hidden["opted_out_not_listed"].get<std::uint64_t>() > 0);
    // The summaries still count everyone.
    CHECK(run_json("value " + w.data(true) + "--top 1")["quadrants"] == control["quadrants"]);
}

TEST_CASE("Opt-outs: seeds and every compare strategy pick none of them", "[opt-out][cli]") {
    for (const char* seeds : kSeedRuns)
        for (const char* format : kFormats)
            check_both("seeds", std::string(seeds) + " --format " + format);
    // compare: the JSON names each strategy's seeds (the table and CSV have curves only).
    const Worlds& w = worlds();
    for (const bool with_opt_outs : {true, false}) {
        const Json json = run_json("compare " + w.data(with_opt_outs) + "-k 6 --sims 200");
        REQUIRE(json["strategies"].size() == 5);
        std::size_t listed = 0;
        for (const auto& [name, curve] : json["strategies"].items()) {
            INFO(name);
            CHECK(curve["seeds"].size() == 6);
            for (const auto& seed : curve["seeds"])
                listed += w.opted_out.count(seed.get<std::string>());
            if (with_opt_outs) CHECK(listed == 0);
        }
        if (!with_opt_outs) CHECK(listed > 0);
    }
    // The table and CSV name no customer at all, only strategies and curves.
    for (const char* format : {"table", "csv"}) {
        const auto run =
            test::run_catena("compare " + w.data(true) + "-k 3 --sims 100 --format " + format);
        REQUIRE(run.exit_code == 0);
        CHECK(mentioned(run.out, w.opted_out).empty());
    }
}

TEST_CASE("Opt-outs: simulate refuses them as seeds and does not list them as likely reached",
          "[opt-out][cli]") {
    const Worlds& w = worlds();
    // The most likely reached (table and JSON).
    for (const char* format : {"table", "json"})
        check_both("simulate", seeds_argument(w) + " --sims 500 --top 10 --format " + format);
    const Json json =
        run_json("simulate " + w.data(true) + seeds_argument(w) + " --sims 500 --top 10");
    CHECK(json["most_likely_reached"].size() == 10);
    CHECK(json["opted_out_not_listed"].get<std::uint64_t>() > 0);
    // They are still reached and counted: the spread is the control's.
    const Json control =
        run_json("simulate " + w.data(false) + seeds_argument(w) + " --sims 500 --top 10");
    CHECK(json["expected_spread"] == control["expected_spread"]);
    // The CSV of every customer's probability keeps everyone, flagged.
    const auto rows = csv_rows(test::run_catena("simulate " + w.data(true) + seeds_argument(w) +
                                                " --sims 200 --format csv")
                                   .out);
    CHECK(rows.size() == 400);
    std::size_t flagged = 0;
    for (const auto& row : rows) {
        CHECK(row.at("opt_out") == (w.opted_out.count(row.at("id")) ? "true" : "false"));
        flagged += row.at("opt_out") == "true";
    }
    CHECK(flagged == w.opted_out.size());
    // An opted-out seed is a usage error naming every one of them.
    const std::string first = *w.opted_out.begin(), last = *w.opted_out.rbegin();
    const auto refused = test::run_catena("simulate " + w.data(true) + "--seeds " +
                                          w.simulate_seeds[0] + "," + first + "," + last);
    CHECK(refused.exit_code == 2);
    CHECK(refused.err.find("'" + first + "', '" + last + "' have opted out") != std::string::npos);
    CHECK(refused.out.empty());
    CHECK(test::run_catena("simulate " + w.data(false) + "--sims 100 --seeds " + first).exit_code ==
          0);
}

TEST_CASE("Opt-outs: communities do not list them as top customers, the membership file flags them",
          "[opt-out][cli]") {
    for (const char* by : {"degree", "pagerank"})
        for (const char* format : kFormats)
            check_both("communities",
                       std::string("--top 0 --top-by ") + by + " --format " + format);
    const Worlds& w = worlds();
    const Json json = run_json("communities " + w.data(true) + "--top 0");
    CHECK(json["opted_out_not_listed"].get<std::uint64_t>() > 0);
    // The membership file lists everyone, with opt_out, and reads back as a starting partition.
    const auto members = w.scratch / "members.csv";
    REQUIRE(test::run_catena("communities " + w.data(true) + "--membership-out '" +
                             members.string() + "'")
                .exit_code == 0);
    const std::string text = test::read_file(members);
    CHECK(text.rfind("id,community,opt_out\n", 0) == 0);
    const auto rows = csv_rows(text);
    CHECK(rows.size() == 400);
    for (const auto& row : rows)
        CHECK(row.at("opt_out") == (w.opted_out.count(row.at("id")) ? "true" : "false"));
    const auto again = test::run_catena("communities " + w.data(true) + "--initial '" +
                                        members.string() + "' --format json");
    INFO(again.err);
    CHECK(again.exit_code == 0);
}

TEST_CASE("Opt-outs: the report's page, summary and CSV tables list none of them",
          "[opt-out][cli][report]") {
    const Worlds& w = worlds();
    for (const bool with_opt_outs : {true, false}) {
        INFO((with_opt_outs ? "opted-out world" : "control"));
        const auto out = w.scratch / (with_opt_outs ? "report-opted-out" : "report-control");
        const auto job = w.scratch / (with_opt_outs ? "opted-out.toml" : "control.toml");
        test::write_file(
            job, "name = \"opt-outs\"\n[data]\nfolder = \"" +
                     (with_opt_outs ? w.opted : w.control).string() +
                     "\"\n[rank]\ntop = 20\n[seeds]\nk = 5\n[compare]\nk = 3\nsimulations = 200\n"
                     "[simulate]\nseeds = [\"" +
                     w.simulate_seeds[0] + "\", \"" + w.simulate_seeds[1] +
                     "\"]\nsimulations = 200\n[output]\nfolder = \"" + out.string() + "\"\n");
        const auto run = test::run_catena("report -q --job '" + job.string() + "'");
        INFO(run.err);
        REQUIRE(run.exit_code == 0);
        const std::string html = test::read_file(out / "report.html");
        const std::string summary = test::read_file(out / "summary.json");
        const Json json = Json::parse(summary);
        const std::map<std::string, std::string> listings = {
            {"report.html", html},
            {"summary.json", summary_without_referrers(json)},
            {"influencers.csv", test::read_file(out / "influencers.csv")},
            {"seeds.csv", test::read_file(out / "seeds.csv")},
            {"values.csv", without_referrers(test::read_file(out / "values.csv"), true)}};
        for (const auto& [name, text] : listings) {
            INFO(name);
            const std::set<std::string> found = mentioned(text, w.opted_out);
            if (with_opt_outs) {
                INFO("opted-out customers listed: " << Json(found).dump());
                CHECK(found.empty());
            } else {
                CHECK(!found.empty());
            }
        }
        // Per-customer files for analysis keep everyone, flagged.
        for (const char* file : {"communities.csv", "simulation.csv"}) {
            INFO(file);
            const auto rows = csv_rows(test::read_file(out / file));
            CHECK(rows.size() == 400);
            for (const auto& row : rows)
                CHECK(row.at("opt_out") ==
                      (with_opt_outs && w.opted_out.count(row.at("id")) ? "true" : "false"));
        }
        CHECK(json["data"]["opted_out"] == (with_opt_outs ? w.opted_out.size() : 0));
        CHECK(json["value"]["quadrants"].size() == 4);
        if (with_opt_outs) {
            CHECK(json["influencers"]["top"].size() == 20);
            CHECK(json["influencers"]["opted_out_not_listed"].get<std::uint64_t>() > 0);
            CHECK(json["value"]["opted_out_not_plotted"] == w.opted_out.size());
            CHECK(json["value"]["points"].size() == 400 - w.opted_out.size());
            CHECK(html.find("who opted out are not listed among them") != std::string::npos);
            CHECK(html.find("opted out</div>") != std::string::npos);
            // The influencers table keeps ranks among all customers.
            CHECK(lines_of(test::read_file(out / "influencers.csv")).size() ==
                  401 - w.opted_out.size());
        } else {
            CHECK(json["influencers"]["opted_out_not_listed"] == 0);
            CHECK(html.find("who opted out") == std::string::npos);
        }
    }
    // A job that seeds an opted-out customer is refused before any analysis runs.
    const auto job = w.scratch / "bad.toml";
    test::write_file(job, "[data]\nfolder = \"" + w.opted.string() + "\"\n[simulate]\nseeds = [\"" +
                              *w.opted_out.begin() + "\"]\n[output]\nfolder = \"" +
                              (w.scratch / "bad-report").string() + "\"\n");
    const auto bad = test::run_catena("report -q --job '" + job.string() + "'");
    CHECK(bad.exit_code == 3);
    CHECK(bad.err.find("simulate.seeds names customer '" + *w.opted_out.begin() +
                       "', who opted out") != std::string::npos);
    CHECK(!std::filesystem::exists(w.scratch / "bad-report" / "report.html"));
}

TEST_CASE(
    "Opt-outs: export keeps every customer and flags each with opt_out in GraphML, GEXF and DOT",
    "[opt-out][cli][export]") {
    const Worlds& w = worlds();
    const std::string flagged = *w.opted_out.begin();
    std::string stays;
    for (const auto& row : csv_rows(test::read_file(w.opted / "customers.csv")))
        if (!w.opted_out.count(row.at("id"))) {
            stays = row.at("id");
            break;
        }
    for (const char* analyses : {"", "--no-analyses "}) {
        INFO(analyses);
        // GraphML: a boolean key named opt_out, and a value on every node.
        const auto graphml =
            test::run_catena("export " + w.data(true) + analyses + "--format graphml");
        REQUIRE(graphml.exit_code == 0);
        const std::string& g = graphml.out;
        const auto key_at = g.find("attr.name=\"opt_out\" attr.type=\"boolean\"");
        REQUIRE(key_at != std::string::npos);
        const auto key_start = g.rfind("<key id=\"", key_at) + 9;
        const std::string key = g.substr(key_start, g.find('"', key_start) - key_start);
        const auto node_line = [&](const std::string& text, const std::string& head) {
            const auto at = text.find(head);
            REQUIRE(at != std::string::npos);
            return text.substr(at, text.find('\n', at) - at);
        };
        std::size_t nodes = 0, opted = 0;
        for (const std::string& line : lines_of(g)) {
            if (line.find("<node id=") == std::string::npos) continue;
            ++nodes;
            CHECK(line.find("<data key=\"" + key + "\">") != std::string::npos);
            opted += line.find("<data key=\"" + key + "\">true</data>") != std::string::npos;
        }
        CHECK(nodes == 400);
        CHECK(opted == w.opted_out.size());
        CHECK(node_line(g, "<node id=\"" + flagged + "\">")
                  .find("<data key=\"" + key + "\">true</data>") != std::string::npos);
        CHECK(node_line(g, "<node id=\"" + stays + "\">")
                  .find("<data key=\"" + key + "\">false</data>") != std::string::npos);

        // GEXF: a boolean attribute titled opt_out, and a value on every node.
        const auto gexf = test::run_catena("export " + w.data(true) + analyses + "--format gexf");
        REQUIRE(gexf.exit_code == 0);
        const std::string& x = gexf.out;
        const auto title_at = x.find("title=\"opt_out\" type=\"boolean\"");
        REQUIRE(title_at != std::string::npos);
        const auto id_start = x.rfind("<attribute id=\"", title_at) + 15;
        const std::string attribute = x.substr(id_start, x.find('"', id_start) - id_start);
        nodes = opted = 0;
        for (const std::string& line : lines_of(x)) {
            if (line.find("<node id=") == std::string::npos) continue;
            ++nodes;
            CHECK(line.find("<attvalue for=\"" + attribute + "\" value=\"") != std::string::npos);
            opted += line.find("<attvalue for=\"" + attribute + "\" value=\"true\"/>") !=
                     std::string::npos;
        }
        CHECK(nodes == 400);
        CHECK(opted == w.opted_out.size());
        CHECK(node_line(x, "<node id=\"" + flagged + "\"").find("value=\"true\"/>") !=
              std::string::npos);

        // DOT: opt_out="true" or "false" on every node statement.
        const auto dot = test::run_catena("export " + w.data(true) + analyses + "--format dot");
        REQUIRE(dot.exit_code == 0);
        nodes = opted = 0;
        for (const std::string& line : lines_of(dot.out)) {
            if (line.find(" -> ") != std::string::npos || line.find(" [") == std::string::npos)
                continue;
            ++nodes;
            CHECK((line.find("opt_out=\"true\"") != std::string::npos ||
                   line.find("opt_out=\"false\"") != std::string::npos));
            opted += line.find("opt_out=\"true\"") != std::string::npos;
        }
        CHECK(nodes == 400);
        CHECK(opted == w.opted_out.size());
        CHECK(node_line(dot.out, "\"" + flagged + "\" [").find("opt_out=\"true\"") !=
              std::string::npos);
    }
}

TEST_CASE("Opt-outs: explain names none of them on its card, and explains none of them",
          "[opt-out][cli][explain]") {
    const Worlds& w = worlds();
    // Every contributor, influencer and referral listed (--top 0), in every format and as a page.
    for (const char* format : kFormats)
        check_both("explain",
                   w.simulate_seeds[0] + " --top 0 --depth 6 --sims 500 --format " + format);
    const auto page = w.scratch / "card.html";
    check_both(
        "explain",
        w.simulate_seeds[0] + " --top 0 --sims 500 --html '" + page.string() + "' --format json",
        [&](const std::string&) { return test::read_file(page); });
    const Json card = run_json("explain " + w.data(true) + w.simulate_seeds[0] + " --top 0");
    CHECK(card["network"]["opted_out"]["customers"].get<std::uint64_t>() > 0);
    CHECK(card["network"]["opted_out"]["value_contributed"].get<double>() > 0);
    // An opted-out customer is not explained.
    const auto refused = test::run_catena("explain " + w.data(true) + *w.opted_out.begin());
    CHECK(refused.exit_code == 2);
    CHECK(refused.err.find("has opted out") != std::string::npos);
    CHECK(refused.out.empty());
}
