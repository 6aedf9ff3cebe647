#include "catena/loaders/csv_reader.hpp"

#include <cctype>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <unordered_set>

#include "catena/graph/errors.hpp"
#include "catena/graph/huge_pages.hpp"
#include "catena/graph/relationship_types.hpp"

#include "field_parse.hpp"

namespace catena {

namespace {

std::string read_file(const std::filesystem::path& path) {
    std::error_code error;
    if (!std::filesystem::exists(path, error)) throw InputError(path.string(), "", "no such file");
    if (std::filesystem::is_directory(path, error))
        throw InputError(path.string(), "", "is a folder, not a CSV file");
    std::FILE* file = std::fopen(path.c_str(), "rb");
    if (!file)
        throw InputError(path.string(), "", std::string("cannot open: ") + std::strerror(errno));
    std::string contents;
    char chunk[1 << 16];
    std::size_t got = 0;
    if (std::fseek(file, 0, SEEK_END) == 0) {
        const long size = std::ftell(file);
        if (size > 0) {
            contents.reserve(static_cast<std::size_t>(size));
            advise_huge_pages(contents.data(), contents.capacity());
        }
        std::fseek(file, 0, SEEK_SET);
    }
    while ((got = std::fread(chunk, 1, sizeof chunk, file)) > 0) contents.append(chunk, got);
    const bool failed = std::ferror(file) != 0;
    std::fclose(file);
    if (failed) throw InputError(path.string(), "", "read error");
    return contents;
}

// The delimiter the header line uses most outside quotes, of , ; tab |; a comma on a tie or none.
char detect_delimiter(std::string_view text) {
    constexpr char kCandidates[] = {',', ';', '\t', '|'};
    std::size_t counts[4] = {0, 0, 0, 0};
    bool quoted = false;
    for (std::size_t at = 0; at < text.size(); ++at) {
        const char c = text[at];
        if (c == '"')
            quoted = !quoted;
        else if (!quoted && (c == '\n' || c == '\r'))
            break;
        else if (!quoted)
            for (int candidate = 0; candidate < 4; ++candidate)
                counts[candidate] += c == kCandidates[candidate];
    }
    int best = 0;
    for (int candidate = 1; candidate < 4; ++candidate)
        if (counts[candidate] > counts[best]) best = candidate;
    return kCandidates[best];
}

// Windows-1252's characters for bytes 0x80-0x9F (0: undefined there).
constexpr char16_t kWindows1252[32] = {
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0,      0x017D, 0,      0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178};

}  // namespace

std::optional<TextEncoding> parse_text_encoding(std::string_view name) {
    std::string key;
    for (const char c : name)
        if (c != '-' && c != '_' && c != ' ')
            key += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (key == "utf8") return TextEncoding::utf8;
    if (key == "latin1" || key == "iso88591") return TextEncoding::latin1;
    if (key == "windows1252" || key == "cp1252") return TextEncoding::windows1252;
    return std::nullopt;
}

std::string_view to_string(TextEncoding encoding) {
    switch (encoding) {
        case TextEncoding::latin1:
            return "latin-1";
        case TextEncoding::windows1252:
            return "windows-1252";
        case TextEncoding::utf8:
            break;
    }
    return "utf-8";
}

std::string to_utf8(std::string text, TextEncoding encoding, std::string_view name) {
    if (encoding == TextEncoding::utf8) return text;
    std::size_t high = 0;
    for (const char c : text) high += static_cast<unsigned char>(c) >= 0x80;
    if (high == 0) return text;
    std::string out;
    out.reserve(text.size() + 2 * high);
    std::uint64_t line = 1;
    const auto append = [&out](char32_t code) {
        if (code < 0x80) {
            out += static_cast<char>(code);
        } else if (code < 0x800) {
            out += static_cast<char>(0xC0 | (code >> 6));
            out += static_cast<char>(0x80 | (code & 0x3F));
        } else {
            out += static_cast<char>(0xE0 | (code >> 12));
            out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (code & 0x3F));
        }
    };
    for (const char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte == '\n') ++line;
        if (byte < 0x80) {
            out += c;
        } else if (encoding == TextEncoding::windows1252 && byte < 0xA0) {
            const char16_t code = kWindows1252[byte - 0x80];
            if (code == 0) {
                char hex[8];
                std::snprintf(hex, sizeof hex, "0x%02X", byte);
                throw InputError(file_line(name, line), "",
                                 std::string("byte ") + hex +
                                     " is not a windows-1252 character (is the file latin-1?)");
            }
            append(code);
        } else {
            append(byte);
        }
    }
    return out;
}

CsvReader CsvReader::open(const std::filesystem::path& path, const CsvOptions& options) {
    return CsvReader(path.string(), to_utf8(read_file(path), options.encoding, path.string()),
                     options);
}

CsvReader::CsvReader(std::string name, std::string contents, const CsvOptions& options)
    : name_(std::move(name)), buffer_(std::move(contents)) {
    if (buffer_.size() >= 3 && std::memcmp(buffer_.data(), "\xEF\xBB\xBF", 3) == 0) pos_ = 3;
    delimiter_ = options.delimiter;
    if (delimiter_ == 0) {
        std::size_t header = pos_;  // the header is the first line that is not empty
        while (header < buffer_.size() && (buffer_[header] == '\n' || buffer_[header] == '\r'))
            ++header;
        delimiter_ = detect_delimiter(std::string_view(buffer_).substr(header));
        delimiter_detected_ = true;
    }
    invalid_utf8_ = fields::find_invalid_utf8(buffer_, pos_);
    std::vector<std::string_view> fields;
    if (!parse_record(fields)) throw InputError(name_, "", "empty file: no header row");
    check_utf8(fields);
    std::unordered_set<std::string> seen;
    for (std::size_t index = 0; index < fields.size(); ++index) {
        const std::string_view column = fields::trim(fields[index]);
        if (column.empty())
            throw InputError(file_line(name_, record_line_), "header",
                             "column " + std::to_string(index + 1) + " has no name");
        if (!seen.insert(normalize_type_name(column)).second)
            throw InputError(file_line(name_, record_line_), "header",
                             "column '" + std::string(column) + "' appears twice");
        header_.emplace_back(column);
    }
}

CsvReader CsvReader::continuation(const CsvReader& header, std::string contents,
                                  std::uint64_t first_line) {
    CsvReader reader;
    reader.name_ = header.name_;
    reader.buffer_ = std::move(contents);
    reader.line_ = first_line;
    reader.record_line_ = header.record_line_;  // where() names the header until a record is read
    reader.header_ = header.header_;
    reader.delimiter_ = header.delimiter_;
    reader.delimiter_detected_ = header.delimiter_detected_;
    reader.invalid_utf8_ = fields::find_invalid_utf8(reader.buffer_, 0);
    return reader;
}

std::optional<std::size_t> CsvReader::column(std::string_view name) const {
    const std::string key = normalize_type_name(name);
    for (std::size_t index = 0; index < header_.size(); ++index)
        if (normalize_type_name(header_[index]) == key) return index;
    return std::nullopt;
}

std::string CsvReader::column_label(std::size_t index) const {
    if (header_.empty()) return "header";
    if (index < header_.size()) return header_[index];
    return "field " + std::to_string(index + 1);
}

std::string CsvReader::where() const { return file_line(name_, record_line_); }

void CsvReader::check_utf8(const std::vector<std::string_view>& fields) {
    if (invalid_utf8_ >= pos_) return;  // the next bad byte (if any) lies beyond this record
    const std::string where = this->where();
    // Parsing only removes quotes, so the bad byte is in one of the fields.
    for (std::size_t index = 0; index < fields.size(); ++index) {
        if (fields::find_invalid_utf8(fields[index]) == std::string_view::npos) continue;
        invalid_utf8_ = fields::find_invalid_utf8(buffer_, pos_);  // for a caller that goes on
        if (header_.empty())
            throw InputError(where, "header",
                             "column " + std::to_string(index + 1) +
                                 "'s name is not valid UTF-8 (save the file as UTF-8, or give "
                                 "its encoding in a mapping: encoding = \"windows-1252\")");
        throw BadRecord(
            where, column_label(index),
            "is not valid UTF-8 text (save the file as UTF-8, or give its encoding in a mapping: "
            "encoding = \"windows-1252\")");
    }
    invalid_utf8_ = fields::find_invalid_utf8(buffer_, pos_);
}

bool CsvReader::next(std::vector<std::string_view>& fields) {
    if (!parse_record(fields)) return false;
    check_utf8(fields);
    if (fields.size() != header_.size())
        throw BadRecord(where(), "",
                        "expected " + std::to_string(header_.size()) +
                            " fields (as in the header), found " + std::to_string(fields.size()));
    return true;
}

bool CsvReader::parse_record(std::vector<std::string_view>& fields) {
    fields.clear();
    char* const data = buffer_.data();
    const std::size_t size = buffer_.size();
    const char separator = delimiter_;
    // Skip empty lines.
    while (pos_ < size && (data[pos_] == '\n' || data[pos_] == '\r')) {
        if (data[pos_] == '\r' && pos_ + 1 < size && data[pos_ + 1] == '\n') ++pos_;
        ++pos_;
        ++line_;
    }
    if (pos_ >= size) return false;
    record_line_ = line_;
    for (;;) {
        // One field starting at pos_.
        if (pos_ < size && data[pos_] == '"') {
            const std::uint64_t quote_line = line_;
            std::size_t read = pos_ + 1;
            std::size_t write = read;
            const std::size_t begin = read;
            for (;;) {
                if (read >= size)
                    throw InputError(file_line(name_, quote_line), column_label(fields.size()),
                                     "unterminated quoted field (no closing \")");
                const char c = data[read];
                if (c == '"') {
                    if (read + 1 < size && data[read + 1] == '"') {
                        data[write++] = '"';
                        read += 2;
                        continue;
                    }
                    ++read;  // closing quote
                    break;
                }
                if (c == '\n')
                    ++line_;
                else if (c == '\r' && !(read + 1 < size && data[read + 1] == '\n'))
                    ++line_;
                data[write++] = c;
                ++read;
            }
            fields.emplace_back(data + begin, write - begin);
            pos_ = read;
            if (pos_ < size && data[pos_] != separator && data[pos_] != '\n' && data[pos_] != '\r')
                throw InputError(file_line(name_, line_), column_label(fields.size() - 1),
                                 "unexpected character after a closing quote (quotes inside a "
                                 "quoted field must be doubled)");
        } else {
            const std::size_t begin = pos_;
            while (pos_ < size && data[pos_] != separator && data[pos_] != '\n' &&
                   data[pos_] != '\r')
                ++pos_;
            fields.emplace_back(data + begin, pos_ - begin);
        }
        // After a field: a comma, an end of line, or the end of the file.
        if (pos_ >= size) return true;
        const char c = data[pos_];
        if (c == separator) {
            ++pos_;
            continue;
        }
        if (c == '\r' && pos_ + 1 < size && data[pos_ + 1] == '\n') ++pos_;
        ++pos_;
        ++line_;
        return true;
    }
}

}  // namespace catena
