// The command table: every `catena` subcommand, declared once. An entry has a name, a one-line
// help, a binder that adds its own options to the command line (each shown with the default of
// the Params struct it sets), and what it does once the line is parsed. The analyses (rank,
// communities, seeds, compare, simulate, value) are `Analysis` objects: the same object runs a
// command and a section of the batch job (`catena report`), so both compute, render, estimate and
// store an analysis the same way.
//
// Adding an analysis: the algorithm (algorithms/), its report module (reports/include/catena/
// reports/X.hpp, reports/src/X.cpp: options, run, render), its Analysis (reports/src/X_command.cpp)
// and one line in command_table() (reports/src/command.cpp); for the batch job, one line in
// job_analyses() (reports/src/batch.cpp) and its keys in job.cpp.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "catena/algorithms/propagation.hpp"
#include "catena/algorithms/seed_selection.hpp"
#include "catena/graph/dataset.hpp"
#include "catena/reports/job.hpp"
#include "catena/reports/output_format.hpp"

namespace CLI {
class Option;
class App;
}  // namespace CLI

namespace catena {

// Declared by loaders/ (load.hpp, store.hpp), algorithms/ (customer_value.hpp) and estimate.hpp:
// the command line sees only this header.
struct InputSource;
struct InputSize;
struct LoadOptions;
class RunWriter;
struct ReferralValueResult;
struct MemoryPart;

using Json = nlohmann::ordered_json;
using Progress = std::function<void(const std::string&)>;

// The options every command shares: its input, how it is read, notes, timings and memory.
struct CommonOptions {
    std::string data_dir, edges_file, nodes_file, db_file;
    bool directed = false;
    std::vector<std::string> type_specs;
    std::string format = "table";
    std::string output;    // --output FILE ("": standard output)
    bool csv_bom = false;  // --csv-bom: CSV files and output start with a UTF-8 byte-order mark
    bool quiet = false;
    bool timings = false;
    unsigned threads = 0;  // --threads (0: not given)
    bool estimate = false;
    std::string memory_limit;
    std::string mapping;     // --mapping FILE
    std::string on_bad_row;  // --on-bad-row stop|skip ("": the mapping's, else stop)
    std::string rejects;     // --rejects FILE

    InputSource input() const;
    LoadOptions load_options() const;
    // Progress lines on stderr ("catena: seeds: round 2/9: ... [1.2 s]") when stderr is a terminal
    // and not --quiet; otherwise none.
    Progress progress(const std::string& step) const;
    // With --timings: "catena: timing: STEP SECONDS s" on stderr.
    void timing(std::string_view step, double seconds) const;
    void note(std::string_view line) const;  // "catena: note: ..." unless --quiet

    // --format, --output and --csv-bom, parsed (parse_output_target's usage errors).
    OutputTarget output_target() const;
    // Writes a result rendered as target.format: to the file or standard output, CSV after a
    // byte-order mark with --csv-bom; for xlsx, a workbook of one sheet named `sheet` made from
    // the CSV text.
    void emit(const OutputTarget& target, std::string text, std::string_view sheet) const;
};

// Adds the shared options to `command`; `with_db_input`: --db names the input workspace.
void add_common_options(CLI::App& command, CommonOptions& options, bool with_db_input);
// Throws the OutputError writing target.file would (no such folder, no permission), before a
// long run rather than after it.
void check_output(const OutputTarget& target);

// The options --model (ic or lt) and --objective (customers or value), parsed as catena's
// commands and catena-mpi read them; a UsageError naming the option for anything else.
DiffusionModel model_option(std::string_view text);
SeedObjective objective_option(std::string_view text);

// --top cuts terminal tables; CSV, JSON and workbooks, read by programs, list every row unless
// it is given: sets `top` (a command's --top option; null: it has none) to 0 then.
void list_all_unless_top_given(CLI::Option* top, OutputFormat format);

// Adds --format (table, csv, json or xlsx), -o/--output and --csv-bom, for a command that prints
// a result.
void add_output_options(CLI::App& command, CommonOptions& options);

// Thrown when --estimate has printed its estimate: the command stops there, successfully.
struct EstimateOnly {};

// OpenMP threads a run will use: --threads (or the job file's `threads`) once use_threads has
// applied it, else OMP_NUM_THREADS, else the cores this process may run on.
int thread_count();

// Adds --threads N to `command` (every subcommand has it).
void add_threads_option(CLI::App& command, CommonOptions& options);

// Runs every analysis from here on with `threads` threads (0: leaves the default).
void use_threads(unsigned threads);

// --estimate and --memory-limit before anything is loaded: prints the estimate and throws
// EstimateOnly, or throws UsageError when over the limit. Returns the memory left for the
// analysis beyond the loaded graph (0: no limit).
std::uint64_t check_memory(const CommonOptions& common, const InputSource& input,
                           std::string_view command,
                           const std::function<MemoryPart(const InputSize&)>& working);

// Loads the command's input (timed), prints the loader's notes and writes the rejects file.
Dataset load_input(const CommonOptions& common);

void print_text(std::string_view text);

// What an analysis gets beyond the data: progress, the memory left, and what earlier analyses of
// the same batch job computed.
struct AnalysisEnv {
    Progress progress;
    std::uint64_t memory_limit = 0;  // bytes beyond the loaded graph; 0: none
    // Influence scores of every customer and their name, when an analysis before has them (the
    // batch job's rank); communities ranks its top members by them.
    std::vector<double> scores;
    std::string score_name;
    std::uint64_t seed = 1;  // the job's seed, for what an analysis draws beyond its own
    // Who brought in whom, when value ran (the batch job's referral depths come from it).
    std::shared_ptr<const ReferralValueResult> referral;
};

class Analysis {
  public:
    virtual ~Analysis() = default;
    virtual std::string_view name() const = 0;
    virtual std::string_view help() const = 0;
    // The workspace table its results go to ("rank_scores"), for the "saved as run" note.
    virtual std::string_view stored_table() const = 0;
    // Adds its own options (the shared ones are there already).
    virtual void bind(CLI::App& command) = 0;
    // Turns option texts into values: usage errors come here, before any data is loaded.
    virtual void prepare(const CommonOptions& common) = 0;
    // Working memory beyond the loaded graph, for --estimate and --memory-limit.
    virtual MemoryPart working_memory(const InputSize& size, int threads) const = 0;
    virtual void compute(const Dataset& dataset, AnalysisEnv& env) = 0;
    // The step --timings names ("pagerank", "leiden"; default: the name).
    virtual std::string timing_step() const { return std::string(name()); }
    virtual std::string render(const Dataset& dataset, OutputFormat format) const = 0;
    // For the runs table: the parameters in force, and the headline results.
    virtual Json parameters() const = 0;
    virtual Json summary(const Dataset& dataset) const;
    virtual void save(RunWriter& writer, const Dataset& dataset) const = 0;

    // The batch job: its section of summary.json, and the CSV files it writes into the output
    // folder (default: render(csv) as batch_file()), after a UTF-8 byte-order mark when `csv_bom`.
    virtual std::string_view section() const = 0;
    virtual Json section_json(const Dataset& dataset, const AnalysisEnv& env) const = 0;
    virtual std::string_view batch_file() const = 0;
    virtual void write_files(const Dataset& dataset, const std::filesystem::path& folder,
                             bool csv_bom, std::vector<std::filesystem::path>& written) const;
    // The line of progress as it starts in a batch job.
    virtual std::string start_line(const Dataset& dataset) const = 0;
};

// One subcommand of `catena`. bind() adds its options and returns what runs it once the command
// line is parsed (the process's exit code).
struct Command {
    std::string name;
    std::string help;
    std::function<std::function<int()>(CLI::App& command, CommonOptions& common)> bind;
};

// Every subcommand, in the order `catena --help` lists them.
std::vector<Command> command_table();

// The command that runs an analysis: load, compute, print, and with --db store the run.
Command analysis_command(std::shared_ptr<Analysis> analysis);

}  // namespace catena
