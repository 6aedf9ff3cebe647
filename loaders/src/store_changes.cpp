// What `catena changes` and `catena report --since-run` read back from a workspace: a run's
// per-customer results, and the input rows that arrived between two runs.
#include <string>
#include <vector>

#include "catena/graph/errors.hpp"
#include "catena/loaders/store.hpp"

#include "sqlite_db.hpp"

namespace catena {

namespace {

sqlite::Database open_read_only(const std::filesystem::path& db_path) {
    std::error_code error;
    if (!std::filesystem::exists(db_path, error))
        throw InputError(db_path.string(), "",
                         "no such database file (create one with catena import)");
    return sqlite::Database(db_path.string(), true);
}

}  // namespace

RunResults read_run_results(const std::filesystem::path& db_path, std::int64_t run_id) {
    RunResults results;
    results.run = find_run(db_path, run_id);
    sqlite::Database db = open_read_only(db_path);
    db.exec("BEGIN");
    if (db.has_table("rank_scores")) {
        // The run's first measure (a report stores one; rank --by several stores each).
        sqlite::Statement measure(
            db, "SELECT measure FROM rank_scores WHERE run_id = ? ORDER BY measure LIMIT 1");
        measure.bind(1, run_id);
        if (measure.step()) results.rank_measure = measure.text(0);
        sqlite::Statement rows(db,
                               "SELECT customer, score, rank FROM rank_scores WHERE run_id = ? AND "
                               "measure = ? ORDER BY rank, customer");
        rows.bind(1, run_id).bind(2, std::string_view(results.rank_measure));
        while (rows.step()) {
            results.ranked.emplace_back(rows.text(0));
            results.scores.push_back(rows.real(1));
            results.ranks.push_back(static_cast<std::uint32_t>(rows.integer(2)));
        }
    }
    if (db.has_table("community_members")) {
        sqlite::Statement rows(
            db, "SELECT customer, community FROM community_members WHERE run_id = ?");
        rows.bind(1, run_id);
        while (rows.step()) {
            const std::int64_t label = rows.integer(1);
            if (label < 0 || label >= UINT32_MAX / 2)
                throw InputError(db_path.string() + ": table community_members", "community",
                                 "out of range");
            results.community_ids.emplace_back(rows.text(0));
            results.communities.push_back(static_cast<std::uint32_t>(label));
        }
    }
    if (db.has_table("seed_choices")) {
        sqlite::Statement rows(
            db, "SELECT customer FROM seed_choices WHERE run_id = ? ORDER BY position");
        rows.bind(1, run_id);
        while (rows.step()) results.seeds.emplace_back(rows.text(0));
    }
    if (db.has_table("customer_values")) {
        sqlite::Statement rows(db,
                               "SELECT customer, quadrant, influence_weighted_value FROM "
                               "customer_values WHERE run_id = ? ORDER BY rank, customer");
        rows.bind(1, run_id);
        while (rows.step()) {
            results.valued.emplace_back(rows.text(0));
            results.quadrants.emplace_back(rows.text(1));
            results.influence_weighted.push_back(rows.real(2));
        }
    }
    db.exec("COMMIT");
    return results;
}

std::vector<std::string> read_opted_out(const std::filesystem::path& db_path) {
    sqlite::Database db = open_read_only(db_path);
    std::vector<std::string> ids;
    sqlite::Statement rows(db, "SELECT id FROM customers WHERE opt_out = 1 ORDER BY id");
    while (rows.step()) ids.emplace_back(rows.text(0));
    return ids;
}

InputBetween read_input_between(const std::filesystem::path& db_path, const WorkspaceMarks& from,
                                const WorkspaceMarks& to) {
    sqlite::Database db = open_read_only(db_path);
    db.exec("BEGIN");
    InputBetween between;
    if (db.has_table("imports")) {
        sqlite::Statement rows(db,
                               "SELECT id, time, mode, added, updated, unchanged, skipped FROM "
                               "imports WHERE id > ? AND id <= ? ORDER BY id");
        rows.bind(1, from.import_id).bind(2, to.import_id);
        while (rows.step()) {
            ImportRecord record;
            record.id = rows.integer(0);
            record.time = rows.text(1);
            record.mode = rows.text(2);
            record.added = static_cast<std::uint64_t>(rows.integer(3));
            record.updated = static_cast<std::uint64_t>(rows.integer(4));
            record.unchanged = static_cast<std::uint64_t>(rows.integer(5));
            record.skipped = static_cast<std::uint64_t>(rows.integer(6));
            between.rows_comparable = between.rows_comparable && record.mode == "append";
            between.imports.push_back(std::move(record));
        }
    }
    const auto count = [&](const char* sql, std::int64_t above, std::int64_t upto) {
        sqlite::Statement query(db, sql);
        query.bind(1, above).bind(2, upto);
        return query.step() ? static_cast<std::uint64_t>(query.integer(0)) : 0;
    };
    if (between.rows_comparable) {
        between.customers = count("SELECT count(*) FROM customers WHERE ord > ? AND ord <= ?",
                                  from.customers, to.customers);
        between.relationships =
            count("SELECT count(*) FROM relationships WHERE row > ? AND row <= ?",
                  from.relationships, to.relationships);
        between.referrals = count("SELECT count(*) FROM referrals WHERE row > ? AND row <= ?",
                                  from.referrals, to.referrals);
        between.transactions = count("SELECT count(*) FROM transactions WHERE row > ? AND row <= ?",
                                     from.transactions, to.transactions);
        sqlite::Statement referrals(db,
                                    "SELECT referrer, referred, converted FROM referrals WHERE "
                                    "row > ? AND row <= ? ORDER BY row");
        referrals.bind(1, from.referrals).bind(2, to.referrals);
        while (referrals.step())
            between.new_referrals.push_back({std::string(referrals.text(0)),
                                             std::string(referrals.text(1)),
                                             !referrals.is_null(2) && referrals.integer(2) != 0});
        sqlite::Statement purchases(
            db,
            "SELECT customer, amount FROM transactions WHERE row > ? AND row <= ? ORDER BY row");
        purchases.bind(1, from.transactions).bind(2, to.transactions);
        while (purchases.step())
            between.new_transactions.push_back({std::string(purchases.text(0)), purchases.real(1)});
    }
    db.exec("COMMIT");
    return between;
}

}  // namespace catena
