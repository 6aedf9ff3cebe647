#include "catena/loaders/csv_reader.hpp"

#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "catena/graph/errors.hpp"

using namespace catena;

namespace {
std::vector<std::vector<std::string>> read_all(const std::string& text) {
    CsvReader reader("t.csv", text);
    std::vector<std::vector<std::string>> rows;
    std::vector<std::string_view> fields;
    while (reader.next(fields)) rows.emplace_back(fields.begin(), fields.end());
    return rows;
}

std::string error_of(const std::string& text) {
    try {
        read_all(text);
    } catch (const InputError& error) {
        return error.what();
    }
    return "no error";
}
}  // namespace

TEST_CASE("CSV: plain records, header and line numbers", "[loaders][csv]") {
    CsvReader reader("t.csv", "a,b,c\n1,2,3\n4,5,6\n");
    REQUIRE(reader.header() == std::vector<std::string>{"a", "b", "c"});
    CHECK(reader.column("B") == 1u);
    CHECK_FALSE(reader.column("d").has_value());
    std::vector<std::string_view> fields;
    REQUIRE(reader.next(fields));
    CHECK(reader.line() == 2);
    CHECK(fields == std::vector<std::string_view>{"1", "2", "3"});
    REQUIRE(reader.next(fields));
    CHECK(reader.line() == 3);
    CHECK_FALSE(reader.next(fields));
}

TEST_CASE("CSV: RFC 4180 quoting", "[loaders][csv]") {
    const auto rows = read_all(
        "id,name,note\n"
        "1,\"Smith, Jones & Co\",\"say \"\"hi\"\"\"\n"
        "2,\"two\nlines\",\"\"\n"
        "3,,\n");
    REQUIRE(rows.size() == 3);
    CHECK(rows[0] == std::vector<std::string>{"1", "Smith, Jones & Co", "say \"hi\""});
    CHECK(rows[1] == std::vector<std::string>{"2", "two\nlines", ""});
    CHECK(rows[2] == std::vector<std::string>{"3", "", ""});
}

TEST_CASE("CSV: line numbers count newlines inside quoted fields", "[loaders][csv]") {
    CsvReader reader("t.csv", "a,b\n\"x\ny\nz\",1\nlast,2\n");
    std::vector<std::string_view> fields;
    REQUIRE(reader.next(fields));
    CHECK(reader.line() == 2);
    REQUIRE(reader.next(fields));
    CHECK(reader.line() == 5);
    CHECK(fields[0] == "last");
}

TEST_CASE("CSV: CRLF, CR, BOM, blank lines and no final newline", "[loaders][csv]") {
    CHECK(read_all("\xEF\xBB\xBFid,v\r\n1,a\r\n\r\n2,\"b\r\nc\"\r\n3,d") ==
          std::vector<std::vector<std::string>>{{"1", "a"}, {"2", "b\r\nc"}, {"3", "d"}});
    CHECK(read_all("id,v\r1,a\r2,b\r") ==
          std::vector<std::vector<std::string>>{{"1", "a"}, {"2", "b"}});
    CsvReader reader("t.csv", "\xEF\xBB\xBFid,v\n");
    CHECK(reader.header()[0] == "id");
}

TEST_CASE("CSV: a quote inside an unquoted field is literal", "[loaders][csv]") {
    CHECK(read_all("a,b\n5\" screen,x\n") ==
          std::vector<std::vector<std::string>>{{"5\" screen", "x"}});
}

TEST_CASE("CSV: UTF-8 passes through unchanged", "[loaders][csv]") {
    CHECK(read_all("id,name\n1,Zoë Müller 🙂\n") ==
          std::vector<std::vector<std::string>>{{"1", "Zoë Müller 🙂"}});
}

TEST_CASE("CSV: errors say file, line and what is wrong", "[loaders][csv]") {
    CHECK(error_of("a,b\n1,2\n3\n") == "t.csv:3: expected 2 fields (as in the header), found 1");
    CHECK(error_of("a,b\n1,2,3\n") == "t.csv:2: expected 2 fields (as in the header), found 3");
    CHECK(error_of("a,b\n1,\"open\n2,3\n") ==
          "t.csv:2: b: unterminated quoted field (no closing \")");
    CHECK(error_of("a,b\n\"x\"y,2\n") ==
          "t.csv:2: a: unexpected character after a closing quote (quotes inside a quoted field "
          "must be doubled)");
    CHECK(error_of("") == "t.csv: empty file: no header row");
    CHECK(error_of("\n\n") == "t.csv: empty file: no header row");
    CHECK(error_of("a,,c\n") == "t.csv:1: header: column 2 has no name");
    CHECK(error_of("a,A\n") == "t.csv:1: header: column 'A' appears twice");
}

TEST_CASE("CSV: a missing file is an input error", "[loaders][csv]") {
    CHECK_THROWS_WITH(CsvReader::open("/nonexistent/x.csv"), "/nonexistent/x.csv: no such file");
}

TEST_CASE("CSV: a continuation reads part of a file at the file's line numbers", "[loaders][csv]") {
    // "a;b" detects ';'; the part starts on line 4 of the file (after the header and two lines
    // that another reader has).
    const CsvReader header("t.csv", "a;b\n");
    CsvReader part = CsvReader::continuation(header, "\n\"x\ny\";2\r\n3;4\n5\n", 4);
    CHECK(part.name() == "t.csv");
    CHECK(part.delimiter() == ';');
    CHECK(part.header() == std::vector<std::string>{"a", "b"});
    CHECK(part.line() == 1);  // before any record: the header's line
    std::vector<std::string_view> fields;
    REQUIRE(part.next(fields));
    CHECK(part.line() == 5);  // the empty line 4 is skipped
    CHECK(fields == std::vector<std::string_view>{"x\ny", "2"});
    REQUIRE(part.next(fields));
    CHECK(part.line() == 7);
    CHECK(fields == std::vector<std::string_view>{"3", "4"});
    try {
        part.next(fields);
        FAIL("a record with one field should be a BadRecord");
    } catch (const BadRecord& error) {
        CHECK(std::string(error.what()).find("t.csv:8:") == 0);
    }
    CHECK_FALSE(part.next(fields));
    CsvReader empty = CsvReader::continuation(header, "", 1);
    CHECK_FALSE(empty.next(fields));
}
