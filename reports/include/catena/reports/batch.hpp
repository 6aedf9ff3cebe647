// `catena report`: runs a batch job (see job.hpp) and writes, into the job's output folder,
//   report.html     one self-contained page (inline CSS and SVG charts) to read or forward
//   summary.json    every headline figure, the parameters and the data fingerprint
//   influencers.csv every customer's influence score and rank
//   communities.csv id,community,opt_out (the format `catena communities --initial` reads back)
//   seeds.csv, compare.csv, values.csv, simulation.csv   as the matching commands' --format csv
//   report.xlsx     an Excel workbook: a Summary sheet of the headline findings, then one sheet
//                   per CSV table (workbook.hpp says how cells are typed and laid out)
// The CSV tables start with a UTF-8 byte-order mark when the job says so ([output] csv_bom).
// and, when the input is a workspace database, one run in it (command "report") with every
// result table, written in one transaction: a job that fails or is killed leaves no partial run.
//
// Opt-outs are sacred: no table, CSV file, summary.json list or HTML section names a customer who
// opted out as an influencer, seed, top member, hidden influencer or likely-reached customer.
// They are counted in every total and kept in the database's result tables, and in the two
// per-customer files for analysis, communities.csv (membership) and simulation.csv (activation
// probabilities), each with an opt_out column to filter on. Each list says how many opted-out
// customers it passed over (`opted_out_not_listed`), and listed customers keep their rank among
// all customers. A job whose simulate.seeds names one is an input error.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "catena/graph/dataset.hpp"
#include "catena/reports/job.hpp"

namespace catena {

struct BatchOutputs {
    std::filesystem::path folder, html, summary, workbook;
    std::vector<std::filesystem::path> tables;  // the CSV files written
    std::vector<std::string> notes;             // what the workbook cut to fit Excel's limits
    std::int64_t run_id = 0;                    // in the database; 0: not saved
    // The report run this job would repeat (same data, same job; nothing was run or written); 0
    // when it ran.
    std::int64_t repeats_run = 0;
    std::string summary_json;  // what summary.json holds
};

// Runs `job`. `progress` (optional) gets one line per step as it starts ("rank: PageRank over
// 400 customers"). Throws InputError/UsageError before any analysis runs when the job names
// segments or customers the data does not have, or the output folder cannot be written.
// The `data` part of summary.json, as JSON text: source, counts of customers (people,
// businesses, opted out), relationships, referrals and transactions, relationships by type and
// customers by segment; and only when there are any: rows the loader skipped (`skipped_rows`,
// `skipped_by_reason`), rows a mapping filtered out (`filtered_rows`), customers merged by key
// (`merged_customers`) and the workspace's last imports (`imports`, newest first).
std::string data_summary_json(const Dataset& dataset);

// `progress` gets a line per step; `timing` (--timings) the wall seconds of each step: load,
// since (reading the earlier run to build on), each analysis by its summary section (its files
// included), cards, save, changes, html, workbook.
BatchOutputs run_batch(const JobSpec& job,
                       const std::function<void(const std::string&)>& progress = {},
                       const std::function<void(std::string_view, double)>& timing = {});

}  // namespace catena
