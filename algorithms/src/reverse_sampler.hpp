// Reverse-reachable (RR) sets, one at a time: the customers that would have activated a given
// root. Shared by seed selection (select_seeds) and network value (customer_value).
// - IC: a reverse BFS over in-edges that keeps each in-edge (u, v) with probability p(u,v).
// - LT: a reverse random walk that steps to in-neighbour u with probability b(u,v) and stops at
//   a node it has seen (or with the probability left over).
// Each RR set is drawn from its own random stream, so results never depend on threads. Within a
// set, the draws at each member v come from a stream of their own, keyed by the set's key (drawn
// from the set's stream right after its root) and v: which in-edges of v a set keeps depends on
// (seed, set, v) only, never on the order the members are visited in. A set is then the same
// whichever order it is grown in: breadth first here, a frontier at a time across machines.
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>
#include <span>
#include <vector>

#include "catena/algorithms/propagation.hpp"
#include "catena/graph/errors.hpp"
#include "catena/graph/influence_graph.hpp"

#include "random_stream.hpp"

namespace catena {

class ReverseSampler {
  public:
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

    // The first in-edge of `node` that its p_max-coins keep, as an offset from its first in-edge
    // (its in-edge count when none is): the gap to it is geometric, floor(log U / log(1 -
    // p_max)) with U in (0, 1] (so log U is finite). 0 without a draw when each in-edge gets a
    // coin of its own (p_max >= 1, or no in-edge at all).
    static std::uint64_t first_kept(const Node& node, RandomStream& random) {
        const std::uint64_t span = node.last - node.first;
        if (node.inv_log_miss == 0.0f) return 0;
        const double gap = std::log(random.uniform_open_zero()) * node.inv_log_miss;
        return gap < static_cast<double>(span) ? static_cast<std::uint64_t>(gap) : span;
    }

    // Calls keep(position) on each in-edge of `node` its p_max-coins keep, from `offset` (what
    // first_kept drew) on: every in-edge when each gets a coin of its own, else the next gap after
    // each, until a gap passes the last edge.
    template <typename Keep>
    static void walk_kept(const Node& node, std::uint64_t offset, RandomStream& random,
                          Keep&& keep) {
        const std::uint64_t span = node.last - node.first;
        if (node.inv_log_miss == 0.0f) {
            for (EdgeId position = node.first; position < node.last; ++position) keep(position);
            return;
        }
        while (offset < span) {
            keep(static_cast<EdgeId>(node.first + offset));
            if (++offset >= span) return;
            const double gap = std::log(random.uniform_open_zero()) * node.inv_log_miss;
            if (!(gap < static_cast<double>(span - offset))) return;
            offset += static_cast<std::uint64_t>(gap);
        }
    }

    // The record of a node whose in-edges sit at positions begin .. end-1 with these
    // probabilities (in that order).
    static Node record(EdgeId begin, EdgeId end, std::span<const double> probabilities) {
        double largest = 0.0;
        bool same = true;
        for (const double p : probabilities) {
            same = same && p == probabilities.front();
            largest = std::max(largest, p);
        }
        Node node;
        node.first = begin;
        node.last = largest > 0.0 ? end : begin;  // none ever kept
        node.inv_log_miss =
            largest > 0.0 && largest < 1.0 ? static_cast<float>(1.0 / std::log1p(-largest)) : 0.0f;
        node.inv_p_max = same || !(largest > 0.0) ? -1.0f : static_cast<float>(1.0 / largest);
        return node;
    }

    // An in-edge of probability p at `node`: p / p_max, the chance a p_max-coin that lands on it
    // is kept (1 when the node's in-edges share one probability).
    static float ratio(const Node& node, double p) {
        return node.inv_p_max < 0.0f ? 1.0f
                                     : static_cast<float>(p * static_cast<double>(node.inv_p_max));
    }

    ReverseSampler(const InfluenceGraph& graph, DiffusionWeights weights, DiffusionModel model)
        : graph_(graph), weights_(weights.stated()), model_(model) {
        if (model == DiffusionModel::linear_threshold && weights.derived())
            throw InternalError("ReverseSampler: Linear Threshold needs its weights stated");
        if (!weights.derived() && weights_.size() != graph.num_edges())
            throw InternalError("ReverseSampler: one weight per edge expected");
        // Per node, the largest probability of its in-edges, and whether they all share it. The
        // reverse BFS jumps straight to the next in-edge that a coin of that largest probability
        // keeps (geometric skips) and keeps it with probability p(u,v) / p_max: each in-edge is
        // then kept with probability p(u,v), at a cost of about (in-degree x p_max) draws instead
        // of one per in-edge. Weighted cascade makes p_max small at the hubs, where it matters.
        // Everything the BFS needs of a node sits in one 16-byte record (one cache line per
        // visited node), with 1 / log(1 - p_max) ready for the skips; an edge's own probability
        // is read only when a skip lands on it and the node's in-edges differ.
        // Built node by node, in parallel, in one pass over the in-edges: a node's probabilities
        // (or, for the weighted cascade, its in-edges' strengths, then their shares of their sum)
        // are gathered once (the gather is the expensive part: one random access per edge), its
        // record follows from them, then its in-edge entries.
        const EdgeId* const in_offsets = graph.in_offsets().data();
        const NodeId* const sources = graph.in_sources().data();
        const EdgeId* const in_edges = graph.in_edge_ids().data();
        // What is gathered per in-edge: its probability, or its strength (the weighted cascade;
        // none when every strength counts 1).
        const double* const gathered = !weights.derived()   ? weights_.data()
                                       : weights.weighted() ? graph.strengths().data()
                                                            : nullptr;
        const bool shares = weights.derived();
        const NodeId n = graph.num_nodes();
        const EdgeId num_edges = graph.num_edges();
        constexpr EdgeId kGatherAhead = 64;
        nodes_.resize(n);
        in_.resize(num_edges);
        Node* const records = nodes_.data();
        InEdge* const in = in_.data();
#pragma omp parallel
        {
            std::vector<double> probabilities;  // this node's, in in-edge order
#pragma omp for schedule(dynamic, 4096)
            for (NodeId v = 0; v < n; ++v) {
                const EdgeId begin = in_offsets[v], end = in_offsets[v + 1];
                probabilities.clear();
                double total = 0.0;
                for (EdgeId position = begin; position < end; ++position) {
                    if (gathered == nullptr) {
                        probabilities.push_back(1.0);
                        total += 1.0;
                        continue;
                    }
                    // The edges come in a random order: ask for one further ahead while this
                    // one is read (the in-edge ids themselves are read in order).
                    if (position + kGatherAhead < num_edges)
                        __builtin_prefetch(gathered + in_edges[position + kGatherAhead]);
                    const double x = gathered[in_edges[position]];
                    probabilities.push_back(x);
                    total += x;
                }
                // The weighted cascade: each strength over their sum, in in-edge order (that is,
                // by source, the order edge_probabilities() sums them in: the same numbers).
                if (shares)
                    for (double& p : probabilities) p = total > 0.0 ? p / total : 0.0;
                Node& node = records[v];
                node = record(begin, end, probabilities);
                // Each in-edge with its source and p(u,v) / p_max side by side, so a skip that
                // lands on an edge reads one 8-byte entry instead of three arrays (source, edge
                // id, the edge's probability): on graphs too big for the cache that is one memory
                // access per edge looked at instead of three, most of the sampling's time.
                for (EdgeId position = begin; position < end; ++position)
                    in[position] = {sources[position],
                                    ratio(node, probabilities[position - begin])};
            }
        }
    }

    DiffusionModel model() const { return model_; }

    std::size_t memory_bytes() const {
        return nodes_.capacity() * sizeof(Node) + in_.capacity() * sizeof(InEdge);
    }

    // Per-thread scratch: a stamp per node (2 bytes, so more of it stays in cache).
    struct Scratch {
        explicit Scratch(NodeId n) : stamp(n, 0) {}
        std::vector<std::uint16_t> stamp;
        std::uint16_t mark = 0;
    };

    // The stream of the draws at member `v` of the set whose key is `key`.
    static RandomStream member_stream(std::uint64_t key, NodeId v) {
        return RandomStream::for_index(key, v);
    }

    // The RR set of `root` into `members` (root first). `random` is the set's stream, the root
    // already drawn from it: the set's key is its next draw.
    void draw(NodeId root, RandomStream& random, Scratch& scratch,
              std::vector<NodeId>& members) const {
        const std::uint64_t key = set_key(random);
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
                const double r = member_stream(key, v).uniform();
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
        // p(u,v) / p_max: always when the node's in-edges share one probability. The coin is
        // drawn whether or not the customer is already in the set, so the draws at a member never
        // depend on which customers joined before it.
        RandomStream member{0};
        const auto keep = [&](const Node& node, EdgeId position) {
            const InEdge edge = in[position];
            if (node.inv_p_max >= 0.0f && !(member.uniform() < edge.ratio)) return;
            const NodeId u = edge.source;
            if (stamp[u] == mark) return;
            stamp[u] = mark;
            members.push_back(u);
            // Its record is read when the BFS reaches it: start loading it now (graphs larger
            // than the cache spend most of their time waiting for these).
            __builtin_prefetch(&nodes_[u]);
        };
        for (std::size_t head = 0; head < members.size(); ++head) {
            const Node node = nodes_[members[head]];
            member = member_stream(key, members[head]);
            // The next member's in-edges are read next: start loading them (their record was
            // prefetched when it joined the set).
            if (head + 1 < members.size()) {
                const Node next = nodes_[members[head + 1]];
                const InEdge* const end =
                    in + next.first + std::min<EdgeId>(next.last - next.first, 32);
                for (const InEdge* line = in + next.first; line < end; line += 8)
                    __builtin_prefetch(line);
            }
            walk_kept(node, first_kept(node, member), member,
                      [&](EdgeId position) { keep(node, position); });
        }
    }

    // The set's key, drawn from its stream right after its root (draw() and draw_many() do).
    static std::uint64_t set_key(RandomStream& random) { return random.next(); }

    // Independent Cascade: calls kept(u) for each in-neighbour u whose in-edge (u, v) the set
    // keyed `key` keeps, whether or not u is already in the set: the draws at v, as draw() makes
    // them. Growing a set from its root with this, in any order, gives draw()'s members.
    template <typename Kept>
    void kept_sources(std::uint64_t key, NodeId v, Kept&& kept) const {
        RandomStream member = member_stream(key, v);
        const Node node = nodes_[v];
        const InEdge* const in = in_.data();
        walk_kept(node, first_kept(node, member), member, [&](EdgeId position) {
            const InEdge edge = in[position];
            if (node.inv_p_max >= 0.0f && !(member.uniform() < edge.ratio)) return;
            kept(edge.source);
        });
    }

    // Per-thread scratch for draw_many: the sets in flight and one byte per node (bit l: the
    // node is in lane l's set).
    static constexpr int kLanes = 8;
    struct Lanes {
        explicit Lanes(NodeId n) : in_set(n, 0) {}
        struct Lane {
            RandomStream random{0};  // the draws at the member whose in-edges come next
            std::uint64_t key = 0;   // the set's key (see member_stream)
            std::vector<NodeId> members;
            std::size_t head = 0;      // the member whose in-edges come next
            bool loaded = false;       // its first kept in-edge is being fetched
            std::uint64_t offset = 0;  // that edge, from the member's first in-edge
            std::uint64_t index = 0;   // the set's number
            bool busy = false;
        };
        std::vector<std::uint8_t> in_set;
        Lane lanes[kLanes];
        // Sets finished out of order, kept until every earlier one is done.
        struct Finished {
            std::uint64_t index, begin, end;
        };
        std::vector<Finished> finished;
        std::vector<NodeId> finished_members;
    };

    // Independent Cascade only: RR sets number begin .. end-1, set i drawn exactly as draw()
    // draws it from stream_of(i) with root root_of(stream) (the same members in the same order),
    // handed to emit(members) in order of i. Up to kLanes sets are drawn at once, a step of each in
    // turn: a step either loads a member's record and starts fetching its in-edges, or draws over
    // those in-edges. A large graph's sampling is mostly waiting for memory, one miss after another
    // within a set (the member's record, then its in-edges, then the record of the customer they
    // add); with eight sets in flight, eight such misses overlap.
    template <typename StreamOf, typename RootOf, typename Emit>
    void draw_many(std::uint64_t begin, std::uint64_t end, StreamOf stream_of, RootOf root_of,
                   Lanes& scratch, Emit emit) const {
        std::uint8_t* const in_set = scratch.in_set.data();
        const InEdge* const in = in_.data();
        const Node* const records = nodes_.data();
        scratch.finished.clear();
        scratch.finished_members.clear();
        std::uint64_t next = begin;     // the next set to start
        std::uint64_t emitted = begin;  // sets before this one went to emit
        // Hands finished sets to emit while the next one due is among them.
        const auto flush = [&] {
            auto& finished = scratch.finished;
            for (bool found = true; found && !finished.empty();) {
                found = false;
                for (std::size_t slot = 0; slot < finished.size(); ++slot)
                    if (finished[slot].index == emitted) {
                        const auto& set = finished[slot];
                        emit(std::span<const NodeId>(scratch.finished_members.data() + set.begin,
                                                     set.end - set.begin));
                        ++emitted;
                        finished[slot] = finished.back();
                        finished.pop_back();
                        found = true;
                        break;
                    }
            }
            if (finished.empty()) scratch.finished_members.clear();
        };
        const auto start = [&](auto& lane, std::uint8_t bit) {
            lane.index = next++;
            RandomStream set_stream = stream_of(lane.index);
            const NodeId root = root_of(set_stream);
            lane.key = set_key(set_stream);
            lane.members.clear();
            lane.members.push_back(root);
            in_set[root] |= bit;
            __builtin_prefetch(&records[root]);
            lane.head = 0;
            lane.loaded = false;
            lane.busy = true;
        };
        for (int l = 0; l < kLanes && next < end; ++l)
            start(scratch.lanes[l], static_cast<std::uint8_t>(1u << l));
        for (int active = static_cast<int>(std::min<std::uint64_t>(kLanes, end - begin));
             active > 0;) {
            for (int l = 0; l < kLanes; ++l) {
                auto& lane = scratch.lanes[l];
                if (!lane.busy) continue;
                const auto bit = static_cast<std::uint8_t>(1u << l);
                const Node node = records[lane.members[lane.head]];
                RandomStream& random = lane.random;
                const std::uint64_t span = node.last - node.first;
                if (!lane.loaded) {
                    random = member_stream(lane.key, lane.members[lane.head]);
                    // Find the first in-edge the member's p_max-coins keep and start fetching
                    // it (the first few, with a coin for each); draw over the in-edges from there
                    // on the lane's next turn. The same draws, in the same order, as draw().
                    lane.offset = first_kept(node, random);
                    if (lane.offset < span) {
                        const InEdge* const from = in + node.first + lane.offset;
                        const InEdge* const last = node.inv_log_miss == 0.0f
                                                       ? from + std::min<std::uint64_t>(span, 32)
                                                       : from + 1;
                        for (const InEdge* line = from; line < last; line += 8)
                            __builtin_prefetch(line);
                        lane.loaded = true;
                        continue;
                    }
                    // No in-edge kept: on to the next member.
                } else {
                    const auto keep = [&](EdgeId position) {
                        const InEdge edge = in[position];
                        if (node.inv_p_max >= 0.0f && !(random.uniform() < edge.ratio)) return;
                        const NodeId u = edge.source;
                        if (in_set[u] & bit) return;
                        in_set[u] |= bit;
                        lane.members.push_back(u);
                        __builtin_prefetch(&records[u]);
                    };
                    walk_kept(node, lane.offset, random, keep);
                    lane.loaded = false;
                }
                if (++lane.head < lane.members.size()) continue;
                // The set is complete: clear its bits, hand it on (or keep it until the sets
                // before it are done) and start the next.
                for (const NodeId member : lane.members)
                    in_set[member] &= static_cast<std::uint8_t>(~bit);
                if (lane.index == emitted) {
                    emit(std::span<const NodeId>(lane.members));
                    ++emitted;
                    flush();
                } else {
                    const auto from = scratch.finished_members.size();
                    scratch.finished_members.insert(scratch.finished_members.end(),
                                                    lane.members.begin(), lane.members.end());
                    scratch.finished.push_back({lane.index, from, scratch.finished_members.size()});
                }
                lane.busy = false;
                if (next < end)
                    start(lane, bit);
                else
                    --active;
            }
        }
        flush();
    }

  private:
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
