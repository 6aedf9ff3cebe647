// `catena export`: the graph with every computed attribute on the customers, for Gephi, NetworkX
// and other tools. Formats: GraphML (Gephi, NetworkX read_graphml, yEd, igraph), GEXF 1.3 (Gephi)
// and Graphviz DOT.
//
// Edges. An undirected relationship (stored by catena as two arcs u -> v and v -> u of one
// undirected type, with the same strength, stated probability and date) is one undirected edge:
// GraphML `directed="false"`, GEXF `type="undirected"`, its source the customer loaded first.
// Every other arc is one directed edge: directed relationships, an undirected type's row made
// directed by its `directed` column, and pairs whose two arcs differ (merged rows). GraphML's
// `edgedefault` and GEXF's `defaultedgetype` are `directed` when any edge is, and every edge
// states its own direction too. With `arcs`, and always in DOT, every arc is a directed edge, as
// catena's algorithms see the graph (NetworkX reads no graph that mixes the two kinds).
//
// Node attributes: label (the name, or the id when there is none), kind, segment, value and cost
// (where given), opt_out, every further customer column as text (renamed `NAME_data` if its name
// is one of these), and unless skip_analyses: pagerank (influence direction), influence_rank,
// community (Leiden), own_value, network_value, referral_value, influence_weighted_value,
// value_rank, quadrant. Edge attributes: type, strength (also GEXF's weight), probability (weighted
// cascade, source -> target), reverse_probability (target -> source, undirected edges only),
// stated_probability and date (where the data gives them).
//
// GEXF also carries viz:color by community (the HTML report's palette, community_colour()) and
// viz:size from 5 (lowest PageRank) to 50 (highest), linear in the score; 5 for all when every
// score is equal. Numbers are written in their shortest round-trip form (29.04).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "catena/graph/dataset.hpp"

namespace catena {

enum class ExportFormat { graphml, gexf, dot };
ExportFormat parse_export_format(std::string_view text);  // throws UsageError

struct ExportOptions {
    ExportFormat format = ExportFormat::graphml;
    bool skip_analyses = false;
    bool arcs = false;       // every arc a directed edge: no undirected edges
    std::uint64_t seed = 1;  // communities and network value
};

struct ExportedGraph {
    std::string text;
    std::uint64_t edges = 0;             // edges written
    std::uint64_t undirected_edges = 0;  // of which undirected
};

ExportedGraph export_graph(const Dataset& dataset, const ExportOptions& options);

}  // namespace catena
