// How a command prints its results: a table for people, CSV or JSON for machines, or an Excel
// workbook (xlsx): the CSV rendering, typed and laid out as workbook.hpp says.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace catena {

enum class OutputFormat { table, csv, json };

// Parses "table", "csv" or "json"; throws UsageError otherwise.
OutputFormat parse_output_format(std::string_view text);

// Where and how a command writes its result: --format, --output FILE (empty: standard output) and
// --csv-bom (CSV starts with a UTF-8 byte-order mark, for Excel).
struct OutputTarget {
    OutputFormat format = OutputFormat::table;  // what the result is rendered as (csv for xlsx)
    bool xlsx = false;
    std::filesystem::path file;
    bool csv_bom = false;
};

// Parses --format "table", "csv", "json" or "xlsx". Throws UsageError for any other format, and
// for xlsx without a file: a binary workbook on a terminal helps no one.
OutputTarget parse_output_target(std::string_view format, const std::string& file, bool csv_bom);

}  // namespace catena
