// `catena changes`: what changed between two stored runs (changes.hpp). Without --from and --to,
// the workspace's last two report runs.
#include <memory>

#include <CLI/CLI.hpp>

#include "catena/graph/errors.hpp"
#include "catena/reports/changes.hpp"

#include "commands.hpp"

namespace catena {

namespace {

struct ChangesArgs {
    std::int64_t from = 0, to = 0;
    ChangesOptions options;
};

// --to defaults to the newest report run, --from to the report run before --to.
void default_runs(const std::string& db, ChangesArgs& args) {
    if (args.from != 0 && args.to != 0) return;
    std::vector<std::int64_t> reports;
    for (const StoredRun& run : list_runs(db))
        if (run.command == "report") reports.push_back(run.id);
    if (args.to == 0) {
        if (reports.empty())
            throw UsageError("changes: " + db +
                             " holds no report run; give --from and --to (catena runs lists the "
                             "runs)");
        args.to = reports.back();
    }
    if (args.from == 0) {
        std::int64_t before = 0;
        for (const std::int64_t id : reports)
            if (id < args.to) before = id;
        if (before == 0)
            throw UsageError("changes: no report run before run " + std::to_string(args.to) +
                             " in " + db + "; give --from (catena runs lists the runs)");
        args.from = before;
    }
}

}  // namespace

Command changes_command() {
    return {"changes",
            "What changed between two runs of a workspace: new data, rising and falling "
            "influencers, quadrant changes and new hidden influencers, communities that grew, "
            "split or merged, and how the earlier run's seeds did since",
            [](CLI::App& app, CommonOptions& common) -> std::function<int()> {
                auto args = std::make_shared<ChangesArgs>();
                app.add_option("--db", common.db_file, "Workspace database (catena import)");
                app.add_option("--from", args->from,
                               "The earlier run (default: the report run before --to)");
                app.add_option("--to", args->to, "The later run (default: the newest report run)");
                app.add_option("--top", args->options.top, "Customers listed per list")
                    ->capture_default_str();
                app.add_option("--window", args->options.window,
                               "Risers among the later run's top N customers, fallers among the "
                               "earlier run's")
                    ->capture_default_str();
                add_output_options(app, common);
                return [args, &common] {
                    const OutputTarget target = common.output_target();
                    if (common.db_file.empty()) throw UsageError("changes needs --db FILE");
                    if (args->from < 0 || args->to < 0)
                        throw UsageError("changes: run ids are whole numbers from 1");
                    check_output(target);
                    default_runs(common.db_file, *args);
                    const ChangesReport report =
                        compare_runs(common.db_file, args->from, args->to, args->options);
                    common.emit(target, render_changes(report, target.format, args->options.top),
                                "changes");
                    return 0;
                };
            }};
}

}  // namespace catena
