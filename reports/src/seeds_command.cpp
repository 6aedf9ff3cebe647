// `catena seeds` as an Analysis: the command and the batch job's "seeds" section.
#include <CLI/CLI.hpp>

#include "catena/graph/errors.hpp"
#include "catena/loaders/store.hpp"
#include "catena/reports/command.hpp"
#include "catena/reports/estimate.hpp"
#include "catena/reports/seeds.hpp"

#include "commands.hpp"

namespace catena {

namespace {

class SeedsAnalysis final : public Analysis {
  public:
    explicit SeedsAnalysis(SeedsOptions options)
        : options_(std::move(options)),
          model_(options_.params.model, options_.probability),
          objective_(to_string(options_.params.objective)) {}

    std::string_view name() const override { return "seeds"; }
    std::string_view help() const override {
        return "Choose the k customers to seed a referral campaign with (reverse-influence "
               "sampling, OPIM-C): "
               "guaranteed within (1 - 1/e - eps) of the best reach with probability 1 - delta, "
               "and reports the "
               "ratio it could certify";
    }
    std::string_view stored_table() const override { return "seed_choices"; }

    void bind(CLI::App& app) override {
        SeedSelectionParams& p = options_.params;
        app.add_option("-k", p.k, "How many seeds")->capture_default_str();
        app.add_option("--eps", p.epsilon, "Approximation slack eps, in (0, 1)")
            ->capture_default_str();
        app.add_option("--delta", p.delta,
                       "Failure probability of the guarantee (0: 1 / number of customers)")
            ->capture_default_str();
        model_.bind(app);
        app.add_option("--objective", objective_, "customers or value (expected own value reached)")
            ->capture_default_str();
        app.add_option(
               "--budget", p.budget,
               "Total cost of the seeds at most this (customers' cost column; 0: no budget)")
            ->capture_default_str();
        app.add_option("--only-segment", options_.only_segments,
                       "Choose only from this segment (repeatable; any case)");
        app.add_option("--exclude-segment", options_.exclude_segments,
                       "Never choose this segment (repeatable; any case)");
        app.add_option("--only-kind", options_.only_kind,
                       "Choose only person or business customers");
        app.add_option("--seed", p.seed, "Random seed")->capture_default_str();
        app.add_option("--columns", columns_,
                       "Customer columns to list beside each seed, e.g. email,owner (any column "
                       "of the customers, or name, kind, segment, value, cost)");
    }

    void prepare(const CommonOptions&) override {
        options_.columns = ListedColumns::parse(columns_);
        options_.params.model = model_.diffusion();
        options_.params.objective = objective_option(objective_);
        options_.probability = model_.probabilities();
    }

    MemoryPart working_memory(const InputSize& size, int) const override {
        return memory::seed_selection(
            size, !sampler_derives_weights(options_.params.model, options_.probability));
    }

    void compute(const Dataset& dataset, AnalysisEnv& env) override {
        SeedsOptions options = options_;
        options.params.memory_limit = env.memory_limit;
        options.params.progress = env.progress;
        report_ = choose_seeds(dataset, options);
        report_.options.params.progress = nullptr;
    }

    std::string render(const Dataset& dataset, OutputFormat format) const override {
        return catena::render(dataset, report_, format);
    }

    Json parameters() const override {
        const SeedSelectionParams& p = options_.params;
        return {{"k", p.k},
                {"eps", p.epsilon},
                {"delta", report_.result.failure_probability},
                {"model", to_string(p.model)},
                {"probability", to_string(options_.probability)},
                {"objective", to_string(p.objective)},
                {"budget", p.budget},
                {"only_segments", options_.only_segments},
                {"exclude_segments", options_.exclude_segments},
                {"only_kind", options_.only_kind},
                {"seed", p.seed}};
    }

    Json summary(const Dataset&) const override {
        const SeedSelectionResult& r = report_.result;
        return {{"estimated_spread", r.estimated_spread},
                {"approximation", r.approximation},
                {"certified_approximation", r.certified_approximation},
                {"guarantee_holds", r.guarantee_holds},
                {"rr_sets", r.rr_sets}};
    }

    void save(RunWriter& writer, const Dataset& dataset) const override {
        writer.seeds(dataset.graph, report_.result.seeds, report_.result.marginal_estimate);
    }

    std::string_view section() const override { return "seeds"; }
    std::string_view batch_file() const override { return "seeds.csv"; }
    std::string start_line(const Dataset&) const override {
        return "seeds: the best " + std::to_string(options_.params.k) + " to start a campaign with";
    }

    // With the expected reach and value by the simulator (the RR estimate counts customers).
    Json section_json(const Dataset& dataset, const AnalysisEnv& env) const override {
        const InfluenceGraph& graph = dataset.graph;
        const SeedSelectionResult& r = report_.result;
        SimulationParams simulation;
        simulation.model = options_.params.model;
        simulation.seed = env.seed;
        const std::vector<double> weights = diffusion_weights(
            graph, options_.params.model, options_.probability, dataset.referrals);
        const SimulationResult reach = simulate(graph, weights, r.seeds, simulation);
        Json json = to_json(dataset, report_);
        Json seeds = std::move(json["seeds"]);
        json.erase("seeds");
        json["simulated_spread"] = reach.expected_spread;
        json["expected_value"] = reach.expected_value;
        json["seeds"] = std::move(seeds);
        return json;
    }

  private:
    SeedsOptions options_;
    ModelTexts model_;
    std::string objective_, columns_;
    SeedsReport report_;
};

}  // namespace

std::unique_ptr<Analysis> make_seeds_analysis(const SeedsOptions& options) {
    return std::make_unique<SeedsAnalysis>(options);
}

}  // namespace catena
