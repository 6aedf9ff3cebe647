#include "catena/reports/command.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "catena/graph/errors.hpp"
#include "catena/graph/output.hpp"
#include "catena/loaders/load.hpp"
#include "catena/loaders/store.hpp"
#include "catena/reports/communities.hpp"
#include "catena/reports/compare.hpp"
#include "catena/reports/estimate.hpp"
#include "catena/reports/explain.hpp"
#include "catena/reports/rank.hpp"
#include "catena/reports/seeds.hpp"
#include "catena/reports/simulate.hpp"
#include "catena/reports/stats.hpp"
#include "catena/reports/value.hpp"
#include "catena/reports/workbook.hpp"

#include "commands.hpp"
#include <omp.h>
#include <unistd.h>

namespace catena {

InputSource CommonOptions::input() const { return {data_dir, edges_file, nodes_file, db_file}; }

LoadOptions CommonOptions::load_options() const {
    LoadOptions options;
    for (const auto& spec : type_specs) options.types.declare(spec);
    options.directed = directed;
    options.mapping = mapping;
    if (!on_bad_row.empty()) options.on_bad_row = parse_bad_row_policy(on_bad_row);
    return options;
}

Progress CommonOptions::progress(const std::string& step) const {
    if (quiet || !isatty(STDERR_FILENO)) return {};
    const auto start = std::chrono::steady_clock::now();
    return [step, start](const std::string& line) {
        const std::chrono::duration<double> seconds = std::chrono::steady_clock::now() - start;
        fmt::print(stderr, "catena: {}: {} [{:.1f} s]\n", step, line, seconds.count());
    };
}

void CommonOptions::timing(std::string_view step, double seconds) const {
    if (timings) fmt::print(stderr, "catena: timing: {} {:.3f} s\n", step, seconds);
}

void CommonOptions::note(std::string_view line) const {
    if (!quiet) fmt::print(stderr, "catena: note: {}\n", line);
}

OutputTarget CommonOptions::output_target() const {
    return parse_output_target(format, output, csv_bom);
}

void check_output(const OutputTarget& target) {
    if (!target.file.empty()) check_writable(target.file);
}

void CommonOptions::emit(const OutputTarget& target, std::string text,
                         std::string_view sheet) const {
    if (target.xlsx) {
        Workbook workbook;
        workbook.add_csv_sheet(sheet, std::move(text), sheet);
        for (const std::string& line : workbook.notes()) note(line);
        workbook.write(target.file);
    } else if (target.file.empty()) {
        if (target.csv_bom && target.format == OutputFormat::csv) print_text(kUtf8Bom);
        print_text(text);
    } else {
        write_csv_file(target.file, text, target.csv_bom && target.format == OutputFormat::csv);
    }
    if (!target.file.empty() && !quiet)
        fmt::print(stderr, "catena: wrote {}\n", target.file.string());
}

void add_output_options(CLI::App& command, CommonOptions& options) {
    command.add_option("--format", options.format, "Output format: table, csv, json or xlsx")
        ->capture_default_str();
    command.add_option("-o,--output", options.output,
                       "Write the result to this file instead of standard output (atomically); "
                       "--format xlsx needs it");
    command.add_flag("--csv-bom", options.csv_bom,
                     "Start CSV output and files with a UTF-8 byte-order mark, so Excel reads "
                     "their accents right");
}

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
    command.add_option(
        "--mapping", options.mapping,
        "Mapping file (TOML) saying how the files of the --data folder feed catena's tables "
        "(column names, keys, date and number formats, value maps); see README \"CRM exports\"");
    command.add_option(
        "--on-bad-row", options.on_bad_row,
        "stop: list up to 20 bad rows and stop (default); skip: leave them out, count them "
        "by reason and write them to --rejects");
    command.add_option(
        "--rejects", options.rejects,
        "With --on-bad-row skip: write the skipped rows here (CSV: file, line, table, column, "
        "reason, message, record)");
    command.add_flag("--directed", options.directed,
                     "Rows without a type are directed 'influences' (source -> target) instead of "
                     "undirected 'knows'");
    command.add_option(
        "--type", options.type_specs,
        "Declare or override a relationship type: NAME:directed|undirected[:STRENGTH] "
        "(repeatable), e.g. --type mentor:directed:1.5");
    command.add_flag("-q,--quiet", options.quiet, "No notes or progress on stderr");
    command.add_flag(
        "--estimate", options.estimate,
        "Print the memory this run would need (from the input's size) and stop without running it");
    command.add_option(
        "--memory-limit", options.memory_limit,
        "Refuse to start (or, for seed selection, to draw another round of RR sets) when the run "
        "would need more memory than this, e.g. 800M or 2G");
    command.add_flag(
        "--timings", options.timings,
        "Print the wall time of each step on stderr ('catena: timing: STEP SECONDS s')");
}

int thread_count() { return std::max(1, omp_get_max_threads()); }

void add_threads_option(CLI::App& command, CommonOptions& options) {
    command
        .add_option("--threads", options.threads,
                    "Threads for reading big files and for the analyses (default: the cores catena "
                    "may run on, " +
                        std::to_string(std::max(1, omp_get_num_procs())) +
                        " here; OMP_NUM_THREADS also sets it; at most 1024). Results are the same "
                        "at any count")
        ->check(CLI::Range(1u, kMaxThreads).description(""))
        ->type_name("N");
}

void use_threads(unsigned threads) {
    if (threads > 0) omp_set_num_threads(static_cast<int>(threads));
}

std::uint64_t check_memory(const CommonOptions& common, const InputSource& input,
                           std::string_view command,
                           const std::function<MemoryPart(const InputSize&)>& working) {
    if (!common.estimate && common.memory_limit.empty()) return 0;
    const std::uint64_t limit =
        common.memory_limit.empty() ? 0 : parse_memory_size(common.memory_limit);
    const InputSize size = measure_input(input);
    const MemoryEstimate estimate = estimate_memory(size, working ? working(size) : MemoryPart{});
    const double limit_mib = static_cast<double>(limit) / (1 << 20);
    if (common.estimate) {
        fmt::print("catena {}: {}{}\n", command, estimate.describe(),
                   limit == 0
                       ? ""
                       : fmt::format(" ({} the memory limit of {:.0f} MiB)",
                                     estimate.total() > limit ? "over" : "within", limit_mib));
        throw EstimateOnly{};
    }
    if (estimate.total() > limit)
        throw UsageError(fmt::format("{} would need {}, over --memory-limit {:.0f} MiB", command,
                                     estimate.describe(), limit_mib));
    return limit - std::min(limit, estimate.parts.front().bytes);
}

Dataset load_input(const CommonOptions& common) {
    if (!common.rejects.empty() && common.on_bad_row != "skip")
        throw UsageError("--rejects goes with --on-bad-row skip");
    const auto start = std::chrono::steady_clock::now();
    Dataset dataset = load_dataset(common.input(), common.load_options());
    common.timing("load",
                  std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    for (const auto& warning : dataset.warnings) common.note(warning);
    report_skipped(dataset.input.skipped, common.rejects, common);
    return dataset;
}

void report_skipped(const std::vector<SkippedRow>& skipped, const std::filesystem::path& rejects,
                    const CommonOptions& common) {
    if (!rejects.empty()) write_rejects_csv(rejects, skipped, common.csv_bom);
    if (skipped.empty()) return;
    common.note(skipped_rows_summary(skipped) + (rejects.empty()
                                                     ? " (give --rejects FILE to list them)"
                                                     : "; listed in " + rejects.string()));
}

void print_text(std::string_view text) { std::fwrite(text.data(), 1, text.size(), stdout); }

void ModelTexts::bind(CLI::App& app, const std::string& model_help) {
    app.add_option("--model", model, model_help)->capture_default_str();
    app.add_option("--probability", probability,
                   "IC edge probabilities: weighted-cascade, constant:P, column or learned")
        ->capture_default_str();
}

void list_all_unless_top_given(CLI::Option* top, OutputFormat format) {
    if (top == nullptr || top->count() > 0 || format == OutputFormat::table) return;
    top->add_result("0");
    top->run_callback();
}

DiffusionModel model_option(std::string_view text) {
    if (const auto parsed = parse_diffusion_model(text)) return *parsed;
    throw UsageError("--model must be ic or lt, not '" + std::string(text) + "'");
}

SeedObjective objective_option(std::string_view text) {
    if (const auto parsed = parse_seed_objective(text)) return *parsed;
    throw UsageError("--objective must be customers or value, not '" + std::string(text) + "'");
}

DiffusionModel ModelTexts::diffusion() const { return model_option(model); }

void RfmWindowTexts::bind(CLI::App& app, ProfileParams& profile) {
    app.add_option("--as-of", as_of,
                   "End of the RFM window, YYYY-MM-DD (default: the last transaction)");
    app.add_option("--window", profile.window_days, "RFM window in days")->capture_default_str();
}

void RfmWindowTexts::apply(ProfileParams& profile) const {
    if (as_of.empty()) return;
    const std::optional<Date> date = parse_iso_date(as_of);
    if (!date) throw UsageError("--as-of must be a date YYYY-MM-DD, not '" + as_of + "'");
    profile.as_of = *date;
}

Json Analysis::summary(const Dataset&) const { return Json::object(); }

void Analysis::write_files(const Dataset& dataset, const std::filesystem::path& folder,
                           bool csv_bom, std::vector<std::filesystem::path>& written) const {
    const std::filesystem::path path = folder / std::string(batch_file());
    write_csv_file(path, render(dataset, OutputFormat::csv), csv_bom);
    written.push_back(path);
}

Command analysis_command(std::shared_ptr<Analysis> analysis) {
    Command command{std::string(analysis->name()), std::string(analysis->help()), {}};
    command.bind = [analysis](CLI::App& app, CommonOptions& common) -> std::function<int()> {
        add_common_options(app, common, true);
        add_output_options(app, common);
        auto no_save = std::make_shared<bool>(false);
        app.add_flag("--no-save", *no_save, "With --db: do not record the run in the database");
        analysis->bind(app);
        CLI::Option* top = app.get_option_no_throw("--top");
        return [analysis, &common, no_save, top] {
            const OutputTarget target = common.output_target();
            list_all_unless_top_given(top, target.format);
            analysis->prepare(common);
            check_output(target);
            const int threads = thread_count();
            AnalysisEnv env;
            env.memory_limit = check_memory(
                common, common.input(), analysis->name(),
                [&](const InputSize& size) { return analysis->working_memory(size, threads); });
            const Dataset dataset = load_input(common);
            const std::string started = utc_now();
            env.progress = common.progress(std::string(analysis->name()));
            const auto start = std::chrono::steady_clock::now();
            analysis->compute(dataset, env);
            common.timing(
                analysis->timing_step(),
                std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
            common.emit(target, analysis->render(dataset, target.format),
                        std::filesystem::path(analysis->batch_file()).stem().string());
            if (common.db_file.empty() || *no_save) return 0;
            RunWriter writer(common.db_file,
                             {std::string(analysis->name()), analysis->parameters().dump(), started,
                              "", dataset.graph.fingerprint(), analysis->summary(dataset).dump()});
            analysis->save(writer, dataset);
            const std::int64_t run_id = writer.commit(utc_now());
            if (!common.quiet)
                fmt::print(stderr, "catena: saved as run {} in {} (table {})\n", run_id,
                           common.db_file, analysis->stored_table());
            return 0;
        };
    };
    return command;
}

std::vector<Command> command_table() {
    return {import_command(),
            mapping_command(),
            stats_command(),
            generate_command(),
            analysis_command(make_rank_analysis()),
            analysis_command(make_communities_analysis()),
            analysis_command(make_simulate_analysis()),
            analysis_command(make_seeds_analysis()),
            analysis_command(make_compare_analysis()),
            analysis_command(make_value_analysis()),
            analysis_command(make_explain_analysis()),
            report_command(),
            runs_command(),
            changes_command(),
            export_command()};
}

}  // namespace catena
