// Reading an .xlsx workbook back, for the tests of `--format xlsx` and report.xlsx: openpyxl
// (Debian's python3-openpyxl, through /usr/bin/python3: the python3 first on PATH may not see
// Debian's packages) dumps every sheet as JSON, and the tests compare it with the CSV text the
// sheet was made from, read by catena's own CSV reader.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "catena/loaders/csv_reader.hpp"

#include "test_util.hpp"

namespace catena::test {

// {"sheets": [names in order], "tables": {name: {"header": [...], "rows": data rows,
// "freeze": "A2", "filter": "A1:G385", "bold": header all bold, "kinds": per column the sorted
// data types of its non-empty cells ("n" number, "s" text), "cells": the data rows' values}}}.
// With `shape_only` (big sheets), openpyxl's read-only mode: names and "rows" only.
inline nlohmann::json read_workbook(const std::filesystem::path& workbook,
                                    bool shape_only = false) {
    ScratchDir scratch;
    write_file(scratch / "dump.py", R"(import json, sys, openpyxl
shape_only = sys.argv[2] == "shape"
book = openpyxl.load_workbook(sys.argv[1], read_only=shape_only)
out = {"sheets": book.sheetnames, "tables": {}}
for sheet in book.worksheets:
    if shape_only:
        out["tables"][sheet.title] = {"rows": sheet.max_row - 1}
        continue
    rows = list(sheet.iter_rows())
    header = [cell.value for cell in rows[0]]
    kinds = [sorted({row[col].data_type for row in rows[1:] if row[col].value is not None})
             for col in range(len(header))]
    out["tables"][sheet.title] = {
        "header": header, "rows": len(rows) - 1, "freeze": sheet.freeze_panes,
        "filter": sheet.auto_filter.ref, "bold": all(cell.font.b for cell in rows[0]),
        "kinds": kinds, "cells": [[cell.value for cell in row] for row in rows[1:]]}
print(json.dumps(out))
)");
    const std::string command = "/usr/bin/python3 '" + (scratch / "dump.py").string() + "' '" +
                                workbook.string() + "' " + (shape_only ? "shape" : "all") + " > '" +
                                (scratch / "out.json").string() + "' 2>&1";
    const int status = std::system(command.c_str());
    const std::string out = read_file(scratch / "out.json");
    if (status != 0) throw std::runtime_error("openpyxl could not read the workbook: " + out);
    return nlohmann::json::parse(out);
}

// A CSV text as catena's reader sees it: header and records.
struct CsvTable {
    std::vector<std::string> header;
    std::vector<std::vector<std::string>> rows;
};

inline CsvTable read_csv_text(std::string text) {
    CsvOptions options;
    options.delimiter = ',';
    CsvReader reader("table.csv", std::move(text), options);
    CsvTable table{reader.header(), {}};
    std::vector<std::string_view> fields;
    while (reader.next(fields)) table.rows.emplace_back(fields.begin(), fields.end());
    return table;
}

// "A", "B", ..., "Z", "AA": the letters of a 1-based column.
inline std::string column_letters(std::size_t column) {
    std::string letters;
    for (; column > 0; column = (column - 1) / 26)
        letters.insert(letters.begin(), static_cast<char>('A' + (column - 1) % 26));
    return letters;
}

// The autofilter a sheet of `table` should have: A1 to its last column and row.
inline std::string table_range(const CsvTable& table) {
    return "A1:" + column_letters(table.header.size()) + std::to_string(table.rows.size() + 1);
}

}  // namespace catena::test
