#include "catena/graph/graph_builder.hpp"

#include <cmath>
#include <optional>
#include <set>
#include <tuple>

#include <boost/graph/graph_traits.hpp>
#include <catch2/catch.hpp>

#include "catena/graph/errors.hpp"

#include "csr_storage.hpp"  // graph/src: the Boost graph behind the spans

using namespace catena;

namespace {

GraphBuilder people(std::initializer_list<const char*> ids, GraphBuilderOptions options = {}) {
    GraphBuilder builder(std::move(options));
    for (const char* id : ids) {
        CustomerRow row;
        row.id = id;
        builder.add_customer(row);
    }
    return builder;
}

RelationshipRow rel(const char* source, const char* target, const char* type = "",
                    double weight = 1.0) {
    RelationshipRow row;
    row.source = source;
    row.target = target;
    row.type = type;
    row.weight = weight;
    return row;
}

// Edge (source id, target id) -> EdgeId, or nothing.
std::optional<EdgeId> edge(const InfluenceGraph& g, const char* source, const char* target) {
    const NodeId u = *g.find(source);
    const NodeId v = *g.find(target);
    for (EdgeId e = g.out_offsets()[u]; e < g.out_offsets()[u + 1]; ++e)
        if (g.out_targets()[e] == v) return e;
    return std::nullopt;
}

}  // namespace

TEST_CASE("Empty graph and single node", "[graph][builder]") {
    const InfluenceGraph empty = GraphBuilder().build();
    CHECK(empty.num_nodes() == 0);
    CHECK(empty.num_edges() == 0);
    CHECK(empty.in_edge_ids().empty());

    const InfluenceGraph one = people({"solo"}).build();
    CHECK(one.num_nodes() == 1);
    CHECK(one.num_edges() == 0);
    CHECK(one.out_degree(0) == 0);
    CHECK(one.in_degree(0) == 0);
    CHECK(one.external_id(0) == "solo");
    CHECK(one.find("solo") == 0u);
    CHECK_FALSE(one.find("other").has_value());
    CHECK(one.cost(0) == 1.0);
    CHECK_FALSE(one.has_value(0));
}

TEST_CASE("Type defaults: directed referral, undirected friend, strengths", "[graph][builder]") {
    GraphBuilder builder = people({"a", "b", "c"});
    builder.add_relationship(rel("a", "b", "referral", 2.0));  // 1.0 x 2 = 2, one edge
    builder.add_relationship(rel("b", "c", "friend", 0.5));    // 0.8 x 0.5 = 0.4, both ways
    builder.add_relationship(rel("c", "a", "Coworker"));       // 0.6, both ways, any case
    const InfluenceGraph g = builder.build();
    CHECK(g.num_edges() == 5);
    CHECK(g.strength(*edge(g, "a", "b")) == 2.0);
    CHECK_FALSE(edge(g, "b", "a").has_value());
    CHECK(g.strength(*edge(g, "b", "c")) == Approx(0.4));
    CHECK(g.strength(*edge(g, "c", "b")) == Approx(0.4));
    CHECK(g.strength(*edge(g, "a", "c")) == Approx(0.6));
    CHECK(g.types()[g.type(*edge(g, "a", "c"))].name == "coworker");
    CHECK(g.report().directed_rows == 1);
    CHECK(g.report().undirected_rows == 2);
}

TEST_CASE("Rows without a type: knows, or influences under --directed", "[graph][builder]") {
    GraphBuilder undirected = people({"a", "b"});
    undirected.add_relationship(rel("a", "b"));
    const InfluenceGraph u = undirected.build();
    CHECK(u.num_edges() == 2);
    CHECK(u.types()[u.type(0)].name == "knows");

    GraphBuilderOptions options;
    options.directed_by_default = true;
    GraphBuilder directed = people({"a", "b"}, options);
    directed.add_relationship(rel("a", "b"));
    const InfluenceGraph d = directed.build();
    CHECK(d.num_edges() == 1);
    CHECK(d.types()[d.type(0)].name == "influences");
    CHECK(edge(d, "a", "b").has_value());
}

TEST_CASE("Per-row direction and type overrides", "[graph][builder]") {
    GraphBuilderOptions options;
    options.types.declare("friend:directed:2");
    options.types.declare("mentor", true, 1.5);
    GraphBuilder builder = people({"a", "b", "c"}, options);
    builder.add_relationship(rel("a", "b", "friend"));  // now directed, strength 2
    builder.add_relationship(rel("b", "c", "mentor"));
    RelationshipRow both_ways = rel("c", "a", "referral");
    both_ways.directed = false;  // the row overrides the type
    builder.add_relationship(both_ways);
    const InfluenceGraph g = builder.build();
    CHECK(g.strength(*edge(g, "a", "b")) == 2.0);
    CHECK_FALSE(edge(g, "b", "a").has_value());
    CHECK(g.strength(*edge(g, "b", "c")) == 1.5);
    CHECK(edge(g, "c", "a").has_value());
    CHECK(edge(g, "a", "c").has_value());
}

TEST_CASE("Repeated pairs merge by summing, self-loops are dropped, both are counted",
          "[graph][builder]") {
    GraphBuilder builder = people({"a", "b", "c"});
    RelationshipRow first = rel("a", "b", "referral");
    first.probability = 0.5;
    first.date = 100;
    builder.add_relationship(first);
    RelationshipRow second = rel("a", "b", "referral", 3.0);
    second.probability = 0.5;
    second.date = 50;
    builder.add_relationship(second);                      // merges into a->b
    builder.add_relationship(rel("b", "a", "friend"));     // b->a new, a->b merges again
    builder.add_relationship(rel("c", "c", "friend"));     // self-loop
    builder.add_relationship(rel("b", "c", "family", 0));  // zero weight is kept
    const InfluenceGraph g = builder.build();
    const EdgeId ab = *edge(g, "a", "b");
    CHECK(g.strength(ab) == Approx(1.0 + 3.0 + 0.8));
    CHECK(*g.probability(ab) == Approx(0.75));  // 1 - 0.5 x 0.5
    CHECK(g.date(ab) == 50);
    CHECK(g.types()[g.type(ab)].name == "referral");  // the first row's type
    CHECK(g.strength(*edge(g, "b", "a")) == Approx(0.8));
    CHECK_FALSE(g.probability(*edge(g, "b", "a")).has_value());
    CHECK(g.strength(*edge(g, "b", "c")) == 0.0);
    CHECK(g.num_edges() == 4);  // a->b, b->a, b->c, c->b, and nothing for c->c
    const BuildReport& report = g.report();
    CHECK(report.relationship_rows == 5);
    CHECK(report.self_loops_dropped == 1);
    CHECK(report.merged_rows == 2);   // rows 2 and 3
    CHECK(report.merged_edges == 2);  // a->b twice
    REQUIRE(report.merge_examples.size() == 2);
    CHECK(report.merge_examples[0] == "a -> b");
}

TEST_CASE("Out- and in-edges agree, and EdgeIds are in (source, target) order",
          "[graph][builder]") {
    GraphBuilder builder = people({"n0", "n1", "n2", "n3", "n4"});
    const std::vector<std::pair<const char*, const char*>> rows = {
        {"n3", "n1"}, {"n0", "n4"}, {"n2", "n0"}, {"n4", "n3"}, {"n1", "n2"}, {"n0", "n2"}};
    for (const auto& [source, target] : rows)
        builder.add_relationship(rel(source, target, "referral"));
    const InfluenceGraph g = builder.build();
    REQUIRE(g.num_edges() == rows.size());
    std::set<std::pair<NodeId, NodeId>> out_pairs, in_pairs;
    for (NodeId u = 0; u < g.num_nodes(); ++u)
        for (EdgeId e = g.out_offsets()[u]; e < g.out_offsets()[u + 1]; ++e) {
            if (e > g.out_offsets()[u]) CHECK(g.out_targets()[e - 1] < g.out_targets()[e]);
            CHECK(g.edge_source(e) == u);
            out_pairs.emplace(u, g.out_targets()[e]);
        }
    for (NodeId v = 0; v < g.num_nodes(); ++v)
        for (EdgeId position = g.in_offsets()[v]; position < g.in_offsets()[v + 1]; ++position) {
            const EdgeId e = g.in_edge_ids()[position];
            CHECK(g.edge_target(e) == v);
            CHECK(g.edge_source(e) == g.in_sources()[position]);
            in_pairs.emplace(g.in_sources()[position], v);
        }
    CHECK(out_pairs == in_pairs);
    // The Boost view agrees with the raw arrays.
    const detail::Csr& csr = detail::CsrAccess::csr(g);
    std::set<std::pair<NodeId, NodeId>> boost_pairs;
    for (NodeId v = 0; v < g.num_nodes(); ++v)
        for (auto [it, end] = boost::in_edges(v, csr); it != end; ++it)
            boost_pairs.emplace(boost::source(*it, csr), boost::target(*it, csr));
    CHECK(boost_pairs == out_pairs);
}

TEST_CASE("A copied or moved graph keeps its structure, one builder builds many graphs",
          "[graph][builder]") {
    GraphBuilder builder = people({"a", "b", "c"});
    builder.add_relationship(rel("a", "b", "referral"));
    builder.add_relationship(rel("b", "c", "friend"));
    std::optional<InfluenceGraph> original = builder.build();
    const InfluenceGraph copy = *original;
    InfluenceGraph moved = std::move(*original);
    original.reset();  // the spans of the copies must not point into it
    for (const InfluenceGraph* g : {&copy, static_cast<const InfluenceGraph*>(&moved)}) {
        REQUIRE(g->num_edges() == 3);
        CHECK(g->out_offsets().size() == 4);
        CHECK(g->out_degree(*g->find("b")) == 1);  // b -> c
        CHECK(g->in_degree(*g->find("b")) == 2);   // a -> b, c -> b
        CHECK(g->edge_target(g->in_edge_ids()[g->in_offsets()[*g->find("c")]]) == *g->find("c"));
    }
    CHECK(copy == moved);
    // The builder starts afresh: a second graph does not share or disturb the first.
    GraphBuilder second = people({"x", "y"});
    second.add_relationship(rel("x", "y", "referral"));
    const InfluenceGraph other = second.build();
    CHECK(other.num_edges() == 1);
    CHECK(copy.num_edges() == 3);
    const InfluenceGraph empty;
    CHECK(empty.num_nodes() == 0);
    CHECK(empty.out_offsets().size() == 1);
    CHECK(empty.in_edge_ids().empty());
}

TEST_CASE("Customer attributes are kept", "[graph][builder]") {
    GraphBuilderOptions options;
    options.attribute_names = {"channel", "city"};
    GraphBuilder builder(options);
    const std::vector<std::string_view> attributes = {"email", "Lyon"};
    CustomerRow row;
    row.id = "B1";
    row.kind = NodeKind::business;
    row.name = "Smith, Jones & Co";
    row.segment = "smb";
    row.value = 1200.5;
    row.cost = 80;
    row.opt_out = true;
    row.attributes = attributes;
    builder.add_customer(row);
    const InfluenceGraph g = builder.build();
    CHECK(g.kind(0) == NodeKind::business);
    CHECK(g.name(0) == "Smith, Jones & Co");
    CHECK(g.segment(0) == "smb");
    CHECK(g.value(0) == 1200.5);
    CHECK(g.has_value(0));
    CHECK(g.cost(0) == 80);
    CHECK(g.opt_out(0));
    CHECK(g.attribute_names() == std::vector<std::string>{"channel", "city"});
    CHECK(g.attribute(1, 0) == "Lyon");
}

TEST_CASE("Bad rows are rejected with the column named, and leave no trace", "[graph][builder]") {
    GraphBuilder builder = people({"a", "b"});
    const auto column_of = [&](const RelationshipRow& row) -> std::string {
        try {
            builder.add_relationship(row);
        } catch (const RowError& error) {
            return error.column() + ": " + error.what();
        }
        return "accepted";
    };
    CHECK(column_of(rel("a", "zz")) ==
          "target: unknown customer 'zz' (not in the customers table)");
    CHECK(column_of(rel("a", "b", "cousin")).rfind("type: unknown relationship type 'cousin'", 0) ==
          0);
    CHECK(column_of(rel("a", "b", "friend", -1)) == "weight: must not be negative");
    CHECK(column_of(rel("a", "b", "friend", std::nan(""))) == "weight: must be a finite number");
    RelationshipRow bad_probability = rel("a", "b");
    bad_probability.probability = 1.5;
    CHECK(column_of(bad_probability) == "probability: must be between 0 and 1");

    CustomerRow duplicate;
    duplicate.id = "a";
    CHECK_THROWS_WITH(builder.add_customer(duplicate), "duplicate customer id 'a'");
    CustomerRow negative;
    negative.id = "c";
    negative.value = -5;
    CHECK_THROWS_WITH(builder.add_customer(negative), "must not be negative");
    CHECK(builder.num_nodes() == 2);
    const InfluenceGraph g = builder.build();
    CHECK(g.num_edges() == 0);
    CHECK(g.report().relationship_rows == 0);
}

TEST_CASE("Edge lists create people for ids they name", "[graph][builder]") {
    GraphBuilderOptions options;
    options.implicit_nodes = true;
    GraphBuilder builder(options);
    builder.add_relationship(rel("x", "y"));
    builder.add_relationship(rel("y", "z"));
    const InfluenceGraph g = builder.build();
    CHECK(g.num_nodes() == 3);
    CHECK(g.external_id(2) == "z");
    CHECK(g.report().implicit_nodes == 3);
}

TEST_CASE("Type declarations are validated", "[graph][types]") {
    RelationshipTypes types;
    CHECK_THROWS_AS(types.declare("x"), UsageError);
    CHECK_THROWS_AS(types.declare("x:sideways"), UsageError);
    CHECK_THROWS_AS(types.declare("x:directed:-1"), UsageError);
    CHECK_THROWS_AS(types.declare("x:directed:abc"), UsageError);
    CHECK_THROWS_AS(types.declare(":directed"), UsageError);
    const auto id = types.declare("Mentor:directed:1.5");
    CHECK(types[id].name == "mentor");
    CHECK(types[id].directed);
    CHECK(types[id].strength == 1.5);
    // Overriding only the direction keeps the strength.
    const auto friend_id = types.declare("friend:directed");
    CHECK(types[friend_id].strength == 0.8);
    CHECK(types[friend_id].directed);
}

TEST_CASE("Strengths that overflow, alone or merged, are input errors (found by fuzzing)",
          "[graph][builder]") {
    GraphBuilderOptions options;
    options.implicit_nodes = true;
    options.relationships_name = "rels.csv";
    options.types.declare("mega:undirected:1e10");
    GraphBuilder builder(options);
    RelationshipRow row;
    row.source = "a";
    row.target = "b";
    row.type = "knows";
    row.weight = 1e308;
    builder.add_relationship(row);
    builder.add_relationship(row);
    builder.add_relationship(row);  // 3e308: infinite once merged
    try {
        builder.build();
        FAIL("expected an InputError");
    } catch (const InputError& error) {
        CHECK(std::string(error.what()) ==
              "rels.csv: weight: the relationships from 'a' to 'b' add up to a strength too large "
              "to compute with");
    }
    GraphBuilder strong(options);
    row.type = "mega";
    CHECK_THROWS_WITH(strong.add_relationship(row), Catch::Contains("too large to compute with"));
}
