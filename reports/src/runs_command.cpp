// `catena runs`: the analyses stored in a workspace, so a run id (for --initial-run, or for SQL
// over the results tables) is found without sqlite3. `catena runs --db FILE` lists them;
// `catena runs show N --db FILE` shows one: its parameters, headline results and result rows.
#include <charconv>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "catena/graph/errors.hpp"
#include "catena/loaders/store.hpp"
#include "catena/reports/output_format.hpp"

#include "commands.hpp"
#include "human.hpp"

namespace catena {

namespace {

using Json = nlohmann::ordered_json;

// A stored JSON text as JSON (a run written by a damaged tool: the text itself).
Json parsed(const std::string& text) {
    Json value = Json::parse(text, nullptr, false);
    return value.is_discarded() ? Json(text) : value;
}

// "k=10 model=ic objective=customers": the parameters that were set, scalars and non-empty lists,
// cut to `width` characters.
std::string key_parameters(const std::string& parameters, std::size_t width) {
    const Json json = parsed(parameters);
    if (!json.is_object()) return json.is_string() ? json.get<std::string>() : json.dump();
    std::string out;
    for (const auto& [key, value] : json.items()) {
        if (value.is_null() || (value.is_string() && value.get<std::string>().empty()) ||
            (value.is_array() && value.empty()) || value.is_object())
            continue;
        std::string text;
        if (value.is_string()) {
            text = value.get<std::string>();
        } else if (value.is_array()) {
            for (const auto& item : value)
                text += (text.empty() ? "" : ",") +
                        (item.is_string() ? item.get<std::string>() : item.dump());
        } else {
            text = value.dump();
        }
        out += (out.empty() ? "" : " ") + key + "=" + text;
    }
    if (out.size() > width) out = out.substr(0, width - 3) + "...";
    return out;
}

std::string render_list(const std::vector<StoredRun>& runs, const std::string& db,
                        OutputFormat format) {
    if (format == OutputFormat::json) {
        Json list = Json::array();
        for (const StoredRun& run : runs)
            list.push_back({{"id", run.id},
                            {"command", run.command},
                            {"started_at", run.started_at},
                            {"finished_at", run.finished_at},
                            {"parameters", parsed(run.parameters)}});
        return Json{{"database", db}, {"runs", list}}.dump(2) + "\n";
    }
    if (format == OutputFormat::csv) {
        std::string out = "id,started_at,finished_at,command,parameters\n";
        for (const StoredRun& run : runs)
            out += fmt::format("{},{},{},{},{}\n", run.id, csv_field(run.started_at),
                               csv_field(run.finished_at), csv_field(run.command),
                               csv_field(run.parameters));
        return out;
    }
    if (runs.empty())
        return "No runs stored in " + db +
               " yet: an analysis run with --db saves its results there.\n";
    std::string out = fmt::format("{} run{} stored in {}\n\n{:>5}  {:<20}  {:<12}  {}\n",
                                  count(runs.size()), runs.size() == 1 ? "" : "s", db, "id",
                                  "finished (UTC)", "command", "parameters");
    for (const StoredRun& run : runs)
        out += fmt::format("{:>5}  {:<20}  {:<12}  {}\n", run.id, run.finished_at, run.command,
                           key_parameters(run.parameters, 80));
    return out + fmt::format("\ncatena runs show ID --db {} shows one.\n", db);
}

std::string render_run(const StoredRun& run, OutputFormat format) {
    Json results = Json::object();
    for (const auto& [table, rows] : run.result_rows) results[table] = rows;
    const Json json = {{"id", run.id},
                       {"command", run.command},
                       {"started_at", run.started_at},
                       {"finished_at", run.finished_at},
                       {"catena_version", run.catena_version},
                       {"input_fingerprint", run.input_fingerprint},
                       {"parameters", parsed(run.parameters)},
                       {"summary", parsed(run.summary)},
                       {"result_rows", results}};
    if (format == OutputFormat::json) return json.dump(2) + "\n";
    if (format == OutputFormat::csv) {
        std::string out = "key,value\n";
        for (const auto& [key, value] : json.items())
            out += key + "," +
                   csv_field(value.is_string() ? value.get<std::string>() : value.dump()) + "\n";
        return out;
    }
    std::string out = fmt::format("Run {}: catena {}\n", run.id, run.command);
    out +=
        fmt::format("  started   {}\n  finished  {}\n  catena    {}\n  input     fingerprint {}\n",
                    run.started_at, run.finished_at, run.catena_version, run.input_fingerprint);
    for (const auto& [table, rows] : run.result_rows)
        out += fmt::format("  results   {} rows in table {} (WHERE run_id = {})\n", count(rows),
                           table, run.id);
    out += "\nParameters:\n";
    const Json parameters = parsed(run.parameters);
    if (parameters.is_object())
        for (const auto& [key, value] : parameters.items())
            out += fmt::format("  {} = {}\n", key, value.dump());
    const Json summary = parsed(run.summary);
    if (!summary.empty()) out += "\nSummary:\n" + summary.dump(2) + "\n";
    return out;
}

bool whole_number(const std::string& text, std::int64_t& value) {
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    return error == std::errc() && end == text.data() + text.size();
}

}  // namespace

Command runs_command() {
    return {"runs",
            "List the analyses stored in a workspace (id, time, command, parameters), or show "
            "one: catena runs --db FILE, catena runs show ID --db FILE",
            [](CLI::App& app, CommonOptions& common) -> std::function<int()> {
                auto words = std::make_shared<std::vector<std::string>>();
                app.add_option("action", *words, "Nothing to list the runs; show ID to show one");
                app.add_option("--db", common.db_file, "Workspace database (catena import)");
                add_output_options(app, common);
                return [words, &common] {
                    const OutputTarget target = common.output_target();
                    if (common.db_file.empty()) throw UsageError("runs needs --db FILE");
                    std::int64_t id = 0;
                    if (!words->empty() && (words->size() != 2 || (*words)[0] != "show" ||
                                            !whole_number((*words)[1], id) || id < 1))
                        throw UsageError(
                            "runs: give nothing (to list the runs) or show ID (a run id, a whole "
                            "number from 1), not '" +
                            fmt::format("{}", fmt::join(*words, " ")) + "'");
                    check_output(target);
                    if (words->empty())
                        common.emit(
                            target,
                            render_list(list_runs(common.db_file), common.db_file, target.format),
                            "runs");
                    else
                        common.emit(target, render_run(find_run(common.db_file, id), target.format),
                                    "run " + std::to_string(id));
                    return 0;
                };
            }};
}

}  // namespace catena
