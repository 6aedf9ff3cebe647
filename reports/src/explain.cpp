// `catena explain`: the computation of a customer's card (explain_render.cpp writes it out).
#include "catena/reports/explain.hpp"

#include <algorithm>
#include <unordered_set>

#include <fmt/format.h>

#include "catena/algorithms/centrality.hpp"
#include "catena/graph/errors.hpp"
#include "catena/graph/spelling.hpp"
#include "catena/reports/rank.hpp"

namespace catena {

namespace {

// Rank of `node` by `scores` among all customers (1 = highest; ties: lower NodeId first), as
// `catena rank` ranks them.
std::uint64_t rank_of(const std::vector<double>& scores, NodeId node) {
    std::uint64_t above = 0;
    const double own = scores[node];
    for (NodeId other = 0; other < scores.size(); ++other)
        if (scores[other] > own || (scores[other] == own && other < node)) ++above;
    return above + 1;
}

// Every measure of the card, computed as `catena rank --by X` computes it.
void compute_measures(const Dataset& dataset, ExplainContext& context) {
    const NodeId n = dataset.graph.num_nodes();
    const auto add = [&](RankMeasure measure, std::string note, const RankOptions& options) {
        ExplainScore score;
        score.measure = std::string(to_string(measure));
        score.note = std::move(note);
        context.measures.push_back(score);
        context.scores.push_back(rank_customers(dataset, options).scores);
    };
    RankOptions options = context.options.rank;
    options.top = 1;
    options.columns = {};
    options.measure = RankMeasure::pagerank;
    add(RankMeasure::pagerank,
        options.personalize.empty() ? "" : "personalised by " + options.personalize, options);
    options.personalize.clear();  // PageRank's alone
    options.measure = RankMeasure::degree;
    add(RankMeasure::degree, "", options);
    options.measure = RankMeasure::core;
    add(RankMeasure::core, "", options);
    options.measure = RankMeasure::betweenness;
    if (options.sampling.pivots > 0) {
        add(RankMeasure::betweenness,
            fmt::format("sampled from {} of {} customers", options.sampling.pivots, n), options);
    } else if (n > kExactBetweennessNodes) {
        options.sampling.pivots = kBetweennessPivots;
        options.sampling.seed = context.options.value.params.network.seed;
        add(RankMeasure::betweenness,
            fmt::format("sampled from {} of {} customers (catena rank --by betweenness --pivots "
                        "{} --seed {})",
                        kBetweennessPivots, n, kBetweennessPivots, options.sampling.seed),
            options);
    } else {
        add(RankMeasure::betweenness, "", options);
    }
}

// The order of a referrer's referrals: by date (undated last), then input order.
bool earlier(const Referral& a, std::size_t a_index, const Referral& b, std::size_t b_index) {
    const auto key = [](const Referral& r, std::size_t index) {
        return std::pair(r.date == kNoDate ? INT32_MAX : r.date, index);
    };
    return key(a, a_index) < key(b, b_index);
}

}  // namespace

ExplainContext explain_context(const Dataset& dataset, const ExplainOptions& options) {
    const InfluenceGraph& graph = dataset.graph;
    if (options.samples == 0) throw UsageError("explain: --sims must be at least 1");
    ExplainContext context;
    context.options = options;
    context.options.columns.resolve(graph);
    compute_measures(dataset, context);
    CommunityResult communities = detect_communities(graph, options.communities);
    context.communities = summarize_communities(
        dataset, options.communities, std::move(communities), context.scores[0], "pagerank",
        options.top == 0 ? 5 : std::min<std::size_t>(options.top, 5));
    context.value = run_value(dataset, options.value);
    context.weights = diffusion_weights(graph, options.value.params.network.model,
                                        options.value.probability, dataset.referrals);
    context.referrals_by_referrer.resize(graph.num_nodes());
    for (std::size_t index = 0; index < dataset.referrals.size(); ++index)
        context.referrals_by_referrer[dataset.referrals[index].referrer].push_back(index);
    for (auto& list : context.referrals_by_referrer)
        std::sort(list.begin(), list.end(), [&](std::size_t a, std::size_t b) {
            return earlier(dataset.referrals[a], a, dataset.referrals[b], b);
        });
    return context;
}

NodeId explained_customer(const Dataset& dataset, const std::string& id) {
    const InfluenceGraph& graph = dataset.graph;
    const std::optional<NodeId> node = graph.find(id);
    if (!node) {
        std::vector<std::string> ids;
        ids.reserve(graph.num_nodes());
        for (NodeId other = 0; other < graph.num_nodes(); ++other)
            if (!graph.opt_out(other)) ids.emplace_back(graph.external_id(other));
        const std::optional<std::string> near = closest(id, ids);
        throw UsageError("explain: no customer '" + id + "' in " + dataset.source +
                         (near ? " (did you mean " + *near + "?)" : ""));
    }
    if (graph.opt_out(*node))
        throw UsageError("explain: customer '" + id +
                         "' has opted out: catena lists and explains no opted-out customer");
    return *node;
}

namespace {

// The type of the relationship from `from` to `to`, "" when there is none.
std::string direct_tie(const InfluenceGraph& graph, NodeId from, NodeId to) {
    const auto targets = graph.out_targets();
    const auto first = targets.begin() + graph.out_offsets()[from];
    const auto last = targets.begin() + graph.out_offsets()[from + 1];
    const auto found = std::lower_bound(first, last, to);
    if (found == last || *found != to) return "";
    return graph.types()[graph.type(static_cast<EdgeId>(found - targets.begin()))].name;
}

// Splits `reached` into the listed customers (at most `top`, 0: all; by `key` descending, those
// whose key is above 0 and who have not opted out), the rest and the opted-out ones.
template <typename Key>
std::vector<ExplainedCustomer> split_reached(const InfluenceGraph& graph,
                                             const std::vector<Activation>& reached,
                                             std::span<const double> own, std::size_t top,
                                             Key&& key, ExplainRest& rest, ExplainRest& opted_out) {
    std::vector<ExplainedCustomer> all;
    for (const Activation& a : reached) {
        ExplainedCustomer customer;
        customer.node = a.node;
        customer.probability = a.probability;
        customer.standard_error = a.standard_error;
        customer.own_value = own[a.node];
        customer.contribution = customer.own_value * a.probability;
        all.push_back(customer);
    }
    std::stable_sort(all.begin(), all.end(), [&](const auto& a, const auto& b) {
        return key(a) > key(b);  // stable: ties stay by NodeId
    });
    std::vector<ExplainedCustomer> listed;
    for (const ExplainedCustomer& customer : all) {
        ExplainRest* sum = nullptr;
        if (graph.opt_out(customer.node))
            sum = &opted_out;
        else if ((top != 0 && listed.size() >= top) || !(key(customer) > 0.0))
            sum = &rest;
        if (sum == nullptr) {
            listed.push_back(customer);
            continue;
        }
        ++sum->customers;
        sum->probability += customer.probability;
        sum->contribution += customer.contribution;
    }
    return listed;
}

// The sampling of both breakdowns: the value model's diffusion and seed.
ExplainParams sampling(const ExplainOptions& options) {
    ExplainParams params;
    params.model = options.value.params.network.model;
    params.samples = options.samples;
    params.seed = options.value.params.network.seed;
    return params;
}

// Each listed customer's most likely chain (from the origin, or to it) and direct tie.
void attach_chains(const InfluenceGraph& graph, std::span<const double> weights, NodeId origin,
                   ChainFinder::Direction direction, std::vector<ExplainedCustomer>& listed) {
    if (listed.empty()) return;  // (no ends would mean every customer)
    std::vector<NodeId> ends;
    for (const ExplainedCustomer& c : listed) ends.push_back(c.node);
    const ChainFinder chains(graph, weights, origin, direction, ends);
    const bool outward = direction == ChainFinder::Direction::from_origin;
    for (ExplainedCustomer& c : listed) {
        c.chain = chains.chain(c.node);
        c.relationship =
            outward ? direct_tie(graph, origin, c.node) : direct_tie(graph, c.node, origin);
    }
}

// The network value's breakdown: a campaign seeded at the customer alone, simulated forward.
void explain_reach(const Dataset& dataset, const ExplainContext& context, ExplainReport& report) {
    const InfluenceGraph& graph = dataset.graph;
    const std::span<const double> own = context.value.result.profile.own_value;
    const ReachResult reach =
        influence_of(graph, context.weights, report.node, sampling(context.options), own);
    report.contributors = split_reached(
        graph, reach.reached, own, context.options.top,
        [](const ExplainedCustomer& c) { return c.contribution; }, report.other_contributors,
        report.opted_out_contributors);
    report.breakdown_total = reach.expected_value;
    report.breakdown_standard_error = reach.expected_value_standard_error;
    report.expected_reach = reach.expected_reach;
    report.expected_reach_standard_error = reach.expected_reach_standard_error;
    attach_chains(graph, context.weights, report.node, ChainFinder::Direction::from_origin,
                  report.contributors);
}

// Who moves the customer: reverse samples rooted at them.
void explain_influencers(const Dataset& dataset, const ExplainContext& context,
                         ExplainReport& report) {
    const InfluenceGraph& graph = dataset.graph;
    const ReachResult on =
        influence_on(graph, context.weights, report.node, sampling(context.options));
    const std::span<const double> own = context.value.result.profile.own_value;
    report.influencers = split_reached(
        graph, on.reached, own, context.options.top,
        [](const ExplainedCustomer& c) { return c.probability; }, report.other_influencers,
        report.opted_out_influencers);
    report.expected_influencers = on.expected_reach;
    report.expected_influencers_standard_error = on.expected_reach_standard_error;
    attach_chains(graph, context.weights, report.node, ChainFinder::Direction::to_origin,
                  report.influencers);
}

// The referral that credits `referred` to `referrer` (or their first referral of them).
ReferralStep referral_step(const Dataset& dataset, const ExplainContext& context, NodeId referrer,
                           NodeId referred) {
    ReferralStep step;
    step.node = referred;
    step.referrer = referrer;
    step.credited = context.value.result.referral.referred_by[referred] == referrer;
    for (const std::size_t index : context.referrals_by_referrer[referrer]) {
        const Referral& referral = dataset.referrals[index];
        if (referral.referred != referred) continue;
        step.date = referral.date;
        step.converted = referral.converted;
        if (!step.credited || referral.converted) break;  // the credited one converted
    }
    return step;
}

// Up: the credited referrer, theirs, ... Down: the cascade level by level, every referral listed
// (converted or not), following the credited customers to the next level.
void explain_referrals(const Dataset& dataset, const ExplainContext& context,
                       ExplainReport& report) {
    const ReferralValueResult& referral = context.value.result.referral;
    const std::uint32_t depth = context.options.depth;
    NodeId below = report.node;
    for (std::uint32_t level = 0; referral.referred_by[below] != kNoNode; ++level) {
        if (level == depth) {
            report.referred_by_cut = true;
            break;
        }
        const NodeId above = referral.referred_by[below];
        ReferralStep step = referral_step(dataset, context, above, below);
        step.node = above;
        report.referred_by.push_back(step);
        below = above;
    }
    report.cascade_size = referral.cascade_size[report.node];
    report.cascade_depth = referral.cascade_depth[report.node];
    report.direct_referrals = referral.direct_referrals[report.node];
    const std::span<const double> own = context.value.result.profile.own_value;
    std::vector<NodeId> frontier{report.node};
    for (std::uint32_t level = 1; level <= depth && !frontier.empty(); ++level) {
        ReferralLevel summary;
        summary.level = level;
        std::vector<NodeId> next;
        std::unordered_set<NodeId> seen;
        for (const NodeId referrer : frontier)
            for (const std::size_t index : context.referrals_by_referrer[referrer]) {
                const Referral& r = dataset.referrals[index];
                ++summary.referrals;
                if (r.converted) ++summary.converted;
                if (referral.referred_by[r.referred] == referrer &&
                    seen.insert(r.referred).second) {
                    next.push_back(r.referred);
                    summary.value += own[r.referred];
                }
                if (context.options.top == 0 || summary.listed.size() < context.options.top)
                    summary.listed.push_back(referral_step(dataset, context, referrer, r.referred));
            }
        if (summary.referrals == 0) break;
        report.cascade.push_back(std::move(summary));
        frontier = std::move(next);
    }
}

}  // namespace

ExplainReport explain_customer(const Dataset& dataset, const ExplainContext& context, NodeId node) {
    const InfluenceGraph& graph = dataset.graph;
    ExplainReport report;
    report.options = context.options;
    report.node = node;
    const NodeId n = graph.num_nodes();
    for (std::size_t measure = 0; measure < context.measures.size(); ++measure) {
        ExplainScore score = context.measures[measure];
        score.score = context.scores[measure][node];
        score.rank = rank_of(context.scores[measure], node);
        score.percentile = 100.0 * static_cast<double>(n - score.rank) / n;
        report.scores.push_back(std::move(score));
    }
    const CommunityResult& communities = context.communities.result;
    report.community = communities.community[node];
    report.modularity = communities.modularity;
    report.communities = communities.count;
    for (const CommunitySummary& summary : context.communities.communities)
        if (summary.id == report.community) report.community_summary = summary;
    const CustomerValueResult& value = context.value.result;
    report.profile = value.profile.customers[node];
    report.own_from_transactions = value.profile.own_from_transactions[node] != 0;
    report.own_value = value.profile.own_value[node];
    report.network_value = value.network.network_value[node];
    report.network_half_width = value.network.half_width[node];
    report.network_standard_error = value.network.standard_error[node];
    report.referral_value = value.referral.referral_value[node];
    report.influence_weighted = value.influence_weighted[node];
    report.value_rank = value.rank[node];
    report.quadrant = value.quadrant[node];
    explain_reach(dataset, context, report);
    explain_influencers(dataset, context, report);
    explain_referrals(dataset, context, report);
    return report;
}

}  // namespace catena
