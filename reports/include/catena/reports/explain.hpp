// `catena explain ID`: why one customer ranks where they do. The card says
// - who they are: every attribute;
// - their scores (PageRank, weighted degree, core number, betweenness: exact up to
//   kExactBetweennessNodes customers, else sampled), each with rank and percentile among all
//   customers, computed exactly as `catena rank --by X` computes them;
// - their community (Leiden, as `catena communities` with the same seed) and its top members;
// - their value, exactly as `catena value` with the same parameters gives it (own value and RFM,
//   network value with its error bound, referral value, influence-weighted value, rank, quadrant);
// - what their network value is made of: the customers a campaign seeded at them alone reaches
//   (forward simulation, algorithms/explain.hpp), each with activation probability, own value,
//   value contributed (own x probability) and share, the relationship tying them directly (if
//   any) and the most likely chain of ties to them; all contributions add up to the network value
//   within the stated errors of both estimates;
// - who moves them: the customers most likely to activate them (reverse sampling), with chains;
// - their referral tree: who referred them, up to the root, and the cascade below them level by
//   level, every referral listed converted or not.
// Opted-out customers are never listed: as contributors or influencers they are summed into one
// "opted-out customers" line (so the totals still add up), in the referral tree they are counted
// but not named, and an opted-out customer cannot be explained (a usage error).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "catena/algorithms/communities.hpp"
#include "catena/algorithms/explain.hpp"
#include "catena/graph/dataset.hpp"
#include "catena/reports/columns.hpp"
#include "catena/reports/communities.hpp"
#include "catena/reports/output_format.hpp"
#include "catena/reports/rank.hpp"
#include "catena/reports/value.hpp"

namespace catena {

inline constexpr NodeId kExactBetweennessNodes = 5000;
inline constexpr NodeId kBetweennessPivots = 500;

struct ExplainOptions {
    std::string id;                  // the customer
    ValueOptions value;              // model, probabilities, eps, delta, seed: as `catena value`
    std::uint32_t samples = 10'000;  // forward cascades and RR sets for the breakdowns
    std::size_t top = 10;         // contributors, influencers, referrals per level to list; 0: all
    std::uint32_t depth = 3;      // referral-tree levels listed, up and down
    CommunityParams communities;  // Leiden, seed 1: as `catena communities`
    // How the scores are computed, as `catena rank` (direction, damping, weights, personalised
    // PageRank, betweenness pivots); its measure, top and columns are not used.
    RankOptions rank;
    ListedColumns columns;  // --columns for the listed customers (resolved by the context)
};

// One score of the customer among all customers.
struct ExplainScore {
    std::string measure;  // "pagerank", "degree", "core", "betweenness"
    double score = 0.0;
    std::uint64_t rank = 0;   // 1 = highest; ties by NodeId, as `catena rank`
    double percentile = 0.0;  // customers ranked below, in % of all
    std::string note;         // how it was computed when that matters ("sampled, 500 pivots")
};

// Customer other than the explained one, with their chance and the chain of ties.
struct ExplainedCustomer {
    NodeId node = kNoNode;
    double probability = 0.0, standard_error = 0.0;
    double own_value = 0.0;
    double contribution = 0.0;  // own_value x probability (reach side)
    std::string relationship;   // type of the direct tie between the two, "" when none
    Chain chain;                // the most likely chain, in the order influence travels
};

// The sum over customers not listed one by one.
struct ExplainRest {
    std::uint64_t customers = 0;
    double probability = 0.0;  // sum of their probabilities
    double contribution = 0.0;
};

struct ReferralStep {
    NodeId node = kNoNode;      // the referred (down) or the referrer (up)
    NodeId referrer = kNoNode;  // who referred `node` (down)
    Date date = kNoDate;
    bool converted = false;
    bool credited = false;  // the referral that counts for referral value (an opted-out
                            // `node` is never named: graph.opt_out tells)
};

struct ReferralLevel {
    std::uint32_t level = 0;  // 1: referred by the customer, 2: by those, ...
    std::uint64_t referrals = 0, converted = 0;
    double value = 0.0;                // own value of the converted (credited) customers
    std::vector<ReferralStep> listed;  // at most options.top, by date
};

struct ExplainReport {
    ExplainOptions options;
    NodeId node = kNoNode;
    std::vector<ExplainScore> scores;
    std::uint32_t community = 0;
    CommunitySummary community_summary;
    double modularity = 0.0;
    std::uint32_t communities = 0;
    // Value, as `catena value`: the row of this customer in its result.
    CustomerProfile profile;
    bool own_from_transactions = false;
    double own_value = 0.0, network_value = 0.0, network_half_width = 0.0,
           network_standard_error = 0.0, referral_value = 0.0, influence_weighted = 0.0;
    std::uint32_t value_rank = 0;
    Quadrant quadrant = Quadrant::other;
    // What the network value is made of.
    std::vector<ExplainedCustomer> contributors;  // largest contribution first
    ExplainRest other_contributors, opted_out_contributors;
    double breakdown_total = 0.0, breakdown_standard_error = 0.0;  // all contributions
    double expected_reach = 0.0, expected_reach_standard_error = 0.0;
    // Who moves them.
    std::vector<ExplainedCustomer> influencers;  // most likely first
    ExplainRest other_influencers, opted_out_influencers;
    double expected_influencers = 0.0, expected_influencers_standard_error = 0.0;
    // Referral tree.
    std::vector<ReferralStep> referred_by;  // the credited referrer, theirs, ... (up to depth)
    bool referred_by_cut = false;           // the chain goes on above the last one listed
    std::vector<ReferralLevel> cascade;     // levels below (up to depth)
    std::uint32_t cascade_size = 0, cascade_depth = 0, direct_referrals = 0;
};

// What every card of one data set shares: the scores of every customer, the communities, every
// customer's value and the diffusion weights. Computed once; a batch report explains many
// customers with one.
struct ExplainContext {
    ExplainOptions options;
    std::vector<ExplainScore> measures;       // measure name and note only
    std::vector<std::vector<double>> scores;  // per measure, per node
    CommunityReport communities;
    ValueReport value;
    std::vector<double> weights;  // diffusion weights of the value model
    std::vector<std::vector<std::size_t>> referrals_by_referrer;  // per node: referral indices
};

ExplainContext explain_context(const Dataset& dataset, const ExplainOptions& options);
// `options.id` must name a customer who has not opted out (UsageError otherwise, with the
// closest id when it looks misspelt).
NodeId explained_customer(const Dataset& dataset, const std::string& id);
ExplainReport explain_customer(const Dataset& dataset, const ExplainContext& context, NodeId node);

nlohmann::ordered_json to_json(const Dataset& dataset, const ExplainReport& report);
// table: the card for a person; csv: one row per listed customer (section, level, order, ...);
// json: to_json().
std::string render(const Dataset& dataset, const ExplainReport& report, OutputFormat format);

class Analysis;
std::unique_ptr<Analysis> make_explain_analysis(const ExplainOptions& options = {});

}  // namespace catena
