#include "catena/loaders/store.hpp"

#include <catch2/catch.hpp>
#include <sqlite3.h>

#include "catena/graph/errors.hpp"
#include "catena/loaders/load.hpp"

#include "test_util.hpp"

using namespace catena;

namespace {

InputSource folder(const std::filesystem::path& dir) {
    InputSource source;
    source.data_dir = dir;
    return source;
}

InputSource database(const std::filesystem::path& file) {
    InputSource source;
    source.db_file = file;
    return source;
}

std::string input_error(const std::function<void()>& action) {
    try {
        action();
    } catch (const InputError& error) {
        return error.what();
    }
    return "no error";
}

// Copies the mini CRM folder so a test can break one file.
void copy_mini(const std::filesystem::path& to) {
    std::filesystem::copy(test::data_dir() / "mini", to, std::filesystem::copy_options::recursive);
}

}  // namespace

TEST_CASE("Mini CRM: tables, attributes, referrals, transactions and on_behalf",
          "[loaders][store]") {
    const Dataset data = load_dataset(folder(test::data_dir() / "mini"), {});
    const InfluenceGraph& g = data.graph;
    CHECK(g.num_nodes() == 6);
    CHECK(g.attribute_names() == std::vector<std::string>{"channel", "city"});
    const NodeId p3 = *g.find("P3");
    CHECK(g.name(p3) == "O'Brien, Pat");
    CHECK_FALSE(g.has_value(p3));
    CHECK(g.cost(p3) == 8.5);
    CHECK(g.opt_out(*g.find("P4")));
    CHECK(g.kind(*g.find("B2")) == NodeKind::business);
    CHECK(g.attribute(1, *g.find("B2")) == "Porto");
    // 9 rows: P4-P4 dropped; P2-P1 family merges into P1-P2 (both directions).
    // on_behalf pairs from transactions: P1-P2 (bought for twice: one pair) and P3-P4. The first
    // merges into P1<->P2 (two edges), the second into P3<->P4 (only P3->P4 existed, a referral).
    CHECK(g.report().relationship_rows == 9);
    CHECK(g.report().self_loops_dropped == 1);
    CHECK(g.report().on_behalf_from_transactions == 2);
    CHECK(g.report().merged_rows == 1 + 2);
    CHECK(g.report().merged_edges == 2 + 2 + 1);
    // P1<->P2: family 1.0 x 2 + family 1.0 (merged) + on_behalf 1.0 = 4 each way.
    const NodeId p1 = *g.find("P1"), p2 = *g.find("P2");
    for (EdgeId e = g.out_offsets()[p1]; e < g.out_offsets()[p1 + 1]; ++e)
        if (g.edge_target(e) == p2) CHECK(g.strength(e) == Approx(4.0));
    // See the file; P3->P4 gains P4->P3; the referral P1 -> B2, which no relationship row gives,
    // is an edge of its own.
    CHECK(g.num_edges() == 2 + 2 + 1 + 1 + 2 + 2 + 2 + 1 + 1);
    CHECK(data.referrals.size() == 3);
    CHECK(data.referrals[1].converted == false);
    CHECK(data.transactions.rows.size() == 6);
    CHECK(data.transactions.rows[1].on_behalf_of == *g.find("P2"));
    CHECK(data.transactions.channels[data.transactions.rows[3].channel] == "phone");
}

TEST_CASE("The same data loaded from CSV and from the imported database is identical",
          "[loaders][store]") {
    test::ScratchDir scratch;
    SECTION("mini CRM folder") {
        const auto db = scratch / "mini.db";
        const ImportSummary summary = import_to_store(folder(test::data_dir() / "mini"), db, {});
        CHECK(summary.created);
        CHECK(summary.customers == 6);
        CHECK(summary.relationships == 9);
        CHECK(summary.referrals == 3);
        CHECK(summary.transactions == 6);
        const Dataset from_csv = load_dataset(folder(test::data_dir() / "mini"), {});
        const Dataset from_db = load_dataset(database(db), {});
        CHECK(from_csv.graph == from_db.graph);
        CHECK(from_csv.referrals == from_db.referrals);
        CHECK(from_csv.transactions == from_db.transactions);
    }
    SECTION("edge lists, with and without a customers table, directed and not") {
        for (const char* name : {"lesmis", "polblogs", "netscience"}) {
            INFO(name);
            InputSource edges;
            edges.edges_file = test::dataset(std::string(name) + ".edges.csv");
            if (std::string(name) != "netscience")
                edges.nodes_file = test::dataset(std::string(name) + ".nodes.csv");
            LoadOptions options;
            options.directed = std::string(name) == "polblogs";
            const auto db = scratch / (std::string(name) + ".db");
            import_to_store(edges, db, options);
            const InfluenceGraph from_csv = load_dataset(edges, options).graph;
            // The database remembers --directed.
            const InfluenceGraph from_db = load_dataset(database(db), {}).graph;
            CHECK(from_csv.num_edges() == from_db.num_edges());
            CHECK(from_csv == from_db);
        }
    }
    SECTION("declared types are stored with the data") {
        const auto dir = scratch / "typed";
        std::filesystem::create_directory(dir);
        test::write_file(dir / "customers.csv", "id\na\nb\n");
        test::write_file(dir / "relationships.csv", "source,target,type\na,b,mentor\n");
        LoadOptions options;
        options.types.declare("mentor:directed:1.5");
        const auto db = scratch / "typed.db";
        import_to_store(folder(dir), db, options);
        const InfluenceGraph from_db = load_dataset(database(db), {}).graph;
        CHECK(from_db == load_dataset(folder(dir), options).graph);
        CHECK(from_db.strength(0) == 1.5);
    }
}

TEST_CASE("Re-importing with replace replaces the input tables", "[loaders][store]") {
    test::ScratchDir scratch;
    const auto db = scratch / "w.db";
    import_to_store(folder(test::data_dir() / "mini"), db, {});
    const auto dir = scratch / "small";
    std::filesystem::create_directory(dir);
    test::write_file(dir / "customers.csv", "id\nx\ny\n");
    test::write_file(dir / "relationships.csv", "source,target\nx,y\n");
    ImportOptions replace;
    replace.mode = ImportMode::replace;
    const ImportSummary again = import_to_store(folder(dir), db, {}, replace);
    CHECK_FALSE(again.created);
    CHECK(again.dropped_customers == 6);
    const Dataset loaded = load_dataset(database(db), {});
    CHECK(loaded.graph.num_nodes() == 2);
    CHECK(loaded.referrals.empty());
    CHECK(loaded.transactions.rows.empty());
}

TEST_CASE("A failed import leaves an existing database unchanged, and creates no new one",
          "[loaders][store]") {
    test::ScratchDir scratch;
    const auto db = scratch / "w.db";
    import_to_store(folder(test::data_dir() / "mini"), db, {});
    const std::string before = test::read_file(db);

    const auto broken = scratch / "broken";
    copy_mini(broken);
    // The last transaction names an unknown customer: everything before it was inserted.
    test::write_file(broken / "transactions.csv",
                     test::read_file(broken / "transactions.csv") + "P9,2025-07-01,5,online,\n");
    CHECK(input_error([&] { import_to_store(folder(broken), db, {}); }) ==
          (broken / "transactions.csv").string() +
              ":8: customer: unknown customer 'P9' (not in the customers table)");
    CHECK(test::read_file(db) == before);
    CHECK(load_dataset(database(db), {}).graph.num_nodes() == 6);

    const auto fresh = scratch / "fresh.db";
    CHECK_THROWS_AS(import_to_store(folder(broken), fresh, {}), InputError);
    CHECK_FALSE(std::filesystem::exists(fresh));
}

TEST_CASE("Databases that cannot be used give one clear error", "[loaders][store]") {
    test::ScratchDir scratch;
    SECTION("missing") {
        CHECK(input_error([&] { load_dataset(database(scratch / "none.db"), {}); }) ==
              (scratch / "none.db").string() +
                  ": no such database file (create one with catena import)");
    }
    SECTION("not SQLite") {
        const auto fake = scratch / "fake.db";
        test::write_file(fake, std::string(4096, 'x'));
        const std::string message = input_error([&] { load_dataset(database(fake), {}); });
        CHECK(message.rfind(fake.string() + ": not a SQLite database", 0) == 0);
        const std::string import_message =
            input_error([&] { import_to_store(folder(test::data_dir() / "mini"), fake, {}); });
        CHECK(import_message.rfind(fake.string() + ": not a SQLite database", 0) == 0);
        CHECK(test::read_file(fake) == std::string(4096, 'x'));
    }
    SECTION("SQLite but not a catena workspace") {
        const auto other = scratch / "other.db";
        sqlite3* handle = nullptr;
        sqlite3_open(other.c_str(), &handle);
        sqlite3_exec(handle, "CREATE TABLE t (x)", nullptr, nullptr, nullptr);
        sqlite3_close(handle);
        CHECK(input_error([&] {
                  load_dataset(database(other), {});
              }).find("not a catena workspace") != std::string::npos);
        CHECK(input_error([&] {
                  import_to_store(folder(test::data_dir() / "mini"), other, {});
              }).find("not a catena workspace") != std::string::npos);
    }
    SECTION("locked by another writer") {
        const auto db = scratch / "w.db";
        import_to_store(folder(test::data_dir() / "mini"), db, {});
        const std::string before = test::read_file(db);
        sqlite3* holder = nullptr;
        REQUIRE(sqlite3_open(db.c_str(), &holder) == SQLITE_OK);
        REQUIRE(sqlite3_exec(holder, "BEGIN EXCLUSIVE", nullptr, nullptr, nullptr) == SQLITE_OK);
        const std::string locked = "the database is locked by another process";
        CHECK(input_error([&] {
                  import_to_store(folder(test::data_dir() / "mini"), db, {});
              }).find(locked) != std::string::npos);
        CHECK(input_error([&] { load_dataset(database(db), {}); }).find(locked) !=
              std::string::npos);
        sqlite3_exec(holder, "ROLLBACK", nullptr, nullptr, nullptr);
        sqlite3_close(holder);
        CHECK(test::read_file(db) == before);
        CHECK(load_dataset(database(db), {}).graph.num_nodes() == 6);
    }
    SECTION("a row edited by hand into something invalid") {
        const auto db = scratch / "w.db";
        import_to_store(folder(test::data_dir() / "mini"), db, {});
        sqlite3* handle = nullptr;
        sqlite3_open(db.c_str(), &handle);
        sqlite3_exec(handle, "UPDATE relationships SET type = 'cousin' WHERE row = 2", nullptr,
                     nullptr, nullptr);
        sqlite3_close(handle);
        CHECK(
            input_error([&] { load_dataset(database(db), {}); })
                .rfind(db.string() +
                           ": table relationships, row 2: type: unknown relationship type 'cousin'",
                       0) == 0);
    }
}
