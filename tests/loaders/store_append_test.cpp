// Imports into an existing workspace: append (add and update by key, idempotent), the refusal of
// a plain import that would drop customers, dry runs, the imports table and version-1 workspaces.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <sqlite3.h>

#include "catena/graph/errors.hpp"
#include "catena/loaders/load.hpp"
#include "catena/loaders/store.hpp"

#include "test_util.hpp"

using namespace catena;
namespace fs = std::filesystem;

namespace {

InputSource folder(const fs::path& dir) {
    InputSource source;
    source.data_dir = dir;
    return source;
}

InputSource database(const fs::path& file) {
    InputSource source;
    source.db_file = file;
    return source;
}

ImportOptions mode(ImportMode import_mode, bool dry_run = false) {
    ImportOptions options;
    options.mode = import_mode;
    options.dry_run = dry_run;
    return options;
}

template <typename Error>
std::string error_of(const std::function<void()>& action) {
    try {
        action();
    } catch (const Error& error) {
        return error.what();
    }
    return "no error";
}

// Runs SQL on the workspace (read-write, as a user's sqlite3 shell would).
void exec(const fs::path& db, const std::string& sql) {
    sqlite3* handle = nullptr;
    REQUIRE(sqlite3_open(db.c_str(), &handle) == SQLITE_OK);
    char* message = nullptr;
    const int code = sqlite3_exec(handle, sql.c_str(), nullptr, nullptr, &message);
    const std::string what = message ? message : "";
    sqlite3_free(message);
    sqlite3_close(handle);
    INFO(sql << ": " << what);
    REQUIRE(code == SQLITE_OK);
}

// The rows of a query, one line each, fields separated by '|' (NULL as "NULL", text quoted).
std::string rows(const fs::path& db, const std::string& sql) {
    sqlite3* handle = nullptr;
    REQUIRE(sqlite3_open_v2(db.c_str(), &handle, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
    sqlite3_stmt* statement = nullptr;
    const int prepared = sqlite3_prepare_v2(handle, sql.c_str(), -1, &statement, nullptr);
    INFO(sql << ": " << sqlite3_errmsg(handle));
    REQUIRE(prepared == SQLITE_OK);
    std::string out;
    while (sqlite3_step(statement) == SQLITE_ROW) {
        for (int column = 0; column < sqlite3_column_count(statement); ++column) {
            if (column > 0) out += '|';
            const auto* text =
                reinterpret_cast<const char*>(sqlite3_column_text(statement, column));
            switch (sqlite3_column_type(statement, column)) {
                case SQLITE_NULL:
                    out += "NULL";
                    break;
                case SQLITE_TEXT:
                    out += "'" + std::string(text) + "'";
                    break;
                default:
                    out += text;
            }
        }
        out += '\n';
    }
    sqlite3_finalize(statement);
    sqlite3_close(handle);
    return out;
}

// The first field of the first row, as text.
std::string one(const fs::path& db, const std::string& sql) {
    sqlite3* handle = nullptr;
    REQUIRE(sqlite3_open_v2(db.c_str(), &handle, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
    sqlite3_stmt* statement = nullptr;
    const int prepared = sqlite3_prepare_v2(handle, sql.c_str(), -1, &statement, nullptr);
    INFO(sql << ": " << sqlite3_errmsg(handle));
    REQUIRE(prepared == SQLITE_OK);
    std::string out;
    if (sqlite3_step(statement) == SQLITE_ROW && sqlite3_column_text(statement, 0))
        out = reinterpret_cast<const char*>(sqlite3_column_text(statement, 0));
    sqlite3_finalize(statement);
    sqlite3_close(handle);
    return out;
}

// The input tables, schema and every row (rowids and row numbers included): what `sqlite3 .dump`
// of these tables shows.
std::string dump_inputs(const fs::path& db) {
    std::string out;
    for (const char* table :
         {"relationship_types", "customers", "customer_attribute_names", "customer_attributes",
          "relationships", "referrals", "transactions"}) {
        out += rows(db, std::string("SELECT sql FROM sqlite_master WHERE tbl_name = '") + table +
                            "' ORDER BY name");
        const bool without_rowid = std::string(table) == "customer_attributes";
        out +=
            rows(db, std::string("SELECT ") + (without_rowid ? "" : "rowid, ") + "* FROM " + table);
    }
    return out;
}

fs::path make_folder(const fs::path& dir, const std::map<std::string, std::string>& files) {
    fs::create_directories(dir);
    for (const auto& [name, contents] : files) test::write_file(dir / name, contents);
    return dir;
}

const fs::path kMini = test::data_dir() / "mini";

}  // namespace

TEST_CASE("Append: importing the same files again leaves the input tables as they were",
          "[store]") {
    test::ScratchDir scratch;
    const auto db = scratch / "w.db";
    import_to_store(folder(kMini), db, {});
    const std::string imported = dump_inputs(db);
    for (int round = 0; round < 2; ++round) {
        const ImportSummary again =
            import_to_store(folder(kMini), db, {}, mode(ImportMode::append));
        CHECK_FALSE(again.created);
        CHECK(again.customer_rows.unchanged == 6);
        CHECK(again.relationship_rows.unchanged == 9);  // the self-loop row too: it is stored
        CHECK(again.referral_rows.unchanged == 3);
        CHECK(again.transaction_rows.unchanged == 6);
        for (const TableCounts* counts : {&again.customer_rows, &again.relationship_rows,
                                          &again.referral_rows, &again.transaction_rows}) {
            CHECK(counts->added == 0);
            CHECK(counts->updated == 0);
        }
        CHECK(again.customers == 6);
        CHECK(again.relationships == 9);
        CHECK(dump_inputs(db) == imported);
    }
    // A plain import of data that keeps every customer is allowed, and gives the same tables.
    import_to_store(folder(kMini), db, {});
    CHECK(dump_inputs(db) == imported);
    // An append into a new file is a first import.
    const auto fresh = scratch / "fresh.db";
    const ImportSummary first = import_to_store(folder(kMini), fresh, {}, mode(ImportMode::append));
    CHECK(first.created);
    CHECK(first.customer_rows.added == 6);
    CHECK(first.relationship_rows.added == 9);
    CHECK(dump_inputs(fresh) == imported);
}

TEST_CASE("Append: rows of one key pair up in order with the stored rows of that key", "[store]") {
    test::ScratchDir scratch;
    const auto twice = make_folder(
        scratch / "twice",
        {{"customers.csv", "id\na\nb\n"},
         {"relationships.csv", "source,target,type\na,b,friend\na,b,friend\n"},
         {"transactions.csv", "customer,date,amount\na,2025-01-01,3\na,2025-01-01,3\n"}});
    const auto db = scratch / "w.db";
    import_to_store(folder(twice), db, {});
    const std::string imported = dump_inputs(db);
    const ImportSummary again = import_to_store(folder(twice), db, {}, mode(ImportMode::append));
    CHECK(again.relationship_rows.unchanged == 2);
    CHECK(again.transaction_rows.unchanged == 2);
    CHECK(dump_inputs(db) == imported);
    // Three coffees on one day where two were stored: one more.
    const auto thrice = make_folder(scratch / "thrice",
                                    {{"customers.csv", "id\n"},
                                     {"transactions.csv",
                                      "customer,date,amount\na,2025-01-01,3\na,2025-01-01,3\n"
                                      "a,2025-01-01,3\n"},
                                     {"relationships.csv", "source,target,type\na,b,friend\n"}});
    const ImportSummary more = import_to_store(folder(thrice), db, {}, mode(ImportMode::append));
    CHECK(more.transaction_rows.unchanged == 2);
    CHECK(more.transaction_rows.added == 1);
    CHECK(more.relationship_rows.unchanged == 1);
    CHECK(one(db, "SELECT group_concat(row) FROM transactions") == "1,2,3");
}

TEST_CASE("Append: a transaction's order id is part of its key", "[store]") {
    test::ScratchDir scratch;
    const auto orders = make_folder(scratch / "orders", {{"customers.csv", "id\na\n"},
                                                         {"relationships.csv", "source,target\n"},
                                                         {"transactions.csv",
                                                          "customer,date,amount,order_id\n"
                                                          "a,2025-01-01,3,A-1\na,2025-01-01,3,A-2\n"
                                                          "a,2025-01-01,3,\n"}});
    const auto db = scratch / "w.db";
    import_to_store(folder(orders), db, {});
    CHECK(rows(db, "SELECT row, order_id FROM transactions") == "1|'A-1'\n2|'A-2'\n3|NULL\n");
    const auto more =
        make_folder(scratch / "more", {{"transactions.csv",
                                        "customer,date,amount,order_id,channel\n"
                                        "a,2025-01-01,3,A-3,\na,2025-01-01,3,A-2,shop\n"
                                        "a,2025-01-01,3,,\na,2025-01-01,3,,\n"}});
    const ImportSummary summary = import_to_store(folder(more), db, {}, mode(ImportMode::append));
    CHECK(summary.transaction_rows.added == 2);    // A-3, and a second purchase without an order id
    CHECK(summary.transaction_rows.updated == 1);  // a channel
    CHECK(summary.transaction_rows.unchanged == 1);
    CHECK(rows(db, "SELECT row, order_id, channel FROM transactions") ==
          "1|'A-1'|''\n2|'A-2'|'shop'\n3|NULL|''\n4|'A-3'|''\n5|NULL|''\n");
}

TEST_CASE(
    "Append: new rows are added and changed ones updated, as a full import of the combined data",
    "[store]") {
    test::ScratchDir scratch;
    const auto db = scratch / "w.db";
    import_to_store(folder(kMini), db, {});
    const auto delta = make_folder(
        scratch / "delta", {{"customers.csv",
                             "id,kind,name,segment,value,cost,opt_out,channel,city,tier\n"
                             "P1,person,Ana Lima,consumer-vip,420.50,12,false,email,Lyon,gold\n"
                             "B2,business,Café Aurora,horeca,5400.25,150,false,email,Porto,\n"
                             "N1,person,New One,consumer-regular,10,,true,app,Lyon,silver\n"},
                            {"relationships.csv",
                             "source,target,type,weight,date\n"
                             "P1,P2,family,3,2019-05-01\n"
                             "P2,P3,friend,,\n"
                             "N1,P1,friend,,2025-08-01\n"
                             "N1,B1,coworker,0.5,\n"},
                            {"referrals.csv",
                             "referrer,referred,date,converted,reward\n"
                             "P3,P4,2025-06-01,true,5\n"
                             "P1,N1,2025-08-01,true,20\n"
                             "P1,P3,2025-02-10,true,10.00\n"},
                            {"transactions.csv",
                             "customer,date,amount,channel,on_behalf_of\n"
                             "P1,2025-01-03,42.50,online,\n"
                             "B1,2025-04-01,1200.00,email,\n"
                             "N1,2025-08-02,15,online,P1\n"}});
    const ImportSummary summary = import_to_store(folder(delta), db, {}, mode(ImportMode::append));
    CHECK(summary.customer_rows.added == 1);
    CHECK(summary.customer_rows.updated == 1);    // P1: segment and tier
    CHECK(summary.customer_rows.unchanged == 1);  // B2 (an empty tier is no tier)
    CHECK(summary.relationship_rows.added == 2);
    CHECK(summary.relationship_rows.updated == 1);
    CHECK(summary.relationship_rows.unchanged == 1);
    CHECK(summary.referral_rows.added == 1);
    CHECK(summary.referral_rows.updated == 1);
    CHECK(summary.referral_rows.unchanged == 1);
    CHECK(summary.transaction_rows.added == 1);
    CHECK(summary.transaction_rows.updated == 1);
    CHECK(summary.transaction_rows.unchanged == 1);
    CHECK(summary.customers == 3);
    CHECK(summary.relationships == 4);
    CHECK(one(db,
              "SELECT group_concat(name, ',') FROM (SELECT name FROM customer_attribute_names "
              "ORDER BY position)") == "channel,city,tier");
    CHECK(one(db, "SELECT max(row) FROM relationships") == "11");
    CHECK(one(db, "SELECT ord FROM customers WHERE id = 'N1'") == "6");

    // The same data as one set of files: the old ones with the changed rows edited in place and the
    // new rows at the end.
    const auto combined =
        make_folder(scratch / "combined",
                    {{"customers.csv",
                      "id,kind,name,segment,value,cost,opt_out,channel,city,tier\n"
                      "P1,person,Ana Lima,consumer-vip,420.50,12,false,email,Lyon,gold\n"
                      "P2,person,\"Zoë Müller\",consumer-regular,80,,no,app,,\n"
                      "P3,person,\"O'Brien, Pat\",consumer-regular,,8.5,0,sms,Porto,\n"
                      "P4,person,Li Wei,consumer-occasional,35,5,true,,Porto,\n"
                      "B1,business,\"Smith, Jones & Co\",smb,12000,300,false,phone,Lyon,\n"
                      "B2,business,Café Aurora,horeca,5400.25,150,false,email,Porto,\n"
                      "N1,person,New One,consumer-regular,10,,true,app,Lyon,silver\n"},
                     {"relationships.csv",
                      "source,target,type,weight,date\n"
                      "P1,P2,family,3,2019-05-01\n"
                      "P2,P3,friend,,\n"
                      "P1,P3,referral,,2025-02-10\n"
                      "P3,P4,referral,0.5,2025-06-01\n"
                      "P4,P1,,,\n"
                      "B1,B2,supplier,1.5,2021-01-15\n"
                      "P1,B1,professional,,\n"
                      "P2,P1,family,,2020-01-01\n"
                      "P4,P4,friend,,\n"
                      "N1,P1,friend,,2025-08-01\n"
                      "N1,B1,coworker,0.5,\n"},
                     {"referrals.csv",
                      "referrer,referred,date,converted,reward\n"
                      "P1,P3,2025-02-10,true,10.00\n"
                      "P3,P4,2025-06-01,true,5\n"
                      "P1,B2,2025-03-01,true,100\n"
                      "P1,N1,2025-08-01,true,20\n"},
                     {"transactions.csv",
                      "customer,date,amount,channel,on_behalf_of\n"
                      "P1,2025-01-03,42.50,online,\n"
                      "P1,2025-02-03,18.00,in-store,P2\n"
                      "P2,2025-03-11,9.90,app,\n"
                      "B1,2025-04-01,1200.00,email,\n"
                      "P3,2025-05-20,25.00,online,P4\n"
                      "P1,2025-06-03,30.00,online,P2\n"
                      "N1,2025-08-02,15,online,P1\n"}});
    const Dataset expected = load_dataset(folder(combined), {});
    const Dataset stored = load_dataset(database(db), {});
    CHECK(stored.graph.fingerprint() == expected.graph.fingerprint());
    CHECK(stored.graph == expected.graph);
    CHECK(stored.referrals == expected.referrals);
    CHECK(stored.transactions == expected.transactions);
    CHECK(stored.graph.opt_out(*stored.graph.find("N1")));

    // A full import of the combined files stores what the append left (but for the row numbers
    // of the emptied tables, which are the same here).
    const auto full = scratch / "full.db";
    import_to_store(folder(combined), full, {});
    CHECK(dump_inputs(full) == dump_inputs(db));
}

TEST_CASE(
    "Append: rows may name the workspace's customers, and anything a full load rejects is an error "
    "and changes nothing",
    "[store]") {
    test::ScratchDir scratch;
    const auto db = scratch / "w.db";
    import_to_store(folder(kMini), db, {});
    const std::string before = test::read_file(db);

    SECTION("customers only in the workspace") {
        const auto delta = make_folder(scratch / "delta",
                                       {{"customers.csv", "id\n"},
                                        {"relationships.csv", "source,target,type\nP4,B2,friend\n"},
                                        {"referrals.csv", "referrer,referred\nP2,B1\n"},
                                        {"transactions.csv",
                                         "customer,date,amount,on_behalf_of\n"
                                         "B2,2025-09-01,7,B1\n"}});
        const ImportSummary summary =
            import_to_store(folder(delta), db, {}, mode(ImportMode::append));
        CHECK(summary.relationship_rows.added == 1);
        CHECK(summary.referral_rows.added == 1);
        CHECK(summary.transaction_rows.added == 1);
        const Dataset loaded = load_dataset(database(db), {});
        CHECK(loaded.graph.num_nodes() == 6);
        CHECK(loaded.referrals.size() == 4);
        CHECK(loaded.transactions.rows.size() == 7);
    }
    SECTION("an unknown customer") {
        const auto delta = make_folder(scratch / "delta",
                                       {{"customers.csv", "id\nN1\n"},
                                        {"relationships.csv", "source,target\nN1,P1\nP1,ZZ\n"}});
        CHECK(error_of<InputError>([&] {
                  import_to_store(folder(delta), db, {}, mode(ImportMode::append));
              }) == (delta / "relationships.csv").string() +
                        ":3: target: unknown customer 'ZZ' (not in the customers table)");
        CHECK(test::read_file(db) == before);
    }
    SECTION("an unknown type, a negative weight, a bad transaction") {
        const auto type = make_folder(
            scratch / "type", {{"customers.csv", "id\n"},
                               {"relationships.csv", "source,target,type\nP1,P2,cousin\n"}});
        CHECK(error_of<InputError>([&] {
                  import_to_store(folder(type), db, {}, mode(ImportMode::append));
              }).find("unknown relationship type 'cousin'") != std::string::npos);
        const auto weight = make_folder(
            scratch / "weight",
            {{"customers.csv", "id\n"}, {"relationships.csv", "source,target,weight\nP1,P2,-1\n"}});
        CHECK(error_of<InputError>([&] {
                  import_to_store(folder(weight), db, {}, mode(ImportMode::append));
              }).find("weight: must not be negative") != std::string::npos);
        const auto self = make_folder(scratch / "self", {{"customers.csv", "id\n"},
                                                         {"relationships.csv", "source,target\n"},
                                                         {"transactions.csv",
                                                          "customer,date,amount,on_behalf_of\n"
                                                          "P1,2025-01-01,5,P1\n"}});
        CHECK(error_of<InputError>([&] {
                  import_to_store(folder(self), db, {}, mode(ImportMode::append));
              }).find("on_behalf_of: a purchase cannot be on behalf of the buyer") !=
              std::string::npos);
        CHECK(test::read_file(db) == before);
    }
    SECTION("a duplicate customer in the appended file, a bad value for a stored customer") {
        const auto duplicate =
            make_folder(scratch / "duplicate", {{"customers.csv", "id,name\nP1,Ana\nP1,Ana L.\n"},
                                                {"relationships.csv", "source,target\n"}});
        CHECK(error_of<InputError>([&] {
                  import_to_store(folder(duplicate), db, {}, mode(ImportMode::append));
              }) == (duplicate / "customers.csv").string() + ":3: id: duplicate customer id 'P1'");
        const auto fresh = make_folder(
            scratch / "fresh",
            {{"customers.csv", "id\nN1\nN1\n"}, {"relationships.csv", "source,target\n"}});
        CHECK(error_of<InputError>([&] {
                  import_to_store(folder(fresh), db, {}, mode(ImportMode::append));
              }) == (fresh / "customers.csv").string() + ":3: id: duplicate customer id 'N1'");
        const auto value = make_folder(
            scratch / "value",
            {{"customers.csv", "id,value\nP1,-3\n"}, {"relationships.csv", "source,target\n"}});
        CHECK(error_of<InputError>([&] {
                  import_to_store(folder(value), db, {}, mode(ImportMode::append));
              }).find("value: must not be negative") != std::string::npos);
        CHECK(test::read_file(db) == before);
    }
    SECTION("a referral that closes a cycle with the stored referrals") {
        // Stored: P1 -> P3 -> P4.
        const auto cycle =
            make_folder(scratch / "cycle", {{"customers.csv", "id\n"},
                                            {"relationships.csv", "source,target\n"},
                                            {"referrals.csv", "referrer,referred\nP4,P1\n"}});
        const std::string message = error_of<InputError>(
            [&] { import_to_store(folder(cycle), db, {}, mode(ImportMode::append)); });
        INFO(message);
        CHECK(message.find("closes a referral cycle: P1 -> P3 -> P4 -> P1") != std::string::npos);
        CHECK(test::read_file(db) == before);
    }
}

TEST_CASE("Append: a folder may hold only the tables that have new rows", "[store]") {
    test::ScratchDir scratch;
    const auto db = scratch / "w.db";
    import_to_store(folder(kMini), db, {});
    const auto delta = make_folder(
        scratch / "delta", {{"transactions.csv", "customer,date,amount\nP2,2025-09-01,4\n"}});
    const ImportSummary summary = import_to_store(folder(delta), db, {}, mode(ImportMode::append));
    CHECK(summary.transaction_rows.added == 1);
    CHECK(summary.customers == 0);
    const Dataset loaded = load_dataset(database(db), {});
    CHECK(loaded.graph.num_nodes() == 6);
    CHECK(loaded.transactions.rows.size() == 7);
}

TEST_CASE("Append: columns a customers file does not have keep their stored values", "[store]") {
    // A daily file with only id and name must not turn a business into a person, clear a value or
    // an opt-out (found trying a daily two-column file on the sample data).
    test::ScratchDir scratch;
    const auto db = scratch / "w.db";
    const auto first =
        make_folder(scratch / "first", {{"customers.csv",
                                         "id,kind,segment,value,opt_out,city\n"
                                         "A,business,smb,120,true,Delft\nB,person,,5,false,\n"},
                                        {"relationships.csv", "source,target\nA,B\n"}});
    import_to_store(folder(first), db, {});
    const auto daily =
        make_folder(scratch / "daily", {{"customers.csv", "id,name\nA,Acme\nC,Cleo\n"}});
    const ImportSummary summary = import_to_store(folder(daily), db, {}, mode(ImportMode::append));
    CHECK(summary.customer_rows.updated == 1);
    CHECK(summary.customer_rows.added == 1);
    const Dataset loaded = load_dataset(database(db), {});
    const InfluenceGraph& g = loaded.graph;
    const NodeId a = *g.find("A");
    CHECK(g.name(a) == "Acme");
    CHECK(g.kind(a) == NodeKind::business);
    CHECK(g.segment_names()[g.segment_code(a)] == "smb");
    CHECK(g.value(a) == 120.0);
    CHECK(g.opt_out(a));
    CHECK(one(db, "SELECT value FROM customer_attributes WHERE customer = 'A' AND name = 'city'") ==
          "Delft");
    CHECK(g.num_nodes() == 3);
    // Again: nothing changes.
    const ImportSummary again = import_to_store(folder(daily), db, {}, mode(ImportMode::append));
    CHECK(again.customer_rows.unchanged == 2);
}

TEST_CASE("A plain import that would drop customers is refused, --replace replaces", "[store]") {
    test::ScratchDir scratch;
    const auto db = scratch / "crm.db";
    import_to_store(folder(kMini), db, {});
    const std::string before = test::read_file(db);
    const auto small = make_folder(
        scratch / "small",
        {{"customers.csv", "id\nP1\nx\n"}, {"relationships.csv", "source,target\nP1,x\n"}});
    const std::string refused =
        db.string() +
        " holds 5 customers that this import does not have (it has 2); nothing was "
        "changed. Use --append to add these rows to the workspace, or --replace to "
        "replace its data.";
    CHECK(error_of<UsageError>([&] { import_to_store(folder(small), db, {}); }) == refused);
    CHECK(test::read_file(db) == before);
    CHECK(error_of<UsageError>([&] {
              import_to_store(folder(small), db, {}, mode(ImportMode::create, true));
          }) == refused);
    // Edge lists name their customers as they go: the count is known at the end.
    InputSource edges;
    edges.edges_file = small / "relationships.csv";
    CHECK(error_of<UsageError>([&] { import_to_store(edges, db, {}); }) == refused);
    CHECK(test::read_file(db) == before);

    const ImportSummary dry =
        import_to_store(folder(small), db, {}, mode(ImportMode::replace, true));
    CHECK(dry.dropped_customers == 5);
    CHECK(test::read_file(db) == before);
    const ImportSummary replaced =
        import_to_store(folder(small), db, {}, mode(ImportMode::replace));
    CHECK(replaced.dropped_customers == 5);
    CHECK(replaced.customer_rows.added == 2);
    CHECK(load_dataset(database(db), {}).graph.num_nodes() == 2);
    CHECK(one(db, "SELECT group_concat(mode) FROM imports") == "create,replace");
}

TEST_CASE("A dry run validates and counts, and writes nothing", "[store]") {
    test::ScratchDir scratch;
    SECTION("into a new file: none is created") {
        const auto db = scratch / "new.db";
        for (const ImportMode import_mode :
             {ImportMode::create, ImportMode::replace, ImportMode::append}) {
            const ImportSummary dry =
                import_to_store(folder(kMini), db, {}, mode(import_mode, true));
            CHECK(dry.dry_run);
            CHECK(dry.created);
            CHECK(dry.customers == 6);
            CHECK(dry.relationships == 9);
            CHECK(dry.referrals == 3);
            CHECK(dry.transactions == 6);
            CHECK(dry.customer_rows.added == 6);
            CHECK(dry.import_id == 0);
            CHECK_FALSE(fs::exists(db));
        }
        const auto broken = make_folder(
            scratch / "broken",
            {{"customers.csv", "id\na\n"}, {"relationships.csv", "source,target\na,b\n"}});
        CHECK(error_of<InputError>([&] {
                  import_to_store(folder(broken), db, {}, mode(ImportMode::create, true));
              }).find("unknown customer 'b'") != std::string::npos);
        CHECK_FALSE(fs::exists(db));
    }
    SECTION("onto a workspace: the counts of the real import, the file unchanged") {
        const auto db = scratch / "w.db";
        import_to_store(folder(kMini), db, {});
        const std::string before = test::read_file(db);
        const auto delta = make_folder(scratch / "delta",
                                       {{"customers.csv", "id,segment\nP1,vip\nN1,new\n"},
                                        {"relationships.csv", "source,target\nN1,P1\nN1,P1\n"}});
        const ImportSummary dry =
            import_to_store(folder(delta), db, {}, mode(ImportMode::append, true));
        CHECK(test::read_file(db) == before);
        CHECK_FALSE(fs::exists(db.string() + "-journal"));
        const ImportSummary real = import_to_store(folder(delta), db, {}, mode(ImportMode::append));
        for (const auto& [dry_counts, real_counts] :
             {std::pair{dry.customer_rows, real.customer_rows},
              {dry.relationship_rows, real.relationship_rows}}) {
            CHECK(dry_counts.added == real_counts.added);
            CHECK(dry_counts.updated == real_counts.updated);
            CHECK(dry_counts.unchanged == real_counts.unchanged);
        }
        CHECK(real.customer_rows.added == 1);
        CHECK(real.customer_rows.updated == 1);
        CHECK(real.relationship_rows.added == 2);
    }
}

TEST_CASE("Every import is recorded in the imports table, with the fingerprints of its files",
          "[store]") {
    test::ScratchDir scratch;
    CHECK(file_fingerprint(scratch / "none") == "");
    test::write_file(scratch / "empty", "");
    CHECK(file_fingerprint(scratch / "empty") == "ef46db3751d8e999");  // XXH64 test vectors
    test::write_file(scratch / "abc", "abc");
    CHECK(file_fingerprint(scratch / "abc") == "44bc2cf5ad770999");
    test::write_file(scratch / "long", "Nobody inspects the spammish repetition");
    CHECK(file_fingerprint(scratch / "long") == "fbcea83c8a378bf1");

    const auto data = scratch / "data";
    fs::copy(kMini, data, fs::copy_options::recursive);
    const auto db = scratch / "w.db";
    const ImportSummary created = import_to_store(folder(data), db, {});
    CHECK(created.import_id == 1);
    const auto record = [&](std::int64_t id) {
        return nlohmann::json::parse(
            one(db,
                "SELECT json_object('mode', mode, 'source', source, 'mapping', mapping, 'files', "
                "json(files), "
                "'added', added, 'updated', updated, 'unchanged', unchanged, 'skipped', skipped, "
                "'filtered', filtered, 'skipped_by_reason', json(skipped_by_reason)) FROM imports "
                "WHERE id = " +
                    std::to_string(id)));
    };
    const auto fingerprints = [](const nlohmann::json& files) {
        std::map<std::string, std::string> out;
        for (const auto& file : files) out[file["table"]] = file["fingerprint"];
        return out;
    };
    const nlohmann::json first = record(1);
    CHECK(first["mode"] == "create");
    CHECK(first["source"] == "folder " + data.string());
    CHECK(first["mapping"] == "");
    CHECK(first["added"] == 6 + 9 + 3 + 6);
    CHECK(first["skipped"] == 0);
    CHECK(first["skipped_by_reason"] == nlohmann::json::object());
    REQUIRE(first["files"].size() == 4);
    for (const auto& file : first["files"]) {
        CHECK(file["fingerprint"] == file_fingerprint(file["file"].get<std::string>()));
        CHECK(file["fingerprint"].get<std::string>().size() == 16);
    }
    CHECK(first["files"][1]["table"] == "relationships");
    CHECK(first["files"][1]["rows"] == 9);

    test::write_file(data / "transactions.csv",
                     test::read_file(data / "transactions.csv") + "P4,2025-09-09,3,online,\n");
    const ImportSummary appended = import_to_store(folder(data), db, {}, mode(ImportMode::append));
    CHECK(appended.import_id == 2);
    const nlohmann::json second = record(2);
    CHECK(second["mode"] == "append");
    CHECK(second["added"] == 1);
    CHECK(second["unchanged"] == 6 + 9 + 3 + 6);
    const auto before = fingerprints(first["files"]), after = fingerprints(second["files"]);
    CHECK(before.at("customers") == after.at("customers"));
    CHECK(before.at("relationships") == after.at("relationships"));
    CHECK(before.at("transactions") != after.at("transactions"));

    // Dry runs and failed imports leave no record.
    import_to_store(folder(data), db, {}, mode(ImportMode::append, true));
    test::write_file(data / "relationships.csv",
                     test::read_file(data / "relationships.csv") + "P1,ZZ,,,\n");
    CHECK_THROWS_AS(import_to_store(folder(data), db, {}, mode(ImportMode::append)), InputError);
    CHECK(one(db, "SELECT count(*) FROM imports") == "2");

    // Skipped rows are counted by reason.
    LoadOptions lenient;
    lenient.on_bad_row = BadRowPolicy::skip;
    const ImportSummary skipping =
        import_to_store(folder(data), db, lenient, mode(ImportMode::append));
    CHECK(skipping.relationship_rows.skipped == 1);
    const nlohmann::json third = record(3);
    CHECK(third["skipped"] == 1);
    REQUIRE(third["skipped_by_reason"].size() == 1);
    CHECK(third["skipped_by_reason"].begin().value() == 1);

    // The workspace shows its last 5 imports, newest first.
    for (int round = 0; round < 3; ++round)
        import_to_store(folder(kMini), db, {}, mode(ImportMode::append));
    const Dataset loaded = load_dataset(database(db), {});
    REQUIRE(loaded.input.imports.size() == 5);
    CHECK(loaded.input.imports[0].id == 6);
    CHECK(loaded.input.imports[4].id == 2);
    CHECK(loaded.input.imports[4].mode == "append");
    CHECK(loaded.input.imports[4].added == 1);
    CHECK(nlohmann::json::parse(loaded.input.imports[4].files) == second["files"]);
    CHECK(loaded.input.imports[3].skipped == 1);
    CHECK(nlohmann::json::parse(loaded.input.imports[3].skipped_by_reason) ==
          third["skipped_by_reason"]);
}

TEST_CASE("A version-1 workspace still loads, and its next import upgrades it", "[store]") {
    test::ScratchDir scratch;
    const auto db = scratch / "v1.db";
    import_to_store(folder(kMini), db, {});
    // What catena 0.1 wrote: no order_id, no imports table, schema version 1.
    exec(db,
         "ALTER TABLE transactions DROP COLUMN order_id; DROP TABLE imports; "
         "UPDATE catena_meta SET value = '1' WHERE key = 'schema_version'");
    const std::string v1 = test::read_file(db);
    const Dataset from_csv = load_dataset(folder(kMini), {});
    const Dataset old = load_dataset(database(db), {});
    CHECK(old.graph == from_csv.graph);
    CHECK(old.transactions == from_csv.transactions);
    CHECK(old.input.imports.empty());

    // A dry run reads it as it is.
    const ImportSummary dry =
        import_to_store(folder(kMini), db, {}, mode(ImportMode::append, true));
    CHECK(dry.transaction_rows.unchanged == 6);
    CHECK(test::read_file(db) == v1);

    SECTION("an append") {
        const auto delta =
            make_folder(scratch / "delta", {{"customers.csv", "id\n"},
                                            {"relationships.csv", "source,target\n"},
                                            {"transactions.csv",
                                             "customer,date,amount\n"
                                             "P1,2025-01-03,42.50\nP2,2025-09-01,4\n"}});
        // (P1's purchase of 42.50 had a channel, which this file does not give: an update.)
        const ImportSummary summary =
            import_to_store(folder(delta), db, {}, mode(ImportMode::append));
        CHECK(summary.transaction_rows.updated == 1);
        CHECK(summary.transaction_rows.added == 1);
        CHECK(
            one(db, "SELECT count(*) FROM transactions WHERE channel = '' AND order_id IS NULL") ==
            "2");
    }
    SECTION("a plain import") { import_to_store(folder(kMini), db, {}); }
    CHECK(one(db, "SELECT value FROM catena_meta WHERE key = 'schema_version'") == "2");
    CHECK(
        one(db, "SELECT count(*) FROM pragma_table_info('transactions') WHERE name = 'order_id'") ==
        "1");
    CHECK(one(db, "SELECT count(*) FROM imports") == "1");
    CHECK(load_dataset(database(db), {}).input.imports.size() == 1);
    CHECK(load_dataset(database(db), {}).graph == from_csv.graph);
}

TEST_CASE("A workspace of an unknown schema version is refused", "[store]") {
    test::ScratchDir scratch;
    const auto db = scratch / "w.db";
    import_to_store(folder(kMini), db, {});
    exec(db, "UPDATE catena_meta SET value = '3' WHERE key = 'schema_version'");
    CHECK(error_of<InputError>([&] {
              load_dataset(database(db), {});
          }).find("workspace schema version 3 is not supported") != std::string::npos);
    const std::string before = test::read_file(db);
    for (const ImportMode import_mode : {ImportMode::create, ImportMode::append})
        for (const bool dry_run : {false, true})
            CHECK(error_of<InputError>([&] {
                      import_to_store(folder(kMini), db, {}, mode(import_mode, dry_run));
                  }).find("workspace schema version 3 is newer than this catena supports") !=
                  std::string::npos);
    CHECK(test::read_file(db) == before);
}
