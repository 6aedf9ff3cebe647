// Every file catena writes goes through here: whole files, CSV fields and records, and big CSV
// tables written as they are made. Shared by all modules (the generator too), so a file is
// written, quoted and failed the same way everywhere.
//
// Files are atomic: the text goes to `PATH.partial` and is renamed over PATH only when all of it
// was written, so a reader (or the next step of a batch) never sees half a file and a failed
// write leaves the old file as it was. A path that exists and is not a regular file (a device
// such as /dev/stdout or /dev/null, a named pipe) is written directly.
//
// A write that fails (no such folder, no permission, a full disk, a size limit) throws
// OutputError naming the path and why; nothing partial stays behind.
#pragma once

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "catena/graph/date.hpp"

namespace catena {

// Writes `text` to `path` atomically (see above).
void write_file(const std::filesystem::path& path, std::string_view text);

// The UTF-8 byte-order mark. Excel reads a CSV file that starts with it as UTF-8 (accents and all);
// without it, as the machine's legacy code page. catena's own CSV reader skips it.
inline constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

// Writes a CSV text to `path` atomically, after the byte-order mark when `byte_order_mark`.
void write_csv_file(const std::filesystem::path& path, std::string_view text, bool byte_order_mark);

// Throws the OutputError write_file would throw for `path` (no such folder, no permission), now:
// a command checks its output file before a long run. Leaves nothing behind; a device or pipe is
// not opened.
void check_writable(const std::filesystem::path& path);

// A CSV field (RFC 4180): quoted when it holds the delimiter, a quote or a line break, with
// quotes doubled inside.
std::string csv_field(std::string_view text, char delimiter = ',');
// The fields as one CSV line, without the line break.
std::string csv_record(std::span<const std::string_view> fields, char delimiter = ',');
inline std::string csv_record(const std::vector<std::string_view>& fields, char delimiter = ',') {
    return csv_record(std::span<const std::string_view>(fields), delimiter);
}

// A big CSV table written as it is made, buffered, atomically: rows go to PATH.partial and
// commit() renames it into place. Destroyed without commit() (an exception on the way), it
// removes the partial file.
class CsvWriter {
  public:
    explicit CsvWriter(const std::filesystem::path& path);
    ~CsvWriter();
    CsvWriter(const CsvWriter&) = delete;
    CsvWriter& operator=(const CsvWriter&) = delete;

    CsvWriter& text(std::string_view value) {
        buffer_.append(value);
        return *this;
    }
    CsvWriter& field(std::string_view value);  // quoted as csv_field does
    CsvWriter& integer(std::uint64_t value);
    CsvWriter& fixed(double value, int decimals);
    CsvWriter& character(char c) {
        buffer_ += c;
        return *this;
    }
    CsvWriter& date(Date day);  // YYYY-MM-DD
    CsvWriter& comma() {
        buffer_ += ',';
        return *this;
    }
    void end_row() {
        buffer_ += '\n';
        if (buffer_.size() >= kFlushAt) flush();
    }
    // Writes what is buffered, closes the file and moves it into place.
    void commit();

  private:
    static constexpr std::size_t kFlushAt = 1 << 20;
    void flush();
    [[noreturn]] void fail(const std::string& why);

    std::filesystem::path path_, partial_;
    bool direct_ = false;
    std::FILE* file_ = nullptr;
    std::string buffer_;
};

}  // namespace catena
