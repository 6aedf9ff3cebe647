// Excel workbooks (.xlsx) of catena's tables, for `--format xlsx` and the batch job's report.xlsx.
//
// A sheet is made from a CSV table as catena writes it (a header row, commas, RFC 4180 quoting):
// the header row bold and frozen (panes at A2), an autofilter over the table, each column as wide
// as its longest cell (at most 60 characters; a number counts at most 12, as Excel's General
// format shows it). Cells are typed by column, never cell by cell, so a column sorts and filters
// as one kind: a column is numeric when every non-empty cell is a plain number (an optional minus,
// digits with no leading zero except in 0 and 0.5, an optional fraction and exponent, and at most
// 15 digits for a whole number, as many as Excel keeps), and its cells are written as numbers;
// every other column is text, so ids such as 00123, C0042 or +4412345 stay as written. Columns
// named `id`, ending in `_id` or `referred_by` are customer ids and always text, so that a lookup
// between sheets finds the same type on both sides. Empty cells stay empty; true/false are text.
//
// Excel's limits are kept: a table of more than 1,048,575 rows continues on sheets "NAME (2)",
// "NAME (3)", ..., each with the header; a cell over 32,767 characters is cut there. Each is said
// in notes(). Sheet names are made valid (at most 31 characters, none of []:*?/\) and unique.
//
// Sheets are written as they are added (libxlsxwriter's constant-memory mode: one row in memory),
// into a temporary file; write() assembles it and writes it to its path through write_file:
// atomically, and a path that cannot be written is an OutputError naming it.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace catena {

class Workbook {
  public:
    // A cell given as it is: text, or a number.
    using Cell = std::variant<std::string, double>;

    Workbook();
    ~Workbook();
    Workbook(const Workbook&) = delete;
    Workbook& operator=(const Workbook&) = delete;

    // A sheet (or more, past Excel's row limit) from CSV text; `source` names the text in errors.
    // Returns the name the sheet got.
    std::string add_csv_sheet(std::string_view name, std::string csv, std::string_view source);
    // A sheet of given cells under a header: numbers as numbers, text as text (an empty string is
    // an empty cell). Returns the name the sheet got.
    std::string add_sheet(std::string_view name, const std::vector<std::string>& header,
                          const std::vector<std::vector<Cell>>& rows);

    // What had to give way to Excel's limits, one line each.
    const std::vector<std::string>& notes() const { return notes_; }

    // Assembles the workbook and writes it to `path` (once; the workbook is done after it).
    void write(const std::filesystem::path& path);

  private:
    struct Book;
    std::unique_ptr<Book> book_;
    std::vector<std::string> notes_;
};

}  // namespace catena
