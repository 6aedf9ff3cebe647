#include "catena/algorithms/explain.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <queue>
#include <utility>

#include "catena/graph/errors.hpp"

#include "random_stream.hpp"
#include "reverse_sampler.hpp"
#include <omp.h>

namespace catena {

void ExplainParams::validate() const {
    if (samples == 0) throw UsageError("explain: samples must be at least 1");
}

namespace {

void check_inputs(const InfluenceGraph& graph, std::span<const double> weights, NodeId node,
                  const ExplainParams& params) {
    params.validate();
    if (node >= graph.num_nodes()) throw UsageError("explain: not a customer");
    if (weights.size() != graph.num_edges())
        throw InternalError("explain: one weight per edge expected");
    for (const double w : weights)
        if (!(w >= 0.0 && w <= 1.0))
            throw UsageError("explain: edge probabilities must be in [0, 1]");
}

Activation activation(NodeId node, double probability, double samples) {
    return {node, probability, std::sqrt(probability * (1.0 - probability) / samples)};
}

}  // namespace

ReachResult influence_of(const InfluenceGraph& graph, std::span<const double> weights,
                         NodeId source, const ExplainParams& params,
                         std::span<const double> values) {
    check_inputs(graph, weights, source, params);
    SimulationParams simulation;
    simulation.model = params.model;
    simulation.simulations = params.samples;
    simulation.seed = params.seed;
    simulation.values = values;
    const NodeId seeds[] = {source};
    const SimulationResult simulated = simulate(graph, weights, seeds, simulation);
    ReachResult result;
    result.samples = params.samples;
    const double samples = params.samples;
    for (NodeId node = 0; node < graph.num_nodes(); ++node) {
        const double p = simulated.activation_probability[node];
        if (node != source && p > 0.0) result.reached.push_back(activation(node, p, samples));
    }
    result.expected_reach = simulated.expected_spread - 1.0;
    result.expected_reach_standard_error = simulated.standard_error;
    if (!values.empty()) {
        // The seed is active in every cascade: its own value is no part of what it reaches.
        result.expected_value = std::max(0.0, simulated.expected_value - values[source]);
        result.expected_value_standard_error = simulated.value_standard_error;
    }
    return result;
}

ReachResult influence_on(const InfluenceGraph& graph, std::span<const double> weights,
                         NodeId target, const ExplainParams& params) {
    check_inputs(graph, weights, target, params);
    const NodeId n = graph.num_nodes();
    const ReverseSampler sampler(graph, weights, params.model);
    const std::uint64_t samples = params.samples;
    // Per thread: how many RR sets each customer is in, and the sum and sum of squares of the
    // sets' sizes (roots left out); integers, so the totals do not depend on the threads.
    const int threads = omp_get_max_threads();
    std::vector<std::vector<std::uint32_t>> counts(static_cast<std::size_t>(threads));
    std::vector<std::uint64_t> size_sum(static_cast<std::size_t>(threads), 0);
    std::vector<std::uint64_t> size_squares(static_cast<std::size_t>(threads), 0);
#pragma omp parallel num_threads(threads)
    {
        const auto thread = static_cast<std::size_t>(omp_get_thread_num());
        std::vector<std::uint32_t>& count = counts[thread];
        count.assign(n, 0);
        ReverseSampler::Scratch scratch(n);
        std::vector<NodeId> members;
#pragma omp for schedule(dynamic, 256)
        for (std::uint64_t rr_set = 0; rr_set < samples; ++rr_set) {
            RandomStream random = RandomStream::for_index(params.seed, rr_set);
            sampler.draw(target, random, scratch, members);
            const std::uint64_t others = members.size() - 1;
            size_sum[thread] += others;
            size_squares[thread] += others * others;
            for (std::size_t position = 1; position < members.size(); ++position)
                ++count[members[position]];
        }
    }
    std::vector<std::uint64_t> total(n, 0);
    std::uint64_t sum = 0, squares = 0;
    for (std::size_t thread = 0; thread < counts.size(); ++thread) {
        sum += size_sum[thread];
        squares += size_squares[thread];
        if (counts[thread].empty()) continue;  // a smaller team than asked for
        for (NodeId node = 0; node < n; ++node) total[node] += counts[thread][node];
    }
    ReachResult result;
    result.samples = params.samples;
    const double count = static_cast<double>(samples);
    for (NodeId node = 0; node < n; ++node)
        if (total[node] > 0)
            result.reached.push_back(
                activation(node, static_cast<double>(total[node]) / count, count));
    const double mean = static_cast<double>(sum) / count;
    result.expected_reach = mean;
    if (samples > 1) {
        const double variance =
            std::max(0.0, (static_cast<double>(squares) - count * mean * mean) / (count - 1.0));
        result.expected_reach_standard_error = std::sqrt(variance / count);
    }
    return result;
}

ChainFinder::ChainFinder(const InfluenceGraph& graph, std::span<const double> weights,
                         NodeId origin, Direction direction, std::span<const NodeId> ends)
    : weights_(weights), origin_(origin), direction_(direction) {
    const NodeId n = graph.num_nodes();
    if (origin >= n) throw UsageError("explain: not a customer");
    if (weights.size() != graph.num_edges())
        throw InternalError("explain: one weight per edge expected");
    constexpr double kUnreached = std::numeric_limits<double>::infinity();
    cost_.assign(n, kUnreached);
    via_.assign(n, 0);
    previous_.assign(n, kNoNode);
    std::vector<std::uint8_t> settled(n, 0), wanted(n, 0);
    std::size_t wanted_left = 0;
    for (const NodeId end : ends)
        if (end < n && !wanted[end]) wanted[end] = 1, ++wanted_left;
    // Dijkstra on -log(weight), settling in (cost, node) order so ties break the same way
    // always.
    using Entry = std::pair<double, NodeId>;
    std::priority_queue<Entry, std::vector<Entry>, std::greater<>> queue;
    cost_[origin] = 0.0;
    queue.emplace(0.0, origin);
    const auto out_offsets = graph.out_offsets();
    const auto out_targets = graph.out_targets();
    const auto in_offsets = graph.in_offsets();
    const auto in_sources = graph.in_sources();
    const auto in_edges = graph.in_edge_ids();
    const auto relax = [&](NodeId from, NodeId to, EdgeId edge) {
        const double w = weights[edge];
        if (!(w > 0.0) || settled[to]) return;
        const double cost = cost_[from] - std::log(std::min(w, 1.0));
        if (cost < cost_[to]) {
            cost_[to] = cost;
            via_[to] = edge;
            previous_[to] = from;
            queue.emplace(cost, to);
        }
    };
    while (!queue.empty()) {
        const auto [cost, node] = queue.top();
        queue.pop();
        if (settled[node] || cost > cost_[node]) continue;
        settled[node] = 1;
        if (wanted[node] && --wanted_left == 0 && !ends.empty()) break;
        if (direction == Direction::from_origin) {
            for (EdgeId edge = out_offsets[node]; edge < out_offsets[node + 1]; ++edge)
                relax(node, out_targets[edge], edge);
        } else {
            for (EdgeId position = in_offsets[node]; position < in_offsets[node + 1]; ++position)
                relax(node, in_sources[position], in_edges[position]);
        }
    }
    // What was reached but not settled has a cost that may not be its best: forget it.
    for (NodeId node = 0; node < n; ++node)
        if (!settled[node]) cost_[node] = kUnreached, previous_[node] = kNoNode;
}

double ChainFinder::probability(NodeId end) const {
    if (end >= cost_.size() || end == origin_) return 0.0;
    return std::isinf(cost_[end]) ? 0.0 : std::exp(-cost_[end]);
}

Chain ChainFinder::chain(NodeId end) const {
    Chain result;
    if (probability(end) <= 0.0) return result;
    double product = 1.0;
    for (NodeId node = end; node != origin_; node = previous_[node]) {
        const NodeId other = previous_[node];
        const EdgeId edge = via_[node];
        // from_origin: other -> node; to_origin: node -> other (the walk went against edges).
        if (direction_ == Direction::from_origin)
            result.links.push_back({edge, other, node, weights_[edge]});
        else
            result.links.push_back({edge, node, other, weights_[edge]});
        product *= weights_[edge];
    }
    if (direction_ == Direction::from_origin)
        std::reverse(result.links.begin(), result.links.end());
    result.probability = product;
    return result;
}

}  // namespace catena
