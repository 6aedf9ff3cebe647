#include "catena/algorithms/seed_selection.hpp"

#include <omp.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>

#include "catena/graph/errors.hpp"
#include "random_stream.hpp"

namespace catena {

namespace {

// RR sets, flat: members of set r are members[offsets[r] .. offsets[r+1]).
struct RRSets {
    std::vector<NodeId> members;
    std::vector<std::uint64_t> offsets{0};
    std::uint64_t count() const { return offsets.size() - 1; }
    std::size_t memory_bytes() const {
        return members.capacity() * sizeof(NodeId) + offsets.capacity() * sizeof(std::uint64_t);
    }
};

// Draws roots uniformly, or in proportion to own value.
struct RootSampler {
    NodeId n = 0;
    std::vector<double> cumulative;  // empty: uniform
    NodeId draw(RandomStream& random) const {
        if (cumulative.empty()) return static_cast<NodeId>(random.uniform() * n) % n;
        const double target = random.uniform() * cumulative.back();
        const auto it = std::upper_bound(cumulative.begin(), cumulative.end(), target);
        return static_cast<NodeId>(std::min<std::ptrdiff_t>(it - cumulative.begin(), n - 1));
    }
};

class Sampler {
public:
    Sampler(const InfluenceGraph& graph, std::span<const double> weights, DiffusionModel model,
            const RootSampler& roots, std::uint64_t seed)
        : graph_(graph), weights_(weights), model_(model), roots_(roots), seed_(seed) {
        // Nodes whose in-edges all have one probability p (weighted cascade without weights, or a
        // constant): the reverse BFS can jump straight to the next kept edge (geometric skips)
        // instead of drawing once per in-edge.
        const auto in_offsets = graph.in_offsets();
        const auto in_edges = graph.in_edge_ids();
        common_p_.assign(graph.num_nodes(), -1.0);
        for (NodeId v = 0; v < graph.num_nodes(); ++v) {
            if (in_offsets[v] == in_offsets[v + 1]) continue;
            const double p = weights[in_edges[in_offsets[v]]];
            bool same = true;
            for (EdgeId position = in_offsets[v] + 1; position < in_offsets[v + 1] && same; ++position)
                same = weights[in_edges[position]] == p;
            if (same) common_p_[v] = p;
        }
    }

    // Appends RR sets number first .. first+count-1 (each from its own stream) to `out`, in order.
    void draw(std::uint64_t first, std::uint64_t count, RRSets& out) const {
        constexpr std::uint64_t kChunk = 2048;
        const std::uint64_t chunks = (count + kChunk - 1) / kChunk;
        std::vector<RRSets> parts(chunks);
#pragma omp parallel
        {
            std::vector<std::uint32_t> stamp(graph_.num_nodes(), 0);
            std::uint32_t mark = 0;
            std::vector<NodeId> queue;
#pragma omp for schedule(dynamic, 1)
            for (std::uint64_t chunk = 0; chunk < chunks; ++chunk) {
                RRSets& part = parts[chunk];
                const std::uint64_t end = std::min(count, (chunk + 1) * kChunk);
                for (std::uint64_t index = chunk * kChunk; index < end; ++index) {
                    if (++mark == 0) {  // wrapped: clear the stamps
                        std::fill(stamp.begin(), stamp.end(), 0);
                        mark = 1;
                    }
                    RandomStream random = RandomStream::for_index(seed_, first + index);
                    one(random, stamp, mark, queue);
                    part.members.insert(part.members.end(), queue.begin(), queue.end());
                    part.offsets.push_back(part.members.size());
                }
            }
        }
        for (const RRSets& part : parts) {
            const std::uint64_t base = out.members.size();
            out.members.insert(out.members.end(), part.members.begin(), part.members.end());
            for (std::size_t r = 1; r < part.offsets.size(); ++r) out.offsets.push_back(base + part.offsets[r]);
        }
    }

private:
    void one(RandomStream& random, std::vector<std::uint32_t>& stamp, std::uint32_t mark,
             std::vector<NodeId>& queue) const {
        const auto in_offsets = graph_.in_offsets();
        const auto in_sources = graph_.in_sources();
        const auto in_edges = graph_.in_edge_ids();
        queue.clear();
        const NodeId root = roots_.draw(random);
        stamp[root] = mark;
        queue.push_back(root);
        if (model_ == DiffusionModel::linear_threshold) {
            // Reverse random walk: from v, step to in-neighbour u with probability b(u,v).
            for (NodeId v = root;;) {
                const double r = random.uniform();
                double sum = 0.0;
                NodeId next = kNoNode;
                for (EdgeId position = in_offsets[v]; position < in_offsets[v + 1]; ++position) {
                    sum += weights_[in_edges[position]];
                    if (r < sum) {
                        next = in_sources[position];
                        break;
                    }
                }
                if (next == kNoNode || stamp[next] == mark) return;
                stamp[next] = mark;
                queue.push_back(next);
                v = next;
            }
        }
        // Reverse BFS: each in-edge (u -> v) is kept with probability p(u,v).
        const auto keep = [&](NodeId u) {
            if (stamp[u] == mark) return;
            stamp[u] = mark;
            queue.push_back(u);
        };
        for (std::size_t head = 0; head < queue.size(); ++head) {
            const NodeId v = queue[head];
            const EdgeId first = in_offsets[v], last = in_offsets[v + 1];
            const double p = common_p_[v];
            if (p >= 1.0) {
                for (EdgeId position = first; position < last; ++position) keep(in_sources[position]);
            } else if (p > 0.0) {
                // The gap to the next kept edge is geometric: floor(log U / log(1 - p)).
                const double log_miss = std::log1p(-p);
                for (double position = first;;) {
                    position += std::floor(std::log(1.0 - random.uniform()) / log_miss);
                    if (position >= last) break;
                    keep(in_sources[static_cast<EdgeId>(position)]);
                    position += 1.0;
                }
            } else if (p < 0.0) {
                for (EdgeId position = first; position < last; ++position) {
                    const NodeId u = in_sources[position];
                    if (stamp[u] != mark && random.uniform() < weights_[in_edges[position]]) keep(u);
                }
            }
        }
    }

    const InfluenceGraph& graph_;
    std::span<const double> weights_;
    DiffusionModel model_;
    const RootSampler& roots_;
    std::uint64_t seed_;
    std::vector<double> common_p_;  // per node: the probability of all its in-edges, or -1
};

struct Coverage {
    std::vector<NodeId> seeds;
    std::vector<std::uint64_t> gains;  // RR sets newly covered by each seed
    std::uint64_t covered = 0;
    std::size_t memory_bytes = 0;
};

// Greedy maximum coverage of the RR sets by at most k allowed nodes (within the budget, by gain
// per cost, if there is one).
Coverage greedy(const RRSets& rr, NodeId n, std::uint32_t k, const std::vector<std::uint8_t>& allowed,
                const InfluenceGraph& graph, double budget) {
    // Index: the RR sets each node is in.
    std::vector<std::uint64_t> start(static_cast<std::size_t>(n) + 1, 0);
    for (const NodeId node : rr.members) ++start[node + 1];
    for (NodeId node = 0; node < n; ++node) start[node + 1] += start[node];
    std::vector<std::uint32_t> sets_of(rr.members.size());
    {
        std::vector<std::uint64_t> next(start.begin(), start.end() - 1);
        for (std::uint64_t r = 0; r < rr.count(); ++r)
            for (std::uint64_t position = rr.offsets[r]; position < rr.offsets[r + 1]; ++position)
                sets_of[next[rr.members[position]]++] = static_cast<std::uint32_t>(r);
    }
    std::vector<std::uint64_t> degree(n);
    for (NodeId node = 0; node < n; ++node) degree[node] = start[node + 1] - start[node];
    std::vector<std::uint8_t> covered(rr.count(), 0);
    Coverage result;
    result.memory_bytes = start.capacity() * sizeof(std::uint64_t) + sets_of.capacity() * sizeof(std::uint32_t) +
                          degree.capacity() * sizeof(std::uint64_t) + covered.capacity();
    const bool budgeted = budget > 0.0;
    double spent = 0.0;
    std::vector<std::uint8_t> chosen(n, 0);
    while (result.seeds.size() < k) {
        NodeId best = kNoNode;
        double best_score = 0.0;
        for (NodeId node = 0; node < n; ++node) {
            if (!allowed[node] || chosen[node] || degree[node] == 0) continue;
            if (budgeted && spent + graph.cost(node) > budget) continue;
            const double score = budgeted ? static_cast<double>(degree[node]) / std::max(graph.cost(node), 1e-12)
                                          : static_cast<double>(degree[node]);
            if (score > best_score) {
                best = node;
                best_score = score;
            }
        }
        if (best == kNoNode) break;  // nothing left that adds coverage (or fits the budget)
        chosen[best] = 1;
        spent += budgeted ? graph.cost(best) : 0.0;
        result.seeds.push_back(best);
        result.gains.push_back(degree[best]);
        result.covered += degree[best];
        for (std::uint64_t k_pos = start[best]; k_pos < start[best + 1]; ++k_pos) {
            const std::uint32_t r = sets_of[k_pos];
            if (covered[r]) continue;
            covered[r] = 1;
            for (std::uint64_t position = rr.offsets[r]; position < rr.offsets[r + 1]; ++position)
                --degree[rr.members[position]];
        }
    }
    if (budgeted) {
        // The best single affordable customer, if it alone covers more.
        NodeId single = kNoNode;
        std::uint64_t single_cover = 0;
        for (NodeId node = 0; node < n; ++node)
            if (allowed[node] && graph.cost(node) <= budget && start[node + 1] - start[node] > single_cover) {
                single = node;
                single_cover = start[node + 1] - start[node];
            }
        if (single != kNoNode && single_cover > result.covered) {
            result.seeds.assign(1, single);
            result.gains.assign(1, single_cover);
            result.covered = single_cover;
        }
    }
    return result;
}

double log_binomial(double n, double k) { return std::lgamma(n + 1) - std::lgamma(k + 1) - std::lgamma(n - k + 1); }

}  // namespace

void SeedSelectionParams::validate(NodeId num_nodes) const {
    if (k < 1) throw UsageError("seeds: k must be at least 1");
    if (!(epsilon > 0.0 && epsilon < 1.0)) throw UsageError("seeds: eps must be in (0, 1)");
    if (!(delta >= 0.0 && delta < 1.0)) throw UsageError("seeds: delta must be in (0, 1)");
    if (!(budget >= 0.0) || !std::isfinite(budget)) throw UsageError("seeds: the budget must be a number >= 0");
    if (!candidates.empty() && candidates.size() != num_nodes)
        throw UsageError("seeds: the candidate mask must have one entry per customer");
}

SeedSelectionResult select_seeds(const InfluenceGraph& graph, std::span<const double> weights,
                                 const SeedSelectionParams& params) {
    const NodeId n = graph.num_nodes();
    params.validate(n);
    if (weights.size() != graph.num_edges()) throw InternalError("select_seeds: one weight per edge expected");
    for (const double w : weights)
        if (!(w >= 0.0 && w <= 1.0)) throw UsageError("seeds: edge probabilities must be in [0, 1]");
    std::vector<std::uint8_t> allowed(n, 1);
    NodeId candidate_count = 0;
    for (NodeId node = 0; node < n; ++node) {
        allowed[node] = !graph.opt_out(node) && (params.candidates.empty() || params.candidates[node]);
        candidate_count += allowed[node];
    }
    if (params.k > candidate_count)
        throw UsageError("seeds: k = " + std::to_string(params.k) + " but only " + std::to_string(candidate_count) +
                         " customers may be chosen (opt-outs and filters excluded)");

    RootSampler roots;
    roots.n = n;
    double scale = n;  // the most the objective can reach
    if (params.value_objective) {
        roots.cumulative.resize(n);
        double total = 0.0;
        for (NodeId node = 0; node < n; ++node) roots.cumulative[node] = total += graph.value(node);
        if (!(total > 0.0)) throw UsageError("seeds: the value objective needs customers with a value above 0");
        scale = total;
    }
    const Sampler sampler(graph, weights, params.model, roots, params.seed);

    // IMM's parameters (Tang et al. 2015, with l raised so the two phases share delta).
    const double log_n = std::log(static_cast<double>(n));
    const double delta = params.delta > 0.0 ? params.delta : 1.0 / n;
    double ell = n > 1 ? std::log(1.0 / delta) / log_n : 1.0;
    ell *= n > 1 ? 1.0 + std::log(2.0) / log_n : 1.0;
    const double k = params.k;
    const double log_cnk = log_binomial(n, std::min<double>(k, n));
    const double eps = params.epsilon;
    const double eps_prime = std::sqrt(2.0) * eps;
    const double lambda_prime = (2.0 + 2.0 / 3.0 * eps_prime) *
                                (log_cnk + ell * log_n + std::log(std::max(1.0, std::log2(static_cast<double>(n))))) *
                                scale / (eps_prime * eps_prime);
    const double e_factor = 1.0 - 1.0 / std::exp(1.0);
    const double alpha = std::sqrt(ell * log_n + std::log(2.0));
    const double beta = std::sqrt(e_factor * (log_cnk + ell * log_n + std::log(2.0)));
    const double lambda_star = 2.0 * scale * std::pow(e_factor * alpha + beta, 2.0) / (eps * eps);

    SeedSelectionResult result;
    result.failure_probability = delta;
    // Estimation phase: find a lower bound of the optimum.
    double lower_bound = 1.0;
    {
        RRSets rr;
        const int rounds = std::max(1, static_cast<int>(std::log2(static_cast<double>(n))) - 1);
        for (int round = 1; round <= rounds; ++round) {
            const double x = scale / std::pow(2.0, round);
            auto theta = static_cast<std::uint64_t>(std::ceil(lambda_prime / x));
            if (params.max_rr_sets && theta > params.max_rr_sets) {
                theta = params.max_rr_sets;
                result.guarantee_holds = false;
            }
            if (theta > rr.count()) sampler.draw(rr.count(), theta - rr.count(), rr);
            const Coverage coverage = greedy(rr, n, params.k, allowed, graph, params.budget);
            result.memory_bytes = std::max(result.memory_bytes, rr.memory_bytes() + coverage.memory_bytes);
            const double estimate = scale * static_cast<double>(coverage.covered) / static_cast<double>(rr.count());
            if (estimate >= (1.0 + eps_prime) * x) {
                lower_bound = estimate / (1.0 + eps_prime);
                break;
            }
        }
    }
    // Final phase, on fresh RR sets (Chen 2018): theta = lambda* / LB.
    auto theta = static_cast<std::uint64_t>(std::ceil(lambda_star / lower_bound));
    if (params.max_rr_sets && theta > params.max_rr_sets) {
        theta = params.max_rr_sets;
        result.guarantee_holds = false;
    }
    RRSets rr;
    const std::uint64_t fresh = std::uint64_t{1} << 62;  // indices disjoint from the estimation phase's
    sampler.draw(fresh, theta, rr);
    const Coverage coverage = greedy(rr, n, params.k, allowed, graph, params.budget);
    result.memory_bytes = std::max(result.memory_bytes, rr.memory_bytes() + coverage.memory_bytes);
    result.seeds = coverage.seeds;
    for (const auto gain : coverage.gains)
        result.marginal_estimate.push_back(scale * static_cast<double>(gain) / static_cast<double>(theta));
    result.estimated_spread = scale * static_cast<double>(coverage.covered) / static_cast<double>(theta);
    result.rr_sets = rr.count();
    result.rr_entries = rr.members.size();
    result.approximation = (params.budget > 0.0 ? e_factor / 2.0 : e_factor) - eps;
    return result;
}

SeedSelectionResult celf_seeds(const InfluenceGraph& graph, std::span<const double> weights,
                               const SeedSelectionParams& params, std::uint32_t simulations) {
    const NodeId n = graph.num_nodes();
    params.validate(n);
    std::vector<NodeId> candidates;
    for (NodeId node = 0; node < n; ++node)
        if (!graph.opt_out(node) && (params.candidates.empty() || params.candidates[node])) candidates.push_back(node);
    if (params.k > candidates.size())
        throw UsageError("seeds: k = " + std::to_string(params.k) + " but only " + std::to_string(candidates.size()) +
                         " customers may be chosen");
    SimulationParams simulation;
    simulation.model = params.model;
    simulation.simulations = simulations;
    simulation.seed = params.seed;
    const auto objective = [&](const std::vector<NodeId>& seeds) {
        const SimulationResult result = simulate(graph, weights, seeds, simulation);
        return params.value_objective ? result.expected_value : result.expected_spread;
    };
    // Queue of (gain, node, round the gain was computed in), largest gain first.
    struct Entry {
        double gain;
        NodeId node;
        std::uint32_t round;
    };
    std::vector<Entry> heap;
    const auto less = [](const Entry& a, const Entry& b) { return a.gain != b.gain ? a.gain < b.gain : a.node > b.node; };
    for (const NodeId node : candidates) heap.push_back({objective({node}), node, 0});
    std::make_heap(heap.begin(), heap.end(), less);
    SeedSelectionResult result;
    double current = 0.0;
    while (result.seeds.size() < params.k && !heap.empty()) {
        std::pop_heap(heap.begin(), heap.end(), less);
        Entry top = heap.back();
        heap.pop_back();
        const auto round = static_cast<std::uint32_t>(result.seeds.size());
        if (top.round == round) {  // fresh: take it
            result.seeds.push_back(top.node);
            result.marginal_estimate.push_back(top.gain);
            current += top.gain;
            continue;
        }
        std::vector<NodeId> with = result.seeds;
        with.push_back(top.node);
        top.gain = objective(with) - current;
        top.round = round;
        heap.push_back(top);
        std::push_heap(heap.begin(), heap.end(), less);
    }
    result.estimated_spread = current;
    result.approximation = 1.0 - 1.0 / std::exp(1.0);
    result.failure_probability = 0.0;
    result.guarantee_holds = false;  // up to Monte Carlo noise only
    return result;
}

}  // namespace catena
