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

}  // namespace catena
