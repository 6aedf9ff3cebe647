// The Workbook (catena/reports/workbook.hpp): which cells are numbers, sheet names, Excel's limits
// and write errors. Workbooks are read back with openpyxl (tests/xlsx_util.hpp).
#include "catena/reports/workbook.hpp"

#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "catena/graph/errors.hpp"
#include "catena/graph/output.hpp"

#include "test_util.hpp"
#include "xlsx_util.hpp"

using namespace catena;
using nlohmann::json;

TEST_CASE("Workbook: a column is numeric when every cell is a plain number", "[report][xlsx]") {
    // One column per text, each alone in its column.
    const std::vector<std::string> numbers = {"0",      "0.5",   "-3",   "1e-10",
                                              "2.5E+3", "-0.25", "1200", "123456789012345"};
    const std::vector<std::string> texts = {
        "00123", "+5",   "1.",  "-.5", ".5",   "1234567890123456",
        "inf",   "nan",  "1,5", " 1",  "0x10", "1e400",
        "C0042", "0815", "1e",  "-"};
    std::string header, row;
    for (std::size_t column = 0; column < numbers.size() + texts.size(); ++column) {
        const std::string& text =
            column < numbers.size() ? numbers[column] : texts[column - numbers.size()];
        header += (column ? "," : "") + std::string("c") + std::to_string(column);
        row += (column ? "," : "") + csv_field(text);
    }
    test::ScratchDir scratch;
    Workbook workbook;
    CHECK(workbook.add_csv_sheet("kinds", header + "\n" + row + "\n", "kinds.csv") == "kinds");
    workbook.write(scratch / "kinds.xlsx");
    CHECK(workbook.notes().empty());
    const json sheet = test::read_workbook(scratch / "kinds.xlsx")["tables"]["kinds"];
    for (std::size_t column = 0; column < numbers.size() + texts.size(); ++column) {
        const bool number = column < numbers.size();
        const std::string& text = number ? numbers[column] : texts[column - numbers.size()];
        INFO(text);
        CHECK(sheet["kinds"][column] == json::array({number ? "n" : "s"}));
        if (number)
            CHECK(sheet["cells"][0][column].get<double>() == std::stod(text));
        else
            CHECK(sheet["cells"][0][column] == text);
    }
}

TEST_CASE("Workbook: one text cell makes the column text, and id columns are always text",
          "[report][xlsx]") {
    test::ScratchDir scratch;
    Workbook workbook;
    workbook.add_csv_sheet(
        "t", "mixed,id,customer_id,Referred_By,gaps\n1,1,2,3,\n2,2,3,4,5\nx,3,4,5,\n", "t.csv");
    workbook.write(scratch / "t.xlsx");
    const json sheet = test::read_workbook(scratch / "t.xlsx")["tables"]["t"];
    CHECK(sheet["kinds"] == json::array({{"s"}, {"s"}, {"s"}, {"s"}, {"n"}}));
    CHECK(sheet["cells"][0] == json::array({"1", "1", "2", "3", nullptr}));
    CHECK(sheet["filter"] == "A1:E4");
    CHECK(sheet["freeze"] == "A2");
}

TEST_CASE("Workbook: sheet names are made valid and unique", "[report][xlsx]") {
    test::ScratchDir scratch;
    Workbook workbook;
    const std::string csv = "a\n1\n";
    std::vector<std::string> names;
    for (const char* wanted :
         {"influencers", "Influencers", "a/b:c*d?[e]\\f",
          "a name that is much longer than thirty-one characters", "", "'quoted'", "History"})
        names.push_back(workbook.add_csv_sheet(wanted, csv, "x.csv"));
    names.push_back(workbook.add_sheet("influencers", {"section"}, {{std::string("x")}}));
    CHECK(names == std::vector<std::string>{"influencers", "Influencers (2)", "a_b_c_d__e__f",
                                            "a name that is much longer than", "Sheet", "quoted",
                                            "History (2)", "influencers (3)"});
    workbook.write(scratch / "names.xlsx");
    CHECK(test::read_workbook(scratch / "names.xlsx")["sheets"] == json(names));
}

TEST_CASE("Workbook: given cells keep their kind, a cell over 32,767 characters is cut",
          "[report][xlsx]") {
    test::ScratchDir scratch;
    Workbook workbook;
    std::string long_text;
    for (int character = 0; character < 40'000; ++character) long_text += "é";
    workbook.add_sheet("Summary", {"finding", "value"},
                       {{std::string("customers"), 400.0},
                        {std::string("top"), std::string("C0042")},
                        {std::string("empty"), std::string()}});
    workbook.add_csv_sheet("long", "id,text\nC1," + long_text + "\n", "long.csv");
    workbook.write(scratch / "cells.xlsx");
    REQUIRE(workbook.notes().size() == 1);
    CHECK(workbook.notes()[0] ==
          "long.csv: 1 cell longer than Excel's 32767 characters cut to that length in sheet "
          "'long'");
    const json book = test::read_workbook(scratch / "cells.xlsx");
    const json& summary = book["tables"]["Summary"];
    CHECK(summary["cells"] ==
          json::array({{"customers", 400}, {"top", "C0042"}, {"empty", nullptr}}));
    CHECK(summary["filter"] == "A1:B4");
    const std::string cut = book["tables"]["long"]["cells"][0][1];
    CHECK(cut == long_text.substr(0, 2 * 32'767));
}

TEST_CASE("Workbook: a table longer than a sheet goes on in the next sheet, header and all",
          "[report][xlsx]") {
    test::ScratchDir scratch;
    constexpr std::size_t rows = 1'048'575 + 2;  // two more than a sheet holds under its header
    std::string csv = "n\n";
    csv.reserve(rows * 8);
    for (std::size_t row = 1; row <= rows; ++row) csv += std::to_string(row) + "\n";
    Workbook workbook;
    workbook.add_csv_sheet("big", std::move(csv), "big.csv");
    workbook.write(scratch / "big.xlsx");
    CHECK(workbook.notes() ==
          std::vector<std::string>{"big.csv: 1048577 rows are more than an Excel sheet holds "
                                   "(1048575 under the header); sheet 'big' goes on in "
                                   "'big (2)'"});
    const json book = test::read_workbook(scratch / "big.xlsx", true);
    CHECK(book["sheets"] == json::array({"big", "big (2)"}));
    CHECK(book["tables"]["big"]["rows"] == 1'048'575);
    CHECK(book["tables"]["big (2)"]["rows"] == 2);
}

TEST_CASE("Workbook: a path that cannot be written is an output error naming it",
          "[report][xlsx]") {
    Workbook workbook;
    workbook.add_csv_sheet("t", "a\n1\n", "t.csv");
    try {
        workbook.write("/nonexistent/dir/t.xlsx");
        FAIL("no error");
    } catch (const OutputError& error) {
        CHECK(std::string(error.what()) == "/nonexistent/dir/t.xlsx: cannot write: no such folder");
    }
}
