// `catena report`: runs a batch job (see job.hpp) and writes, into the job's output folder,
//   report.html     one self-contained page (inline CSS and SVG charts) to read or forward
//   summary.json    every headline figure, the parameters and the data fingerprint
//   influencers.csv every customer's influence score and rank
//   communities.csv id,community (the same format `catena communities --initial` reads back)
//   seeds.csv, compare.csv, values.csv, simulation.csv   as the matching commands' --format csv
// and, when the input is a workspace database, one run in it (command "report") with every
// result table, written in one transaction: a job that fails or is killed leaves no partial run.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "catena/reports/job.hpp"

namespace catena {

struct BatchOutputs {
    std::filesystem::path folder, html, summary;
    std::vector<std::filesystem::path> tables;  // the CSV files written
    std::int64_t run_id = 0;                     // in the database; 0: not saved
    std::string summary_json;                    // what summary.json holds
};

// Runs `job`. `progress` (optional) gets one line per step as it starts ("rank: PageRank over
// 400 customers"). Throws InputError/UsageError before any analysis runs when the job names
// segments or customers the data does not have, or the output folder cannot be written.
BatchOutputs run_batch(const JobSpec& job, const std::function<void(const std::string&)>& progress = {});

}  // namespace catena
