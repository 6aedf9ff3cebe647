// `catena value`: what each customer is worth, counting whom they influence and whom they
// brought in (see catena/algorithms/customer_value.hpp for every definition): own value and RFM
// profile, network value, referral value, influence-weighted value and rank, quadrants, and a
// summary of each quadrant and segment.
// Customers who opted out are valued, ranked and counted in every summary like everyone (the
// stored customer_values are complete) but never listed: a listed customer keeps its rank among
// all customers, and the table and JSON say how many opted-out customers the list passed over.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "catena/algorithms/customer_value.hpp"
#include "catena/algorithms/propagation.hpp"
#include "catena/graph/dataset.hpp"
#include "catena/loaders/store.hpp"
#include "catena/reports/columns.hpp"
#include "catena/reports/output_format.hpp"

namespace catena {

struct ValueOptions {
    ValueParams params;  // model (IC/LT), eps, delta, RR sets, seed, weights, thresholds...
    ProbabilityModel probability;  // IC edge probabilities (default weighted-cascade)
    // Computes network value instead of network_value() on the data set's graph, from the own
    // values and these options (catena-mpi: over its ranks' partitioned graph). Empty: catena's.
    std::function<NetworkValueResult(std::span<const double> own_value, const ValueOptions&)>
        network;
};

// Totals over a group of customers (a quadrant or a segment).
struct ValueGroup {
    std::string name;  // quadrant name, or segment name ("" for customers without one)
    std::uint64_t customers = 0;
    double own_value = 0.0, network_value = 0.0, referral_value = 0.0,
           influence_weighted_value = 0.0;
    std::array<std::uint64_t, kQuadrants> by_quadrant{};  // customers in each Quadrant
};

struct ValueReport {
    ValueOptions options;
    CustomerValueResult result;
    std::vector<ValueGroup> quadrants;  // kQuadrants groups, in Quadrant order
    std::vector<ValueGroup> segments;  // segments that have customers, in the graph's segment order
};

// Computes everything; throws UsageError for impossible parameters, InputError for referrals
// that form a cycle.
ValueReport run_value(const Dataset& dataset, const ValueOptions& options);

// Which customers to list: at most `top` (0: all) of those in `quadrant` ("" or any name
// parse_quadrant accepts) and `segment` ("": any), by rank.
struct ValueFilter {
    std::size_t top = 20;
    std::string quadrant;
    std::string segment;
    ListedColumns columns;  // --columns: resolve() against the data before listing
};

// The customers `filter` selects, best rank first; never one who opted out. `opted_out_passed`,
// when given, gets the opted-out customers the filter matches ranked above the last one selected
// (all of them when the list runs to the end). Throws UsageError for an unknown quadrant or a
// segment no customer is in.
std::vector<NodeId> select_customers(const Dataset& dataset, const ValueReport& report,
                                     const ValueFilter& filter,
                                     std::uint64_t* opted_out_passed = nullptr);

// The result as `--format json` prints it and the batch job's "value" section holds (which adds
// the scatter plot's points): docs/json-schema.md.
nlohmann::ordered_json to_json(const Dataset& dataset, const ValueReport& report,
                               const ValueFilter& filter = {});
// table: parameters, notes, quadrant and segment summaries, then the listed customers;
// csv: one row per listed customer with every column; json: all of it.
std::string format_value(const Dataset& dataset, const ValueReport& report, OutputFormat format,
                         const ValueFilter& filter = {});

// For the `runs` table: the parameters in force, and the headline results, as JSON text.
std::string value_parameters_json(const ValueReport& report);
std::string value_summary_json(const Dataset& dataset, const ValueReport& report);

// Every customer's values, as stored in the workspace (customer_values).
std::vector<CustomerValueRow> customer_value_rows(const ValueReport& report);

class Analysis;
// `catena value` as an Analysis (command.hpp); `scatter_points`: at most this many customers in
// the batch job's value scatter plot.
std::unique_ptr<Analysis> make_value_analysis(const ValueOptions& options = {},
                                              std::size_t scatter_points = 2000,
                                              const ListedColumns& columns = {});

}  // namespace catena
