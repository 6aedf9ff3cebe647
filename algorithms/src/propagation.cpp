#include "catena/algorithms/propagation.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "catena/graph/errors.hpp"

#include "random_stream.hpp"
#include <omp.h>

namespace catena {

namespace {

// Per-thread scratch space; `stamp` marks what belongs to the current simulation.
struct Workspace {
    std::vector<std::uint32_t> stamp;
    std::vector<double> level;  // LT: accumulated weight; threshold in `threshold`
    std::vector<double> threshold;
    std::vector<NodeId> frontier, next;
    std::vector<std::uint64_t> activations;  // per node, over this thread's simulations
    std::vector<std::uint64_t> by_depth;
    std::uint32_t current = 0;
};

// Throws unless the parameters, the weights and the seeds make a valid simulation.
void check_simulation_inputs(const InfluenceGraph& graph, std::span<const double> weights,
                             std::span<const NodeId> seeds, const SimulationParams& params) {
    params.validate();
    const NodeId n = graph.num_nodes();
    if (weights.size() != graph.num_edges())
        throw InternalError("simulate: one weight per edge expected");
    for (const double w : weights)
        if (!(w >= 0.0 && w <= 1.0))
            throw UsageError("simulate: edge probabilities must be in [0, 1]");
    std::vector<NodeId> sorted(seeds.begin(), seeds.end());
    std::sort(sorted.begin(), sorted.end());
    if (std::adjacent_find(sorted.begin(), sorted.end()) != sorted.end())
        throw UsageError("simulate: a seed customer is given twice");
    if (!sorted.empty() && sorted.back() >= n)
        throw UsageError("simulate: a seed is not a customer");
}

// What every cascade of one simulate() call reads: the graph's arrays, weights and seeds.
struct CascadeInputs {
    std::span<const EdgeId> offsets;
    std::span<const NodeId> targets;
    std::span<const double> values;
    std::span<const double> weights;
    std::span<const NodeId> seeds;
    bool threshold;  // Linear Threshold; otherwise Independent Cascade
};

// What one cascade activated: how many customers, and their total own value.
struct CascadeOutcome {
    double activated = 0;
    double reached = 0;
};

// Sizes a thread's workspace for a graph of `n` nodes.
void prepare_workspace(Workspace& work, NodeId n, bool threshold) {
    work.stamp.assign(n, 0);
    if (threshold) {
        work.level.assign(n, 0.0);
        work.threshold.assign(n, 0.0);
    }
    work.activations.assign(n, 0);
}

// Decides whether `edge` into the not yet active `v` activates it (drawing as the model needs).
bool edge_activates(const CascadeInputs& inputs, Workspace& work, RandomStream& random, EdgeId edge,
                    NodeId v, std::uint32_t mark) {
    if (!inputs.threshold) return random.uniform() < inputs.weights[edge];
    // Touched for the first time this simulation: draw its threshold.
    if (work.stamp[v] != mark + 0x80000000u) {
        work.stamp[v] = mark + 0x80000000u;
        work.level[v] = 0.0;
        work.threshold[v] = random.uniform();
    }
    work.level[v] += inputs.weights[edge];
    return work.level[v] >= work.threshold[v] && work.threshold[v] > 0.0;
}

// Runs one cascade from the seeds, depth by depth, counting activations in the workspace.
CascadeOutcome run_cascade(const CascadeInputs& inputs, Workspace& work, RandomStream& random) {
    const std::uint32_t mark = ++work.current;  // "active in this simulation"
    work.frontier.assign(inputs.seeds.begin(), inputs.seeds.end());
    CascadeOutcome outcome;
    for (const NodeId seed : inputs.seeds) {
        work.stamp[seed] = mark;
        ++work.activations[seed];
        outcome.reached += inputs.values[seed];
    }
    outcome.activated = static_cast<double>(inputs.seeds.size());
    for (std::size_t depth = 0; !work.frontier.empty(); ++depth) {
        if (work.by_depth.size() <= depth) work.by_depth.resize(depth + 1, 0);
        work.by_depth[depth] += work.frontier.size();
        work.next.clear();
        for (const NodeId u : work.frontier) {
            for (EdgeId edge = inputs.offsets[u]; edge < inputs.offsets[u + 1]; ++edge) {
                const NodeId v = inputs.targets[edge];
                if (work.stamp[v] == mark) continue;
                if (!edge_activates(inputs, work, random, edge, v, mark)) continue;
                work.stamp[v] = mark;
                ++work.activations[v];
                outcome.reached += inputs.values[v];
                ++outcome.activated;
                work.next.push_back(v);
            }
        }
        work.frontier.swap(work.next);
    }
    return outcome;
}

// Sets `mean` and its standard error `error` over `count` samples.
void mean_and_error(const std::vector<double>& samples, double count, double& mean, double& error) {
    double sum = 0.0;
    for (const double sample : samples) sum += sample;
    mean = sum / count;
    double squares = 0.0;
    for (const double sample : samples) squares += (sample - mean) * (sample - mean);
    error = count > 1 ? std::sqrt(squares / (count - 1) / count) : 0.0;
}

// Turns the per-simulation samples and the per-thread counts into the result.
SimulationResult summarize_simulations(const std::vector<double>& spread,
                                       const std::vector<double>& value,
                                       const std::vector<Workspace>& workspaces, NodeId n,
                                       std::uint32_t simulations) {
    SimulationResult result;
    result.simulations = simulations;
    const double count = simulations;
    mean_and_error(spread, count, result.expected_spread, result.standard_error);
    mean_and_error(value, count, result.expected_value, result.value_standard_error);
    result.ci_low = result.expected_spread - 1.96 * result.standard_error;
    result.ci_high = result.expected_spread + 1.96 * result.standard_error;
    result.activation_probability.assign(n, 0.0);
    std::vector<std::uint64_t> by_depth;
    for (const Workspace& work : workspaces) {
        for (NodeId node = 0; node < n; ++node)
            result.activation_probability[node] += static_cast<double>(work.activations[node]);
        if (by_depth.size() < work.by_depth.size()) by_depth.resize(work.by_depth.size(), 0);
        for (std::size_t depth = 0; depth < work.by_depth.size(); ++depth)
            by_depth[depth] += work.by_depth[depth];
    }
    for (double& probability : result.activation_probability) probability /= count;
    for (const auto total : by_depth)
        result.mean_by_depth.push_back(static_cast<double>(total) / count);
    return result;
}

}  // namespace

ProbabilityModel ProbabilityModel::parse(std::string_view text) {
    ProbabilityModel model;
    if (text == "weighted-cascade") return model;
    if (text == "column") {
        model.kind = Kind::column;
        return model;
    }
    if (text == "learned") {
        model.kind = Kind::learned;
        return model;
    }
    if (text.starts_with("constant:")) {
        const std::string_view number = text.substr(9);
        double p = -1;
        const auto [end, error] = std::from_chars(number.data(), number.data() + number.size(), p);
        if (error != std::errc() || end != number.data() + number.size() || !(p >= 0.0 && p <= 1.0))
            throw UsageError("--probability constant:P needs P in [0, 1], not '" +
                             std::string(number) + "'");
        model.kind = Kind::constant;
        model.constant = p;
        return model;
    }
    throw UsageError(
        "--probability must be weighted-cascade, constant:P, column or learned, not '" +
        std::string(text) + "'");
}

std::string to_string(const ProbabilityModel& model) {
    switch (model.kind) {
        case ProbabilityModel::Kind::weighted_cascade:
            return "weighted-cascade";
        case ProbabilityModel::Kind::column:
            return "column";
        case ProbabilityModel::Kind::learned:
            return "learned";
        case ProbabilityModel::Kind::constant:
            break;
    }
    char number[32];
    const auto end =
        std::to_chars(number, number + sizeof number, model.constant).ptr;  // shortest round trip
    return "constant:" + std::string(number, end);
}

std::string_view to_string(DiffusionModel model) {
    return model == DiffusionModel::linear_threshold ? "lt" : "ic";
}

std::optional<DiffusionModel> parse_diffusion_model(std::string_view text) {
    if (text == "ic") return DiffusionModel::independent_cascade;
    if (text == "lt") return DiffusionModel::linear_threshold;
    return std::nullopt;
}

std::vector<double> diffusion_weights(const InfluenceGraph& graph, DiffusionModel model,
                                      const ProbabilityModel& probability,
                                      std::span<const Referral> referrals) {
    return model == DiffusionModel::linear_threshold
               ? threshold_weights(graph)
               : edge_probabilities(graph, probability, referrals);
}

DiffusionWeights sampling_weights(const InfluenceGraph& graph, DiffusionModel model,
                                  const ProbabilityModel& probability,
                                  std::span<const Referral> referrals,
                                  std::vector<double>& storage) {
    if (sampler_derives_weights(model, probability))
        return DiffusionWeights::weighted_cascade(probability.weighted);
    storage = diffusion_weights(graph, model, probability, referrals);
    return storage;
}

std::vector<double> threshold_weights(const InfluenceGraph& graph, bool weighted) {
    const NodeId n = graph.num_nodes();
    const auto strengths = graph.strengths();
    std::vector<double> weights(graph.num_edges(), 0.0);
    // Two sequential passes over the edges (in out-edge order) instead of gathering each in-edge's
    // strength: the only random accesses are to `total`, one number per node. A node's in-edges
    // arrive in order of their source, as in its in-edge list, so the sums are the same.
    std::vector<double> total(n, 0.0);
    const auto targets = graph.out_targets();
    for (EdgeId edge = 0; edge < graph.num_edges(); ++edge)
        total[targets[edge]] += weighted ? strengths[edge] : 1.0;
#pragma omp parallel for schedule(static)
    for (EdgeId edge = 0; edge < graph.num_edges(); ++edge) {
        const double sum = total[targets[edge]];
        weights[edge] = sum > 0.0 ? (weighted ? strengths[edge] : 1.0) / sum : 0.0;
    }
    return weights;
}

std::vector<double> edge_probabilities(const InfluenceGraph& graph, const ProbabilityModel& model,
                                       std::span<const Referral> referrals) {
    if (model.kind == ProbabilityModel::Kind::constant) {
        if (!(model.constant >= 0.0 && model.constant <= 1.0))
            throw UsageError("probability: the constant must be in [0, 1]");
        return std::vector<double>(graph.num_edges(), model.constant);
    }
    std::vector<double> p = threshold_weights(graph, model.weighted);  // weighted cascade
    if (model.kind == ProbabilityModel::Kind::column) {
        for (EdgeId edge = 0; edge < graph.num_edges(); ++edge)
            if (const auto stated = graph.probability(edge)) p[edge] = *stated;
    } else if (model.kind == ProbabilityModel::Kind::learned) {
        std::vector<std::uint32_t> sent(graph.num_nodes(), 0), converted(graph.num_nodes(), 0);
        std::uint64_t total_sent = 0, total_converted = 0;
        for (const Referral& referral : referrals) {
            if (referral.referrer >= graph.num_nodes())
                throw InternalError("learned probabilities: bad referrer");
            ++sent[referral.referrer];
            converted[referral.referrer] += referral.converted;
            ++total_sent;
            total_converted += referral.converted;
        }
        if (total_sent > 0) {
            const double overall =
                static_cast<double>(total_converted) / static_cast<double>(total_sent);
            const double a = 2.0 * overall, b = 2.0 * (1.0 - overall);
            const auto offsets = graph.out_offsets();
            for (NodeId u = 0; u < graph.num_nodes(); ++u) {
                if (sent[u] == 0) continue;
                const double rate = (converted[u] + a) / (sent[u] + a + b);
                for (EdgeId edge = offsets[u]; edge < offsets[u + 1]; ++edge) p[edge] = rate;
            }
        }
    }
    return p;
}

void SimulationParams::validate() const {
    if (simulations == 0)
        throw UsageError("simulate: the number of simulations must be at least 1");
}

SimulationResult simulate(const InfluenceGraph& graph, std::span<const double> weights,
                          std::span<const NodeId> seeds, const SimulationParams& params) {
    check_simulation_inputs(graph, weights, seeds, params);
    const NodeId n = graph.num_nodes();
    if (!params.values.empty() && params.values.size() != n)
        throw InternalError("simulate: one value per customer expected");
    const CascadeInputs inputs{graph.out_offsets(),
                               graph.out_targets(),
                               params.values.empty() ? graph.values() : params.values,
                               weights,
                               seeds,
                               params.model == DiffusionModel::linear_threshold};
    std::vector<double> spread(params.simulations), value(params.simulations);

    const int threads = omp_get_max_threads();
    std::vector<Workspace> workspaces(static_cast<std::size_t>(threads));
#pragma omp parallel num_threads(threads)
    {
        Workspace& work = workspaces[static_cast<std::size_t>(omp_get_thread_num())];
        prepare_workspace(work, n, inputs.threshold);
#pragma omp for schedule(dynamic, 16)
        for (std::uint32_t simulation = 0; simulation < params.simulations; ++simulation) {
            RandomStream random = RandomStream::for_index(params.seed, simulation);
            const CascadeOutcome outcome = run_cascade(inputs, work, random);
            spread[simulation] = outcome.activated;
            value[simulation] = outcome.reached;
        }
    }
    return summarize_simulations(spread, value, workspaces, n, params.simulations);
}

}  // namespace catena
