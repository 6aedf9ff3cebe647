// Reverse-reachable (RR) sets, one at a time: the customers that would have activated a given
// root. Shared by seed selection (select_seeds) and network value (customer_value).
// - IC: a reverse BFS over in-edges that keeps each in-edge (u, v) with probability p(u,v).
// - LT: a reverse random walk that steps to in-neighbour u with probability b(u,v) and stops at
//   a node it has seen (or with the probability left over).
// Each RR set is drawn from its own random stream, so results never depend on threads.
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>
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
        // Everything the BFS needs of a node sits in one 16-byte record (one cache line per
        // visited node), with 1 / log(1 - p_max) ready for the skips; an edge's own probability
        // is read only when a skip lands on it and the node's in-edges differ.
        // Found in one sequential pass over the edges (in out-edge order): the only random
        // accesses are to the node records.
        const auto in_offsets = graph.in_offsets();
        const auto targets = graph.out_targets();
        const NodeId n = graph.num_nodes();
        nodes_.resize(n);
        // Per node: the largest in-probability, and the first one (NaN once another differs).
        struct Seen {
            double largest = 0.0, first = -1.0;
        };
        std::vector<Seen> seen(n);
        for (EdgeId edge = 0; edge < graph.num_edges(); ++edge) {
            Seen& node = seen[targets[edge]];
            const double p = weights[edge];
            if (node.first < 0.0) node.first = p;
            if (p != node.first) node.first = std::numeric_limits<double>::quiet_NaN();
            node.largest = std::max(node.largest, p);
        }
        for (NodeId v = 0; v < n; ++v) {
            const double largest = seen[v].largest;
            const bool same = !std::isnan(seen[v].first);
            Node& node = nodes_[v];
            node.first = in_offsets[v];
            node.last = largest > 0.0 ? in_offsets[v + 1] : in_offsets[v];  // none ever kept
            node.inv_log_miss = largest > 0.0 && largest < 1.0
                                    ? static_cast<float>(1.0 / std::log1p(-largest))
                                    : 0.0f;
            node.inv_p_max = same || !(largest > 0.0) ? -1.0f : static_cast<float>(1.0 / largest);
        }
        // The in-edges again, each with its source and p(u,v) / p_max side by side, so a skip that
        // lands on an edge reads one 8-byte entry instead of three arrays (source, edge id, the
        // edge's probability): on graphs too big for the cache that is one memory access per
        // edge looked at instead of three, most of the sampling's time. Built node by node in
        // parallel (the gather of each edge's probability is the expensive part).
        const auto sources = graph.in_sources();
        const auto in_edges = graph.in_edge_ids();
        in_.resize(graph.num_edges());
        InEdge* const in = in_.data();
        const Node* const records = nodes_.data();
#pragma omp parallel for schedule(dynamic, 4096)
        for (NodeId v = 0; v < n; ++v) {
            const Node node = records[v];
            for (EdgeId position = in_offsets[v]; position < in_offsets[v + 1]; ++position)
                in[position] = {sources[position],
                                node.inv_p_max < 0.0f
                                    ? 1.0f
                                    : static_cast<float>(weights[in_edges[position]] *
                                                         static_cast<double>(node.inv_p_max))};
        }
    }

    std::size_t memory_bytes() const {
        return nodes_.capacity() * sizeof(Node) + in_.capacity() * sizeof(InEdge);
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
        members.clear();
        stamp[root] = mark;
        members.push_back(root);
        const NodeId* const sources = graph_.in_sources().data();
        const EdgeId* const in_edges = graph_.in_edge_ids().data();
        if (model_ == DiffusionModel::linear_threshold) {
            for (NodeId v = root;;) {
                const double r = random.uniform();
                double sum = 0.0;
                NodeId next = kNoNode;
                const auto end = graph_.in_offsets()[v + 1];
                for (EdgeId position = graph_.in_offsets()[v]; position < end; ++position) {
                    sum += weights_[in_edges[position]];
                    if (r < sum) {
                        next = sources[position];
                        break;
                    }
                }
                if (next == kNoNode || stamp[next] == mark) return;
                stamp[next] = mark;
                members.push_back(next);
                v = next;
            }
        }
        const InEdge* const in = in_.data();
        // Keeps in-edge `position` of `node` (already chosen by a p_max-coin) with probability
        // p(u,v) / p_max: always when the node's in-edges share one probability. A customer
        // already in the set needs no coin.
        const auto keep = [&](const Node& node, EdgeId position) {
            const InEdge edge = in[position];
            const NodeId u = edge.source;
            if (stamp[u] == mark) return;
            if (node.inv_p_max >= 0.0f && !(random.uniform() < edge.ratio)) return;
            stamp[u] = mark;
            members.push_back(u);
            // Its record is read when the BFS reaches it: start loading it now (graphs larger
            // than the cache spend most of their time waiting for these).
            __builtin_prefetch(&nodes_[u]);
        };
        for (std::size_t head = 0; head < members.size(); ++head) {
            const Node node = nodes_[members[head]];
            // The next member's in-edges are read next: start loading them (their record was
            // prefetched when it joined the set).
            if (head + 1 < members.size()) {
                const Node next = nodes_[members[head + 1]];
                const InEdge* const end =
                    in + next.first + std::min<EdgeId>(next.last - next.first, 32);
                for (const InEdge* line = in + next.first; line < end; line += 8)
                    __builtin_prefetch(line);
            }
            if (node.inv_log_miss == 0.0f) {  // p_max >= 1 (or no in-edge that can be kept)
                for (EdgeId position = node.first; position < node.last; ++position)
                    keep(node, position);
                continue;
            }
            // The gap to the next edge a p_max-coin keeps is geometric: floor(log U / log(1 -
            // p_max)), with U in (0, 1] (so log U is finite). A gap past the last edge ends it.
            const std::uint64_t span = node.last - node.first;
            for (std::uint64_t offset = 0;;) {
                const double gap = std::log(random.uniform_open_zero()) * node.inv_log_miss;
                if (!(gap < static_cast<double>(span - offset))) break;
                offset += static_cast<std::uint64_t>(gap);
                keep(node, static_cast<EdgeId>(node.first + offset));
                if (++offset >= span) break;
            }
        }
    }

  private:
    // Per node: its in-edges (positions first .. last-1 of the graph's in-edge lists; none when
    // no in-edge has a probability above 0), 1 / log(1 - p_max) (0 when p_max >= 1: a coin per
    // in-edge, no skips) and 1 / p_max (-1 when all its in-edges have probability p_max). Floats:
    // a relative error of 6e-8 in a probability, far below the data's own.
    struct Node {
        EdgeId first = 0, last = 0;
        float inv_log_miss = 0.0f;
        float inv_p_max = -1.0f;
    };
    static_assert(sizeof(Node) == 16);
    struct InEdge {
        NodeId source;
        float ratio;  // p(u,v) / p_max(v)
    };
    const InfluenceGraph& graph_;
    std::span<const double> weights_;
    DiffusionModel model_;
    std::vector<Node> nodes_;
    std::vector<InEdge> in_;  // in the graph's in-edge order
};

}  // namespace catena
