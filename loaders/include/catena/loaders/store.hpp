// The SQLite workspace: catena's embedded store. `catena import` writes a data folder (or edge
// list) into it; every analysis can read it instead of the CSV files (`--db FILE`).
//
// Tables (see README "The workspace database"), schema version 2:
//   catena_meta(key, value)                       schema version, import time, source, options
//   relationship_types(name, directed, strength)  the type table in force
//   customers(id, ord, kind, name, segment, value, cost, opt_out, listed)
//   customer_attribute_names(position, name), customer_attributes(customer, name, value)
//   relationships(row, source, target, type, weight, probability, date, directed)
//   referrals(row, referrer, referred, date, converted, reward)
//   transactions(row, customer, date, amount, channel, on_behalf_of, order_id)
//   imports(id, time, mode, source, mapping, files, added, updated, unchanged, skipped, filtered,
//           skipped_by_reason)                    one row per import, in the import's transaction
// Ids are TEXT with foreign keys to customers(id); dates are ISO text; `ord` and `row` keep the
// input order so a graph loaded from the store is identical to one loaded from the CSV files (an
// append numbers its new rows after the largest stored ones, so the store reads as the old files
// with the new rows at their end).
//
// An import runs in one transaction: it either completes or leaves the database exactly as it was
// (a new file is removed). Analyses open the database read-only. A version-1 workspace (no
// order_id, no imports table) loads as before; its next import upgrades it, in that transaction.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "catena/graph/dataset.hpp"
#include "catena/loaders/load.hpp"

namespace catena {

// How an import treats a workspace that already holds data:
// - create: a new workspace, or replace the input tables of one whose customers all appear in the
//   new data; refused (UsageError saying how many customers would go) when any would be dropped;
// - replace: replace the input tables whatever they held;
// - append: add new rows and update existing ones by key (customers by id; relationships by
//   source, target and type; referrals by referrer, referred and date; transactions by customer,
//   date, amount and order id); rows equal to a stored one change nothing, so importing the same
//   files twice leaves the input tables as they were. Any table may be absent from the folder.
//   An existing customer's kind, name, segment, value, cost and opt_out, and the attribute
//   columns the file has, are set from the row (an empty attribute removes it; a new column is
//   added). Several rows of one key pair up in order with the stored rows of that key (the n-th
//   with the n-th). Rows are validated as a full load of the workspace plus the new rows would
//   validate them (unknown customers, types, weights, referral cycles with the stored referrals,
//   ...), without loading the workspace's relationships.
enum class ImportMode { create, replace, append };

struct ImportOptions {
    ImportMode mode = ImportMode::create;
    // Validate and count as the import would (a create that would drop customers is refused as
    // the import would be), write nothing: the database is only read, and not created.
    bool dry_run = false;
};

// Rows of one table: added, updated (an existing key with new values), unchanged (an existing
// key, same values), skipped (bad rows, skip policy). A create or replace adds every row.
struct TableCounts {
    std::uint64_t added = 0, updated = 0, unchanged = 0, skipped = 0;
};

struct ImportSummary {
    bool created = false;  // the database file was new
    ImportMode mode = ImportMode::create;
    bool dry_run = false;
    std::uint64_t customers = 0, relationships = 0, referrals = 0,
                  transactions = 0;  // rows read and kept
    TableCounts customer_rows, relationship_rows, referral_rows, transaction_rows;
    std::uint64_t dropped_customers =
        0;                       // create/replace: stored customers the new data does not have
    std::int64_t import_id = 0;  // the row of the `imports` table (0 for a dry run)
    ReadReport read;             // how each file was read, skipped rows, notes
    Dataset
        dataset;  // create/replace: the data as loaded while importing (validated); append: empty
};

// Imports the CSV input `source` (through options.mapping when set) into the workspace `db` in
// one transaction, and records it in the `imports` table. Throws InputError/UsageError; on any
// error the database is unchanged.
ImportSummary import_to_store(const InputSource& source, const std::filesystem::path& db,
                              const LoadOptions& options, const ImportOptions& import = {});

// Loads a data set from the workspace `db`, opened read-only; Dataset::input.imports holds its last
// 5 imports, newest first.
Dataset load_store(const std::filesystem::path& db, const LoadOptions& options);

// One analysis run, as recorded in the `runs` table.
struct RunRecord {
    std::string command;                  // e.g. "rank"
    std::string parameters;               // JSON
    std::string started_at, finished_at;  // ISO 8601 UTC
    std::uint64_t input_fingerprint = 0;  // InfluenceGraph::fingerprint()
    std::string summary = "{}";           // JSON: the run's headline results
};

// One point of a strategy comparison: the expected reach of a strategy's first k seeds.
struct ComparePoint {
    std::string strategy;
    std::uint32_t k = 0;
    NodeId added = kNoNode;  // the k-th seed
    double expected_spread = 0.0, standard_error = 0.0, expected_value = 0.0;
};

// One customer's influence-weighted value (catena value).
struct CustomerValueRow {
    double own = 0.0, network = 0.0, referral = 0.0, influence_weighted = 0.0;
    std::uint32_t rank = 0;
    std::string quadrant;
};

// Writes one analysis run and its results into the workspace in a single transaction: the run
// appears with all its results when commit() returns, or not at all (an error, an exception or
// the process dying before commit leaves the database as it was). Tables, all keyed by run id
// (results name customers by id without a foreign key, so a later import never conflicts):
//   runs(id, started_at, finished_at, command, parameters, catena_version, input_fingerprint,
//   summary) rank_scores(run_id, customer, measure, score, rank) community_members(run_id,
//   customer, community) seed_choices(run_id, position, customer, marginal_estimate)
//   simulation_activation(run_id, customer, probability)
//   compare_points(run_id, strategy, k, added_customer, expected_spread, standard_error,
//   expected_value) customer_values(run_id, customer, own_value, network_value, referral_value,
//                   influence_weighted_value, rank, quadrant)
// Holds the database's write lock from construction to commit or destruction.
class RunWriter {
  public:
    RunWriter(const std::filesystem::path& db, const RunRecord& run);
    ~RunWriter();
    RunWriter(const RunWriter&) = delete;
    RunWriter& operator=(const RunWriter&) = delete;

    std::int64_t run_id() const;
    void rank_scores(std::string_view measure, const InfluenceGraph& graph,
                     std::span<const double> scores);
    void communities(const InfluenceGraph& graph, std::span<const std::uint32_t> community);
    void seeds(const InfluenceGraph& graph, std::span<const NodeId> seeds,
               std::span<const double> marginal_estimate);
    void activation(const InfluenceGraph& graph, std::span<const double> activation_probability);
    void compare_points(const InfluenceGraph& graph, std::span<const ComparePoint> points);
    void customer_values(const InfluenceGraph& graph,
                         std::span<const CustomerValueRow> rows);  // one per customer
    // Sets finished_at and commits; returns the run id.
    std::int64_t commit(const std::string& finished_at);

  private:
    struct State;
    template <typename Write>
    void guarded(Write&& write);
    std::unique_ptr<State> state_;
};

// One-table runs, each through a RunWriter. Return the run id.
std::int64_t store_rank_run(const std::filesystem::path& db, const RunRecord& run,
                            std::string_view measure, const InfluenceGraph& graph,
                            std::span<const double> scores);
std::int64_t store_community_run(const std::filesystem::path& db, const RunRecord& run,
                                 const InfluenceGraph& graph,
                                 std::span<const std::uint32_t> community);
std::int64_t store_seed_run(const std::filesystem::path& db, const RunRecord& run,
                            const InfluenceGraph& graph, std::span<const NodeId> seeds,
                            std::span<const double> marginal_estimate);
std::int64_t store_simulation_run(const std::filesystem::path& db, const RunRecord& run,
                                  const InfluenceGraph& graph,
                                  std::span<const double> activation_probability);

// A run as the `runs` table holds it, and how many result rows of it each results table holds.
struct StoredRun {
    std::int64_t id = 0;
    std::string command, parameters, started_at, finished_at, catena_version, input_fingerprint;
    std::string summary = "{}";
    std::vector<std::pair<std::string, std::uint64_t>> result_rows;  // (table, rows), rows > 0
};

// Every run stored in the workspace `db` (opened read-only), oldest first, without result_rows;
// none when no analysis was ever saved. Throws InputError for a missing or unreadable database.
std::vector<StoredRun> list_runs(const std::filesystem::path& db);
// Run `run_id` with its result_rows. Throws InputError when there is no such run, naming the
// runs there are.
StoredRun find_run(const std::filesystem::path& db, std::int64_t run_id);

// A stored run's per-customer results, customers by id (what `catena changes` compares). Each list
// is empty when the run stored no such results.
struct RunResults {
    StoredRun run;
    std::string rank_measure;         // the measure of `scores` (a report's: pagerank by default)
    std::vector<std::string> ranked;  // by rank, best first
    std::vector<double> scores;
    std::vector<std::uint32_t> ranks;
    std::vector<std::string> community_ids;  // community_members, with `communities` their labels
    std::vector<std::uint32_t> communities;
    std::vector<std::string> seeds;   // in the order chosen
    std::vector<std::string> valued;  // customer_values by rank, with their quadrant and value
    std::vector<std::string> quadrants;
    std::vector<double> influence_weighted;
};
// Throws InputError when there is no such run (find_run's message).
RunResults read_run_results(const std::filesystem::path& db, std::int64_t run_id);

// The customers of the workspace who opted out, as it holds them now.
std::vector<std::string> read_opted_out(const std::filesystem::path& db);

// The input that arrived in a workspace between two states of its data (WorkspaceMarks): the
// imports after `from` up to `to`, and, when they were all appends (whose new rows are numbered
// after the stored ones), the rows above from's marks up to to's.
struct InputBetween {
    std::vector<ImportRecord> imports;  // oldest first
    bool rows_comparable = true;        // false: a create or replace renumbered the rows
    std::uint64_t customers = 0, relationships = 0, referrals = 0, transactions = 0;
    struct NewReferral {
        std::string referrer, referred;
        bool converted = false;
    };
    std::vector<NewReferral> new_referrals;
    struct NewTransaction {
        std::string customer;
        double amount = 0.0;
    };
    std::vector<NewTransaction> new_transactions;
};
InputBetween read_input_between(const std::filesystem::path& db, const WorkspaceMarks& from,
                                const WorkspaceMarks& to);

// The communities of an earlier run, as starting labels for the customers of `graph`; customers
// the run did not have get labels of their own. Throws InputError when there is no such run, or
// when it is not a communities run (saying what it is).
std::vector<std::uint32_t> load_community_run(const std::filesystem::path& db, std::int64_t run_id,
                                              const InfluenceGraph& graph);

// Starting labels from a CSV file with columns id,community (any text labels); customers the file
// does not list get labels of their own; an id that is not a customer is an InputError.
std::vector<std::uint32_t> read_membership_csv(const std::filesystem::path& path,
                                               const InfluenceGraph& graph);

// The fingerprint of a file's bytes as recorded in `imports.files`: XXH64 (seed 0) as 16 hex
// digits, the value `xxhsum -H1 FILE` prints; "" when the file cannot be read.
std::string file_fingerprint(const std::filesystem::path& path);

// The current time as ISO 8601 UTC, e.g. 2026-11-23T12:59:00Z.
std::string utc_now();

}  // namespace catena
