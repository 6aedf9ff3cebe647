// `catena seeds`: the k customers to start a referral campaign with (influence maximisation).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "catena/algorithms/propagation.hpp"
#include "catena/algorithms/seed_selection.hpp"
#include "catena/graph/dataset.hpp"
#include "catena/reports/columns.hpp"
#include "catena/reports/output_format.hpp"

namespace catena {

struct SeedsOptions {
    SeedSelectionParams params;
    ProbabilityModel probability;
    // Segment filters, names matched case-insensitively: choose only from only_segments (when
    // not empty), never from exclude_segments.
    std::vector<std::string> only_segments;
    std::vector<std::string> exclude_segments;
    std::string only_kind;  // "", "person" or "business"
    ListedColumns columns;  // --columns, resolved against the data by choose_seeds
};

// The segment codes (InfluenceGraph::segment_code) whose names equal `name` ignoring ASCII case;
// empty when no customer is in such a segment.
std::vector<std::uint32_t> match_segment(const InfluenceGraph& graph, std::string_view name);
// "the segments are: a, b, c" (at most 20 named, then how many more), for error messages.
std::string known_segments(const InfluenceGraph& graph);

struct SeedsReport {
    SeedsOptions options;
    SeedSelectionResult result;
};

// Throws UsageError for an unknown segment or kind.
SeedsReport choose_seeds(const Dataset& dataset, SeedsOptions options);
// The candidate mask of options' filters (--only-segment, --exclude-segment, --only-kind), one
// entry per customer; empty when there are none. Throws UsageError for a segment no customer is
// in or an unknown kind.
std::vector<std::uint8_t> seed_candidates(const InfluenceGraph& graph, const SeedsOptions& options);
// The result as `--format json` prints it and the batch job's "seeds" section holds (which adds
// the simulated reach: docs/json-schema.md).
nlohmann::ordered_json to_json(const Dataset& dataset, const SeedsReport& report);
std::string render(const Dataset& dataset, const SeedsReport& report, OutputFormat format);

class Analysis;
// `catena seeds` as an Analysis (command.hpp).
std::unique_ptr<Analysis> make_seeds_analysis(const SeedsOptions& options = {});

}  // namespace catena
