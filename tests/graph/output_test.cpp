// graph/output: the one way catena writes files. Whole files and CSV tables appear only when
// complete, a failed write leaves what was there and no partial file, devices are written in
// place, and CSV fields are quoted as RFC 4180 says.
#include "catena/graph/output.hpp"

#include <filesystem>
#include <string>

#include <catch2/catch.hpp>

#include "catena/graph/errors.hpp"

#include "test_util.hpp"

using namespace catena;
namespace fs = std::filesystem;

TEST_CASE("write_file: written whole, replacing the old file, no partial file stays", "[output]") {
    test::ScratchDir scratch;
    const fs::path path = scratch / "a.txt";
    write_file(path, "first\n");
    CHECK(test::read_file(path) == "first\n");
    write_file(path, "second\n");
    CHECK(test::read_file(path) == "second\n");
    CHECK_FALSE(fs::exists(scratch / "a.txt.partial"));
    write_file(path, "");
    CHECK(test::read_file(path).empty());
}

TEST_CASE("write_file: a path that cannot be written is an OutputError naming it and why",
          "[output]") {
    test::ScratchDir scratch;
    test::write_file(scratch / "a-file", "x\n");
    const auto message = [](const fs::path& path) -> std::string {
        try {
            write_file(path, "text\n");
        } catch (const OutputError& error) {
            return error.what();
        }
        return "no error";
    };
    CHECK(message(scratch / "missing" / "b.txt") ==
          (scratch / "missing" / "b.txt").string() + ": cannot write: no such folder");
    CHECK(message(scratch / "a-file" / "b.txt") ==
          (scratch / "a-file" / "b.txt").string() +
              ": cannot write: a file stands where a folder should be");
    // The file that was there is untouched.
    CHECK(test::read_file(scratch / "a-file") == "x\n");
}

TEST_CASE("write_file: a device is written in place", "[output]") {
    REQUIRE_NOTHROW(write_file("/dev/null", "nothing to see\n"));
    CHECK(fs::exists("/dev/null"));
    CHECK_FALSE(fs::exists("/dev/null.partial"));
    // A full device fails with the reason.
    if (fs::exists("/dev/full"))
        CHECK_THROWS_AS(write_file("/dev/full", std::string(1 << 16, 'x')), OutputError);
}

TEST_CASE("CsvWriter: the table appears at commit, without it, nothing does", "[output]") {
    test::ScratchDir scratch;
    const fs::path path = scratch / "t.csv";
    {
        CsvWriter table(path);
        table.text("id,amount,date").end_row();
        table.field("a,b").comma().fixed(2.5, 2).comma().date(0).end_row();
        table.character('C').integer(42).comma().fixed(0.125, 1).comma().date(19723).end_row();
        CHECK_FALSE(fs::exists(path));  // still the partial file
        table.commit();
    }
    CHECK(test::read_file(path) == "id,amount,date\n\"a,b\",2.50,1970-01-01\nC42,0.1,2024-01-01\n");
    {
        CsvWriter table(scratch / "u.csv");
        table.text("half").end_row();
        // destroyed without commit (an exception on the way)
    }
    CHECK_FALSE(fs::exists(scratch / "u.csv"));
    CHECK_FALSE(fs::exists(scratch / "u.csv.partial"));
    CHECK(test::read_file(path).size() > 0);  // the other table is unaffected
}

TEST_CASE("csv_field and csv_record quote as RFC 4180 says", "[output]") {
    CHECK(csv_field("plain") == "plain");
    CHECK(csv_field("") == "");
    CHECK(csv_field("a,b") == "\"a,b\"");
    CHECK(csv_field("say \"hi\"") == "\"say \"\"hi\"\"\"");
    CHECK(csv_field("two\nlines") == "\"two\nlines\"");
    CHECK(csv_field("cr\r") == "\"cr\r\"");
    CHECK(csv_field("a;b") == "a;b");
    CHECK(csv_field("a;b", ';') == "\"a;b\"");
    const std::vector<std::string_view> fields = {"1", "Ann, Jr.", "", "x\"y"};
    CHECK(csv_record(fields) == "1,\"Ann, Jr.\",,\"x\"\"y\"");
    CHECK(csv_record(fields, ';') == "1;Ann, Jr.;;\"x\"\"y\"");
}
