// The stored runs: the `runs` table as catena runs lists it, one run with its result counts, and
// the communities of an earlier run (communities --initial-run).
#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "catena/graph/errors.hpp"
#include "catena/loaders/store.hpp"

#include "sqlite_db.hpp"

namespace catena {

namespace {

// The tables that hold a run's results, keyed by run_id (store.hpp's RunWriter).
constexpr const char* kResultTables[] = {"rank_scores",    "community_members",
                                         "seed_choices",   "simulation_activation",
                                         "compare_points", "customer_values"};

sqlite::Database open_workspace(const std::filesystem::path& db_path) {
    std::error_code error;
    if (!std::filesystem::exists(db_path, error))
        throw InputError(db_path.string(), "",
                         "no such database file (create one with catena import)");
    return sqlite::Database(db_path.string(), true);
}

std::vector<StoredRun> read_runs(sqlite::Database& db, std::int64_t only_id) {
    std::vector<StoredRun> runs;
    if (!db.has_table("runs")) return runs;
    sqlite::Statement rows(db,
                           "SELECT id, command, parameters, started_at, finished_at, "
                           "catena_version, input_fingerprint, summary FROM runs "
                           "WHERE ? = 0 OR id = ? ORDER BY id");
    rows.bind(1, only_id).bind(2, only_id);
    while (rows.step()) {
        StoredRun run;
        run.id = rows.integer(0);
        run.command = rows.text(1);
        run.parameters = rows.text(2);
        run.started_at = rows.text(3);
        run.finished_at = rows.text(4);
        run.catena_version = rows.text(5);
        run.input_fingerprint = rows.text(6);
        run.summary = rows.text(7);
        runs.push_back(std::move(run));
    }
    return runs;
}

// "runs 1 (rank), 2 (seeds)", the last few when there are many; "no runs" when there are none.
std::string run_list(const std::vector<StoredRun>& runs) {
    if (runs.empty()) return "the workspace holds no runs";
    constexpr std::size_t kNamed = 8;
    std::string out = runs.size() > kNamed ? "its last runs are " : "its runs are ";
    const std::size_t from = runs.size() > kNamed ? runs.size() - kNamed : 0;
    for (std::size_t index = from; index < runs.size(); ++index)
        out += (index > from ? ", " : "") + std::to_string(runs[index].id) + " (" +
               runs[index].command + ")";
    return out;
}

}  // namespace

std::vector<StoredRun> list_runs(const std::filesystem::path& db_path) {
    sqlite::Database db = open_workspace(db_path);
    return read_runs(db, 0);
}

StoredRun find_run(const std::filesystem::path& db_path, std::int64_t run_id) {
    sqlite::Database db = open_workspace(db_path);
    std::vector<StoredRun> found = run_id > 0 ? read_runs(db, run_id) : std::vector<StoredRun>{};
    if (found.empty())
        throw InputError(db_path.string(), "",
                         "no run " + std::to_string(run_id) + ": " + run_list(read_runs(db, 0)) +
                             " (catena runs --db " + db_path.string() + " lists them)");
    StoredRun run = std::move(found.front());
    for (const char* table : kResultTables) {
        if (!db.has_table(table)) continue;
        const std::string sql = std::string("SELECT count(*) FROM ") + table + " WHERE run_id = ?";
        sqlite::Statement count(db, sql.c_str());
        count.bind(1, run.id);
        if (count.step() && count.integer(0) > 0)
            run.result_rows.emplace_back(table, static_cast<std::uint64_t>(count.integer(0)));
    }
    return run;
}

std::vector<std::uint32_t> load_community_run(const std::filesystem::path& db_path,
                                              std::int64_t run_id, const InfluenceGraph& graph) {
    const StoredRun run = find_run(db_path, run_id);
    const bool has_members =
        std::any_of(run.result_rows.begin(), run.result_rows.end(),
                    [](const auto& table) { return table.first == "community_members"; });
    if (!has_members)
        throw InputError(db_path.string(), "",
                         "run " + std::to_string(run_id) + " is a " + run.command +
                             " run, not a communities run: it stored no communities (catena "
                             "runs --db " +
                             db_path.string() + " lists the runs)");
    sqlite::Database db = open_workspace(db_path);
    sqlite::Statement rows(db,
                           "SELECT customer, community FROM community_members WHERE run_id = ?");
    rows.bind(1, run_id);
    std::vector<std::uint32_t> labels(graph.num_nodes(), UINT32_MAX);
    std::uint32_t next = 0;
    while (rows.step()) {
        const std::int64_t label = rows.integer(1);
        if (label < 0 || label >= UINT32_MAX / 2)
            throw InputError(db_path.string() + ": table community_members", "community",
                             "out of range");
        if (const auto node = graph.find(rows.text(0))) {
            labels[*node] = static_cast<std::uint32_t>(label);
            next = std::max(next, static_cast<std::uint32_t>(label) + 1);
        }
    }
    for (auto& label : labels)
        if (label == UINT32_MAX) label = next++;
    return labels;
}

}  // namespace catena
