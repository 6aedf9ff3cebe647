#include "catena/reports/output_format.hpp"

#include <string>

#include "catena/graph/errors.hpp"

namespace catena {

OutputFormat parse_output_format(std::string_view text) {
    if (text == "table") return OutputFormat::table;
    if (text == "csv") return OutputFormat::csv;
    if (text == "json") return OutputFormat::json;
    throw UsageError("--format must be table, csv or json, not '" + std::string(text) + "'");
}

OutputTarget parse_output_target(std::string_view format, const std::string& file, bool csv_bom) {
    OutputTarget target;
    target.file = file;
    target.csv_bom = csv_bom;
    if (format == "xlsx") {
        if (file.empty())
            throw UsageError("--format xlsx needs --output FILE: a workbook is not for a terminal");
        target.xlsx = true;
        target.format = OutputFormat::csv;
    } else if (format == "table" || format == "csv" || format == "json") {
        target.format = parse_output_format(format);
    } else {
        throw UsageError("--format must be table, csv, json or xlsx, not '" + std::string(format) +
                         "'");
    }
    return target;
}

}  // namespace catena
