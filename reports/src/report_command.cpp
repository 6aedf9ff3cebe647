// `catena report`: the batch job (batch.hpp) from the command line. The command line's input and
// reading options replace the job file's.
#include <chrono>
#include <memory>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "catena/graph/errors.hpp"
#include "catena/reports/batch.hpp"
#include "catena/reports/estimate.hpp"
#include "catena/reports/job.hpp"

#include "commands.hpp"

namespace catena {

namespace {

struct ReportArgs {
    std::string job_file, out;
    bool no_save = false, csv_bom = false, force = false;
    std::string since;
};

// The job of the job file (or the defaults), with what the command line says instead.
JobSpec job_for(const ReportArgs& args, const CommonOptions& common) {
    JobSpec job = args.job_file.empty() ? default_job() : parse_job_file(args.job_file);
    if (!common.data_dir.empty() || !common.edges_file.empty() || !common.db_file.empty()) {
        job.data_dir = common.data_dir;
        job.edges_file = common.edges_file;
        job.nodes_file = common.nodes_file;
        job.db_file = common.db_file;
    }
    if (job.data_dir.empty() && job.edges_file.empty() && job.db_file.empty())
        throw UsageError(
            "report needs its input: --data DIR, --edges FILE or --db FILE, or a job file with "
            "[data]");
    if (common.directed) job.directed = true;
    if (!common.mapping.empty()) job.mapping = common.mapping;
    if (!common.on_bad_row.empty()) {
        parse_bad_row_policy(common.on_bad_row);
        job.on_bad_row = common.on_bad_row;
    }
    if (!common.rejects.empty()) job.rejects = common.rejects;
    for (const auto& spec : common.type_specs) job.type_specs.push_back(spec);
    if (!args.out.empty()) job.out_dir = args.out;
    if (args.no_save) job.save = false;
    if (args.csv_bom) job.csv_bom = true;
    if (!args.since.empty()) job.since = args.since;
    if (args.force) job.force = true;
    return job;
}

int run_report(const ReportArgs& args, const CommonOptions& common) {
    const JobSpec job = job_for(args, common);
    if (common.threads == 0 && job.threads > 0) {  // --threads wins over the job file
        use_threads(job.threads);
        if (common.timings)
            fmt::print(stderr, "catena: threads: {} (the job file's)\n", job.threads);
    }
    const int threads = thread_count();
    check_memory(common, InputSource{job.data_dir, job.edges_file, job.nodes_file, job.db_file},
                 "report", [&](const InputSize& size) { return memory::report(size, threads); });
    const auto start = std::chrono::steady_clock::now();
    const BatchOutputs outputs =
        run_batch(job, common.progress("report"),
                  [&](std::string_view step, double seconds) { common.timing(step, seconds); });
    if (outputs.repeats_run != 0) {
        // A scheduled run on data that has not changed: success, and nothing new to read.
        if (!common.quiet)
            fmt::print(stderr,
                       "catena: nothing new: the workspace's data and the job are those of report "
                       "run {}, so nothing was run, written or stored (--force runs it again)\n",
                       outputs.repeats_run);
        fmt::print("Unchanged since run {} in {}\n", outputs.repeats_run, job.db_file);
        return 0;
    }
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    common.timing("report", seconds);
    if (!common.quiet) fmt::print(stderr, "catena: report written in {:.1f} s\n", seconds);
    for (const std::string& line : outputs.notes) common.note(line);
    fmt::print("Report: {}\nSummary: {}\nWorkbook: {}\n", outputs.html.string(),
               outputs.summary.string(), outputs.workbook.string());
    for (const auto& table : outputs.tables) fmt::print("Table: {}\n", table.string());
    if (outputs.run_id) fmt::print("Saved as run {} in {}\n", outputs.run_id, job.db_file);
    return 0;
}

}  // namespace

Command report_command() {
    return {
        "report",
        "The batch job: run the analyses a job file lists (or all of them with their defaults) and "
        "write "
        "report.html, summary.json, report.xlsx and CSV tables into a folder, and the results into "
        "the "
        "workspace database "
        "when the input is one",
        [](CLI::App& app, CommonOptions& common) -> std::function<int()> {
            add_common_options(app, common, true);
            auto args = std::make_shared<ReportArgs>();
            app.add_option("--job", args->job_file,
                           "Job file (TOML); see samples/job.toml and README \"Batch reports\"");
            app.add_option("--out", args->out,
                           "Output folder (default: the job's [output] folder, or catena-report)");
            app.add_flag("--no-save", args->no_save,
                         "With --db: do not record the run in the database");
            app.add_option("--since-run", args->since,
                           "Build on an earlier report run of the workspace: last (the newest) or "
                           "a run id. PageRank starts from its scores and the communities from "
                           "its partition; the report gets a \"What changed\" section (as catena "
                           "changes). The job file's `since`");
            app.add_flag("--force", args->force,
                         "Run and store even when the workspace's data and the job are those of "
                         "the last report run (otherwise that run is named and nothing is done)");
            app.add_flag("--csv-bom", args->csv_bom,
                         "Start the CSV tables with a UTF-8 byte-order mark, so Excel reads their "
                         "accents right (the job's [output] csv_bom)");
            return [args, &common] { return run_report(*args, common); };
        }};
}

}  // namespace catena
