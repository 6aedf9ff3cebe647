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
    // in the first batch of rows: the error of row 10 must win.
    std::string rows = "source,target,weight\n";
    for (int line = 2; line <= 40; ++line) {
        if (line == 10) rows += "a,zz,1\n";
        else if (line == 20) rows += "a,b,heavy\n";
        else if (line == 30) rows += "a,b\n";
        else rows += "a,b,1\n";
    }
    test::write_file(dir / "relationships.csv", rows);
    InputSource source;
    source.data_dir = dir;
    CHECK(load_error(source) == (dir / "relationships.csv").string() +
                                    ":10: target: unknown customer 'zz' (not in the customers table)");

    std::string parse_first = "source,target,weight\n";
    for (int line = 2; line <= 40; ++line) parse_first += line == 20 ? "a,b,heavy\n" : line == 30 ? "a,zz,1\n" : "a,b,1\n";
    test::write_file(dir / "relationships.csv", parse_first);
    CHECK(load_error(source) == (dir / "relationships.csv").string() + ":20: weight: not a number: 'heavy'");

    std::string shape_first = "source,target,weight\n";
    for (int line = 2; line <= 40; ++line) shape_first += line == 20 ? "a,b\n" : line == 30 ? "a,zz,1\n" : "a,b,1\n";
    test::write_file(dir / "relationships.csv", shape_first);
    CHECK(load_error(source) == (dir / "relationships.csv").string() +
                                    ":20: expected 3 fields (as in the header), found 2");
}

TEST_CASE("Large relationship files load completely (batches and size estimate)", "[loaders][tables]") {
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
