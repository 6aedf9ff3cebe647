#include "catena/reports/export.hpp"

#include <fmt/format.h>

#include "catena/algorithms/communities.hpp"
#include "catena/algorithms/pagerank.hpp"
#include "catena/algorithms/propagation.hpp"
#include "catena/graph/errors.hpp"
#include "catena/reports/value.hpp"

namespace catena {

namespace {

enum class Kind { text, number, integer, boolean };

struct Column {
    std::string name;
    Kind kind;
    std::vector<std::string> values;  // per node or per edge, formatted; "" = missing
};

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

std::string number(double value) { return fmt::format("{:.17g}", value); }

std::vector<Column> node_columns(const Dataset& dataset, const ExportOptions& options) {
    const InfluenceGraph& graph = dataset.graph;
    const NodeId n = graph.num_nodes();
    std::vector<Column> columns;
    const auto add = [&](std::string name, Kind kind, auto&& format) {
        Column column{std::move(name), kind, {}};
        column.values.reserve(n);
        for (NodeId node = 0; node < n; ++node) column.values.push_back(format(node));
        columns.push_back(std::move(column));
    };
    add("label", Kind::text, [&](NodeId v) {
        return std::string(graph.name(v).empty() ? graph.external_id(v) : graph.name(v));
    });
    add("kind", Kind::text, [&](NodeId v) { return std::string(to_string(graph.kind(v))); });
    add("segment", Kind::text, [&](NodeId v) { return std::string(graph.segment(v)); });
    add("value", Kind::number,
        [&](NodeId v) { return graph.has_value(v) ? number(graph.value(v)) : std::string(); });
    add("opt_out", Kind::boolean,
        [&](NodeId v) { return std::string(graph.opt_out(v) ? "true" : "false"); });
    if (options.skip_analyses || n == 0) return columns;

    const std::vector<double> scores = pagerank(graph).scores;
    std::vector<NodeId> order(n);
    for (NodeId node = 0; node < n; ++node) order[node] = node;
    std::stable_sort(order.begin(), order.end(),
                     [&](NodeId a, NodeId b) { return scores[a] > scores[b]; });
    std::vector<std::uint32_t> rank(n);
    for (NodeId position = 0; position < n; ++position) rank[order[position]] = position + 1;
    add("pagerank", Kind::number, [&](NodeId v) { return number(scores[v]); });
    add("influence_rank", Kind::integer, [&](NodeId v) { return std::to_string(rank[v]); });
    CommunityParams communities;
    communities.seed = options.seed;
    const CommunityResult found = detect_communities(graph, communities);
    add("community", Kind::integer, [&](NodeId v) { return std::to_string(found.community[v]); });
    ValueOptions value;
    value.params.network.seed = options.seed;
    const ValueReport valued = run_value(dataset, value);
    const CustomerValueResult& r = valued.result;
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

std::vector<Column> edge_columns(const Dataset& dataset) {
    const InfluenceGraph& graph = dataset.graph;
    const std::vector<double> p = edge_probabilities(graph, {});
    Column type{"type", Kind::text, {}}, strength{"strength", Kind::number, {}},
        probability{"probability", Kind::number, {}};
    for (EdgeId e = 0; e < graph.num_edges(); ++e) {
        type.values.push_back(graph.types()[graph.type(e)].name);
        strength.values.push_back(number(graph.strength(e)));
        probability.values.push_back(number(p[e]));
    }
    return {std::move(type), std::move(strength), std::move(probability)};
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

// The source of every edge, in EdgeId order.
std::vector<NodeId> edge_sources(const InfluenceGraph& graph) {
    std::vector<NodeId> source(graph.num_edges());
    const auto offsets = graph.out_offsets();
    for (NodeId u = 0; u < graph.num_nodes(); ++u)
        for (EdgeId e = offsets[u]; e < offsets[u + 1]; ++e) source[e] = u;
    return source;
}

std::string graphml(const InfluenceGraph& graph, const std::vector<Column>& nodes,
                    const std::vector<Column>& edges) {
    std::string out =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\">\n";
    for (std::size_t c = 0; c < nodes.size(); ++c)
        out += fmt::format("  <key id=\"n{}\" for=\"node\" attr.name=\"{}\" attr.type=\"{}\"/>\n",
                           c, nodes[c].name, xml_type(nodes[c].kind));
    for (std::size_t c = 0; c < edges.size(); ++c)
        out += fmt::format("  <key id=\"e{}\" for=\"edge\" attr.name=\"{}\" attr.type=\"{}\"/>\n",
                           c, edges[c].name, xml_type(edges[c].kind));
    out += "  <graph id=\"catena\" edgedefault=\"directed\">\n";
    for (NodeId v = 0; v < graph.num_nodes(); ++v) {
        out += fmt::format("    <node id=\"{}\">", xml_escape(graph.external_id(v)));
        for (std::size_t c = 0; c < nodes.size(); ++c)
            if (!nodes[c].values[v].empty())
                out +=
                    fmt::format("<data key=\"n{}\">{}</data>", c, xml_escape(nodes[c].values[v]));
        out += "</node>\n";
    }
    const std::vector<NodeId> source = edge_sources(graph);
    for (EdgeId e = 0; e < graph.num_edges(); ++e) {
        out += fmt::format("    <edge source=\"{}\" target=\"{}\">",
                           xml_escape(graph.external_id(source[e])),
                           xml_escape(graph.external_id(graph.edge_target(e))));
        for (std::size_t c = 0; c < edges.size(); ++c)
            out += fmt::format("<data key=\"e{}\">{}</data>", c, xml_escape(edges[c].values[e]));
        out += "</edge>\n";
    }
    return out + "  </graph>\n</graphml>\n";
}

std::string gexf(const InfluenceGraph& graph, const std::vector<Column>& nodes,
                 const std::vector<Column>& edges) {
    std::string out =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<gexf xmlns=\"http://gexf.net/1.3\" version=\"1.3\">\n"
        "  <meta><creator>catena " CATENA_VERSION
        "</creator></meta>\n"
        "  <graph mode=\"static\" defaultedgetype=\"directed\">\n"
        "    <attributes class=\"node\">\n";
    // label is GEXF's own node label; the other columns are attributes.
    for (std::size_t c = 1; c < nodes.size(); ++c)
        out += fmt::format("      <attribute id=\"{}\" title=\"{}\" type=\"{}\"/>\n", c,
                           nodes[c].name, xml_type(nodes[c].kind));
    out += "    </attributes>\n    <attributes class=\"edge\">\n";
    for (std::size_t c = 0; c < edges.size(); ++c)
        out += fmt::format("      <attribute id=\"{}\" title=\"{}\" type=\"{}\"/>\n", c,
                           edges[c].name, xml_type(edges[c].kind));
    out += "    </attributes>\n    <nodes>\n";
    for (NodeId v = 0; v < graph.num_nodes(); ++v) {
        out += fmt::format("      <node id=\"{}\" label=\"{}\"><attvalues>",
                           xml_escape(graph.external_id(v)), xml_escape(nodes[0].values[v]));
        for (std::size_t c = 1; c < nodes.size(); ++c)
            if (!nodes[c].values[v].empty())
                out += fmt::format("<attvalue for=\"{}\" value=\"{}\"/>", c,
                                   xml_escape(nodes[c].values[v]));
        out += "</attvalues></node>\n";
    }
    out += "    </nodes>\n    <edges>\n";
    const std::vector<NodeId> source = edge_sources(graph);
    for (EdgeId e = 0; e < graph.num_edges(); ++e) {
        out += fmt::format(
            "      <edge id=\"{}\" source=\"{}\" target=\"{}\" weight=\"{}\"><attvalues>", e,
            xml_escape(graph.external_id(source[e])),
            xml_escape(graph.external_id(graph.edge_target(e))), edges[1].values[e]);
        for (std::size_t c = 0; c < edges.size(); ++c)
            out += fmt::format("<attvalue for=\"{}\" value=\"{}\"/>", c,
                               xml_escape(edges[c].values[e]));
        out += "</attvalues></edge>\n";
    }
    return out + "    </edges>\n  </graph>\n</gexf>\n";
}

std::string dot(const InfluenceGraph& graph, const std::vector<Column>& nodes,
                const std::vector<Column>& edges) {
    std::string out = "digraph catena {\n";
    for (NodeId v = 0; v < graph.num_nodes(); ++v) {
        out += "  " + dot_escape(graph.external_id(v)) + " [";
        bool first = true;
        for (const Column& column : nodes) {
            if (column.values[v].empty()) continue;
            out += (first ? "" : ", ") + column.name + "=" + dot_escape(column.values[v]);
            first = false;
        }
        out += "];\n";
    }
    const std::vector<NodeId> source = edge_sources(graph);
    for (EdgeId e = 0; e < graph.num_edges(); ++e) {
        out += "  " + dot_escape(graph.external_id(source[e])) + " -> " +
               dot_escape(graph.external_id(graph.edge_target(e))) + " [";
        for (std::size_t c = 0; c < edges.size(); ++c)
            out += (c ? ", " : "") + edges[c].name + "=" + dot_escape(edges[c].values[e]);
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

std::string export_graph(const Dataset& dataset, const ExportOptions& options) {
    const std::vector<Column> nodes = node_columns(dataset, options);
    const std::vector<Column> edges = edge_columns(dataset);
    switch (options.format) {
        case ExportFormat::graphml:
            return graphml(dataset.graph, nodes, edges);
        case ExportFormat::gexf:
            return gexf(dataset.graph, nodes, edges);
        case ExportFormat::dot:
            return dot(dataset.graph, nodes, edges);
    }
    throw InternalError("export: unknown format");
}

}  // namespace catena
