#include "catena/reports/workbook.hpp"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <fstream>
#include <iterator>
#include <set>
#include <utility>

#include <fmt/format.h>

#include "catena/graph/errors.hpp"
#include "catena/graph/output.hpp"
#include "catena/loaders/csv_reader.hpp"

#include <unistd.h>
#include <xlsxwriter.h>

namespace catena {

namespace {

constexpr lxw_row_t kSheetRows = 1'048'576;  // Excel's rows per sheet, the header among them
constexpr std::size_t kSheetColumns = 16'384;
constexpr std::size_t kCellCharacters = 32'767;
constexpr std::size_t kSheetNameCharacters = 31;
constexpr std::size_t kWidestColumn = 60, kWidestNumber = 12;

// Characters (code points) of UTF-8 text: the bytes that do not continue a character.
std::size_t characters(std::string_view text) {
    return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
        return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    }));
}

// Bytes of the first `limit` characters of `text`.
std::size_t prefix_bytes(std::string_view text, std::size_t limit) {
    std::size_t seen = 0;
    for (std::size_t pos = 0; pos < text.size(); ++pos)
        if ((static_cast<unsigned char>(text[pos]) & 0xC0) != 0x80 && seen++ == limit) return pos;
    return text.size();
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

std::size_t skip_digits(std::string_view text, std::size_t pos) {
    while (pos < text.size() && is_digit(text[pos])) ++pos;
    return pos;
}

// A plain number (workbook.hpp): -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?, a whole number
// of at most 15 digits, finite.
bool plain_number(std::string_view text, double& value) {
    std::size_t pos = text.starts_with('-') ? 1 : 0;
    const std::size_t digits_start = pos;
    pos = skip_digits(text, pos);
    const std::size_t digits = pos - digits_start;
    if (digits == 0 || (digits > 1 && text[digits_start] == '0')) return false;
    bool whole = true;
    if (pos < text.size() && text[pos] == '.') {
        const std::size_t end = skip_digits(text, pos + 1);
        if (end == pos + 1) return false;
        pos = end;
        whole = false;
    }
    if (pos < text.size() && (text[pos] == 'e' || text[pos] == 'E')) {
        ++pos;
        if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) ++pos;
        const std::size_t end = skip_digits(text, pos);
        if (end == pos) return false;
        pos = end;
        whole = false;
    }
    if (pos != text.size() || (whole && digits > 15)) return false;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    return error == std::errc() && end == text.data() + text.size() && std::isfinite(value);
}

std::string lower(std::string_view text) {
    std::string out(text);
    for (char& c : out)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return out;
}

// A column of customer ids: always text.
bool id_column(std::string_view name) {
    const std::string key = lower(name);
    return key == "id" || key.ends_with("_id") || key == "referred_by";
}

// What a sheet needs to know of a column before its rows are written.
struct Column {
    bool numeric = true;  // every non-empty cell a plain number (and not an id column)
    bool filled = false;  // some cell is not empty
    std::size_t width = 0;

    void see(std::string_view text) {
        if (text.empty()) return;
        filled = true;
        double ignored = 0;
        if (numeric && !plain_number(text, ignored)) numeric = false;
        width = std::max(width, std::min(characters(text), kWidestColumn));
    }
    // Characters wide: the longest cell (a number as Excel's General format shows it, at most 12
    // characters), the header with room for its filter button.
    double excel_width(std::string_view header) const {
        const std::size_t cells = numeric && filled ? std::min(width, kWidestNumber) : width;
        const std::size_t wanted = std::max(cells, characters(header) + 3) + 1;
        return static_cast<double>(std::min(wanted, kWidestColumn));
    }
};

void check(lxw_error error, std::string_view what) {
    if (error != LXW_NO_ERROR)
        throw InternalError(fmt::format("xlsx: {}: {}", what, lxw_strerror(error)));
}

}  // namespace

struct Workbook::Book {
    std::filesystem::path temp;
    lxw_workbook* workbook = nullptr;
    lxw_format* bold = nullptr;
    std::set<std::string> taken{"history"};  // names in use, lower case; Excel reserves History

    Book() {
        std::string pattern =
            (std::filesystem::temp_directory_path() / "catena-workbook-XXXXXX").string();
        errno = 0;
        const int fd = mkstemp(pattern.data());
        if (fd < 0)
            throw OutputError(
                pattern, std::string("cannot create a temporary file: ") + std::strerror(errno));
        ::close(fd);
        temp = pattern;
        lxw_workbook_options options{};
        options.constant_memory = LXW_TRUE;  // each row goes to disk as the next one starts
        workbook = workbook_new_opt(temp.c_str(), &options);
        if (!workbook) throw OutputError(temp.string(), "cannot start an xlsx workbook");
        bold = workbook_add_format(workbook);
        format_set_bold(bold);
    }
    ~Book() {
        if (workbook) lxw_workbook_free(workbook);
        std::error_code ignored;
        std::filesystem::remove(temp, ignored);
    }

    // A valid name, unique in the workbook: `wanted` made valid, else "wanted (2)", "wanted (3)".
    std::string unique_name(std::string_view wanted) {
        std::string base;
        for (const char c : wanted) base += std::strchr("[]:*?/\\", c) && c ? '_' : c;
        while (base.starts_with('\'')) base.erase(0, 1);
        if (base.empty()) base = "Sheet";
        for (int copy = 1;; ++copy) {
            const std::string suffix = copy == 1 ? "" : fmt::format(" ({})", copy);
            std::string name =
                base.substr(0, prefix_bytes(base, kSheetNameCharacters - suffix.size()));
            while (name.ends_with('\'')) name.pop_back();
            name += suffix;
            if (!name.empty() && taken.insert(lower(name)).second) return name;
        }
    }

    // A new sheet with its header row (bold, frozen), column widths and numbers shown as typed.
    lxw_worksheet* start_sheet(const std::string& name, const std::vector<std::string>& header,
                               const std::vector<double>& widths) {
        lxw_worksheet* sheet = workbook_add_worksheet(workbook, name.c_str());
        if (!sheet) throw InternalError("xlsx: cannot add sheet '" + name + "'");
        for (std::size_t column = 0; column < header.size(); ++column) {
            const auto at = static_cast<lxw_col_t>(column);
            check(worksheet_set_column(sheet, at, at, widths[column], nullptr), "column width");
            check(worksheet_write_string(sheet, 0, at, header[column].c_str(), bold), "header");
        }
        worksheet_freeze_panes(sheet, 1, 0);
        return sheet;
    }

    // The autofilter over the header and `rows` rows under it.
    static void finish_sheet(lxw_worksheet* sheet, lxw_row_t rows, std::size_t columns) {
        check(worksheet_autofilter(sheet, 0, 0, rows, static_cast<lxw_col_t>(columns - 1)),
              "autofilter");
    }

    // Writes a text cell, cut to Excel's longest; true when it was cut.
    static bool write_text(lxw_worksheet* sheet, lxw_row_t row, lxw_col_t column,
                           std::string_view text, std::string& buffer) {
        const std::size_t keep =
            text.size() > kCellCharacters ? prefix_bytes(text, kCellCharacters) : text.size();
        buffer.assign(text.substr(0, keep));
        check(worksheet_write_string(sheet, row, column, buffer.c_str(), nullptr), "cell");
        return keep < text.size();
    }
};

Workbook::Workbook() : book_(std::make_unique<Book>()) {}
Workbook::~Workbook() = default;

std::string Workbook::add_csv_sheet(std::string_view name, std::string csv,
                                    std::string_view source) {
    if (!book_->workbook) throw InternalError("xlsx: a sheet added to a written workbook");
    CsvOptions options;
    options.delimiter = ',';
    // First pass: each column's kind and width.
    CsvReader scan(std::string(source), csv, options);
    const std::vector<std::string>& header = scan.header();
    if (header.size() > kSheetColumns)
        throw UsageError(fmt::format("{}: {} columns are more than an Excel sheet holds ({})",
                                     source, header.size(), kSheetColumns));
    std::vector<Column> columns(header.size());
    for (std::size_t column = 0; column < header.size(); ++column)
        columns[column].numeric = !id_column(header[column]);
    std::vector<std::string_view> fields;
    std::uint64_t rows = 0;
    while (scan.next(fields)) {
        ++rows;
        for (std::size_t column = 0; column < fields.size(); ++column)
            columns[column].see(fields[column]);
    }
    std::vector<double> widths;
    for (std::size_t column = 0; column < header.size(); ++column)
        widths.push_back(columns[column].excel_width(header[column]));

    // Second pass: the rows, on as many sheets as Excel's row limit needs.
    CsvReader reader(std::string(source), std::move(csv), options);
    const std::string first = book_->unique_name(name);
    lxw_worksheet* sheet = book_->start_sheet(first, header, widths);
    lxw_row_t row = 0;  // the last row written on `sheet`
    std::uint64_t cut = 0;
    std::string buffer;
    std::vector<std::string> continued;
    while (reader.next(fields)) {
        if (row == kSheetRows - 1) {
            Book::finish_sheet(sheet, row, header.size());
            continued.push_back(book_->unique_name(first));
            sheet = book_->start_sheet(continued.back(), header, widths);
            row = 0;
        }
        ++row;
        for (std::size_t column = 0; column < fields.size(); ++column) {
            const std::string_view text = fields[column];
            const auto at = static_cast<lxw_col_t>(column);
            double number = 0;
            if (text.empty()) continue;
            if (columns[column].numeric && plain_number(text, number))
                check(worksheet_write_number(sheet, row, at, number, nullptr), "cell");
            else
                cut += Book::write_text(sheet, row, at, text, buffer);
        }
    }
    Book::finish_sheet(sheet, row, header.size());
    if (!continued.empty())
        notes_.push_back(fmt::format(
            "{}: {} rows are more than an Excel sheet holds ({} under the header); sheet '{}' "
            "goes on in '{}'",
            source, rows, kSheetRows - 1, first, fmt::join(continued, "', '")));
    if (cut > 0)
        notes_.push_back(fmt::format(
            "{}: {} cell{} longer than Excel's {} characters cut to that length in sheet '{}'",
            source, cut, cut == 1 ? "" : "s", kCellCharacters, first));
    return first;
}

std::string Workbook::add_sheet(std::string_view name, const std::vector<std::string>& header,
                                const std::vector<std::vector<Cell>>& rows) {
    if (!book_->workbook) throw InternalError("xlsx: a sheet added to a written workbook");
    if (header.empty()) throw InternalError("xlsx: a sheet without columns");
    // Mixed columns: as wide as their widest text or number.
    std::vector<Column> columns(header.size(), Column{false, false, 0});
    for (const auto& cells : rows)
        for (std::size_t column = 0; column < cells.size() && column < header.size(); ++column) {
            if (const auto* text = std::get_if<std::string>(&cells[column]))
                columns[column].see(*text);
            else
                columns[column].width =
                    std::max(columns[column].width,
                             std::min(fmt::format("{}", std::get<double>(cells[column])).size(),
                                      kWidestNumber));
        }
    std::vector<double> widths;
    for (std::size_t column = 0; column < header.size(); ++column)
        widths.push_back(columns[column].excel_width(header[column]));
    const std::string sheet_name = book_->unique_name(name);
    lxw_worksheet* sheet = book_->start_sheet(sheet_name, header, widths);
    if (rows.size() >= kSheetRows) throw InternalError("xlsx: too many rows for one sheet");
    lxw_row_t row = 0;
    std::string buffer;
    for (const auto& cells : rows) {
        ++row;
        for (std::size_t column = 0; column < cells.size() && column < header.size(); ++column) {
            const auto at = static_cast<lxw_col_t>(column);
            if (const auto* number = std::get_if<double>(&cells[column]))
                check(worksheet_write_number(sheet, row, at, *number, nullptr), "cell");
            else if (const auto& text = std::get<std::string>(cells[column]); !text.empty())
                Book::write_text(sheet, row, at, text, buffer);
        }
    }
    Book::finish_sheet(sheet, row, header.size());
    return sheet_name;
}

void Workbook::write(const std::filesystem::path& path) {
    if (!book_->workbook) throw InternalError("xlsx: a workbook written twice");
    const lxw_error error = workbook_close(std::exchange(book_->workbook, nullptr));
    if (error != LXW_NO_ERROR)
        throw OutputError(path.string(), fmt::format("cannot assemble the workbook in {}: {}",
                                                     book_->temp.string(), lxw_strerror(error)));
    std::ifstream in(book_->temp, std::ios::binary);
    const std::string bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    if (!in.good() && !in.eof())
        throw OutputError(path.string(),
                          "cannot read back the workbook assembled in " + book_->temp.string());
    write_file(path, bytes);
}

}  // namespace catena
