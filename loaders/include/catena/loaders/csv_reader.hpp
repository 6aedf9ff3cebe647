// An RFC 4180 CSV reader: a header row, then records of the same number of fields. Fields may be
// quoted ("a, b"), with quotes doubled inside ("say ""hi"""), and may span lines. Records end with
// LF, CRLF or CR; a UTF-8 byte-order mark at the start is skipped; completely empty lines are
// skipped; the last record may end without a newline. A quote inside an unquoted field is kept
// as a literal character, as most spreadsheet exports expect. Text must be UTF-8: a field that is
// not is an InputError naming its line and column (checked once over the file, so clean files
// cost one fast pass).
//
// The delimiter is a comma unless told otherwise; when detection is asked for, it is the one of
// `,` `;` tab `|` that occurs most often outside quotes in the header line (a comma on a tie or
// when none occurs). Latin-1 and Windows-1252 files are converted to UTF-8 as they are read.
//
// The file is read into memory once and fields are views into it (quoted fields are unescaped in
// place), so reading allocates nothing per record. Errors are InputErrors naming file and line.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "catena/graph/errors.hpp"

namespace catena {

enum class TextEncoding { utf8, latin1, windows1252 };
// "utf-8", "latin-1" (also "iso-8859-1") or "windows-1252" (also "cp1252"), any case.
std::optional<TextEncoding> parse_text_encoding(std::string_view name);
std::string_view to_string(TextEncoding encoding);
// Converts Latin-1 or Windows-1252 text to UTF-8 (UTF-8 is returned as it is). Throws InputError
// naming `name` and the line for a byte Windows-1252 leaves undefined.
std::string to_utf8(std::string text, TextEncoding encoding, std::string_view name);

struct CsvOptions {
    char delimiter = 0;  // 0: detect from the header line
    TextEncoding encoding = TextEncoding::utf8;
};

// A record that was read whole but is bad (the wrong number of fields, text that is not UTF-8):
// the reader is positioned after it, so a lenient caller may skip it and go on.
class BadRecord : public InputError {
  public:
    BadRecord(const std::string& where, std::string column, const std::string& what)
        : InputError(where, column, what), column_(column), what_(what) {}
    const std::string& column() const { return column_; }
    const std::string& problem() const { return what_; }

  private:
    std::string column_, what_;
};

class CsvReader {
  public:
    // Reads `path` (shown in messages as given). Throws InputError when the file is missing,
    // unreadable, empty or has an unusable header (an empty or repeated column name).
    static CsvReader open(const std::filesystem::path& path, const CsvOptions& options = {});
    // Parses `contents` as if read from a file named `name`.
    CsvReader(std::string name, std::string contents, const CsvOptions& options = {});
    // Reads part of a file whose header `header` has read (catena-mpi reads its byte range of a
    // file so): `contents` holds whole records (no header), the first of them on line
    // `first_line` of the file; name, header and delimiter are `header`'s (and so is line()
    // until a record is read). Lines are counted as for the whole file, so errors name the
    // file's true line.
    static CsvReader continuation(const CsvReader& header, std::string contents,
                                  std::uint64_t first_line);

    char delimiter() const { return delimiter_; }
    bool delimiter_detected() const { return delimiter_detected_; }
    const std::string& name() const { return name_; }
    // Column names as written in the header (outer spaces trimmed).
    const std::vector<std::string>& header() const { return header_; }
    // Index of the column named `name` (case-insensitive), if any.
    std::optional<std::size_t> column(std::string_view name) const;

    // Reads the next record into `fields`; false at the end of the file. The views stay valid
    // as long as the reader. Throws InputError on an unterminated quote or a stray character
    // after a closing quote, and BadRecord (after which reading may go on) for a record with the
    // wrong number of fields or text that is not UTF-8.
    bool next(std::vector<std::string_view>& fields);
    // Line on which the current record starts (1 = the header).
    std::uint64_t line() const { return record_line_; }
    // "file:line" of the current record.
    std::string where() const;
    // Bytes read so far and in all: lets a loader estimate how many records there are.
    std::size_t bytes_read() const { return pos_; }
    std::size_t bytes_total() const { return buffer_.size(); }

  private:
    CsvReader() = default;
    bool parse_record(std::vector<std::string_view>& fields);
    std::string column_label(std::size_t index) const;
    // Throws for the first field of the record just parsed that is not UTF-8, if it has one
    // (the message's "file:line" is built only then: a string per record costs 5% of a load).
    void check_utf8(const std::vector<std::string_view>& fields);

    std::string name_;
    std::string buffer_;
    std::size_t pos_ = 0;
    std::uint64_t line_ = 1;  // line at pos_
    std::uint64_t record_line_ = 0;
    std::size_t invalid_utf8_ =
        0;  // offset of the first byte at or after pos_ that is not UTF-8 (npos: none)
    std::vector<std::string> header_;
    char delimiter_ = ',';
    bool delimiter_detected_ = false;
};

}  // namespace catena
