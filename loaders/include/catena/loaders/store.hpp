// The SQLite workspace: catena's embedded store. `catena import` writes a data folder (or edge
// list) into it; every analysis can read it instead of the CSV files (`--db FILE`).
//
// Tables (see README "The workspace database"):
//   catena_meta(key, value)                       schema version, import time, source, options
//   relationship_types(name, directed, strength)  the type table in force at import
//   customers(id, ord, kind, name, segment, value, cost, opt_out, listed)
//   customer_attribute_names(position, name), customer_attributes(customer, name, value)
//   relationships(row, source, target, type, weight, probability, date, directed)
//   referrals(row, referrer, referred, date, converted, reward)
//   transactions(row, customer, date, amount, channel, on_behalf_of)
// Ids are TEXT with foreign keys to customers(id); dates are ISO text; `ord` and `row` keep the
// input order so a graph loaded from the store is identical to one loaded from the CSV files.
//
// An import replaces the input tables in one transaction: it either completes or leaves the
// database exactly as it was (a new file is removed). Analyses open the database read-only.
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "catena/graph/dataset.hpp"
#include "catena/loaders/load.hpp"

namespace catena {

struct ImportSummary {
    bool created = false;  // the database file was new
    std::uint64_t customers = 0, relationships = 0, referrals = 0, transactions = 0;
    Dataset dataset;  // the data as loaded while importing (validated)
};

// Imports the CSV input `source` into the workspace `db`. Throws InputError/UsageError; on any
// error the database is unchanged.
ImportSummary import_to_store(const InputSource& source, const std::filesystem::path& db,
                              const LoadOptions& options);

// Loads a data set from the workspace `db`, opened read-only.
Dataset load_store(const std::filesystem::path& db, const LoadOptions& options);

// One analysis run, as recorded in the `runs` table.
struct RunRecord {
    std::string command;     // e.g. "rank"
    std::string parameters;  // JSON
    std::string started_at, finished_at;  // ISO 8601 UTC
    std::uint64_t input_fingerprint = 0;  // InfluenceGraph::fingerprint()
    std::string summary = "{}";           // JSON: the run's headline results
};

// Records a run and every customer's score under it, in one transaction: tables
// runs(id, started_at, finished_at, command, parameters, catena_version, input_fingerprint) and
// rank_scores(run_id, customer, measure, score, rank). Results name customers by id without a
// foreign key, so a later import never conflicts with them. Returns the run id.
std::int64_t store_rank_run(const std::filesystem::path& db, const RunRecord& run,
                            std::string_view measure, const InfluenceGraph& graph,
                            std::span<const double> scores);

// Records a community detection run and every customer's community, in one transaction: tables
// runs and community_members(run_id, customer, community). Returns the run id.
std::int64_t store_community_run(const std::filesystem::path& db, const RunRecord& run,
                                 const InfluenceGraph& graph, std::span<const std::uint32_t> community);

// Records a seed selection run: seed_choices(run_id, position, customer, marginal_estimate).
std::int64_t store_seed_run(const std::filesystem::path& db, const RunRecord& run, const InfluenceGraph& graph,
                            std::span<const NodeId> seeds, std::span<const double> marginal_estimate);

// Records a simulation run: simulation_activation(run_id, customer, probability), every customer.
std::int64_t store_simulation_run(const std::filesystem::path& db, const RunRecord& run,
                                  const InfluenceGraph& graph, std::span<const double> activation_probability);

// The communities of an earlier run, as starting labels for the customers of `graph`; customers
// the run did not have get labels of their own. Throws InputError when there is no such run.
std::vector<std::uint32_t> load_community_run(const std::filesystem::path& db, std::int64_t run_id,
                                              const InfluenceGraph& graph);

// Starting labels from a CSV file with columns id,community (any text labels); customers the file
// does not list get labels of their own; an id that is not a customer is an InputError.
std::vector<std::uint32_t> read_membership_csv(const std::filesystem::path& path, const InfluenceGraph& graph);

// The current time as ISO 8601 UTC, e.g. 2026-11-23T12:59:00Z.
std::string utc_now();

}  // namespace catena
