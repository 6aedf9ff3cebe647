// `catena rank`: influencer lists. Scores every customer by one measure (PageRank, weighted
// degree, core number, betweenness, harmonic closeness) and lists the top ones with who they are.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "catena/algorithms/centrality.hpp"
#include "catena/algorithms/pagerank.hpp"
#include "catena/graph/dataset.hpp"
#include "catena/reports/output_format.hpp"

namespace catena {

enum class RankMeasure { pagerank, degree, core, betweenness, closeness };
RankMeasure parse_rank_measure(std::string_view text);  // throws UsageError
std::string_view to_string(RankMeasure measure);

struct RankOptions {
    RankMeasure measure = RankMeasure::pagerank;
    PageRankParams pagerank;   // direction also applies to degree
    SamplingParams sampling;   // betweenness and closeness
    // Teleport weights for PageRank: "" (uniform), "value" (own value), "segment:NAME" (the
    // customers of a segment), or "ids:ID[=WEIGHT],ID..." (a list of customers).
    std::string personalize;
    std::size_t top = 20;  // 0: every customer
};

struct RankedCustomer {
    NodeId node;
    std::uint64_t rank;  // 1 = highest; ties share the order of their NodeId
    double score;
};

struct RankResult {
    RankOptions options;
    std::vector<double> scores;  // per node
    std::vector<RankedCustomer> top;
    // PageRank only:
    std::uint32_t iterations = 0;
    bool converged = true;
    double last_change = 0.0;
};

// Builds the personalisation vector described by `spec`; throws UsageError for an unknown
// segment or customer id, a bad weight, or a vector that is all zero.
std::vector<double> personalization_vector(const InfluenceGraph& graph, std::string_view spec);

RankResult rank_customers(const Dataset& dataset, const RankOptions& options);
std::string render(const Dataset& dataset, const RankResult& result, OutputFormat format);

}  // namespace catena
