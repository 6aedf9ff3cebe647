// `catena stats` for a DistributedGraph: the same StatsSummary (catena/reports/stats.hpp), so it
// renders exactly as `catena stats --edges FILE` does.
//
// Computed across the ranks: customers, relationship rows by type, self-loops, merges (with the
// same five examples), edges, the out- and in-degree distributions (from per-rank histograms),
// customers without out-edges, isolated ones, and the weakly connected components (min-label
// propagation over the undirected view, exchanging labels with the ghost pattern of PageRank).
// An edge list has no kinds, segments, values, referrals or transactions: those figures are what
// catena gives for an edge list too (everyone a person, no segment, nothing else).
#pragma once

#include "catena/reports/stats.hpp"

#include "distributed_graph.hpp"

namespace catena::mpi {

// Collective; the summary is complete on rank 0 (other ranks get a partial one).
StatsSummary distributed_summary(const DistributedGraph& graph, const std::string& source);

}  // namespace catena::mpi
