// The batch job of `catena report`: which data to read, how relationships and influence are
// modelled, which analyses to run with which parameters, and where the results go. Read from a
// TOML job file (see samples/job.toml and README "Batch reports"); without a file every analysis
// runs with its defaults. Every default is the one of the algorithm's own Params struct, so a job
// file only says what it changes.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "catena/algorithms/communities.hpp"
#include "catena/algorithms/propagation.hpp"
#include "catena/reports/communities.hpp"
#include "catena/reports/compare.hpp"
#include "catena/reports/rank.hpp"
#include "catena/reports/seeds.hpp"
#include "catena/reports/simulate.hpp"
#include "catena/reports/value.hpp"

namespace catena {

// The most threads --threads and a job file's `threads` accept.
inline constexpr unsigned kMaxThreads = 1024;

struct JobSpec {
    std::string name = "catena report";
    std::filesystem::path file;  // the job file; empty: defaults
    std::uint64_t seed = 1;      // for every randomised analysis that does not set its own
    unsigned threads = 0;  // threads for every analysis (0: the cores available; --threads wins)

    // [data]: one of folder, edges (+ nodes), db. Relative paths are relative to the job file.
    std::string data_dir, edges_file, nodes_file, db_file;
    bool directed = false;
    std::vector<std::string> type_specs;  // [types.NAME] directed/strength, as NAME:dir[:S]
    // [input]: how a data folder is read. mapping: a mapping file (relative to the job file);
    // on_bad_row: "stop" or "skip" (empty: the mapping's, else stop); rejects: where skipped rows
    // go (empty: <out>/rejects.csv when any row was skipped).
    std::string mapping, on_bad_row, rejects;

    // [model]: how influence spreads, shared by seeds, compare, value and simulate.
    DiffusionModel model = DiffusionModel::independent_cascade;
    std::string probability = "weighted-cascade";

    // The analyses ([rank], [communities], ...; each has `enabled`).
    bool run_rank = true;
    RankOptions rank;
    bool run_communities = true;
    CommunityParams communities;
    bool run_seeds = true;
    SeedsOptions seeds;
    bool run_compare = true;
    CompareOptions compare;
    bool run_value = true;
    ValueOptions value;
    bool run_simulate = false;  // on when [simulate] names seeds
    SimulateOptions simulate;
    // [cards]: a `catena explain` card for every customer the report lists (top influencers,
    // seeds, top values), linked from the lists.
    bool run_cards = true;
    std::uint32_t card_simulations = 10'000;
    std::size_t card_top = 10;
    std::size_t card_limit = 60;  // at most this many cards (the first listed customers)

    // [output]
    std::filesystem::path out_dir = "catena-report";
    std::size_t scatter_points = 2000;  // at most this many customers in the value scatter plot
    // Customer columns listed beside each customer in the tables (as --columns).
    std::vector<std::string> columns;
    bool save = true;  // with a database input: record the run in it
    // Build on an earlier report run of the same workspace (`since`, --since-run): "last" (the
    // newest report run), a run id, or "" (a cold run). PageRank starts from that run's scores,
    // the communities from its partition, and the report gets a "What changed" section.
    std::string since;
    // Run even when the workspace's data and the job are those of an earlier report run (--force);
    // otherwise such a run stores nothing and says which run it repeats.
    bool force = false;
    bool csv_bom = false;  // CSV tables start with a UTF-8 byte-order mark (Excel)

    // Segments the analyses name (seeds.only_segments and seeds.exclude_segments), each with
    // its key: checked against the data before any analysis runs.
    struct NamedSegment {
        std::string key, name;
    };
    std::vector<NamedSegment> named_segments() const;
};

// Reads a job file. Throws InputError "FILE:LINE: column C: what" for a syntax error, an unknown
// key, a value of the wrong type or out of range.
JobSpec parse_job_file(const std::filesystem::path& path);

// A report's seeds and comparison curves: a referral programme's first wave. The only default
// of the batch job that is not its Params struct's (`catena seeds` keeps SeedSelectionParams'
// k = 50, `catena compare` CompareOptions' k = 20).
inline constexpr std::uint32_t kReportSeeds = 10;

// The job without a file: every analysis with its defaults (k = kReportSeeds).
JobSpec default_job();

}  // namespace catena
