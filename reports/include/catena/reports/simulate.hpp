// `catena simulate`: how far a campaign seeded at given customers spreads, and what it reaches.
// Customers who opted out can be reached and count in the spread (a prediction, not a contact
// list) but are never seeds (a usage error naming them) and never listed among those most likely
// reached. The CSV of every customer's activation probability (like the stored
// simulation_activation rows) keeps them, with an opt_out column to filter on.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "catena/algorithms/propagation.hpp"
#include "catena/graph/dataset.hpp"
#include "catena/reports/output_format.hpp"

namespace catena {

struct SimulateOptions {
    SimulationParams params;
    ProbabilityModel probability;
    std::vector<std::string> seed_ids;  // customer ids
    std::size_t top = 10;  // most likely reached customers to list (seeds excluded; 0: all)
};

struct SimulateReport {
    SimulateOptions options;
    std::vector<NodeId> seeds;
    SimulationResult result;
};

// Throws UsageError for an unknown, repeated or opted-out seed id, or no seeds.
SimulateReport run_simulation(const Dataset& dataset, const SimulateOptions& options);
std::string render(const Dataset& dataset, const SimulateReport& report, OutputFormat format);
// The result as `--format json` prints it and the batch job's "simulate" section holds.
nlohmann::ordered_json to_json(const Dataset& dataset, const SimulateReport& report);

// Customer ids from a file: one per line, each line taken whole; or, when the first line is a
// header whose first column is `id` or `customer`, that column of the CSV (RFC 4180, so ids with
// commas or quotes are quoted, as catena's own CSV output writes them).
std::vector<std::string> read_seed_file(const std::string& path);

class Analysis;
// `catena simulate` as an Analysis (command.hpp).
std::unique_ptr<Analysis> make_simulate_analysis(const SimulateOptions& options = {});

}  // namespace catena
