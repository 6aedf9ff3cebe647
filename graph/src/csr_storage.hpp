// Private to graph/src (and graph's own tests): the Boost.Graph compressed_sparse_row_graph that
// holds an InfluenceGraph's structure. Nothing outside graph/ sees a Boost type; algorithms read
// the same arrays through InfluenceGraph's spans.
#pragma once

#include <memory>
#include <span>

#include <boost/graph/compressed_sparse_row_graph.hpp>

#include "catena/graph/influence_graph.hpp"

namespace catena::detail {

// Bidirectional: the forward structure lists out-edges (EdgeId = position), the backward one
// in-edges, with the forward EdgeId of each as its edge property.
using Csr =
    boost::compressed_sparse_row_graph<boost::bidirectionalS, boost::no_property,
                                       boost::no_property, boost::no_property, NodeId, EdgeId>;

struct CsrStorage {
    Csr csr;

    // The backward structure's edge property array: for each in-edge, its forward EdgeId.
    std::span<const EdgeId> in_edge_ids() const;
};

struct CsrAccess {
    // The Boost graph behind `graph`, for Boost.Graph algorithms inside graph/ and its tests.
    static const Csr& csr(const InfluenceGraph& graph) { return graph.structure_->csr; }
};

}  // namespace catena::detail
