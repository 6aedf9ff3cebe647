#include "catena/reports/batch.hpp"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <fstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "catena/graph/errors.hpp"
#include "catena/graph/output.hpp"
#include "catena/loaders/load.hpp"
#include "catena/loaders/store.hpp"
#include "catena/reports/changes.hpp"
#include "catena/reports/command.hpp"
#include "catena/reports/explain.hpp"
#include "catena/reports/html_report.hpp"
#include "catena/reports/seeds.hpp"
#include "catena/reports/stats.hpp"

#include "human.hpp"
#include "report_workbook.hpp"

namespace catena {

namespace {

using json = nlohmann::ordered_json;

std::string hex(std::uint64_t value) { return fmt::format("{:016x}", value); }

// The job's settings, for summary.json, the runs table and the report's parameter list.
json job_parameters(const JobSpec& job) {
    json p;
    p["seed"] = job.seed;
    p["data"] = {{"folder", job.data_dir}, {"edges", job.edges_file},  {"nodes", job.nodes_file},
                 {"db", job.db_file},      {"directed", job.directed}, {"types", job.type_specs}};
    p["model"] = {{"diffusion", to_string(job.model)}, {"probability", job.probability}};
    if (job.run_rank)
        p["rank"] = {
            {"measure", to_string(job.rank.measure)}, {"top", job.rank.top},
            {"damping", job.rank.pagerank.damping},   {"tolerance", job.rank.pagerank.tolerance},
            {"weighted", job.rank.pagerank.weighted}, {"personalize", job.rank.personalize}};
    if (job.run_communities)
        p["communities"] = {{"method", to_string(job.communities.method)},
                            {"resolution", job.communities.resolution},
                            {"max_iterations", job.communities.max_iterations},
                            {"seed", job.communities.seed}};
    if (job.run_seeds)
        p["seeds"] = {{"k", job.seeds.params.k},
                      {"eps", job.seeds.params.epsilon},
                      {"objective", to_string(job.seeds.params.objective)},
                      {"budget", job.seeds.params.budget},
                      {"only_segments", job.seeds.only_segments},
                      {"exclude_segments", job.seeds.exclude_segments},
                      {"only_kind", job.seeds.only_kind},
                      {"seed", job.seeds.params.seed}};
    if (job.run_cards)
        p["cards"] = {
            {"simulations", job.card_simulations}, {"top", job.card_top}, {"max", job.card_limit}};
    if (job.run_compare)
        p["compare"] = {{"k", job.compare.k},
                        {"simulations", job.compare.simulation.simulations},
                        {"eps", job.compare.epsilon},
                        {"seed", job.compare.simulation.seed}};
    if (job.run_value) {
        const ValueParams& v = job.value.params;
        p["value"] = {
            {"network_weight", v.network_weight},
            {"referral_weight", v.referral_weight},
            {"depth_discount", v.referral.depth_discount},
            {"window_days", v.profile.window_days},
            {"as_of", v.profile.as_of ? format_iso_date(*v.profile.as_of) : "last transaction"},
            {"own_threshold", v.own_threshold ? json(*v.own_threshold) : json("median")},
            {"influence_threshold",
             v.influence_threshold ? json(*v.influence_threshold) : json("median")},
            {"eps", v.network.epsilon},
            {"seed", v.network.seed}};
    }
    if (job.run_simulate)
        p["simulate"] = {{"seeds", job.simulate.seed_ids},
                         {"simulations", job.simulate.params.simulations},
                         {"seed", job.simulate.params.seed}};
    return p;
}

// Depth of every customer in the referral forest (0: not referred), from who credited whom.
std::vector<std::uint32_t> referral_depths(const std::vector<NodeId>& referred_by) {
    const NodeId n = static_cast<NodeId>(referred_by.size());
    std::vector<std::uint32_t> depth(n, UINT32_MAX);
    std::vector<NodeId> chain;
    for (NodeId start = 0; start < n; ++start) {
        NodeId node = start;
        while (depth[node] == UINT32_MAX && referred_by[node] != kNoNode) {
            chain.push_back(node);
            node = referred_by[node];
        }
        if (depth[node] == UINT32_MAX) depth[node] = 0;  // a root
        for (auto it = chain.rbegin(); it != chain.rend(); ++it)
            depth[*it] = depth[referred_by[*it]] + 1;
        chain.clear();
    }
    return depth;
}

// The referral forest: cascades (roots who brought someone in), the deepest chain and how many
// customers sit at each depth.
json referral_summary(const InfluenceGraph& graph, const ReferralValueResult& referral) {
    const std::vector<std::uint32_t> depth = referral_depths(referral.referred_by);
    std::vector<std::uint64_t> histogram;
    std::uint64_t cascades = 0;
    for (NodeId node = 0; node < graph.num_nodes(); ++node) {
        if (depth[node] > 0) {
            if (histogram.size() < depth[node]) histogram.resize(depth[node], 0);
            ++histogram[depth[node] - 1];
        } else if (referral.direct_referrals[node] > 0) {
            ++cascades;
        }
    }
    json depths = json::array();
    for (std::size_t level = 0; level < histogram.size(); ++level)
        depths.push_back({{"depth", level + 1}, {"count", histogram[level]}});
    return {{"cascades", cascades}, {"max_depth", histogram.size()}, {"depth_histogram", depths}};
}

// The analyses the job enables, in the order they run (rank first: communities ranks its top
// members by rank's scores), each with the job's model of influence.
std::vector<std::unique_ptr<Analysis>> job_analyses(const JobSpec& job) {
    const ProbabilityModel probability = ProbabilityModel::parse(job.probability);
    std::vector<std::unique_ptr<Analysis>> analyses;
    const ListedColumns columns(job.columns);
    if (job.run_rank) {
        RankOptions options = job.rank;
        options.columns = columns;
        options.top = 0;  // every customer, for the CSV and the database
        analyses.push_back(make_rank_analysis(options, job.rank.top));
    }
    if (job.run_communities)
        analyses.push_back(make_communities_analysis(job.communities, 1, columns));
    if (job.run_seeds) {
        SeedsOptions options = job.seeds;
        options.columns = columns;
        options.params.model = job.model;
        options.probability = probability;
        analyses.push_back(make_seeds_analysis(options));
    }
    if (job.run_compare) {
        CompareOptions options = job.compare;
        options.simulation.model = job.model;
        options.probability = probability;
        analyses.push_back(make_compare_analysis(options));
    }
    if (job.run_value) {
        ValueOptions options = job.value;
        options.params.network.model = job.model;
        options.probability = probability;
        analyses.push_back(make_value_analysis(options, job.scatter_points, columns));
    }
    if (job.run_simulate) {
        SimulateOptions options = job.simulate;
        options.params.model = job.model;
        options.probability = probability;
        analyses.push_back(make_simulate_analysis(options));
    }
    return analyses;
}

json data_summary(const Dataset& dataset) {
    const StatsSummary stats = summarize(dataset);
    json types = json::array(), segments = json::array();
    for (const TypeCount& type : stats.types)
        types.push_back({{"name", type.name}, {"count", type.rows}});
    for (const auto& [name, count] : stats.segments)
        segments.push_back({{"name", name}, {"count", count}});
    json data = {{"source", dataset.source},     {"customers", stats.nodes},
                 {"people", stats.people},       {"businesses", stats.businesses},
                 {"opted_out", stats.opted_out}, {"relationships", stats.build.relationship_rows},
                 {"referrals", stats.referrals}, {"transactions", stats.transactions},
                 {"relationship_types", types},  {"segments", segments}};
    const InputReport& input = stats.input;
    if (!input.skipped.empty()) {
        json reasons = json::array();
        for (const auto& [reason, rows] : skipped_by_reason(input.skipped))
            reasons.push_back({{"reason", reason}, {"count", rows}});
        data["skipped_rows"] = input.skipped.size();
        data["skipped_by_reason"] = reasons;
    }
    if (input.filtered > 0) data["filtered_rows"] = input.filtered;
    if (input.merged_customers > 0) data["merged_customers"] = input.merged_customers;
    if (!input.imports.empty()) data["imports"] = imports_json(input.imports);
    if (input.marks.import_id > 0) data["workspace"] = marks_json(input.marks);
    return data;
}

// The job's data, read as [data] and [input] say, after the output folder is made; skipped bad
// rows go to `rejects_file`.
Dataset load_job_data(const JobSpec& job, const Progress& say,
                      std::filesystem::path& rejects_file) {
    InputSource source{job.data_dir, job.edges_file, job.nodes_file, job.db_file};
    LoadOptions load_options;
    for (const auto& spec : job.type_specs) load_options.types.declare(spec);
    load_options.directed = job.directed;
    load_options.mapping = job.mapping;
    if (!job.on_bad_row.empty()) load_options.on_bad_row = parse_bad_row_policy(job.on_bad_row);
    std::error_code error;
    std::filesystem::create_directories(job.out_dir, error);
    if (error || !std::filesystem::is_directory(job.out_dir, error))
        throw OutputError(job.out_dir.string(), "cannot create the output folder");
    say("loading " + source.describe());
    Dataset dataset = load_dataset(source, load_options);
    if (!dataset.input.skipped.empty()) {
        // Bad rows left out ([input] on_bad_row = "skip"): listed beside the report.
        rejects_file =
            job.rejects.empty() ? job.out_dir / "rejects.csv" : std::filesystem::path(job.rejects);
        write_rejects_csv(rejects_file, dataset.input.skipped, job.csv_bom);
    }
    return dataset;
}

// What the job names that the data must have: segments, simulate's seeds, values to maximise.
// Checked before any analysis runs.
void check_job_against(const JobSpec& job, const InfluenceGraph& graph) {
    const std::string job_file = job.file.empty() ? std::string("(defaults)") : job.file.string();
    for (const JobSpec::NamedSegment& segment : job.named_segments())
        if (match_segment(graph, segment.name).empty())
            throw InputError(job_file, "",
                             segment.key + " names segment '" + segment.name +
                                 "', which no customer is in (" + known_segments(graph) + ")");
    if (job.run_simulate)
        for (const std::string& id : job.simulate.seed_ids) {
            const auto node = graph.find(id);
            if (!node)
                throw InputError(
                    job_file, "",
                    "simulate.seeds names customer '" + id + "', who is not in the data");
            if (graph.opt_out(*node))
                throw InputError(job_file, "",
                                 "simulate.seeds names customer '" + id +
                                     "', who opted out and may not be a campaign target");
        }
    try {
        ListedColumns(job.columns).resolve(graph);
    } catch (const UsageError& error) {
        std::string what = error.what();
        if (what.starts_with("--columns: ")) what.erase(0, 11);
        throw InputError(job_file, "", "output.columns: " + what);
    }
    if (job.run_seeds && job.seeds.params.objective == SeedObjective::value &&
        graph.num_nodes() > 0) {
        bool any = false;
        for (NodeId node = 0; node < graph.num_nodes() && !any; ++node)
            any = graph.value(node) > 0.0;
        if (!any)
            throw InputError(job_file, "",
                             "seeds.objective = \"value\" but no customer has a value above 0");
    }
}

// Runs each analysis in turn: its section of `summary`, its files, then the referral summary.
void run_analyses(const JobSpec& job, const Dataset& dataset,
                  const std::vector<std::unique_ptr<Analysis>>& analyses, const Progress& say,
                  json& summary, std::vector<std::filesystem::path>& tables,
                  const std::function<void(std::string_view, double)>& timing) {
    const InfluenceGraph& graph = dataset.graph;
    AnalysisEnv env;
    env.seed = job.seed;
    if (!job.run_rank) {
        env.scores = weighted_degree(graph, RankDirection::influence);
        env.score_name = "weighted degree";
    }
    for (const auto& analysis : analyses) {
        say(analysis->start_line(dataset));
        const std::string prefix = std::string(analysis->name()) + ": ";
        env.progress = [&say, prefix](const std::string& line) { say(prefix + line); };
        const auto start = std::chrono::steady_clock::now();
        analysis->compute(dataset, env);
        summary[std::string(analysis->section())] = analysis->section_json(dataset, env);
        summary["run"]["seconds"][std::string(analysis->section())] =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        analysis->write_files(dataset, job.out_dir, job.csv_bom, tables);
        if (timing)
            timing(analysis->section(),
                   std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    }
    if (!env.referral) {
        std::vector<double> own(graph.num_nodes());
        for (NodeId node = 0; node < graph.num_nodes(); ++node) own[node] = graph.value(node);
        env.referral = std::make_shared<const ReferralValueResult>(
            referral_value(graph, dataset.referrals, own, kNoDate, {}));
    }
    summary["referrals"] = referral_summary(graph, *env.referral);
    if (summary.contains("simulate")) {  // the last section, after referrals
        json simulate = std::move(summary["simulate"]);
        summary.erase("simulate");
        summary["simulate"] = std::move(simulate);
    }
}

// The customers the report lists (top influencers, seeds, top values), each once, in that order.
std::vector<std::string> listed_customers(const json& summary) {
    std::vector<std::string> ids;
    const auto take = [&](const char* section, const char* list) {
        if (!summary.contains(section) || !summary[section].is_object()) return;
        const json& part = summary[section];
        if (!part.contains(list) || !part[list].is_array()) return;
        for (const json& row : part[list])
            if (row.is_object() && row.contains("id") && row["id"].is_string()) {
                const std::string id = row["id"];
                if (std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(id);
            }
    };
    take("influencers", "top");
    take("seeds", "seeds");
    take("value", "top");
    return ids;
}

// summary.json's "cards": `catena explain`'s card of every listed customer, with the job's model
// and seed; one context (scores, communities, value) serves them all.
json customer_cards(const JobSpec& job, const Dataset& dataset, const json& summary,
                    const Progress& say) {
    std::vector<std::string> ids = listed_customers(summary);
    if (ids.size() > job.card_limit) ids.resize(job.card_limit);
    json cards = json::array();
    if (ids.empty()) return cards;
    ExplainOptions options;
    options.value = job.value;
    options.value.params.network.model = job.model;
    options.value.probability = ProbabilityModel::parse(job.probability);
    options.communities = job.communities;
    options.rank = job.rank;  // the card's scores are the report's
    options.samples = job.card_simulations;
    options.top = job.card_top;
    say(fmt::format("cards: why each of the {} listed customers ranks where they do", ids.size()));
    const ExplainContext context = explain_context(dataset, options);
    for (const std::string& id : ids)
        cards.push_back(
            to_json(dataset, explain_customer(dataset, context, explained_customer(dataset, id))));
    return cards;
}

}  // namespace

std::string data_summary_json(const Dataset& dataset) { return data_summary(dataset).dump(2); }

namespace {

// The run `since` names ("last" or a run id), checked to be a report run of this workspace.
std::int64_t since_run(const JobSpec& job) {
    if (job.since.empty()) return 0;
    if (job.db_file.empty())
        throw UsageError("--since-run (since) builds on a run stored in a workspace: give --db");
    std::int64_t id = 0;
    if (job.since == "last") {
        id = last_report_run(job.db_file);
        if (id == 0) return 0;  // the workspace's first report: nothing to build on yet
    } else {
        const auto [end, error] =
            std::from_chars(job.since.data(), job.since.data() + job.since.size(), id);
        if (error != std::errc() || end != job.since.data() + job.since.size() || id < 1)
            throw UsageError("--since-run must be last or a run id (a whole number from 1), not '" +
                             job.since + "'");
    }
    check_since_run(job.db_file, id);
    return id;
}

// The workspace's last report run when it had the same data and the same job as now; else 0.
// The same data: the same graph fingerprint, and every import since that run an append that
// added and updated nothing (a scheduled import of an unchanged export).
std::int64_t repeated_run(const JobSpec& job, const Dataset& dataset) {
    const std::vector<StoredRun> runs = list_runs(job.db_file);
    const auto last = std::find_if(runs.rbegin(), runs.rend(),
                                   [](const StoredRun& run) { return run.command == "report"; });
    if (last == runs.rend()) return 0;
    const StoredRun run = find_run(job.db_file, last->id);
    const json headline = run_headline(run);
    if (run.input_fingerprint != hex(dataset.graph.fingerprint()) ||
        run.parameters != job_parameters(job).dump() || !headline.contains("workspace"))
        return 0;
    const WorkspaceMarks then = marks_from_json(headline["workspace"]);
    const WorkspaceMarks& now = dataset.input.marks;
    if (then.import_id == 0 || then.import_id > now.import_id) return 0;
    const InputBetween between = read_input_between(job.db_file, then, now);
    for (const ImportRecord& import : between.imports)
        if (import.mode != "append" || import.added != 0 || import.updated != 0) return 0;
    return run.id;
}

// PageRank's starting scores from run `since`: each customer's score there, and for customers
// new since, the mean score of that run; empty when the run stored no PageRank.
std::vector<double> warm_scores(const JobSpec& job, std::int64_t since,
                                const InfluenceGraph& graph) {
    const RunResults before = read_run_results(job.db_file, since);
    if (before.rank_measure != "pagerank" || before.ranked.empty()) return {};
    std::vector<double> initial(graph.num_nodes(), -1.0);
    double total = 0.0;
    std::size_t found = 0;
    for (std::size_t index = 0; index < before.ranked.size(); ++index)
        if (const auto node = graph.find(before.ranked[index])) {
            initial[*node] = before.scores[index];
            total += before.scores[index];
            ++found;
        }
    if (found == 0 || !(total > 0.0)) return {};
    const double mean = total / static_cast<double>(found);
    for (double& score : initial)
        if (score < 0.0) score = mean;
    return initial;
}

}  // namespace

BatchOutputs run_batch(const JobSpec& job, const std::function<void(const std::string&)>& progress,
                       const std::function<void(std::string_view, double)>& timing) {
    const auto say = [&](const std::string& line) {
        if (progress) progress(line);
    };
    // Runs step() and hands its wall seconds to `timing` as `name`.
    const auto timed = [&](std::string_view name, auto&& step) {
        const auto start = std::chrono::steady_clock::now();
        step();
        if (timing)
            timing(name,
                   std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    };
    const std::string started = utc_now();

    // --- Everything that can be checked is checked before any analysis runs --------------------
    std::filesystem::path rejects_file;
    std::error_code ignored;
    const bool folder_existed = std::filesystem::exists(job.out_dir, ignored);
    const auto load_start = std::chrono::steady_clock::now();
    const Dataset dataset = load_job_data(job, say, rejects_file);
    if (timing)
        timing(
            "load",
            std::chrono::duration<double>(std::chrono::steady_clock::now() - load_start).count());
    const InfluenceGraph& graph = dataset.graph;
    check_job_against(job, graph);
    const std::int64_t since = since_run(job);
    BatchOutputs outputs;
    if (!job.db_file.empty() && job.save && !job.force) {
        outputs.repeats_run = repeated_run(job, dataset);
        if (outputs.repeats_run != 0) {
            if (!folder_existed) std::filesystem::remove(job.out_dir, ignored);  // if still empty
            return outputs;
        }
    }
    // Building on run `since`: PageRank from its scores, the communities from its partition.
    JobSpec warm = job;
    json reuse;
    if (since != 0)
        timed("since", [&] {
            const StoredRun base = find_run(job.db_file, since);
            const json before = run_headline(base);
            reuse["since_run"] = since;
            if (job.run_rank && job.rank.measure == RankMeasure::pagerank) {
                warm.rank.pagerank.initial = warm_scores(job, since, graph);
                reuse["pagerank"] = {{"warm_start", !warm.rank.pagerank.initial.empty()}};
                if (before.contains("pagerank_iterations"))
                    reuse["pagerank"]["iterations_before"] = before["pagerank_iterations"];
            }
            if (job.run_communities && job.communities.initial.empty()) {
                const bool stored = std::any_of(
                    base.result_rows.begin(), base.result_rows.end(),
                    [](const auto& table) { return table.first == "community_members"; });
                if (stored)
                    warm.communities.initial = load_community_run(job.db_file, since, graph);
                reuse["communities"] = {{"initial_partition", stored}};
            }
            if (before.contains("seconds")) reuse["seconds_before"] = before["seconds"];
        });

    json summary;
    summary["catena_version"] = CATENA_VERSION;
    summary["job"] = {{"name", job.name},
                      {"file", job.file.empty() ? json(nullptr) : json(job.file.string())}};
    summary["run"] = {{"started_at", started},
                      {"finished_at", nullptr},
                      {"input_fingerprint", hex(graph.fingerprint())},
                      {"seed", job.seed},
                      {"parameters", job_parameters(job)}};
    summary["data"] = data_summary(dataset);

    if (!rejects_file.empty()) outputs.tables.push_back(rejects_file);
    outputs.folder = job.out_dir;

    const std::vector<std::unique_ptr<Analysis>> analyses = job_analyses(warm);
    run_analyses(warm, dataset, analyses, say, summary, outputs.tables, timing);
    if (since != 0) {
        if (reuse.contains("pagerank") && summary.contains("influencers"))
            reuse["pagerank"]["iterations"] = summary["influencers"].value("iterations", json());
        reuse["seconds"] = summary["run"]["seconds"];
        summary["run"]["reuse"] = reuse;
    }
    if (job.run_cards)
        timed("cards", [&] { summary["cards"] = customer_cards(job, dataset, summary, say); });

    // --- Outputs
    // ----------------------------------------------------------------------------------
    const std::string finished = utc_now();
    summary["run"]["finished_at"] = finished;
    if (!job.db_file.empty() && job.save) {
        say("saving the results in " + job.db_file);
        json headline = {{"job", job.name}};
        // Where the workspace's data stood: `catena changes` counts the rows that came after.
        if (dataset.input.marks.import_id > 0)
            headline["workspace"] = marks_json(dataset.input.marks);
        if (summary.contains("seeds"))
            headline["seeds_spread"] = summary["seeds"]["simulated_spread"];
        if (summary.contains("communities"))
            headline["modularity"] = summary["communities"]["modularity"];
        if (summary.contains("influencers") && summary["influencers"].contains("iterations"))
            headline["pagerank_iterations"] = summary["influencers"]["iterations"];
        if (summary["run"].contains("seconds")) headline["seconds"] = summary["run"]["seconds"];
        timed("save", [&] {
            RunWriter writer(job.db_file, {"report", job_parameters(job).dump(), started, finished,
                                           graph.fingerprint(), headline.dump()});
            for (const auto& analysis : analyses) analysis->save(writer, dataset);
            outputs.run_id = writer.commit(finished);
        });
        summary["run"]["saved_as_run"] = outputs.run_id;
        if (since != 0)
            timed("changes", [&] {
                summary["changes"] = to_json(compare_runs(job.db_file, since, outputs.run_id));
            });
    }
    outputs.summary_json = summary.dump(2) + "\n";
    outputs.summary = job.out_dir / "summary.json";
    write_file(outputs.summary, outputs.summary_json);
    outputs.html = job.out_dir / "report.html";
    say("writing " + outputs.html.string());
    timed("html", [&] { write_file(outputs.html, render_html_report(outputs.summary_json)); });
    outputs.workbook = job.out_dir / "report.xlsx";
    say("writing " + outputs.workbook.string());
    // The analyses' tables first, the rejected rows (written before them) last.
    std::vector<std::filesystem::path> sheets(outputs.tables.begin() + !rejects_file.empty(),
                                              outputs.tables.end());
    if (!rejects_file.empty()) sheets.push_back(rejects_file);
    timed("workbook",
          [&] { outputs.notes = write_report_workbook(outputs.workbook, summary, sheets); });
    return outputs;
}

}  // namespace catena
