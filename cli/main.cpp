// The `catena` command: argument parsing, progress and exit codes. Thin: every command loads its
// input through loaders/, computes through algorithms/ and prints through reports/.
//
// Exit codes: 0 success, 2 usage error (bad option or parameter), 3 input error (bad data, file
// or database), 4 output error (a file or workspace that cannot be written), 1 anything else
// (including internal errors).
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <iostream>
#include <new>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "catena/graph/errors.hpp"
#include "catena/graph/output.hpp"
#include "catena/loaders/load.hpp"
#include "catena/loaders/mapping.hpp"
#include "catena/loaders/store.hpp"
#include "catena/reports/batch.hpp"
#include "catena/reports/communities.hpp"
#include "catena/reports/estimate.hpp"
#include "catena/reports/export.hpp"
#include "catena/reports/import.hpp"
#include "catena/reports/job.hpp"
#include "catena/reports/compare.hpp"
#include "catena/reports/output_format.hpp"
#include "catena/reports/rank.hpp"
#include "catena/reports/seeds.hpp"
#include "catena/reports/simulate.hpp"
#include "catena/reports/stats.hpp"
#include "catena/reports/value.hpp"
#include "catena/samples/generator.hpp"

namespace {

using namespace catena;

constexpr int kExitOther = 1, kExitUsage = 2, kExitInput = 3, kExitOutput = 4;

// Options every command accepts.
struct CommonOptions {
    std::string data_dir, edges_file, nodes_file, db_file;
    bool directed = false;
    std::vector<std::string> type_specs;
    std::string format = "table";
    bool quiet = false;
    bool timings = false;
    bool estimate = false;
    std::string memory_limit;
    std::string mapping;     // --mapping FILE
    std::string on_bad_row;  // --on-bad-row stop|skip ("": the mapping's, else stop)
    std::string rejects;     // --rejects FILE

    // Progress lines on stderr: when it is a terminal (a person is watching) and not --quiet.
    bool show_progress() const { return !quiet && isatty(STDERR_FILENO); }
    // A progress callback for `step` ("catena: seeds: round 2/9: ..."), or none.
    std::function<void(const std::string&)> progress(const std::string& step) const {
        if (!show_progress()) return {};
        const auto start = std::chrono::steady_clock::now();
        return [step, start](const std::string& line) {
            const std::chrono::duration<double> seconds = std::chrono::steady_clock::now() - start;
            fmt::print(stderr, "catena: {}: {} [{:.1f} s]\n", step, line, seconds.count());
        };
    }

    InputSource input() const {
        return {data_dir, edges_file, nodes_file, db_file};
    }
    LoadOptions load_options() const {
        LoadOptions options;
        for (const auto& spec : type_specs) options.types.declare(spec);
        options.directed = directed;
        options.mapping = mapping;
        if (!on_bad_row.empty()) options.on_bad_row = parse_bad_row_policy(on_bad_row);
        return options;
    }
};

void add_common_options(CLI::App& command, CommonOptions& options, bool with_db_input) {
    command.add_option("--data", options.data_dir,
                       "Data folder with customers.csv and relationships.csv (required) and "
                       "referrals.csv, transactions.csv (optional)");
    command.add_option("--edges", options.edges_file,
                       "Edge list CSV: source,target[,weight] or any relationships columns");
    command.add_option("--nodes", options.nodes_file,
                       "Customers CSV for --edges (without it every id named is a person)");
    if (with_db_input)
        command.add_option("--db", options.db_file, "Workspace database written by catena import");
    command.add_option("--mapping", options.mapping,
                       "Mapping file (TOML) saying how the files of the --data folder feed catena's tables "
                       "(column names, keys, date and number formats, value maps); see README \"CRM exports\"");
    command.add_option("--on-bad-row", options.on_bad_row,
                       "stop: list up to 20 bad rows and stop (default); skip: leave them out, count them "
                       "by reason and write them to --rejects");
    command.add_option("--rejects", options.rejects,
                       "With --on-bad-row skip: write the skipped rows here (CSV: file, line, table, column, "
                       "reason, message, record)");
    command.add_flag("--directed", options.directed,
                     "Rows without a type are directed 'influences' (source -> target) instead of "
                     "undirected 'knows'");
    command.add_option("--type", options.type_specs,
                       "Declare or override a relationship type: NAME:directed|undirected[:STRENGTH] "
                       "(repeatable), e.g. --type mentor:directed:1.5");
    command.add_flag("-q,--quiet", options.quiet, "No notes or progress on stderr");
    command.add_flag("--estimate", options.estimate,
                     "Print the memory this run would need (from the input's size) and stop without running it");
    command.add_option("--memory-limit", options.memory_limit,
                       "Refuse to start (or, for seed selection, to draw another round of RR sets) when the run "
                       "would need more memory than this, e.g. 800M or 2G");
    command.add_flag("--timings", options.timings,
                     "Print the wall time of each step on stderr ('catena: timing: STEP SECONDS s')");
}

// Times a step and, with --timings, reports it on stderr.
template <typename Step>
auto timed(const CommonOptions& options, const std::string& name, Step&& step) {
    const auto start = std::chrono::steady_clock::now();
    auto result = step();
    if (options.timings) {
        const std::chrono::duration<double> seconds = std::chrono::steady_clock::now() - start;
        fmt::print(stderr, "catena: timing: {} {:.3f} s\n", name, seconds.count());
    }
    return result;
}

void print_warnings(const Dataset& dataset, const CommonOptions& options) {
    if (options.quiet) return;
    for (const auto& warning : dataset.warnings) fmt::print(stderr, "catena: note: {}\n", warning);
}

// Skipped rows (--on-bad-row skip): a note with their count by reason, and the rejects file.
void report_skipped(const std::vector<SkippedRow>& skipped, const std::filesystem::path& rejects,
                    const CommonOptions& options) {
    if (!rejects.empty()) write_rejects_csv(rejects, skipped);
    if (options.quiet || skipped.empty()) return;
    fmt::print(stderr, "catena: note: {}{}\n", skipped_rows_summary(skipped),
               rejects.empty() ? " (give --rejects FILE to list them)" : "; listed in " + rejects.string());
}

DiffusionModel diffusion_model_option(const std::string& text) {
    if (const auto model = parse_diffusion_model(text)) return *model;
    throw UsageError("--model must be ic or lt, not '" + text + "'");
}

// Thrown when --estimate has printed its estimate: the command stops there, successfully.
struct EstimateOnly {};

int threads() {
    if (const char* text = std::getenv("OMP_NUM_THREADS")) {
        const int value = std::atoi(text);
        if (value > 0) return value;
    }
    return static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

// --estimate and --memory-limit, before anything is loaded. Returns the memory limit left for
// the analysis beyond the loaded graph (0: no limit).
std::uint64_t check_memory(const CommonOptions& common, const InputSource& input, std::string_view command,
                           std::string_view detail) {
    if (!common.estimate && common.memory_limit.empty()) return 0;
    const std::uint64_t limit = common.memory_limit.empty() ? 0 : parse_memory_size(common.memory_limit);
    const MemoryEstimate estimate = estimate_memory(command, detail, measure_input(input), threads());
    const double limit_mib = static_cast<double>(limit) / (1 << 20);
    if (common.estimate) {
        fmt::print("catena {}: {}{}\n", command, estimate.describe(),
                   limit == 0 ? "" : fmt::format(" ({} the memory limit of {:.0f} MiB)", estimate.total() > limit ? "over" : "within", limit_mib));
        throw EstimateOnly{};
    }
    if (estimate.total() > limit)
        throw UsageError(fmt::format("{} would need {}, over --memory-limit {:.0f} MiB", command, estimate.describe(), limit_mib));
    return limit - std::min(limit, estimate.parts.front().bytes);
}

// Loads the command's input (timed) and prints the loader's notes.
Dataset load_input(const CommonOptions& common, std::string_view command, std::string_view detail = {}) {
    check_memory(common, common.input(), command, detail);
    if (!common.rejects.empty() && common.on_bad_row != "skip")
        throw UsageError("--rejects goes with --on-bad-row skip");
    Dataset dataset = timed(common, "load", [&] { return load_dataset(common.input(), common.load_options()); });
    print_warnings(dataset, common);
    report_skipped(dataset.input.skipped, common.rejects, common);
    return dataset;
}

void print_text(const std::string& text) { std::fwrite(text.data(), 1, text.size(), stdout); }

int run(int argc, char** argv) {
    CLI::App app{
        "catena: a chain-of-influence analyzer for marketing and CRM teams.\n"
        "Loads customers, their relationships, referrals and transactions into an influence graph\n"
        "(edge u -> v: u can influence v) and reports on it.\n\n"
        "Input: --data DIR (customers.csv, relationships.csv, referrals.csv, transactions.csv),\n"
        "--edges FILE [--nodes FILE] (a plain edge list), or --db FILE (a workspace made by\n"
        "catena import). See README.md for every column.\n\n"
        "Exit codes: 0 ok, 2 usage error, 3 input error, 1 other error.",
        "catena"};
    app.set_version_flag("-V,--version", std::string("catena ") + CATENA_VERSION);
    app.require_subcommand(1);

    CommonOptions common;

    CLI::App* import = app.add_subcommand(
        "import", "Store a data folder (or edge list) in a SQLite workspace database, replacing "
                  "its input tables in one transaction (results tables are kept)");
    std::string import_dir, import_db;
    import->add_option("DATA_DIR", import_dir, "Data folder to import (or use --edges)");
    import->add_option("--db", import_db, "Workspace database to create or update")->required();
    bool import_append = false, import_replace = false, import_dry_run = false;
    import->add_flag("--append", import_append,
                     "Add new rows and update existing ones by key (customers by id; relationships by source, "
                     "target and type; referrals by referrer, referred and date; transactions by customer, date, "
                     "amount and order id); importing the same files twice changes nothing");
    import->add_flag("--replace", import_replace,
                     "Replace the workspace's input tables even when the new data drops customers it holds");
    import->add_flag("--dry-run", import_dry_run,
                     "Validate and print what would be stored (counts per table, the mapping applied, unmapped "
                     "and suspicious columns) without writing anything");
    add_common_options(*import, common, false);
    CLI::App* mapping_command = app.add_subcommand(
        "mapping", "Mapping files: how a CRM export's files feed catena's tables");
    mapping_command->require_subcommand(1);
    CLI::App* mapping_suggest = mapping_command->add_subcommand(
        "suggest", "Print a draft mapping file for the CSV files of a folder, from their headers, each guess "
                   "commented for you to check");
    std::string suggest_dir, suggest_out;
    mapping_suggest->add_option("DATA_DIR", suggest_dir, "Folder of CSV files (a CRM export)")->required();
    mapping_suggest->add_option("-o,--out", suggest_out, "Write the draft here instead of standard output");

    CLI::App* stats = app.add_subcommand(
        "stats", "Summarise the data: customers by kind and segment, relationships by type, "
                 "merged and dropped rows, degrees, connected components");
    add_common_options(*stats, common, true);
    stats->add_option("--format", common.format, "Output format: table, csv or json")
        ->capture_default_str();

    CLI::App* generate = app.add_subcommand(
        "generate", "Write a synthetic CRM world (customers, relationships, referrals, transactions "
                    "and the planted communities) as CSV, deterministic by seed");
    GeneratorParams generator;
    std::string generate_out;
    std::string generate_db;
    generate->add_option("--out", generate_out, "Folder to write the CSV tables into (created if missing)");
    generate->add_option("--db", generate_db,
                         "Import the generated world into this workspace database (with --out the CSV "
                         "files are kept there too)");
    generate->add_option("--customers", generator.customers, "Number of customers")->capture_default_str();
    generate->add_option("--seed", generator.seed, "Random seed: the same seed gives the same files")
        ->capture_default_str();
    generate->add_option("--relationships-per-customer", generator.relationships_per_customer,
                         "Mean relationships per customer")->capture_default_str();
    generate->add_option("--mixing", generator.mixing,
                         "Share of relationships that leave the customer's community")->capture_default_str();
    generate->add_option("--degree-exponent", generator.degree_exponent,
                         "Power-law exponent of the degree distribution")->capture_default_str();
    generate->add_option("--max-degree", generator.max_degree,
                         "Largest degree (0: min(10 x sqrt(customers), largest community / 2, 5000))")->capture_default_str();
    generate->add_option("--community-exponent", generator.community_exponent,
                         "Power-law exponent of community sizes")->capture_default_str();
    generate->add_option("--min-community", generator.min_community, "Smallest community")->capture_default_str();
    generate->add_option("--max-community", generator.max_community,
                         "Largest community (0: customers / 20)")->capture_default_str();
    generate->add_option("--business-share", generator.business_share, "Share of businesses")
        ->capture_default_str();
    generate->add_option("--referred-share", generator.referred_share,
                         "Share of customers referred by an earlier-joined neighbour")->capture_default_str();
    generate->add_option("--transactions-per-customer", generator.transactions_per_customer,
                         "Mean transactions per customer over the two years")->capture_default_str();
    generate->add_option("--hidden-influencers", generator.hidden_influencers,
                         "Planted hidden influencers (0: max(3, customers / 100000))")->capture_default_str();
    generate->add_flag("--edge-list", generator.edge_list,
                       "Also write edges.csv: source,target,weight (effective strength), for peer tools");
    generate->add_flag("-q,--quiet", common.quiet, "Print nothing on success");

    CLI::App* rank = app.add_subcommand(
        "rank", "Rank customers by influence: PageRank (default), weighted degree, core number, "
                "betweenness or harmonic closeness, and list the top ones");
    add_common_options(*rank, common, true);
    rank->add_option("--format", common.format, "Output format: table, csv or json")->capture_default_str();
    RankOptions rank_options;
    std::string rank_by = "pagerank", rank_direction = "influence";
    bool rank_unweighted = false, rank_no_save = false;
    rank->add_option("--by", rank_by, "Measure: pagerank, degree, core, betweenness or closeness")
        ->capture_default_str();
    rank->add_option("--top", rank_options.top, "How many customers to list (0: all)")->capture_default_str();
    rank->add_option("--direction", rank_direction,
                     "influence: who reaches many (walks against the edges); authority: who is "
                     "reached by many (PageRank and degree)")
        ->capture_default_str();
    rank->add_option("--damping", rank_options.pagerank.damping, "PageRank damping factor, in [0, 1)")
        ->capture_default_str();
    rank->add_option("--tolerance", rank_options.pagerank.tolerance,
                     "PageRank stops when the L1 change of the scores is below this")
        ->capture_default_str();
    rank->add_option("--max-iterations", rank_options.pagerank.max_iterations, "PageRank iteration cap")
        ->capture_default_str();
    rank->add_option("--personalize", rank_options.personalize,
                     "PageRank teleport weights: value, segment:NAME, or ids:ID[=WEIGHT],ID,...");
    rank->add_flag("--unweighted", rank_unweighted, "PageRank counts every edge as 1, ignoring strength");
    rank->add_option("--pivots", rank_options.sampling.pivots,
                     "Betweenness/closeness: sample this many pivots (0: exact, every node)")
        ->capture_default_str();
    rank->add_option("--seed", rank_options.sampling.seed, "Seed for the pivot sample")->capture_default_str();
    rank->add_flag("--no-save", rank_no_save, "With --db: do not record the run and scores in the database");

    CLI::App* communities = app.add_subcommand(
        "communities", "Find communities (Leiden by default, Louvain, label propagation) and "
                       "summarise each: size, people and businesses, value, ties inside and out, top customers");
    add_common_options(*communities, common, true);
    communities->add_option("--format", common.format, "Output format: table, csv or json")->capture_default_str();
    CommunityParams community_params;
    std::string community_method = "leiden", membership_out, initial_file, initial_column, top_by = "degree";
    std::int64_t initial_run = 0;
    std::size_t community_top = 20;
    bool community_no_save = false;
    communities->add_option("--method", community_method, "leiden, louvain or lpa (label propagation)")
        ->capture_default_str();
    communities->add_option("--resolution", community_params.resolution,
                            "Modularity resolution: above 1 gives more, smaller communities")
        ->capture_default_str();
    communities->add_option("--seed", community_params.seed, "Random seed: the same seed gives the same communities")
        ->capture_default_str();
    communities->add_option("--max-iterations", community_params.max_iterations,
                            "Leiden passes, each refining the last one's communities")
        ->capture_default_str();
    communities->add_option("--top", community_top, "How many communities to list, largest first (0: all)")
        ->capture_default_str();
    communities->add_option("--membership-out", membership_out, "Also write id,community for every customer to this CSV");
    communities->add_option("--initial", initial_file,
                            "Start from the communities in this CSV (id,community), e.g. last month's");
    communities->add_option("--initial-run", initial_run, "With --db: start from the communities of this run id");
    communities->add_option("--initial-column", initial_column,
                            "Start from the labels in this customers column (e.g. a stored segmentation)");
    communities->add_option("--top-by", top_by, "Rank each community's top customers by degree or pagerank")
        ->capture_default_str();
    communities->add_flag("--no-save", community_no_save, "With --db: do not record the run in the database");

    CLI::App* simulate_command = app.add_subcommand(
        "simulate", "Monte Carlo simulation of a campaign seeded at given customers: expected customers and "
                    "value reached, with standard error, and who is most likely reached");
    add_common_options(*simulate_command, common, true);
    simulate_command->add_option("--format", common.format, "Output format: table, csv (per customer) or json")
        ->capture_default_str();
    SimulateOptions simulate_options;
    std::string seed_list, seeds_file, diffusion = "ic", probability = "weighted-cascade";
    simulate_command->add_option("--seeds", seed_list, "Seed customer ids, comma-separated");
    simulate_command->add_option("--seeds-file", seeds_file, "File of seed customer ids (one per line, or an id column)");
    simulate_command->add_option("--model", diffusion, "ic (Independent Cascade) or lt (Linear Threshold)")
        ->capture_default_str();
    simulate_command->add_option("--probability", probability,
                                 "IC edge probabilities: weighted-cascade, constant:P, column or learned")
        ->capture_default_str();
    simulate_command->add_option("--sims", simulate_options.params.simulations, "Number of simulations")
        ->capture_default_str();
    simulate_command->add_option("--seed", simulate_options.params.seed, "Random seed")->capture_default_str();
    simulate_command->add_option("--top", simulate_options.top, "Most likely reached customers to list")
        ->capture_default_str();
    bool simulate_no_save = false;
    simulate_command->add_flag("--no-save", simulate_no_save, "With --db: do not record the run in the database");

    CLI::App* seeds_command = app.add_subcommand(
        "seeds", "Choose the k customers to seed a referral campaign with (reverse-influence sampling, "
                 "OPIM-C): guaranteed within (1 - 1/e - eps) of the best reach with probability 1 - delta, "
                 "and reports the ratio it could certify");
    add_common_options(*seeds_command, common, true);
    seeds_command->add_option("--format", common.format, "Output format: table, csv or json")->capture_default_str();
    SeedsOptions seeds_options;
    std::string seeds_model = "ic", seeds_probability = "weighted-cascade", seeds_objective = "customers";
    seeds_command->add_option("-k", seeds_options.params.k, "How many seeds")->capture_default_str();
    seeds_command->add_option("--eps", seeds_options.params.epsilon, "Approximation slack eps, in (0, 1)")
        ->capture_default_str();
    seeds_command->add_option("--delta", seeds_options.params.delta,
                              "Failure probability of the guarantee (0: 1 / number of customers)")
        ->capture_default_str();
    seeds_command->add_option("--model", seeds_model, "ic or lt")->capture_default_str();
    seeds_command->add_option("--probability", seeds_probability,
                              "IC edge probabilities: weighted-cascade, constant:P, column or learned")
        ->capture_default_str();
    seeds_command->add_option("--objective", seeds_objective, "customers or value (expected own value reached)")
        ->capture_default_str();
    seeds_command->add_option("--budget", seeds_options.params.budget,
                              "Total cost of the seeds at most this (customers' cost column; 0: no budget)")
        ->capture_default_str();
    seeds_command->add_option("--exclude-segment", seeds_options.exclude_segments, "Never choose this segment (repeatable)");
    seeds_command->add_option("--only-kind", seeds_options.only_kind, "Choose only person or business customers");
    seeds_command->add_option("--seed", seeds_options.params.seed, "Random seed")->capture_default_str();
    bool seeds_no_save = false;
    seeds_command->add_flag("--no-save", seeds_no_save, "With --db: do not record the run in the database");

    CLI::App* compare_command = app.add_subcommand(
        "compare", "Compare seed strategies as k grows, all judged by the same simulator: maximisation, "
                   "top PageRank, top degree, top value, random");
    add_common_options(*compare_command, common, true);
    compare_command->add_option("--format", common.format, "Output format: table, csv or json")->capture_default_str();
    CompareOptions compare_options;
    compare_options.simulation.simulations = 1000;
    std::string compare_model = "ic", compare_probability = "weighted-cascade";
    compare_command->add_option("-k", compare_options.k, "Curves for 1..k seeds")->capture_default_str();
    compare_command->add_option("--sims", compare_options.simulation.simulations, "Simulations per point")
        ->capture_default_str();
    compare_command->add_option("--model", compare_model, "ic or lt")->capture_default_str();
    compare_command->add_option("--probability", compare_probability,
                                "IC edge probabilities: weighted-cascade, constant:P, column or learned")
        ->capture_default_str();
    compare_command->add_option("--eps", compare_options.epsilon, "eps of the maximisation strategy")->capture_default_str();
    compare_command->add_option("--seed", compare_options.simulation.seed, "Random seed")->capture_default_str();
    bool compare_no_save = false;
    compare_command->add_flag("--no-save", compare_no_save, "With --db: do not record the run in the database");

    CLI::App* value_command = app.add_subcommand(
        "value", "What each customer is worth counting whom they influence: own value (value column, else "
                 "spend in the window), network value (expected own value of the others they activate), "
                 "referral value (customers they brought in, discounted by depth); influence-weighted value, "
                 "rank and quadrants (champions, hidden influencers, high-value loners, others)");
    add_common_options(*value_command, common, true);
    value_command->add_option("--format", common.format, "Output format: table, csv or json")->capture_default_str();
    ValueOptions value_options;
    ValueFilter value_filter;
    std::string value_model = "ic", value_probability = "weighted-cascade", value_as_of;
    bool value_all_referrals = false, value_no_save = false;
    std::optional<double> own_threshold, influence_threshold;
    value_command->add_option("--top", value_filter.top, "Customers to list, best first (0: all)")->capture_default_str();
    value_command->add_option("--quadrant", value_filter.quadrant,
                              "List only champions, hidden-influencers, high-value-loners or others");
    value_command->add_option("--segment", value_filter.segment, "List only this segment");
    value_command->add_option("--as-of", value_as_of, "End of the RFM window, YYYY-MM-DD (default: the last transaction)");
    value_command->add_option("--window", value_options.params.profile.window_days, "RFM window in days")
        ->capture_default_str();
    value_command->add_option("--model", value_model, "ic or lt")->capture_default_str();
    value_command->add_option("--probability", value_probability,
                              "IC edge probabilities: weighted-cascade, constant:P, column or learned")
        ->capture_default_str();
    value_command->add_option("--eps", value_options.params.network.epsilon,
                              "Network value: every estimate within eps x total value, with probability 1 - delta")
        ->capture_default_str();
    value_command->add_option("--delta", value_options.params.network.delta, "Network value: failure probability")
        ->capture_default_str();
    value_command->add_option("--rr-sets", value_options.params.network.rr_sets,
                              "Network value: RR sets to draw (0: as many as eps and delta need)")
        ->capture_default_str();
    value_command->add_option("--seed", value_options.params.network.seed, "Random seed")->capture_default_str();
    value_command->add_option("--depth-discount", value_options.params.referral.depth_discount,
                              "Referral value: weight of each further level of a referral cascade, in [0, 1]")
        ->capture_default_str();
    value_command->add_flag("--all-referrals", value_all_referrals,
                            "Referral value: count referrals that did not convert too");
    value_command->add_option("--network-weight", value_options.params.network_weight,
                              "a in own + a x network + b x referral")->capture_default_str();
    value_command->add_option("--referral-weight", value_options.params.referral_weight,
                              "b in own + a x network + b x referral (each referral is also an edge, so part of "
                              "it is in network value already)")
        ->capture_default_str();
    value_command->add_option("--own-threshold", own_threshold, "Own value above this is high (default: the median)");
    value_command->add_option("--influence-threshold", influence_threshold,
                              "Influence (a x network + b x referral) above this is high (default: the median)");
    value_command->add_flag("--no-save", value_no_save, "With --db: do not record the run in the database");

    CLI::App* report_command = app.add_subcommand(
        "report", "The batch job: run the analyses a job file lists (or all of them with their defaults) and "
                  "write report.html, summary.json and CSV tables into a folder, and the results into the "
                  "workspace database when the input is one");
    add_common_options(*report_command, common, true);
    std::string job_file, report_out;
    report_command->add_option("--job", job_file, "Job file (TOML); see samples/job.toml and README \"Batch reports\"");
    report_command->add_option("--out", report_out, "Output folder (default: the job's [output] folder, or catena-report)");
    bool report_no_save = false;
    report_command->add_flag("--no-save", report_no_save, "With --db: do not record the run in the database");

    CLI::App* export_command = app.add_subcommand(
        "export", "Write the graph with every computed attribute (influence score and rank, community, own, "
                  "network and influence-weighted value, quadrant) on the customers, for Gephi and other tools");
    add_common_options(*export_command, common, true);
    std::string export_format = "graphml", export_out;
    export_command->add_option("--format", export_format, "graphml, gexf or dot")->capture_default_str();
    export_command->add_option("-o,--out", export_out, "Output file (default: standard output)");
    ExportOptions export_options;
    export_command->add_flag("--no-analyses", export_options.skip_analyses,
                             "Only the data's own attributes: no scores, communities or values");
    export_command->add_option("--seed", export_options.seed, "Random seed for communities and network value")
        ->capture_default_str();

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& error) {
        const int code = app.exit(error);
        return code == 0 ? 0 : kExitUsage;
    }

    if (import->parsed()) {
        if (!import_dir.empty()) {
            if (!common.data_dir.empty())
                throw UsageError("give the data folder once (DATA_DIR or --data)");
            common.data_dir = import_dir;
        }
        if (import_append && import_replace) throw UsageError("give --append or --replace, not both");
        const LoadOptions load_options = common.load_options();
        const bool skipping = load_options.on_bad_row == BadRowPolicy::skip;
        if (!common.rejects.empty() && !skipping && common.mapping.empty())
            throw UsageError("--rejects goes with --on-bad-row skip");
        ImportOptions import_options;
        import_options.mode = import_append ? ImportMode::append : import_replace ? ImportMode::replace : ImportMode::create;
        import_options.dry_run = import_dry_run;
        const ImportSummary summary = import_to_store(common.input(), import_db, load_options, import_options);
        if (!common.quiet)
            for (const auto& warning : summary.read.warnings) fmt::print(stderr, "catena: note: {}\n", warning);
        // The rejects file: where --rejects says, else beside the database (not for a dry run).
        std::filesystem::path rejects = common.rejects;
        if (rejects.empty() && !summary.read.input.skipped.empty() && !import_dry_run)
            rejects = import_db + ".rejects.csv";
        if (!import_dry_run || !common.rejects.empty()) report_skipped(summary.read.input.skipped, rejects, common);
        print_text(format_import_summary(summary, common.input().describe(), import_db));
        return 0;
    }
    if (mapping_suggest->parsed()) {
        const std::string draft = suggest_mapping(suggest_dir);
        if (suggest_out.empty()) print_text(draft);
        else {
            write_file(suggest_out, draft);
            if (!common.quiet) fmt::print(stderr, "catena: wrote a draft mapping to {}; check every guess\n", suggest_out);
        }
        return 0;
    }
    if (generate->parsed()) {
        if (generate_out.empty() && generate_db.empty()) throw UsageError("generate needs --out DIR, --db FILE or both");
        // Without --out the CSV tables go to a scratch folder beside the database, removed after.
        std::filesystem::path folder = generate_out;
        const bool scratch = folder.empty();
        if (scratch) {
            const std::filesystem::path db_path(generate_db);
            folder = db_path.parent_path().empty() ? std::filesystem::path(".") : db_path.parent_path();
            folder /= "." + db_path.filename().string() + ".generate-" + std::to_string(::getpid());
        }
        struct RemoveScratch {
            std::filesystem::path path;
            ~RemoveScratch() {
                std::error_code ignored;
                if (!path.empty()) std::filesystem::remove_all(path, ignored);
            }
        } cleanup{scratch ? folder : std::filesystem::path()};
        const GeneratorSummary summary = catena::generate(generator, folder);
        if (!common.quiet)
            fmt::print("Generated {} customers in {} communities, {} relationships (mixing {:.3f}), {} "
                       "referrals and {} transactions{}.\n",
                       summary.customers, summary.communities, summary.relationships, summary.realised_mixing,
                       summary.referrals, summary.transactions, scratch ? "" : " in " + generate_out);
        if (!generate_db.empty()) {
            InputSource source;
            source.data_dir = folder;
            const ImportSummary imported = import_to_store(source, generate_db, common.load_options());
            if (!common.quiet)
                fmt::print("Imported them into {} ({}).\n", generate_db,
                           imported.created ? "new workspace" : "input tables replaced");
        }
        return 0;
    }
    if (rank->parsed()) {
        const std::string started = utc_now();
        const OutputFormat format = parse_output_format(common.format);
        rank_options.measure = parse_rank_measure(rank_by);
        if (rank_direction == "influence") rank_options.pagerank.direction = RankDirection::influence;
        else if (rank_direction == "authority") rank_options.pagerank.direction = RankDirection::authority;
        else throw UsageError("--direction must be influence or authority, not '" + rank_direction + "'");
        rank_options.pagerank.weighted = !rank_unweighted;
        const Dataset dataset = load_input(common, "rank", rank_by);
        const RankResult result =
            timed(common, std::string(to_string(rank_options.measure)).c_str(),
                  [&] { return rank_customers(dataset, rank_options); });
        print_text(render(dataset, result, format));
        if (!common.db_file.empty() && !rank_no_save) {
            nlohmann::ordered_json parameters = {
                {"by", rank_by},
                {"direction", rank_direction},
                {"damping", rank_options.pagerank.damping},
                {"tolerance", rank_options.pagerank.tolerance},
                {"max_iterations", rank_options.pagerank.max_iterations},
                {"weighted", !rank_unweighted},
                {"personalize", rank_options.personalize},
                {"pivots", rank_options.sampling.pivots},
                {"seed", rank_options.sampling.seed},
                {"directed", common.directed},
                {"types", common.type_specs}};
            RunRecord run{"rank", parameters.dump(), started, utc_now(), dataset.graph.fingerprint()};
            const std::int64_t run_id = store_rank_run(common.db_file, run, to_string(rank_options.measure),
                                                       dataset.graph, result.scores);
            if (!common.quiet)
                fmt::print(stderr, "catena: saved as run {} in {} (table rank_scores)\n", run_id, common.db_file);
        }
        return 0;
    }
    if (communities->parsed()) {
        const std::string started = utc_now();
        const OutputFormat format = parse_output_format(common.format);
        community_params.method = parse_community_method(community_method);
        if (initial_run != 0 && common.db_file.empty()) throw UsageError("--initial-run needs --db");
        if ((initial_run != 0) + !initial_file.empty() + !initial_column.empty() > 1)
            throw UsageError("give one of --initial, --initial-run and --initial-column");
        if (top_by != "degree" && top_by != "pagerank")
            throw UsageError("--top-by must be degree or pagerank, not '" + top_by + "'");
        const Dataset dataset = load_input(common, "communities", community_method);
        if (!initial_file.empty()) community_params.initial = read_membership_csv(initial_file, dataset.graph);
        if (initial_run != 0) community_params.initial = load_community_run(common.db_file, initial_run, dataset.graph);
        if (!initial_column.empty()) community_params.initial = labels_from_column(dataset.graph, initial_column);
        CommunityResult result = timed(common, std::string(to_string(community_params.method)),
                                       [&] { return detect_communities(dataset.graph, community_params); });
        if (!membership_out.empty()) write_membership_csv(membership_out, dataset.graph, result.community);
        const std::vector<double> top_score = top_by == "pagerank" ? pagerank(dataset.graph).scores
                                                                   : weighted_degree(dataset.graph, RankDirection::influence);
        const CommunityReport report =
            summarize_communities(dataset, community_params, std::move(result), top_score, top_by);
        print_text(render(dataset, report, format, community_top));
        if (!common.db_file.empty() && !community_no_save) {
            nlohmann::ordered_json parameters = {{"method", community_method},
                                                 {"resolution", community_params.resolution},
                                                 {"seed", community_params.seed},
                                                 {"max_iterations", community_params.max_iterations},
                                                 {"initial", initial_file},
                                                 {"initial_run", initial_run},
                                                 {"initial_column", initial_column},
                                                 {"directed", common.directed},
                                                 {"types", common.type_specs}};
            RunRecord run{"communities", parameters.dump(), started, utc_now(), dataset.graph.fingerprint()};
            const std::int64_t run_id =
                store_community_run(common.db_file, run, dataset.graph, report.result.community);
            if (!common.quiet)
                fmt::print(stderr, "catena: saved as run {} in {} (table community_members)\n", run_id, common.db_file);
        }
        return 0;
    }
    if (compare_command->parsed()) {
        const OutputFormat format = parse_output_format(common.format);
        compare_options.simulation.model = diffusion_model_option(compare_model);
        compare_options.probability = ProbabilityModel::parse(compare_probability);
        const Dataset dataset = load_input(common, "compare");
        const std::string started = utc_now();
        compare_options.progress = common.progress("compare");
        const CompareReport report = timed(common, "compare", [&] { return compare_strategies(dataset, compare_options); });
        print_text(render(dataset, report, format));
        if (!common.db_file.empty() && !compare_no_save) {
            const nlohmann::ordered_json parameters = {{"k", compare_options.k}, {"sims", compare_options.simulation.simulations},
                                                       {"model", compare_model}, {"probability", compare_probability},
                                                       {"eps", compare_options.epsilon},
                                                       {"seed", compare_options.simulation.seed}};
            nlohmann::ordered_json summary = nlohmann::ordered_json::object();
            for (const StrategyCurve& curve : report.strategies)
                if (!curve.spread.empty()) summary[curve.name] = curve.spread.back();
            RunWriter writer(common.db_file, {"compare", parameters.dump(), started, "", dataset.graph.fingerprint(),
                                              nlohmann::ordered_json{{"expected_spread_at_k", summary}}.dump()});
            writer.compare_points(dataset.graph, compare_points(report));
            const std::int64_t run_id = writer.commit(utc_now());
            if (!common.quiet)
                fmt::print(stderr, "catena: saved as run {} in {} (table compare_points)\n", run_id, common.db_file);
        }
        return 0;
    }
    if (seeds_command->parsed()) {
        const OutputFormat format = parse_output_format(common.format);
        seeds_options.params.model = diffusion_model_option(seeds_model);
        if (seeds_objective == "value") seeds_options.params.value_objective = true;
        else if (seeds_objective != "customers")
            throw UsageError("--objective must be customers or value, not '" + seeds_objective + "'");
        seeds_options.probability = ProbabilityModel::parse(seeds_probability);
        const Dataset dataset = load_input(common, "seeds");
        seeds_options.params.memory_limit = check_memory(common, common.input(), "seeds", "");
        const std::string started = utc_now();
        seeds_options.params.progress = common.progress("seeds");
        const SeedsReport report = timed(common, "seeds", [&] { return choose_seeds(dataset, seeds_options); });
        print_text(render(dataset, report, format));
        if (!common.db_file.empty() && !seeds_no_save) {
            const SeedSelectionParams& p = seeds_options.params;
            const nlohmann::ordered_json parameters = {
                {"k", p.k}, {"eps", p.epsilon}, {"delta", report.result.failure_probability},
                {"model", seeds_model}, {"probability", seeds_probability}, {"objective", seeds_objective},
                {"budget", p.budget}, {"exclude_segments", seeds_options.exclude_segments},
                {"only_kind", seeds_options.only_kind}, {"seed", p.seed}};
            const nlohmann::ordered_json summary = {{"estimated_spread", report.result.estimated_spread},
                                                    {"approximation", report.result.approximation},
                                                    {"certified_approximation", report.result.certified_approximation},
                                                    {"guarantee_holds", report.result.guarantee_holds},
                                                    {"rr_sets", report.result.rr_sets}};
            RunRecord run{"seeds", parameters.dump(), started, utc_now(), dataset.graph.fingerprint(), summary.dump()};
            const std::int64_t run_id =
                store_seed_run(common.db_file, run, dataset.graph, report.result.seeds, report.result.marginal_estimate);
            if (!common.quiet) fmt::print(stderr, "catena: saved as run {} in {} (table seed_choices)\n", run_id, common.db_file);
        }
        return 0;
    }
    if (simulate_command->parsed()) {
        const OutputFormat format = parse_output_format(common.format);
        simulate_options.params.model = diffusion_model_option(diffusion);
        simulate_options.probability = ProbabilityModel::parse(probability);
        if (!seed_list.empty() && !seeds_file.empty()) throw UsageError("give --seeds or --seeds-file, not both");
        if (!seeds_file.empty()) simulate_options.seed_ids = read_seed_file(seeds_file);
        for (std::size_t start = 0; start < seed_list.size();) {
            const std::size_t comma = std::min(seed_list.find(',', start), seed_list.size());
            if (comma > start) simulate_options.seed_ids.push_back(seed_list.substr(start, comma - start));
            start = comma + 1;
        }
        const Dataset dataset = load_input(common, "simulate");
        const std::string started = utc_now();
        const SimulateReport report =
            timed(common, "simulate", [&] { return run_simulation(dataset, simulate_options); });
        print_text(render(dataset, report, format));
        if (!common.db_file.empty() && !simulate_no_save) {
            const nlohmann::ordered_json parameters = {{"seeds", simulate_options.seed_ids}, {"model", diffusion},
                                                       {"probability", probability},
                                                       {"sims", simulate_options.params.simulations},
                                                       {"seed", simulate_options.params.seed}};
            const SimulationResult& r = report.result;
            const nlohmann::ordered_json summary = {{"expected_spread", r.expected_spread},
                                                    {"standard_error", r.standard_error},
                                                    {"expected_value", r.expected_value},
                                                    {"mean_by_depth", r.mean_by_depth}};
            RunRecord run{"simulate", parameters.dump(), started, utc_now(), dataset.graph.fingerprint(), summary.dump()};
            const std::int64_t run_id = store_simulation_run(common.db_file, run, dataset.graph, r.activation_probability);
            if (!common.quiet)
                fmt::print(stderr, "catena: saved as run {} in {} (table simulation_activation)\n", run_id, common.db_file);
        }
        return 0;
    }
    if (value_command->parsed()) {
        const OutputFormat format = parse_output_format(common.format);
        value_options.params.network.model = diffusion_model_option(value_model);
        value_options.probability = ProbabilityModel::parse(value_probability);
        value_options.params.referral.converted_only = !value_all_referrals;
        value_options.params.own_threshold = own_threshold;
        value_options.params.influence_threshold = influence_threshold;
        if (!value_as_of.empty()) {
            const std::optional<Date> as_of = parse_iso_date(value_as_of);
            if (!as_of) throw UsageError("--as-of must be a date YYYY-MM-DD, not '" + value_as_of + "'");
            value_options.params.profile.as_of = *as_of;
        }
        if (!value_filter.quadrant.empty()) parse_quadrant(value_filter.quadrant);  // a usage error before loading
        const Dataset dataset = load_input(common, "value");
        const std::string started = utc_now();
        const ValueReport report = timed(common, "value", [&] { return run_value(dataset, value_options); });
        print_text(format_value(dataset, report, format, value_filter));
        if (!common.db_file.empty() && !value_no_save) {
            RunWriter writer(common.db_file, {"value", value_parameters_json(report), started, "",
                                              dataset.graph.fingerprint(), value_summary_json(dataset, report)});
            writer.customer_values(dataset.graph, customer_value_rows(report));
            const std::int64_t run_id = writer.commit(utc_now());
            if (!common.quiet)
                fmt::print(stderr, "catena: saved as run {} in {} (table customer_values)\n", run_id, common.db_file);
        }
        return 0;
    }
    if (report_command->parsed()) {
        JobSpec job = job_file.empty() ? default_job() : parse_job_file(job_file);
        const bool input_given = !common.data_dir.empty() || !common.edges_file.empty() || !common.db_file.empty();
        if (input_given) {  // the command line's input replaces the job's
            job.data_dir = common.data_dir;
            job.edges_file = common.edges_file;
            job.nodes_file = common.nodes_file;
            job.db_file = common.db_file;
        }
        if (job.data_dir.empty() && job.edges_file.empty() && job.db_file.empty())
            throw UsageError("report needs its input: --data DIR, --edges FILE or --db FILE, or a job file with [data]");
        if (common.directed) job.directed = true;
        if (!common.mapping.empty()) job.mapping = common.mapping;
        if (!common.on_bad_row.empty()) {
            parse_bad_row_policy(common.on_bad_row);
            job.on_bad_row = common.on_bad_row;
        }
        if (!common.rejects.empty()) job.rejects = common.rejects;
        for (const auto& spec : common.type_specs) job.type_specs.push_back(spec);
        if (!report_out.empty()) job.out_dir = report_out;
        if (report_no_save) job.save = false;
        check_memory(common, InputSource{job.data_dir, job.edges_file, job.nodes_file, job.db_file}, "report", "");
        const auto start = std::chrono::steady_clock::now();
        const auto progress = common.progress("report");
        const BatchOutputs outputs = timed(common, "report", [&] { return run_batch(job, progress); });
        if (!common.quiet) {
            const std::chrono::duration<double> seconds = std::chrono::steady_clock::now() - start;
            fmt::print(stderr, "catena: report written in {:.1f} s\n", seconds.count());
        }
        fmt::print("Report: {}\nSummary: {}\n", outputs.html.string(), outputs.summary.string());
        for (const auto& table : outputs.tables) fmt::print("Table: {}\n", table.string());
        if (outputs.run_id) fmt::print("Saved as run {} in {}\n", outputs.run_id, job.db_file);
        return 0;
    }
    if (export_command->parsed()) {
        export_options.format = parse_export_format(export_format);
        const Dataset dataset = load_input(common, "export");
        const std::string text = timed(common, "export", [&] { return export_graph(dataset, export_options); });
        if (export_out.empty()) {
            print_text(text);
        } else {
            write_file(export_out, text);
            if (!common.quiet)
                fmt::print(stderr, "catena: wrote {} customers and {} relationships to {}\n", dataset.graph.num_nodes(),
                           dataset.graph.num_edges(), export_out);
        }
        return 0;
    }
    if (stats->parsed()) {
        const OutputFormat format = parse_output_format(common.format);
        const Dataset dataset = load_input(common, "stats");
        print_text(render(summarize(dataset), format));
        return 0;
    }
    return kExitUsage;
}

}  // namespace

int main(int argc, char** argv) {
    try {
        const int code = run(argc, argv);
        // Output that could not be written (a full disk, a closed file) is an error, not a success.
        if (std::fflush(stdout) != 0 || std::ferror(stdout))
            throw catena::OutputError("standard output", "cannot write (disk full?)");
        return code;
    } catch (const EstimateOnly&) {
        return 0;
    } catch (const catena::UsageError& error) {
        fmt::print(stderr, "catena: usage error: {}\n", error.what());
        return kExitUsage;
    } catch (const catena::InputError& error) {
        // Several bad rows come as one line each.
        const std::string_view message = error.what();
        for (std::size_t start = 0; start < message.size();) {
            const std::size_t end = std::min(message.find('\n', start), message.size());
            fmt::print(stderr, "catena: input error: {}\n", message.substr(start, end - start));
            start = end + 1;
        }
        return kExitInput;
    } catch (const catena::OutputError& error) {
        fmt::print(stderr, "catena: output error: {}\n", error.what());
        return kExitOutput;
    } catch (const catena::InternalError& error) {
        fmt::print(stderr, "catena: internal error (a bug in catena, please report it): {}\n",
                   error.what());
        return kExitOther;
    } catch (const std::bad_alloc&) {
        fmt::print(stderr, "catena: error: out of memory\n");
        return kExitOther;
    } catch (const std::exception& error) {
        fmt::print(stderr, "catena: error: {}\n", error.what());
        return kExitOther;
    }
}
