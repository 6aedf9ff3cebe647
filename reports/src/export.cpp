#include "catena/reports/export.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <numeric>
#include <optional>

#include <fmt/format.h>

#include "catena/algorithms/communities.hpp"
#include "catena/algorithms/pagerank.hpp"
#include "catena/algorithms/propagation.hpp"
#include "catena/graph/date.hpp"
#include "catena/graph/errors.hpp"
#include "catena/reports/value.hpp"

#include "html/palette.hpp"

namespace catena {

namespace {

enum class Kind { text, number, integer, boolean };

struct Column {
    std::string name;
    Kind kind;
    std::vector<std::string> values;  // per node or per exported edge, formatted; "" = missing
};

constexpr EdgeId kNoEdge = UINT32_MAX;

// One edge of the file: an influence arc, or the two arcs of an undirected relationship.
struct ExportEdge {
    NodeId source = kNoNode, target = kNoNode;
    EdgeId arc = kNoEdge;      // source -> target
    EdgeId reverse = kNoEdge;  // target -> source, when the edge is undirected
    bool directed() const { return reverse == kNoEdge; }
};

// What the analyses found for each node; all empty when they are skipped.
struct NodeAnalyses {
    std::vector<double> pagerank;
    std::vector<std::uint32_t> influence_rank, community;
    std::optional<ValueReport> value;
};

// GEXF's viz:size range, by PageRank.
constexpr double kMinSize = 5.0, kMaxSize = 50.0;

std::string xml_escape(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (const char c : text) {
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += "&quot;";
                break;
            case '\'':
                out += "&apos;";
                break;
            // As references: a parser turns a literal tab or line break in an attribute (an id)
            // into a space, so an id with one would not come back as written.
            case '\t':
                out += "&#9;";
                break;
            case '\n':
                out += "&#10;";
                break;
            case '\r':
                out += "&#13;";
                break;
            default:
                // Other control characters are not allowed in XML 1.0.
                if (static_cast<unsigned char>(c) < 0x20)
                    out += "&#xFFFD;";
                else
                    out += c;
        }
    }
    return out;
}

std::string dot_escape(std::string_view text) {
    std::string out = "\"";
    for (const char c : text) {
        if (c == '"' || c == '\\') out += '\\';
        if (c == '\n') {
            out += "\\n";
            continue;
        }
        out += c;
    }
    return out + "\"";
}

// An attribute name in DOT: as it is when it is a plain identifier, quoted otherwise (a customer
// column may be called "age band" or "node").
std::string dot_name(std::string_view name) {
    const auto plain = [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '_';
    };
    std::string lower(name);
    for (char& c : lower)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
    const bool keyword = lower == "node" || lower == "edge" || lower == "graph" ||
                         lower == "digraph" || lower == "subgraph" || lower == "strict";
    if (name.empty() || keyword || (name[0] >= '0' && name[0] <= '9') ||
        !std::all_of(name.begin(), name.end(), plain))
        return dot_escape(name);
    return std::string(name);
}

// Shortest round-trip form (29.04, 1e-10); XML Schema's spelling for what is not finite.
std::string number(double value) {
    if (std::isnan(value)) return "NaN";
    if (std::isinf(value)) return value > 0 ? "INF" : "-INF";
    return fmt::format("{}", value);
}

template <typename Format>
Column make_column(std::string name, Kind kind, std::size_t count, Format&& format) {
    Column column{std::move(name), kind, {}};
    column.values.reserve(count);
    for (std::size_t index = 0; index < count; ++index) column.values.push_back(format(index));
    return column;
}

NodeAnalyses run_analyses(const Dataset& dataset, const ExportOptions& options) {
    const InfluenceGraph& graph = dataset.graph;
    const NodeId n = graph.num_nodes();
    NodeAnalyses analyses;
    if (options.skip_analyses || n == 0) return analyses;
    analyses.pagerank = pagerank(graph).scores;
    const std::vector<double>& scores = analyses.pagerank;
    std::vector<NodeId> order(n);
    std::iota(order.begin(), order.end(), NodeId{0});
    std::stable_sort(order.begin(), order.end(),
                     [&](NodeId a, NodeId b) { return scores[a] > scores[b]; });
    analyses.influence_rank.resize(n);
    for (NodeId position = 0; position < n; ++position)
        analyses.influence_rank[order[position]] = position + 1;
    CommunityParams communities;
    communities.seed = options.seed;
    analyses.community = detect_communities(graph, communities).community;
    ValueOptions value;
    value.params.network.seed = options.seed;
    analyses.value = run_value(dataset, value);
    return analyses;
}

// The data's own attributes: label first (GEXF's node label), then every other one.
std::vector<Column> own_columns(const InfluenceGraph& graph) {
    const NodeId n = graph.num_nodes();
    std::vector<Column> columns;
    columns.push_back(make_column("label", Kind::text, n, [&](NodeId v) {
        return std::string(graph.name(v).empty() ? graph.external_id(v) : graph.name(v));
    }));
    columns.push_back(make_column("kind", Kind::text, n,
                                  [&](NodeId v) { return std::string(to_string(graph.kind(v))); }));
    columns.push_back(make_column("segment", Kind::text, n,
                                  [&](NodeId v) { return std::string(graph.segment(v)); }));
    columns.push_back(make_column("value", Kind::number, n, [&](NodeId v) {
        return graph.has_value(v) ? number(graph.value(v)) : std::string();
    }));
    columns.push_back(make_column("cost", Kind::number, n, [&](NodeId v) {
        return graph.has_cost(v) ? number(graph.cost(v)) : std::string();
    }));
    columns.push_back(make_column("opt_out", Kind::boolean, n, [&](NodeId v) {
        return std::string(graph.opt_out(v) ? "true" : "false");
    }));
    for (std::size_t extra = 0; extra < graph.attribute_names().size(); ++extra)
        columns.push_back(make_column(graph.attribute_names()[extra], Kind::text, n, [&](NodeId v) {
            return std::string(graph.attribute(extra, v));
        }));
    return columns;
}

std::vector<Column> analysis_columns(const NodeAnalyses& analyses) {
    std::vector<Column> columns;
    if (!analyses.value) return columns;
    const std::size_t n = analyses.pagerank.size();
    const CustomerValueResult& r = analyses.value->result;
    const auto add = [&](std::string name, Kind kind, auto&& format) {
        columns.push_back(make_column(std::move(name), kind, n, format));
    };
    add("pagerank", Kind::number, [&](NodeId v) { return number(analyses.pagerank[v]); });
    add("influence_rank", Kind::integer,
        [&](NodeId v) { return std::to_string(analyses.influence_rank[v]); });
    add("community", Kind::integer,
        [&](NodeId v) { return std::to_string(analyses.community[v]); });
    add("own_value", Kind::number, [&](NodeId v) { return number(r.profile.own_value[v]); });
    add("network_value", Kind::number,
        [&](NodeId v) { return number(r.network.network_value[v]); });
    add("referral_value", Kind::number,
        [&](NodeId v) { return number(r.referral.referral_value[v]); });
    add("influence_weighted_value", Kind::number,
        [&](NodeId v) { return number(r.influence_weighted[v]); });
    add("value_rank", Kind::integer, [&](NodeId v) { return std::to_string(r.rank[v]); });
    add("quadrant", Kind::text, [&](NodeId v) { return std::string(to_string(r.quadrant[v])); });
    return columns;
}

// Every node column: the customer columns beyond catena's own keep their names unless one is
// taken by another column (a CRM's own `community`), which then becomes `community_data`.
std::vector<Column> node_columns(const InfluenceGraph& graph, const NodeAnalyses& analyses) {
    std::vector<Column> columns = own_columns(graph);
    const std::size_t extras_end = columns.size();
    const std::size_t extras_begin = extras_end - graph.attribute_names().size();
    for (Column& column : analysis_columns(analyses)) columns.push_back(std::move(column));
    const auto taken = [&](const std::string& name, std::size_t except) {
        for (std::size_t other = 0; other < columns.size(); ++other)
            if (other != except && columns[other].name == name) return true;
        return false;
    };
    for (std::size_t extra = extras_begin; extra < extras_end; ++extra)
        while (taken(columns[extra].name, extra)) columns[extra].name += "_data";
    return columns;
}

// The arc from -> to, if the graph has it (a node's out-edges are sorted by target).
std::optional<EdgeId> find_arc(const InfluenceGraph& graph, NodeId from, NodeId to) {
    const auto targets = graph.out_targets();
    const auto first = targets.begin() + graph.out_offsets()[from];
    const auto last = targets.begin() + graph.out_offsets()[from + 1];
    const auto found = std::lower_bound(first, last, to);
    if (found == last || *found != to) return std::nullopt;
    return static_cast<EdgeId>(found - targets.begin());
}

// Two arcs that one undirected relationship (or identical rows) made.
bool same_relationship(const InfluenceGraph& graph, EdgeId a, EdgeId b) {
    return graph.type(a) == graph.type(b) && graph.strength(a) == graph.strength(b) &&
           graph.probability(a) == graph.probability(b) && graph.date(a) == graph.date(b);
}

// The edges to write, in arc order: an undirected pair where its first arc comes.
std::vector<ExportEdge> export_edges(const InfluenceGraph& graph, bool arcs) {
    std::vector<ExportEdge> edges;
    edges.reserve(graph.num_edges());
    const auto offsets = graph.out_offsets();
    for (NodeId source = 0; source < graph.num_nodes(); ++source)
        for (EdgeId arc = offsets[source]; arc < offsets[source + 1]; ++arc) {
            ExportEdge edge{source, graph.edge_target(arc), arc, kNoEdge};
            if (!arcs && !graph.types()[graph.type(arc)].directed) {
                const auto reverse = find_arc(graph, edge.target, source);
                if (reverse && same_relationship(graph, arc, *reverse)) {
                    if (edge.target < source) continue;  // written with the pair's first arc
                    edge.reverse = *reverse;
                }
            }
            edges.push_back(edge);
        }
    return edges;
}

std::vector<Column> edge_columns(const InfluenceGraph& graph,
                                 const std::vector<ExportEdge>& edges) {
    const std::vector<double> p = edge_probabilities(graph, {});
    const std::size_t count = edges.size();
    std::vector<Column> columns;
    const auto add = [&](std::string name, Kind kind, auto&& format) {
        columns.push_back(make_column(std::move(name), kind, count, format));
    };
    add("type", Kind::text,
        [&](std::size_t e) { return graph.types()[graph.type(edges[e].arc)].name; });
    add("strength", Kind::number,
        [&](std::size_t e) { return number(graph.strength(edges[e].arc)); });
    add("probability", Kind::number, [&](std::size_t e) { return number(p[edges[e].arc]); });
    if (std::any_of(edges.begin(), edges.end(), [](const ExportEdge& e) { return !e.directed(); }))
        add("reverse_probability", Kind::number, [&](std::size_t e) {
            return edges[e].directed() ? std::string() : number(p[edges[e].reverse]);
        });
    if (graph.has_probabilities())
        add("stated_probability", Kind::number, [&](std::size_t e) {
            const auto stated = graph.probability(edges[e].arc);
            return stated ? number(*stated) : std::string();
        });
    if (graph.has_dates())
        add("date", Kind::text, [&](std::size_t e) {
            const auto date = graph.date(edges[e].arc);
            return date ? format_iso_date(*date) : std::string();
        });
    return columns;
}

// GEXF's viz elements of every node: colour by community, size by PageRank; none without them.
std::vector<std::string> node_viz(const NodeAnalyses& analyses) {
    std::vector<std::string> viz;
    if (analyses.pagerank.empty()) return viz;
    const auto [low, high] =
        std::minmax_element(analyses.pagerank.begin(), analyses.pagerank.end());
    const double range = *high - *low;
    viz.reserve(analyses.pagerank.size());
    for (NodeId v = 0; v < analyses.pagerank.size(); ++v) {
        const std::string_view hex = html::community_colour(analyses.community[v]);  // "#RRGGBB"
        int rgb[3] = {0, 0, 0};
        for (int channel = 0; channel < 3; ++channel)
            std::from_chars(hex.data() + 1 + 2 * channel, hex.data() + 3 + 2 * channel,
                            rgb[channel], 16);
        const double share = range > 0 ? (analyses.pagerank[v] - *low) / range : 0.0;
        viz.push_back(fmt::format("<viz:color r=\"{}\" g=\"{}\" b=\"{}\"/><viz:size value=\"{}\"/>",
                                  rgb[0], rgb[1], rgb[2],
                                  number(kMinSize + (kMaxSize - kMinSize) * share)));
    }
    return viz;
}

// The attribute type names GraphML and GEXF share.
const char* xml_type(Kind kind) {
    switch (kind) {
        case Kind::text:
            return "string";
        case Kind::number:
            return "double";
        case Kind::integer:
            return "long";
        case Kind::boolean:
            return "boolean";
    }
    return "string";
}

// `directed` when any edge is (or there are none), else `undirected`.
const char* default_direction(const std::vector<ExportEdge>& edges) {
    const bool all_undirected =
        !edges.empty() && std::none_of(edges.begin(), edges.end(),
                                       [](const ExportEdge& edge) { return edge.directed(); });
    return all_undirected ? "undirected" : "directed";
}

std::string graphml(const InfluenceGraph& graph, const std::vector<Column>& nodes,
                    const std::vector<ExportEdge>& edges, const std::vector<Column>& edge_data) {
    std::string out =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\">\n";
    for (std::size_t c = 0; c < nodes.size(); ++c)
        out += fmt::format("  <key id=\"n{}\" for=\"node\" attr.name=\"{}\" attr.type=\"{}\"/>\n",
                           c, xml_escape(nodes[c].name), xml_type(nodes[c].kind));
    for (std::size_t c = 0; c < edge_data.size(); ++c)
        out += fmt::format("  <key id=\"e{}\" for=\"edge\" attr.name=\"{}\" attr.type=\"{}\"/>\n",
                           c, xml_escape(edge_data[c].name), xml_type(edge_data[c].kind));
    out += fmt::format("  <graph id=\"catena\" edgedefault=\"{}\">\n", default_direction(edges));
    for (NodeId v = 0; v < graph.num_nodes(); ++v) {
        out += fmt::format("    <node id=\"{}\">", xml_escape(graph.external_id(v)));
        for (std::size_t c = 0; c < nodes.size(); ++c)
            if (!nodes[c].values[v].empty())
                out +=
                    fmt::format("<data key=\"n{}\">{}</data>", c, xml_escape(nodes[c].values[v]));
        out += "</node>\n";
    }
    for (std::size_t e = 0; e < edges.size(); ++e) {
        out += fmt::format("    <edge source=\"{}\" target=\"{}\" directed=\"{}\">",
                           xml_escape(graph.external_id(edges[e].source)),
                           xml_escape(graph.external_id(edges[e].target)),
                           edges[e].directed() ? "true" : "false");
        for (std::size_t c = 0; c < edge_data.size(); ++c)
            if (!edge_data[c].values[e].empty())
                out += fmt::format("<data key=\"e{}\">{}</data>", c,
                                   xml_escape(edge_data[c].values[e]));
        out += "</edge>\n";
    }
    return out + "  </graph>\n</graphml>\n";
}

std::string gexf_head(const std::vector<Column>& nodes, const std::vector<ExportEdge>& edges,
                      const std::vector<Column>& edge_data) {
    std::string out = fmt::format(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<gexf xmlns=\"http://gexf.net/1.3\" xmlns:viz=\"http://gexf.net/1.3/viz\" "
        "version=\"1.3\">\n"
        "  <meta><creator>catena {}</creator></meta>\n"
        "  <graph mode=\"static\" defaultedgetype=\"{}\">\n"
        "    <attributes class=\"node\">\n",
        CATENA_VERSION, default_direction(edges));
    // label is GEXF's own node label; the other columns are attributes.
    for (std::size_t c = 1; c < nodes.size(); ++c)
        out += fmt::format("      <attribute id=\"{}\" title=\"{}\" type=\"{}\"/>\n", c,
                           xml_escape(nodes[c].name), xml_type(nodes[c].kind));
    out += "    </attributes>\n    <attributes class=\"edge\">\n";
    for (std::size_t c = 0; c < edge_data.size(); ++c)
        out += fmt::format("      <attribute id=\"{}\" title=\"{}\" type=\"{}\"/>\n", c,
                           xml_escape(edge_data[c].name), xml_type(edge_data[c].kind));
    return out + "    </attributes>\n";
}

std::string gexf(const InfluenceGraph& graph, const std::vector<Column>& nodes,
                 const std::vector<std::string>& viz, const std::vector<ExportEdge>& edges,
                 const std::vector<Column>& edge_data) {
    std::string out = gexf_head(nodes, edges, edge_data) + "    <nodes>\n";
    for (NodeId v = 0; v < graph.num_nodes(); ++v) {
        out += fmt::format("      <node id=\"{}\" label=\"{}\"><attvalues>",
                           xml_escape(graph.external_id(v)), xml_escape(nodes[0].values[v]));
        for (std::size_t c = 1; c < nodes.size(); ++c)
            if (!nodes[c].values[v].empty())
                out += fmt::format("<attvalue for=\"{}\" value=\"{}\"/>", c,
                                   xml_escape(nodes[c].values[v]));
        out += "</attvalues>" + (viz.empty() ? std::string() : viz[v]) + "</node>\n";
    }
    out += "    </nodes>\n    <edges>\n";
    for (std::size_t e = 0; e < edges.size(); ++e) {
        const ExportEdge& edge = edges[e];
        const std::string& type = graph.types()[graph.type(edge.arc)].name;
        out += fmt::format(
            "      <edge id=\"{}\" source=\"{}\" target=\"{}\" type=\"{}\" label=\"{}\" "
            "weight=\"{}\"><attvalues>",
            e, xml_escape(graph.external_id(edge.source)),
            xml_escape(graph.external_id(edge.target)), edge.directed() ? "directed" : "undirected",
            xml_escape(type), number(graph.strength(edge.arc)));
        for (std::size_t c = 0; c < edge_data.size(); ++c)
            if (!edge_data[c].values[e].empty())
                out += fmt::format("<attvalue for=\"{}\" value=\"{}\"/>", c,
                                   xml_escape(edge_data[c].values[e]));
        out += "</attvalues></edge>\n";
    }
    return out + "    </edges>\n  </graph>\n</gexf>\n";
}

// Graphviz: a digraph with every arc (an undirected relationship is two).
std::string dot(const InfluenceGraph& graph, const std::vector<Column>& nodes,
                const std::vector<ExportEdge>& edges, const std::vector<Column>& edge_data) {
    std::string out = "digraph catena {\n";
    for (NodeId v = 0; v < graph.num_nodes(); ++v) {
        out += "  " + dot_escape(graph.external_id(v)) + " [";
        bool first = true;
        for (const Column& column : nodes) {
            if (column.values[v].empty()) continue;
            out += (first ? "" : ", ") + dot_name(column.name) + "=" + dot_escape(column.values[v]);
            first = false;
        }
        out += "];\n";
    }
    for (std::size_t e = 0; e < edges.size(); ++e) {
        out += "  " + dot_escape(graph.external_id(edges[e].source)) + " -> " +
               dot_escape(graph.external_id(edges[e].target)) + " [";
        bool first = true;
        for (const Column& column : edge_data) {
            if (column.values[e].empty()) continue;
            out += (first ? "" : ", ") + dot_name(column.name) + "=" + dot_escape(column.values[e]);
            first = false;
        }
        out += "];\n";
    }
    return out + "}\n";
}

}  // namespace

ExportFormat parse_export_format(std::string_view text) {
    if (text == "graphml") return ExportFormat::graphml;
    if (text == "gexf") return ExportFormat::gexf;
    if (text == "dot") return ExportFormat::dot;
    throw UsageError("--format must be graphml, gexf or dot, not '" + std::string(text) + "'");
}

ExportedGraph export_graph(const Dataset& dataset, const ExportOptions& options) {
    const InfluenceGraph& graph = dataset.graph;
    const NodeAnalyses analyses = run_analyses(dataset, options);
    const std::vector<Column> nodes = node_columns(graph, analyses);
    const std::vector<ExportEdge> edges =
        export_edges(graph, options.arcs || options.format == ExportFormat::dot);
    const std::vector<Column> edge_data = edge_columns(graph, edges);
    ExportedGraph exported;
    exported.edges = edges.size();
    exported.undirected_edges = static_cast<std::uint64_t>(std::count_if(
        edges.begin(), edges.end(), [](const ExportEdge& edge) { return !edge.directed(); }));
    switch (options.format) {
        case ExportFormat::graphml:
            exported.text = graphml(graph, nodes, edges, edge_data);
            return exported;
        case ExportFormat::gexf:
            exported.text = gexf(graph, nodes, node_viz(analyses), edges, edge_data);
            return exported;
        case ExportFormat::dot:
            exported.text = dot(graph, nodes, edges, edge_data);
            return exported;
    }
    throw InternalError("export: unknown format");
}

}  // namespace catena
