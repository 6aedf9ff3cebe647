// `catena changes`: two stored runs side by side (changes.hpp).
#include "catena/reports/changes.hpp"

#include <algorithm>
#include <map>
#include <unordered_map>
#include <unordered_set>

#include <fmt/format.h>

#include "catena/graph/errors.hpp"
#include "catena/reports/stats.hpp"

#include "human.hpp"

namespace catena {

namespace {

using Json = nlohmann::ordered_json;

// Where the run's workspace data stood, from its headline summary (all 0 for older runs).
WorkspaceMarks run_marks(const StoredRun& run) {
    const Json summary = run_headline(run);
    return summary.contains("workspace") ? marks_from_json(summary["workspace"]) : WorkspaceMarks{};
}

// The run; a usage error (find_run's message: the runs there are) when the workspace has none
// of that id.
StoredRun existing_run(const std::filesystem::path& db, std::int64_t id, const char* role) {
    const std::vector<StoredRun> runs = list_runs(db);  // an input error for a missing database
    if (std::none_of(runs.begin(), runs.end(),
                     [&](const StoredRun& run) { return run.id == id; })) {
        try {
            find_run(db, id);
        } catch (const InputError& error) {
            throw UsageError(std::string(role) + ": " + error.what());
        }
    }
    return find_run(db, id);
}

// Throws unless the run's recorded import is this workspace's own.
void check_same_workspace(const std::filesystem::path& db, const StoredRun& run,
                          const WorkspaceMarks& marks, const std::vector<ImportRecord>& imports) {
    if (marks.import_id == 0) return;  // stored before the marks were kept: nothing to check
    for (const ImportRecord& record : imports)
        if (record.id == marks.import_id) {
            if (record.time == marks.import_time) return;
            break;
        }
    throw UsageError(fmt::format(
        "run {} was made on another workspace's data: its import {} of {} is not import {} of {}",
        run.id, marks.import_id, marks.import_time, marks.import_id, db.string()));
}

// Every import of the workspace (id and time), oldest first.
std::vector<ImportRecord> all_imports(const std::filesystem::path& db) {
    WorkspaceMarks none, everything;
    everything.import_id = INT64_MAX;
    InputBetween between = read_input_between(db, none, everything);
    return between.imports;
}

// Rank by customer, from a run's ordered lists (views of `ids`, which must outlive the map: a
// workspace of a million customers makes a million strings otherwise).
std::unordered_map<std::string_view, std::size_t> positions(const std::vector<std::string>& ids) {
    std::unordered_map<std::string_view, std::size_t> at;
    at.reserve(ids.size());
    for (std::size_t index = 0; index < ids.size(); ++index) at.emplace(ids[index], index);
    return at;
}

// Customers who opted out: never listed (views of read_opted_out's list).
using OptedOut = std::unordered_set<std::string_view>;

void rank_moves(const RunResults& before, const RunResults& after, const ChangesOptions& options,
                const OptedOut& opted_out, ChangesReport& report) {
    report.has_ranks = !before.ranked.empty() && !after.ranked.empty();
    if (!report.has_ranks) return;
    report.rank_measure = after.rank_measure;
    const auto at_before = positions(before.ranked), at_after = positions(after.ranked);
    const auto move_of = [&](const std::string& id) {
        RankMove move;
        move.id = id;
        if (const auto found = at_before.find(id); found != at_before.end()) {
            move.rank_before = before.ranks[found->second];
            move.score_before = before.scores[found->second];
        }
        if (const auto found = at_after.find(id); found != at_after.end()) {
            move.rank_after = after.ranks[found->second];
            move.score_after = after.scores[found->second];
        }
        return move;
    };
    // Risers: the later top window's customers who gained places (a new customer gains from
    // below the earlier run's last place); fallers: the earlier top window's who lost places (a
    // customer who left falls below the later run's last).
    const auto gained = [&](const RankMove& move) {
        const double from = move.rank_before ? *move.rank_before : before.ranked.size() + 1.0;
        const double to = move.rank_after ? *move.rank_after : after.ranked.size() + 1.0;
        return from - to;
    };
    for (std::size_t index = 0; index < std::min(options.window, after.ranked.size()); ++index) {
        RankMove move = move_of(after.ranked[index]);
        if (!(gained(move) > 0)) continue;
        if (opted_out.count(move.id)) {
            ++report.opted_out_not_listed;
            continue;
        }
        report.risers.push_back(std::move(move));
    }
    for (std::size_t index = 0; index < std::min(options.window, before.ranked.size()); ++index) {
        RankMove move = move_of(before.ranked[index]);
        if (!(gained(move) < 0)) continue;
        if (opted_out.count(move.id)) {
            ++report.opted_out_not_listed;
            continue;
        }
        report.fallers.push_back(std::move(move));
    }
    // Listed by the influence they gained (or lost): the score's change, then places. A
    // customer who jumps to the top gained far more than one who climbed a hundred places at the
    // bottom of the window.
    const auto order = [&](bool rising) {
        return [&, rising](const RankMove& a, const RankMove& b) {
            const double sa = a.score_after - a.score_before, sb = b.score_after - b.score_before;
            if (sa != sb) return rising ? sa > sb : sa < sb;
            const double ga = gained(a), gb = gained(b);
            if (ga != gb) return rising ? ga > gb : ga < gb;
            return a.id < b.id;
        };
    };
    std::sort(report.risers.begin(), report.risers.end(), order(true));
    std::sort(report.fallers.begin(), report.fallers.end(), order(false));
    if (report.risers.size() > options.top) report.risers.resize(options.top);
    if (report.fallers.size() > options.top) report.fallers.resize(options.top);
}

void quadrant_moves(const RunResults& before, const RunResults& after,
                    const ChangesOptions& options, const OptedOut& opted_out,
                    ChangesReport& report) {
    report.has_values = !before.valued.empty() && !after.valued.empty();
    if (!report.has_values) return;
    std::unordered_map<std::string_view, std::string_view> was;
    was.reserve(before.valued.size());
    for (std::size_t index = 0; index < before.valued.size(); ++index)
        was.emplace(before.valued[index], before.quadrants[index]);
    std::map<std::pair<std::string, std::string>, QuadrantMove> moves;
    for (std::size_t index = 0; index < after.valued.size(); ++index) {
        const std::string& id = after.valued[index];
        const std::string& now = after.quadrants[index];
        const auto found = was.find(id);
        const std::string_view then = found == was.end() ? std::string_view("new") : found->second;
        const bool hidden = opted_out.count(id) > 0;
        if (now == "hidden-influencers" && then != "hidden-influencers") {
            if (hidden)
                ++report.opted_out_not_listed;
            else
                report.new_hidden_influencers.push_back(id);
        }
        if (then == now) continue;
        QuadrantMove& move = moves[{std::string(then), now}];
        move.from = then;
        move.to = now;
        ++move.customers;
        if (move.examples.size() < options.top && !hidden) move.examples.push_back(id);
    }
    for (auto& [key, move] : moves) report.quadrant_moves.push_back(std::move(move));
    std::stable_sort(
        report.quadrant_moves.begin(), report.quadrant_moves.end(),
        [](const QuadrantMove& a, const QuadrantMove& b) { return a.customers > b.customers; });
}

void community_moves(const RunResults& before, const RunResults& after,
                     const ChangesOptions& options, const OptedOut& opted_out,
                     ChangesReport& report) {
    report.has_communities = !before.community_ids.empty() && !after.community_ids.empty();
    if (!report.has_communities) return;
    const std::vector<CommunityChange> changes =
        community_changes({before.community_ids, before.communities},
                          {after.community_ids, after.communities}, options.communities);
    // Each later community's members by the later run's rank (unranked last, by id).
    const auto rank_at = positions(after.ranked);
    std::unordered_map<std::uint32_t, std::vector<std::pair<std::size_t, std::string_view>>>
        members;
    std::unordered_set<std::uint32_t> wanted;
    for (const CommunityChange& change : changes)
        wanted.insert(change.after.begin(), change.after.end());
    for (std::size_t index = 0; index < after.community_ids.size(); ++index) {
        if (!wanted.count(after.communities[index]) || opted_out.count(after.community_ids[index]))
            continue;
        const auto found = rank_at.find(after.community_ids[index]);
        members[after.communities[index]].emplace_back(
            found == rank_at.end() ? SIZE_MAX : found->second, after.community_ids[index]);
    }
    for (const CommunityChange& change : changes) {
        CommunityChangeRow row{change, {}};
        std::vector<std::pair<std::size_t, std::string_view>> pool;
        for (const std::uint32_t label : change.after)
            pool.insert(pool.end(), members[label].begin(), members[label].end());
        const std::size_t keep = std::min<std::size_t>(3, pool.size());
        std::partial_sort(pool.begin(), pool.begin() + static_cast<std::ptrdiff_t>(keep),
                          pool.end());
        for (std::size_t index = 0; index < keep; ++index)
            row.top_members.emplace_back(pool[index].second);
        report.communities.push_back(std::move(row));
    }
}

// The earlier run's seeds against the referrals and purchases that came after it.
void campaign(const RunResults& before, const ChangesOptions& options, const OptedOut& opted_out,
              ChangesReport& report) {
    report.has_seeds = !before.seeds.empty();
    if (!report.has_seeds) return;
    CampaignFollowUp& follow = report.campaign;
    for (const std::string& seed : before.seeds) {
        if (opted_out.count(seed))
            ++report.opted_out_not_listed;  // opted out since: counted, not named
        else
            follow.seeds.push_back(seed);
    }
    const Json summary = run_headline(before.run);
    for (const char* key : {"seeds_spread", "simulated_spread", "estimated_spread"})
        if (summary.contains(key) && summary[key].is_number()) {
            follow.predicted_reach = summary[key].get<double>();
            break;
        }
    if (!report.marks_known || !report.input.rows_comparable) return;
    // Down the chains of new referrals, in their order, from the seeds.
    std::unordered_set<std::string> reached(before.seeds.begin(), before.seeds.end());
    const std::unordered_set<std::string> seeds(before.seeds.begin(), before.seeds.end());
    for (bool grew = true; grew;) {
        grew = false;
        for (const auto& referral : report.input.new_referrals) {
            if (!reached.count(referral.referrer) || reached.count(referral.referred)) continue;
            reached.insert(referral.referred);
            if (!opted_out.count(referral.referred))
                follow.reached_examples.push_back(referral.referred);
            grew = true;
        }
    }
    for (const auto& referral : report.input.new_referrals)
        if (seeds.count(referral.referrer)) {
            ++follow.referrals;
            follow.converted += referral.converted;
        }
    follow.reached = reached.size() - seeds.size();
    for (const auto& purchase : report.input.new_transactions)
        if (reached.count(purchase.customer)) {
            ++follow.purchases;
            follow.purchase_amount += purchase.amount;
        }
    if (follow.reached_examples.size() > options.top) follow.reached_examples.resize(options.top);
}

}  // namespace

nlohmann::ordered_json run_headline(const StoredRun& run) {
    Json value = Json::parse(run.summary, nullptr, false);
    return value.is_object() ? value : Json::object();
}

void ChangesOptions::validate() const {
    if (top < 1) throw UsageError("changes: --top must be at least 1");
    if (window < 1) throw UsageError("changes: --window must be at least 1");
    communities.validate();
}

std::int64_t last_report_run(const std::filesystem::path& db) {
    const std::vector<StoredRun> runs = list_runs(db);
    for (auto run = runs.rbegin(); run != runs.rend(); ++run)
        if (run->command == "report") return run->id;
    return 0;
}

void check_since_run(const std::filesystem::path& db, std::int64_t since) {
    const StoredRun run = existing_run(db, since, "--since-run");
    if (run.command != "report")
        throw UsageError(fmt::format(
            "--since-run: run {} is a {} run, not a report run (catena runs --db {} lists them)",
            since, run.command, db.string()));
    check_same_workspace(db, run, run_marks(run), all_imports(db));
}

ChangesReport compare_runs(const std::filesystem::path& db, std::int64_t from, std::int64_t to,
                           const ChangesOptions& options) {
    options.validate();
    ChangesReport report;
    report.from = existing_run(db, from, "--from");
    report.to = existing_run(db, to, "--to");
    if (from == to) throw UsageError("changes: --from and --to name the same run");
    if (from > to)
        throw UsageError(fmt::format(
            "changes: run {} came after run {}: give the earlier run as --from (--from {} --to {})",
            from, to, to, from));
    if (report.from.command != report.to.command)
        throw UsageError(
            fmt::format("changes: run {} is a {} run and run {} a {} run: compare "
                        "two runs of one command",
                        from, report.from.command, to, report.to.command));
    const WorkspaceMarks from_marks = run_marks(report.from), to_marks = run_marks(report.to);
    const std::vector<ImportRecord> imports = all_imports(db);
    check_same_workspace(db, report.from, from_marks, imports);
    check_same_workspace(db, report.to, to_marks, imports);
    report.marks_known = from_marks.import_id > 0 && to_marks.import_id > 0;
    if (report.marks_known) report.input = read_input_between(db, from_marks, to_marks);

    const RunResults before = read_run_results(db, from), after = read_run_results(db, to);
    // Customers of each run: those it scored (rank or value), whichever it has.
    const std::vector<std::string>& then = !before.ranked.empty() ? before.ranked : before.valued;
    const std::vector<std::string>& now = !after.ranked.empty() ? after.ranked : after.valued;
    report.customers_before = then.size();
    report.customers_after = now.size();
    // A run lists each customer once: those of the later run not in the earlier joined, and the
    // earlier run's others left.
    const std::unordered_set<std::string_view> then_set(then.begin(), then.end());
    for (const std::string& id : now) report.joined += !then_set.count(id);
    report.left = then.size() - (now.size() - report.joined);

    const std::vector<std::string> opted_out_ids = read_opted_out(db);
    const OptedOut opted_out(opted_out_ids.begin(), opted_out_ids.end());
    rank_moves(before, after, options, opted_out, report);
    quadrant_moves(before, after, options, opted_out, report);
    community_moves(before, after, options, opted_out, report);
    campaign(before, options, opted_out, report);
    return report;
}

Json to_json(const ChangesReport& report) {
    const auto run = [](const StoredRun& r) {
        return Json{{"id", r.id},
                    {"command", r.command},
                    {"finished_at", r.finished_at},
                    {"input_fingerprint", r.input_fingerprint}};
    };
    const auto optional = [](const std::optional<std::uint32_t>& value) {
        return value ? Json(*value) : Json(nullptr);
    };
    Json json;
    json["from"] = run(report.from);
    json["to"] = run(report.to);
    Json input = {{"imports", Json::array()}, {"rows_comparable", report.input.rows_comparable}};
    for (const ImportRecord& record : report.input.imports)
        input["imports"].push_back({{"id", record.id},
                                    {"time", record.time},
                                    {"mode", record.mode},
                                    {"added", record.added},
                                    {"updated", record.updated}});
    if (report.marks_known && report.input.rows_comparable)
        input["new_rows"] = {{"customers", report.input.customers},
                             {"relationships", report.input.relationships},
                             {"referrals", report.input.referrals},
                             {"transactions", report.input.transactions}};
    input["known"] = report.marks_known;
    json["input"] = input;
    json["customers"] = {{"before", report.customers_before},
                         {"after", report.customers_after},
                         {"joined", report.joined},
                         {"left", report.left}};
    json["opted_out_not_listed"] = report.opted_out_not_listed;
    if (report.has_ranks) {
        const auto moves = [&](const std::vector<RankMove>& list) {
            Json rows = Json::array();
            for (const RankMove& move : list)
                rows.push_back({{"id", move.id},
                                {"rank_before", optional(move.rank_before)},
                                {"rank_after", optional(move.rank_after)},
                                {"score_before", move.score_before},
                                {"score_after", move.score_after}});
            return rows;
        };
        json["influencers"] = {{"measure", report.rank_measure},
                               {"risers", moves(report.risers)},
                               {"fallers", moves(report.fallers)}};
    }
    if (report.has_values) {
        Json moves = Json::array();
        for (const QuadrantMove& move : report.quadrant_moves)
            moves.push_back({{"from", move.from},
                             {"to", move.to},
                             {"customers", move.customers},
                             {"examples", move.examples}});
        json["quadrants"] = {{"moves", moves},
                             {"new_hidden_influencers", report.new_hidden_influencers}};
    }
    if (report.has_communities) {
        Json rows = Json::array();
        for (const CommunityChangeRow& row : report.communities)
            rows.push_back({{"event", std::string(to_string(row.change.event))},
                            {"before", row.change.before},
                            {"after", row.change.after},
                            {"size_before", row.change.size_before},
                            {"size_after", row.change.size_after},
                            {"shared", row.change.shared},
                            {"top_members", row.top_members}});
        json["communities"] = rows;
    }
    if (report.has_seeds) {
        const CampaignFollowUp& follow = report.campaign;
        Json campaign = {{"seeds", follow.seeds}, {"predicted_reach", follow.predicted_reach}};
        if (report.marks_known && report.input.rows_comparable) {
            campaign["referrals"] = follow.referrals;
            campaign["converted"] = follow.converted;
            campaign["observed_reach"] = follow.reached;
            campaign["purchases"] = follow.purchases;
            campaign["purchase_amount"] = follow.purchase_amount;
            campaign["reached_examples"] = follow.reached_examples;
        }
        json["campaign"] = campaign;
    }
    return json;
}

namespace {

std::string rank_text(const std::optional<std::uint32_t>& rank) {
    return rank ? "#" + count(*rank) : "new";
}

std::string render_text(const ChangesReport& report, std::size_t top) {
    std::string out = fmt::format("Changes from run {} ({}) to run {} ({})\n", report.from.id,
                                  report.from.finished_at, report.to.id, report.to.finished_at);
    out += "\nData\n";
    if (!report.marks_known) {
        out +=
            "  (one of the runs did not record where the workspace's data stood: no row "
            "counts)\n";
    } else if (!report.input.rows_comparable) {
        out +=
            "  the workspace was created or replaced between the runs: rows are not comparable\n";
    } else if (report.input.imports.empty()) {
        out += "  no import between the runs\n";
    } else {
        out += fmt::format(
            "  {} import{}; new: {} customers, {} relationships, {} referrals, {} "
            "transactions\n",
            report.input.imports.size(), report.input.imports.size() == 1 ? "" : "s",
            count(report.input.customers), count(report.input.relationships),
            count(report.input.referrals), count(report.input.transactions));
    }
    out +=
        fmt::format("  customers: {} -> {} ({} joined, {} left)\n", count(report.customers_before),
                    count(report.customers_after), count(report.joined), count(report.left));
    if (report.has_ranks) {
        const auto list = [&](const char* title, const std::vector<RankMove>& moves) {
            out += fmt::format("\n{} ({})\n", title, report.rank_measure);
            if (moves.empty()) out += "  none\n";
            for (const RankMove& move : moves)
                out += fmt::format("  {:<20} {:>9} -> {:<9} score {:.3g} -> {:.3g}\n", move.id,
                                   rank_text(move.rank_before),
                                   move.rank_after ? "#" + count(*move.rank_after) : "gone",
                                   move.score_before, move.score_after);
        };
        list("Rising influencers", report.risers);
        list("Falling influencers", report.fallers);
    }
    if (report.has_values) {
        out += fmt::format("\nNew hidden influencers: {}\n",
                           count(report.new_hidden_influencers.size()));
        for (std::size_t index = 0; index < std::min(top, report.new_hidden_influencers.size());
             ++index)
            out += "  " + report.new_hidden_influencers[index] + "\n";
        out += "\nQuadrant changes\n";
        if (report.quadrant_moves.empty()) out += "  none\n";
        for (const QuadrantMove& move : report.quadrant_moves)
            out += fmt::format(
                "  {:>8}  {} -> {}  (e.g. {})\n", count(move.customers), move.from, move.to,
                fmt::join(move.examples.begin(),
                          move.examples.begin() + static_cast<std::ptrdiff_t>(std::min<std::size_t>(
                                                      3, move.examples.size())),
                          ", "));
    }
    if (report.has_communities) {
        out += "\nCommunities (matched by members)\n";
        std::size_t shown = 0;
        for (const CommunityChangeRow& row : report.communities) {
            if (row.change.event == CommunityEvent::continued) continue;
            if (++shown > top) break;
            out += fmt::format(
                "  {:<9} {} -> {}  ({} -> {} members){}\n", to_string(row.change.event),
                row.change.before.empty() ? "-"
                                          : fmt::format("{}", fmt::join(row.change.before, "+")),
                row.change.after.empty() ? "-"
                                         : fmt::format("{}", fmt::join(row.change.after, "+")),
                count(row.change.size_before), count(row.change.size_after),
                row.top_members.empty()
                    ? ""
                    : fmt::format("; top: {}", fmt::join(row.top_members, ", ")));
        }
        const auto continued =
            std::count_if(report.communities.begin(), report.communities.end(),
                          [](const CommunityChangeRow& row) {
                              return row.change.event == CommunityEvent::continued;
                          });
        out += fmt::format("  {} continued unchanged in size\n",
                           count(static_cast<std::uint64_t>(continued)));
    }
    if (report.has_seeds) {
        const CampaignFollowUp& follow = report.campaign;
        out += fmt::format("\nRun {}'s seeds since then\n", report.from.id);
        if (report.marks_known && report.input.rows_comparable)
            out += fmt::format(
                "  {} referrals by the seeds ({} converted); {} customers reached down referral "
                "chains (predicted reach {:.0f}); {} purchases by the seeds and those reached, "
                "{:.2f} in all\n",
                count(follow.referrals), count(follow.converted), count(follow.reached),
                follow.predicted_reach, count(follow.purchases), follow.purchase_amount);
        else
            out += "  (no row counts between the runs: see Data)\n";
    }
    if (report.opted_out_not_listed > 0)
        out += fmt::format("\n{} entries of customers who opted out were counted but not listed\n",
                           count(report.opted_out_not_listed));
    return out;
}

}  // namespace

std::string render_changes(const ChangesReport& report, OutputFormat format, std::size_t top) {
    if (format == OutputFormat::json) return to_json(report).dump(2) + "\n";
    if (format == OutputFormat::csv) {
        std::string out = "section,customer,before,after,detail\n";
        for (const RankMove& move : report.risers)
            out += fmt::format(
                "riser,{},{},{},{}\n", csv_field(move.id), rank_text(move.rank_before),
                move.rank_after ? std::to_string(*move.rank_after) : "", move.score_after);
        for (const RankMove& move : report.fallers)
            out += fmt::format(
                "faller,{},{},{},{}\n", csv_field(move.id), rank_text(move.rank_before),
                move.rank_after ? std::to_string(*move.rank_after) : "gone", move.score_after);
        for (const std::string& id : report.new_hidden_influencers)
            out += fmt::format("new_hidden_influencer,{},,hidden-influencers,\n", csv_field(id));
        for (const CommunityChangeRow& row : report.communities)
            out +=
                fmt::format("community_{},,{},{},{} -> {} members\n", to_string(row.change.event),
                            fmt::join(row.change.before, "+"), fmt::join(row.change.after, "+"),
                            row.change.size_before, row.change.size_after);
        return out;
    }
    return render_text(report, top);
}

}  // namespace catena
