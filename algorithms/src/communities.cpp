#include "catena/algorithms/communities.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>
#include <unordered_set>

#include "catena/graph/errors.hpp"

#include "random_stream.hpp"
#include "undirected.hpp"

namespace catena {

namespace {

// An undirected weighted graph in CSR form; aggregated graphs keep their internal weight as a
// self-loop (`self`, each internal edge counted once).
struct Network {
    std::vector<std::uint64_t> offsets{0};
    std::vector<std::uint32_t> neighbours;
    std::vector<double> weights;
    std::vector<double> self;
    std::vector<double> degree;  // weights to neighbours + 2 x self
    double total = 0.0;          // m: every edge once, self-loops once
    std::uint32_t size() const { return static_cast<std::uint32_t>(degree.size()); }
};

Network undirected_view(const InfluenceGraph& graph) {
    const NodeId n = graph.num_nodes();
    Network net;
    net.offsets.reserve(static_cast<std::size_t>(n) + 1);
    net.neighbours.reserve(graph.num_edges());
    net.weights.reserve(graph.num_edges());
    net.self.assign(n, 0.0);
    net.degree.assign(n, 0.0);
    for (NodeId node = 0; node < n; ++node) {
        for_each_undirected_neighbour(graph, node, [&](NodeId other, double weight) {
            net.neighbours.push_back(other);
            net.weights.push_back(weight);
            net.degree[node] += weight;
        });
        net.offsets.push_back(net.neighbours.size());
    }
    for (const double degree : net.degree) net.total += degree;
    net.total /= 2.0;
    return net;
}

// Collapses each community of `part` (labels 0..count-1) into one node.
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
    std::vector<double> weight_to(count, 0.0);
    std::vector<std::uint32_t> touched;
    for (std::uint32_t c = 0; c < count; ++c) {
        touched.clear();
        double inside = 0.0;
        for (std::uint32_t k = start[c]; k < start[c + 1]; ++k) {
            const std::uint32_t node = members[k];
            result.self[c] += net.self[node];
            result.degree[c] += net.degree[node];
            for (std::uint64_t e = net.offsets[node]; e < net.offsets[node + 1]; ++e) {
                const std::uint32_t other = part[net.neighbours[e]];
                if (other == c) {
                    inside += net.weights[e];
                    continue;
                }
                if (weight_to[other] == 0.0) touched.push_back(other);
                weight_to[other] += net.weights[e];
            }
        }
        result.self[c] += inside / 2.0;  // each internal edge was seen from both ends
        std::sort(touched.begin(), touched.end());
        for (const std::uint32_t other : touched) {
            result.neighbours.push_back(other);
            result.weights.push_back(weight_to[other]);
            weight_to[other] = 0.0;
        }
        result.offsets.push_back(result.neighbours.size());
    }
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

// Sums, per community adjacent to `node`, the weight of its edges into it.
struct NeighbourWeights {
    std::vector<double> weight;
    std::vector<std::uint32_t> touched;
    explicit NeighbourWeights(std::uint32_t size) : weight(size, 0.0) {}
    void collect(const Network& net, std::uint32_t node, const std::vector<std::uint32_t>& part) {
        for (const auto c : touched) weight[c] = 0.0;
        touched.clear();
        for (std::uint64_t e = net.offsets[node]; e < net.offsets[node + 1]; ++e) {
            const std::uint32_t c = part[net.neighbours[e]];
            if (weight[c] == 0.0) touched.push_back(c);
            weight[c] += net.weights[e];
            if (weight[c] == 0.0) weight[c] = 1e-300;  // zero-weight edges still make c a neighbour
        }
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
        const std::uint32_t n = net.size();
        for (std::uint32_t node = 0; node < n; ++node) {
            total[part[node]] += net.degree[node];
            ++size[part[node]];
        }
        for (std::uint32_t c = n; c-- > 0;)
            if (size[c] == 0) empty.push_back(c);
    }

    // Moves `node` to its best community; true when that is a different one.
    bool try_move(std::uint32_t node) {
        const std::uint32_t current = part[node];
        const double k = net.degree[node];
        weights.collect(net, node, part);
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

// Leiden's queue-based moving over `order`, revisiting neighbours of moved nodes; true if any
// moved.
bool move_queue_based(LocalMoving& moving, const std::vector<std::uint32_t>& order) {
    const Network& net = moving.net;
    const std::vector<std::uint32_t>& part = moving.part;
    bool any_move = false;
    std::vector<std::uint8_t> queued(net.size(), 1);
    std::vector<std::uint32_t> queue(order.begin(), order.end());
    for (std::size_t head = 0; head < queue.size(); ++head) {
        const std::uint32_t node = queue[head];
        queued[node] = 0;
        if (!moving.try_move(node)) continue;
        any_move = true;
        for (std::uint64_t e = net.offsets[node]; e < net.offsets[node + 1]; ++e) {
            const std::uint32_t other = net.neighbours[e];
            if (!queued[other] && part[other] != part[node]) {
                queued[other] = 1;
                queue.push_back(other);
            }
        }
        if (head > (1u << 20) && head * 2 > queue.size()) {  // drop the consumed front
            queue.erase(queue.begin(), queue.begin() + static_cast<std::ptrdiff_t>(head) + 1);
            head = static_cast<std::size_t>(-1);
        }
    }
    return any_move;
}

// Louvain's moving: sweeps over `order` until a sweep moves no node; true if any moved.
bool move_in_sweeps(LocalMoving& moving, const std::vector<std::uint32_t>& order) {
    bool any_move = false;
    constexpr int kMaxSweeps = 100;
    for (int sweep = 0; sweep < kMaxSweeps; ++sweep) {
        std::size_t moves = 0;
        for (const std::uint32_t node : order) moves += moving.try_move(node);
        if (moves == 0) break;
        any_move = true;
    }
    return any_move;
}

// Moves single nodes to the community that improves modularity most, until none does. Louvain
// sweeps over all nodes in a random order; Leiden's variant (`queue_based`) then only revisits
// the neighbours of nodes that moved. Returns whether any node moved.
bool move_nodes(const Network& net, std::vector<std::uint32_t>& part, double resolution,
                RandomStream& random, bool queue_based) {
    // No tie weighs anything: every partition has modularity 0, and the gains below would divide
    // by zero. Everyone stays where they are.
    if (!(net.total > 0.0)) return false;
    LocalMoving moving(net, part, resolution);
    std::vector<std::uint32_t> order(net.size());
    std::iota(order.begin(), order.end(), 0u);
    catena::shuffle(order.begin(), order.end(), random);
    return queue_based ? move_queue_based(moving, order) : move_in_sweeps(moving, order);
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
    // outside[v]: weight from v to the rest of its community.
    for (std::uint32_t node = 0; node < n; ++node)
        for (std::uint64_t e = net.offsets[node]; e < net.offsets[node + 1]; ++e)
            if (part[net.neighbours[e]] == part[node]) outside[node] += net.weights[e];
    std::vector<std::uint32_t> order(n);
    std::iota(order.begin(), order.end(), 0u);
    catena::shuffle(order.begin(), order.end(), random);
    NeighbourWeights weights(n);
    std::vector<std::uint32_t> candidates;
    std::vector<double> odds;
    for (const std::uint32_t node : order) {
        if (sub_size[refined[node]] != 1 || refined[node] != node) continue;  // no longer alone
        const std::uint32_t c = part[node];
        const double k = net.degree[node];
        if (outside[node] < k * (community_degree[c] - k) * scale) continue;  // not well connected
        // Weights to the sub-communities of the same community.
        for (const auto t : weights.touched) weights.weight[t] = 0.0;
        weights.touched.clear();
        for (std::uint64_t e = net.offsets[node]; e < net.offsets[node + 1]; ++e) {
            const std::uint32_t other = net.neighbours[e];
            if (part[other] != c) continue;
            const std::uint32_t t = refined[other];
            if (weights.weight[t] == 0.0) weights.touched.push_back(t);
            weights.weight[t] += net.weights[e];
            if (weights.weight[t] == 0.0) weights.weight[t] = 1e-300;
        }
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
        inside[c] += net.self[node];
        for (std::uint64_t e = net.offsets[node]; e < net.offsets[node + 1]; ++e)
            if (part[net.neighbours[e]] == c) inside[c] += net.weights[e] / 2.0;
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

// Leiden or Louvain, from `part` on the original network; returns the number of levels or passes.
std::uint32_t multilevel(const Network& original, std::vector<std::uint32_t>& part,
                         const CommunityParams& params, RandomStream& random) {
    const bool leiden = params.method == CommunityMethod::leiden;
    std::uint32_t passes = 0;
    for (std::uint32_t pass = 0; pass < params.max_iterations; ++pass) {
        ++passes;
        const std::vector<std::uint32_t> before = part;
        // The current level's network: the original (not copied) until the first aggregation.
        Network aggregated;
        const Network* level = &original;
        std::vector<std::uint32_t> level_part = part;         // labels on the current level's nodes
        std::vector<std::uint32_t> node_of(original.size());  // original node -> current level node
        std::iota(node_of.begin(), node_of.end(), 0u);
        for (;;) {
            const Network& net = *level;
            const bool moved = move_nodes(net, level_part, params.resolution, random, leiden);
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
        for (std::uint32_t node = 0; node < original.size(); ++node)
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
    const Network net = undirected_view(graph);
    RandomStream random{params.seed};
    result.community = starting_partition(params, n);
    if (params.method == CommunityMethod::label_propagation)
        result.iterations = label_propagation(net, result.community, random);
    else
        result.iterations = multilevel(net, result.community, params, random);
    result.count = renumber(result.community);
    result.modularity = network_modularity(net, result.community, params.resolution);
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
            for (std::uint64_t e = net.offsets[node]; e < net.offsets[node + 1]; ++e) {
                const std::uint32_t other = net.neighbours[e];
                if (!visited[other] && labels[other] == labels[node]) {
                    visited[other] = 1;
                    stack.push_back(other);
                }
            }
        }
    }
    return true;
}

}  // namespace catena
