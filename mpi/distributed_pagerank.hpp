// PageRank over a DistributedGraph: catena's pagerank() (algorithms/pagerank.hpp), computed by
// the ranks together, with the same scores.
//
// The iteration is catena's: a walk against the edges (direction influence, the default) or along
// them (authority), weighted by strength unless every strength is the same positive number or
// `weighted` is off, dangling customers sending their rank back along the uniform teleport,
// renormalised each iteration, stopping when the L1 change is below the tolerance or at the
// iteration cap. Each customer's sum runs over its edges in catena's order, and every global sum
// (dangling mass, total, change) is taken over catena's blocks of 4096 customers in catena's
// order: a block's customers are gathered on one rank (the block's "holder") for it. So the
// scores are bit-identical to `catena rank`'s, at any number of ranks.
//
// Communication per iteration: one MPI_Alltoallv of the shares of ghost customers (the other
// ends of owned customers' edges owned elsewhere; the pattern is set up once), one of the new
// scores to the block holders, and two MPI_Allgatherv of per-block sums.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <vector>

#include "catena/algorithms/pagerank.hpp"

#include "distributed_graph.hpp"

namespace catena::mpi {

struct DistributedPageRankResult {
    std::vector<double> scores;  // per owned customer (DistributedGraph::owned order)
    std::uint32_t iterations = 0;
    double last_change = 0.0;
    bool converged = false;
};

// Collective. Personalisation and warm starts are not supported (params must leave them empty).
DistributedPageRankResult distributed_pagerank(const DistributedGraph& graph,
                                               const PageRankParams& params);

// One pass of a fixed exchange pattern: each rank sends values of some owned customers to the
// ranks that need them, and receives values of its ghosts. Set up once from the ghost lists.
//
// Two layouts of the values, with the same exchange:
// - columns: values = [owned values..., ghost values...], and columns()[k] says where the value
//   of the k-th entry's other end sits: 4 bytes an entry;
// - by_index: values has an element per customer of the graph (num_nodes), at its global
//   index, so an entry's other end is read at `other` itself, without columns. The callers take
//   it when num_nodes <= entries / 2 + owned, where it is the smaller (8 bytes a customer
//   against 4 bytes an entry and 8 an owned customer); it needs no sort to set up either.
class GhostExchange {
  public:
    enum class Layout { columns, by_index };
    // The edges considered: every entry of these sides, side after side.
    GhostExchange(const DistributedGraph& graph, std::initializer_list<const EdgeSide*> sides,
                  Layout layout = Layout::columns);
    // columns layout: column of the k-th entry of all the sides together.
    const std::vector<std::uint32_t>& columns() const { return columns_; }
    std::size_t ghosts() const { return ghosts_; }
    // columns layout: values[0, owned) must hold the owned values; fills values[owned, owned +
    // ghosts).
    template <typename T>
    void exchange(std::vector<T>& values) const;
    // by_index layout: values (num_nodes of them) must hold the owned customers' values at their
    // indices; fills the ghosts' at theirs.
    template <typename T>
    void exchange_by_index(std::vector<T>& values) const;

  private:
    template <typename T>
    void transfer(const std::vector<T>& outgoing, T* incoming) const;

    const Comm* comm_;
    std::size_t owned_ = 0, ghosts_ = 0;
    std::vector<std::uint32_t> columns_;  // columns layout
    // Owned customers to send, grouped by destination: slots (columns layout) or global
    // indices (by_index layout).
    std::vector<std::uint32_t> send_;
    std::vector<std::uint32_t> ghost_nodes_;  // by_index layout: each ghost's index, as received
    std::vector<int> send_counts_, send_offsets_, recv_counts_, recv_offsets_;
};

}  // namespace catena::mpi
