// report.xlsx of the batch job (batch.hpp): a first sheet "Summary" with the headline findings of
// summary.json (section, finding, value: numbers as numbers), then one sheet per CSV table the
// job wrote, named after the file (influencers.csv: "influencers"), in the order given.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace catena {

// Writes the workbook to `path` (atomically); returns notes on what Excel's limits cut.
std::vector<std::string> write_report_workbook(const std::filesystem::path& path,
                                               const nlohmann::ordered_json& summary,
                                               const std::vector<std::filesystem::path>& tables);

}  // namespace catena
