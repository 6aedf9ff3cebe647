// The influence graph: customers and who can influence whom. Immutable once built (see
// GraphBuilder), shared read-only by every algorithm.
//
// - Nodes are customers, people or businesses, numbered densely 0..n-1 (NodeId, 32 bits) in the
//   order they were loaded; `external_id` maps back to the customer's own id and `find` forward.
// - Edge u -> v means "u can influence v". An undirected relationship is stored as two edges.
//   Repeated pairs are merged into one edge whose strength is the sum; self-loops are dropped.
//   Edges are numbered 0..m-1 (EdgeId) in out-edge order: by source, then by target.
// - Storage is Boost.Graph's bidirectional compressed_sparse_row_graph (out- and in-edges), plus
//   one flat array per attribute indexed by NodeId or EdgeId. Boost's types stay inside graph/src
//   (csr_storage.hpp): algorithms see the CSR arrays as spans, the API below, and nothing else.
//   Copies of a graph share its (immutable) structure.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "catena/graph/date.hpp"
#include "catena/graph/relationship_types.hpp"
#include "catena/graph/string_column.hpp"

namespace catena {

using NodeId = std::uint32_t;
using EdgeId = std::uint32_t;
inline constexpr NodeId kNoNode = UINT32_MAX;

enum class NodeKind : std::uint8_t { person = 0, business = 1 };
std::string_view to_string(NodeKind kind);

// What the builder counted and did while applying the data-model rules.
struct BuildReport {
    std::uint64_t relationship_rows = 0;   // rows given (including those dropped)
    std::uint64_t directed_rows = 0;       // rows that became one edge
    std::uint64_t undirected_rows = 0;     // rows that became two edges
    std::uint64_t self_loops_dropped = 0;  // rows with source == target
    std::uint64_t merged_rows = 0;     // rows whose pair was already there: strength added to it
    std::uint64_t merged_edges = 0;    // directed edges absorbed into an earlier edge of the pair
    std::uint64_t implicit_nodes = 0;  // nodes created by an edge list without customers
    std::uint64_t on_behalf_from_transactions = 0;  // distinct on_behalf pairs derived
    std::uint64_t referral_edges = 0;  // referrals (observed) that became `referral` relationships
    std::uint64_t referrals_already_related =
        0;                                    // referrals whose pair had a referral relationship
    std::vector<std::uint64_t> rows_by_type;  // indexed by RelationshipTypeId
    std::vector<std::string> merge_examples;  // up to 5, "a -> b"
    friend bool operator==(const BuildReport&, const BuildReport&) = default;
};

namespace detail {
struct CsrStorage;  // Boost.Graph's CSR graph holding the structure (graph/src/csr_storage.hpp)
struct CsrAccess;   // graph/src's way in to it
}  // namespace detail

class InfluenceGraph {
  public:
    InfluenceGraph();

    NodeId num_nodes() const { return static_cast<NodeId>(ids_.size()); }
    EdgeId num_edges() const { return static_cast<EdgeId>(strength_.size()); }

    // --- Structure --------------------------------------------------------------------------
    // Out-edges of u are edges out_offsets()[u] .. out_offsets()[u+1]-1, targets out_targets().
    std::span<const EdgeId> out_offsets() const { return out_offsets_; }
    std::span<const NodeId> out_targets() const { return out_targets_; }
    // In-edges of v are positions in_offsets()[v] .. in_offsets()[v+1]-1 of in_sources() (the
    // source nodes) and in_edge_ids() (the EdgeId of each, for its attributes).
    std::span<const EdgeId> in_offsets() const { return in_offsets_; }
    std::span<const NodeId> in_sources() const { return in_sources_; }
    std::span<const EdgeId> in_edge_ids() const { return in_edge_ids_; }

    EdgeId out_degree(NodeId node) const { return out_offsets()[node + 1] - out_offsets()[node]; }
    EdgeId in_degree(NodeId node) const { return in_offsets()[node + 1] - in_offsets()[node]; }
    NodeId edge_source(EdgeId edge) const;  // binary search in out_offsets
    NodeId edge_target(EdgeId edge) const { return out_targets()[edge]; }

    // --- Edge attributes --------------------------------------------------------------------
    // Effective strength w(u,v) = type strength x row weight, summed over merged rows.
    std::span<const double> strengths() const { return strength_; }
    // True when every relationship and derived edge went both ways: each edge u -> v then has an
    // edge v -> u of the same strength, to the bit (both sum the same rows in the same order), so
    // a customer's in-edges list the same customers in the same order as its out-edges, and the
    // strength of its i-th in-edge is that of its i-th out-edge (read in order, not gathered).
    bool mirrored() const { return mirrored_; }
    double strength(EdgeId edge) const { return strength_[edge]; }
    RelationshipTypeId type(EdgeId edge) const { return type_[edge]; }
    // Stated influence probability (the `probability` column), where given. Merged rows
    // combine as independent chances: 1 - (1 - p1)(1 - p2).
    bool has_probabilities() const { return !probability_.empty(); }
    std::optional<double> probability(EdgeId edge) const;
    // Start date of the relationship, where given; the earliest of merged rows.
    bool has_dates() const { return !date_.empty(); }
    std::optional<Date> date(EdgeId edge) const;
    const RelationshipTypes& types() const { return types_; }

    // --- Node attributes --------------------------------------------------------------------
    std::string_view external_id(NodeId node) const { return ids_[node]; }
    std::optional<NodeId> find(std::string_view external_id) const;
    NodeKind kind(NodeId node) const { return kind_[node]; }
    std::string_view name(NodeId node) const { return names_[node]; }
    // Segment names are dictionary-coded; code 0 is the empty segment.
    std::uint32_t segment_code(NodeId node) const { return segment_[node]; }
    std::string_view segment(NodeId node) const { return segment_names_[segment_[node]]; }
    const std::vector<std::string>& segment_names() const { return segment_names_; }
    // Monetary value (revenue or lifetime value); 0 when not given (see has_value).
    double value(NodeId node) const { return value_[node]; }
    bool has_value(NodeId node) const { return (flags_[node] & kValueGiven) != 0; }
    std::span<const double> values() const { return value_; }
    // Cost of recruiting or rewarding the customer; 1 when not given (see has_cost).
    double cost(NodeId node) const { return cost_[node]; }
    bool has_cost(NodeId node) const { return (flags_[node] & kCostGiven) != 0; }
    // Never selected as a seed nor contacted.
    bool opt_out(NodeId node) const { return (flags_[node] & kOptOut) != 0; }
    // Further customer columns, kept as text.
    const std::vector<std::string>& attribute_names() const { return attribute_names_; }
    std::string_view attribute(std::size_t column, NodeId node) const {
        return attributes_[column][node];
    }

    const BuildReport& report() const { return report_; }
    // A 64-bit digest of the nodes, their attributes and the edges: equal graphs, equal digests.
    // Recorded with stored results to say which input they came from.
    std::uint64_t fingerprint() const;
    // Bytes held by the graph's arrays (capacity, not just size).
    std::size_t memory_bytes() const;

    // Same nodes, attributes, edges and edge attributes in the same order.
    friend bool operator==(const InfluenceGraph& a, const InfluenceGraph& b);

  private:
    friend class GraphBuilder;
    friend struct detail::CsrAccess;
    static constexpr std::uint8_t kValueGiven = 1, kCostGiven = 2, kOptOut = 4;

    // Takes `storage` as the graph's structure and points the spans below into it.
    void set_structure(std::shared_ptr<const detail::CsrStorage> storage);

    std::shared_ptr<const detail::CsrStorage> structure_;
    // Views of structure_'s arrays (its heap storage never moves, so copies may share them).
    std::span<const EdgeId> out_offsets_, in_offsets_, in_edge_ids_;
    std::span<const NodeId> out_targets_, in_sources_;
    std::vector<double> strength_;
    bool mirrored_ = false;
    std::vector<RelationshipTypeId> type_;
    std::vector<double> probability_;  // empty, or NaN where not given
    std::vector<Date> date_;           // empty, or kNoDate where not given
    RelationshipTypes types_;

    StringColumn ids_;
    StringIndex id_index_;
    std::vector<NodeKind> kind_;
    StringColumn names_;
    std::vector<std::uint32_t> segment_;
    std::vector<std::string> segment_names_;
    std::vector<double> value_;
    std::vector<double> cost_;
    std::vector<std::uint8_t> flags_;
    std::vector<std::string> attribute_names_;
    std::vector<StringColumn> attributes_;
    BuildReport report_;
};

inline constexpr Date kNoDate = INT32_MIN;

}  // namespace catena
