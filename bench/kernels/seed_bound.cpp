// How far could ANY k seeds reach? An upper bound on the best Independent Cascade spread of k
// customers (OPT), to judge seed sets against it: are they within 1% of the best possible?
//
// The tool draws THETA reverse-reachable (RR) sets as `catena seeds` draws them (catena's
// ReverseSampler, uniform roots, RR set i from RandomStream::for_index(seed, i), the default
// weighted-cascade probabilities); a set's spread is estimated as n x the fraction of RR sets it
// covers. Every bound below is a bound on the coverage of this sample by the best k nodes, hence
// on OPT's coverage of it:
//   - submodularity: for any set T, cover(OPT) <= cover(T) + the sum of the k largest marginal
//     coverages given T. The tool prints it at each step i = 0..k of the greedy max coverage of
//     the sample (T = its first i seeds S_i; step 0: the sum of the k largest singleton
//     coverages), the least over the steps being OPIM-C's bound (Tang et al. 2018), and with T =
//     each seed set given by --seeds-file (with that set's coverage);
//   - the linear relaxation of max coverage, by its Lagrangian (see lagrangian_bound): much
//     tighter when many nodes have similar marginal coverages, as on graphs whose spread comes
//     from many hubs of similar reach;
//   - the upper confidence bound on OPT from the least of them: with probability >= 1 - delta,
//     OPT <= (sqrt(bound + a/2) + sqrt(a/2))^2 x n / THETA, a = ln(1 / delta), bound in RR sets
//     (OPT's coverage of the sample is a binomial count; any bound on it computed from the sample,
//     however found, may stand for it).
// Usage: seed_bound --edges E --rr-sets THETA --seed S [--k 50] [--delta 1e-6]
//                   [--iterations 200] [--seeds-file F ...]
// Built with -DCATENA_BUILD_BENCH=ON; run by hand, not by the tests. One thread is enough (and
// what OMP_NUM_THREADS=1 gives): the sampler's set-up is the only parallel part.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <limits>
#include <numeric>
#include <optional>
#include <string>
#include <vector>

#include "catena/algorithms/propagation.hpp"
#include "catena/loaders/load.hpp"

#include "random_stream.hpp"
#include "reverse_sampler.hpp"

using namespace catena;
using Clock = std::chrono::steady_clock;

namespace {

double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

[[noreturn]] void fail(const std::string& message) {
    std::fprintf(stderr, "seed_bound: %s\n", message.c_str());
    std::exit(2);
}

// RR sets, flat: members of set r are members[offsets[r] .. offsets[r+1]); and the sets each
// node is in: those of node v are sets_of[start[v] .. start[v+1]).
struct Sample {
    std::vector<NodeId> members;
    std::vector<std::uint64_t> offsets{0};
    std::vector<std::uint64_t> start;
    std::vector<std::uint32_t> sets_of;
    std::uint64_t count() const { return offsets.size() - 1; }
};

// Sum of the k largest of `gains`.
std::uint64_t top_sum(const std::vector<std::uint32_t>& gains, std::uint32_t k) {
    std::vector<std::uint32_t> top;  // a min-heap of the k largest so far
    for (const std::uint32_t gain : gains) {
        if (top.size() < k) {
            top.push_back(gain);
            std::push_heap(top.begin(), top.end(), std::greater<>());
        } else if (gain > top.front()) {
            std::pop_heap(top.begin(), top.end(), std::greater<>());
            top.back() = gain;
            std::push_heap(top.begin(), top.end(), std::greater<>());
        }
    }
    return std::accumulate(top.begin(), top.end(), std::uint64_t{0});
}

// Marks the RR sets `node` is in as covered and lowers their members' marginal coverage; returns
// the sets it newly covered.
std::uint64_t cover(NodeId node, const Sample& sample, std::vector<std::uint8_t>& covered,
                    std::vector<std::uint32_t>& gain) {
    std::uint64_t newly = 0;
    for (std::uint64_t position = sample.start[node]; position < sample.start[node + 1];
         ++position) {
        const std::uint32_t r = sample.sets_of[position];
        if (covered[r]) continue;
        covered[r] = 1;
        ++newly;
        for (std::uint64_t member = sample.offsets[r]; member < sample.offsets[r + 1]; ++member)
            --gain[sample.members[member]];
    }
    return newly;
}

// The linear relaxation of max coverage, from its Lagrangian: for any price lambda_r in [0, 1] on
// each RR set r, a set S of k nodes covers at most
//     sum over r of (1 - lambda_r) + sum over v in S of w_v,   w_v = sum of lambda_r over v's sets,
// since an RR set that S covers counts 1 <= (1 - lambda_r) + lambda_r x (its nodes in S), and one
// it misses 0 <= 1 - lambda_r; so every S covers at most sum (1 - lambda_r) + the k largest w_v.
// With lambda = 1 on the sets S_i misses and 0 on those it covers, this is the greedy's bound at
// step i; the least over all lambda is the relaxation's value. Lowered from `lambda` by projected
// subgradient steps, Polyak's aimed at `target` (a coverage some k nodes reach, so never above
// the least value): the subgradient at r is (the nodes of the k largest w_v in r) - 1. Returns
// the least value seen, in RR sets (each one is a bound); prints its progress as spreads (RR sets
// x scale).
double lagrangian_bound(const Sample& sample, NodeId n, std::uint32_t k, std::vector<float> lambda,
                        double target, int iterations, double scale) {
    const Clock::time_point start = Clock::now();
    const std::uint64_t theta = sample.count();
    std::vector<double> w(n);
    std::vector<NodeId> order(n);
    std::vector<std::uint8_t> hits(theta);  // per RR set: nodes of the top k in it (at most 255)
    double least = std::numeric_limits<double>::infinity();
    for (int iteration = 0; iteration < iterations; ++iteration) {
        std::fill(w.begin(), w.end(), 0.0);
        double outside = 0.0;  // sum of (1 - lambda_r)
        for (std::uint64_t r = 0; r < theta; ++r) {
            const double price = lambda[r];
            outside += 1.0 - price;
            if (price == 0.0) continue;
            for (std::uint64_t member = sample.offsets[r]; member < sample.offsets[r + 1]; ++member)
                w[sample.members[member]] += price;
        }
        std::iota(order.begin(), order.end(), NodeId{0});
        std::nth_element(order.begin(), order.begin() + k, order.end(),
                         [&](NodeId a, NodeId b) { return w[a] > w[b]; });
        double value = outside;
        for (std::uint32_t i = 0; i < k; ++i) value += w[order[i]];
        least = std::min(least, value);
        if (iteration % 50 == 0 || iteration + 1 == iterations)
            std::printf("  iteration %d: %.0f (least so far %.0f), %.1f s\n", iteration,
                        value * scale, least * scale, seconds_since(start));
        std::fill(hits.begin(), hits.end(), 0);
        for (std::uint32_t i = 0; i < k; ++i)
            for (std::uint64_t p = sample.start[order[i]]; p < sample.start[order[i] + 1]; ++p)
                if (hits[sample.sets_of[p]] < 255) ++hits[sample.sets_of[p]];
        // The subgradient's squared norm, without the coordinates the box [0, 1] stops.
        const auto stopped = [&](std::uint64_t r, double g) {
            return (g < 0.0 && lambda[r] >= 1.0f) || (g > 0.0 && lambda[r] <= 0.0f);
        };
        double norm = 0.0;
        for (std::uint64_t r = 0; r < theta; ++r) {
            const double g = hits[r] - 1.0;
            if (!stopped(r, g)) norm += g * g;
        }
        if (norm == 0.0 || value <= target) break;  // optimal
        const double step = (value - target) / norm;
        for (std::uint64_t r = 0; r < theta; ++r)
            lambda[r] =
                static_cast<float>(std::clamp(lambda[r] - step * (hits[r] - 1.0), 0.0, 1.0));
    }
    return least;
}

// The customer ids of a seeds file: one per line (a first line `id` is a header), or a CSV table
// with an `id` column.
std::vector<std::string> read_ids(const std::string& path) {
    std::ifstream in(path);
    if (!in) fail("cannot open " + path);
    std::vector<std::string> ids;
    std::string line;
    std::size_t column = 0;
    for (bool first = true; std::getline(in, line); first = false) {
        while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
        std::vector<std::string> fields(1);
        for (const char c : line) {
            if (c == ',')
                fields.emplace_back();
            else
                fields.back().push_back(c);
        }
        if (first) {
            const auto id = std::find(fields.begin(), fields.end(), "id");
            if (id != fields.end()) {
                column = static_cast<std::size_t>(id - fields.begin());
                continue;
            }
        }
        if (line.empty()) continue;
        if (column >= fields.size()) fail(path + ": a line without an id column: " + line);
        ids.push_back(fields[column]);
    }
    return ids;
}

}  // namespace

int main(int argc, char** argv) {
    std::string edges;
    std::uint64_t theta = 0, seed = 1;
    std::uint32_t k = 50;
    double delta = 1e-6;
    int iterations = 200;
    std::vector<std::string> seeds_files;
    for (int arg = 1; arg < argc; ++arg) {
        const std::string name = argv[arg];
        if (arg + 1 >= argc) fail("missing value after " + name);
        const std::string value = argv[++arg];
        if (name == "--edges")
            edges = value;
        else if (name == "--rr-sets")
            theta = std::stoull(value);
        else if (name == "--seed")
            seed = std::stoull(value);
        else if (name == "--k")
            k = static_cast<std::uint32_t>(std::stoul(value));
        else if (name == "--delta")
            delta = std::stod(value);
        else if (name == "--iterations")
            iterations = std::stoi(value);
        else if (name == "--seeds-file")
            seeds_files.push_back(value);
        else
            fail("unknown option " + name);
    }
    if (edges.empty() || theta == 0 || k == 0 || !(delta > 0.0 && delta < 1.0))
        fail(
            "usage: seed_bound --edges E --rr-sets THETA --seed S [--k 50] [--delta 1e-6] "
            "[--iterations 200] [--seeds-file F ...]");
    if (theta > UINT32_MAX) fail("--rr-sets: at most 2^32 - 1");

    // The graph and the probabilities as `catena seeds --edges E` loads and computes them.
    auto start = Clock::now();
    InputSource source;
    source.edges_file = edges;
    const Dataset data = load_dataset(source, {});
    const InfluenceGraph& graph = data.graph;
    const NodeId n = graph.num_nodes();
    const std::vector<double> weights = diffusion_weights(
        graph, DiffusionModel::independent_cascade, ProbabilityModel{}, data.referrals);
    std::printf("graph: %u customers, %u influence edges (loaded in %.1f s)\n", n,
                graph.num_edges(), seconds_since(start));

    // THETA RR sets, set i from stream (seed, i) with a uniform root, as select_seeds draws them.
    start = Clock::now();
    Sample sample;
    {
        const ReverseSampler sampler(graph, weights, DiffusionModel::independent_cascade);
        ReverseSampler::Scratch scratch(n);
        std::vector<NodeId> members;
        sample.offsets.reserve(theta + 1);
        for (std::uint64_t index = 0; index < theta; ++index) {
            RandomStream random = RandomStream::for_index(seed, index);
            const NodeId root = static_cast<NodeId>(random.uniform() * n) % n;
            sampler.draw(root, random, scratch, members);
            sample.members.insert(sample.members.end(), members.begin(), members.end());
            sample.offsets.push_back(sample.members.size());
        }
    }
    const double sampling_seconds = seconds_since(start);
    // Which sets each node is in (a counting sort of the members by node).
    start = Clock::now();
    sample.start.assign(static_cast<std::size_t>(n) + 1, 0);
    for (const NodeId node : sample.members) ++sample.start[node + 1];
    for (NodeId node = 0; node < n; ++node) sample.start[node + 1] += sample.start[node];
    sample.sets_of.resize(sample.members.size());
    {
        std::vector<std::uint64_t> next(sample.start.begin(), sample.start.end() - 1);
        for (std::uint64_t r = 0; r < theta; ++r)
            for (std::uint64_t position = sample.offsets[r]; position < sample.offsets[r + 1];
                 ++position)
                sample.sets_of[next[sample.members[position]]++] = static_cast<std::uint32_t>(r);
    }
    std::printf(
        "RR sets: %llu (seed %llu), %.2f members on average; drawn in %.1f s (%.2f us each), "
        "indexed in %.1f s\n",
        static_cast<unsigned long long>(theta), static_cast<unsigned long long>(seed),
        static_cast<double>(sample.members.size()) / static_cast<double>(theta), sampling_seconds,
        1e6 * sampling_seconds / static_cast<double>(theta), seconds_since(start));

    // RR sets as customers reached (n x the fraction covered), and its standard error.
    const double scale = static_cast<double>(n) / static_cast<double>(theta);
    const auto spread = [&](double sets) { return sets * scale; };
    const auto spread_se = [&](double sets) {
        const double p = sets / static_cast<double>(theta);
        return static_cast<double>(n) * std::sqrt(p * (1.0 - p) / static_cast<double>(theta));
    };
    const auto node_coverage = [&](NodeId node) {
        return static_cast<std::uint32_t>(sample.start[node + 1] - sample.start[node]);
    };

    // The greedy max coverage of the sample, with the bound at each of its steps.
    start = Clock::now();
    std::vector<std::uint32_t> gain(n);
    for (NodeId node = 0; node < n; ++node) gain[node] = node_coverage(node);
    std::vector<std::uint8_t> covered(theta, 0);
    std::uint64_t greedy_covered = 0, step_bound = UINT64_MAX;
    std::uint32_t best_step = 0;
    std::vector<NodeId> greedy_seeds;
    std::printf(
        "\ngreedy max coverage, per step i (spreads: customers, n x fraction of RR sets)\n");
    std::printf("| i | seed i+1 | coverage of S_i | + top-%u marginals | = bound |\n", k);
    std::printf("|---|---|---|---|---|\n");
    for (std::uint32_t step = 0; step <= k; ++step) {
        const std::uint64_t top = top_sum(gain, k);
        const std::uint64_t bound = greedy_covered + top;
        if (bound < step_bound) step_bound = bound, best_step = step;
        // The next seed: the largest marginal coverage, then the lowest NodeId.
        const NodeId best =
            static_cast<NodeId>(std::max_element(gain.begin(), gain.end()) - gain.begin());
        const bool more = step < k && gain[best] > 0;
        std::printf("| %u | %s | %.0f | %.0f | %.0f |\n", step,
                    more ? std::string(graph.external_id(best)).c_str() : "-",
                    spread(static_cast<double>(greedy_covered)), spread(static_cast<double>(top)),
                    spread(static_cast<double>(bound)));
        if (!more) break;
        greedy_seeds.push_back(best);
        greedy_covered += cover(best, sample, covered, gain);
    }
    const std::uint64_t singleton_bound = top_sum(
        [&] {
            std::vector<std::uint32_t> single(n);
            for (NodeId node = 0; node < n; ++node) single[node] = node_coverage(node);
            return single;
        }(),
        k);
    const double greedy_ratio = 1.0 - std::pow(1.0 - 1.0 / k, k);
    std::printf("(greedy in %.1f s)\n\n", seconds_since(start));
    std::printf("sum of the %u largest singleton spreads (bound at step 0): %.0f\n", k,
                spread(static_cast<double>(singleton_bound)));
    std::printf("greedy's %u seeds, coverage as spread: %.0f +- %.0f\n", k,
                spread(static_cast<double>(greedy_covered)),
                spread_se(static_cast<double>(greedy_covered)));
    std::printf("greedy's coverage / (1 - (1 - 1/k)^k), also a bound on OPT's: %.0f\n",
                spread(static_cast<double>(greedy_covered)) / greedy_ratio);
    std::printf("least bound over the greedy's steps: %.0f (step %u)\n",
                spread(static_cast<double>(step_bound)), best_step);
    // The least bound on the best coverage of k nodes so far, in RR sets, and where it came from.
    double best_bound = static_cast<double>(step_bound);
    std::string from = "greedy step " + std::to_string(best_step);

    // The linear relaxation, from the greedy's best step.
    if (iterations > 0) {
        start = Clock::now();
        std::vector<float> lambda(theta, 1.0f);  // 0 on the sets S_i covers
        for (std::uint32_t i = 0; i < best_step; ++i)
            for (std::uint64_t position = sample.start[greedy_seeds[i]];
                 position < sample.start[greedy_seeds[i] + 1]; ++position)
                lambda[sample.sets_of[position]] = 0.0f;
        std::printf("\nlinear relaxation (Lagrangian, from step %u):\n", best_step);
        const double relaxed =
            lagrangian_bound(sample, n, k, std::move(lambda), static_cast<double>(greedy_covered),
                             iterations, scale);
        std::printf("linear relaxation's bound: %.0f (%.1f s)\n", spread(relaxed),
                    seconds_since(start));
        if (relaxed < best_bound) best_bound = relaxed, from = "linear relaxation";
    }

    // The given seed sets: their coverage, and the bound with T = the set.
    std::printf("\n");
    std::vector<double> file_spreads;
    for (const std::string& path : seeds_files) {
        std::vector<NodeId> seeds;
        for (const std::string& id : read_ids(path)) {
            const std::optional<NodeId> node = graph.find(id);
            if (!node) fail(path + ": no customer '" + id + "' in the graph");
            seeds.push_back(*node);
        }
        for (NodeId node = 0; node < n; ++node) gain[node] = node_coverage(node);
        std::fill(covered.begin(), covered.end(), 0);
        std::uint64_t set_covered = 0;
        for (const NodeId node : seeds) set_covered += cover(node, sample, covered, gain);
        const std::uint64_t bound = set_covered + top_sum(gain, k);
        if (static_cast<double>(bound) < best_bound)
            best_bound = static_cast<double>(bound), from = "seeds file " + path;
        file_spreads.push_back(spread(static_cast<double>(set_covered)));
        std::printf(
            "%s: %zu seeds, coverage as spread %.0f +- %.0f; its coverage + top-%u marginals: "
            "%.0f\n",
            path.c_str(), seeds.size(), file_spreads.back(),
            spread_se(static_cast<double>(set_covered)), k, spread(static_cast<double>(bound)));
    }

    // The confidence bound on OPT from the least bound on its coverage of the sample.
    const double a = std::log(1.0 / delta);
    const double root = std::sqrt(best_bound + a / 2) + std::sqrt(a / 2);
    const double upper = root * root * scale;
    std::printf("\nbound on OPT's coverage, least of all above: %.0f (%s)\n", spread(best_bound),
                from.c_str());
    std::printf("with probability >= 1 - %g: OPT <= %.0f\n", delta, upper);
    for (std::size_t index = 0; index < seeds_files.size(); ++index)
        std::printf("  %.4f x the coverage of %s\n", upper / file_spreads[index],
                    seeds_files[index].c_str());
    return 0;
}
