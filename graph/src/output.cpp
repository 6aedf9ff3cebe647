#include "catena/graph/output.hpp"

#include <cerrno>
#include <charconv>
#include <cstring>

#include "catena/graph/errors.hpp"

namespace catena {

namespace {

// True when `path` exists and is not a regular file (a device, a pipe): written in place.
bool written_directly(const std::filesystem::path& path) {
    std::error_code error;
    const auto status = std::filesystem::status(path, error);
    return std::filesystem::exists(status) && !std::filesystem::is_regular_file(status);
}

std::string partial_of(const std::filesystem::path& path) { return path.string() + ".partial"; }

// Why an fopen/fwrite/fclose failed, for people.
std::string reason(int error) {
    if (error == ENOENT) return "no such folder";
    if (error == ENOTDIR) return "a file stands where a folder should be";
    if (error == EACCES || error == EPERM) return "no permission";
    if (error == EROFS) return "the file system is read-only";
    if (error == ENOSPC) return "No space left on device (disk full)";
    if (error == EFBIG) return "File too large (over a file size limit, or disk full?)";
    if (error == EISDIR) return "it is a folder";
    return error != 0 ? std::string(std::strerror(error)) + " (disk full?)"
                      : "disk full or failing";
}

}  // namespace

void write_file(const std::filesystem::path& path, std::string_view text) {
    CsvWriter file(path);
    file.text(text);
    file.commit();
}

void write_csv_file(const std::filesystem::path& path, std::string_view text,
                    bool byte_order_mark) {
    CsvWriter file(path);
    if (byte_order_mark) file.text(kUtf8Bom);
    file.text(text);
    file.commit();
}

void check_writable(const std::filesystem::path& path) {
    // A device or pipe is written directly, and opening one twice could end what reads it.
    if (written_directly(path)) return;
    const CsvWriter probe(path);  // opens PATH.partial and removes it again
}

std::string csv_field(std::string_view text, char delimiter) {
    const char special[] = {delimiter, '"', '\r', '\n', '\0'};
    if (text.find_first_of(special) == std::string_view::npos) return std::string(text);
    std::string out = "\"";
    for (const char c : text) {
        if (c == '"') out += '"';
        out += c;
    }
    return out + "\"";
}

std::string csv_record(std::span<const std::string_view> fields, char delimiter) {
    std::string line;
    for (std::size_t index = 0; index < fields.size(); ++index) {
        if (index > 0) line += delimiter;
        line += csv_field(fields[index], delimiter);
    }
    return line;
}

CsvWriter::CsvWriter(const std::filesystem::path& path)
    : path_(path), partial_(partial_of(path)), direct_(written_directly(path)) {
    errno = 0;
    file_ = std::fopen((direct_ ? path_ : partial_).c_str(), "wb");
    if (!file_) fail(reason(errno));
    buffer_.reserve(kFlushAt + 4096);
}

CsvWriter::~CsvWriter() {
    if (!file_) return;
    std::fclose(file_);
    std::error_code ignored;
    if (!direct_) std::filesystem::remove(partial_, ignored);
}

CsvWriter& CsvWriter::field(std::string_view value) {
    if (value.find_first_of(",\"\r\n") == std::string_view::npos) return text(value);
    buffer_ += csv_field(value);
    return *this;
}

CsvWriter& CsvWriter::integer(std::uint64_t value) {
    char digits[24];
    const auto end = std::to_chars(digits, digits + sizeof digits, value).ptr;
    buffer_.append(digits, end);
    return *this;
}

CsvWriter& CsvWriter::fixed(double value, int decimals) {
    char digits[64];
    const auto end =
        std::to_chars(digits, digits + sizeof digits, value, std::chars_format::fixed, decimals)
            .ptr;
    buffer_.append(digits, end);
    return *this;
}

CsvWriter& CsvWriter::date(Date day) {
    buffer_.append(format_iso_date(day));
    return *this;
}

void CsvWriter::flush() {
    errno = 0;
    if (!buffer_.empty() && std::fwrite(buffer_.data(), 1, buffer_.size(), file_) != buffer_.size())
        fail(reason(errno));
    buffer_.clear();
}

void CsvWriter::commit() {
    flush();
    errno = 0;
    const bool closed = std::fclose(file_) == 0;
    file_ = nullptr;
    std::error_code error;
    if (!closed) {
        const int why = errno;
        if (!direct_) std::filesystem::remove(partial_, error);
        throw OutputError(path_.string(), "cannot write: " + reason(why));
    }
    if (direct_) return;
    std::filesystem::rename(partial_, path_, error);
    if (error) {
        std::error_code ignored;
        std::filesystem::remove(partial_, ignored);
        throw OutputError(path_.string(), "cannot write: " + error.message());
    }
}

void CsvWriter::fail(const std::string& why) {
    if (file_) std::fclose(file_);
    file_ = nullptr;
    std::error_code ignored;
    if (!direct_) std::filesystem::remove(partial_, ignored);
    throw OutputError(path_.string(), "cannot write: " + why);
}

}  // namespace catena
