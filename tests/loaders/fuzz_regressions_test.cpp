// Bugs the fuzz targets in tests/fuzz found, one test each, with the inputs libFuzzer saved (in
// tests/fuzz/regressions/TARGET/) replayed beside a readable version of the same input.
#include <string>

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

std::string regression_input(const std::string& target, const std::string& file) {
    return test::read_file(test::source_dir() / "tests" / "fuzz" / "regressions" / target / file);
}

// The error of loading a data folder with valid customers (a, b, P1, P2) and relationships, and
// `table` holding `text`; the folder is shown as DIR.
std::string error_in(const std::string& table, const std::string& text) {
    test::ScratchDir scratch;
    test::write_file(scratch / "customers.csv", "id\na\nb\nP1\nP2\n");
    test::write_file(scratch / "relationships.csv", "source,target\na,b\n");
    test::write_file(scratch / table, text);
    InputSource source;
    source.data_dir = scratch.path();
    std::string message = load_error(source);
    const std::string folder = scratch.path().string();
    if (message.compare(0, folder.size(), folder) == 0) message.replace(0, folder.size(), "DIR");
    return message;
}

}  // namespace

TEST_CASE("Fuzz regression: a missing column is reported at the header's line, after empty lines",
          "[loaders][tables][fuzz]") {
    CHECK(error_in("customers.csv", "\n\r\nname\nAna\n") ==
          "DIR/customers.csv:3: header: missing required column 'id'");
    // A misspelt column is named as the one it looks like (before: "missing required column").
    CHECK(error_in("relationships.csv", "\r\nsource,tagret\na,b\n")
              .rfind("DIR/relationships.csv:2: tagret: looks like catena's 'target' column", 0) ==
          0);
    CHECK(error_in("referrals.csv", "\xEF\xBB\xBF\n\nreferrer,reffered\na,b\n")
              .rfind("DIR/referrals.csv:3: reffered: looks like catena's 'referred' column", 0) ==
          0);
    CHECK(error_in("relationships.csv", "\r\nsource,destination\na,b\n") ==
          "DIR/relationships.csv:2: header: missing required column 'target'");
    CHECK(error_in("transactions.csv", "\n\n\ncustomer,date\na,2024-01-01\n") ==
          "DIR/transactions.csv:4: header: missing required column 'amount'");
    // Without empty lines the header is line 1, as before.
    CHECK(error_in("relationships.csv", "source\na\n") ==
          "DIR/relationships.csv:1: header: missing required column 'target'");

    // The inputs the fuzzer found: each header is on line 2.
    CHECK(error_in("customers.csv", regression_input("customers", "header-after-empty-line.csv")) ==
          "DIR/customers.csv:2: header: missing required column 'id'");
    // Its header has "ource" for "source": now named as the column it looks like, still at line 2.
    CHECK(error_in("relationships.csv",
                   regression_input("relationships", "header-after-empty-line.csv"))
              .rfind("DIR/relationships.csv:2: ource: looks like catena's 'source' column", 0) ==
          0);
    CHECK(error_in("referrals.csv", regression_input("referrals", "header-after-empty-line.csv")) ==
          "DIR/referrals.csv:2: header: missing required column 'referrer'");
}

TEST_CASE("Fuzz regression: an edge list's missing column is reported at its header's line",
          "[loaders][tables][fuzz]") {
    test::ScratchDir scratch;
    InputSource source;
    source.edges_file = scratch / "edges.csv";
    test::write_file(source.edges_file, "\n\nsource\n1\n");
    CHECK(load_error(source) ==
          source.edges_file.string() + ":3: header: missing required column 'target'");
    test::write_file(source.edges_file, regression_input("edges", "header-after-empty-line.csv"));
    CHECK(load_error(source) ==
          source.edges_file.string() + ":2: header: missing required column 'target'");
}
