// `catena communities`: the groups customers form, with a summary of each: size, people and
// businesses, own value, strength of ties inside and to the outside, and its top customers.
// Customers who opted out belong to their communities and count in every figure, but are never
// listed among a community's top customers; the membership file lists everyone, with an opt_out
// column, for analysis.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "catena/algorithms/communities.hpp"
#include "catena/graph/dataset.hpp"
#include "catena/reports/columns.hpp"
#include "catena/reports/output_format.hpp"

namespace catena {

CommunityMethod parse_community_method(std::string_view text);  // leiden, louvain, lpa
std::string_view to_string(CommunityMethod method);

struct CommunitySummary {
    std::uint32_t id = 0;
    NodeId size = 0, people = 0, businesses = 0;
    double total_value = 0.0;
    double internal_strength = 0.0;   // edges with both ends inside
    double external_strength = 0.0;   // edges with one end inside
    std::vector<NodeId> top_members;  // by the chosen score, highest first; never an opt-out
    // Opted-out members scoring above the last top member (all of them when the list runs out).
    NodeId opted_out_not_listed = 0;
};

struct CommunityReport {
    CommunityParams params;
    CommunityResult result;
    std::vector<CommunitySummary> communities;  // largest first (ties: lower id first)
    std::string score_name;                     // what top_members are ranked by
    // --columns for the top customers (JSON: each of them; CSV: the first, as top_customer_X).
    ListedColumns columns;
};

// `score`: per customer, what ranks a community's top customers (e.g. weighted degree or
// PageRank); `score_name` says which in the output.
CommunityReport summarize_communities(const Dataset& dataset, const CommunityParams& params,
                                      CommunityResult result, const std::vector<double>& score,
                                      std::string score_name, std::size_t top_members = 3);

// The result as `--format json` prints it and the batch job's "communities" section holds, the
// `top` (0: all) largest communities listed (docs/json-schema.md).
nlohmann::ordered_json to_json(const Dataset& dataset, const CommunityReport& report,
                               std::size_t top);
// `top`: how many communities to list (0: all).
std::string render(const Dataset& dataset, const CommunityReport& report, OutputFormat format,
                   std::size_t top);

// Starting labels from a customers column (customers with an empty value get labels of their
// own). Throws UsageError when there is no such column.
std::vector<std::uint32_t> labels_from_column(const InfluenceGraph& graph, std::string_view column);

// id,community,opt_out (true or false) for every customer: `catena communities --initial` reads
// it back (the opt_out column is there to filter on, not read). `byte_order_mark`: the file
// starts with one, for Excel.
void write_membership_csv(const std::filesystem::path& path, const InfluenceGraph& graph,
                          const std::vector<std::uint32_t>& community,
                          bool byte_order_mark = false);

class Analysis;
// `catena communities` as an Analysis (command.hpp); `top_members`: each community's top customers
// (the batch job lists one, its top influencer).
std::unique_ptr<Analysis> make_communities_analysis(const CommunityParams& params = {},
                                                    std::size_t top_members = 3,
                                                    const ListedColumns& columns = {});

}  // namespace catena
