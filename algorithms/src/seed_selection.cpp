#include "catena/algorithms/seed_selection.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <numeric>
#include <string>

#include "catena/graph/errors.hpp"

#include "random_stream.hpp"
#include "reverse_sampler.hpp"
#include <omp.h>

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

// Draws RR sets in bulk, in parallel: set number i from its own stream (seed, i), rooted by the
// RootSampler, so the collection is the same at any thread count.
class Sampler {
  public:
    Sampler(const InfluenceGraph& graph, std::span<const double> weights, DiffusionModel model,
            const RootSampler& roots, std::uint64_t seed)
        : graph_(graph), reverse_(graph, weights, model), roots_(roots), seed_(seed) {}

    std::size_t memory_bytes() const { return reverse_.memory_bytes(); }

    // Appends RR sets number first .. first+count-1 (each from its own stream) to `out`, in order.
    void draw(std::uint64_t first, std::uint64_t count, RRSets& out) const {
        constexpr std::uint64_t kChunk = 2048;
        const std::uint64_t chunks = (count + kChunk - 1) / kChunk;
        std::vector<RRSets> parts(chunks);
#pragma omp parallel
        {
            ReverseSampler::Scratch scratch(graph_.num_nodes());
            std::vector<NodeId> members;
#pragma omp for schedule(dynamic, 1)
            for (std::uint64_t chunk = 0; chunk < chunks; ++chunk) {
                RRSets& part = parts[chunk];
                const std::uint64_t end = std::min(count, (chunk + 1) * kChunk);
                for (std::uint64_t index = chunk * kChunk; index < end; ++index) {
                    RandomStream random = RandomStream::for_index(seed_, first + index);
                    reverse_.draw(roots_.draw(random), random, scratch, members);
                    part.members.insert(part.members.end(), members.begin(), members.end());
                    part.offsets.push_back(part.members.size());
                }
            }
        }
        for (const RRSets& part : parts) {
            const std::uint64_t base = out.members.size();
            out.members.insert(out.members.end(), part.members.begin(), part.members.end());
            for (std::size_t r = 1; r < part.offsets.size(); ++r)
                out.offsets.push_back(base + part.offsets[r]);
        }
    }

  private:
    const InfluenceGraph& graph_;
    ReverseSampler reverse_;
    const RootSampler& roots_;
    std::uint64_t seed_;
};

struct Coverage {
    std::vector<NodeId> seeds;
    std::vector<std::uint64_t> gains;  // RR sets newly covered by each seed
    std::uint64_t covered = 0;
    // An upper bound on the RR sets the best allowed set (at most k seeds, within the budget)
    // covers: the least, over the greedy's steps, of (covered so far + the k largest marginal
    // coverages), and covered / (the greedy's ratio) (Tang et al. 2018, "OPIM").
    double best_upper_bound = 0.0;
    std::size_t memory_bytes = 0;
};

// Greedy maximum coverage of the RR sets by k allowed nodes (at most k within the budget, by gain
// per cost, if there is one).
Coverage greedy(const RRSets& rr, NodeId n, std::uint32_t k,
                const std::vector<std::uint8_t>& allowed, const InfluenceGraph& graph,
                double budget) {
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
    const bool budgeted = budget > 0.0;
    // The nodes that may be chosen and are in some RR set; their marginal coverage.
    std::vector<NodeId> active;
    std::vector<std::uint32_t> degree(n, 0);
    for (NodeId node = 0; node < n; ++node) {
        degree[node] = static_cast<std::uint32_t>(start[node + 1] - start[node]);
        if (allowed[node] && degree[node] > 0 && (!budgeted || graph.cost(node) <= budget))
            active.push_back(node);
    }
    std::vector<std::uint8_t> covered(rr.count(), 0);
    Coverage result;
    result.memory_bytes = start.capacity() * sizeof(std::uint64_t) +
                          sets_of.capacity() * sizeof(std::uint32_t) +
                          degree.capacity() * sizeof(std::uint32_t) +
                          active.capacity() * sizeof(NodeId) + covered.capacity();
    double spent = 0.0;
    double upper = std::numeric_limits<double>::infinity();
    std::vector<std::uint32_t> top;  // min-heap of the k largest marginal coverages
    for (;;) {
        // One pass: the next seed, and the k largest marginal coverages for the upper bound.
        NodeId best = kNoNode;
        double best_score = 0.0;
        top.clear();
        for (const NodeId node : active) {
            const std::uint32_t gain = degree[node];
            if (gain == 0) continue;  // chosen, or adds nothing now
            if (top.size() < k) {
                top.push_back(gain);
                std::push_heap(top.begin(), top.end(), std::greater<>());
            } else if (gain > top.front()) {
                std::pop_heap(top.begin(), top.end(), std::greater<>());
                top.back() = gain;
                std::push_heap(top.begin(), top.end(), std::greater<>());
            }
            if (budgeted && spent + graph.cost(node) > budget) continue;
            const double score =
                budgeted ? gain / std::max(graph.cost(node), 1e-12) : static_cast<double>(gain);
            if (score > best_score) {
                best = node;
                best_score = score;
            }
        }
        upper = std::min(upper, static_cast<double>(result.covered) +
                                    static_cast<double>(
                                        std::accumulate(top.begin(), top.end(), std::uint64_t{0})));
        if (best == kNoNode || result.seeds.size() == k) break;
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
    if (!budgeted && result.seeds.size() < k) {
        // Every RR set is covered before k seeds (a hub that reaches everyone, say): the rest add
        // nothing the sample can see. Still return k seeds, as asked: the allowed customers that
        // cover the most RR sets on their own, then by NodeId, each with a gain of 0.
        std::vector<std::uint8_t> chosen(n, 0);
        for (const NodeId seed : result.seeds) chosen[seed] = 1;
        std::vector<NodeId> rest;
        for (NodeId node = 0; node < n; ++node)
            if (allowed[node] && !chosen[node]) rest.push_back(node);
        const auto alone = [&](NodeId node) { return start[node + 1] - start[node]; };
        const auto fill = std::min<std::size_t>(k - result.seeds.size(), rest.size());
        std::partial_sort(
            rest.begin(), rest.begin() + static_cast<std::ptrdiff_t>(fill), rest.end(),
            [&](NodeId a, NodeId b) { return alone(a) != alone(b) ? alone(a) > alone(b) : a < b; });
        for (std::size_t index = 0; index < fill; ++index) {
            result.seeds.push_back(rest[index]);
            result.gains.push_back(0);
        }
    }
    const double e_factor = 1.0 - 1.0 / std::exp(1.0);
    if (budgeted) {
        // The best single affordable customer, if it alone covers more.
        NodeId single = kNoNode;
        std::uint64_t single_cover = 0;
        for (const NodeId node : active)
            if (start[node + 1] - start[node] > single_cover) {
                single = node;
                single_cover = start[node + 1] - start[node];
            }
        if (single != kNoNode && single_cover > result.covered) {
            result.seeds.assign(1, single);
            result.gains.assign(1, single_cover);
            result.covered = single_cover;
        }
        upper = std::min(upper, static_cast<double>(result.covered) / (e_factor / 2.0));
    } else {
        upper = std::min(upper, static_cast<double>(result.covered) / e_factor);
    }
    result.best_upper_bound = upper;
    return result;
}

// RR sets in `rr` newly covered by each of `seeds` in turn.
std::vector<std::uint64_t> coverage_gains(const RRSets& rr, NodeId n,
                                          const std::vector<NodeId>& seeds) {
    std::vector<std::uint32_t> order(n, std::numeric_limits<std::uint32_t>::max());
    for (std::size_t index = 0; index < seeds.size(); ++index)
        order[seeds[index]] = static_cast<std::uint32_t>(index);
    std::vector<std::uint64_t> gains(seeds.size(), 0);
    for (std::uint64_t r = 0; r < rr.count(); ++r) {
        std::uint32_t first = std::numeric_limits<std::uint32_t>::max();
        for (std::uint64_t position = rr.offsets[r]; position < rr.offsets[r + 1]; ++position)
            first = std::min(first, order[rr.members[position]]);
        if (first < seeds.size()) ++gains[first];
    }
    return gains;
}

double log_binomial(double n, double k) {
    return std::lgamma(n + 1) - std::lgamma(k + 1) - std::lgamma(n - k + 1);
}

}  // namespace

void SeedSelectionParams::validate(NodeId num_nodes) const {
    if (k < 1) throw UsageError("seeds: k must be at least 1");
    if (!(epsilon > 0.0 && epsilon < 1.0)) throw UsageError("seeds: eps must be in (0, 1)");
    if (!(delta >= 0.0 && delta < 1.0)) throw UsageError("seeds: delta must be in (0, 1)");
    if (!(budget >= 0.0) || !std::isfinite(budget))
        throw UsageError("seeds: the budget must be a number >= 0");
    if (!candidates.empty() && candidates.size() != num_nodes)
        throw UsageError("seeds: the candidate mask must have one entry per customer");
}

SeedSelectionResult select_seeds(const InfluenceGraph& graph, std::span<const double> weights,
                                 const SeedSelectionParams& params) {
    const NodeId n = graph.num_nodes();
    params.validate(n);
    if (weights.size() != graph.num_edges())
        throw InternalError("select_seeds: one weight per edge expected");
    for (const double w : weights)
        if (!(w >= 0.0 && w <= 1.0))
            throw UsageError("seeds: edge probabilities must be in [0, 1]");
    std::vector<std::uint8_t> allowed(n, 1);
    NodeId candidate_count = 0;
    for (NodeId node = 0; node < n; ++node) {
        allowed[node] = may_be_seed(graph, params.candidates, node);
        candidate_count += allowed[node];
    }
    if (params.k > candidate_count)
        throw UsageError("seeds: k = " + std::to_string(params.k) + " but only " +
                         std::to_string(candidate_count) +
                         " customers may be chosen (opt-outs and filters excluded)");

    RootSampler roots;
    roots.n = n;
    double scale = n;                 // the most the objective can reach
    double optimum_floor = params.k;  // the least the best k seeds reach: themselves
    if (params.value_objective) {
        roots.cumulative.resize(n);
        double total = 0.0;
        for (NodeId node = 0; node < n; ++node) roots.cumulative[node] = total += graph.value(node);
        if (!(total > 0.0))
            throw UsageError("seeds: the value objective needs customers with a value above 0");
        scale = total;
        std::vector<double> values;
        for (NodeId node = 0; node < n; ++node)
            if (allowed[node]) values.push_back(graph.value(node));
        const auto keep =
            static_cast<std::ptrdiff_t>(std::min<std::size_t>(params.k, values.size()));
        std::nth_element(values.begin(), values.begin() + keep - 1, values.end(), std::greater<>());
        optimum_floor = std::accumulate(values.begin(), values.begin() + keep, 0.0);
    }
    const Sampler sampler(graph, weights, params.model, roots, params.seed);

    // OPIM-C (Tang, Tang, Xiao & Yuan, SIGMOD 2018). Two independent collections of RR sets: the
    // greedy picks seeds on R1, which also bounds the optimum from above; R2 then bounds the
    // chosen seeds' spread from below. Their ratio is a certified approximation ratio; stop as
    // soon as it reaches the target, else double both. theta_max RR sets always suffice.
    const double e_factor = 1.0 - 1.0 / std::exp(1.0);
    const bool budgeted = params.budget > 0.0;
    const double target = (budgeted ? e_factor / 2.0 : e_factor) - params.epsilon;
    const double delta = params.delta > 0.0 ? params.delta : 1.0 / std::max<double>(n, 2.0);
    const double eps = params.epsilon;
    const double log_cnk = log_binomial(candidate_count, params.k);
    const double alpha = std::sqrt(std::log(6.0 / delta));
    const double beta = std::sqrt(e_factor * (log_cnk + std::log(6.0 / delta)));
    const double theta_0 = std::ceil(2.0 * std::pow(e_factor * alpha + beta, 2.0));
    const double theta_max = optimum_floor > 0.0 ? theta_0 * scale / (optimum_floor * eps * eps)
                                                 : std::numeric_limits<double>::infinity();
    const int rounds =
        std::isfinite(theta_max)
            ? std::max(
                  1, static_cast<int>(std::ceil(std::log2(std::max(theta_max / theta_0, 1.0)))) + 1)
            : 64;
    const double a = std::log(3.0 * rounds / delta);

    SeedSelectionResult result;
    result.failure_probability = delta;
    result.approximation = target;
    RRSets r1, r2;
    const std::uint64_t second = std::uint64_t{1} << 62;  // R2's stream indices, disjoint from R1's
    auto theta = static_cast<std::uint64_t>(theta_0);
    for (int round = 1;; ++round) {
        if (params.max_rr_sets && theta > params.max_rr_sets) theta = params.max_rr_sets;
        if (theta > r1.count()) {
            const std::uint64_t more = theta - r1.count();
            sampler.draw(r1.count(), more, r1);
            sampler.draw(second + r2.count(), more, r2);
        }
        const Coverage coverage = greedy(r1, n, params.k, allowed, graph, params.budget);
        const std::vector<std::uint64_t> gains = coverage_gains(r2, n, coverage.seeds);
        const double covered_r2 =
            static_cast<double>(std::accumulate(gains.begin(), gains.end(), std::uint64_t{0}));
        const double count = static_cast<double>(theta);
        const double lower = std::max(
            0.0,
            (std::pow(std::sqrt(covered_r2 + 2.0 * a / 9.0) - std::sqrt(a / 2.0), 2.0) - a / 18.0) *
                scale / count);
        const double upper =
            std::pow(std::sqrt(coverage.best_upper_bound + a / 2.0) + std::sqrt(a / 2.0), 2.0) *
            scale / count;
        const double certified = upper > 0.0 ? lower / upper : 0.0;
        result.memory_bytes =
            std::max(result.memory_bytes, sampler.memory_bytes() + r1.memory_bytes() +
                                              r2.memory_bytes() + coverage.memory_bytes);
        // Also ask that the chosen seeds' estimated reach be precise: relative standard error of
        // the R2 estimate at most eps / 5 (so the reach reported is good to about +-2 eps / 5).
        const double hit = covered_r2 / count;
        const bool precise =
            hit > 0.0 && (1.0 - hit) / (hit * count) <= std::pow(params.epsilon / 10.0, 2.0);
        const bool reached = certified >= target && precise;
        const bool last = round >= rounds || (params.max_rr_sets && theta >= params.max_rr_sets);
        if (params.progress)
            params.progress("round " + std::to_string(round) + "/" + std::to_string(rounds) +
                            ": 2 x " + std::to_string(theta) + " RR sets, certified ratio " +
                            std::to_string(certified) + " (target " + std::to_string(target) + ")");
        if (reached || last) {
            result.seeds = coverage.seeds;
            for (const auto gain : gains)
                result.marginal_estimate.push_back(scale * static_cast<double>(gain) / count);
            result.estimated_spread =
                scale * covered_r2 / count;  // from R2: unbiased for the chosen seeds
            result.certified_approximation = certified;
            result.rr_sets = r1.count() + r2.count();
            result.rr_entries = r1.members.size() + r2.members.size();
            result.rounds = round;
            // Past theta_max the target holds by OPIM-C's analysis (without a budget); otherwise it
            // holds when the certified ratio reached it.
            result.guarantee_holds =
                certified >= target || (round >= rounds && !budgeted && std::isfinite(theta_max) &&
                                        !(params.max_rr_sets && theta >= params.max_rr_sets &&
                                          static_cast<double>(theta) < theta_max));
            return result;
        }
        theta *= 2;
        // The next round holds twice the RR sets (and their index) of this one.
        const std::size_t next =
            sampler.memory_bytes() +
            2 * (r1.memory_bytes() + r2.memory_bytes() + coverage.memory_bytes);
        if (params.memory_limit && next > params.memory_limit)
            throw UsageError("seeds: round " + std::to_string(round + 1) + " would need about " +
                             std::to_string(next >> 20) +
                             " MiB for its RR sets, over the memory limit of " +
                             std::to_string(params.memory_limit >> 20) +
                             " MiB (raise --memory-limit, or eps for fewer RR sets)");
    }
}

namespace {
std::vector<NodeId> allowed_nodes(const InfluenceGraph& graph,
                                  std::span<const std::uint8_t> candidates) {
    if (!candidates.empty() && candidates.size() != graph.num_nodes())
        throw UsageError("seeds: the candidate mask must have one entry per customer");
    std::vector<NodeId> nodes;
    for (NodeId node = 0; node < graph.num_nodes(); ++node)
        if (may_be_seed(graph, candidates, node)) nodes.push_back(node);
    return nodes;
}
}  // namespace

std::vector<NodeId> top_scored_seeds(const InfluenceGraph& graph, std::span<const double> score,
                                     std::uint32_t k, std::span<const std::uint8_t> candidates) {
    if (score.size() != graph.num_nodes())
        throw UsageError("seeds: the scores must have one entry per customer");
    std::vector<NodeId> nodes = allowed_nodes(graph, candidates);
    const std::size_t keep = std::min<std::size_t>(k, nodes.size());
    std::partial_sort(
        nodes.begin(), nodes.begin() + static_cast<std::ptrdiff_t>(keep), nodes.end(),
        [&](NodeId a, NodeId b) { return score[a] != score[b] ? score[a] > score[b] : a < b; });
    nodes.resize(keep);
    return nodes;
}

std::vector<NodeId> random_seeds(const InfluenceGraph& graph, std::uint32_t k, std::uint64_t seed,
                                 std::span<const std::uint8_t> candidates) {
    std::vector<NodeId> nodes = allowed_nodes(graph, candidates);
    // Only the first k places are drawn: the same k as a full shuffle would put first.
    const std::size_t keep = std::min<std::size_t>(k, nodes.size());
    RandomStream random{seed};
    partial_shuffle(nodes.begin(), nodes.begin() + static_cast<std::ptrdiff_t>(keep), nodes.end(),
                    random);
    nodes.resize(keep);
    return nodes;
}

SeedSelectionResult celf_seeds(const InfluenceGraph& graph, std::span<const double> weights,
                               const SeedSelectionParams& params, std::uint32_t simulations) {
    const NodeId n = graph.num_nodes();
    const EdgeId m = graph.num_edges();
    params.validate(n);
    if (params.budget > 0.0) throw UsageError("CELF cross-check: budgets are not supported");
    if (simulations < 1) throw UsageError("CELF cross-check: at least one simulation is needed");
    if (weights.size() != m) throw InternalError("celf_seeds: one weight per edge expected");
    for (const double w : weights)
        if (!(w >= 0.0 && w <= 1.0))
            throw UsageError("seeds: edge probabilities must be in [0, 1]");
    std::vector<NodeId> candidates;
    for (NodeId node = 0; node < n; ++node)
        if (may_be_seed(graph, params.candidates, node)) candidates.push_back(node);
    if (params.k > candidates.size())
        throw UsageError("seeds: k = " + std::to_string(params.k) + " but only " +
                         std::to_string(candidates.size()) + " customers may be chosen");

    // Live-edge worlds (Kempe, Kleinberg & Tardos 2003): IC keeps each edge with probability
    // p(u,v); LT lets each node keep at most one in-edge, (u,v) with probability b(u,v). The spread
    // of a seed set is the mean, over worlds, of what the seeds reach.
    const std::size_t edge_words = (static_cast<std::size_t>(m) + 63) / 64;
    const std::size_t node_words = (static_cast<std::size_t>(n) + 63) / 64;
    std::vector<std::uint64_t> live(edge_words * simulations, 0);
    std::vector<std::uint64_t> covered(node_words * simulations, 0);
    const auto in_offsets = graph.in_offsets();
    const auto in_edges = graph.in_edge_ids();
#pragma omp parallel for schedule(dynamic, 8)
    for (std::int64_t world = 0; world < static_cast<std::int64_t>(simulations); ++world) {
        RandomStream random =
            RandomStream::for_index(params.seed, static_cast<std::uint64_t>(world));
        std::uint64_t* bits = live.data() + static_cast<std::size_t>(world) * edge_words;
        if (params.model == DiffusionModel::linear_threshold) {
            for (NodeId v = 0; v < n; ++v) {
                const double r = random.uniform();
                double sum = 0.0;
                for (EdgeId position = in_offsets[v]; position < in_offsets[v + 1]; ++position) {
                    sum += weights[in_edges[position]];
                    if (r < sum) {
                        const EdgeId e = in_edges[position];
                        bits[e / 64] |= std::uint64_t{1} << (e % 64);
                        break;
                    }
                }
            }
        } else {
            for (EdgeId e = 0; e < m; ++e)
                if (random.uniform() < weights[e]) bits[e / 64] |= std::uint64_t{1} << (e % 64);
        }
    }
    const auto out_offsets = graph.out_offsets();
    const auto targets = graph.out_targets();
    const auto worth = [&](NodeId node) {
        return params.value_objective ? graph.value(node) : 1.0;
    };
    // What `source` adds in each world beyond what is covered: a BFS over live edges that stops
    // at covered customers (what they reach is covered already). With `take`, marks it covered.
    std::vector<double> per_world(simulations);
    const auto gain = [&](NodeId source, bool take) {
#pragma omp parallel
        {
            std::vector<NodeId> queue;
            std::vector<std::uint64_t> seen(node_words);
#pragma omp for schedule(dynamic, 16)
            for (std::int64_t world = 0; world < static_cast<std::int64_t>(simulations); ++world) {
                const std::uint64_t* bits =
                    live.data() + static_cast<std::size_t>(world) * edge_words;
                std::uint64_t* done = covered.data() + static_cast<std::size_t>(world) * node_words;
                const auto is_done = [&](NodeId v) {
                    return (done[v / 64] >> (v % 64) & 1) || (seen[v / 64] >> (v % 64) & 1);
                };
                double added = 0.0;
                queue.clear();
                if (!is_done(source)) {
                    queue.push_back(source);
                    seen[source / 64] |= std::uint64_t{1} << (source % 64);
                }
                for (std::size_t head = 0; head < queue.size(); ++head) {
                    const NodeId u = queue[head];
                    added += worth(u);
                    for (EdgeId e = out_offsets[u]; e < out_offsets[u + 1]; ++e) {
                        const NodeId v = targets[e];
                        if ((bits[e / 64] >> (e % 64) & 1) && !is_done(v)) {
                            seen[v / 64] |= std::uint64_t{1} << (v % 64);
                            queue.push_back(v);
                        }
                    }
                }
                for (const NodeId v : queue) {
                    seen[v / 64] &= ~(std::uint64_t{1} << (v % 64));
                    if (take) done[v / 64] |= std::uint64_t{1} << (v % 64);
                }
                per_world[static_cast<std::size_t>(world)] = added;
            }
        }
        return std::accumulate(per_world.begin(), per_world.end(), 0.0) /
               simulations;  // fixed order
    };
    // CELF (Leskovec et al. 2007): marginal gains only shrink, so a gain computed in an earlier
    // round is an upper bound; re-evaluate the top until it is fresh.
    struct Entry {
        double gain;
        NodeId node;
        std::uint32_t round;
    };
    std::vector<Entry> heap;
    const auto less = [](const Entry& a, const Entry& b) {
        return a.gain != b.gain ? a.gain < b.gain : a.node > b.node;
    };
    for (const NodeId node : candidates) heap.push_back({gain(node, false), node, 0});
    std::make_heap(heap.begin(), heap.end(), less);
    SeedSelectionResult result;
    while (result.seeds.size() < params.k && !heap.empty()) {
        std::pop_heap(heap.begin(), heap.end(), less);
        Entry top = heap.back();
        heap.pop_back();
        const auto round = static_cast<std::uint32_t>(result.seeds.size());
        if (top.round == round) {  // fresh: take it
            gain(top.node, true);
            result.seeds.push_back(top.node);
            result.marginal_estimate.push_back(top.gain);
            result.estimated_spread += top.gain;
            continue;
        }
        top.gain = gain(top.node, false);
        top.round = round;
        heap.push_back(top);
        std::push_heap(heap.begin(), heap.end(), less);
    }
    result.memory_bytes = (live.capacity() + covered.capacity()) * sizeof(std::uint64_t);
    result.approximation = 1.0 - 1.0 / std::exp(1.0);
    result.certified_approximation = 0.0;
    result.failure_probability = 0.0;
    result.guarantee_holds = false;  // up to Monte Carlo noise only
    return result;
}

}  // namespace catena
