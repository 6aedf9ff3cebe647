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

#include <atomic>
#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <span>
#include <vector>

#include "catena/algorithms/propagation.hpp"
#include "catena/graph/errors.hpp"
#include "catena/graph/huge_pages.hpp"
#include "catena/graph/influence_graph.hpp"

#include "random_stream.hpp"

namespace catena {

class ReverseSampler {
  public:
    // How the in-edges of a node are drawn (each in-edge (u, v) kept with probability p(u,v),
    // independently), one of three ways by the node's in-edges:
    // - cumulative (at most kCumulativeSpan in-edges, all p < 1): each in-edge's entry holds
    //   c_i = the product of (1 - p) over the node's in-edges up to and including it, the chance
    //   that none of them is kept. One uniform U decides the first kept in-edge: the first whose
    //   c_i < U (none when U <= c_last); from there a new U, scaled by that edge's c_i, decides the
    //   next. About 1 + (in-edges kept) uniforms a node (one on average under the weighted cascade,
    //   whose probabilities into a node sum to 1), no logarithm, and in a third of the visits
    //   (nothing kept) no in-edge read at all. Floats: each c_i is rounded once (from the product
    //   in double), so an in-edge's probability is off by at most 6e-8, against 6e-8 x p for the
    //   other two ways; kCumulativeSpan keeps the whole node within 64 x 6e-8.
    // - skips (more in-edges): geometric jumps to the next in-edge a coin of the node's largest
    //   probability p_max keeps, log2 U / log2(1 - p_max) ahead, kept with probability p / p_max
    //   (the entry holds p / p_max): about in-degree x p_max draws instead of one per in-edge.
    // - a coin per in-edge (some p >= 1, or a product too small for a float): the entry holds p.
    // Node::gauge says which: above 0 cumulative (it is c_last, the chance none is kept), below 0
    // skips (it is 1 / log2(1 - p_max)), 0 a coin per in-edge. Node::inv_p_max is 1 / p_max for
    // skips, -1 when every in-edge a skip or a coin lands on is kept (all share one probability,
    // or all are 1), and 1 for coins of p itself.
    struct Node {
        EdgeId first = 0, last = 0;  // in-edge positions first .. last-1 (none may be kept: empty)
        float gauge = 0.0f;
        float inv_p_max = -1.0f;
    };
    static_assert(sizeof(Node) == 16);

    // Nodes with at most this many in-edges are drawn cumulatively (see Node): a kept in-edge is
    // found by reading the entries in order, at most 64 x 8 bytes, and the rounding of the
    // products stays within 64 x 6e-8. bench/KERNELS.md, section 4d.
    static constexpr EdgeId kCumulativeSpan = 64;

    // Below this chance that none of its in-edges is kept, a node gets a coin per in-edge (the
    // products would reach a float's smallest values).
    static constexpr double kSmallestNone = 1e-30;

    // log2 of a uniform draw in (0, 1] with 24 bits (a float): a geometric gap is log2 U /
    // log2(1 - p_max), and float's log2 costs a fraction of double's log. 24 bits cut the gap's
    // tail at U = 2^-24, an event of probability 6e-8, far below the sampling error of any
    // estimate made from the RR sets.
    static float log2_uniform(RandomStream& random) {
        return std::log2(static_cast<float>((random.next() >> 40) + 1) * 0x1.0p-24f);
    }

    // The first draw at a node: whether any in-edge is kept and, if so, where the walk over its
    // entries starts (skips: the offset of the first in-edge kept by a p_max-coin; cumulative:
    // the threshold U the first kept in-edge's product falls below).
    struct Start {
        bool any = false;
        std::uint64_t offset = 0;
        double threshold = 0.0;
    };
    static Start start(const Node& node, RandomStream& random) {
        const std::uint64_t span = node.last - node.first;
        Start first;
        if (span == 0) return first;
        if (node.gauge > 0.0f) {
            first.threshold = random.uniform_open_zero();
            first.any = first.threshold > static_cast<double>(node.gauge);
        } else if (node.gauge < 0.0f) {
            const double gap = log2_uniform(random) * node.gauge;
            first.offset = gap < static_cast<double>(span) ? static_cast<std::uint64_t>(gap) : span;
            first.any = first.offset < span;
        } else {
            first.any = true;
        }
        return first;
    }

    // Calls keep(position) on each in-edge of `node` its draws keep, given `first` (what start
    // drew, `any` set); value(position) is the entry's value (c_i, p / p_max or p, see Node).
    template <typename Value, typename Keep>
    static void walk(const Node& node, const Start& first, RandomStream& random, Value&& value,
                     Keep&& keep) {
        if (node.gauge > 0.0f) {
            EdgeId position = node.first;
            double threshold = first.threshold;
            for (;;) {
                // Stops at the last in-edge at the latest: its product is gauge < threshold.
                while (!(static_cast<double>(value(position)) < threshold)) ++position;
                keep(position);
                if (++position == node.last) return;
                const double reached = static_cast<double>(value(position - 1));
                threshold = random.uniform_open_zero() * reached;
                if (!(threshold > static_cast<double>(node.gauge))) return;
            }
        }
        const auto coin = [&](EdgeId position) {
            if (node.inv_p_max < 0.0f || random.uniform() < static_cast<double>(value(position)))
                keep(position);
        };
        if (node.gauge == 0.0f) {
            for (EdgeId position = node.first; position < node.last; ++position) coin(position);
            return;
        }
        const std::uint64_t span = node.last - node.first;
        for (std::uint64_t offset = first.offset; offset < span;) {
            coin(static_cast<EdgeId>(node.first + offset));
            if (++offset >= span) return;
            const double gap = log2_uniform(random) * node.gauge;
            if (!(gap < static_cast<double>(span - offset))) return;
            offset += static_cast<std::uint64_t>(gap);
        }
    }

    // All the draws at a node: start, then the walk when some in-edge is kept (draw_many's lanes
    // take the two steps on separate turns).
    template <typename Value, typename Keep>
    static void for_each_kept(const Node& node, RandomStream& random, Value&& value, Keep&& keep) {
        const Start first = start(node, random);
        if (first.any) walk(node, first, random, value, keep);
    }

    // The record of a node whose in-edges sit at positions begin .. end-1 with these
    // probabilities (in that order).
    static Node record(EdgeId begin, EdgeId end, std::span<const double> probabilities) {
        double largest = 0.0, none = 1.0;
        bool same = true;
        for (const double p : probabilities) {
            same = same && p == probabilities.front();
            largest = std::max(largest, p);
            none *= 1.0 - p;
        }
        Node node;
        node.first = begin;
        node.last = largest > 0.0 ? end : begin;  // none ever kept
        if (!(largest > 0.0)) return node;
        if (largest >= 1.0 || (end - begin <= kCumulativeSpan && !(none >= kSmallestNone))) {
            node.inv_p_max = same && largest >= 1.0 ? -1.0f : 1.0f;  // a coin per in-edge
        } else if (end - begin <= kCumulativeSpan) {
            node.gauge = static_cast<float>(none);  // as values() rounds the last product
        } else {
            node.gauge = static_cast<float>(std::log(2.0) / std::log1p(-largest));
            node.inv_p_max = same ? -1.0f : static_cast<float>(1.0 / largest);
        }
        return node;
    }

    // Calls put(i, value) with the value of the node's i-th in-edge entry (see Node), for the
    // probabilities record() was given.
    template <typename Put>
    static void values(const Node& node, std::span<const double> probabilities, Put&& put) {
        double none = 1.0;
        for (std::size_t i = 0; i < probabilities.size(); ++i) {
            const double p = probabilities[i];
            if (node.gauge > 0.0f) {
                none *= 1.0 - p;  // the same products, in the same order, as record()
                put(i, static_cast<float>(none));
            } else if (node.inv_p_max < 0.0f) {
                put(i, 1.0f);
            } else {
                put(i, static_cast<float>(p * static_cast<double>(node.inv_p_max)));
            }
        }
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
        // The weighted cascade on a mirrored graph: a customer's in-edge strengths are its
        // out-edges', in the same order, read in order instead of gathered by edge id (the
        // gather, a random read per edge, was most of the set-up on large graphs). The in-edges'
        // sources are checked against the out-edges' targets as they are read.
        const bool mirrored =
            gathered != nullptr && gathered == graph.strengths().data() && graph.mirrored();
        const EdgeId* const out_offsets = graph.out_offsets().data();
        const NodeId* const out_targets = graph.out_targets().data();
        std::atomic<bool> mismatch{false};
        const NodeId n = graph.num_nodes();
        const EdgeId num_edges = graph.num_edges();
        constexpr EdgeId kGatherAhead = 64;
        // The records and in-edges are read at random, a set after another: in huge pages (2 MiB)
        // where the kernel has them, so that those reads rarely miss the TLB (at 4 KiB a page the
        // large graph's 150 MB of in-edges span 38,000 pages, far more than the TLB holds) and
        // the first touch faults once per 2 MiB instead of once per 4 KiB.
        resize_huge(nodes_, n);
        // Not zeroed first (every entry is written below): the pages are first touched by the
        // threads that fill them, in parallel, instead of by one thread clearing 8 bytes an edge.
        in_.reset(new InEdge[num_edges]);
        advise_huge_pages(in_.get(), num_edges * sizeof(InEdge));
        in_size_ = num_edges;
        Node* const records = nodes_.data();
        InEdge* const in = in_.get();
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
                    if (mirrored) {
                        const EdgeId out = out_offsets[v] + (position - begin);
                        if (out >= out_offsets[v + 1] || out_targets[out] != sources[position]) {
                            mismatch.store(true, std::memory_order_relaxed);
                            break;
                        }
                        const double x = gathered[out];
                        probabilities.push_back(x);
                        total += x;
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
                if (mirrored && out_offsets[v + 1] - out_offsets[v] != end - begin)
                    mismatch.store(true, std::memory_order_relaxed);
                // The weighted cascade: each strength over their sum, in in-edge order (that is,
                // by source, the order edge_probabilities() sums them in: the same numbers).
                if (shares)
                    for (double& p : probabilities) p = total > 0.0 ? p / total : 0.0;
                Node& node = records[v];
                node = record(begin, end, probabilities);
                // Each in-edge with its source and its value (see Node) side by side, so an
                // in-edge looked at is one 8-byte entry instead of three arrays (source, edge id,
                // the edge's probability): on graphs too big for the cache that is one memory
                // access per edge looked at instead of three, most of the sampling's time.
                values(node, probabilities, [&](std::size_t i, float value) {
                    in[begin + i] = {sources[begin + i], value};
                });
            }
        }
        if (mismatch.load())
            throw InternalError(
                "ReverseSampler: a mirrored graph whose in-edges are not its out-edges");
        lanes_ = memory_bytes() > kLanesFrom;
    }

    DiffusionModel model() const { return model_; }

    // draw_many draws several sets at once (lanes) only when the sampler's records and in-edges
    // are larger than this: lanes overlap the cache misses of a graph the cache cannot hold, and
    // only cost bookkeeping on one it can (email-Enron, 3.5 MB: 10-15% slower with lanes; bench/
    // KERNELS.md, section 4d). The sets are the same either way.
    static constexpr std::size_t kLanesFrom = std::size_t{8} << 20;

    // Lanes or not, whatever the size (tests compare both ways on small graphs).
    void use_lanes(bool lanes) { lanes_ = lanes; }

    // The record of node v (tests check which way its in-edges are drawn).
    const Node& record_of(NodeId v) const { return nodes_[v]; }

    std::size_t memory_bytes() const {
        return nodes_.capacity() * sizeof(Node) + in_size_ * sizeof(InEdge);
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
        grow(key, members, [&](NodeId u) {
            if (stamp[u] == mark) return false;
            stamp[u] = mark;
            return true;
        });
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
        const InEdge* const in = in_.get();
        for_each_kept(
            node, member, [&](EdgeId position) { return in[position].value; },
            [&](EdgeId position) { kept(in[position].source); });
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
            std::size_t head = 0;     // the member whose in-edges come next
            bool loaded = false;      // its first draw keeps some in-edge, being fetched
            Start first;              // that draw
            std::uint64_t index = 0;  // the set's number
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
    // handed to emit(members) in order of i. On a graph larger than kLanesFrom, up to kLanes sets
    // are drawn at once, a step of each in turn: a step either loads a member's record and starts
    // fetching its in-edges, or draws over those in-edges. A large graph's sampling is mostly
    // waiting for memory, one miss after another within a set (the member's record, then its
    // in-edges, then the record of the customer they add); with eight sets in flight, eight such
    // misses overlap.
    template <typename StreamOf, typename RootOf, typename Emit>
    void draw_many(std::uint64_t begin, std::uint64_t end, StreamOf stream_of, RootOf root_of,
                   Lanes& scratch, Emit emit) const {
        std::uint8_t* const in_set = scratch.in_set.data();
        if (!lanes_) {  // one set at a time, each whole before the next
            std::vector<NodeId>& members = scratch.lanes[0].members;
            for (std::uint64_t index = begin; index < end; ++index) {
                RandomStream set_stream = stream_of(index);
                const NodeId root = root_of(set_stream);
                members.assign(1, root);
                in_set[root] = 1;
                grow(set_key(set_stream), members, [&](NodeId u) {
                    if (in_set[u]) return false;
                    in_set[u] = 1;
                    return true;
                });
                emit(std::span<const NodeId>(members));
                for (const NodeId member : members) in_set[member] = 0;
            }
            return;
        }
        const InEdge* const in = in_.get();
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
        const auto open_set = [&](auto& lane, std::uint8_t bit) {
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
            open_set(scratch.lanes[l], static_cast<std::uint8_t>(1u << l));
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
                    // The member's first draw, and if it keeps some in-edge, start fetching the
                    // entries its walk reads first (cumulative and coins: from the first; skips:
                    // the one a p_max-coin kept); walk on the lane's next turn. The same draws,
                    // in the same order, as draw().
                    lane.first = start(node, random);
                    if (lane.first.any) {
                        const InEdge* const from = in + node.first + lane.first.offset;
                        const InEdge* const last = node.gauge >= 0.0f
                                                       ? from + std::min<std::uint64_t>(span, 32)
                                                       : from + 1;
                        for (const InEdge* line = from; line < last; line += 8)
                            __builtin_prefetch(line);
                        lane.loaded = true;
                        continue;
                    }
                    // No in-edge kept: on to the next member.
                } else {
                    walk(
                        node, lane.first, random,
                        [&](EdgeId position) { return in[position].value; },
                        [&](EdgeId position) {
                            const NodeId u = in[position].source;
                            if (in_set[u] & bit) return;
                            in_set[u] |= bit;
                            lane.members.push_back(u);
                            __builtin_prefetch(&records[u]);
                        });
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
                    open_set(lane, bit);
                else
                    --active;
            }
        }
        flush();
    }

  private:
    // Independent Cascade: grows the set whose members so far are `members` (the root) by a
    // breadth-first search over the in-edges its draws keep (keyed by `key`); join(u) marks u as in
    // the set and says whether it was not yet.
    template <typename Join>
    void grow(std::uint64_t key, std::vector<NodeId>& members, Join&& join) const {
        const InEdge* const in = in_.get();
        // Adds the source of a kept in-edge to the set. The draws at a member never depend on
        // which customers joined before it (a coin that lands on a customer already in the set is
        // drawn all the same).
        const auto keep = [&](EdgeId position) {
            const NodeId u = in[position].source;
            if (!join(u)) return;
            members.push_back(u);
            // Its record is read when the BFS reaches it: start loading it now (graphs larger
            // than the cache spend most of their time waiting for these).
            __builtin_prefetch(&nodes_[u]);
        };
        const auto value = [&](EdgeId position) { return in[position].value; };
        RandomStream member{0};
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
            for_each_kept(node, member, value, keep);
        }
    }

    struct InEdge {
        NodeId source;
        float value;  // c_i, p / p_max or p (see Node)
    };

    const InfluenceGraph& graph_;
    std::span<const double> weights_;
    DiffusionModel model_;
    std::vector<Node> nodes_;
    std::unique_ptr<InEdge[]> in_;  // in the graph's in-edge order
    EdgeId in_size_ = 0;
    bool lanes_ = true;  // draw_many: several sets at once (see kLanesFrom)
};

}  // namespace catena
