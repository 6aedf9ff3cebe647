#include "catena/algorithms/customer_value.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <string>

#include "catena/graph/errors.hpp"

#include "random_stream.hpp"
#include "reverse_sampler.hpp"
#include <omp.h>

namespace catena {

namespace {

// Draws RR-set roots in proportion to own value.
struct ValueRoots {
    std::vector<double> cumulative;  // running sum of own value, by node
    double total = 0.0;              // sum of own value (0 with no node)
    NodeId draw(RandomStream& random) const {
        const double target = random.uniform() * cumulative.back();
        const auto it = std::upper_bound(cumulative.begin(), cumulative.end(), target);
        return static_cast<NodeId>(std::min<std::ptrdiff_t>(
            it - cumulative.begin(), static_cast<std::ptrdiff_t>(cumulative.size()) - 1));
    }
};

std::string date_text(Date date) {
    return date == kNoDate ? std::string("(none)") : format_iso_date(date);
}

// --- Profile steps ------------------------------------------------------------------------------

// Per node: the first and the last purchase on or before as-of.
struct PurchaseDates {
    std::vector<Date> first, last;
};

// Counts the transactions against as-of and the window, and sums frequency and monetary.
void tally_transactions(const Transactions& transactions, NodeId n, PurchaseDates& dates,
                        ProfileResult& result) {
    for (const Transaction& row : transactions.rows) {
        if (row.customer >= n)
            throw InternalError("customer_profiles: a transaction names no customer");
        if (row.date > result.as_of) {
            ++result.transactions_after_as_of;
            continue;
        }
        dates.first[row.customer] = std::min(dates.first[row.customer], row.date);
        dates.last[row.customer] = std::max(dates.last[row.customer], row.date);
        if (row.date >= result.window_start) {
            ++result.transactions_in_window;
            CustomerProfile& profile = result.customers[row.customer];
            ++profile.frequency;
            profile.monetary += row.amount;
        } else {
            ++result.transactions_before_window;
        }
    }
}

// Sets recency, tenure, the RFM quintile scores and the own value of every customer.
void score_customers(const InfluenceGraph& graph, const PurchaseDates& dates,
                     ProfileResult& result) {
    const NodeId n = graph.num_nodes();
    // RFM quintile scores among the customers with a purchase on or before as-of.
    std::vector<std::int32_t> recencies;
    std::vector<std::uint32_t> frequencies;
    std::vector<double> monetaries;
    for (NodeId node = 0; node < n; ++node) {
        if (dates.last[node] == kNoDate) continue;
        CustomerProfile& profile = result.customers[node];
        profile.recency_days = result.as_of - dates.last[node];
        profile.tenure_days = result.as_of - dates.first[node];
        recencies.push_back(profile.recency_days);
        frequencies.push_back(profile.frequency);
        monetaries.push_back(profile.monetary);
    }
    result.scored_customers = recencies.size();
    std::sort(recencies.begin(), recencies.end());
    std::sort(frequencies.begin(), frequencies.end());
    std::sort(monetaries.begin(), monetaries.end());
    const double scored = static_cast<double>(result.scored_customers);
    const auto quintile = [scored](std::size_t worse) {
        return static_cast<std::uint8_t>(
            1 + static_cast<int>(std::floor(5.0 * static_cast<double>(worse) / scored)));
    };
    for (NodeId node = 0; node < n; ++node) {
        CustomerProfile& profile = result.customers[node];
        if (profile.recency_days >= 0) {
            // Worse recency is a longer one; worse frequency and monetary are lower ones.
            profile.r_score = quintile(static_cast<std::size_t>(
                recencies.end() -
                std::upper_bound(recencies.begin(), recencies.end(), profile.recency_days)));
            profile.f_score = quintile(static_cast<std::size_t>(
                std::lower_bound(frequencies.begin(), frequencies.end(), profile.frequency) -
                frequencies.begin()));
            profile.m_score = quintile(static_cast<std::size_t>(
                std::lower_bound(monetaries.begin(), monetaries.end(), profile.monetary) -
                monetaries.begin()));
        }
        if (graph.has_value(node)) {
            result.own_value[node] = graph.value(node);
        } else {
            result.own_value[node] = profile.monetary;
            result.own_from_transactions[node] = 1;
        }
    }
}

// --- Network value steps ------------------------------------------------------------------------

// Throws unless the parameters, the weights and the own values fit the graph.
void check_network_inputs(const InfluenceGraph& graph, DiffusionWeights weights,
                          std::span<const double> own_value, const NetworkValueParams& params) {
    params.validate();
    if (!weights.derived() && weights.stated().size() != graph.num_edges())
        throw InternalError("network_value: one weight per edge expected");
    if (params.model == DiffusionModel::linear_threshold && weights.derived())
        throw InternalError("network_value: Linear Threshold needs its weights stated");
    if (own_value.size() != graph.num_nodes())
        throw InternalError("network_value: one own value per customer expected");
    for (const double w : weights.stated())
        if (!(w >= 0.0 && w <= 1.0))
            throw UsageError("value: edge probabilities must be in [0, 1]");
}

// Builds the value-proportional root sampler; throws on a negative or non-finite own value.
ValueRoots value_roots(std::span<const double> own_value) {
    ValueRoots roots;
    roots.cumulative = running_own_value(own_value);
    roots.total = roots.cumulative.empty() ? 0.0 : roots.cumulative.back();
    return roots;
}

// Per node: the RR sets it is in with another customer as root; and the total RR-set size.
struct RrCounts {
    std::vector<std::uint64_t> count;
    std::uint64_t entries = 0;
};

// Draws the `theta` RR sets in parallel and counts, per node, the sets it is in as a non-root.
RrCounts count_rr_memberships(const ReverseSampler& sampler, const ValueRoots& roots, NodeId n,
                              std::uint64_t theta, std::uint64_t seed) {
    // Per-thread counts of "in an RR set whose root is another customer"; integer sums, so the
    // total is the same whichever thread drew which set.
    const int threads = omp_get_max_threads();
    std::vector<std::vector<std::uint64_t>> counts(static_cast<std::size_t>(threads));
    std::vector<std::uint64_t> entries(static_cast<std::size_t>(threads), 0);
    constexpr std::uint64_t kChunk = 4096;
    const std::uint64_t chunks = (theta + kChunk - 1) / kChunk;
#pragma omp parallel num_threads(threads)
    {
        const auto thread = static_cast<std::size_t>(omp_get_thread_num());
        std::vector<std::uint64_t>& count = counts[thread];
        count.assign(n, 0);
        const bool cascade = sampler.model() == DiffusionModel::independent_cascade;
        ReverseSampler::Scratch scratch(cascade ? 0 : n);
        ReverseSampler::Lanes lanes(cascade ? n : 0);
        std::vector<NodeId> members;
        const auto tally = [&](std::span<const NodeId> set) {
            entries[thread] += set.size();
            for (std::size_t position = 1; position < set.size(); ++position)
                ++count[set[position]];
        };
#pragma omp for schedule(dynamic, 1)
        for (std::uint64_t chunk = 0; chunk < chunks; ++chunk) {
            const std::uint64_t end = std::min(theta, (chunk + 1) * kChunk);
            if (cascade) {  // several sets at once (the same sets)
                sampler.draw_many(
                    chunk * kChunk, end,
                    [&](std::uint64_t index) { return RandomStream::for_index(seed, index); },
                    [&](RandomStream& random) { return roots.draw(random); }, lanes, tally);
                continue;
            }
            for (std::uint64_t rr_set = chunk * kChunk; rr_set < end; ++rr_set) {
                RandomStream random = RandomStream::for_index(seed, rr_set);
                const NodeId root = roots.draw(random);
                sampler.draw(root, random, scratch, members);
                tally(members);
            }
        }
    }
    counts[0].resize(n, 0);  // a team smaller than asked for leaves some counts unused (empty)
    for (std::size_t thread = 1; thread < counts.size(); ++thread)
        if (!counts[thread].empty())
            for (NodeId node = 0; node < n; ++node) counts[0][node] += counts[thread][node];
    RrCounts result;
    result.count = std::move(counts[0]);
    result.entries = std::accumulate(entries.begin(), entries.end(), std::uint64_t{0});
    return result;
}

// --- Referral value steps -----------------------------------------------------------------------

// Credits each customer to its earliest counting referral and counts the rest.
void credit_referrals(std::span<const Referral> referrals, NodeId n, Date as_of,
                      const ReferralValueParams& params, ReferralValueResult& result) {
    // The earliest that counts: by date, undated last, then input order.
    std::vector<std::size_t> credited(n, SIZE_MAX);
    const auto key = [&](std::size_t index) {
        const Date date = referrals[index].date;
        return std::pair(date == kNoDate ? std::numeric_limits<Date>::max() : date, index);
    };
    std::uint64_t counted = 0;
    for (std::size_t index = 0; index < referrals.size(); ++index) {
        const Referral& referral = referrals[index];
        if (referral.referrer >= n || referral.referred >= n)
            throw InternalError("referral_value: a referral names no customer");
        if (as_of != kNoDate && referral.date != kNoDate && referral.date > as_of) {
            ++result.referrals_after_as_of;
            continue;
        }
        if (params.converted_only && !referral.converted) {
            ++result.referrals_not_converted;
            continue;
        }
        ++counted;
        std::size_t& slot = credited[referral.referred];
        if (slot == SIZE_MAX || key(index) < key(slot)) slot = index;
    }
    for (NodeId node = 0; node < n; ++node)
        if (credited[node] != SIZE_MAX)
            result.referred_by[node] = referrals[credited[node]].referrer;
    result.referrals_used = static_cast<std::uint64_t>(std::count_if(
        credited.begin(), credited.end(), [](std::size_t slot) { return slot != SIZE_MAX; }));
    result.referrals_duplicate = counted - result.referrals_used;
}

// Throws InputError naming the customers when the credited referrals form a cycle.
void check_no_referral_cycle(const InfluenceGraph& graph, const std::vector<NodeId>& referred_by) {
    // Each customer has at most one credited referrer; a cycle would make the forest a loop.
    const auto n = static_cast<NodeId>(referred_by.size());
    std::vector<std::uint8_t> state(n, 0);  // 0 unseen, 1 on the current chain, 2 done
    std::vector<NodeId> chain;
    for (NodeId start = 0; start < n; ++start) {
        chain.clear();
        NodeId node = start;
        while (node != kNoNode && state[node] == 0) {
            state[node] = 1;
            chain.push_back(node);
            node = referred_by[node];
        }
        if (node != kNoNode && state[node] == 1) {
            // The chain runs referred -> referrer; name the cycle referrer -> referred.
            const auto begin = std::find(chain.begin(), chain.end(), node);
            std::vector<NodeId> cycle(begin, chain.end());
            std::reverse(cycle.begin(), cycle.end());
            std::rotate(cycle.begin(), std::min_element(cycle.begin(), cycle.end()), cycle.end());
            std::string names;
            for (const NodeId member : cycle)
                names += std::string(graph.external_id(member)) + " -> ";
            names += std::string(graph.external_id(cycle.front()));
            throw InputError("referrals: the referrals form a cycle: " + names +
                             " (each referred the next; nobody can be brought in by a customer "
                             "they brought in)");
        }
        for (const NodeId member : chain) state[member] = 2;
    }
}

// Sums referral value, direct value, cascade size and depth up the referral forest.
void accumulate_cascades(std::span<const double> own_value, double depth_discount,
                         ReferralValueResult& result) {
    const auto n = static_cast<NodeId>(result.referred_by.size());
    // Children before parents: start from the customers who brought nobody in.
    std::vector<std::uint32_t> pending(n, 0);
    for (NodeId node = 0; node < n; ++node)
        if (result.referred_by[node] != kNoNode) ++pending[result.referred_by[node]];
    std::vector<NodeId> ready;
    for (NodeId node = 0; node < n; ++node)
        if (pending[node] == 0) ready.push_back(node);
    for (std::size_t head = 0; head < ready.size(); ++head) {
        const NodeId child = ready[head];
        const NodeId parent = result.referred_by[child];
        if (parent == kNoNode) continue;
        result.direct_value[parent] += own_value[child];
        result.referral_value[parent] +=
            own_value[child] + depth_discount * result.referral_value[child];
        ++result.direct_referrals[parent];
        result.cascade_size[parent] += 1 + result.cascade_size[child];
        result.cascade_depth[parent] =
            std::max(result.cascade_depth[parent], 1 + result.cascade_depth[child]);
        if (--pending[parent] == 0) ready.push_back(parent);
    }
}

}  // namespace

// --- Profile ------------------------------------------------------------------------------------

void ProfileParams::validate() const {
    if (window_days < 1 || window_days > 100'000)
        throw UsageError("value: the window must be between 1 and 100000 days");
    if (as_of && *as_of == kNoDate) throw UsageError("value: the as-of date is not a date");
}

ProfileResult customer_profiles(const InfluenceGraph& graph, const Transactions& transactions,
                                const ProfileParams& params) {
    params.validate();
    const NodeId n = graph.num_nodes();
    ProfileResult result;
    result.customers.assign(n, CustomerProfile{});
    result.own_value.assign(n, 0.0);
    result.own_from_transactions.assign(n, 0);
    if (params.as_of) {
        result.as_of = *params.as_of;
    } else {
        for (const Transaction& row : transactions.rows)
            result.as_of = std::max(result.as_of, row.date);
    }
    PurchaseDates dates{std::vector<Date>(n, std::numeric_limits<Date>::max()),
                        std::vector<Date>(n, kNoDate)};
    if (result.as_of != kNoDate) {
        result.window_start = result.as_of - static_cast<Date>(params.window_days) + 1;
        tally_transactions(transactions, n, dates, result);
    }
    score_customers(graph, dates, result);
    return result;
}

// --- Network value ------------------------------------------------------------------------------

void NetworkValueParams::validate() const {
    if (!(epsilon > 0.0 && epsilon < 1.0)) throw UsageError("value: eps must be in (0, 1)");
    if (!(delta > 0.0 && delta < 1.0)) throw UsageError("value: delta must be in (0, 1)");
    if (rr_sets > 4'000'000'000ull) throw UsageError("value: at most 4,000,000,000 RR sets");
}

std::uint64_t NetworkValueParams::rr_sets_for(NodeId num_nodes) const {
    if (rr_sets > 0) return rr_sets;
    const double n = std::max<double>(num_nodes, 1.0);
    const double theta = std::ceil(std::log(2.0 * n / delta) / (2.0 * epsilon * epsilon));
    return static_cast<std::uint64_t>(std::min(theta, 4e9));
}

std::vector<double> running_own_value(std::span<const double> own_value) {
    std::vector<double> running(own_value.size());
    double total = 0.0;
    for (std::size_t node = 0; node < own_value.size(); ++node) {
        if (!(own_value[node] >= 0.0) || !std::isfinite(own_value[node]))
            throw UsageError("value: own values must be finite and >= 0");
        running[node] = total += own_value[node];
    }
    return running;
}

// Turns the RR-set counts into network values, standard errors and error bounds.
void network_estimates(const std::vector<std::uint64_t>& count, double total, std::uint64_t theta,
                       double delta, NetworkValueResult& result) {
    const auto n = static_cast<NodeId>(count.size());
    const double sets = static_cast<double>(theta);
    const double log_term = std::log(2.0 * n / delta);
    result.epsilon = std::sqrt(log_term / (2.0 * sets));
    result.error_bound = result.epsilon * total;
    // Empirical Bernstein, two-sided, union over the n customers.
    const double log_bernstein = std::log(4.0 * n / delta);
    for (NodeId node = 0; node < n; ++node) {
        const double share = static_cast<double>(count[node]) / sets;
        result.network_value[node] = total * share;
        result.standard_error[node] = total * std::sqrt(share * (1.0 - share) / sets);
        if (theta < 2) {
            result.half_width[node] = total;
        } else {
            const double variance = share * (1.0 - share) * sets / (sets - 1.0);
            const double width = std::sqrt(2.0 * variance * log_bernstein / sets) +
                                 7.0 * log_bernstein / (3.0 * (sets - 1.0));
            result.half_width[node] = total * std::min(width, 1.0);
        }
    }
}

NetworkValueResult network_value(const InfluenceGraph& graph, DiffusionWeights weights,
                                 std::span<const double> own_value,
                                 const NetworkValueParams& params) {
    check_network_inputs(graph, weights, own_value, params);
    const NodeId n = graph.num_nodes();
    NetworkValueResult result;
    result.network_value.assign(n, 0.0);
    result.standard_error.assign(n, 0.0);
    result.half_width.assign(n, 0.0);
    result.delta = params.delta;
    const ValueRoots roots = value_roots(own_value);
    const double total = roots.total;
    result.total_value = total;
    if (n == 0 || !(total > 0.0)) return result;  // nothing to reach: every network value is 0

    const std::uint64_t theta = params.rr_sets_for(n);
    result.rr_sets = theta;
    const ReverseSampler sampler(graph, weights, params.model);
    const RrCounts counts = count_rr_memberships(sampler, roots, n, theta, params.seed);
    result.rr_entries = counts.entries;
    network_estimates(counts.count, total, theta, params.delta, result);
    return result;
}

// --- Referral value -----------------------------------------------------------------------------

void ReferralValueParams::validate() const {
    if (!(depth_discount >= 0.0 && depth_discount <= 1.0))
        throw UsageError("value: the depth discount must be in [0, 1]");
}

ReferralValueResult referral_value(const InfluenceGraph& graph, std::span<const Referral> referrals,
                                   std::span<const double> own_value, Date as_of,
                                   const ReferralValueParams& params) {
    params.validate();
    const NodeId n = graph.num_nodes();
    if (own_value.size() != n)
        throw InternalError("referral_value: one own value per customer expected");
    ReferralValueResult result;
    result.referral_value.assign(n, 0.0);
    result.direct_value.assign(n, 0.0);
    result.direct_referrals.assign(n, 0);
    result.cascade_size.assign(n, 0);
    result.cascade_depth.assign(n, 0);
    result.referred_by.assign(n, kNoNode);
    credit_referrals(referrals, n, as_of, params, result);
    check_no_referral_cycle(graph, result.referred_by);
    accumulate_cascades(own_value, params.depth_discount, result);
    return result;
}

// --- Influence-weighted value and quadrants -----------------------------------------------------

std::string_view to_string(Quadrant quadrant) {
    switch (quadrant) {
        case Quadrant::champion:
            return "champions";
        case Quadrant::hidden_influencer:
            return "hidden-influencers";
        case Quadrant::high_value_loner:
            return "high-value-loners";
        case Quadrant::other:
            return "others";
    }
    return "?";
}

Quadrant parse_quadrant(std::string_view text) {
    std::string name(text);
    std::replace(name.begin(), name.end(), '_', '-');
    if (name == "champions" || name == "champion") return Quadrant::champion;
    if (name == "hidden-influencers" || name == "hidden-influencer")
        return Quadrant::hidden_influencer;
    if (name == "high-value-loners" || name == "high-value-loner")
        return Quadrant::high_value_loner;
    if (name == "others" || name == "other") return Quadrant::other;
    throw UsageError(
        "the quadrant must be champions, hidden-influencers, high-value-loners or others, not '" +
        std::string(text) + "'");
}

void ValueParams::validate() const {
    profile.validate();
    network.validate();
    referral.validate();
    if (!(network_weight >= 0.0) || !std::isfinite(network_weight))
        throw UsageError("value: the network weight must be a number >= 0");
    if (!(referral_weight >= 0.0) || !std::isfinite(referral_weight))
        throw UsageError("value: the referral weight must be a number >= 0");
    if (own_threshold && !std::isfinite(*own_threshold))
        throw UsageError("value: the own-value threshold must be a number");
    if (influence_threshold && !std::isfinite(*influence_threshold))
        throw UsageError("value: the influence threshold must be a number");
}

double median(std::span<const double> values) {
    if (values.empty()) return 0.0;
    std::vector<double> sorted(values.begin(), values.end());
    const std::size_t middle = sorted.size() / 2;
    std::nth_element(sorted.begin(), sorted.begin() + static_cast<std::ptrdiff_t>(middle),
                     sorted.end());
    const double upper = sorted[middle];
    if (sorted.size() % 2 == 1) return upper;
    const double lower =
        *std::max_element(sorted.begin(), sorted.begin() + static_cast<std::ptrdiff_t>(middle));
    return (lower + upper) / 2.0;
}

CustomerValueResult customer_value(const Dataset& dataset, DiffusionWeights weights,
                                   const ValueParams& params) {
    return customer_value(dataset, params, [&](std::span<const double> own) {
        return network_value(dataset.graph, weights, own, params.network);
    });
}

CustomerValueResult customer_value(const Dataset& dataset, const ValueParams& params,
                                   const NetworkValueFunction& network) {
    params.validate();
    const InfluenceGraph& graph = dataset.graph;
    const NodeId n = graph.num_nodes();
    CustomerValueResult result;
    result.profile = customer_profiles(graph, dataset.transactions, params.profile);
    const std::vector<double>& own = result.profile.own_value;
    // Referrals first: a cycle stops the run before the sampling.
    result.referral =
        referral_value(graph, dataset.referrals, own, result.profile.as_of, params.referral);
    result.network = network(own);

    result.influence.resize(n);
    result.influence_weighted.resize(n);
    for (NodeId node = 0; node < n; ++node) {
        result.influence[node] = params.network_weight * result.network.network_value[node] +
                                 params.referral_weight * result.referral.referral_value[node];
        result.influence_weighted[node] = own[node] + result.influence[node];
    }
    result.by_rank.resize(n);
    std::iota(result.by_rank.begin(), result.by_rank.end(), NodeId{0});
    std::sort(result.by_rank.begin(), result.by_rank.end(), [&](NodeId a, NodeId b) {
        const double va = result.influence_weighted[a], vb = result.influence_weighted[b];
        return va != vb ? va > vb : a < b;
    });
    result.rank.resize(n);
    for (NodeId position = 0; position < n; ++position)
        result.rank[result.by_rank[position]] = position + 1;

    result.own_threshold = params.own_threshold ? *params.own_threshold : median(own);
    result.influence_threshold =
        params.influence_threshold ? *params.influence_threshold : median(result.influence);
    result.quadrant.resize(n);
    for (NodeId node = 0; node < n; ++node) {
        const bool high_own = own[node] > result.own_threshold;
        const bool high_influence = result.influence[node] > result.influence_threshold;
        result.quadrant[node] =
            high_own ? (high_influence ? Quadrant::champion : Quadrant::high_value_loner)
                     : (high_influence ? Quadrant::hidden_influencer : Quadrant::other);
    }

    // Notes for the user: what was left out, and where own value came from.
    const ProfileResult& profile = result.profile;
    auto& notes = result.notes;
    if (profile.transactions_after_as_of > 0)
        notes.push_back(std::to_string(profile.transactions_after_as_of) +
                        " transactions dated after the as-of date " + date_text(profile.as_of) +
                        " were left out");
    std::uint64_t derived = 0, empty = 0;
    for (NodeId node = 0; node < n; ++node) {
        if (!profile.own_from_transactions[node]) continue;
        ++derived;
        empty += profile.customers[node].frequency == 0;
    }
    if (derived > 0)
        notes.push_back(
            std::to_string(derived) +
            " customers have no `value`: their own value is what they spent in the window" +
            (empty > 0 ? " (" + std::to_string(empty) + " of them spent nothing: 0)"
                       : std::string()));
    const ReferralValueResult& referral = result.referral;
    if (referral.referrals_after_as_of > 0)
        notes.push_back(std::to_string(referral.referrals_after_as_of) +
                        " referrals dated after the as-of date " + date_text(profile.as_of) +
                        " were left out");
    if (referral.referrals_duplicate > 0)
        notes.push_back(std::to_string(referral.referrals_duplicate) +
                        " referrals name a customer already referred by someone else: each "
                        "customer is credited to "
                        "the earliest referral");
    if (n > 0 && !(result.network.total_value > 0.0))
        notes.push_back("no customer has an own value above 0, so every network value is 0");
    return result;
}

}  // namespace catena
