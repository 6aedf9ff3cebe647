// `catena export`: the graph with every computed attribute on the customers, for Gephi, NetworkX
// and other tools. Formats: GraphML (Gephi, NetworkX read_graphml, yEd, igraph), GEXF 1.3 (Gephi)
// and Graphviz DOT. Every influence arc is one directed edge (an undirected relationship is two
// arcs, one each way), so the edge count equals catena's relationship arcs.
//
// Node attributes: label (name), kind, segment, value (the data's own column, when given),
// opt_out; and unless skip_analyses: pagerank (influence direction), influence_rank, community
// (Leiden), own_value, network_value, referral_value, influence_weighted_value, value_rank,
// quadrant. Edge attributes: type, strength, probability (weighted cascade).
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
    std::uint64_t seed = 1;  // communities and network value
};

std::string export_graph(const Dataset& dataset, const ExportOptions& options);

}  // namespace catena
