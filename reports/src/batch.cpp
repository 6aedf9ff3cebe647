#include "catena/reports/batch.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <random>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "catena/graph/errors.hpp"
#include "catena/graph/output.hpp"
#include "catena/loaders/load.hpp"
#include "catena/loaders/store.hpp"
#include "catena/reports/html_report.hpp"
#include "catena/reports/stats.hpp"
#include "human.hpp"

namespace catena {

namespace {

using json = nlohmann::ordered_json;

std::string hex(std::uint64_t value) { return fmt::format("{:016x}", value); }

json customer_ref(const InfluenceGraph& graph, NodeId node) {
    return {{"id", graph.external_id(node)}, {"name", graph.name(node)}};
}

// The job's settings, for summary.json, the runs table and the report's parameter list.
json job_parameters(const JobSpec& job) {
    json p;
    p["seed"] = job.seed;
    p["data"] = {{"folder", job.data_dir}, {"edges", job.edges_file}, {"nodes", job.nodes_file}, {"db", job.db_file},
                 {"directed", job.directed}, {"types", job.type_specs}};
    p["model"] = {{"diffusion", to_string(job.model)},
                  {"probability", job.probability}};
    if (job.run_rank)
        p["rank"] = {{"measure", to_string(job.rank.measure)}, {"top", job.rank.top},
                     {"damping", job.rank.pagerank.damping}, {"tolerance", job.rank.pagerank.tolerance},
                     {"weighted", job.rank.pagerank.weighted}, {"personalize", job.rank.personalize}};
    if (job.run_communities)
        p["communities"] = {{"method", to_string(job.communities.method)}, {"resolution", job.communities.resolution},
                            {"max_iterations", job.communities.max_iterations}, {"seed", job.communities.seed}};
    if (job.run_seeds)
        p["seeds"] = {{"k", job.seeds.params.k}, {"eps", job.seeds.params.epsilon},
                      {"objective", job.seeds.params.value_objective ? "value" : "customers"},
                      {"budget", job.seeds.params.budget}, {"exclude_segments", job.seeds.exclude_segments},
                      {"only_kind", job.seeds.only_kind}, {"seed", job.seeds.params.seed}};
    if (job.run_compare)
        p["compare"] = {{"k", job.compare.k}, {"simulations", job.compare.simulation.simulations},
                        {"eps", job.compare.epsilon}, {"seed", job.compare.simulation.seed}};
    if (job.run_value) {
        const ValueParams& v = job.value.params;
        p["value"] = {{"network_weight", v.network_weight}, {"referral_weight", v.referral_weight},
                      {"depth_discount", v.referral.depth_discount}, {"window_days", v.profile.window_days},
                      {"as_of", v.profile.as_of ? format_iso_date(*v.profile.as_of) : "last transaction"},
                      {"own_threshold", v.own_threshold ? json(*v.own_threshold) : json("median")},
                      {"influence_threshold", v.influence_threshold ? json(*v.influence_threshold) : json("median")},
                      {"eps", v.network.epsilon}, {"seed", v.network.seed}};
    }
    if (job.run_simulate)
        p["simulate"] = {{"seeds", job.simulate.seed_ids}, {"simulations", job.simulate.params.simulations},
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
        for (auto it = chain.rbegin(); it != chain.rend(); ++it) depth[*it] = depth[referred_by[*it]] + 1;
        chain.clear();
    }
    return depth;
}

json data_summary(const Dataset& dataset) {
    const StatsSummary stats = summarize(dataset);
    json types = json::array(), segments = json::array();
    for (const TypeCount& type : stats.types) types.push_back({{"name", type.name}, {"count", type.rows}});
    for (const auto& [name, count] : stats.segments) segments.push_back({{"name", name}, {"count", count}});
    json data = {{"source", dataset.source},           {"customers", stats.nodes},
                 {"people", stats.people},             {"businesses", stats.businesses},
                 {"opted_out", stats.opted_out},       {"relationships", stats.build.relationship_rows},
                 {"referrals", stats.referrals},       {"transactions", stats.transactions},
                 {"relationship_types", types},        {"segments", segments}};
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
    if (!input.imports.empty()) {
        json imports = json::array();
        for (const ImportRecord& record : input.imports) {
            // The record's JSON texts, when they parse; the page shows the file names and reasons.
            json files = record.files.empty() ? json::array() : json::parse(record.files, nullptr, false);
            if (!files.is_array()) files = json::array();
            json reasons = record.skipped_by_reason.empty() ? json::object()
                                                            : json::parse(record.skipped_by_reason, nullptr, false);
            if (!reasons.is_object()) reasons = json::object();
            imports.push_back({{"id", record.id},           {"time", record.time},
                               {"mode", record.mode},       {"added", record.added},
                               {"updated", record.updated}, {"unchanged", record.unchanged},
                               {"skipped", record.skipped}, {"filtered", record.filtered},
                               {"skipped_by_reason", reasons}, {"files", files}});
        }
        data["imports"] = imports;
    }
    return data;
}

}  // namespace

std::string data_summary_json(const Dataset& dataset) { return data_summary(dataset).dump(2); }

BatchOutputs run_batch(const JobSpec& job, const std::function<void(const std::string&)>& progress) {
    const auto say = [&](const std::string& line) {
        if (progress) progress(line);
    };
    const std::string started = utc_now();
    const std::string job_file = job.file.empty() ? std::string("(defaults)") : job.file.string();

    // --- Everything that can be checked is checked before any analysis runs --------------------
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
    const Dataset dataset = load_dataset(source, load_options);
    std::filesystem::path rejects_file;
    if (!dataset.input.skipped.empty()) {
        // Bad rows left out ([input] on_bad_row = "skip"): listed beside the report.
        rejects_file = job.rejects.empty() ? job.out_dir / "rejects.csv" : std::filesystem::path(job.rejects);
        write_rejects_csv(rejects_file, dataset.input.skipped);
    }
    const InfluenceGraph& graph = dataset.graph;
    const auto& segment_names = graph.segment_names();
    for (const std::string& segment : job.named_segments())
        if (segment.empty() || std::find(segment_names.begin(), segment_names.end(), segment) == segment_names.end())
            throw InputError(job_file, "", "seeds.exclude_segments names segment '" + segment +
                                               "', which no customer is in");
    if (job.run_simulate)
        for (const std::string& id : job.simulate.seed_ids) {
            const auto node = graph.find(id);
            if (!node)
                throw InputError(job_file, "", "simulate.seeds names customer '" + id + "', who is not in the data");
            if (graph.opt_out(*node))
                throw InputError(job_file, "", "simulate.seeds names customer '" + id +
                                                   "', who opted out and may not be a campaign target");
        }
    if (job.run_seeds && job.seeds.params.value_objective && graph.num_nodes() > 0) {
        bool any = false;
        for (NodeId node = 0; node < graph.num_nodes() && !any; ++node) any = graph.value(node) > 0.0;
        if (!any) throw InputError(job_file, "", "seeds.objective = \"value\" but no customer has a value above 0");
    }
    const ProbabilityModel probability = ProbabilityModel::parse(job.probability);

    json summary;
    summary["catena_version"] = CATENA_VERSION;
    summary["job"] = {{"name", job.name}, {"file", job.file.empty() ? json(nullptr) : json(job.file.string())}};
    summary["run"] = {{"started_at", started},
                      {"finished_at", nullptr},
                      {"input_fingerprint", hex(graph.fingerprint())},
                      {"seed", job.seed},
                      {"parameters", job_parameters(job)}};
    summary["data"] = data_summary(dataset);

    BatchOutputs outputs;
    if (!rejects_file.empty()) outputs.tables.push_back(rejects_file);
    outputs.folder = job.out_dir;
    const auto write_table = [&](const std::string& name, const std::string& text) {
        const std::filesystem::path path = job.out_dir / name;
        write_file(path, text);
        outputs.tables.push_back(path);
    };

    // --- Analyses -------------------------------------------------------------------------------
    std::vector<double> scores;
    std::string score_name = "weighted degree";
    RankResult ranked;
    if (job.run_rank) {
        say("rank: " + std::string(to_string(job.rank.measure)) + " over " + count(graph.num_nodes()) + " customers");
        RankOptions options = job.rank;
        options.top = 0;  // every customer, for the CSV and the database
        ranked = rank_customers(dataset, options);
        scores = ranked.scores;
        score_name = std::string(to_string(job.rank.measure));
        // ranked.top lists every customer who has not opted out, with ranks among all.
        const std::size_t listed = std::min(job.rank.top, ranked.top.size());
        const std::uint64_t opted_out_passed =
            listed == ranked.top.size() ? ranked.opted_out_not_listed : listed == 0 ? 0 : ranked.top[listed - 1].rank - listed;
        json top = json::array();
        for (std::size_t index = 0; index < listed; ++index) {
            const RankedCustomer& row = ranked.top[index];
            top.push_back({{"rank", row.rank},
                           {"id", graph.external_id(row.node)},
                           {"name", graph.name(row.node)},
                           {"kind", to_string(graph.kind(row.node))},
                           {"segment", graph.segment(row.node)},
                           {"score", row.score},
                           {"own_value", graph.has_value(row.node) ? json(graph.value(row.node)) : json(nullptr)}});
        }
        summary["influencers"] = {
            {"measure", to_string(job.rank.measure)}, {"top", top}, {"opted_out_not_listed", opted_out_passed}};
        write_table("influencers.csv", render(dataset, ranked, OutputFormat::csv));
    } else {
        scores = weighted_degree(graph, RankDirection::influence);
    }

    CommunityReport communities;
    if (job.run_communities) {
        say("communities: " + std::string(to_string(job.communities.method)));
        communities = summarize_communities(dataset, job.communities, detect_communities(graph, job.communities), scores,
                                            score_name, 1);
        json list = json::array();
        std::uint64_t opted_out_passed = 0;
        for (const CommunitySummary& c : communities.communities) {
            json entry = {{"community", c.id}, {"size", c.size}, {"value", c.total_value}};
            // The community's top influencer among those who have not opted out.
            entry["top_influencer"] = c.top_members.empty() ? json(nullptr) : customer_ref(graph, c.top_members.front());
            list.push_back(entry);
            opted_out_passed += c.opted_out_not_listed;
        }
        summary["communities"] = {{"method", to_string(job.communities.method)},
                                  {"count", communities.result.count},
                                  {"modularity", communities.result.modularity},
                                  {"list", list},
                                  {"opted_out_not_listed", opted_out_passed}};
        write_membership_csv(job.out_dir / "communities.csv", graph, communities.result.community);
        outputs.tables.push_back(job.out_dir / "communities.csv");
    }

    const std::vector<double> weights = diffusion_weights(graph, job.model, probability, dataset.referrals);
    SeedsReport seeds;
    if (job.run_seeds) {
        say("seeds: the best " + std::to_string(job.seeds.params.k) + " to start a campaign with");
        SeedsOptions options = job.seeds;
        options.params.model = job.model;
        options.probability = probability;
        options.params.progress = [&](const std::string& line) { say("seeds: " + line); };
        seeds = choose_seeds(dataset, options);
        seeds.options.params.progress = nullptr;
        // Expected value reached, by the simulator (the RR estimate counts customers).
        SimulationParams simulation;
        simulation.model = job.model;
        simulation.seed = job.seed;
        const SimulationResult reach = simulate(graph, weights, seeds.result.seeds, simulation);
        json list = json::array();
        for (std::size_t index = 0; index < seeds.result.seeds.size(); ++index) {
            const NodeId node = seeds.result.seeds[index];
            list.push_back({{"order", index + 1},
                            {"id", graph.external_id(node)},
                            {"name", graph.name(node)},
                            {"segment", graph.segment(node)},
                            {"marginal_estimate", seeds.result.marginal_estimate[index]}});
        }
        summary["seeds"] = {{"k", job.seeds.params.k},
                            {"objective", job.seeds.params.value_objective ? "value" : "customers"},
                            {"estimated_spread", seeds.result.estimated_spread},
                            {"simulated_spread", reach.expected_spread},
                            {"expected_value", reach.expected_value},
                            {"certified_approximation", seeds.result.certified_approximation},
                            {"guarantee", seeds.result.approximation},
                            {"rr_sets", seeds.result.rr_sets},
                            {"list", list}};
        write_table("seeds.csv", render(dataset, seeds, OutputFormat::csv));
    }

    CompareReport compared;
    if (job.run_compare) {
        say("compare: five strategies for k = 1.." + std::to_string(job.compare.k));
        CompareOptions options = job.compare;
        options.simulation.model = job.model;
        options.probability = probability;
        options.progress = [&](const std::string& line) { say("compare: " + line); };
        compared = compare_strategies(dataset, options);
        compared.options.progress = nullptr;
        json strategies = json::array();
        for (const StrategyCurve& curve : compared.strategies)
            strategies.push_back({{"name", curve.name}, {"spread", curve.spread}, {"error", curve.error}, {"value", curve.value}});
        summary["compare"] = {{"k", job.compare.k}, {"simulations", job.compare.simulation.simulations},
                              {"strategies", strategies}};
        write_table("compare.csv", render(dataset, compared, OutputFormat::csv));
    }

    ValueReport valued;
    ReferralValueResult referral;
    if (job.run_value) {
        say("value: own, network and referral value of every customer");
        ValueOptions options = job.value;
        options.params.network.model = job.model;
        options.probability = probability;
        valued = run_value(dataset, options);
        referral = valued.result.referral;
        const CustomerValueResult& v = valued.result;
        const auto point = [&](NodeId node) {
            return json{{"rank", v.rank[node]},
                        {"id", graph.external_id(node)},
                        {"name", graph.name(node)},
                        {"own", v.profile.own_value[node]},
                        {"network", v.network.network_value[node]},
                        {"referral", v.referral.referral_value[node]},
                        {"influence", v.influence[node]},
                        {"total", v.influence_weighted[node]},
                        {"quadrant", to_string(v.quadrant[node])}};
        };
        // Customers who opted out are neither plotted nor listed (the quadrant counts include them).
        ValueFilter everyone;
        everyone.top = 0;
        std::uint64_t opted_out = 0;
        const std::vector<NodeId> listable = select_customers(dataset, valued, everyone, &opted_out);
        // The scatter: every listable customer up to job.scatter_points; past that, the best half
        // of the points by rank and the other half spread evenly over the rest.
        json points = json::array(), top = json::array();
        const std::size_t n = listable.size();
        if (n <= job.scatter_points) {
            for (const NodeId node : listable) points.push_back(point(node));
        } else {
            const std::size_t best = job.scatter_points / 2, rest = job.scatter_points - best;
            for (std::size_t index = 0; index < best; ++index) points.push_back(point(listable[index]));
            for (std::size_t index = 0; index < rest; ++index) points.push_back(point(listable[best + index * (n - best) / rest]));
        }
        std::uint64_t opted_out_in_top = 0;
        ValueFilter best;
        best.top = 20;
        for (const NodeId node : select_customers(dataset, valued, best, &opted_out_in_top)) top.push_back(point(node));
        json quadrants = json::array();
        for (const ValueGroup& group : valued.quadrants)
            quadrants.push_back({{"name", group.name},
                                 {"count", group.customers},
                                 {"own_value", group.own_value},
                                 {"network_value", group.network_value},
                                 {"referral_value", group.referral_value},
                                 {"influence_weighted_value", group.influence_weighted_value}});
        summary["value"] = {{"weights", {{"network", options.params.network_weight}, {"referral", options.params.referral_weight}}},
                            {"thresholds", {{"own", v.own_threshold}, {"influence", v.influence_threshold}}},
                            {"network_error_bound", v.network.error_bound},
                            {"quadrants", quadrants},
                            {"points", points},
                            {"top", top},
                            {"opted_out_not_plotted", opted_out},
                            {"opted_out_not_listed", opted_out_in_top}};
        ValueFilter all;
        all.top = 0;
        write_table("values.csv", format_value(dataset, valued, OutputFormat::csv, all));
    } else {
        std::vector<double> own(graph.num_nodes());
        for (NodeId node = 0; node < graph.num_nodes(); ++node) own[node] = graph.value(node);
        referral = referral_value(graph, dataset.referrals, own, kNoDate, {});
    }
    {
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
        summary["referrals"] = {{"cascades", cascades}, {"max_depth", histogram.size()}, {"depth_histogram", depths}};
    }

    SimulateReport simulated;
    if (job.run_simulate) {
        say("simulate: " + std::to_string(job.simulate.seed_ids.size()) + " seeds, " +
            count(job.simulate.params.simulations) + " runs");
        SimulateOptions options = job.simulate;
        options.params.model = job.model;
        options.probability = probability;
        simulated = run_simulation(dataset, options);
        const SimulationResult& r = simulated.result;
        summary["simulate"] = {{"seeds", job.simulate.seed_ids},
                               {"expected_spread", r.expected_spread},
                               {"standard_error", r.standard_error},
                               {"expected_value", r.expected_value}};
        write_table("simulation.csv", render(dataset, simulated, OutputFormat::csv));
    }

    // --- Outputs ----------------------------------------------------------------------------------
    const std::string finished = utc_now();
    summary["run"]["finished_at"] = finished;
    if (!job.db_file.empty() && job.save) {
        say("saving the results in " + job.db_file);
        json headline = {{"job", job.name}};
        if (summary.contains("seeds")) headline["seeds_spread"] = summary["seeds"]["simulated_spread"];
        if (summary.contains("communities")) headline["modularity"] = summary["communities"]["modularity"];
        RunWriter writer(job.db_file, {"report", job_parameters(job).dump(), started, finished, graph.fingerprint(),
                                       headline.dump()});
        if (job.run_rank) writer.rank_scores(to_string(job.rank.measure), graph, ranked.scores);
        if (job.run_communities) writer.communities(graph, communities.result.community);
        if (job.run_seeds) writer.seeds(graph, seeds.result.seeds, seeds.result.marginal_estimate);
        if (job.run_compare) writer.compare_points(graph, compare_points(compared));
        if (job.run_value) writer.customer_values(graph, customer_value_rows(valued));
        if (job.run_simulate) writer.activation(graph, simulated.result.activation_probability);
        outputs.run_id = writer.commit(finished);
        summary["run"]["saved_as_run"] = outputs.run_id;
    }
    outputs.summary_json = summary.dump(2) + "\n";
    outputs.summary = job.out_dir / "summary.json";
    write_file(outputs.summary, outputs.summary_json);
    outputs.html = job.out_dir / "report.html";
    say("writing " + outputs.html.string());
    write_file(outputs.html, render_html_report(outputs.summary_json));
    return outputs;
}

}  // namespace catena
