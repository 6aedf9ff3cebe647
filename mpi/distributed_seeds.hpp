// Seed selection over a DistributedGraph: catena's select_seeds (algorithms/seed_selection.hpp),
// computed by the ranks together, with the same seeds and figures.
//
// The RR sets are catena's: set i is rooted and keyed by its own stream (seed, i), and the draws
// at member v come from the stream (key, v) (reverse_sampler.hpp), so a set is the same whichever
// rank grows which part of it, in whatever order. Many sets are grown at once, breadth first: the
// owner of a member draws which of its in-edges the set keeps and sends (set, in-neighbour) to
// the in-neighbour's owner, which adds it unless the set already has it. Each rank keeps, per RR
// set, its own members of it, and per own customer the sets it is in.
//
// OPIM-C's rounds are catena's own (opim_c.hpp) over a backend whose greedy runs on every rank at
// once: each rank offers its best candidate and its k largest marginal coverages; all of them
// reach every rank, which takes the same seed (highest gain, then lowest index: catena's rule)
// and the same upper bound; the seed's owner sends the RR sets it newly covers and every rank
// lowers its own members' coverage. R2's gains are a minimum per set, reduced over the ranks.
#pragma once

#include <cstdint>
#include <vector>

#include "catena/algorithms/customer_value.hpp"
#include "catena/algorithms/propagation.hpp"
#include "catena/algorithms/seed_selection.hpp"

#include "distributed_graph.hpp"

namespace catena::mpi {

// The owner of every customer by global index, and its slot there, spread over the ranks: rank
// g % P holds customer g's. Set up once (collective); lets a rank send an RR set's root to its
// owner.
class OwnerDirectory {
  public:
    struct Entry {
        std::uint32_t slot = 0;
        std::uint16_t owner = 0;
    };
    explicit OwnerDirectory(const DistributedGraph& graph);
    // Whether this rank holds `node`'s entry, and the entry (when it does).
    bool holds(std::uint64_t node) const {
        return static_cast<int>(node % static_cast<std::uint64_t>(size_)) == rank_;
    }
    Entry at(std::uint64_t node) const {
        return entries_[node / static_cast<std::uint64_t>(size_)];
    }
    std::size_t memory_bytes() const { return entries_.capacity() * sizeof(Entry); }

  private:
    int rank_ = 0, size_ = 1;
    std::vector<Entry> entries_;
};

// Collective. Supports what an edge list carries: Independent Cascade with the weighted cascade or
// a constant probability, Linear Threshold; every customer a candidate, no budget, the customers
// objective (catena's own checks and messages refuse the rest as catena does for an edge list).
// The result's seeds are global indices; memory_bytes is the sum over the ranks.
SeedSelectionResult distributed_seeds(const DistributedGraph& graph,
                                      const SeedSelectionParams& params,
                                      const ProbabilityModel& probability);

// With listed customers (a data folder): rank 0's SeedPlan (plan_seeds() on its customers; the
// other ranks pass an empty one) decides who may be chosen and how roots are drawn, as in
// select_seeds(). Collective; `params.objective` is the same on every rank.
SeedSelectionResult distributed_seeds(const DistributedGraph& graph,
                                      const SeedSelectionParams& params,
                                      const ProbabilityModel& probability, const SeedPlan& plan);

// Collective: catena's network_value() (customer_value.hpp) over the ranks, with the same RR
// sets, counts and estimates. Roots are drawn in proportion to own value from `running`, rank
// 0's running sum of every customer's own value by index (running_own_value(); empty on the
// other ranks): each rank holds one block of consecutive indices of it. `params` and
// `probability` are the same on every rank (IC with the weighted cascade or a constant
// probability, or LT). The result is rank 0's (the other ranks get an empty one).
NetworkValueResult distributed_network_value(const DistributedGraph& graph,
                                             const NetworkValueParams& params,
                                             const ProbabilityModel& probability,
                                             const std::vector<double>& running);

}  // namespace catena::mpi
