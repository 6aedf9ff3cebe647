// `catena rank`: influencer lists. Scores every customer by one measure (PageRank, weighted
// degree, core number, betweenness, harmonic closeness) and lists the top ones with who they are.
// Customers who opted out are scored and ranked like everyone (the stored rank_scores are
// complete) but never listed: each listed customer keeps its rank among all customers, and the
// output says how many opted-out customers it passed over (the CSV stays a plain table).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "catena/algorithms/centrality.hpp"
#include "catena/algorithms/pagerank.hpp"
#include "catena/graph/dataset.hpp"
#include "catena/reports/columns.hpp"
#include "catena/reports/output_format.hpp"

namespace catena {

enum class RankMeasure { pagerank, degree, core, betweenness, closeness };
RankMeasure parse_rank_measure(std::string_view text);  // throws UsageError
std::string_view to_string(RankMeasure measure);

struct RankOptions {
    RankMeasure measure = RankMeasure::pagerank;
    PageRankParams pagerank;  // direction also applies to degree
    SamplingParams sampling;  // betweenness and closeness
    // Teleport weights for PageRank: "" (uniform), "value" (own value), "segment:NAME" (the
    // customers of a segment), or "ids:ID[=WEIGHT],ID..." (a list of customers).
    std::string personalize;
    std::size_t top = 20;   // 0: every customer
    ListedColumns columns;  // --columns, resolved against the data by rank_customers
};

struct RankedCustomer {
    NodeId node;
    std::uint64_t rank;  // 1 = highest; ties share the order of their NodeId
    double score;
};

struct RankResult {
    RankOptions options;
    std::vector<double> scores;  // per node
    // The `options.top` best-ranked customers who have not opted out (all of them for top 0).
    std::vector<RankedCustomer> top;
    // Opted-out customers ranked above the last listed one (every opted-out customer when the
    // list runs to the end), left out of `top`.
    std::uint64_t opted_out_not_listed = 0;
    // Customers ranked in all; 0: the graph's. catena-mpi renders from a graph that holds only
    // the listed customers, and says here how many were ranked.
    std::uint64_t customers = 0;
    // PageRank only:
    std::uint32_t iterations = 0;
    bool converged = true;
    double last_change = 0.0;
};

// Builds the personalisation vector described by `spec`; throws UsageError for an unknown
// segment or customer id, a bad weight, or a vector that is all zero.
std::vector<double> personalization_vector(const InfluenceGraph& graph, std::string_view spec);

// The `top` (0: all) highest `scores` among customers who have not opted out, best first, each
// with its rank among all customers (ties: lower NodeId first); `opted_out_passed` gets the
// opted-out customers ranked above the last one listed (all of them when the list runs out).
std::vector<RankedCustomer> listed_ranking(const InfluenceGraph& graph,
                                           const std::vector<double>& scores, std::size_t top,
                                           std::uint64_t& opted_out_passed);

RankResult rank_customers(const Dataset& dataset, const RankOptions& options);
// The result as `--format json` prints it and the batch job's "influencers" section holds
// (docs/json-schema.md).
nlohmann::ordered_json to_json(const Dataset& dataset, const RankResult& result);
std::string render(const Dataset& dataset, const RankResult& result, OutputFormat format);

class Analysis;
// `catena rank` as an Analysis (command.hpp); `listed`: customers the batch job's section lists
// (the batch ranks with top 0, every customer, for its CSV and the workspace).
std::unique_ptr<Analysis> make_rank_analysis(const RankOptions& options = {},
                                             std::size_t listed = 20);

}  // namespace catena
