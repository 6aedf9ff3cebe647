#include "catena/algorithms/centrality.hpp"

#include <algorithm>
#include <numeric>
#include <string>

#include "catena/graph/errors.hpp"

#include "random_stream.hpp"
#include "undirected.hpp"
#include <omp.h>

namespace catena {

namespace {

// Work is split into this many parts, whatever the thread count, so sums are always added in the
// same order.
constexpr int kParts = 16;

// The sources (or targets) to run from: every node, or `pivots` of them drawn without
// replacement with the given seed (a partial Fisher-Yates shuffle, then sorted).
std::vector<NodeId> choose_pivots(NodeId n, const SamplingParams& params) {
    std::vector<NodeId> nodes(n);
    std::iota(nodes.begin(), nodes.end(), NodeId{0});
    if (params.pivots == 0 || params.pivots >= n) return nodes;
    RandomStream random{params.seed};
    partial_shuffle(nodes.begin(), nodes.begin() + static_cast<std::ptrdiff_t>(params.pivots),
                    nodes.end(), random);
    nodes.resize(params.pivots);
    std::sort(nodes.begin(), nodes.end());
    return nodes;
}

// Runs `visit(source, accumulator)` for each source, the sources dealt to kParts parts, each part
// with its own accumulator; returns the parts' accumulators summed in part order.
template <typename Visit>
std::vector<double> sum_over_parts(NodeId n, const std::vector<NodeId>& sources, Visit&& visit) {
    std::vector<std::vector<double>> parts(kParts);
#pragma omp parallel for schedule(dynamic, 1)
    for (int part = 0; part < kParts; ++part) {
        std::vector<double>& sum = parts[static_cast<std::size_t>(part)];
        sum.assign(n, 0.0);
        for (std::size_t index = static_cast<std::size_t>(part); index < sources.size();
             index += kParts)
            visit(sources[index], sum);
    }
    std::vector<double> total(n, 0.0);
    for (const auto& part : parts)
        for (NodeId node = 0; node < n; ++node) total[node] += part[node];
    return total;
}

}  // namespace

void SamplingParams::validate(NodeId num_nodes) const {
    if (pivots > num_nodes)
        throw UsageError("pivots (" + std::to_string(pivots) +
                         ") cannot exceed the number of customers (" + std::to_string(num_nodes) +
                         ")");
}

std::vector<double> weighted_degree(const InfluenceGraph& graph, RankDirection direction) {
    const NodeId n = graph.num_nodes();
    std::vector<double> degree(n, 0.0);
    const auto strengths = graph.strengths();
    if (direction == RankDirection::influence) {
        const auto offsets = graph.out_offsets();
#pragma omp parallel for schedule(dynamic, 1024)
        for (NodeId node = 0; node < n; ++node)
            for (EdgeId edge = offsets[node]; edge < offsets[node + 1]; ++edge)
                degree[node] += strengths[edge];
    } else {
        const auto offsets = graph.in_offsets();
        const auto edges = graph.in_edge_ids();
#pragma omp parallel for schedule(dynamic, 1024)
        for (NodeId node = 0; node < n; ++node)
            for (EdgeId position = offsets[node]; position < offsets[node + 1]; ++position)
                degree[node] += strengths[edges[position]];
    }
    return degree;
}

bool is_symmetric(const InfluenceGraph& graph) {
    const NodeId n = graph.num_nodes();
    const auto offsets = graph.out_offsets();
    const auto targets = graph.out_targets();
    bool symmetric = true;
#pragma omp parallel for schedule(dynamic, 1024) reduction(&& : symmetric)
    for (NodeId node = 0; node < n; ++node)
        for (EdgeId edge = offsets[node]; edge < offsets[node + 1]; ++edge) {
            const NodeId other = targets[edge];
            symmetric = symmetric && std::binary_search(targets.begin() + offsets[other],
                                                        targets.begin() + offsets[other + 1], node);
        }
    return symmetric;
}

std::vector<std::uint32_t> core_numbers(const InfluenceGraph& graph) {
    const NodeId n = graph.num_nodes();
    // Undirected simple neighbourhoods.
    std::vector<EdgeId> start(static_cast<std::size_t>(n) + 1, 0);
    std::vector<NodeId> neighbours;
    neighbours.reserve(graph.num_edges());
    for (NodeId node = 0; node < n; ++node) {
        for_each_undirected_neighbour(graph, node,
                                      [&](NodeId other, double) { neighbours.push_back(other); });
        start[node + 1] = static_cast<EdgeId>(neighbours.size());
    }
    // Batagelj & Zaversnik (2003): peel nodes in order of current degree with bucket queues.
    std::vector<std::uint32_t> degree(n);
    std::uint32_t max_degree = 0;
    for (NodeId node = 0; node < n; ++node) {
        degree[node] = start[node + 1] - start[node];
        max_degree = std::max(max_degree, degree[node]);
    }
    std::vector<NodeId> bin(static_cast<std::size_t>(max_degree) + 1, 0), order(n), position(n);
    for (NodeId node = 0; node < n; ++node) ++bin[degree[node]];
    for (NodeId first = 0, d = 0; d <= max_degree; ++d) {
        const NodeId count = bin[d];
        bin[d] = first;
        first += count;
    }
    for (NodeId node = 0; node < n; ++node) {
        position[node] = bin[degree[node]]++;
        order[position[node]] = node;
    }
    for (std::uint32_t d = max_degree; d > 0; --d) bin[d] = bin[d - 1];
    if (!bin.empty()) bin[0] = 0;
    for (NodeId index = 0; index < n; ++index) {
        const NodeId node = order[index];
        for (EdgeId k = start[node]; k < start[node + 1]; ++k) {
            const NodeId other = neighbours[k];
            if (degree[other] <= degree[node]) continue;
            // Move `other` to the front of its bin, then shrink its degree by one.
            const std::uint32_t d = degree[other];
            const NodeId front = order[bin[d]];
            if (front != other) {
                std::swap(order[position[other]], order[bin[d]]);
                std::swap(position[other], position[front]);
            }
            ++bin[d];
            --degree[other];
        }
    }
    return degree;
}

std::vector<double> betweenness(const InfluenceGraph& graph, const SamplingParams& params) {
    const NodeId n = graph.num_nodes();
    params.validate(n);
    if (n == 0) return {};
    const std::vector<NodeId> sources = choose_pivots(n, params);
    const auto offsets = graph.out_offsets();
    const auto targets = graph.out_targets();
    std::vector<double> result =
        sum_over_parts(n, sources, [&](NodeId source, std::vector<double>& sum) {
            // Brandes: BFS from the source counting shortest paths, then dependencies in reverse.
            thread_local std::vector<std::int64_t> distance;
            thread_local std::vector<double> paths, dependency;
            thread_local std::vector<NodeId> visited;
            if (distance.size() != n) {
                distance.assign(n, -1);
                paths.assign(n, 0.0);
                dependency.assign(n, 0.0);
            }
            visited.clear();
            distance[source] = 0;
            paths[source] = 1.0;
            visited.push_back(source);
            for (std::size_t head = 0; head < visited.size(); ++head) {
                const NodeId node = visited[head];
                for (EdgeId edge = offsets[node]; edge < offsets[node + 1]; ++edge) {
                    const NodeId next = targets[edge];
                    if (distance[next] < 0) {
                        distance[next] = distance[node] + 1;
                        visited.push_back(next);
                    }
                    if (distance[next] == distance[node] + 1) paths[next] += paths[node];
                }
            }
            for (std::size_t index = visited.size(); index-- > 0;) {
                const NodeId node = visited[index];
                for (EdgeId edge = offsets[node]; edge < offsets[node + 1]; ++edge) {
                    const NodeId next = targets[edge];
                    if (distance[next] == distance[node] + 1)
                        dependency[node] += paths[node] / paths[next] * (1.0 + dependency[next]);
                }
                if (node != source) sum[node] += dependency[node];
            }
            for (const NodeId node : visited) {
                distance[node] = -1;
                paths[node] = 0.0;
                dependency[node] = 0.0;
            }
        });
    const double scale = (is_symmetric(graph) ? 0.5 : 1.0) * static_cast<double>(n) /
                         static_cast<double>(sources.size());
    for (double& value : result) value *= scale;
    return result;
}

std::vector<double> harmonic_closeness(const InfluenceGraph& graph, const SamplingParams& params) {
    const NodeId n = graph.num_nodes();
    params.validate(n);
    if (n == 0) return {};
    const std::vector<NodeId> pivots = choose_pivots(n, params);
    // BFS from each pivot against the edges gives hops(node -> pivot) for every node.
    const auto offsets = graph.in_offsets();
    const auto sources = graph.in_sources();
    std::vector<double> result =
        sum_over_parts(n, pivots, [&](NodeId pivot, std::vector<double>& sum) {
            thread_local std::vector<std::int64_t> distance;
            thread_local std::vector<NodeId> visited;
            if (distance.size() != n) distance.assign(n, -1);
            visited.clear();
            distance[pivot] = 0;
            visited.push_back(pivot);
            for (std::size_t head = 0; head < visited.size(); ++head) {
                const NodeId node = visited[head];
                if (node != pivot) sum[node] += 1.0 / static_cast<double>(distance[node]);
                for (EdgeId position = offsets[node]; position < offsets[node + 1]; ++position) {
                    const NodeId previous = sources[position];
                    if (distance[previous] < 0) {
                        distance[previous] = distance[node] + 1;
                        visited.push_back(previous);
                    }
                }
            }
            for (const NodeId node : visited) distance[node] = -1;
        });
    const double scale = static_cast<double>(n) / static_cast<double>(pivots.size());
    for (double& value : result) value *= scale;
    return result;
}

}  // namespace catena
