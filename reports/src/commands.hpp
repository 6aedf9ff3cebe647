// The command table's entries that are not analyses, and what they share with the analyses.
#pragma once

#include <filesystem>
#include <vector>

#include "catena/algorithms/customer_value.hpp"
#include "catena/algorithms/propagation.hpp"
#include "catena/loaders/load.hpp"
#include "catena/reports/command.hpp"

namespace catena {

Command import_command();    // catena import
Command mapping_command();   // catena mapping suggest
Command stats_command();     // catena stats
Command generate_command();  // catena generate
Command report_command();    // catena report (the batch job)
Command export_command();    // catena export
Command runs_command();      // catena runs
Command changes_command();   // catena changes

// Skipped rows (--on-bad-row skip): a note with their count by reason, and the rejects file.
void report_skipped(const std::vector<SkippedRow>& skipped, const std::filesystem::path& rejects,
                    const CommonOptions& common);

// --model and --probability, shared by seeds, compare, simulate and value: the texts the command
// line binds, from the analysis's own defaults, and their parsed values (usage errors).
struct ModelTexts {
    std::string model, probability;
    ModelTexts(DiffusionModel diffusion, const ProbabilityModel& probabilities)
        : model(to_string(diffusion)), probability(to_string(probabilities)) {}
    void bind(CLI::App& app, const std::string& model_help = "ic or lt");
    DiffusionModel diffusion() const;
    ProbabilityModel probabilities() const { return ProbabilityModel::parse(probability); }
};

// --as-of and --window, the RFM window of customer value, shared by value and explain: bind()
// adds them (window_days bound to `profile`), apply() sets profile.as_of from the text (usage
// error for a text that is not YYYY-MM-DD).
struct RfmWindowTexts {
    std::string as_of;
    void bind(CLI::App& app, ProfileParams& profile);
    void apply(ProfileParams& profile) const;
};

}  // namespace catena
