// libFuzzer target: the CSV reader on arbitrary bytes, read in memory. Besides not crashing, it
// checks what the reader promises: every record has the header's field count and the line it
// starts on, every header name finds its own column, errors name the file and a line of it, the
// end stays the end; and a file it read without error, written back with every field quoted,
// reads back to the same header and records.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "catena/loaders/csv_reader.hpp"

#include "fuzz_support.hpp"

namespace {

using Record = std::vector<std::string>;

// RFC 4180 with every field quoted (a BOM first, so a BOM-like start of the first name survives).
std::string write_csv(const Record& header, const std::vector<Record>& records) {
    std::string text = "\xEF\xBB\xBF";
    const auto line = [&text](const Record& fields) {
        for (std::size_t index = 0; index < fields.size(); ++index) {
            text += index == 0 ? "\"" : ",\"";
            for (const char c : fields[index])
                text += c == '"' ? std::string("\"\"") : std::string(1, c);
            text += '"';
        }
        text += '\n';
    };
    line(header);
    for (const Record& record : records) line(record);
    return text;
}

// Counts the line breaks before a position that only moves forward (as fuzz::line_breaks does).
class LineCounter {
  public:
    explicit LineCounter(std::string_view text) : text_(text) {}
    // The line on which text[pos] is.
    std::uint64_t line_at(std::size_t pos) {
        for (; counted_ < pos; ++counted_)
            breaks_ += text_[counted_] == '\n' ||
                       (text_[counted_] == '\r' &&
                        !(counted_ + 1 < text_.size() && text_[counted_ + 1] == '\n'));
        return breaks_ + 1;
    }

  private:
    std::string_view text_;
    std::size_t counted_ = 0;
    std::uint64_t breaks_ = 0;
};

// Where the record after `pos` starts: past the empty lines.
std::size_t skip_empty_lines(std::string_view text, std::size_t pos) {
    while (pos < text.size() && (text[pos] == '\n' || text[pos] == '\r')) ++pos;
    return pos;
}

// Reads everything, checking the reader's promises; throws the reader's InputError.
void read_all(catena::CsvReader& reader, std::string_view text, std::vector<Record>& records) {
    const std::vector<std::string>& header = reader.header();
    CATENA_FUZZ_CHECK(!header.empty());
    for (std::size_t index = 0; index < header.size(); ++index) {
        CATENA_FUZZ_CHECK(!header[index].empty());
        CATENA_FUZZ_CHECK(reader.column(header[index]) == index);
    }
    LineCounter lines(text);
    const std::size_t after_bom = text.substr(0, 3) == "\xEF\xBB\xBF" ? 3 : 0;
    CATENA_FUZZ_CHECK(reader.line() == lines.line_at(skip_empty_lines(text, after_bom)));
    std::size_t end = reader.bytes_read();
    std::vector<std::string_view> fields;
    std::size_t field_bytes = 0;
    while (reader.next(fields)) {
        CATENA_FUZZ_CHECK(fields.size() == header.size());
        CATENA_FUZZ_CHECK(reader.bytes_total() == text.size());
        CATENA_FUZZ_CHECK(reader.bytes_read() > end && reader.bytes_read() <= text.size());
        CATENA_FUZZ_CHECK(reader.line() == lines.line_at(skip_empty_lines(text, end)));
        end = reader.bytes_read();
        for (const std::string_view field : fields) field_bytes += field.size();
        records.emplace_back(fields.begin(), fields.end());
    }
    CATENA_FUZZ_CHECK(field_bytes <= text.size());
    CATENA_FUZZ_CHECK(!reader.next(fields));
    CATENA_FUZZ_CHECK(fields.empty());
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    catena::fuzz::initialize();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    Record header;
    std::vector<Record> records;
    bool read = false;
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    catena::fuzz::expect_only_input_errors(
        [&] {
            catena::CsvReader reader("fuzz.csv", std::string(text));
            read_all(reader, text, records);
            header = reader.header();
            read = true;
        },
        [&](const std::string& message) {
            catena::fuzz::check_csv_error(message, "fuzz.csv", text);
        });
    if (!read) return 0;

    const std::string rewritten = write_csv(header, records);
    std::vector<Record> again;
    try {
        catena::CsvReader reader("rewritten.csv", rewritten);
        read_all(reader, rewritten, again);
        CATENA_FUZZ_CHECK(reader.header() == header);
    } catch (const std::exception& error) {
        catena::fuzz::fail("the rewritten file does not read back", error.what());
    }
    CATENA_FUZZ_CHECK(again == records);
    return 0;
}
