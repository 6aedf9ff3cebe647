// Extreme inputs (issue 9): an empty graph, one customer, a star of a million leaves, a chain of a
// million customers, relationships that all weigh 0, and ids with commas, quotes, emoji, line
// breaks and 10,000 characters. Every command gives the right answer (checked against values
// known in closed form) or one clear line on stderr; never a crash, a hang, NaN or infinity.
//
// The million-node graphs only meet the cheap commands (stats, PageRank, degree, core numbers,
// communities, sampled betweenness); the expensive ones run on 10,000-node versions of the same
// shapes. The graphs are written by the test into a scratch folder.
#include <cmath>
#include <fstream>
#include <map>
#include <numeric>
#include <set>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "catena/loaders/csv_reader.hpp"

#include "test_util.hpp"

namespace {

using namespace catena;
namespace fs = std::filesystem;

std::string shell(std::string_view text) {
    std::string out = "'";
    for (const char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}
std::string shell(const fs::path& path) { return shell(std::string_view(path.string())); }

std::string csv_field(const std::string& text) {
    std::string out = "\"";
    for (const char c : text) out += c == '"' ? std::string("\"\"") : std::string(1, c);
    return out + "\"";
}

// Whether `text` holds a NaN or an infinity as a word ("nan", "-inf", "Infinity", ...).
bool has_non_finite(const std::string& text) {
    std::string word;
    const auto bad = [&] {
        std::string lower;
        for (const char c : word)
            lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (!lower.empty() && (lower[0] == '-' || lower[0] == '+')) lower.erase(0, 1);
        return lower == "nan" || lower == "inf" || lower == "infinity";
    };
    for (const char c : text) {
        if (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '+') {
            word += c;
            continue;
        }
        if (bad()) return true;
        word.clear();
    }
    return bad();
}

// A successful run: exit 0, nothing but notes on stderr, every number finite.
test::RunResult ok(const std::string& arguments) {
    const auto result = test::run_catena(arguments);
    INFO("catena " << arguments.substr(0, 300) << "\nstderr: " << result.err.substr(0, 2000));
    CHECK(result.exit_code == 0);
    CHECK_FALSE(has_non_finite(result.out));
    CHECK(result.err.find("runtime error") == std::string::npos);
    CHECK(result.err.find("Sanitizer") == std::string::npos);
    return result;
}

// A refused run: the exit code, one line on stderr naming the kind of error, and `message`.
void refused(const std::string& arguments, int code, const std::string& message) {
    const auto result = test::run_catena(arguments);
    INFO("catena " << arguments.substr(0, 300) << "\nstderr: " << result.err.substr(0, 2000));
    CHECK(result.exit_code == code);
    CHECK(std::count(result.err.begin(), result.err.end(), '\n') == 1);
    CHECK(result.err.rfind(code == 2 ? "catena: usage error: " : "catena: input error: ", 0) == 0);
    CHECK(result.err.find(message) != std::string::npos);
}

// The records of a CSV text (header first), read by catena's own RFC 4180 reader.
std::vector<std::vector<std::string>> parse_csv(const std::string& text) {
    std::vector<std::vector<std::string>> rows;
    CsvReader reader("output", text);
    rows.emplace_back(reader.header().begin(), reader.header().end());
    std::vector<std::string_view> fields;
    while (reader.next(fields)) rows.emplace_back(fields.begin(), fields.end());
    return rows;
}

// Column `name` of a CSV text: id -> value.
std::map<std::string, std::string> csv_column(const std::string& text, const std::string& key,
                                              const std::string& name) {
    const auto rows = parse_csv(text);
    const auto position = [&](const std::string& column) {
        const auto found = std::find(rows[0].begin(), rows[0].end(), column);
        REQUIRE(found != rows[0].end());
        return static_cast<std::size_t>(found - rows[0].begin());
    };
    const std::size_t key_at = position(key), value_at = position(name);
    std::map<std::string, std::string> column;
    for (std::size_t row = 1; row < rows.size(); ++row)
        column[rows[row][key_at]] = rows[row][value_at];
    return column;
}

// id -> community from a membership file, and the communities as sets of ids.
std::map<std::string, std::vector<std::string>> communities_of(const fs::path& membership) {
    std::map<std::string, std::vector<std::string>> members;
    for (const auto& [id, community] : csv_column(test::read_file(membership), "id", "community"))
        members[community].push_back(id);
    return members;
}

// Writes a star: `hub` joined to leaves l0..l(n-1), undirected.
void write_star(const fs::path& file, int leaves) {
    std::ofstream out(file, std::ios::binary);
    out << "source,target\n";
    for (int leaf = 0; leaf < leaves; ++leaf) out << "hub,l" << leaf << '\n';
}

// Writes a chain n0 - n1 - ... - n(n-1), undirected.
void write_chain(const fs::path& file, int nodes) {
    std::ofstream out(file, std::ios::binary);
    out << "source,target\n";
    for (int node = 0; node + 1 < nodes; ++node) out << 'n' << node << ",n" << node + 1 << '\n';
}

double number(const std::string& text) { return std::stod(text); }

const char* const kMeasures[] = {"pagerank", "degree", "core", "betweenness", "closeness"};
const char* const kMethods[] = {"leiden", "louvain", "lpa"};

}  // namespace

TEST_CASE("Extreme inputs: an empty graph gives empty answers or a clear error",
          "[hardening][extreme]") {
    test::ScratchDir scratch;
    test::write_file(scratch / "edges.csv", "source,target\n");
    fs::create_directories(scratch / "folder");
    test::write_file(scratch / "folder" / "customers.csv", "id,name\n");
    test::write_file(scratch / "folder" / "relationships.csv", "source,target\n");
    const auto db = scratch / "empty.db";
    ok("import " + shell(scratch / "folder") + " --quiet --db " + shell(db));
    test::write_file(scratch / "job.toml",
                     "[seeds]\nenabled = false\n[compare]\nenabled = false\n");

    for (const std::string& input : {"--edges " + shell(scratch / "edges.csv"),
                                     "--data " + shell(scratch / "folder"), "--db " + shell(db)}) {
        INFO(input);
        const auto stats = nlohmann::json::parse(ok("stats --format json " + input).out);
        CHECK(stats["customers"]["total"] == 0);
        CHECK(stats["influence_edges"]["edges"] == 0);
        CHECK(stats["components"]["weakly_connected"] == 0);
        for (const char* measure : kMeasures) {
            INFO(measure);
            const auto rank = ok(std::string("rank --no-save --format csv --top 0 --by ") +
                                 measure + " " + input);
            CHECK(rank.out == "rank,id,name,kind,segment,value,score\n");
            CHECK(nlohmann::json::parse(
                      ok(std::string("rank --no-save --format json --by ") + measure + " " + input)
                          .out)
                      .is_object());
        }
        for (const char* method : kMethods) {
            INFO(method);
            const auto communities =
                ok(std::string("communities --no-save --format csv --top 0 --method ") + method +
                   " " + input);
            CHECK(parse_csv(communities.out).size() == 1);
            const auto json = nlohmann::json::parse(
                ok(std::string("communities --no-save --format json --method ") + method + " " +
                   input)
                    .out);
            CHECK(json["modularity"] == 0.0);
        }
        CHECK(parse_csv(ok("value --no-save --format csv --top 0 " + input).out).size() == 1);
        const auto graphml = ok("export --format graphml " + input).out;
        CHECK(graphml.find("</graphml>") != std::string::npos);
        CHECK(graphml.find("<node") == std::string::npos);
        refused("seeds --no-save -k 1 " + input, 2, "but only 0 customers may be chosen");
        refused("compare --no-save -k 1 " + input, 2, "but only 0 customers may be chosen");
        refused("simulate --no-save --seeds nobody " + input, 2, "unknown seed customer 'nobody'");
        refused("report --quiet --no-save --out " + shell(scratch / "r") + " " + input, 2,
                "but only 0 customers");
        ok("report --quiet --no-save --job " + shell(scratch / "job.toml") + " --out " +
           shell(scratch / "r") + " " + input);
        CHECK_FALSE(has_non_finite(test::read_file(scratch / "r" / "summary.json")));
        fs::remove_all(scratch / "r");
    }
    refused("generate --customers 0 --out " + shell(scratch / "g"), 2,
            "--customers must be at least 2");
}

TEST_CASE("Extreme inputs: one customer", "[hardening][extreme]") {
    test::ScratchDir scratch;
    fs::create_directories(scratch / "one");
    test::write_file(scratch / "one" / "customers.csv", "id,value\nsolo,5\n");
    test::write_file(scratch / "one" / "relationships.csv", "source,target\n");
    test::write_file(scratch / "loop.csv",
                     "source,target\nsolo,solo\n");  // the self-loop is dropped
    for (const std::string& input :
         {"--data " + shell(scratch / "one"), "--edges " + shell(scratch / "loop.csv")}) {
        INFO(input);
        CHECK(nlohmann::json::parse(ok("stats --format json " + input).out)["customers"]["total"] ==
              1);
        const std::map<std::string, double> expected = {{"pagerank", 1.0},
                                                        {"degree", 0.0},
                                                        {"core", 0.0},
                                                        {"betweenness", 0.0},
                                                        {"closeness", 0.0}};
        for (const auto& [measure, score] : expected) {
            INFO(measure);
            const auto column = csv_column(
                ok("rank --format csv --by " + measure + " " + input).out, "id", "score");
            REQUIRE(column.size() == 1);
            CHECK(number(column.at("solo")) == score);
        }
        for (const char* method : kMethods) {
            const auto sizes = csv_column(
                ok(std::string("communities --format csv --method ") + method + " " + input).out,
                "community", "size");
            CHECK(sizes == std::map<std::string, std::string>{{"0", "1"}});
        }
        const auto seeds = parse_csv(ok("seeds -k 1 --format csv " + input).out);
        REQUIRE(seeds.size() == 2);
        CHECK(seeds[1][1] == "solo");
        CHECK(number(seeds[1].back()) == 1.0);
        refused("seeds -k 2 " + input, 2, "k = 2 but only 1 customers may be chosen");
        const auto simulation = nlohmann::json::parse(
            ok("simulate --seeds solo --sims 100 --format json " + input).out);
        CHECK(simulation["expected_spread"] == 1.0);
        CHECK(simulation["standard_error"] == 0.0);
        for (const auto& [strategy, spread] :
             csv_column(ok("compare -k 1 --sims 50 --format csv " + input).out, "strategy",
                        "expected_spread"))
            CHECK(number(spread) == 1.0);
        const auto values = parse_csv(ok("value --format csv " + input).out);
        CHECK(values.size() == 2);
        CHECK(ok("export --format dot " + input).out.find("\"solo\"") != std::string::npos);
    }
}

TEST_CASE("Extreme inputs: a star of a million leaves", "[hardening][extreme][large]") {
    test::ScratchDir scratch;
    const int leaves = 1'000'000;
    const double n = leaves + 1.0;
    const auto star = scratch / "star.csv";
    write_star(star, leaves);
    const std::string input = " --edges " + shell(star) + " --quiet";

    const auto stats = nlohmann::json::parse(ok("stats --format json" + input).out);
    CHECK(stats["customers"]["total"] == leaves + 1);
    CHECK(stats["influence_edges"]["edges"] == 2 * leaves);
    CHECK(stats["influence_edges"]["out_degree"]["max"] == leaves);
    CHECK(stats["components"]["weakly_connected"] == 1);
    CHECK(stats["components"]["largest"] == leaves + 1);

    // PageRank: the hub gets h = (1 - d) / n + d (1 - h), every leaf (1 - h) / (n - 1).
    const double d = 0.85, hub = ((1 - d) / n + d) / (1 + d);
    const auto pagerank = parse_csv(ok("rank --format csv --top 2" + input).out);
    REQUIRE(pagerank.size() == 3);
    CHECK(pagerank[1][1] == "hub");
    CHECK(number(pagerank[1][6]) == Approx(hub).epsilon(1e-9));
    CHECK(number(pagerank[2][6]) == Approx((1 - hub) / leaves).epsilon(1e-6));
    const auto degree = parse_csv(ok("rank --format csv --top 1 --by degree" + input).out);
    CHECK(degree[1][1] == "hub");
    CHECK(number(degree[1][6]) == leaves);
    const auto core = parse_csv(ok("rank --format csv --top 1 --by core" + input).out);
    CHECK(number(core[1][6]) == 1.0);  // the largest core number: every customer's is 1
    // Sampled betweenness: the hub lies on every path between two leaves, C(n - 1, 2) of them.
    const auto betweenness =
        parse_csv(ok("rank --format csv --top 2 --by betweenness --pivots 100" + input).out);
    CHECK(betweenness[1][1] == "hub");
    CHECK(number(betweenness[1][6]) == Approx(leaves * (leaves - 1.0) / 2).epsilon(1e-3));
    CHECK(number(betweenness[2][6]) == 0.0);

    // Communities: every community with more than one customer holds the hub (is connected).
    for (const char* method : {"leiden", "lpa"}) {
        INFO(method);
        const auto membership = scratch / (std::string(method) + ".csv");
        ok(std::string("communities --top 3 --method ") + method + " --membership-out " +
           shell(membership) + input);
        const auto members = communities_of(membership);
        std::size_t total = 0;
        for (const auto& [community, ids] : members) {
            total += ids.size();
            if (ids.size() > 1) CHECK(std::find(ids.begin(), ids.end(), "hub") != ids.end());
        }
        CHECK(total == leaves + 1);
    }
}

TEST_CASE("Extreme inputs: a star of 10,000 leaves meets the expensive commands",
          "[hardening][extreme]") {
    test::ScratchDir scratch;
    const int leaves = 10'000;
    const auto star = scratch / "star.csv";
    write_star(star, leaves);
    {
        std::ofstream nodes(scratch / "nodes.csv", std::ios::binary);
        nodes << "id,value\nhub,1\n";
        for (int leaf = 0; leaf < leaves; ++leaf) nodes << 'l' << leaf << ",1\n";
    }
    const std::string input =
        " --edges " + shell(star) + " --nodes " + shell(scratch / "nodes.csv") + " --quiet";
    // Exact betweenness (unordered pairs: every relationship is undirected) and harmonic closeness.
    const auto betweenness =
        csv_column(ok("rank --format csv --top 0 --by betweenness" + input).out, "id", "score");
    CHECK(number(betweenness.at("hub")) == leaves * (leaves - 1.0) / 2);
    CHECK(number(betweenness.at("l17")) == 0.0);
    const auto closeness =
        csv_column(ok("rank --format csv --top 0 --by closeness" + input).out, "id", "score");
    CHECK(number(closeness.at("hub")) == Approx(leaves).epsilon(1e-12));
    CHECK(number(closeness.at("l17")) == Approx(1 + (leaves - 1) / 2.0).epsilon(1e-12));
    // Weighted cascade: each leaf's only in-edge is from the hub, so the hub reaches everyone.
    const auto simulation =
        nlohmann::json::parse(ok("simulate --seeds hub --sims 200 --format json" + input).out);
    CHECK(simulation["expected_spread"] == leaves + 1.0);
    CHECK(simulation["standard_error"] == 0.0);
    CHECK(simulation["expected_value"] == leaves + 1.0);
    const auto seeds = parse_csv(ok("seeds -k 2 --eps 0.3 --format csv" + input).out);
    REQUIRE(seeds.size() == 3);
    CHECK(seeds[1][1] == "hub");
    const auto values = parse_csv(ok("value --top 1 --eps 0.02 --format csv" + input).out);
    REQUIRE(values.size() == 2);
    CHECK(values[1][1] == "hub");
    // The hub alone covers everything, yet k seeds come back (the second adding nothing), and
    // every strategy's curve has all k points.
    const auto compare =
        parse_csv(ok("compare -k 2 --sims 100 --eps 0.3 --format csv" + input).out);
    std::map<std::string, int> points;
    for (std::size_t row = 1; row < compare.size(); ++row) ++points[compare[row][0]];
    CHECK(points ==
          std::map<std::string, int>{
              {"maximisation", 2}, {"pagerank", 2}, {"degree", 2}, {"value", 2}, {"random", 2}});
    ok("export --format gexf -o " + shell(scratch / "star.gexf") + input);
}

TEST_CASE("Extreme inputs: a chain of a million customers", "[hardening][extreme][large]") {
    test::ScratchDir scratch;
    const int nodes = 1'000'000;
    const auto chain = scratch / "chain.csv";
    write_chain(chain, nodes);
    const std::string input = " --edges " + shell(chain) + " --quiet";
    const auto index = [](const std::string& id) { return std::stoi(id.substr(1)); };

    const auto stats = nlohmann::json::parse(ok("stats --format json" + input).out);
    CHECK(stats["customers"]["total"] == nodes);
    CHECK(stats["influence_edges"]["edges"] == 2 * (nodes - 1));
    CHECK(stats["components"]["weakly_connected"] == 1);

    // PageRank is symmetric about the middle, sums to 1, and is lowest at the two ends.
    const auto pagerank = csv_column(ok("rank --format csv --top 0" + input).out, "id", "score");
    REQUIRE(pagerank.size() == static_cast<std::size_t>(nodes));
    std::vector<double> score(nodes);
    for (const auto& [id, value] : pagerank) score[index(id)] = number(value);
    double sum = 0.0, worst = 0.0;
    for (int node = 0; node < nodes; ++node) {
        sum += score[node];
        worst = std::max(worst, std::abs(score[node] - score[nodes - 1 - node]) / score[node]);
    }
    CHECK(sum == Approx(1.0).epsilon(1e-9));
    CHECK(worst < 1e-9);
    CHECK(*std::min_element(score.begin(), score.end()) == score[0]);
    CHECK(score[0] < score[1]);
    // Every core number is 1.
    const auto core =
        csv_column(ok("rank --format csv --top 0 --by core" + input).out, "id", "score");
    CHECK(std::all_of(core.begin(), core.end(),
                      [](const auto& entry) { return entry.second == "1"; }));

    // Communities are runs of consecutive customers (connected), covering everyone once.
    for (const char* method : {"leiden", "lpa"}) {
        INFO(method);
        const auto membership = scratch / (std::string(method) + ".csv");
        ok(std::string("communities --top 3 --method ") + method + " --membership-out " +
           shell(membership) + input);
        std::size_t total = 0, disconnected = 0;
        for (auto& [community, ids] : communities_of(membership)) {
            std::vector<int> positions;
            for (const auto& id : ids) positions.push_back(index(id));
            std::sort(positions.begin(), positions.end());
            total += positions.size();
            if (positions.back() - positions.front() + 1 != static_cast<int>(positions.size()))
                ++disconnected;
        }
        CHECK(total == static_cast<std::size_t>(nodes));
        CHECK(disconnected == 0);
    }
}

TEST_CASE("Extreme inputs: a chain of 10,000 meets the expensive commands",
          "[hardening][extreme]") {
    test::ScratchDir scratch;
    const int nodes = 10'000;
    const auto chain = scratch / "chain.csv";
    write_chain(chain, nodes);
    const std::string input = " --edges " + shell(chain) + " --quiet";
    // Exact betweenness: node i lies between i x (n - 1 - i) pairs; harmonic closeness H(i) + H(n -
    // 1 - i).
    const auto betweenness =
        csv_column(ok("rank --format csv --top 0 --by betweenness" + input).out, "id", "score");
    const auto closeness =
        csv_column(ok("rank --format csv --top 0 --by closeness" + input).out, "id", "score");
    std::vector<double> harmonic(nodes, 0.0);
    for (int k = 1; k < nodes; ++k) harmonic[k] = harmonic[k - 1] + 1.0 / k;
    for (const int node : {0, 1, 17, nodes / 2, nodes - 2, nodes - 1}) {
        const std::string id = "n" + std::to_string(node);
        INFO(id);
        CHECK(number(betweenness.at(id)) == static_cast<double>(node) * (nodes - 1 - node));
        CHECK(number(closeness.at(id)) ==
              Approx(harmonic[node] + harmonic[nodes - 1 - node]).epsilon(1e-12));
    }
    // From one end, each next customer is reached with probability 1/2 (weighted cascade): 2 on
    // average.
    const auto simulation =
        nlohmann::json::parse(ok("simulate --seeds n0 --sims 20000 --format json" + input).out);
    const double spread = simulation["expected_spread"], error = simulation["standard_error"];
    CHECK(error > 0.0);
    CHECK(std::abs(spread - 2.0) < 5 * error);
    const auto lt = nlohmann::json::parse(
        ok("simulate --seeds n0 --model lt --sims 2000 --format json" + input).out);
    CHECK(lt["expected_spread"].get<double>() >= 1.0);
    const auto seeds = parse_csv(ok("seeds -k 3 --eps 0.3 --format csv" + input).out);
    CHECK(seeds.size() == 4);
    ok("value --top 3 --eps 0.05" + input);
    ok("compare -k 2 --sims 100 --eps 0.3" + input);
}

TEST_CASE("Extreme inputs: relationships that all weigh 0 carry no influence",
          "[hardening][extreme]") {
    test::ScratchDir scratch;
    test::write_file(scratch / "job.toml",
                     "[seeds]\nk = 2\neps = 0.3\n[compare]\nk = 2\nsimulations = 100\n");
    // A triangle a-b-c with a tail c-d, every weight 0.
    test::write_file(scratch / "zero.csv", "source,target,weight\na,b,0\nb,c,0\nc,a,0\nc,d,0\n");
    test::write_file(scratch / "plain.csv", "source,target\na,b\nb,c\nc,a\nc,d\n");
    const std::vector<std::string> inputs = {
        " --edges " + shell(scratch / "zero.csv"),
        " --edges " + shell(scratch / "plain.csv") + " --type knows:undirected:0"};
    for (const std::string& input : inputs) {
        INFO(input);
        // No edge can be followed: every customer is dangling, so PageRank is the teleport vector.
        for (const char* direction : {"influence", "authority"}) {
            const auto scores = csv_column(
                ok(std::string("rank --format csv --direction ") + direction + input).out, "id",
                "score");
            for (const auto& [id, score] : scores)
                CHECK(number(score) == Approx(0.25).epsilon(1e-12));
        }
        for (const auto& [id, score] :
             csv_column(ok("rank --format csv --by degree" + input).out, "id", "score"))
            CHECK(number(score) == 0.0);
        // Nothing to gain from grouping: Leiden and Louvain leave everyone alone, modularity 0.
        for (const char* method : {"leiden", "louvain"}) {
            const auto json = nlohmann::json::parse(
                ok(std::string("communities --format json --method ") + method + input).out);
            CHECK(json["modularity"] == 0.0);
            CHECK(json["count"] == 4);
        }
        ok("communities --method lpa" + input);
        // No edge can fire: a seed reaches only itself, under both models.
        for (const char* model : {"ic", "lt"}) {
            const auto simulation = nlohmann::json::parse(
                ok(std::string("simulate --seeds a --sims 500 --format json --model ") + model +
                   input)
                    .out);
            CHECK(simulation["expected_spread"] == 1.0);
            CHECK(simulation["standard_error"] == 0.0);
        }
        const auto seeds = csv_column(ok("seeds -k 2 --eps 0.3 --format csv" + input).out, "order",
                                      "marginal_estimate");
        REQUIRE(seeds.size() == 2);
        for (const auto& [order, estimate] : seeds)
            CHECK(number(estimate) == Approx(1.0).epsilon(0.15));
        for (const auto& [id, value] :
             csv_column(ok("value --format csv --top 0" + input).out, "id", "network_value"))
            CHECK(number(value) == 0.0);
        const auto exported = ok("export --format gexf" + input).out;
        CHECK(exported.find("value=\"0.25\"") != std::string::npos);
        ok("compare -k 2 --sims 100 --eps 0.3" + input);
        ok("report --quiet --no-save --out " + shell(scratch / "r") + " --job " +
           shell(scratch / "job.toml") + input);
    }

    // Some in-edges weigh 0: b cannot be reached from a; c always is.
    test::write_file(scratch / "mixed.csv", "source,target,weight\na,b,0\nc,b,0\na,c,1\n");
    const std::string mixed = " --directed --edges " + shell(scratch / "mixed.csv");
    double sum = 0.0;
    for (const auto& [id, score] : csv_column(ok("rank --format csv" + mixed).out, "id", "score"))
        sum += number(score);
    CHECK(sum == Approx(1.0).epsilon(1e-12));
    const auto reach = csv_column(ok("simulate --seeds a --sims 300 --format csv" + mixed).out,
                                  "id", "activation_probability");
    CHECK(reach == std::map<std::string, std::string>{{"a", "1"}, {"b", "0"}, {"c", "1"}});
}

TEST_CASE("Extreme inputs: ids with commas, quotes, emoji, line breaks and 10,000 characters",
          "[hardening][extreme]") {
    test::ScratchDir scratch;
    const std::vector<std::string> ids = {
        "a,b",
        "say \"hi\"",
        "\"",
        ",",
        "\xF0\x9F\x98\x80 emoji \xE2\x9D\xA4\xEF\xB8\x8F",
        "\xE4\xB8\xAD\xE6\x96\x87",
        std::string(10'000, 'L'),
        " spaced ",
        "Ana",
        "ana",
        "007",
        "7",
        "line\nbreak",
        "back\\slash",
        "<tag attr='x'>&amp;",
    };
    const auto data = scratch / "weird";
    fs::create_directories(data);
    std::string customers = "id,name,segment,value\n", relationships = "source,target,type\n";
    for (std::size_t index = 0; index < ids.size(); ++index) {
        customers += csv_field(ids[index]) + "," + csv_field("name " + ids[index].substr(0, 30)) +
                     "," + csv_field(index % 2 ? "s,1" : "s\"2") + "," + std::to_string(index + 1) +
                     "\n";
        relationships +=
            csv_field(ids[index]) + "," + csv_field(ids[(index + 1) % ids.size()]) + ",friend\n";
        relationships +=
            csv_field(ids[index]) + "," + csv_field(ids[(index + 5) % ids.size()]) + ",referral\n";
    }
    test::write_file(data / "customers.csv", customers);
    test::write_file(data / "relationships.csv", relationships);
    test::write_file(data / "referrals.csv",
                     "referrer,referred\n" + csv_field(ids[0]) + "," + csv_field(ids[6]) + "\n");
    test::write_file(data / "transactions.csv",
                     "customer,date,amount\n" + csv_field(ids[4]) + ",2025-03-01,12.5\n");
    const std::set<std::string> all(ids.begin(), ids.end());
    const std::string input = " --data " + shell(data) + " --quiet";
    test::write_file(scratch / "job.toml",
                     "[seeds]\nk = 2\neps = 0.3\n[compare]\nk = 2\nsimulations = 100\n");

    CHECK(nlohmann::json::parse(ok("stats --format json" + input).out)["customers"]["total"] ==
          ids.size());
    // CSV and JSON outputs name every customer exactly as written.
    for (const char* measure : kMeasures) {
        INFO(measure);
        std::set<std::string> listed;
        for (const auto& [id, score] :
             csv_column(ok(std::string("rank --format csv --top 0 --by ") + measure + input).out,
                        "id", "score"))
            listed.insert(id);
        CHECK(listed == all);
    }
    std::set<std::string> in_json;
    const auto ranked = nlohmann::json::parse(ok("rank --format json --top 0" + input).out);
    for (const auto& row : ranked["top"]) in_json.insert(row["id"].get<std::string>());
    CHECK(in_json == all);
    std::set<std::string> valued;
    for (const auto& [id, value] :
         csv_column(ok("value --format csv --top 0" + input).out, "id", "own_value"))
        valued.insert(id);
    CHECK(valued == all);
    CHECK(nlohmann::json::parse(ok("value --format json --top 0" + input).out).is_object());
    CHECK(nlohmann::json::parse(ok("communities --format json" + input).out).is_object());

    // A membership file goes back in as a starting partition, and seeds come from a CSV file.
    const auto membership = scratch / "members.csv";
    ok("communities --membership-out " + shell(membership) + input);
    const auto first = csv_column(test::read_file(membership), "id", "community");
    std::set<std::string> members;
    for (const auto& [id, community] : first) members.insert(id);
    CHECK(members == all);
    const auto again = scratch / "again.csv";
    ok("communities --initial " + shell(membership) + " --membership-out " + shell(again) + input);
    CHECK(csv_column(test::read_file(again), "id", "community").size() == ids.size());

    ok("seeds -k 3 --eps 0.3 --format csv" + input);
    std::string seed_file = "id\n";
    for (const std::size_t index : {0, 1, 6, 12}) seed_file += csv_field(ids[index]) + "\n";
    test::write_file(scratch / "seeds.csv", seed_file);
    const auto simulation = csv_column(
        ok("simulate --sims 200 --format csv --seeds-file " + shell(scratch / "seeds.csv") + input)
            .out,
        "id", "activation_probability");
    CHECK(simulation.size() == ids.size());
    for (const std::size_t index : {0, 1, 6, 12}) CHECK(simulation.at(ids[index]) == "1");
    // An id with a comma cannot be listed in --seeds (the list is comma-separated): a clear error.
    refused("simulate --seeds " + shell(std::string_view(ids[0])) + input, 2,
            "unknown seed customer 'a'");

    ok("compare -k 2 --sims 100 --eps 0.3" + input);
    for (const char* format : {"graphml", "gexf", "dot"}) {
        const auto exported = ok(std::string("export --format ") + format + input).out;
        CHECK(exported.find(std::string(10'000, 'L')) != std::string::npos);
        if (std::string(format) != "dot")
            CHECK(exported.find("<tag") == std::string::npos);  // escaped
    }
    // An XML parser reads every id back as written (a line break in an attribute must be a
    // character reference, or the parser turns it into a space).
    nlohmann::json expected_ids = nlohmann::json::array();
    for (const auto& id : std::set<std::string>(ids.begin(), ids.end())) expected_ids.push_back(id);
    test::write_file(scratch / "ids.json", expected_ids.dump());
    test::write_file(
        scratch / "check.py",
        "import json, sys, xml.etree.ElementTree as ET\n"
        "ids = sorted(e.get('id') for e in ET.parse(sys.argv[1]).iter() if e.tag.split('}')[-1] == "
        "'node')\n"
        "print('same' if ids == sorted(json.load(open(sys.argv[2]))) else 'different')\n");
    for (const char* format : {"graphml", "gexf"}) {
        INFO(format);
        const auto file = scratch / (std::string("weird.") + format);
        ok(std::string("export --format ") + format + " -o " + shell(file) + input);
        const std::string command = "/usr/bin/python3 " + shell(scratch / "check.py") + " " +
                                    shell(file) + " " + shell(scratch / "ids.json") + " > " +
                                    shell(scratch / "check.txt") + " 2>&1";
        CHECK(std::system(command.c_str()) == 0);
        CHECK(test::read_file(scratch / "check.txt") == "same\n");
    }
    ok("report --quiet --no-save --out " + shell(scratch / "r") + " --job " +
       shell(scratch / "job.toml") + input);
    const auto summary = nlohmann::json::parse(test::read_file(scratch / "r" / "summary.json"));
    CHECK(summary.is_object());

    // The same through a workspace.
    const auto db = scratch / "w.db";
    ok("import " + shell(data) + " --quiet --db " + shell(db));
    CHECK(ok("rank --no-save --format csv --top 0 --db " + shell(db)).out ==
          ok("rank --format csv --top 0" + input).out);
}

TEST_CASE("Extreme inputs: text that is not UTF-8 and empty ids are clear input errors",
          "[hardening][extreme]") {
    test::ScratchDir scratch;
    const auto edges = scratch / "edges.csv";
    // Latin-1 'é', a lone continuation byte, an overlong '/', a UTF-16 surrogate, beyond U+10FFFF.
    for (const std::string bad :
         {"caf\xE9", "\x80", "\xC0\xAF", "\xED\xA0\x80", "\xF4\x90\x80\x80", "ok\xF0\x9F\x98"}) {
        INFO(bad);
        test::write_file(edges, "source,target\nfine,other\n" + bad + ",fine\n");
        for (const std::string command :
             {"stats", "rank --format json", "communities --format json", "value --format json",
              "export --format graphml"})
            refused(command + " --edges " + shell(edges), 3,
                    edges.string() + ":3: source: is not valid UTF-8");
        refused("import --edges " + shell(edges) + " --db " + shell(scratch / "w.db"), 3,
                "is not valid UTF-8");
        CHECK_FALSE(fs::exists(scratch / "w.db"));
    }
    test::write_file(edges, "source,target,\"n\xE9\"\nfine,other,x\n");
    refused("stats --edges " + shell(edges), 3,
            edges.string() + ":1: header: column 3's name is not valid UTF-8");
    // Valid UTF-8 of every length passes, a byte-order mark included.
    test::write_file(
        edges,
        "\xEF\xBB\xBFsource,target\n\xC3\xA9,\xE2\x82\xAC\n\xF0\x9F\x98\x80,\xF4\x8F\xBF\xBF\n");
    CHECK(nlohmann::json::parse(
              ok("stats --format json --edges " + shell(edges)).out)["customers"]["total"] == 4);

    fs::create_directories(scratch / "folder");
    test::write_file(scratch / "folder" / "customers.csv", "id,name\nok,Ana\n,Nobody\n");
    test::write_file(scratch / "folder" / "relationships.csv", "source,target\n");
    const auto result = test::run_catena("stats --data " + shell(scratch / "folder"));
    CHECK(result.exit_code == 3);
    CHECK(std::count(result.err.begin(), result.err.end(), '\n') == 1);
    CHECK(result.err.find("customers.csv:3: id: customer id is empty") != std::string::npos);
}
