// `catena seeds`: the k customers to start a referral campaign with (influence maximisation).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "catena/algorithms/propagation.hpp"
#include "catena/algorithms/seed_selection.hpp"
#include "catena/graph/dataset.hpp"
#include "catena/reports/output_format.hpp"

namespace catena {

struct SeedsOptions {
    SeedSelectionParams params;
    ProbabilityModel probability;
    std::vector<std::string> exclude_segments;
    std::string only_kind;  // "", "person" or "business"
};

struct SeedsReport {
    SeedsOptions options;
    SeedSelectionResult result;
};

// Throws UsageError for an unknown segment or kind.
SeedsReport choose_seeds(const Dataset& dataset, SeedsOptions options);
// The result as `--format json` prints it and the batch job's "seeds" section holds (which adds
// the simulated reach: docs/json-schema.md).
nlohmann::ordered_json to_json(const Dataset& dataset, const SeedsReport& report);
std::string render(const Dataset& dataset, const SeedsReport& report, OutputFormat format);

class Analysis;
// `catena seeds` as an Analysis (command.hpp).
std::unique_ptr<Analysis> make_seeds_analysis(const SeedsOptions& options = {});

}  // namespace catena
