// How a command prints its results: a table for people, CSV or JSON for machines.
#pragma once

#include <string_view>

namespace catena {

enum class OutputFormat { table, csv, json };

// Parses "table", "csv" or "json"; throws UsageError otherwise.
OutputFormat parse_output_format(std::string_view text);

}  // namespace catena
