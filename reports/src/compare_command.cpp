// `catena compare` as an Analysis: the command and the batch job's "compare" section.
#include <CLI/CLI.hpp>

#include "catena/graph/errors.hpp"
#include "catena/loaders/store.hpp"
#include "catena/reports/command.hpp"
#include "catena/reports/compare.hpp"
#include "catena/reports/estimate.hpp"

#include "commands.hpp"

namespace catena {

namespace {

class CompareAnalysis final : public Analysis {
  public:
    explicit CompareAnalysis(CompareOptions options)
        : options_(std::move(options)), model_(options_.simulation.model, options_.probability) {}

    std::string_view name() const override { return "compare"; }
    std::string_view help() const override {
        return "Compare seed strategies as k grows, all judged by the same simulator: "
               "maximisation, top PageRank, "
               "top degree, top value, random";
    }
    std::string_view stored_table() const override { return "compare_points"; }

    void bind(CLI::App& app) override {
        app.add_option("-k", options_.k, "Curves for 1..k seeds")->capture_default_str();
        app.add_option("--sims", options_.simulation.simulations, "Simulations per point")
            ->capture_default_str();
        model_.bind(app);
        app.add_option("--eps", options_.epsilon, "eps of the maximisation strategy")
            ->capture_default_str();
        app.add_option("--seed", options_.simulation.seed, "Random seed")->capture_default_str();
    }

    void prepare(const CommonOptions&) override {
        options_.simulation.model = model_.diffusion();
        options_.probability = model_.probabilities();
    }

    MemoryPart working_memory(const InputSize& size, int threads) const override {
        return memory::compare(size, threads);
    }

    void compute(const Dataset& dataset, AnalysisEnv& env) override {
        CompareOptions options = options_;
        options.progress = env.progress;
        report_ = compare_strategies(dataset, options);
        report_.options.progress = nullptr;
    }

    std::string render(const Dataset& dataset, OutputFormat format) const override {
        return catena::render(dataset, report_, format);
    }

    Json parameters() const override {
        return {{"k", options_.k},
                {"simulations", options_.simulation.simulations},
                {"model", to_string(options_.simulation.model)},
                {"probability", to_string(options_.probability)},
                {"eps", options_.epsilon},
                {"seed", options_.simulation.seed}};
    }

    Json summary(const Dataset&) const override {
        Json at_k = Json::object();
        for (const StrategyCurve& curve : report_.strategies)
            if (!curve.spread.empty()) at_k[curve.name] = curve.spread.back();
        return {{"expected_spread_at_k", at_k}};
    }

    void save(RunWriter& writer, const Dataset& dataset) const override {
        writer.compare_points(dataset.graph, compare_points(report_));
    }

    std::string_view section() const override { return "compare"; }
    std::string_view batch_file() const override { return "compare.csv"; }
    std::string start_line(const Dataset&) const override {
        return "compare: five strategies for k = 1.." + std::to_string(options_.k);
    }

    Json section_json(const Dataset& dataset, const AnalysisEnv&) const override {
        return to_json(dataset, report_);
    }

  private:
    CompareOptions options_;
    ModelTexts model_;
    CompareReport report_;
};

}  // namespace

std::unique_ptr<Analysis> make_compare_analysis(const CompareOptions& options) {
    return std::make_unique<CompareAnalysis>(options);
}

}  // namespace catena
