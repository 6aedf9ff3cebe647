#include "catena/algorithms/communities.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <functional>
#include <numeric>
#include <string>
#include <unordered_set>

#include "catena/graph/errors.hpp"

#include "random_stream.hpp"
#include "undirected.hpp"
#include <omp.h>

namespace catena {

namespace {

// The distinct weights of a network's edges, each with a 16-bit index: an edge then stores its
// index, 2 bytes instead of 8, and reads back exactly its weight.
class WeightTable {
  public:
    static constexpr std::size_t kMaxValues = std::size_t{1} << 16;

    // The index of `weight` in `values`, added if new; -1 when `values` is full.
    std::int32_t index(double weight, std::vector<double>& values) {
        const auto bits = std::bit_cast<std::uint64_t>(weight);
        std::size_t slot = (bits * 0x9E3779B97F4A7C15ull) >> (64 - kSlotBits);
        for (; slots_[slot] != 0; slot = (slot + 1) & (kSlots - 1)) {
            const std::uint32_t at = slots_[slot] - 1;
            if (std::bit_cast<std::uint64_t>(values[at]) == bits)
                return static_cast<std::int32_t>(at);
        }
        if (values.size() == kMaxValues) return -1;
        values.push_back(weight);
        slots_[slot] = static_cast<std::uint32_t>(values.size());
        return static_cast<std::int32_t>(values.size() - 1);
    }

  private:
    static constexpr int kSlotBits = 17;  // twice the values at most: short probes
    static constexpr std::size_t kSlots = std::size_t{1} << kSlotBits;
    std::vector<std::uint32_t> slots_ = std::vector<std::uint32_t>(kSlots, 0);  // index + 1, or 0
};

// An undirected weighted graph in CSR form; aggregated graphs keep their internal weight as a
// self-loop (`self`, each internal edge counted once).
struct Network {
    std::vector<std::uint64_t> offsets{0};
    std::vector<std::uint32_t> neighbours;
    // Edge weights, one of three forms: `weights` per edge; or `weight_index` per edge, an index
    // into `table` (at most 2^16 distinct weights, as on the customers' own network); or, both
    // empty, table[0] for every edge (all weights equal).
    std::vector<double> weights;
    std::vector<std::uint16_t> weight_index;
    std::vector<double> table;
    std::vector<double> self;    // empty when no node has a self-loop (the customers' network)
    std::vector<double> degree;  // weights to neighbours + 2 x self
    double total = 0.0;          // m: every edge once, self-loops once
    std::uint32_t size() const { return static_cast<std::uint32_t>(degree.size()); }
    double self_of(std::uint32_t node) const { return self.empty() ? 0.0 : self[node]; }

    // Asks the cache for `node`'s edges (its offsets must be in cache already, see prefetch).
    void prefetch_edges(std::uint32_t node) const {
        const std::uint64_t e = offsets[node];
        __builtin_prefetch(&neighbours[e]);
        if (!weights.empty()) __builtin_prefetch(&weights[e]);
        if (!weight_index.empty()) __builtin_prefetch(&weight_index[e]);
    }

    // Calls visit(neighbour, weight) for each edge of `node`.
    template <typename Visit>
    void for_each(std::uint32_t node, Visit&& visit) const {
        const std::uint64_t begin = offsets[node], end = offsets[node + 1];
        if (!weights.empty()) {
            for (std::uint64_t e = begin; e < end; ++e) visit(neighbours[e], weights[e]);
        } else if (!weight_index.empty()) {
            for (std::uint64_t e = begin; e < end; ++e)
                visit(neighbours[e], table[weight_index[e]]);
        } else {
            for (std::uint64_t e = begin; e < end; ++e) visit(neighbours[e], table[0]);
        }
    }

    // Appends one edge's weight, in the table's form until it would pass 2^16 distinct weights.
    void push_weight(double weight, WeightTable& distinct) {
        if (weights.empty()) {
            const std::int32_t index = distinct.index(weight, table);
            if (index >= 0) {
                weight_index.push_back(static_cast<std::uint16_t>(index));
                return;
            }
            weights.reserve(neighbours.capacity());
            for (const std::uint16_t at : weight_index) weights.push_back(table[at]);
            std::vector<std::uint16_t>().swap(weight_index);
            std::vector<double>().swap(table);
        }
        weights.push_back(weight);
    }

    // After the last push_weight: drops the indexes when every weight is table[0].
    void finish_weights() {
        if (weights.empty() && table.size() <= 1) std::vector<std::uint16_t>().swap(weight_index);
    }
};

// The undirected view of `graph`, each node's neighbours in increasing order.
Network undirected_view(const InfluenceGraph& graph) {
    const NodeId n = graph.num_nodes();
    Network net;
    net.offsets.reserve(static_cast<std::size_t>(n) + 1);
    net.neighbours.reserve(graph.num_edges());
    net.weight_index.reserve(graph.num_edges());
    net.degree.assign(n, 0.0);
    WeightTable distinct;
    for (NodeId node = 0; node < n; ++node) {
        for_each_undirected_neighbour(graph, node, [&](NodeId other, double weight) {
            net.neighbours.push_back(other);
            net.push_weight(weight, distinct);
            net.degree[node] += weight;
        });
        net.offsets.push_back(net.neighbours.size());
    }
    net.finish_weights();
    for (const double degree : net.degree) net.total += degree;
    net.total /= 2.0;
    return net;
}

// One thread's share of an aggregation: communities first .. last-1, the neighbour count of each,
// and (but for the first share, which writes into the result) their neighbour lists in order,
// kept until the shares before it are in the result.
struct AggregateShare {
    std::uint32_t first = 0, last = 0;
    // The edges (neighbours, and weights in the compact form of their own table: 6 bytes an edge
    // while it holds, this share's peak of memory).
    Network edges;
    WeightTable distinct;
    std::vector<std::uint64_t> sizes;  // per community, its neighbours
    double weight(std::uint64_t edge) const {
        return edges.weights.empty() ? edges.table[edges.weight_index[edge]] : edges.weights[edge];
    }
};

// Collapses each community of `part` (labels 0..count-1) into one node. The communities are
// split into one contiguous range per thread (balanced by their members' edges); each thread sums
// its communities' edges, the first straight into the result, the others into their share, which
// is appended in order afterwards. The result is the same at any thread count, weights and their
// 16-bit indexes included (the weights go into the table in the same order).
Network aggregate(const Network& net, const std::vector<std::uint32_t>& part, std::uint32_t count) {
    std::vector<std::uint32_t> start(static_cast<std::size_t>(count) + 1, 0), members(net.size());
    for (const auto label : part) ++start[label + 1];
    for (std::uint32_t c = 0; c < count; ++c) start[c + 1] += start[c];
    {
        std::vector<std::uint32_t> next(start.begin(), start.end() - 1);
        for (std::uint32_t node = 0; node < net.size(); ++node) members[next[part[node]]++] = node;
    }
    Network result;
    result.self.assign(count, 0.0);
    result.degree.assign(count, 0.0);
    result.total = net.total;
    // Never more edges than the finer level; pages past the end are reserved, never touched.
    result.neighbours.reserve(net.neighbours.size());
    result.weight_index.reserve(net.neighbours.size());
    result.offsets.resize(static_cast<std::size_t>(count) + 1, 0);
    WeightTable distinct;
    // Small networks (the upper levels) are not worth a second thread.
    const int threads = net.neighbours.size() < (1u << 16) ? 1 : std::max(1, omp_get_max_threads());
    std::vector<AggregateShare> shares(static_cast<std::size_t>(threads));
    {
        // Ranges of about equal edge counts (their members' edges, counted from the finer level).
        const std::uint64_t edges = net.neighbours.size();
        std::size_t share = 0;
        std::uint64_t done = 0;  // edges of the communities before c
        std::vector<std::uint64_t> share_edges(shares.size(), 0);
        for (std::uint32_t c = 0; c < count; ++c) {
            while (share + 1 < shares.size() && done >= (share + 1) * edges / shares.size()) {
                shares[share].last = c;
                shares[++share].first = c;
                share_edges[share] = done;
            }
            for (std::uint32_t k = start[c]; k < start[c + 1]; ++k)
                done += net.offsets[members[k] + 1] - net.offsets[members[k]];
        }
        shares[share].last = count;
        for (std::size_t rest = share + 1; rest < shares.size(); ++rest)
            shares[rest].first = shares[rest].last = count;
        // A share never has more edges than its members (reserved, not touched: growing by
        // doubling would touch up to twice what it needs, at the run's peak of memory).
        for (std::size_t at = 0; at <= share; ++at) {
            shares[at].sizes.reserve(shares[at].last - shares[at].first);
            if (at == 0) continue;  // straight into the result
            const std::uint64_t own = (at < share ? share_edges[at + 1] : done) - share_edges[at];
            shares[at].edges.neighbours.reserve(own);
            shares[at].edges.weight_index.reserve(own);
        }
    }
    // Share 0 goes straight into the result (whichever thread runs it); the others wait in their
    // share. A team smaller than asked for runs several shares, in order.
#pragma omp parallel for schedule(static, 1) num_threads(threads)
    for (std::size_t index = 0; index < shares.size(); ++index) {
        AggregateShare& mine = shares[index];
        if (mine.first == mine.last) continue;
        std::vector<double> weight_to(count, 0.0), amounts;
        std::vector<std::uint32_t> touched, labels;
        for (std::uint32_t c = mine.first; c < mine.last; ++c) {
            touched.clear();
            double inside = 0.0, self = 0.0, degree = 0.0;
            for (std::uint32_t k = start[c]; k < start[c + 1]; ++k) {
                const std::uint32_t node = members[k];
                self += net.self_of(node);
                degree += net.degree[node];
                // The labels first, then the sums (see NeighbourWeights::collect).
                labels.clear();
                amounts.clear();
                net.for_each(node, [&](std::uint32_t neighbour, double weight) {
                    const std::uint32_t other = part[neighbour];
                    __builtin_prefetch(&weight_to[other]);
                    labels.push_back(other);
                    amounts.push_back(weight);
                });
                for (std::size_t at = 0; at < labels.size(); ++at) {
                    const std::uint32_t other = labels[at];
                    if (other == c) {
                        inside += amounts[at];
                        continue;
                    }
                    if (weight_to[other] == 0.0) touched.push_back(other);
                    weight_to[other] += amounts[at];
                }
            }
            result.self[c] = self + inside / 2.0;  // each internal edge was seen from both ends
            result.degree[c] = degree;
            std::sort(touched.begin(), touched.end());
            Network& out = index == 0 ? result : mine.edges;
            WeightTable& table = index == 0 ? distinct : mine.distinct;
            for (const std::uint32_t other : touched) {
                out.neighbours.push_back(other);
                out.push_weight(weight_to[other], table);
                weight_to[other] = 0.0;
            }
            mine.sizes.push_back(touched.size());
        }
    }
    for (std::size_t index = 0; index < shares.size(); ++index) {
        AggregateShare& share = shares[index];
        for (std::size_t at = 0; index > 0 && at < share.edges.neighbours.size(); ++at) {
            result.neighbours.push_back(share.edges.neighbours[at]);
            result.push_weight(share.weight(at), distinct);
        }
        for (std::uint32_t c = share.first; c < share.last; ++c)
            result.offsets[c + 1] = result.offsets[c] + share.sizes[c - share.first];
        share = AggregateShare();  // its memory back before the next share is appended
    }
    result.finish_weights();
    return result;
}

// Renumbers labels 0..count-1 in order of first appearance; returns the count.
std::uint32_t renumber(std::vector<std::uint32_t>& labels) {
    std::vector<std::uint32_t> id(
        labels.empty() ? 0 : *std::max_element(labels.begin(), labels.end()) + 1, UINT32_MAX);
    std::uint32_t count = 0;
    for (auto& label : labels) {
        if (id[label] == UINT32_MAX) id[label] = count++;
        label = id[label];
    }
    return count;
}

// Where each node goes when nodes are sorted by label (0..count-1), keeping their order within a
// label.
std::vector<std::uint32_t> grouping(const std::vector<std::uint32_t>& labels, std::uint32_t count) {
    std::vector<std::uint32_t> next(static_cast<std::size_t>(count) + 1, 0);
    for (const auto label : labels) ++next[label + 1];
    for (std::uint32_t c = 0; c < count; ++c) next[c + 1] += next[c];
    std::vector<std::uint32_t> moved_to(labels.size());
    for (std::size_t node = 0; node < labels.size(); ++node) moved_to[node] = next[labels[node]]++;
    return moved_to;
}

// Applies a renumbering of the nodes: the value of node i becomes that of node moved_to[i].
template <typename T>
void permute(std::vector<T>& values, const std::vector<std::uint32_t>& moved_to) {
    std::vector<T> result(values.size());
    for (std::size_t node = 0; node < values.size(); ++node) result[moved_to[node]] = values[node];
    values = std::move(result);
}

// The network with its nodes renumbered, node i becoming moved_to[i]; each neighbour list keeps
// its order.
Network renumbered(const Network& net, const std::vector<std::uint32_t>& moved_to) {
    const std::uint32_t n = net.size();
    std::vector<std::uint32_t> moved_from(n);
    for (std::uint32_t node = 0; node < n; ++node) moved_from[moved_to[node]] = node;
    Network result;
    result.table = net.table;
    result.total = net.total;
    result.offsets.resize(static_cast<std::size_t>(n) + 1);
    result.neighbours.resize(net.neighbours.size());
    result.weights.resize(net.weights.size());
    result.weight_index.resize(net.weight_index.size());
    result.degree.resize(n);
    if (!net.self.empty()) result.self.resize(n);
    // Where each node's edges go, then the nodes copied in parallel (each to its own place).
    for (std::uint32_t node = 0; node < n; ++node) {
        const std::uint32_t old = moved_from[node];
        result.offsets[node + 1] = result.offsets[node] + (net.offsets[old + 1] - net.offsets[old]);
    }
#pragma omp parallel for schedule(dynamic, 4096)
    for (std::uint32_t node = 0; node < n; ++node) {
        const std::uint32_t old = moved_from[node];
        result.degree[node] = net.degree[old];
        if (!net.self.empty()) result.self[node] = net.self[old];
        std::uint64_t at = result.offsets[node];
        for (std::uint64_t e = net.offsets[old]; e < net.offsets[old + 1]; ++e, ++at) {
            result.neighbours[at] = moved_to[net.neighbours[e]];
            if (!net.weights.empty()) result.weights[at] = net.weights[e];
            if (!net.weight_index.empty()) result.weight_index[at] = net.weight_index[e];
        }
    }
    return result;
}

// Leiden's and Louvain's level-0 network: the customers' undirected view, its nodes renumbered
// so that each community lies together in memory once there are communities (see regroup): the
// local moves, refinement and aggregation are bound by random reads.
struct BaseNetwork {
    std::vector<std::uint32_t> customer;  // node -> customer
    Network net;

    // Renumbers the nodes, node i becoming moved_to[i], and `labels` (per node) with them.
    void renumber_nodes(const std::vector<std::uint32_t>& moved_to,
                        std::vector<std::uint32_t>& labels) {
        permute(customer, moved_to);
        permute(labels, moved_to);
        net = renumbered(net, moved_to);
    }
};

// Renumbers the base network's nodes so that each community of `labels` lies together, their
// order kept within it, and `labels` (renumbered too) with them; returns where each node went.
std::vector<std::uint32_t> regroup(BaseNetwork& base, std::vector<std::uint32_t>& labels) {
    const std::vector<std::uint32_t> moved_to = grouping(labels, renumber(labels));
    base.renumber_nodes(moved_to, labels);
    return moved_to;
}

// The base network for a run from `part` (per customer on entry, per node on return, renumbered):
// grouped by the starting partition when there is one, else in customer order.
BaseNetwork base_network(const InfluenceGraph& graph, const CommunityParams& params,
                         std::vector<std::uint32_t>& part) {
    BaseNetwork base{std::vector<std::uint32_t>(graph.num_nodes()), undirected_view(graph)};
    std::iota(base.customer.begin(), base.customer.end(), 0u);
    if (!params.initial.empty()) regroup(base, part);
    renumber(part);
    return base;
}

// Sums, per community adjacent to `node`, the weight of its edges into it.
struct NeighbourWeights {
    std::vector<double> weight;  // one more than there are labels: see kSkip
    std::vector<std::uint32_t> touched;
    std::vector<std::uint32_t> labels;  // scratch: the labels of one node's neighbours
    std::vector<double> amounts;        // and the weights of its edges to them
    explicit NeighbourWeights(std::uint32_t size) : weight(std::size_t{size} + 1, 0.0) {}
    std::uint32_t skip() const { return static_cast<std::uint32_t>(weight.size() - 1); }
    void clear() {
        for (const auto c : touched) weight[c] = 0.0;
        touched.clear();
    }
    void add(std::uint32_t c, double w) {
        if (weight[c] == 0.0) touched.push_back(c);
        weight[c] += w;
        if (weight[c] == 0.0) weight[c] = 1e-300;  // zero-weight edges still make c a neighbour
    }
    // Sums by label(neighbour), leaving out the neighbours labelled skip(). The labels are read
    // first, in a loop that does not branch on them, so that their reads (mostly cache misses)
    // overlap; the sums branch on what they read and would wait on each read in turn. ask(label)
    // may prefetch other entries of each label meanwhile.
    template <typename Label, typename Ask>
    void collect(const Network& net, std::uint32_t node, Label&& label, Ask&& ask) {
        clear();
        const std::size_t degree = net.offsets[node + 1] - net.offsets[node];
        if (labels.size() < degree) {
            labels.resize(degree);
            amounts.resize(degree);
        }
        std::size_t k = 0;
        net.for_each(node, [&](std::uint32_t other, double w) {
            const std::uint32_t c = label(other);
            __builtin_prefetch(&weight[c]);
            ask(c);
            labels[k] = c;
            amounts[k++] = w;
        });
        for (std::size_t i = 0; i < k; ++i)
            if (labels[i] != skip()) add(labels[i], amounts[i]);
    }
    void collect(const Network& net, std::uint32_t node, const std::vector<std::uint32_t>& part) {
        collect(
            net, node, [&](std::uint32_t other) { return part[other]; }, [](std::uint32_t) {});
    }
};

// Local-moving state: each community's degree and size, and the labels left without a member.
struct LocalMoving {
    const Network& net;
    std::vector<std::uint32_t>& part;
    std::vector<double> total;         // degree of each community; labels are < n
    std::vector<std::uint32_t> size;   // members (a node of degree 0 still counts)
    std::vector<std::uint32_t> empty;  // labels with no member, for a node better off alone
    NeighbourWeights weights;
    double scale;

    // Tallies the communities of `part`; `net.total` must be above 0.
    LocalMoving(const Network& network, std::vector<std::uint32_t>& labels, double resolution)
        : net(network),
          part(labels),
          total(network.size(), 0.0),
          size(network.size(), 0),
          weights(network.size()),
          scale(resolution / (2.0 * network.total)) {
        tally();
    }

    // Counts the communities of `part` afresh (after its nodes or labels were renumbered).
    void tally() {
        const std::uint32_t n = net.size();
        std::fill(total.begin(), total.end(), 0.0);
        std::fill(size.begin(), size.end(), 0u);
        weights.clear();
        empty.clear();
        for (std::uint32_t node = 0; node < n; ++node) {
            total[part[node]] += net.degree[node];
            ++size[part[node]];
        }
        for (std::uint32_t c = n; c-- > 0;)
            if (size[c] == 0) empty.push_back(c);
    }

    // The visits follow a random order, so each would wait on memory several times over:
    // `node`'s own entries are asked for kFar visits ahead, its edges kNear visits ahead.
    static constexpr std::size_t kFar = 8, kNear = 4;
    void prefetch(std::uint32_t far, std::uint32_t near) const {
        __builtin_prefetch(&net.offsets[far]);
        __builtin_prefetch(&net.degree[far]);
        __builtin_prefetch(&part[far]);
        net.prefetch_edges(near);
    }

    // Moves `node` to its best community; true when that is a different one.
    bool try_move(std::uint32_t node) {
        const std::uint32_t current = part[node];
        const double k = net.degree[node];
        weights.collect(
            net, node, [&](std::uint32_t other) { return part[other]; },
            [&](std::uint32_t c) { __builtin_prefetch(&total[c]); });
        total[current] -= k;
        --size[current];
        std::uint32_t best = current;
        double best_gain = weights.weight[current] - k * total[current] * scale;
        for (const std::uint32_t c : weights.touched) {
            const double gain = weights.weight[c] - k * total[c] * scale;
            if (gain > best_gain) {
                best = c;
                best_gain = gain;
            }
        }
        if (best_gain < 0.0 && size[current] > 0 && !empty.empty()) {
            best = empty.back();  // alone is better than anywhere else
            empty.pop_back();
        }
        total[best] += k;
        ++size[best];
        if (best == current) return false;
        if (size[current] == 0) empty.push_back(current);
        part[node] = best;
        return true;
    }
};

// Renumbers the nodes of the network being moved on (see regroup) and returns where each went,
// or returns nothing.
using Renumbering = std::function<std::vector<std::uint32_t>()>;

// Leiden's queue-based moving from `order` (a ring buffer: each node is queued at most once),
// revisiting neighbours of moved nodes; `renumbering` runs once every node was visited once.
// True if any moved.
bool move_queue_based(LocalMoving& moving, std::vector<std::uint32_t> queue,
                      const Renumbering& renumbering) {
    const Network& net = moving.net;
    const std::vector<std::uint32_t>& part = moving.part;
    const std::size_t n = queue.size();
    bool any_move = false;
    std::vector<std::uint8_t> queued(n, 1);
    std::size_t head = 0, count = n;
    for (std::size_t visits = 1; count > 0; ++visits) {
        const std::uint32_t node = queue[head];
        head = head + 1 == n ? 0 : head + 1;
        --count;
        if (count > LocalMoving::kFar) {
            const auto ahead = [&](std::size_t k) {
                return queue[head + k < n ? head + k : head + k - n];
            };
            moving.prefetch(ahead(LocalMoving::kFar), ahead(LocalMoving::kNear));
        }
        queued[node] = 0;
        if (moving.try_move(node)) {
            any_move = true;
            const std::uint32_t label = part[node];
            for (std::uint64_t e = net.offsets[node]; e < net.offsets[node + 1]; ++e) {
                const std::uint32_t other = net.neighbours[e];
                if (queued[other] || part[other] == label) continue;
                queued[other] = 1;
                const std::size_t tail = head + count;
                queue[tail < n ? tail : tail - n] = other;
                ++count;
            }
        }
        if (visits != n || !renumbering) continue;
        const std::vector<std::uint32_t> moved_to = renumbering();
        if (moved_to.empty()) continue;
        for (std::size_t k = 0, at = head; k < count; ++k, at = at + 1 == n ? 0 : at + 1)
            queue[at] = moved_to[queue[at]];
        permute(queued, moved_to);
        moving.tally();
    }
    return any_move;
}

// Louvain's moving: sweeps over `order` until a sweep moves no node; `renumbering` runs after the
// first. True if any moved.
bool move_in_sweeps(LocalMoving& moving, std::vector<std::uint32_t> order,
                    const Renumbering& renumbering) {
    bool any_move = false;
    constexpr int kMaxSweeps = 100;
    for (int sweep = 0; sweep < kMaxSweeps; ++sweep) {
        std::size_t moves = 0;
        for (std::size_t at = 0; at < order.size(); ++at) {
            if (at + LocalMoving::kFar < order.size())
                moving.prefetch(order[at + LocalMoving::kFar], order[at + LocalMoving::kNear]);
            moves += moving.try_move(order[at]);
        }
        if (moves == 0) break;
        any_move = true;
        if (sweep > 0 || !renumbering) continue;
        const std::vector<std::uint32_t> moved_to = renumbering();
        if (moved_to.empty()) continue;
        for (auto& node : order) node = moved_to[node];
        moving.tally();
    }
    return any_move;
}

// A random order of 0..n-1 that keeps to nearby memory: blocks of kBlock consecutive nodes in
// random order, the nodes of each block in random order.
std::vector<std::uint32_t> random_order(std::uint32_t n, RandomStream& random) {
    constexpr std::uint32_t kBlock = 64;
    std::vector<std::uint32_t> blocks((n + kBlock - 1) / kBlock), order;
    std::iota(blocks.begin(), blocks.end(), 0u);
    catena::shuffle(blocks.begin(), blocks.end(), random);
    order.reserve(n);
    for (const std::uint32_t block : blocks) {
        const std::size_t first = order.size();
        for (std::uint32_t node = block * kBlock; node < std::min(n, (block + 1) * kBlock); ++node)
            order.push_back(node);
        catena::shuffle(order.begin() + static_cast<std::ptrdiff_t>(first), order.end(), random);
    }
    return order;
}

// Moves single nodes to the community that improves modularity most, until none does. Louvain
// sweeps over all nodes in a random order; Leiden's variant (`queue_based`) then only revisits
// the neighbours of nodes that moved. Returns whether any node moved.
bool move_nodes(const Network& net, std::vector<std::uint32_t>& part, double resolution,
                RandomStream& random, bool queue_based, const Renumbering& renumbering) {
    // No tie weighs anything: every partition has modularity 0, and the gains below would divide
    // by zero. Everyone stays where they are.
    if (!(net.total > 0.0)) return false;
    LocalMoving moving(net, part, resolution);
    std::vector<std::uint32_t> order = random_order(net.size(), random);
    return queue_based ? move_queue_based(moving, std::move(order), renumbering)
                       : move_in_sweeps(moving, std::move(order), renumbering);
}

// Leiden's refinement: inside each community, nodes that are still alone merge into a
// well-connected sub-community, chosen at random with odds exp(gain / theta).
std::vector<std::uint32_t> refine(const Network& net, const std::vector<std::uint32_t>& part,
                                  double resolution, double theta, RandomStream& random) {
    const std::uint32_t n = net.size();
    const double scale = resolution / (2.0 * net.total);
    std::vector<std::uint32_t> refined(n);
    std::iota(refined.begin(), refined.end(), 0u);
    if (!(net.total > 0.0)) return refined;  // no weight: nothing to merge (as in move_nodes)
    std::vector<double> sub_degree(net.degree), community_degree(n, 0.0), outside(n, 0.0);
    std::vector<std::uint32_t> sub_size(n, 1);
    for (std::uint32_t node = 0; node < n; ++node) community_degree[part[node]] += net.degree[node];
#pragma omp parallel for schedule(dynamic, 4096)
    for (std::uint32_t node = 0; node < n; ++node) {
        // outside[node]: weight from it to the rest of its community (each node on its own: in
        // parallel, the same sums).
        const std::uint32_t c = part[node];
        double sum = 0.0;
        net.for_each(node, [&](std::uint32_t other, double weight) {
            sum += part[other] == c ? weight : 0.0;  // no branch: the reads overlap
        });
        outside[node] = sum;
    }
    const std::vector<std::uint32_t> order = random_order(n, random);
    NeighbourWeights weights(n);
    std::vector<std::uint32_t> candidates;
    std::vector<double> odds;
    for (std::size_t at = 0; at < n; ++at) {
        const std::uint32_t node = order[at];
        if (at + LocalMoving::kFar < n) {  // random order: ask for what is read ahead of time
            const std::uint32_t far = order[at + LocalMoving::kFar];
            for (const void* entry :
                 {(const void*)&refined[far], (const void*)&sub_size[far], (const void*)&part[far],
                  (const void*)&outside[far], (const void*)&net.offsets[far],
                  (const void*)&net.degree[far]})
                __builtin_prefetch(entry);
            net.prefetch_edges(order[at + LocalMoving::kNear]);
        }
        if (sub_size[refined[node]] != 1 || refined[node] != node) continue;  // no longer alone
        const std::uint32_t c = part[node];
        const double k = net.degree[node];
        if (outside[node] < k * (community_degree[c] - k) * scale) continue;  // not well connected
        // Weights to the sub-communities of the same community.
        const std::uint32_t skip = weights.skip();
        weights.collect(
            net, node,
            [&](std::uint32_t other) { return part[other] == c ? refined[other] : skip; },
            [&](std::uint32_t t) {
                __builtin_prefetch(&sub_degree[t < n ? t : 0]);
                __builtin_prefetch(&outside[t < n ? t : 0]);
            });
        candidates.clear();
        odds.clear();
        double best_gain = 0.0;
        for (const std::uint32_t t : weights.touched) {
            if (t == node) continue;
            if (outside[t] < sub_degree[t] * (community_degree[c] - sub_degree[t]) * scale)
                continue;
            const double gain = weights.weight[t] - k * sub_degree[t] * scale;
            if (gain < 0.0) continue;
            candidates.push_back(t);
            odds.push_back(gain);
            best_gain = std::max(best_gain, gain);
        }
        if (candidates.empty()) continue;
        double sum = 0.0;
        for (double& value : odds) sum += value = std::exp((value - best_gain) / theta);
        double pick = random.uniform() * sum;
        std::size_t chosen = 0;
        while (chosen + 1 < candidates.size() && pick >= odds[chosen]) pick -= odds[chosen++];
        const std::uint32_t t = candidates[chosen];
        // Merge: node joins t; t's weight to the rest of the community changes by node's, minus the
        // edges between them counted from both sides.
        refined[node] = t;
        outside[t] += outside[node] - 2.0 * weights.weight[t];
        sub_degree[t] += k;
        ++sub_size[t];
        sub_size[node] = 0;
    }
    return refined;
}

double network_modularity(const Network& net, const std::vector<std::uint32_t>& part,
                          double resolution) {
    if (net.total <= 0.0) return 0.0;
    const std::uint32_t count = part.empty() ? 0 : *std::max_element(part.begin(), part.end()) + 1;
    std::vector<double> inside(count, 0.0), degree(count, 0.0);
    for (std::uint32_t node = 0; node < net.size(); ++node) {
        const std::uint32_t c = part[node];
        degree[c] += net.degree[node];
        inside[c] += net.self_of(node);
        net.for_each(node, [&](std::uint32_t other, double weight) {
            if (part[other] == c) inside[c] += weight / 2.0;
        });
    }
    double q = 0.0;
    for (std::uint32_t c = 0; c < count; ++c)
        q += inside[c] / net.total -
             resolution * (degree[c] / (2.0 * net.total)) * (degree[c] / (2.0 * net.total));
    return q;
}

std::vector<std::uint32_t> starting_partition(const CommunityParams& params, NodeId n) {
    std::vector<std::uint32_t> part(n);
    if (params.initial.empty())
        std::iota(part.begin(), part.end(), 0u);
    else {
        part = params.initial;
        renumber(part);
    }
    return part;
}

// Leiden or Louvain, from `part` (per node of the base network); returns the number of levels or
// passes. Each pass after the first starts by grouping its communities together (regroup); a
// first pass from single nodes does so once every node was visited once.
std::uint32_t multilevel(BaseNetwork& base, std::vector<std::uint32_t>& part,
                         const CommunityParams& params, RandomStream& random) {
    const bool leiden = params.method == CommunityMethod::leiden;
    std::uint32_t passes = 0;
    for (std::uint32_t pass = 0; pass < params.max_iterations; ++pass) {
        ++passes;
        if (pass > 0) regroup(base, part);
        std::vector<std::uint32_t> before = part;
        // The current level's network: the base network until the first aggregation.
        Network aggregated;
        const Network* level = &base.net;
        std::vector<std::uint32_t> level_part = part;         // labels on the current level's nodes
        std::vector<std::uint32_t> node_of(base.net.size());  // base node -> current level node
        std::iota(node_of.begin(), node_of.end(), 0u);
        Renumbering renumbering;
        if (pass == 0 && params.initial.empty())
            renumbering = [&] {
                std::vector<std::uint32_t> moved_to = regroup(base, level_part);
                permute(part, moved_to);
                permute(before, moved_to);
                return moved_to;
            };
        for (;;) {
            const Network& net = *level;
            const bool moved = move_nodes(net, level_part, params.resolution, random, leiden,
                                          level == &base.net ? renumbering : Renumbering());
            const std::uint32_t count = renumber(level_part);
            if (count == net.size() || (!leiden && !moved)) break;
            std::vector<std::uint32_t> by = level_part;  // what to aggregate by
            std::uint32_t by_count = count;
            if (leiden) {
                by = refine(net, level_part, params.resolution, params.randomness, random);
                by_count = renumber(by);
                if (by_count == net.size() && !moved) break;
            }
            // The aggregated nodes start in the community their members were in.
            std::vector<std::uint32_t> next_part(by_count);
            for (std::uint32_t node = 0; node < net.size(); ++node)
                next_part[by[node]] = level_part[node];
            for (auto& node : node_of) node = by[node];
            Network next = aggregate(net, by, by_count);
            aggregated = std::move(next);
            level = &aggregated;
            level_part = std::move(next_part);
            if (!leiden && by_count == level->size() && !moved) break;
        }
        for (std::uint32_t node = 0; node < base.net.size(); ++node)
            part[node] = level_part[node_of[node]];
        renumber(part);
        if (!leiden || part == before) break;
    }
    return passes;
}

std::uint32_t label_propagation(const Network& net, std::vector<std::uint32_t>& labels,
                                RandomStream& random) {
    const std::uint32_t n = net.size();
    std::vector<std::uint32_t> order(n);
    std::iota(order.begin(), order.end(), 0u);
    NeighbourWeights weights(n);
    std::vector<std::uint32_t> best;
    std::uint32_t sweeps = 0;
    constexpr std::uint32_t cap = 100;
    for (bool changed = true; changed && sweeps < cap; ++sweeps) {
        changed = false;
        catena::shuffle(order.begin(), order.end(), random);
        for (const std::uint32_t node : order) {
            weights.collect(net, node, labels);
            if (weights.touched.empty()) continue;
            double top = -1.0;
            best.clear();
            for (const std::uint32_t label : weights.touched) {
                const double weight = weights.weight[label];
                if (weight > top * (1 + 1e-12)) {
                    top = weight;
                    best.assign(1, label);
                } else if (weight >= top * (1 - 1e-12))
                    best.push_back(label);
            }
            if (std::find(best.begin(), best.end(), labels[node]) != best.end())
                continue;  // already a top label
            std::sort(best.begin(), best.end());
            labels[node] = best[random.below(best.size())];
            changed = true;
        }
    }
    return sweeps;
}

// Relabels communities (0..count-1) so that each keeps the label of the starting community it
// shares most customers with (each starting label used once, larger overlaps first); the others
// get new labels above the largest starting one, in order of their smallest node.
void keep_initial_labels(std::vector<std::uint32_t>& community, std::uint32_t count,
                         const std::vector<std::uint32_t>& initial) {
    std::vector<std::pair<std::uint64_t, std::uint64_t>> pairs;  // (community, initial label)
    pairs.reserve(community.size());
    for (std::size_t node = 0; node < community.size(); ++node)
        pairs.emplace_back(community[node], initial[node]);
    std::sort(pairs.begin(), pairs.end());
    struct Overlap {
        std::uint64_t size, community, label;
    };
    std::vector<Overlap> overlaps;
    for (std::size_t first = 0; first < pairs.size();) {
        std::size_t last = first;
        while (last < pairs.size() && pairs[last] == pairs[first]) ++last;
        overlaps.push_back({last - first, pairs[first].first, pairs[first].second});
        first = last;
    }
    std::stable_sort(overlaps.begin(), overlaps.end(),
                     [](const Overlap& a, const Overlap& b) { return a.size > b.size; });
    std::vector<std::uint32_t> label_of(count, UINT32_MAX);
    std::unordered_set<std::uint64_t> used;
    for (const Overlap& overlap : overlaps)
        if (label_of[overlap.community] == UINT32_MAX && used.insert(overlap.label).second)
            label_of[overlap.community] = static_cast<std::uint32_t>(overlap.label);
    std::uint32_t next = *std::max_element(initial.begin(), initial.end()) + 1;
    for (auto& label : community) {
        if (label_of[label] == UINT32_MAX) label_of[label] = next++;
        label = label_of[label];
    }
}

}  // namespace

void CommunityParams::validate(NodeId num_nodes) const {
    if (!(resolution > 0.0) || !std::isfinite(resolution))
        throw UsageError("communities: resolution must be a number > 0");
    if (max_iterations == 0) throw UsageError("communities: max_iterations must be at least 1");
    if (!(randomness > 0.0) || !std::isfinite(randomness))
        throw UsageError("communities: randomness (theta) must be a number > 0");
    if (!initial.empty() && initial.size() != num_nodes)
        throw UsageError("communities: the starting partition has " +
                         std::to_string(initial.size()) + " labels for " +
                         std::to_string(num_nodes) + " customers");
    for (const std::uint32_t label : initial)
        if (label >= (1u << 31))
            throw UsageError("communities: starting labels must be below 2^31");
}

CommunityResult detect_communities(const InfluenceGraph& graph, const CommunityParams& params) {
    const NodeId n = graph.num_nodes();
    params.validate(n);
    CommunityResult result;
    RandomStream random{params.seed};
    result.community = starting_partition(params, n);
    if (params.method == CommunityMethod::label_propagation) {
        const Network net = undirected_view(graph);
        result.iterations = label_propagation(net, result.community, random);
        result.count = renumber(result.community);
        result.modularity = network_modularity(net, result.community, params.resolution);
    } else {
        std::vector<std::uint32_t> part = std::move(result.community);
        BaseNetwork base = base_network(graph, params, part);
        result.iterations = multilevel(base, part, params, random);
        result.modularity = network_modularity(base.net, part, params.resolution);
        base.net = Network();
        result.community.resize(n);
        for (std::uint32_t node = 0; node < n; ++node)
            result.community[base.customer[node]] = part[node];
        result.count = renumber(result.community);
    }
    if (!params.initial.empty())
        keep_initial_labels(result.community, result.count, params.initial);
    return result;
}

double modularity(const InfluenceGraph& graph, const std::vector<std::uint32_t>& community,
                  double resolution) {
    if (community.size() != graph.num_nodes())
        throw UsageError("modularity: one community label per customer expected");
    std::vector<std::uint32_t> labels = community;
    renumber(labels);
    return network_modularity(undirected_view(graph), labels, resolution);
}

bool communities_connected(const InfluenceGraph& graph,
                           const std::vector<std::uint32_t>& community) {
    const Network net = undirected_view(graph);
    std::vector<std::uint32_t> labels = community;
    const std::uint32_t count = renumber(labels);
    std::vector<std::uint8_t> seen_community(count, 0), visited(net.size(), 0);
    std::vector<std::uint32_t> stack;
    for (std::uint32_t start = 0; start < net.size(); ++start) {
        if (visited[start]) continue;
        if (seen_community[labels[start]]) return false;  // a second piece of this community
        seen_community[labels[start]] = 1;
        visited[start] = 1;
        stack.assign(1, start);
        while (!stack.empty()) {
            const std::uint32_t node = stack.back();
            stack.pop_back();
            net.for_each(node, [&](std::uint32_t other, double) {
                if (!visited[other] && labels[other] == labels[node]) {
                    visited[other] = 1;
                    stack.push_back(other);
                }
            });
        }
    }
    return true;
}

}  // namespace catena
