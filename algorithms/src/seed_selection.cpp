#include "catena/algorithms/seed_selection.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <numeric>
#include <sstream>
#include <string>

#include "catena/algorithms/opim_c.hpp"
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
    // By size, not capacity: how the vectors grew depends on the thread count, the figure must not.
    std::size_t memory_bytes() const {
        return members.size() * sizeof(NodeId) + offsets.size() * sizeof(std::uint64_t);
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
    Sampler(const InfluenceGraph& graph, DiffusionWeights weights, DiffusionModel model,
            const RootSampler& roots, std::uint64_t seed)
        : graph_(graph), reverse_(graph, weights, model), roots_(roots), seed_(seed) {}

    // The sampler's node records (not the threads' scratch: the figure is the same at any thread
    // count).
    std::size_t memory_bytes() const { return reverse_.memory_bytes(); }

    // Appends RR sets number first .. first+count-1 (each from its own stream) to `out`, in order.
    // Each thread keeps its scratch and its buffer from call to call (no fresh pages each round);
    // chunks of sets go to whichever thread is free and are copied out in order.
    void draw(std::uint64_t first, std::uint64_t count, RRSets& out) {
        constexpr std::uint64_t kChunk = 2048;
        const std::uint64_t chunks = (count + kChunk - 1) / kChunk;
        const auto threads = static_cast<std::size_t>(std::max(1, omp_get_max_threads()));
        while (workers_.size() < threads)
            workers_.emplace_back(graph_.num_nodes(),
                                  reverse_.model() == DiffusionModel::independent_cascade);
        if (threads == 1 || chunks == 1) {  // straight into `out`
            draw_into(first, 0, count, workers_.front(), out);
            return;
        }
        // Per chunk: the thread that drew it and where its sets are in that thread's buffer.
        struct Drawn {
            std::size_t worker = 0;
            std::uint64_t first_set = 0, last_set = 0;
        };
        std::vector<Drawn> drawn(chunks);
        for (Worker& worker : workers_)
            worker.part.members.clear(), worker.part.offsets.assign(1, 0);
#pragma omp parallel
        {
            Worker& worker = workers_[static_cast<std::size_t>(omp_get_thread_num())];
#pragma omp for schedule(dynamic, 1)
            for (std::uint64_t chunk = 0; chunk < chunks; ++chunk) {
                drawn[chunk] = {static_cast<std::size_t>(omp_get_thread_num()), worker.part.count(),
                                0};
                draw_into(first, chunk * kChunk, std::min(count, (chunk + 1) * kChunk), worker,
                          worker.part);
                drawn[chunk].last_set = worker.part.count();
            }
        }
        for (const Drawn& chunk : drawn) {
            const RRSets& part = workers_[chunk.worker].part;
            const std::uint64_t from = part.offsets[chunk.first_set];
            const std::uint64_t base = out.members.size() - from;
            out.members.insert(
                out.members.end(), part.members.begin() + static_cast<std::ptrdiff_t>(from),
                part.members.begin() + static_cast<std::ptrdiff_t>(part.offsets[chunk.last_set]));
            for (std::uint64_t set = chunk.first_set + 1; set <= chunk.last_set; ++set)
                out.offsets.push_back(base + part.offsets[set]);
        }
    }

  private:
    struct Worker {
        // Independent Cascade draws several sets at once (lanes), Linear Threshold one at a time.
        Worker(NodeId n, bool cascade) : scratch(cascade ? 0 : n), lanes(cascade ? n : 0) {}
        ReverseSampler::Scratch scratch;
        ReverseSampler::Lanes lanes;
        std::vector<NodeId> members;  // the set being drawn
        RRSets part;                  // the sets this thread drew in this call
    };

    // Appends RR sets number first + begin .. first + end - 1 to `into`, drawn with `worker`'s
    // scratch.
    void draw_into(std::uint64_t first, std::uint64_t begin, std::uint64_t end, Worker& worker,
                   RRSets& into) const {
        if (reverse_.model() == DiffusionModel::independent_cascade) {
            reverse_.draw_many(
                first + begin, first + end,
                [&](std::uint64_t index) { return RandomStream::for_index(seed_, index); },
                [&](RandomStream& random) { return roots_.draw(random); }, worker.lanes,
                [&](std::span<const NodeId> members) {
                    into.members.insert(into.members.end(), members.begin(), members.end());
                    into.offsets.push_back(into.members.size());
                });
            return;
        }
        for (std::uint64_t index = begin; index < end; ++index) {
            RandomStream random = RandomStream::for_index(seed_, first + index);
            reverse_.draw(roots_.draw(random), random, worker.scratch, worker.members);
            into.members.insert(into.members.end(), worker.members.begin(), worker.members.end());
            into.offsets.push_back(into.members.size());
        }
    }

    const InfluenceGraph& graph_;
    ReverseSampler reverse_;
    const RootSampler& roots_;
    std::uint64_t seed_;
    std::vector<Worker> workers_;
};

using opim::Coverage;

// The RR sets each node is in: those of node v are sets_of[start[v] .. start[v+1]).
struct CoverageIndex {
    std::vector<std::uint64_t> start;
    std::vector<std::uint32_t> sets_of;
    // RR sets `node` is in.
    std::uint64_t sets_with(NodeId node) const { return start[node + 1] - start[node]; }
};

// Builds the index of the RR sets each node is in (a counting sort of the members by node), into
// `index`'s buffers (kept from round to round: no fresh pages to fault in).
void index_rr_sets(const RRSets& rr, NodeId n, CoverageIndex& index) {
    std::vector<std::uint64_t>& start = index.start;
    start.assign(static_cast<std::size_t>(n) + 1, 0);
    index.sets_of.resize(rr.members.size());
    for (const NodeId node : rr.members) ++start[node + 1];
    for (NodeId node = 0; node < n; ++node) start[node + 1] += start[node];
    for (std::uint64_t r = 0; r < rr.count(); ++r)
        for (std::uint64_t position = rr.offsets[r]; position < rr.offsets[r + 1]; ++position)
            index.sets_of[start[rr.members[position]]++] = static_cast<std::uint32_t>(r);
    // start[v] now holds where v's sets end, which is where v + 1's begin: shift back by one.
    for (NodeId node = n; node > 0; --node) start[node] = start[node - 1];
    start[0] = 0;
}

// The greedy's working state.
struct GreedyState {
    std::vector<NodeId> active;         // may be chosen, in some RR set (and affordable)
    std::vector<std::uint32_t> degree;  // marginal coverage of each node
    std::vector<std::uint8_t> covered;  // per RR set: covered by the seeds so far
};

// A candidate in the greedy's lazy max-heap: its marginal coverage when it was pushed (never
// below its coverage now: coverage only falls), highest first, then the lowest NodeId.
struct HeapEntry {
    std::uint32_t gain;
    NodeId node;
};
inline bool heap_less(const HeapEntry& a, const HeapEntry& b) {
    return a.gain != b.gain ? a.gain < b.gain : a.node > b.node;
}

// Everything the greedy keeps from round to round (their capacity, not their contents).
struct GreedyBuffers {
    CoverageIndex index;
    GreedyState state;
    std::vector<HeapEntry> heap, fresh;
};

// The nodes that may be chosen and are in some RR set, and every node's coverage on its own.
void initial_state(const RRSets& rr, NodeId n, const CoverageIndex& index,
                   const std::vector<std::uint8_t>& allowed, const InfluenceGraph& graph,
                   double budget, GreedyState& state) {
    const bool budgeted = budget > 0.0;
    state.degree.resize(n);
    state.active.clear();
    for (NodeId node = 0; node < n; ++node) {
        state.degree[node] = static_cast<std::uint32_t>(index.start[node + 1] - index.start[node]);
        if (allowed[node] && state.degree[node] > 0 && (!budgeted || graph.cost(node) <= budget))
            state.active.push_back(node);
    }
    state.covered.assign(rr.count(), 0);
}

// The bytes the greedy's index, state and heap take.
std::size_t greedy_memory(const GreedyBuffers& buffers) {
    const CoverageIndex& index = buffers.index;
    const GreedyState& state = buffers.state;
    return index.start.capacity() * sizeof(std::uint64_t) +
           index.sets_of.capacity() * sizeof(std::uint32_t) +
           state.degree.capacity() * sizeof(std::uint32_t) +
           state.active.capacity() * sizeof(NodeId) + state.covered.capacity() +
           (buffers.heap.capacity() + buffers.fresh.capacity()) * sizeof(HeapEntry);
}

// The greedy's next seed, and the sum of the k largest marginal coverages (for the upper bound).
struct GreedyPick {
    NodeId best = kNoNode;
    std::uint64_t top_sum = 0;
};

// One pass over the active nodes: the best gain (per cost, with a budget) that still fits the
// budget, and the k largest marginal coverages (kept in `top`, a min-heap).
GreedyPick pick_next(const GreedyState& state, std::uint32_t k, const InfluenceGraph& graph,
                     double budget, double spent, std::vector<std::uint32_t>& top) {
    const bool budgeted = budget > 0.0;
    GreedyPick pick;
    double best_score = 0.0;
    top.clear();
    for (const NodeId node : state.active) {
        const std::uint32_t gain = state.degree[node];
        if (gain == 0) continue;  // chosen, or adds nothing now
        opim::keep_largest(top, k, gain);
        if (budgeted && spent + graph.cost(node) > budget) continue;
        const double score =
            budgeted ? gain / std::max(graph.cost(node), 1e-12) : static_cast<double>(gain);
        if (score > best_score) {
            pick.best = node;
            best_score = score;
        }
    }
    pick.top_sum = std::accumulate(top.begin(), top.end(), std::uint64_t{0});
    return pick;
}

// pick_next without a budget, from a lazy max-heap of the candidates: pops until the k best
// entries are current (an entry whose gain has fallen since goes back with its gain now; one
// whose gain is 0 is dropped), then puts them back. The same pick and top-k sum as pick_next at
// the cost of about k heap operations instead of a pass over every candidate.
GreedyPick pick_next_lazy(const GreedyState& state, std::uint32_t k, std::vector<HeapEntry>& heap,
                          std::vector<HeapEntry>& fresh) {
    fresh.clear();
    while (fresh.size() < k && !heap.empty()) {
        std::pop_heap(heap.begin(), heap.end(), heap_less);
        const HeapEntry entry = heap.back();
        heap.pop_back();
        const std::uint32_t now = state.degree[entry.node];
        if (now == 0) continue;  // chosen, or adds nothing now
        if (now != entry.gain) {
            heap.push_back({now, entry.node});
            std::push_heap(heap.begin(), heap.end(), heap_less);
            continue;
        }
        fresh.push_back(entry);
    }
    GreedyPick pick;
    if (!fresh.empty()) pick.best = fresh.front().node;
    for (const HeapEntry& entry : fresh) {
        pick.top_sum += entry.gain;
        heap.push_back(entry);
        std::push_heap(heap.begin(), heap.end(), heap_less);
    }
    return pick;
}

// Adds `best` to the seeds with its gain, marks its RR sets covered and lowers their members'
// marginal coverage.
void take_seed(NodeId best, const RRSets& rr, const CoverageIndex& index, GreedyState& state,
               Coverage& result) {
    result.seeds.push_back(best);
    result.gains.push_back(state.degree[best]);
    result.covered += state.degree[best];
    for (std::uint64_t k_pos = index.start[best]; k_pos < index.start[best + 1]; ++k_pos) {
        const std::uint32_t r = index.sets_of[k_pos];
        if (state.covered[r]) continue;
        state.covered[r] = 1;
        for (std::uint64_t position = rr.offsets[r]; position < rr.offsets[r + 1]; ++position)
            --state.degree[rr.members[position]];
    }
}

// Tops the seeds up to k when every RR set is covered first: the allowed nodes not chosen that
// cover the most RR sets on their own, then by NodeId, each with a gain of 0.
void fill_to_k(Coverage& result, NodeId n, std::uint32_t k,
               const std::vector<std::uint8_t>& allowed, const CoverageIndex& index) {
    std::vector<std::uint8_t> chosen(n, 0);
    for (const NodeId seed : result.seeds) chosen[seed] = 1;
    std::vector<NodeId> rest;
    for (NodeId node = 0; node < n; ++node)
        if (allowed[node] && !chosen[node]) rest.push_back(node);
    const auto alone = [&](NodeId node) { return index.sets_with(node); };
    const auto fill = std::min<std::size_t>(k - result.seeds.size(), rest.size());
    std::partial_sort(
        rest.begin(), rest.begin() + static_cast<std::ptrdiff_t>(fill), rest.end(),
        [&](NodeId a, NodeId b) { return alone(a) != alone(b) ? alone(a) > alone(b) : a < b; });
    for (std::size_t slot = 0; slot < fill; ++slot) {
        result.seeds.push_back(rest[slot]);
        result.gains.push_back(0);
    }
}

// With a budget, swaps in the best single affordable node if it alone covers more; returns
// `upper` capped by the coverage over the greedy's ratio.
double finish_upper_bound(Coverage& result, const std::vector<NodeId>& active,
                          const CoverageIndex& index, bool budgeted, double upper) {
    const double e_factor = 1.0 - 1.0 / std::exp(1.0);
    if (!budgeted) return std::min(upper, static_cast<double>(result.covered) / e_factor);
    NodeId single = kNoNode;
    std::uint64_t single_cover = 0;
    for (const NodeId node : active)
        if (index.sets_with(node) > single_cover) {
            single = node;
            single_cover = index.sets_with(node);
        }
    if (single != kNoNode && single_cover > result.covered) {
        result.seeds.assign(1, single);
        result.gains.assign(1, single_cover);
        result.covered = single_cover;
    }
    return std::min(upper, static_cast<double>(result.covered) / (e_factor / 2.0));
}

// Greedy maximum coverage of the RR sets by k allowed nodes (at most k within the budget, by gain
// per cost, if there is one).
Coverage greedy(const RRSets& rr, NodeId n, std::uint32_t k,
                const std::vector<std::uint8_t>& allowed, const InfluenceGraph& graph,
                double budget, GreedyBuffers& buffers) {
    CoverageIndex& index = buffers.index;
    GreedyState& state = buffers.state;
    index_rr_sets(rr, n, index);
    const bool budgeted = budget > 0.0;
    initial_state(rr, n, index, allowed, graph, budget, state);
    if (!budgeted) {
        buffers.heap.clear();
        for (const NodeId node : state.active) buffers.heap.push_back({state.degree[node], node});
        std::make_heap(buffers.heap.begin(), buffers.heap.end(), heap_less);
    }
    Coverage result;
    result.memory_bytes = greedy_memory(buffers);
    double spent = 0.0;
    double upper = std::numeric_limits<double>::infinity();
    std::vector<std::uint32_t> top;  // min-heap of the k largest marginal coverages
    for (;;) {
        // The next seed, and the k largest marginal coverages for the upper bound.
        const GreedyPick pick = budgeted ? pick_next(state, k, graph, budget, spent, top)
                                         : pick_next_lazy(state, k, buffers.heap, buffers.fresh);
        upper = std::min(upper,
                         static_cast<double>(result.covered) + static_cast<double>(pick.top_sum));
        if (pick.best == kNoNode || result.seeds.size() == k) break;
        spent += budgeted ? graph.cost(pick.best) : 0.0;
        take_seed(pick.best, rr, index, state, result);
    }
    // Every RR set is covered before k seeds (a hub that reaches everyone, say): the rest add
    // nothing the sample can see. Still return k seeds, as asked.
    if (!budgeted && result.seeds.size() < k) fill_to_k(result, n, k, allowed, index);
    result.best_upper_bound = finish_upper_bound(result, state.active, index, budgeted, upper);
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

// Throws unless every edge probability is in [0, 1].
void check_probabilities(std::span<const double> weights) {
    for (const double w : weights)
        if (!(w >= 0.0 && w <= 1.0))
            throw UsageError("seeds: edge probabilities must be in [0, 1]");
}

// Which customers may be seeds, and how many may.
struct CandidateMask {
    std::vector<std::uint8_t> allowed;
    NodeId count = 0;
};

// Throws unless a budget can buy something: some customer has a cost (a budget over costs that
// were never given is refused, not read as "everyone costs 1"), and the cheapest allowed customer
// costs at most the budget.
void check_budget(const InfluenceGraph& graph, const SeedSelectionParams& params,
                  const std::vector<std::uint8_t>& allowed) {
    if (params.budget <= 0.0) return;
    bool any_cost = false;
    double cheapest = std::numeric_limits<double>::infinity();
    for (NodeId node = 0; node < graph.num_nodes(); ++node) {
        any_cost = any_cost || graph.has_cost(node);
        if (allowed[node]) cheapest = std::min(cheapest, graph.cost(node));
    }
    const auto number = [](double x) {
        std::ostringstream text;
        text << x;
        return text.str();
    };
    if (!any_cost)
        throw UsageError(
            "seeds: a budget needs the customers' costs, and no customer has one (give customers "
            "a cost column, or choose by k alone)");
    if (cheapest > params.budget)
        throw UsageError("seeds: a budget of " + number(params.budget) +
                         " buys no customer that may be chosen: the cheapest costs " +
                         number(cheapest));
}

// The customers may_be_seed allows; throws if fewer than k of them, or if a budget buys none.
CandidateMask candidate_mask(const InfluenceGraph& graph, const SeedSelectionParams& params) {
    const NodeId n = graph.num_nodes();
    CandidateMask mask{std::vector<std::uint8_t>(n, 1), 0};
    for (NodeId node = 0; node < n; ++node) {
        mask.allowed[node] = may_be_seed(graph, params.candidates, node);
        mask.count += mask.allowed[node];
    }
    if (params.k > mask.count)
        throw UsageError("seeds: k = " + std::to_string(params.k) + " but only " +
                         std::to_string(mask.count) +
                         " customers may be chosen (opt-outs and filters excluded)");
    check_budget(graph, params, mask.allowed);
    return mask;
}

// How RR set roots are drawn, and the objective's range.
struct Objective {
    RootSampler roots;
    double scale = 0.0;          // the most the objective can reach
    double optimum_floor = 0.0;  // the least the best k seeds reach: themselves
};

// Customers reached (uniform roots), or value reached (roots in proportion to value, the floor
// the k largest allowed values).
Objective make_objective(const InfluenceGraph& graph, const SeedSelectionParams& params,
                         const std::vector<std::uint8_t>& allowed) {
    const NodeId n = graph.num_nodes();
    Objective objective;
    objective.roots.n = n;
    objective.scale = n;
    objective.optimum_floor = params.k;
    if (params.objective != SeedObjective::value) return objective;
    std::vector<double>& cumulative = objective.roots.cumulative;
    cumulative.resize(n);
    double total = 0.0;
    for (NodeId node = 0; node < n; ++node) cumulative[node] = total += graph.value(node);
    if (!(total > 0.0))
        throw UsageError("seeds: the value objective needs customers with a value above 0");
    objective.scale = total;
    std::vector<double> values;
    for (NodeId node = 0; node < n; ++node)
        if (allowed[node]) values.push_back(graph.value(node));
    const auto keep = static_cast<std::ptrdiff_t>(std::min<std::size_t>(params.k, values.size()));
    std::nth_element(values.begin(), values.begin() + keep - 1, values.end(), std::greater<>());
    objective.optimum_floor = std::accumulate(values.begin(), values.begin() + keep, 0.0);
    return objective;
}

// The RR sets of a run: R1 picks the seeds and bounds the best, R2 estimates the seeds' spread.
struct Collections {
    RRSets r1, r2;
};

// The sample in this process: the RR sets, their sampler and the greedy's buffers.
class LocalBackend {
  public:
    LocalBackend(const InfluenceGraph& graph, DiffusionWeights weights,
                 const SeedSelectionParams& params, const CandidateMask& mask,
                 const RootSampler& roots)
        : graph_(graph),
          params_(params),
          mask_(mask),
          sampler_(graph, weights, params.model, roots, params.seed) {}

    void draw_r1(std::uint64_t first, std::uint64_t count) { sampler_.draw(first, count, rr_.r1); }
    void draw_r2(std::uint64_t first, std::uint64_t count) { sampler_.draw(first, count, rr_.r2); }
    std::uint64_t r1_count() const { return rr_.r1.count(); }
    std::uint64_t r2_count() const { return rr_.r2.count(); }
    std::uint64_t entries() const { return rr_.r1.members.size() + rr_.r2.members.size(); }
    std::size_t sampler_bytes() const { return sampler_.memory_bytes(); }
    std::size_t r1_bytes() const { return rr_.r1.memory_bytes(); }
    std::size_t r2_bytes() const { return rr_.r2.memory_bytes(); }
    Coverage greedy() {
        return catena::greedy(rr_.r1, graph_.num_nodes(), params_.k, mask_.allowed, graph_,
                              params_.budget, buffers_);
    }
    std::vector<std::uint64_t> r2_gains(const std::vector<NodeId>& seeds) const {
        return coverage_gains(rr_.r2, graph_.num_nodes(), seeds);
    }

  private:
    const InfluenceGraph& graph_;
    const SeedSelectionParams& params_;
    const CandidateMask& mask_;
    Sampler sampler_;
    Collections rr_;
    GreedyBuffers buffers_;
};

}  // namespace

namespace opim {

namespace {

// RR sets the seeds cover, from their gains.
double total_covered(const std::vector<std::uint64_t>& gains) {
    return static_cast<double>(std::accumulate(gains.begin(), gains.end(), std::uint64_t{0}));
}

double log_binomial(double n, double k) {
    return std::lgamma(n + 1) - std::lgamma(k + 1) - std::lgamma(n - k + 1);
}

}  // namespace

Schedule make_schedule(const SeedSelectionParams& params, double n, double candidates, double scale,
                       double optimum_floor) {
    const double e_factor = 1.0 - 1.0 / std::exp(1.0);
    Schedule schedule;
    schedule.budgeted = params.budget > 0.0;
    schedule.target = (schedule.budgeted ? e_factor / 2.0 : e_factor) - params.epsilon;
    const double delta = params.delta > 0.0 ? params.delta : 1.0 / std::max<double>(n, 2.0);
    schedule.delta = delta;
    const double eps = params.epsilon;
    const double log_cnk = log_binomial(candidates, params.k);
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
    schedule.theta_0 = theta_0;
    schedule.theta_max = theta_max;
    schedule.rounds = rounds;
    schedule.a = std::log(3.0 * (rounds + kExtraRounds) / delta);
    return schedule;
}

double certified_ratio(const Coverage& coverage, const std::vector<std::uint64_t>& gains,
                       std::uint64_t r1_count, std::uint64_t r2_count, const Schedule& schedule,
                       double scale) {
    const double a = schedule.a;
    const double lower = std::max(
        0.0, (std::pow(std::sqrt(total_covered(gains) + 2.0 * a / 9.0) - std::sqrt(a / 2.0), 2.0) -
              a / 18.0) *
                 scale / static_cast<double>(r2_count));
    const double upper =
        std::pow(std::sqrt(coverage.best_upper_bound + a / 2.0) + std::sqrt(a / 2.0), 2.0) * scale /
        static_cast<double>(r1_count);
    return upper > 0.0 ? lower / upper : 0.0;
}

double relative_standard_error(double covered, double count) {
    const double hit = covered / count;
    return hit > 0.0 ? std::sqrt((1.0 - hit) / (hit * count))
                     : std::numeric_limits<double>::infinity();
}

void report_round(const SeedSelectionParams& params, int round, const Schedule& schedule,
                  std::uint64_t r1_count, std::uint64_t r2_count, double certified) {
    if (params.progress)
        params.progress("round " + std::to_string(round) + "/" + std::to_string(schedule.rounds) +
                        ": " + std::to_string(r1_count) + " + " + std::to_string(r2_count) +
                        " RR sets, certified ratio " + std::to_string(certified) + " (target " +
                        std::to_string(schedule.target) + ")");
}

void finish_result(SeedSelectionResult& result, const Coverage& coverage,
                   const std::vector<std::uint64_t>& gains, double certified,
                   std::uint64_t r2_count, const Schedule& schedule, double scale, int round,
                   std::uint64_t theta) {
    result.seeds = coverage.seeds;
    const double count = static_cast<double>(r2_count);
    for (const auto gain : gains)
        result.marginal_estimate.push_back(scale * static_cast<double>(gain) / count);
    const double covered = total_covered(gains);
    result.estimated_spread = scale * covered / count;
    const double hit = covered / count;
    result.estimated_spread_se = scale * std::sqrt(hit * (1.0 - hit) / count);
    result.certified_approximation = certified;
    result.rounds = round;
    // Past theta_max the target holds by OPIM-C's analysis (without a budget); otherwise it
    // holds when the certified ratio reached it.
    result.guarantee_holds =
        certified >= schedule.target || (!schedule.budgeted && std::isfinite(schedule.theta_max) &&
                                         static_cast<double>(theta) >= schedule.theta_max);
}

void throw_next_round_memory(int round, std::size_t next, std::size_t limit) {
    throw UsageError(
        "seeds: round " + std::to_string(round + 1) + " would need about " +
        std::to_string(next >> 20) + " MiB for its RR sets, over the memory limit of " +
        std::to_string(limit >> 20) + " MiB (raise --memory-limit, or eps for fewer RR sets)");
}

}  // namespace opim

std::string_view to_string(SeedObjective objective) {
    return objective == SeedObjective::value ? "value" : "customers";
}

std::optional<SeedObjective> parse_seed_objective(std::string_view text) {
    if (text == "customers") return SeedObjective::customers;
    if (text == "value") return SeedObjective::value;
    return std::nullopt;
}

void SeedSelectionParams::validate(NodeId num_nodes) const {
    if (k < 1) throw UsageError("seeds: k must be at least 1");
    if (!(epsilon > 0.0 && epsilon < 1.0)) throw UsageError("seeds: eps must be in (0, 1)");
    if (!(delta >= 0.0 && delta < 1.0)) throw UsageError("seeds: delta must be in (0, 1)");
    if (!(budget >= 0.0) || !std::isfinite(budget))
        throw UsageError("seeds: the budget must be a number >= 0");
    if (!candidates.empty() && candidates.size() != num_nodes)
        throw UsageError("seeds: the candidate mask must have one entry per customer");
}

SeedPlan plan_seeds(const InfluenceGraph& graph, const SeedSelectionParams& params) {
    CandidateMask mask = candidate_mask(graph, params);
    Objective objective = make_objective(graph, params, mask.allowed);
    SeedPlan plan{
        std::move(mask.allowed), mask.count, std::move(objective.roots.cumulative), objective.scale,
        objective.optimum_floor, {}};
    if (params.budget > 0.0) {
        plan.costs.resize(graph.num_nodes());
        for (NodeId node = 0; node < graph.num_nodes(); ++node) plan.costs[node] = graph.cost(node);
    }
    return plan;
}

SeedSelectionResult select_seeds(const InfluenceGraph& graph, DiffusionWeights weights,
                                 const SeedSelectionParams& params) {
    const NodeId n = graph.num_nodes();
    params.validate(n);
    if (!weights.derived() && weights.stated().size() != graph.num_edges())
        throw InternalError("select_seeds: one weight per edge expected");
    if (params.model == DiffusionModel::linear_threshold && weights.derived())
        throw InternalError("select_seeds: Linear Threshold needs its weights stated");
    check_probabilities(weights.stated());
    const CandidateMask mask = candidate_mask(graph, params);
    const Objective objective = make_objective(graph, params, mask.allowed);
    LocalBackend backend(graph, weights, params, mask, objective.roots);
    const opim::Schedule schedule =
        opim::make_schedule(params, n, mask.count, objective.scale, objective.optimum_floor);
    return opim::run(backend, params, schedule, objective.scale);
}

}  // namespace catena
