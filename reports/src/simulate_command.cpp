// `catena simulate` as an Analysis: the command and the batch job's "simulate" section.
#include <CLI/CLI.hpp>

#include "catena/graph/errors.hpp"
#include "catena/loaders/store.hpp"
#include "catena/reports/command.hpp"
#include "catena/reports/estimate.hpp"
#include "catena/reports/simulate.hpp"

#include "commands.hpp"
#include "human.hpp"

namespace catena {

namespace {

class SimulateAnalysis final : public Analysis {
  public:
    explicit SimulateAnalysis(SimulateOptions options)
        : options_(std::move(options)), model_(options_.params.model, options_.probability) {}

    std::string_view name() const override { return "simulate"; }
    std::string_view help() const override {
        return "Monte Carlo simulation of a campaign seeded at given customers: expected customers "
               "and value "
               "reached, with standard error, and who is most likely reached";
    }
    std::string_view stored_table() const override { return "simulation_activation"; }

    void bind(CLI::App& app) override {
        app.add_option("--seeds", seed_list_, "Seed customer ids, comma-separated");
        app.add_option("--seeds-file", seeds_file_,
                       "File of seed customer ids (one per line, or an id column)");
        model_.bind(app, "ic (Independent Cascade) or lt (Linear Threshold)");
        app.add_option("--sims", options_.params.simulations, "Number of simulations")
            ->capture_default_str();
        app.add_option("--seed", options_.params.seed, "Random seed")->capture_default_str();
        app.add_option(
               "--top", options_.top,
               "Most likely reached customers to list (0: all; JSON lists all unless given)")
            ->capture_default_str();
    }

    void prepare(const CommonOptions&) override {
        options_.params.model = model_.diffusion();
        options_.probability = model_.probabilities();
        if (!seed_list_.empty() && !seeds_file_.empty())
            throw UsageError("give --seeds or --seeds-file, not both");
        if (!seeds_file_.empty()) options_.seed_ids = read_seed_file(seeds_file_);
        for (std::size_t start = 0; start < seed_list_.size();) {
            const std::size_t comma = std::min(seed_list_.find(',', start), seed_list_.size());
            if (comma > start) options_.seed_ids.push_back(seed_list_.substr(start, comma - start));
            start = comma + 1;
        }
    }

    MemoryPart working_memory(const InputSize& size, int threads) const override {
        return memory::simulation(size, threads);
    }

    void compute(const Dataset& dataset, AnalysisEnv&) override {
        report_ = run_simulation(dataset, options_);
    }

    std::string render(const Dataset& dataset, OutputFormat format) const override {
        return catena::render(dataset, report_, format);
    }

    Json parameters() const override {
        return {{"seeds", options_.seed_ids},
                {"model", to_string(options_.params.model)},
                {"probability", to_string(options_.probability)},
                {"simulations", options_.params.simulations},
                {"seed", options_.params.seed}};
    }

    Json summary(const Dataset&) const override {
        const SimulationResult& r = report_.result;
        return {{"expected_spread", r.expected_spread},
                {"standard_error", r.standard_error},
                {"expected_value", r.expected_value},
                {"mean_by_depth", r.mean_by_depth}};
    }

    void save(RunWriter& writer, const Dataset& dataset) const override {
        writer.activation(dataset.graph, report_.result.activation_probability);
    }

    std::string_view section() const override { return "simulate"; }
    std::string_view batch_file() const override { return "simulation.csv"; }
    std::string start_line(const Dataset&) const override {
        return "simulate: " + std::to_string(options_.seed_ids.size()) + " seeds, " +
               count(options_.params.simulations) + " runs";
    }

    Json section_json(const Dataset& dataset, const AnalysisEnv&) const override {
        return to_json(dataset, report_);
    }

  private:
    SimulateOptions options_;
    ModelTexts model_;
    std::string seed_list_, seeds_file_;
    SimulateReport report_;
};

}  // namespace

std::unique_ptr<Analysis> make_simulate_analysis(const SimulateOptions& options) {
    return std::make_unique<SimulateAnalysis>(options);
}

}  // namespace catena
