// RunWriter: one analysis run and its results written into the workspace in one transaction, and
// the one-table runs (store_rank_run, ...) as thin wrappers over it. The only way a run is stored.
#include <algorithm>
#include <cstdio>
#include <vector>

#include "catena/graph/errors.hpp"

#include "store_internal.hpp"

namespace catena {

struct RunWriter::State {
    explicit State(const std::string& path) : db(path, false) {}
    sqlite::Database db;
    std::int64_t run_id = 0;
    bool committed = false;
};

RunWriter::RunWriter(const std::filesystem::path& db_path, const RunRecord& run) {
    std::error_code error;
    if (!std::filesystem::exists(db_path, error))
        throw InputError(db_path.string(), "",
                         "no such database file (create one with catena import)");
    state_ = std::make_unique<State>(db_path.string());
    sqlite::Database& db = state_->db;
    if (!db.has_table("catena_meta"))
        throw InputError(db_path.string(), "", "not a catena workspace (no catena_meta table)");
    char fingerprint[17];
    std::snprintf(fingerprint, sizeof fingerprint, "%016llx",
                  static_cast<unsigned long long>(run.input_fingerprint));
    db.exec("BEGIN IMMEDIATE");
    try {
        store::ensure_result_schema(db);
        sqlite::Statement insert_run(
            db,
            "INSERT INTO runs (started_at, finished_at, command, parameters, "
            "catena_version, input_fingerprint, summary) VALUES (?, ?, ?, ?, ?, ?, ?)");
        insert_run.bind(1, run.started_at)
            .bind(2, run.finished_at.empty() ? run.started_at : run.finished_at);
        insert_run.bind(3, run.command)
            .bind(4, run.parameters)
            .bind(5, std::string_view(CATENA_VERSION));
        insert_run.bind(6, std::string_view(fingerprint)).bind(7, run.summary);
        insert_run.run();
        state_->run_id = sqlite3_last_insert_rowid(db.handle());
    } catch (...) {
        sqlite3_exec(db.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
        throw;
    }
}

RunWriter::~RunWriter() {
    if (state_ && !state_->committed)
        sqlite3_exec(state_->db.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
}

std::int64_t RunWriter::run_id() const { return state_->run_id; }

template <typename Write>
void RunWriter::guarded(Write&& write) {
    if (state_->committed) throw InternalError("RunWriter: the run is committed already");
    try {
        write(state_->db);
    } catch (...) {
        sqlite3_exec(state_->db.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
        state_->committed = true;  // nothing left to roll back
        throw;
    }
}

void RunWriter::rank_scores(std::string_view measure, const InfluenceGraph& graph,
                            std::span<const double> scores) {
    if (scores.size() != graph.num_nodes())
        throw InternalError("rank_scores: one score per customer expected");
    // Ranks: by score, highest first; ties in NodeId order.
    std::vector<NodeId> order(graph.num_nodes());
    for (NodeId node = 0; node < graph.num_nodes(); ++node) order[node] = node;
    std::stable_sort(order.begin(), order.end(),
                     [&](NodeId a, NodeId b) { return scores[a] > scores[b]; });
    guarded([&](sqlite::Database& db) {
        sqlite::Statement insert(db,
                                 "INSERT INTO rank_scores (run_id, customer, measure, score, rank) "
                                 "VALUES (?, ?, ?, ?, ?)");
        for (std::size_t position = 0; position < order.size(); ++position) {
            const NodeId node = order[position];
            insert.bind(1, state_->run_id).bind(2, graph.external_id(node)).bind(3, measure);
            insert.bind(4, scores[node]).bind(5, static_cast<std::int64_t>(position + 1));
            insert.run();
        }
    });
}

void RunWriter::communities(const InfluenceGraph& graph, std::span<const std::uint32_t> community) {
    if (community.size() != graph.num_nodes())
        throw InternalError("communities: one label per customer expected");
    guarded([&](sqlite::Database& db) {
        sqlite::Statement insert(
            db, "INSERT INTO community_members (run_id, customer, community) VALUES (?, ?, ?)");
        for (NodeId node = 0; node < graph.num_nodes(); ++node) {
            insert.bind(1, state_->run_id).bind(2, graph.external_id(node));
            insert.bind(3, static_cast<std::int64_t>(community[node]));
            insert.run();
        }
    });
}

void RunWriter::seeds(const InfluenceGraph& graph, std::span<const NodeId> seeds,
                      std::span<const double> marginal_estimate) {
    if (seeds.size() != marginal_estimate.size())
        throw InternalError("seeds: one estimate per seed expected");
    guarded([&](sqlite::Database& db) {
        sqlite::Statement insert(
            db,
            "INSERT INTO seed_choices (run_id, position, customer, marginal_estimate) "
            "VALUES (?, ?, ?, ?)");
        for (std::size_t position = 0; position < seeds.size(); ++position) {
            insert.bind(1, state_->run_id).bind(2, static_cast<std::int64_t>(position + 1));
            insert.bind(3, graph.external_id(seeds[position])).bind(4, marginal_estimate[position]);
            insert.run();
        }
    });
}

void RunWriter::activation(const InfluenceGraph& graph,
                           std::span<const double> activation_probability) {
    if (activation_probability.size() != graph.num_nodes())
        throw InternalError("activation: one probability per customer expected");
    guarded([&](sqlite::Database& db) {
        sqlite::Statement insert(
            db,
            "INSERT INTO simulation_activation (run_id, customer, probability) VALUES (?, ?, ?)");
        for (NodeId node = 0; node < graph.num_nodes(); ++node) {
            insert.bind(1, state_->run_id)
                .bind(2, graph.external_id(node))
                .bind(3, activation_probability[node]);
            insert.run();
        }
    });
}

void RunWriter::compare_points(const InfluenceGraph& graph, std::span<const ComparePoint> points) {
    guarded([&](sqlite::Database& db) {
        sqlite::Statement insert(
            db,
            "INSERT INTO compare_points (run_id, strategy, k, added_customer, expected_spread, "
            "standard_error, expected_value) VALUES (?, ?, ?, ?, ?, ?, ?)");
        for (const ComparePoint& point : points) {
            insert.bind(1, state_->run_id)
                .bind(2, point.strategy)
                .bind(3, static_cast<std::int64_t>(point.k));
            insert.bind(4, graph.external_id(point.added)).bind(5, point.expected_spread);
            insert.bind(6, point.standard_error).bind(7, point.expected_value);
            insert.run();
        }
    });
}

void RunWriter::customer_values(const InfluenceGraph& graph,
                                std::span<const CustomerValueRow> rows) {
    if (rows.size() != graph.num_nodes())
        throw InternalError("customer_values: one row per customer expected");
    guarded([&](sqlite::Database& db) {
        sqlite::Statement insert(
            db,
            "INSERT INTO customer_values (run_id, customer, own_value, network_value, "
            "referral_value, influence_weighted_value, rank, quadrant) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
        for (NodeId node = 0; node < graph.num_nodes(); ++node) {
            const CustomerValueRow& row = rows[node];
            insert.bind(1, state_->run_id)
                .bind(2, graph.external_id(node))
                .bind(3, row.own)
                .bind(4, row.network);
            insert.bind(5, row.referral)
                .bind(6, row.influence_weighted)
                .bind(7, static_cast<std::int64_t>(row.rank));
            insert.bind(8, row.quadrant);
            insert.run();
        }
    });
}

std::int64_t RunWriter::commit(const std::string& finished_at) {
    guarded([&](sqlite::Database& db) {
        sqlite::Statement finish(db, "UPDATE runs SET finished_at = ? WHERE id = ?");
        finish.bind(1, finished_at).bind(2, state_->run_id);
        finish.run();
        db.exec("COMMIT");
    });
    state_->committed = true;
    return state_->run_id;
}

std::int64_t store_rank_run(const std::filesystem::path& db_path, const RunRecord& run,
                            std::string_view measure, const InfluenceGraph& graph,
                            std::span<const double> scores) {
    RunWriter writer(db_path, run);
    writer.rank_scores(measure, graph, scores);
    return writer.commit(run.finished_at);
}

std::int64_t store_community_run(const std::filesystem::path& db_path, const RunRecord& run,
                                 const InfluenceGraph& graph,
                                 std::span<const std::uint32_t> community) {
    RunWriter writer(db_path, run);
    writer.communities(graph, community);
    return writer.commit(run.finished_at);
}

std::int64_t store_seed_run(const std::filesystem::path& db_path, const RunRecord& run,
                            const InfluenceGraph& graph, std::span<const NodeId> seeds,
                            std::span<const double> marginal_estimate) {
    RunWriter writer(db_path, run);
    writer.seeds(graph, seeds, marginal_estimate);
    return writer.commit(run.finished_at);
}

std::int64_t store_simulation_run(const std::filesystem::path& db_path, const RunRecord& run,
                                  const InfluenceGraph& graph,
                                  std::span<const double> activation_probability) {
    RunWriter writer(db_path, run);
    writer.activation(graph, activation_probability);
    return writer.commit(run.finished_at);
}

}  // namespace catena
