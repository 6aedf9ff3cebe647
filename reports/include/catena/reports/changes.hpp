// `catena changes`: what changed between two stored runs of one workspace (and the "What changed"
// section of `catena report --since-run`):
// - the input that arrived between them: imports, and (when they were appends) the new customers,
//   relationships, referrals and transactions;
// - rising and falling influencers: the customers of the later run's top `window` who gained
//   places (risers) and of the earlier run's who lost places (fallers), by their score's change;
// - customers who changed quadrant (catena value), and the new hidden influencers: hidden
//   influencers in the later run who were not in the earlier one (new customers included);
// - communities that continued, grew, shrank, split, merged, formed or dissolved, matched by
//   member overlap (community_changes.hpp), each with the later run's top members;
// - the earlier run's seeds against what happened since: the referrals they made (directly, or
//   down chains of referrals from them), the purchases of those reached, beside the reach the
//   earlier run predicted.
// Each section is there when both runs stored the results it needs. Customers who have opted out
// (as the workspace holds them now) are counted but never listed: opted_out_not_listed says how
// many list entries were passed over.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "catena/algorithms/community_changes.hpp"
#include "catena/loaders/store.hpp"
#include "catena/reports/output_format.hpp"

namespace catena {

struct ChangesOptions {
    std::size_t top = 10;      // customers listed per list
    std::size_t window = 100;  // risers among the later run's top `window`, fallers the earlier's
    CommunityChangeParams communities;
    void validate() const;  // throws UsageError
};

struct RankMove {
    std::string id;
    std::optional<std::uint32_t> rank_before;  // none: a new customer
    std::optional<std::uint32_t> rank_after;   // none: gone from the data
    double score_before = 0.0, score_after = 0.0;
};

struct QuadrantMove {
    std::string from, to;  // quadrant names
    std::uint64_t customers = 0;
    std::vector<std::string> examples;  // the first `top` by the later run's value rank
};

struct CommunityChangeRow {
    CommunityChange change;
    std::vector<std::string> top_members;  // of the `after` communities, by the later run's rank
};

struct CampaignFollowUp {
    std::vector<std::string> seeds;  // the earlier run's
    double predicted_reach = 0.0;    // its simulated (or estimated) spread; 0 when unknown
    std::uint64_t referrals = 0;     // new referrals made by a seed
    std::uint64_t converted = 0;     // ... of which converted
    std::uint64_t reached = 0;       // customers reached down chains of new referrals
    std::uint64_t purchases = 0;     // new transactions of the seeds and those reached
    double purchase_amount = 0.0;
    std::vector<std::string> reached_examples;  // first `top` reached, in referral order
};

struct ChangesReport {
    StoredRun from, to;
    InputBetween input;
    bool marks_known = false;  // both runs recorded where the workspace's data stood
    std::uint64_t customers_before = 0, customers_after = 0;
    std::uint64_t joined = 0, left = 0;  // customers in the later run only / the earlier only
    std::string rank_measure;
    bool has_ranks = false, has_values = false, has_communities = false, has_seeds = false;
    std::vector<RankMove> risers, fallers;
    std::vector<QuadrantMove> quadrant_moves;         // most customers first
    std::vector<std::string> new_hidden_influencers;  // all, by the later run's value rank
    std::vector<CommunityChangeRow> communities;
    CampaignFollowUp campaign;
    std::uint64_t opted_out_not_listed = 0;
};

// Compares runs `from` and `to` of the workspace `db`. Throws UsageError (one line) when either
// run is missing, they are the same run, `from` came after `to`, they are runs of different
// commands, or their recorded data is not this workspace's (an import they name is not there, or
// was made at another time).
ChangesReport compare_runs(const std::filesystem::path& db, std::int64_t from, std::int64_t to,
                           const ChangesOptions& options = {});

// The run `catena report --since-run last` means: the newest report run of the workspace; 0 when
// there is none (the first scheduled report then runs cold).
std::int64_t last_report_run(const std::filesystem::path& db);

// Checks that run `since` may be the base of a report run on the workspace `db` now: it exists,
// is a report run, and its data is this workspace's. Throws UsageError (one line) otherwise.
void check_since_run(const std::filesystem::path& db, std::int64_t since);

// A stored run's headline summary (runs.summary) as JSON; an empty object when unreadable.
nlohmann::ordered_json run_headline(const StoredRun& run);

nlohmann::ordered_json to_json(const ChangesReport& report);
std::string render_changes(const ChangesReport& report, OutputFormat format, std::size_t top);

}  // namespace catena
