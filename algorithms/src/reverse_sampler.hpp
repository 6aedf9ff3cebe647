// Reverse-reachable (RR) sets, one at a time: the customers that would have activated a given
// root. Shared by seed selection (select_seeds) and network value (customer_value).
// - IC: a reverse BFS over in-edges that keeps each in-edge (u, v) with probability p(u,v).
// - LT: a reverse random walk that steps to in-neighbour u with probability b(u,v) and stops at
//   a node it has seen (or with the probability left over).
// Each RR set is drawn from its own random stream, so results never depend on threads.
#pragma once

#include <cmath>
#include <cstdint>
#include <span>
#include <vector>

#include "catena/algorithms/propagation.hpp"
#include "catena/graph/influence_graph.hpp"

#include "random_stream.hpp"

namespace catena {

class ReverseSampler {
  public:
    ReverseSampler(const InfluenceGraph& graph, std::span<const double> weights,
                   DiffusionModel model)
        : graph_(graph), weights_(weights), model_(model) {
        // Per node, the largest probability of its in-edges, and whether they all share it. The
        // reverse BFS jumps straight to the next in-edge that a coin of that largest probability
        // keeps (geometric skips) and keeps it with probability p(u,v) / p_max: each in-edge is
        // then kept with probability p(u,v), at a cost of about (in-degree x p_max) draws instead
        // of one per in-edge. Weighted cascade makes p_max small at the hubs, where it matters.
        const auto in_offsets = graph.in_offsets();
        const auto in_sources = graph.in_sources();
        const auto in_edges = graph.in_edge_ids();
        max_p_.assign(graph.num_nodes(), 0.0);
        same_p_.assign(graph.num_nodes(), 1);
        for (NodeId v = 0; v < graph.num_nodes(); ++v) {
            if (in_offsets[v] == in_offsets[v + 1]) continue;
            const double first = weights[in_edges[in_offsets[v]]];
            double largest = first;
            for (EdgeId position = in_offsets[v] + 1; position < in_offsets[v + 1]; ++position) {
                const double p = weights[in_edges[position]];
                largest = std::max(largest, p);
                if (p != first) same_p_[v] = 0;
            }
            max_p_[v] = largest;
        }
        // The in-edges again, each with its source and p(u,v) / p_max side by side: one cache line
        // per kept edge instead of three (in-edge id, weight, source) on graphs too big for cache.
        // The ratio as a float: an error of 6e-8 in a probability, far below the data's own.
        in_.resize(graph.num_edges());
        for (NodeId v = 0; v < graph.num_nodes(); ++v)
            for (EdgeId position = in_offsets[v]; position < in_offsets[v + 1]; ++position)
                in_[position] = {in_sources[position],
                                 max_p_[v] > 0.0
                                     ? static_cast<float>(weights[in_edges[position]] / max_p_[v])
                                     : 0.0f};
    }

    std::size_t memory_bytes() const {
        return in_.capacity() * sizeof(InEdge) + max_p_.capacity() * sizeof(double) +
               same_p_.capacity();
    }

    // Per-thread scratch: a stamp per node (2 bytes, so more of it stays in cache).
    struct Scratch {
        explicit Scratch(NodeId n) : stamp(n, 0) {}
        std::vector<std::uint16_t> stamp;
        std::uint16_t mark = 0;
    };

    // The RR set of `root` into `members` (root first).
    void draw(NodeId root, RandomStream& random, Scratch& scratch,
              std::vector<NodeId>& members) const {
        if (++scratch.mark == 0) {  // wrapped: clear the stamps
            std::fill(scratch.stamp.begin(), scratch.stamp.end(), 0);
            scratch.mark = 1;
        }
        std::uint16_t* const stamp = scratch.stamp.data();
        const std::uint16_t mark = scratch.mark;
        const auto in_offsets = graph_.in_offsets();
        members.clear();
        stamp[root] = mark;
        members.push_back(root);
        if (model_ == DiffusionModel::linear_threshold) {
            const auto in_edges = graph_.in_edge_ids();
            for (NodeId v = root;;) {
                const double r = random.uniform();
                double sum = 0.0;
                NodeId next = kNoNode;
                for (EdgeId position = in_offsets[v]; position < in_offsets[v + 1]; ++position) {
                    sum += weights_[in_edges[position]];
                    if (r < sum) {
                        next = in_[position].source;
                        break;
                    }
                }
                if (next == kNoNode || stamp[next] == mark) return;
                stamp[next] = mark;
                members.push_back(next);
                v = next;
            }
        }
        const auto keep = [&](NodeId u) {
            if (stamp[u] == mark) return;
            stamp[u] = mark;
            members.push_back(u);
        };
        for (std::size_t head = 0; head < members.size(); ++head) {
            const NodeId v = members[head];
            const EdgeId first = in_offsets[v], last = in_offsets[v + 1];
            const double p_max = max_p_[v];
            const bool same = same_p_[v];
            if (p_max >= 1.0) {
                for (EdgeId position = first; position < last; ++position)
                    if (same || random.uniform() < in_[position].ratio) keep(in_[position].source);
            } else if (p_max > 0.0) {
                // The gap to the next edge a p_max-coin keeps is geometric: floor(log U / log(1 -
                // p_max)).
                const double log_miss = std::log1p(-p_max);
                for (double position = first;;) {
                    position += std::floor(std::log(1.0 - random.uniform()) / log_miss);
                    if (position >= last) break;
                    const InEdge edge = in_[static_cast<EdgeId>(position)];
                    if (same || random.uniform() < edge.ratio) keep(edge.source);
                    position += 1.0;
                }
            }
        }
    }

  private:
    struct InEdge {
        NodeId source;
        float ratio;  // p(u,v) / p_max(v)
    };
    const InfluenceGraph& graph_;
    std::span<const double> weights_;
    DiffusionModel model_;
    std::vector<InEdge> in_;            // in CSR order
    std::vector<double> max_p_;         // per node: the largest probability of its in-edges
    std::vector<std::uint8_t> same_p_;  // per node: 1 when all its in-edges have that probability
};

}  // namespace catena
