// catena export: what an analyst opening the GraphML or GEXF file in Gephi (or NetworkX) finds.
// The files are read back by Python's XML parser and by NetworkX (/usr/bin/python3, Debian's
// python3-networkx), never by searching the text, except to check how numbers are spelt.
//
// The fixture: two groups of four customers, tied within by undirected relationships, joined by
// one referral a -> e; c -> d is a friendship made directed by its row's `directed` column.
//
//     a --- b        e --- f
//     | \ / |  a->e  | \ / |
//     | / \ |        | / \ |
//     c --> d        Q --- h        (Q is the customer with the id Q"&<'😀)
#include <algorithm>
#include <map>
#include <set>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "test_util.hpp"

using namespace catena;
using nlohmann::json;

namespace {

const std::string kWeird = "Q\"&<'\xF0\x9F\x98\x80";  // Q"&<'😀

std::string shell(const std::filesystem::path& path) { return "'" + path.string() + "'"; }

// The customers, with two columns beyond catena's own; one is called `community`, as the
// computed attribute is.
const std::string kCustomers =
    "id,kind,name,segment,value,cost,opt_out,channel,favourite shop,community\n"
    "a,person,Ann,retail,29.04,2.5,false,email,Smith & Co,north\n"
    "b,person,Bob,retail,10,,false,sms,,north\n"
    "c,business,Caf\xC3\xA9 <Central>,horeca,,,true,,,\n"
    "d,person,,retail,5,,false,email,,\n"
    "e,person,Eve,retail,40,,false,,,south\n"
    "f,person,Fay,retail,1,,false,,,\n"
    "\"Q\"\"&<'\xF0\x9F\x98\x80\",person,\"Quinn & \"\"Q\"\"\",retail,2,,false,,,\n"
    "h,person,Hal,retail,3,,false,,,\n";

const std::string kUndirected =
    "a,b,friend,,0.3,2020-01-02,\n"
    "a,c,family,,,,\n"
    "a,d,family,,,,\n"
    "b,c,family,,,,\n"
    "b,d,family,,,,\n"
    "e,f,family,,,,\n"
    "e,\"Q\"\"&<'\xF0\x9F\x98\x80\",family,,,,\n"
    "e,h,family,,,,\n"
    "f,\"Q\"\"&<'\xF0\x9F\x98\x80\",family,,,,\n"
    "f,h,family,,,,\n"
    "\"Q\"\"&<'\xF0\x9F\x98\x80\",h,coworker,,,,\n";

const std::string kDirected =
    "c,d,friend,,,,true\n"
    "a,e,referral,,,,\n";

// A data folder with the customers and these relationship rows.
std::filesystem::path data_folder(const test::ScratchDir& scratch, const std::string& name,
                                  const std::string& rows) {
    const auto folder = scratch / name;
    std::filesystem::create_directories(folder);
    test::write_file(folder / "customers.csv", kCustomers);
    test::write_file(folder / "relationships.csv",
                     "source,target,type,weight,probability,date,directed\n" + rows);
    return folder;
}

std::string export_to(const std::filesystem::path& data, const std::string& format,
                      const std::filesystem::path& file, const std::string& extra = "") {
    const auto run = test::run_catena("export --data " + shell(data) + " --format " + format +
                                      " -o " + shell(file) + " " + extra);
    INFO(run.err);
    REQUIRE(run.exit_code == 0);
    return test::read_file(file);
}

// Runs a Python script with /usr/bin/python3 (Debian's, which has NetworkX) and parses what it
// prints as JSON.
json python(const test::ScratchDir& scratch, const std::string& script,
            const std::string& arguments) {
    test::write_file(scratch / "script.py", script);
    const std::string command = "/usr/bin/python3 " + shell(scratch / "script.py") + " " +
                                arguments + " > " + shell(scratch / "script.out") + " 2>&1";
    const int status = std::system(command.c_str());
    const std::string out = test::read_file(scratch / "script.out");
    INFO(out);
    REQUIRE(status == 0);
    return json::parse(out);
}

// Both files as plain data, by Python's XML parser: every node's attributes by name, every edge
// with its direction and attributes; GEXF nodes with their label and viz colour and size.
const std::string kReadXml = R"(import json, sys, xml.etree.ElementTree as ET
G = '{http://graphml.graphdrawing.org/xmlns}'
X, V = '{http://gexf.net/1.3}', '{http://gexf.net/1.3/viz}'

def graphml(path):
    root = ET.parse(path).getroot()
    keys = {k.get('id'): k.get('attr.name') for k in root.iter(G + 'key')}
    graph = root.find(G + 'graph')
    data = lambda element: {keys[d.get('key')]: d.text for d in element.findall(G + 'data')}
    return {'edgedefault': graph.get('edgedefault'),
            'nodes': {n.get('id'): data(n) for n in graph.findall(G + 'node')},
            'edges': [{'source': e.get('source'), 'target': e.get('target'),
                       'directed': e.get('directed'), 'data': data(e)}
                      for e in graph.findall(G + 'edge')]}

def gexf(path):
    root = ET.parse(path).getroot()
    graph = root.find(X + 'graph')
    titles = {(a.get('class'), b.get('id')): b.get('title')
              for a in graph.findall(X + 'attributes') for b in a.findall(X + 'attribute')}
    data = lambda element, kind: {titles[(kind, v.get('for'))]: v.get('value')
                                  for v in element.iter(X + 'attvalue')}
    nodes = {}
    for n in graph.find(X + 'nodes').findall(X + 'node'):
        color, size = n.find(V + 'color'), n.find(V + 'size')
        nodes[n.get('id')] = {
            'label': n.get('label'), 'data': data(n, 'node'),
            'color': None if color is None else [int(color.get(c)) for c in 'rgb'],
            'size': None if size is None else float(size.get('value'))}
    return {'defaultedgetype': graph.get('defaultedgetype'), 'nodes': nodes,
            'edges': [{'source': e.get('source'), 'target': e.get('target'),
                       'type': e.get('type'), 'label': e.get('label'),
                       'weight': e.get('weight'), 'data': data(e, 'edge')}
                      for e in graph.find(X + 'edges').findall(X + 'edge')]}

print(json.dumps({'graphml': graphml(sys.argv[1]), 'gexf': gexf(sys.argv[2])}))
)";

// Exports the data as STEM.graphml and STEM.gexf (with `extra` options) and reads both back.
json read_exports(const test::ScratchDir& scratch, const std::filesystem::path& data,
                  const std::string& stem, const std::string& extra = "") {
    const auto graphml = scratch / (stem + ".graphml"), gexf = scratch / (stem + ".gexf");
    export_to(data, "graphml", graphml, extra);
    export_to(data, "gexf", gexf, extra);
    return python(scratch, kReadXml, shell(graphml) + " " + shell(gexf));
}

// The edges between two customers, either way round.
std::vector<json> edges_between(const json& file, const std::string& one,
                                const std::string& other) {
    std::vector<json> found;
    for (const json& edge : file["edges"])
        if ((edge["source"] == one && edge["target"] == other) ||
            (edge["source"] == other && edge["target"] == one))
            found.push_back(edge);
    return found;
}

}  // namespace

TEST_CASE("catena export: customer attributes, extra columns and numbers in GraphML and GEXF",
          "[cli][export]") {
    test::ScratchDir scratch;
    const auto data = data_folder(scratch, "mixed", kUndirected + kDirected);
    json files = read_exports(scratch, data, "crm");
    const std::string graphml_text = test::read_file(scratch / "crm.graphml");
    const std::string gexf_text = test::read_file(scratch / "crm.gexf");
    json& graphml = files["graphml"]["nodes"];
    json& gexf = files["gexf"]["nodes"];
    REQUIRE(graphml.size() == 8);
    REQUIRE(gexf.size() == 8);

    // The data's own attributes, and each further column by its header's name; the customer
    // column `community` keeps its value as community_data beside the computed community.
    json& ann = graphml["a"];
    CHECK(ann["label"] == "Ann");
    CHECK(ann["kind"] == "person");
    CHECK(ann["segment"] == "retail");
    CHECK(ann["value"] == "29.04");
    CHECK(ann["cost"] == "2.5");
    CHECK(ann["opt_out"] == "false");
    CHECK(ann["channel"] == "email");
    CHECK(ann["favourite shop"] == "Smith & Co");
    CHECK(ann["community_data"] == "north");
    CHECK(ann.contains("community"));
    CHECK(ann["community"] != "north");
    for (const char* computed :
         {"pagerank", "influence_rank", "own_value", "network_value", "referral_value",
          "influence_weighted_value", "value_rank", "quadrant"})
        CHECK(ann.contains(computed));
    json& ann_gexf = gexf["a"];
    CHECK(ann_gexf["label"] == "Ann");
    for (const auto& [name, value] : ann.items())
        if (name != "label") CHECK(ann_gexf["data"][name] == value);

    // A business that opted out, with no value or cost given; a customer without a name.
    json& cafe = graphml["c"];
    CHECK(cafe["kind"] == "business");
    CHECK(cafe["segment"] == "horeca");
    CHECK(cafe["label"] == "Caf\xC3\xA9 <Central>");
    CHECK(cafe["opt_out"] == "true");
    CHECK_FALSE(cafe.contains("value"));
    CHECK_FALSE(cafe.contains("cost"));
    CHECK_FALSE(cafe.contains("favourite shop"));
    CHECK(gexf["c"]["data"]["opt_out"] == "true");
    CHECK(graphml["d"]["label"] == "d");
    CHECK(gexf["d"]["label"] == "d");

    // Ids and names with quotes, ampersands, < and emoji come back as written.
    REQUIRE(graphml.contains(kWeird));
    REQUIRE(gexf.contains(kWeird));
    CHECK(graphml[kWeird]["label"] == "Quinn & \"Q\"");
    CHECK(gexf[kWeird]["label"] == "Quinn & \"Q\"");
    CHECK(edges_between(files["graphml"], kWeird, "h").size() == 1);
    CHECK(edges_between(files["gexf"], kWeird, "h").size() == 1);

    // Numbers in their shortest round-trip form, not 17 significant digits.
    CHECK(graphml_text.find(">29.04</data>") != std::string::npos);
    CHECK(gexf_text.find("value=\"29.04\"") != std::string::npos);
    CHECK(graphml_text.find(">0.8</data>") != std::string::npos);  // a friendship's strength
    CHECK(gexf_text.find("weight=\"0.8\"") != std::string::npos);
    for (const std::string& text : {graphml_text, gexf_text}) {
        CHECK(text.find("29.039999") == std::string::npos);
        CHECK(text.find("0.80000000000000004") == std::string::npos);
    }
}

TEST_CASE("catena export: undirected relationships are one undirected edge, directed ones directed",
          "[cli][export]") {
    test::ScratchDir scratch;
    const auto data = data_folder(scratch, "mixed", kUndirected + kDirected);
    json files = read_exports(scratch, data, "crm");
    json& graphml = files["graphml"];
    json& gexf = files["gexf"];
    // 11 undirected relationships and 2 directed ones: 13 edges (catena's 24 arcs).
    CHECK(graphml["edges"].size() == 13);
    CHECK(gexf["edges"].size() == 13);
    CHECK(graphml["edgedefault"] == "directed");
    CHECK(gexf["defaultedgetype"] == "directed");
    std::size_t undirected = 0;
    for (json& edge : graphml["edges"]) undirected += edge["directed"] == "false";
    CHECK(undirected == 11);
    undirected = 0;
    for (json& edge : gexf["edges"]) undirected += edge["type"] == "undirected";
    CHECK(undirected == 11);

    // a - b: a friendship, once, undirected, with its stated probability and date, and the
    // weighted-cascade probability each way.
    auto friendship = edges_between(graphml, "a", "b");
    REQUIRE(friendship.size() == 1);
    CHECK(friendship[0]["source"] == "a");
    CHECK(friendship[0]["directed"] == "false");
    json friendship_data = friendship[0]["data"];
    CHECK(friendship_data["type"] == "friend");
    CHECK(friendship_data["strength"] == "0.8");
    CHECK(friendship_data["stated_probability"] == "0.3");
    CHECK(friendship_data["date"] == "2020-01-02");
    CHECK(friendship_data.contains("probability"));
    CHECK(friendship_data.contains("reverse_probability"));
    auto friendship_gexf = edges_between(gexf, "a", "b");
    REQUIRE(friendship_gexf.size() == 1);
    CHECK(friendship_gexf[0]["type"] == "undirected");
    CHECK(friendship_gexf[0]["label"] == "friend");
    CHECK(friendship_gexf[0]["weight"] == "0.8");
    CHECK(friendship_gexf[0]["data"] == friendship_data);

    // a -> e: a referral, directed, from the referrer.
    auto referral = edges_between(graphml, "a", "e");
    REQUIRE(referral.size() == 1);
    CHECK(referral[0]["source"] == "a");
    CHECK(referral[0]["directed"] == "true");
    CHECK(referral[0]["data"]["type"] == "referral");
    CHECK_FALSE(referral[0]["data"].contains("reverse_probability"));
    auto referral_gexf = edges_between(gexf, "a", "e");
    REQUIRE(referral_gexf.size() == 1);
    CHECK(referral_gexf[0]["source"] == "a");
    CHECK(referral_gexf[0]["type"] == "directed");
    CHECK(referral_gexf[0]["data"]["type"] == "referral");

    // c -> d: a friendship whose row says directed stays one directed edge.
    auto one_way = edges_between(graphml, "c", "d");
    REQUIRE(one_way.size() == 1);
    CHECK(one_way[0]["source"] == "c");
    CHECK(one_way[0]["directed"] == "true");
    CHECK(one_way[0]["data"]["type"] == "friend");
    auto one_way_gexf = edges_between(gexf, "c", "d");
    REQUIRE(one_way_gexf.size() == 1);
    CHECK(one_way_gexf[0]["type"] == "directed");

    // Every edge names its relationship type.
    for (json& edge : graphml["edges"]) CHECK(edge["data"].contains("type"));
    for (json& edge : gexf["edges"]) CHECK(edge["label"] == edge["data"]["type"]);

    // --arcs: every arc one directed edge, as before.
    json arcs = read_exports(scratch, data, "arcs", "--arcs");
    CHECK(arcs["graphml"]["edges"].size() == 24);
    CHECK(arcs["gexf"]["edges"].size() == 24);
    for (json& edge : arcs["graphml"]["edges"]) CHECK(edge["directed"] == "true");
    for (json& edge : arcs["gexf"]["edges"]) CHECK(edge["type"] == "directed");
    CHECK(edges_between(arcs["graphml"], "a", "b").size() == 2);

    // An undirected edge's probability is its source's arc's, reverse_probability the other
    // arc's: e -> h is 1 / 2.6 (h's ties weigh 1 + 1 + 0.6), h -> e is 1 / 4.
    const auto arc_probability = [&](const std::string& source, const std::string& target) {
        for (json& edge : arcs["graphml"]["edges"])
            if (edge["source"] == source && edge["target"] == target)
                return std::stod(edge["data"]["probability"].get<std::string>());
        return -1.0;
    };
    auto family = edges_between(graphml, "e", "h");
    REQUIRE(family.size() == 1);
    CHECK(family[0]["source"] == "e");
    CHECK(std::stod(family[0]["data"]["probability"].get<std::string>()) ==
          arc_probability("e", "h"));
    CHECK(std::stod(family[0]["data"]["reverse_probability"].get<std::string>()) ==
          arc_probability("h", "e"));
    CHECK(arc_probability("e", "h") == Approx(1 / 2.6));
    CHECK(arc_probability("h", "e") == Approx(0.25));

    // Two arcs that differ (an undirected friendship, and a directed one merged into a -> b)
    // stay two directed edges, each with its own strength.
    json merged = read_exports(
        scratch, data_folder(scratch, "merged", "a,b,friend,,,,\na,b,friend,,,,true\n"), "merged");
    auto pair = edges_between(merged["graphml"], "a", "b");
    REQUIRE(pair.size() == 2);
    CHECK(pair[0]["source"] == "a");
    CHECK(pair[0]["directed"] == "true");
    CHECK(pair[0]["data"]["strength"] == "1.6");
    CHECK(pair[1]["source"] == "b");
    CHECK(pair[1]["directed"] == "true");
    CHECK(pair[1]["data"]["strength"] == "0.8");
    CHECK(edges_between(merged["gexf"], "a", "b").size() == 2);
}

TEST_CASE("catena export: GEXF colours customers by community and sizes them by influence",
          "[cli][export]") {
    test::ScratchDir scratch;
    const auto data = data_folder(scratch, "mixed", kUndirected + kDirected);
    json nodes = read_exports(scratch, data, "crm")["gexf"]["nodes"];
    CHECK(test::read_file(scratch / "crm.gexf").find("xmlns:viz=\"http://gexf.net/1.3/viz\"") !=
          std::string::npos);
    // The two groups are the two communities.
    const auto community = [&](const std::string& id) {
        return nodes[id]["data"]["community"].get<std::string>();
    };
    for (const std::string id : {"b", "c", "d"}) CHECK(community(id) == community("a"));
    for (const std::string& id : std::vector<std::string>{"f", kWeird, "h"})
        CHECK(community(id) == community("e"));
    CHECK(community("a") != community("e"));
    CHECK(nodes["a"]["color"] == nodes["b"]["color"]);
    CHECK(nodes["e"]["color"] == nodes[kWeird]["color"]);
    CHECK(nodes["a"]["color"] != nodes["e"]["color"]);
    // Every colour follows the community: same community, same colour, and the other way round
    // (two communities here, so no colour comes round again).
    for (const auto& [one, first] : nodes.items())
        for (const auto& [other, second] : nodes.items())
            CHECK((community(one) == community(other)) == (first["color"] == second["color"]));

    // a referred e, so a reaches more than b does: a higher PageRank, a larger node. Sizes run
    // from 5 (lowest score) to 50 (highest) in the order of the scores.
    const auto score = [&](const std::string& id) {
        return std::stod(nodes[id]["data"]["pagerank"].get<std::string>());
    };
    CHECK(score("a") > score("b"));
    CHECK(nodes["a"]["size"].get<double>() > nodes["b"]["size"].get<double>());
    double smallest = 1e9, largest = 0;
    for (const auto& [one, first] : nodes.items()) {
        smallest = std::min(smallest, first["size"].get<double>());
        largest = std::max(largest, first["size"].get<double>());
        for (const auto& [other, second] : nodes.items())
            if (score(one) < score(other))
                CHECK(first["size"].get<double>() < second["size"].get<double>());
    }
    CHECK(smallest == 5.0);
    CHECK(largest == 50.0);

    // Without the analyses there is nothing to colour or size by.
    json plain = read_exports(scratch, data, "plain", "--no-analyses")["gexf"]["nodes"];
    CHECK(plain["a"]["color"].is_null());
    CHECK(plain["a"]["size"].is_null());
}

TEST_CASE("catena export: NetworkX reads the attributes back from GraphML and GEXF",
          "[cli][export]") {
    // NetworkX reads no graph that mixes directed and undirected edges, so the customers here
    // have undirected relationships only; a mixed graph is read with --arcs (report_test.cpp).
    test::ScratchDir scratch;
    const auto data = data_folder(scratch, "undirected", kUndirected);
    export_to(data, "graphml", scratch / "crm.graphml");
    export_to(data, "gexf", scratch / "crm.gexf");
    // NetworkX 2.8 (Debian 12) knows GEXF up to 1.2draft; later releases read 1.3 by adding the
    // same entry (networkx pull request 8196).
    const std::string script = R"(import json, sys, networkx as nx
from networkx.readwrite import gexf
gexf.GEXF.versions.setdefault('1.3', {
    'NS_GEXF': 'http://gexf.net/1.3', 'NS_VIZ': 'http://gexf.net/1.3/viz',
    'NS_XSI': 'http://www.w3.org/2001/XMLSchema-instance',
    'SCHEMALOCATION': 'http://gexf.net/1.3 http://gexf.net/1.3/gexf.xsd', 'VERSION': '1.3'})
weird = 'Q"&<\'\U0001F600'
out = {}
for name, g in (('graphml', nx.read_graphml(sys.argv[1])), ('gexf', nx.read_gexf(sys.argv[2]))):
    ab = g.edges['a', 'b']
    out[name] = {'directed': g.is_directed(), 'multigraph': g.is_multigraph(),
                 'nodes': g.number_of_nodes(), 'edges': g.number_of_edges(),
                 'a': {k: [v, type(v).__name__] for k, v in g.nodes['a'].items()},
                 'ab': {k: [v, type(v).__name__] for k, v in ab.items()},
                 'weird': g.nodes[weird]['label']}
print(json.dumps(out))
)";
    json read =
        python(scratch, script, shell(scratch / "crm.graphml") + " " + shell(scratch / "crm.gexf"));
    for (const char* format : {"graphml", "gexf"}) {
        INFO(format);
        json& g = read[format];
        CHECK(g["directed"] == false);
        CHECK(g["multigraph"] == false);
        CHECK(g["nodes"] == 8);
        CHECK(g["edges"] == 11);
        CHECK(g["weird"] == "Quinn & \"Q\"");
        json& a = g["a"];
        CHECK(a["label"] == json::array({"Ann", "str"}));
        CHECK(a["kind"] == json::array({"person", "str"}));
        CHECK(a["segment"] == json::array({"retail", "str"}));
        CHECK(a["value"] == json::array({29.04, "float"}));
        CHECK(a["cost"] == json::array({2.5, "float"}));
        CHECK(a["opt_out"] == json::array({false, "bool"}));
        CHECK(a["favourite shop"] == json::array({"Smith & Co", "str"}));
        CHECK(a["community_data"] == json::array({"north", "str"}));
        CHECK(a["community"][1] == "int");
        CHECK(a["influence_rank"][1] == "int");
        CHECK(a["pagerank"][1] == "float");
        CHECK(a["quadrant"][1] == "str");
        json& ab = g["ab"];
        CHECK(ab["type"] == json::array({"friend", "str"}));
        CHECK(ab["strength"] == json::array({0.8, "float"}));
        CHECK(ab["stated_probability"] == json::array({0.3, "float"}));
        CHECK(ab["date"] == json::array({"2020-01-02", "str"}));
        CHECK(ab["probability"][1] == "float");
        CHECK(ab["reverse_probability"][1] == "float");
    }
    // GEXF's weight is the strength, and viz survives.
    CHECK(read["gexf"]["ab"]["weight"] == json::array({0.8, "float"}));
    CHECK(read["gexf"]["a"]["viz"][0].contains("color"));
    CHECK(read["gexf"]["a"]["viz"][0].contains("size"));
}
