// Customer value: what each customer is worth on their own, through the customers their influence
// activates, and through the customers they brought in by referral.
//
// Profile (RFM) from transactions, as of a date A (default: the last transaction date):
// - the window is the `window_days` days ending at A, both ends included: A - window_days < d <= A;
// - recency = A - date of the last purchase on or before A (days); tenure = A - date of the first;
// - frequency and monetary = number and total amount of the purchases in the window;
// - transactions dated after A are left out and counted; a purchase on behalf of another customer
//   counts for the buyer (the on_behalf relationship it implies is added by the graph builder);
// - RFM scores 1-5 by quintile among the customers with a purchase on or before A: a customer
//   scores 1 + floor(5 * b / N), where N is that number of customers and b how many of them are
//   strictly worse (longer recency, lower frequency, lower monetary), so ties share a score and 5
//   is best. Customers without a purchase score 0 on all three.
// - own value = the customers' `value` column where given, else the monetary value of the window.
//
// Network value of u: the expected own value of the *other* customers that a campaign seeded at u
// alone activates, sum over v != u of own(v) * P(u activates v), under Independent Cascade (edge
// probabilities as given) or Linear Threshold (threshold weights). Estimated for every customer at
// once by value-weighted reverse-influence sampling: theta RR sets, roots drawn in proportion to
// own value (total V), and
//   network(u) = V * (RR sets containing u whose root is another customer) / theta,
// an unbiased estimate.
// Error bound (Hoeffding, and a union bound over the n customers): every estimate is within
// eps * V of its true value with probability at least 1 - delta once
//   theta >= ln(2n / delta) / (2 eps^2);
// theta defaults to that, rounded up; when theta is given, the result reports the eps it achieves.
// Each customer also gets a standard error and a data-dependent half-width (empirical Bernstein,
// Maurer & Pontil 2009, union over the n customers at the same delta), much tighter than eps * V
// for customers who reach little. With no own value anywhere (V = 0) every network value is 0 and
// no RR set is drawn.
//
// Referral value from observed referrals: who brought in whom. A referral counts when it converted
// (unless `converted_only` is off) and is dated on or before A (undated ones count); referrals
// after A are left out and counted. A customer referred more than once is credited to the earliest
// counting referral (by date, undated last, then input order); the others are counted. Customers
// credited this way form a forest; a cycle (A brought in B ... brought in A) is an InputError that
// names the customers. For u with children c (those u brought in):
//   referral(u) = sum over c of [own(c) + discount * referral(c)],
// i.e. a customer at depth k below u counts discount^(k-1) times their own value. Cascade size is
// the number of customers below u, cascade depth the longest chain.
//
// Influence-weighted value = own + a * network + b * referral (a = network_weight,
// b = referral_weight; b is 0.5 by default because a referral is also a directed edge of the
// graph, so part of it is already in network value). Customers are ranked by it (1 = highest,
// ties by NodeId). Quadrants split customers by own value and by influence = a * network +
// b * referral, each against a threshold (default: the median over all customers); "high" means
// strictly above the threshold:
//   champions (high own, high influence), hidden influencers (low own, high influence),
//   high-value loners (high own, low influence), others (low own, low influence).
//
// RR sets are drawn in parallel (OpenMP), each from its own random stream derived from
// (seed, index), and counts are integers, so every result is identical at any thread count.
// Nothing here prints.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "catena/algorithms/propagation.hpp"
#include "catena/graph/dataset.hpp"
#include "catena/graph/date.hpp"
#include "catena/graph/influence_graph.hpp"

namespace catena {

// --- Profile (RFM) ----------------------------------------------------------------------------

struct ProfileParams {
    std::optional<Date> as_of;        // nothing: the date of the last transaction
    std::uint32_t window_days = 365;  // at least 1
    void validate() const;            // throws UsageError
};

struct CustomerProfile {
    std::int32_t recency_days = -1;  // days from the last purchase to as-of; -1: no purchase
    std::int32_t tenure_days = -1;   // days from the first purchase to as-of; -1: no purchase
    std::uint32_t frequency = 0;     // purchases in the window
    double monetary = 0.0;           // their total amount
    std::uint8_t r_score = 0, f_score = 0, m_score = 0;  // 1..5 (5 best); 0: no purchase
};

struct ProfileResult {
    Date as_of = kNoDate;                    // kNoDate when neither given nor any transaction
    Date window_start = kNoDate;             // first day of the window (as_of - window_days + 1)
    std::vector<CustomerProfile> customers;  // per node
    std::vector<double> own_value;           // per node: value column, else monetary
    std::vector<std::uint8_t> own_from_transactions;  // per node: 1 when own value is monetary
    std::uint64_t transactions_in_window = 0;
    std::uint64_t transactions_before_window = 0;  // used for recency and tenure only
    std::uint64_t transactions_after_as_of = 0;    // left out
    std::uint64_t scored_customers = 0;            // customers with a purchase on or before as-of
};

ProfileResult customer_profiles(const InfluenceGraph& graph, const Transactions& transactions,
                                const ProfileParams& params);

// --- Network value ----------------------------------------------------------------------------

struct NetworkValueParams {
    DiffusionModel model = DiffusionModel::independent_cascade;
    double epsilon = 0.005;     // every estimate within epsilon * V ...
    double delta = 0.01;        // ... with probability at least 1 - delta
    std::uint64_t rr_sets = 0;  // theta; 0: ceil(ln(2n / delta) / (2 epsilon^2))
    std::uint64_t seed = 1;
    void validate() const;  // throws UsageError
    // The theta these parameters ask for on a graph of `num_nodes` customers.
    std::uint64_t rr_sets_for(NodeId num_nodes) const;
};

struct NetworkValueResult {
    std::vector<double> network_value;   // per node, >= 0
    std::vector<double> standard_error;  // per node
    std::vector<double> half_width;      // per node: all within it w.p. >= 1 - delta
    std::uint64_t rr_sets = 0;           // theta drawn
    std::uint64_t rr_entries = 0;        // total RR-set size, roots included
    double total_value = 0.0;            // V
    double epsilon = 0.0;                // achieved: every estimate within epsilon * V ...
    double delta = 0.0;                  // ... with probability at least 1 - delta
    double error_bound = 0.0;            // epsilon * V
};

// `weights`: edge_probabilities() (or DiffusionWeights::weighted_cascade) for IC,
// threshold_weights() for LT (one per edge, in [0, 1]); `own_value`: one per node, finite and >= 0.
NetworkValueResult network_value(const InfluenceGraph& graph, DiffusionWeights weights,
                                 std::span<const double> own_value,
                                 const NetworkValueParams& params);

// The steps of network_value() that another sampler of the same RR sets shares (catena-mpi draws
// them over its ranks):
// - the running sum of own value by node, in node order (its last element is V); set i's root is
//   the first node whose running sum exceeds uniform(i) * V (the last node when none does).
//   Throws UsageError on a negative or non-finite own value.
std::vector<double> running_own_value(std::span<const double> own_value);
// - the estimates from `count` (per node: the RR sets it is in whose root is another customer),
//   with `theta` sets drawn and total own value `total`: network_value, standard_error,
//   half_width, epsilon and error_bound of `result`.
void network_estimates(const std::vector<std::uint64_t>& count, double total, std::uint64_t theta,
                       double delta, NetworkValueResult& result);

// --- Referral value ---------------------------------------------------------------------------

struct ReferralValueParams {
    double depth_discount = 0.5;  // in [0, 1]: weight of each further level of the cascade
    bool converted_only = true;   // only converted referrals bring a customer in
    void validate() const;        // throws UsageError
};

struct ReferralValueResult {
    std::vector<double> referral_value;  // per node: discounted value of the cascade
    std::vector<double> direct_value;    // per node: own value of those brought in directly
    std::vector<std::uint32_t> direct_referrals;  // per node: customers brought in directly
    std::vector<std::uint32_t> cascade_size;      // per node: customers anywhere below
    std::vector<std::uint32_t> cascade_depth;     // per node: longest chain below (0: none)
    std::vector<NodeId> referred_by;              // per node: credited referrer, or kNoNode
    std::uint64_t referrals_used = 0;             // credited referrals (edges of the forest)
    std::uint64_t referrals_not_converted = 0;    // left out (converted_only)
    std::uint64_t referrals_after_as_of = 0;      // left out
    std::uint64_t referrals_duplicate = 0;  // a further referral of an already credited customer
};

// `as_of`: referrals dated after it are left out (kNoDate: none is). Throws InputError when the
// credited referrals form a cycle.
ReferralValueResult referral_value(const InfluenceGraph& graph, std::span<const Referral> referrals,
                                   std::span<const double> own_value, Date as_of,
                                   const ReferralValueParams& params);

// --- Influence-weighted value and quadrants ---------------------------------------------------

enum class Quadrant : std::uint8_t {
    champion = 0,
    hidden_influencer = 1,
    high_value_loner = 2,
    other = 3
};
inline constexpr int kQuadrants = 4;
// "champions", "hidden-influencers", "high-value-loners", "others".
std::string_view to_string(Quadrant quadrant);
// Accepts the names above, with '_' for '-' and the singular too; throws UsageError.
Quadrant parse_quadrant(std::string_view text);

struct ValueParams {
    ProfileParams profile;
    NetworkValueParams network;
    ReferralValueParams referral;
    double network_weight = 1.0;                // a, >= 0
    double referral_weight = 0.5;               // b, >= 0
    std::optional<double> own_threshold;        // nothing: median own value
    std::optional<double> influence_threshold;  // nothing: median influence
    void validate() const;                      // throws UsageError
};

struct CustomerValueResult {
    ProfileResult profile;
    NetworkValueResult network;
    ReferralValueResult referral;
    std::vector<double> influence;           // per node: a * network + b * referral
    std::vector<double> influence_weighted;  // per node: own + influence
    std::vector<std::uint32_t> rank;         // per node: 1 = highest influence-weighted value
    std::vector<NodeId> by_rank;             // nodes, highest first
    std::vector<Quadrant> quadrant;          // per node
    double own_threshold = 0.0, influence_threshold = 0.0;  // in force
    std::vector<std::string> notes;  // what was left out or derived, for the user
};

// Everything above on one data set. `weights` as for network_value().
CustomerValueResult customer_value(const Dataset& dataset, DiffusionWeights weights,
                                   const ValueParams& params);
// The same with network value computed by `network` from the own values (catena-mpi computes it
// over its ranks' partitioned graph).
using NetworkValueFunction = std::function<NetworkValueResult(std::span<const double> own_value)>;
CustomerValueResult customer_value(const Dataset& dataset, const ValueParams& params,
                                   const NetworkValueFunction& network);

// The median of `values` (the mean of the middle two for an even count; 0 when empty).
double median(std::span<const double> values);

}  // namespace catena
