#include <algorithm>

#include <catch2/catch.hpp>

#include "catena/graph/errors.hpp"
#include "catena/loaders/load.hpp"

#include "test_util.hpp"

using namespace catena;

namespace {
std::string load_error(const InputSource& source) {
    try {
        load_dataset(source, {});
    } catch (const InputError& error) {
        return error.what();
    }
    return "no error";
}
}  // namespace

TEST_CASE("Relationship rows are read in batches but the first error in the file is reported",
          "[loaders][tables]") {
    test::ScratchDir scratch;
    const auto dir = scratch.path();
    test::write_file(dir / "customers.csv", "id\na\nb\n");
    // Row 10 names an unknown customer; row 20 has a bad weight; row 30 too few fields. All fall
    // in the first batch of rows: every one is listed, in file order, row 10's first.
    std::string rows = "source,target,weight\n";
    for (int line = 2; line <= 40; ++line) {
        if (line == 10)
            rows += "a,zz,1\n";
        else if (line == 20)
            rows += "a,b,heavy\n";
        else if (line == 30)
            rows += "a,b\n";
        else
            rows += "a,b,1\n";
    }
    test::write_file(dir / "relationships.csv", rows);
    InputSource source;
    source.data_dir = dir;
    const std::string file = (dir / "relationships.csv").string();
    CHECK(load_error(source) ==
          file + ":10: target: unknown customer 'zz' (not in the customers table)\n" + file +
              ":20: weight: not a number: 'heavy'\n" + file +
              ":30: expected 3 fields (as in the header), found 2\n"
              "3 bad rows; nothing was loaded or stored. Fix them, or give --on-bad-row skip "
              "to leave bad rows out (each is counted and written to a rejects file)");

    std::string parse_first = "source,target,weight\n";
    for (int line = 2; line <= 40; ++line)
        parse_first += line == 20 ? "a,b,heavy\n" : line == 30 ? "a,zz,1\n" : "a,b,1\n";
    test::write_file(dir / "relationships.csv", parse_first);
    CHECK(load_error(source).rfind(
              file + ":20: weight: not a number: 'heavy'\n" + file + ":30: target: unknown", 0) ==
          0);

    std::string shape_first = "source,target,weight\n";
    for (int line = 2; line <= 40; ++line)
        shape_first += line == 20 ? "a,b\n" : line == 30 ? "a,zz,1\n" : "a,b,1\n";
    test::write_file(dir / "relationships.csv", shape_first);
    CHECK(load_error(source).rfind(
              file + ":20: expected 3 fields (as in the header), found 2\n" + file + ":30:", 0) ==
          0);

    // One bad row: one line, as before.
    test::write_file(dir / "relationships.csv", "source,target,weight\na,b,1\na,b,-1\n");
    CHECK(load_error(source) == file + ":3: weight: must not be negative");
}

TEST_CASE("Strict loads list at most 20 bad rows, then stop", "[loaders][tables]") {
    test::ScratchDir scratch;
    const auto dir = scratch.path();
    test::write_file(dir / "customers.csv", "id\na\nb\n");
    std::string rows = "source,target,weight\n";
    for (int line = 2; line <= 100; ++line) rows += line % 2 ? "a,b,x\n" : "a,b,1\n";
    test::write_file(dir / "relationships.csv", rows);
    InputSource source;
    source.data_dir = dir;
    const std::string message = load_error(source);
    CHECK(std::count(message.begin(), message.end(), '\n') == 20);
    CHECK(message.find(":41: weight") != std::string::npos);  // the 20th bad row
    CHECK(message.find(":43: weight") == std::string::npos);  // the 21st is not read
    CHECK(message.find("stopped at 20 bad rows (there may be more)") != std::string::npos);
}

TEST_CASE("Lenient loads skip bad rows, count them by reason and keep the record",
          "[loaders][tables]") {
    test::ScratchDir scratch;
    const auto dir = scratch.path();
    test::write_file(dir / "customers.csv", "id,value\na,1\nb,oops\nc,3\n");
    test::write_file(
        dir / "relationships.csv",
        "source,target,weight\na,c,1\na,b,1\na,zz,1\n\"c, quoted\",a,1\na,c,-2\na,c\n");
    test::write_file(dir / "referrals.csv", "referrer,referred\na,c\nc,a\n");
    InputSource source;
    source.data_dir = dir;
    LoadOptions options;
    options.on_bad_row = BadRowPolicy::skip;
    const Dataset data = load_dataset(source, options);
    CHECK(data.graph.num_nodes() == 2);  // b's value is bad: b is left out
    std::vector<std::string> got;
    for (const SkippedRow& row : data.input.skipped)
        got.push_back(row.table + ":" + std::to_string(row.line) + ":" + row.column + ":" +
                      row.reason);
    CHECK(got == std::vector<std::string>{
                     "customers:3:value:bad value", "relationships:3:target:unknown customer",
                     "relationships:4:target:unknown customer",
                     "relationships:5:source:unknown customer", "relationships:6:weight:bad weight",
                     "relationships:7::wrong number of fields",
                     "referrals:3:referred:referral cycle"});
    CHECK(data.input.skipped[3].record == "\"c, quoted\",a,1");
    CHECK(data.input.skipped.back().message.find("a -> c -> a") != std::string::npos);
    CHECK(data.referrals.size() == 1);
    CHECK(data.graph.report().referrals_already_related == 0);
    CHECK(data.graph.report().referral_edges == 1);
}

TEST_CASE("Large relationship files load completely (batches and size estimate)",
          "[loaders][tables]") {
    test::ScratchDir scratch;
    std::string rows = "source,target\n";
    constexpr int kRows = 5000;  // many batches; ids grow longer, so the size estimate is low
    for (int row = 0; row < kRows; ++row)
        rows += "n" + std::to_string(row) + ",n" + std::to_string((row * 7919) % kRows) + "\n";
    test::write_file(scratch / "edges.csv", rows);
    InputSource source;
    source.edges_file = scratch / "edges.csv";
    const Dataset data = load_dataset(source, {});
    CHECK(data.graph.report().relationship_rows == kRows);
    CHECK(data.graph.num_nodes() == kRows);
}

TEST_CASE("Columns a table does not use are reported, not silently dropped", "[loaders][tables]") {
    test::ScratchDir scratch;
    test::write_file(scratch / "customers.csv", "id\na\nb\n");
    test::write_file(scratch / "relationships.csv", "source,target,note\na,b,met at fair\n");
    InputSource source;
    source.data_dir = scratch.path();
    const Dataset data = load_dataset(source, {});
    REQUIRE(data.warnings.size() == 1);
    CHECK(data.warnings[0] == (scratch / "relationships.csv").string() +
                                  ": ignoring column 'note' (not used by this table)");
}
