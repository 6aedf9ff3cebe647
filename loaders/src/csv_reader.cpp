#include "catena/loaders/csv_reader.hpp"

#include <cstdio>
#include <cstring>
#include <fstream>
#include <unordered_set>

#include "catena/graph/errors.hpp"
#include "catena/graph/relationship_types.hpp"
#include "field_parse.hpp"

namespace catena {

namespace {

std::string read_file(const std::filesystem::path& path) {
    std::error_code error;
    if (!std::filesystem::exists(path, error))
        throw InputError(path.string(), "", "no such file");
    if (std::filesystem::is_directory(path, error))
        throw InputError(path.string(), "", "is a folder, not a CSV file");
    std::FILE* file = std::fopen(path.c_str(), "rb");
    if (!file) throw InputError(path.string(), "", std::string("cannot open: ") + std::strerror(errno));
    std::string contents;
    char chunk[1 << 16];
    std::size_t got = 0;
    if (std::fseek(file, 0, SEEK_END) == 0) {
        const long size = std::ftell(file);
        if (size > 0) contents.reserve(static_cast<std::size_t>(size));
        std::fseek(file, 0, SEEK_SET);
    }
    while ((got = std::fread(chunk, 1, sizeof chunk, file)) > 0) contents.append(chunk, got);
    const bool failed = std::ferror(file) != 0;
    std::fclose(file);
    if (failed) throw InputError(path.string(), "", "read error");
    return contents;
}

}  // namespace

CsvReader CsvReader::open(const std::filesystem::path& path) {
    return CsvReader(path.string(), read_file(path));
}

CsvReader::CsvReader(std::string name, std::string contents)
    : name_(std::move(name)), buffer_(std::move(contents)) {
    if (buffer_.size() >= 3 && std::memcmp(buffer_.data(), "\xEF\xBB\xBF", 3) == 0) pos_ = 3;
    invalid_utf8_ = fields::find_invalid_utf8(buffer_, pos_);
    std::vector<std::string_view> fields;
    if (!parse_record(fields)) throw InputError(name_, "", "empty file: no header row");
    check_utf8(fields, file_line(name_, record_line_));
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

void CsvReader::check_utf8(const std::vector<std::string_view>& fields, const std::string& where) {
    if (invalid_utf8_ >= pos_) return;  // the next bad byte (if any) lies beyond this record
    // Parsing only removes quotes, so the bad byte is in one of the fields.
    for (std::size_t index = 0; index < fields.size(); ++index) {
        if (fields::find_invalid_utf8(fields[index]) == std::string_view::npos) continue;
        invalid_utf8_ = fields::find_invalid_utf8(buffer_, pos_);  // for a caller that goes on
        throw InputError(where, header_.empty() ? "header" : column_label(index),
                         header_.empty() ? "column " + std::to_string(index + 1) + "'s name is not valid UTF-8"
                                         : std::string("is not valid UTF-8 text (save the file as UTF-8)"));
    }
    invalid_utf8_ = fields::find_invalid_utf8(buffer_, pos_);
}

bool CsvReader::next(std::vector<std::string_view>& fields) {
    if (!parse_record(fields)) return false;
    check_utf8(fields, where());
    if (fields.size() != header_.size())
        throw InputError(where(), "",
                         "expected " + std::to_string(header_.size()) + " fields (as in the header), found " +
                             std::to_string(fields.size()));
    return true;
}

bool CsvReader::parse_record(std::vector<std::string_view>& fields) {
    fields.clear();
    char* const data = buffer_.data();
    const std::size_t size = buffer_.size();
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
                    throw InputError(file_line(name_, quote_line),
                                     column_label(fields.size()),
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
                if (c == '\n') ++line_;
                else if (c == '\r' && !(read + 1 < size && data[read + 1] == '\n')) ++line_;
                data[write++] = c;
                ++read;
            }
            fields.emplace_back(data + begin, write - begin);
            pos_ = read;
            if (pos_ < size && data[pos_] != ',' && data[pos_] != '\n' && data[pos_] != '\r')
                throw InputError(file_line(name_, line_),
                                 column_label(fields.size() - 1),
                                 "unexpected character after a closing quote (quotes inside a "
                                 "quoted field must be doubled)");
        } else {
            const std::size_t begin = pos_;
            while (pos_ < size && data[pos_] != ',' && data[pos_] != '\n' && data[pos_] != '\r') ++pos_;
            fields.emplace_back(data + begin, pos_ - begin);
        }
        // After a field: a comma, an end of line, or the end of the file.
        if (pos_ >= size) return true;
        const char c = data[pos_];
        if (c == ',') {
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
