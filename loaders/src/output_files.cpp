// Files catena writes beside its inputs: the rejects file of a lenient load, and any text file
// written whole through a temporary name.
#include <cstdio>
#include <string>

#include "catena/graph/errors.hpp"
#include "catena/loaders/load.hpp"
#include "bad_rows.hpp"

namespace catena {

void write_text_file(const std::filesystem::path& path, std::string_view text) {
    std::error_code status_error;
    const auto status = std::filesystem::status(path, status_error);
    const bool direct = std::filesystem::exists(status) && !std::filesystem::is_regular_file(status);
    const std::string partial = direct ? path.string() : path.string() + ".partial";
    std::FILE* file = std::fopen(partial.c_str(), "wb");
    if (!file) throw InputError(path.string(), "", "cannot write the file (no such folder, or no permission?)");
    const bool written = std::fwrite(text.data(), 1, text.size(), file) == text.size();
    std::error_code error;
    if (std::fclose(file) != 0 || !written) {
        if (!direct) std::filesystem::remove(partial, error);
        throw InputError(path.string(), "", "cannot write the file (disk full?)");
    }
    if (direct) return;
    std::filesystem::rename(partial, path, error);
    if (error) {
        std::filesystem::remove(partial, error);
        throw InputError(path.string(), "", "cannot write the file: " + error.message());
    }
}

void write_rejects_csv(const std::filesystem::path& path, const std::vector<SkippedRow>& rows) {
    std::string text = "file,line,table,column,reason,message,record\n";
    for (const SkippedRow& row : rows) {
        const std::string line = std::to_string(row.line);
        text += csv_record({row.file, line, row.table, row.column, row.reason, row.message, row.record});
        text += '\n';
    }
    write_text_file(path, text);
}

}  // namespace catena
