// `catena simulate`: how far a campaign seeded at given customers spreads, and what it reaches.
#pragma once

#include <string>
#include <vector>

#include "catena/algorithms/propagation.hpp"
#include "catena/graph/dataset.hpp"
#include "catena/reports/output_format.hpp"

namespace catena {

struct SimulateOptions {
    SimulationParams params;
    ProbabilityModel probability;
    std::vector<std::string> seed_ids;  // customer ids
    std::size_t top = 10;               // most likely reached customers to list (seeds excluded)
};

struct SimulateReport {
    SimulateOptions options;
    std::vector<NodeId> seeds;
    SimulationResult result;
};

// Throws UsageError for an unknown or repeated seed id, or no seeds.
SimulateReport run_simulation(const Dataset& dataset, const SimulateOptions& options);
std::string render(const Dataset& dataset, const SimulateReport& report, OutputFormat format);

// Customer ids from a file: one per line, each line taken whole; or, when the first line is a
// header whose first column is `id` or `customer`, that column of the CSV (RFC 4180, so ids with
// commas or quotes are quoted, as catena's own CSV output writes them).
std::vector<std::string> read_seed_file(const std::string& path);

}  // namespace catena
