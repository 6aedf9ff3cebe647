// OPIM-C (Tang, Tang, Xiao & Yuan, SIGMOD 2018), the rounds of seed selection, apart from where
// the RR sets live. Two independent collections of RR sets: the greedy picks seeds on R1, which
// also bounds the best seeds' coverage from above; R2 then bounds the chosen seeds' from below.
// Their ratio is a certified approximation ratio; stop as soon as it reaches the target (and the
// seeds' coverage of R1 is precise enough), else double both, or, once the certificate holds, grow
// them straight to the size the precision asks for. theta_max RR sets always suffice.
//
// run() drives a sample backend: select_seeds' holds the RR sets in this process; catena-mpi's
// spreads them over its ranks. Both take the same steps on the same numbers, so with the same RR
// sets they choose the same seeds and report the same figures. A backend provides:
//
//   void draw_r1(std::uint64_t first, std::uint64_t count);  // R1's sets first .. first+count-1
//   void draw_r2(std::uint64_t first, std::uint64_t count);  // R2's (indices from kSecondStream)
//   std::uint64_t r1_count() const, r2_count() const;         // sets in each
//   std::uint64_t entries() const;                             // members of all sets, R1 and R2
//   std::size_t sampler_bytes() const, r1_bytes() const, r2_bytes() const;
//   Coverage greedy();                                         // on R1, with its own k, budget
//   std::vector<std::uint64_t> r2_gains(const std::vector<NodeId>& seeds);  // R2 sets newly
//                                                              // covered by each seed in turn
//
// Figures a backend returns must be the whole sample's (summed over ranks), the same everywhere.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <numeric>
#include <string>
#include <vector>

#include "catena/algorithms/seed_selection.hpp"
#include "catena/graph/errors.hpp"

namespace catena::opim {

// Keeps in `top` (a min-heap) the k largest of the values offered so far: the greedy's k largest
// marginal coverages, which bound what any k seeds could add (OPIM-C's upper bound).
inline void keep_largest(std::vector<std::uint32_t>& top, std::size_t k, std::uint32_t value) {
    if (top.size() < k) {
        top.push_back(value);
        std::push_heap(top.begin(), top.end(), std::greater<>());
    } else if (value > top.front()) {
        std::pop_heap(top.begin(), top.end(), std::greater<>());
        top.back() = value;
        std::push_heap(top.begin(), top.end(), std::greater<>());
    }
}

// The greedy's result on R1.
struct Coverage {
    std::vector<NodeId> seeds;
    std::vector<std::uint64_t> gains;  // RR sets newly covered by each seed
    std::uint64_t covered = 0;
    // An upper bound on the RR sets the best allowed set (at most k seeds, within the budget)
    // covers: the least, over the greedy's steps, of (covered so far + the k largest marginal
    // coverages), and covered / (the greedy's ratio) (Tang et al. 2018, "OPIM").
    double best_upper_bound = 0.0;
    std::size_t memory_bytes = 0;  // the greedy's index and state
};

// OPIM-C's constants for a run.
struct Schedule {
    bool budgeted = false;
    double target = 0.0;     // the approximation ratio asked for
    double delta = 0.0;      // the failure probability
    double theta_0 = 0.0;    // RR sets in each collection in the first round
    double theta_max = 0.0;  // RR sets that always suffice (infinite if unknown)
    int rounds = 0;          // doubling rounds up to theta_max
    double a = 0.0;          // the log term of the bounds: a union over every round that may run
};

// Rounds besides the doubling ones, each a check of the certificate that the union bound behind it
// (Schedule::a) counts. Two kinds, at most this many in all:
// - R1 grows straight to the size the selection precision asks for (predicted from this round's
//   coverage), when the certificate already holds or when that size is more than twice this
//   round's. Doubling would overshoot it by up to 2x (1.4x on average) and run the greedy on every
//   size on the way.
// - When the seeds are chosen precisely enough and only the certificate is short, R2 alone
//   doubles: the lower bound on the seeds' spread, from R2, is what a larger sample tightens most
//   cheaply (R2 holds an eighth of R1's sets, and the greedy need not run again).
constexpr int kExtraRounds = 4;

// How many RR sets make an estimate's relative standard error `precision` when `count` of them
// make it `rse`: it falls as 1 / sqrt(count), so count x (rse / precision)^2, plus 5% for the
// noise in `rse` itself; at least 10% more than `count` (a smaller step would cost a round for
// little; so always more than `count`), and twice `count` when rse is not finite (nothing covered
// yet).
inline std::uint64_t sized_count(std::uint64_t count, double rse, double precision) {
    const double now = static_cast<double>(count);
    if (!std::isfinite(rse)) return 2 * count;
    const double wanted = now * (rse / precision) * (rse / precision) * 1.05;
    return static_cast<std::uint64_t>(std::ceil(std::max(wanted, 1.1 * now)));
}

// The target, delta, theta_0, theta_max and the number of rounds, for n customers of which
// `candidates` may be chosen; `scale` is the most the objective can reach (n, or the total value)
// and `optimum_floor` the least the best k seeds reach (k, or the k largest allowed values).
Schedule make_schedule(const SeedSelectionParams& params, double n, double candidates, double scale,
                       double optimum_floor);

// R1 holds this many times R2's RR sets while the certificate is sought. The seeds' quality
// follows R1 (the greedy's sample), the lower bound on their spread follows R2 (an estimate of
// one fixed set, far less demanding): a large R1 and a small R2 reach both the certificate and
// better seeds for fewer RR sets than two equal collections (bench/KERNELS.md, section 4).
constexpr std::uint64_t kSelectionShare = 8;

// R2's size while R1 holds theta.
inline std::uint64_t validation_size(std::uint64_t theta) {
    return std::max<std::uint64_t>(1, theta / kSelectionShare);
}

// R2's stream indices, disjoint from R1's.
constexpr std::uint64_t kSecondStream = std::uint64_t{1} << 62;

// The certified approximation ratio: R2's lower bound on the seeds' spread over R1's upper bound
// on the best.
double certified_ratio(const Coverage& coverage, const std::vector<std::uint64_t>& gains,
                       std::uint64_t r1_count, std::uint64_t r2_count, const Schedule& schedule,
                       double scale);

// The relative standard error of the seeds' reach estimated from `count` RR sets of which they
// cover `covered` (a binomial proportion); infinite while they cover none.
double relative_standard_error(double covered, double count);

// The reach reported is good to a relative standard error of eps / 4 (2.5% at the default eps):
// once the seeds are certified, R2 alone grows until its estimate is that precise.
inline double estimate_precision(double epsilon) { return epsilon / 4.0; }

// The seeds are chosen on a sample large enough that their coverage of it has a relative standard
// error of at most eps / 10 (1% at the default eps). The certificate alone often comes with a
// sample too small to tell the last seeds apart: on email-Enron the seeds chosen when it first
// holds reach 3% fewer customers (bench/KERNELS.md, section 4).
inline double selection_precision(double epsilon) { return epsilon / 10.0; }

// Fills the result: the seeds and the certificate from the round that stopped, their estimates
// from R2 as it is now (unbiased for the chosen seeds), and whether the guarantee holds.
void finish_result(SeedSelectionResult& result, const Coverage& coverage,
                   const std::vector<std::uint64_t>& gains, double certified,
                   std::uint64_t r2_count, const Schedule& schedule, double scale, int round,
                   std::uint64_t theta);

// Reports one round through params.progress, if set.
void report_round(const SeedSelectionParams& params, int round, const Schedule& schedule,
                  std::uint64_t r1_count, std::uint64_t r2_count, double certified);

// The UsageError for a next round over the memory limit.
[[noreturn]] void throw_next_round_memory(int round, std::size_t next, std::size_t limit);

// With the seeds chosen, grows R2 alone (to the size sized_count predicts) until its estimate of
// their reach has a relative standard error of at most `precision`; never past the larger of R1 and
// theta_max, max_rr_sets or the memory limit (the result then gives the standard error it has).
// `gains` becomes the seeds' gains on the grown R2.
template <typename Backend>
void refine_estimate(Backend& backend, const std::vector<NodeId>& seeds, double precision,
                     const Schedule& schedule, const SeedSelectionParams& params,
                     std::vector<std::uint64_t>& gains) {
    double limit = static_cast<double>(backend.r1_count());
    if (std::isfinite(schedule.theta_max)) limit = std::max(limit, schedule.theta_max);
    if (params.max_rr_sets) limit = std::min(limit, static_cast<double>(params.max_rr_sets));
    for (;;) {
        const std::uint64_t count = backend.r2_count();
        const double covered =
            static_cast<double>(std::accumulate(gains.begin(), gains.end(), std::uint64_t{0}));
        const double rse = relative_standard_error(covered, static_cast<double>(count));
        if (rse <= precision) return;
        const std::uint64_t wanted = sized_count(count, rse, precision);
        if (static_cast<double>(wanted) > limit) return;
        // The sets grow in proportion to their number: wanted / count times the bytes of R2 now.
        const double grown = static_cast<double>(backend.r2_bytes()) * static_cast<double>(wanted) /
                             static_cast<double>(count);
        if (params.memory_limit &&
            static_cast<double>(backend.sampler_bytes() + backend.r1_bytes()) + grown >
                static_cast<double>(params.memory_limit))
            return;
        backend.draw_r2(kSecondStream + count, wanted - count);
        gains = backend.r2_gains(seeds);
    }
}

// The rounds: grows both collections to theta (R2 to validation_size(theta)), runs the greedy on
// R1, certifies on R2, and stops when the target is reached (or at theta_max, or the last round
// the union bound covers). Else doubles theta, or takes one of the extra rounds of kExtraRounds.
template <typename Backend>
SeedSelectionResult run(Backend& backend, const SeedSelectionParams& params,
                        const Schedule& schedule, double scale) {
    SeedSelectionResult result;
    result.failure_probability = schedule.delta;
    result.approximation = schedule.target;
    auto theta = static_cast<std::uint64_t>(schedule.theta_0);
    int extra_rounds = 0;
    const double precision = selection_precision(params.epsilon);
    for (int round = 1;; ++round) {
        if (params.max_rr_sets && theta > params.max_rr_sets) theta = params.max_rr_sets;
        if (theta > backend.r1_count())
            backend.draw_r1(backend.r1_count(), theta - backend.r1_count());
        const std::uint64_t theta_2 = validation_size(theta);
        if (theta_2 > backend.r2_count())
            backend.draw_r2(kSecondStream + backend.r2_count(), theta_2 - backend.r2_count());
        const Coverage coverage = backend.greedy();
        std::vector<std::uint64_t> gains = backend.r2_gains(coverage.seeds);
        const auto certify = [&] {
            return certified_ratio(coverage, gains, backend.r1_count(), backend.r2_count(),
                                   schedule, scale);
        };
        double certified = certify();
        // The RR sets, their index and the sampler at their largest so far.
        const auto note_memory = [&] {
            result.memory_bytes =
                std::max(result.memory_bytes, backend.sampler_bytes() + backend.r1_bytes() +
                                                  backend.r2_bytes() + coverage.memory_bytes);
        };
        note_memory();
        const double rse = relative_standard_error(static_cast<double>(coverage.covered),
                                                   static_cast<double>(backend.r1_count()));
        // Chosen precisely enough, not yet certified: R2 alone doubles (up to R1's size).
        while (certified < schedule.target && rse <= precision && extra_rounds < kExtraRounds &&
               backend.r2_count() < backend.r1_count() &&
               !(params.max_rr_sets && 2 * backend.r2_count() > params.max_rr_sets) &&
               !(params.memory_limit && backend.sampler_bytes() + backend.r1_bytes() +
                                                2 * backend.r2_bytes() + coverage.memory_bytes >
                                            params.memory_limit)) {
            report_round(params, round, schedule, backend.r1_count(), backend.r2_count(),
                         certified);
            ++round;
            ++extra_rounds;
            backend.draw_r2(kSecondStream + backend.r2_count(), backend.r2_count());
            gains = backend.r2_gains(coverage.seeds);
            certified = certify();
            note_memory();
        }
        const bool holds = certified >= schedule.target;
        const bool reached = holds && rse <= precision;
        const bool last = static_cast<double>(theta) >= schedule.theta_max ||
                          round >= schedule.rounds + kExtraRounds ||
                          (params.max_rr_sets && theta >= params.max_rr_sets);
        report_round(params, round, schedule, backend.r1_count(), backend.r2_count(), certified);
        if (reached || last) {
            refine_estimate(backend, coverage.seeds, estimate_precision(params.epsilon), schedule,
                            params, gains);
            note_memory();  // R2 may have grown
            finish_result(result, coverage, gains, certified, backend.r2_count(), schedule, scale,
                          round, theta);
            result.rr_sets = backend.r1_count() + backend.r2_count();
            result.rr_entries = backend.entries();
            return result;
        }
        // Doubling, as OPIM-C; but the precision's size at once when that is larger, or when the
        // certificate holds and only the precision is missing.
        const std::uint64_t before = theta;
        const std::uint64_t sized = sized_count(theta, rse, precision);
        if (extra_rounds < kExtraRounds && rse > precision && (holds || sized > 2 * theta)) {
            theta = sized;
            ++extra_rounds;
        } else {
            theta *= 2;
        }
        // The next round, with theta / before times the RR sets (and their index) of this one.
        const std::size_t next =
            backend.sampler_bytes() +
            static_cast<std::size_t>(static_cast<double>(backend.r1_bytes() + backend.r2_bytes() +
                                                         coverage.memory_bytes) *
                                     static_cast<double>(theta) / static_cast<double>(before));
        if (params.memory_limit && next > params.memory_limit)
            throw_next_round_memory(round, next, params.memory_limit);
    }
}

}  // namespace catena::opim
