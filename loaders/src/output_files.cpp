// The rejects file of a lenient load (written whole, atomically, by graph/output).
#include <cstdio>
#include <string>

#include "catena/graph/errors.hpp"
#include "catena/graph/output.hpp"
#include "catena/loaders/load.hpp"

#include "bad_rows.hpp"

namespace catena {

void write_rejects_csv(const std::filesystem::path& path, const std::vector<SkippedRow>& rows,
                       bool byte_order_mark) {
    std::string text = "file,line,table,column,reason,message,record\n";
    for (const SkippedRow& row : rows) {
        const std::string line = std::to_string(row.line);
        const std::string_view fields[] = {row.file,   line,        row.table, row.column,
                                           row.reason, row.message, row.record};
        text += csv_record(fields);
        text += '\n';
    }
    write_csv_file(path, text, byte_order_mark);
}

}  // namespace catena
