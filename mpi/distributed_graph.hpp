// The influence graph of an edge list, partitioned over MPI ranks by customer.
//
// - Customers are numbered as catena numbers them for the same file (GraphBuilder: in the order
//   ids first appear, row by row, source before target), so node indices, ties and output order
//   are the same as `catena`'s.
// - Each customer is owned by one rank: FNV-1a (64 bits) of its id, modulo the number of ranks.
//   The owner keeps the customer's out-edges and in-edges, each list sorted by the other end's
//   index (catena's CSR order). No rank holds the whole edge list.
// - The data-model rules are catena's (graph_builder.hpp): a row's direction is its `directed`
//   value or its type's; an undirected row becomes two edges; self-loops are dropped and counted;
//   rows of one directed pair merge into one edge whose strength is the sum of theirs, added in
//   file order (so the sums are bit-identical to catena's); strength = type strength x weight.
// - Errors: the same messages, files and lines as `catena`, printed once; every rank stops with
//   the same exit code (collective.hpp).
// - Memory: a rank keeps 14 bytes per edge end it holds (a 32-bit index, a 16-bit owner and the
//   strength) plus its customers' offsets and ids. Global indices are 32 bits, as catena's
//   NodeId; each side's entries on one rank fit 32 bits too, and owners 16 bits (at most 65,536
//   ranks): a load past these limits stops with a usage error that says which. While loading, a
//   rank holds its rows (16 bytes each) beside its out-edges only: the in-edges are the
//   out-edges turned round once the rows are freed, and edges travel in rounds of bounded size
//   (distributed_graph.cpp).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "catena/graph/dataset.hpp"
#include "catena/graph/influence_graph.hpp"
#include "catena/graph/relationship_types.hpp"
#include "catena/graph/string_column.hpp"

#include "collective.hpp"

namespace catena::mpi {

struct EdgeListOptions {
    std::filesystem::path edges_file;
    RelationshipTypes types;  // built-ins plus --type declarations
    bool directed = false;    // --directed: rows without a type are `influences`
    // A data folder (--data): edges_file is its relationships.csv, and its customers are listed.
    // They are numbered in the order of customers.csv (catena's NodeIds), a relationship naming
    // another id is a bad row ("unknown customer"), and the referrals and the purchases on
    // behalf of another customer add their relationships after the file's rows, by catena's
    // rules (graph_builder.hpp): a referral unless a referral row already relates the pair, one
    // on_behalf relationship per pair of customers.
    bool listed_customers = false;
    // Rank 0 only, with listed_customers: the customers, referrals and transactions, as catena
    // loads them without relationships.csv (LoadOptions::skip_relationships).
    const Dataset* customers = nullptr;
};

// One side (out or in) of the owned customers' edges, CSR style: owned customer `slot` has
// entries [offsets[slot], offsets[slot + 1]), sorted by the other end's global index.
// Read the entries with static_cast to the width you need: the types are as narrow as the
// limits above allow.
struct EdgeSide {
    std::vector<std::uint32_t> offsets;  // size owned + 1
    std::vector<std::uint32_t> other;    // the other end's global index
    std::vector<std::uint16_t> owner;    // the rank that owns the other end
    std::vector<double> strength;        // the edge's strength (merged rows added)
};

struct DistributedGraph {
    Comm comm;
    std::uint64_t num_nodes = 0;  // customers in all
    std::uint64_t num_edges = 0;  // influence edges in all
    // This rank's customers, by global index (ascending), with their ids.
    std::vector<std::uint64_t> owned;
    StringColumn owned_ids;  // owned_ids[slot]: the id of owned[slot]
    EdgeSide out, in;
    // The build report, the same on every rank (merge_examples only on rank 0).
    BuildReport report;
    RelationshipTypes types;
    // Notes `catena` prints for the same file (ignored columns, a detected delimiter).
    std::vector<std::string> warnings;
    // Smallest and largest edge strength over all edges (0 when there are none).
    double min_strength = 0.0, max_strength = 0.0;

    std::size_t owned_count() const { return owned.size(); }
    // The ids of these customers (global indices, the same list on every rank), on rank 0 only
    // (empty elsewhere). Collective.
    std::vector<std::string> ids_of(const std::vector<std::uint64_t>& nodes) const;
};

// FNV-1a, 64 bits: the owner of a customer id is this modulo the number of ranks.
std::uint64_t fnv1a(std::string_view id);

// Collective: reads the edge list in parallel (partitioned_csv.hpp) and builds the graph.
DistributedGraph load_edge_list(const Comm& comm, const EdgeListOptions& options);

}  // namespace catena::mpi
