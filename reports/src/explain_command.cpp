// `catena explain ID` as an Analysis: the command, its stored run, and the card as an HTML page.
#include <CLI/CLI.hpp>

#include "catena/graph/errors.hpp"
#include "catena/graph/output.hpp"
#include "catena/loaders/store.hpp"
#include "catena/reports/command.hpp"
#include "catena/reports/estimate.hpp"
#include "catena/reports/explain.hpp"
#include "catena/reports/html_report.hpp"

#include "commands.hpp"

namespace catena {

namespace {

class ExplainAnalysis final : public Analysis {
  public:
    explicit ExplainAnalysis(ExplainOptions options)
        : options_(std::move(options)),
          model_(options_.value.params.network.model, options_.value.probability) {}

    std::string_view name() const override { return "explain"; }
    std::string_view help() const override {
        return "Why one customer ranks where they do: their scores with rank and percentile, "
               "community, value and quadrant; the customers who make up their network value and "
               "those most likely to move them, each with the most likely chain of ties; their "
               "referral tree up and down";
    }
    std::string_view stored_table() const override { return "runs (the card is the summary)"; }

    void bind(CLI::App& app) override {
        app.add_option("id", options_.id, "The customer's id")->required();
        app.add_option(
               "--top", options_.top,
               "Contributors, influencers and referrals per level to list (0: all; CSV and JSON "
               "list all unless given)")
            ->capture_default_str();
        app.add_option("--depth", options_.depth,
                       "Levels of the referral tree to list, up and down")
            ->capture_default_str();
        app.add_option("--sims", options_.samples,
                       "Forward simulations (what they reach) and reverse samples (who moves them)")
            ->capture_default_str();
        ValueParams& p = options_.value.params;
        model_.bind(app);
        app.add_option("--seed", p.network.seed, "Random seed (value, simulations, communities)")
            ->capture_default_str();
        app.add_option("--eps", p.network.epsilon,
                       "Network value as catena value: every estimate within eps x total value")
            ->capture_default_str();
        app.add_option("--delta", p.network.delta, "Network value: failure probability")
            ->capture_default_str();
        rfm_window_.bind(app, p.profile);
        app.add_option("--columns", columns_,
                       "Customer columns to list beside each contributor and influencer, e.g. "
                       "email,owner");
        app.add_option("--html", html_,
                       "Also write the card as a self-contained HTML page to this file");
    }

    void prepare(const CommonOptions&) override {
        options_.columns = ListedColumns::parse(columns_);
        options_.value.params.network.model = model_.diffusion();
        options_.value.probability = model_.probabilities();
        options_.communities.seed = options_.value.params.network.seed;
        if (options_.samples == 0) throw UsageError("--sims must be at least 1");
        rfm_window_.apply(options_.value.params.profile);
        if (!html_.empty()) check_writable(html_);  // before the run, as --output is
        options_.value.params.validate();
    }

    MemoryPart working_memory(const InputSize& size, int threads) const override {
        return memory::explain(size, threads);
    }

    void compute(const Dataset& dataset, AnalysisEnv& env) override {
        const NodeId node = explained_customer(dataset, options_.id);
        if (env.progress) env.progress("scores, communities and value of every customer");
        const ExplainContext context = explain_context(dataset, options_);
        if (env.progress) env.progress("simulating from and to " + options_.id);
        report_ = explain_customer(dataset, context, node);
        if (!html_.empty()) write_file(html_, explain_card_page(to_json(dataset, report_)));
    }

    std::string render(const Dataset& dataset, OutputFormat format) const override {
        return catena::render(dataset, report_, format);
    }

    Json parameters() const override {
        const ValueParams& p = options_.value.params;
        return {{"id", options_.id},
                {"model", to_string(p.network.model)},
                {"probability", to_string(options_.value.probability)},
                {"simulations", options_.samples},
                {"seed", p.network.seed},
                {"epsilon", p.network.epsilon},
                {"delta", p.network.delta},
                {"top", options_.top},
                {"depth", options_.depth}};
    }
    // The whole card: `catena runs show N` gives it back.
    Json summary(const Dataset& dataset) const override { return to_json(dataset, report_); }
    void save(RunWriter&, const Dataset&) const override {}

    std::string_view section() const override { return "explain"; }
    Json section_json(const Dataset& dataset, const AnalysisEnv&) const override {
        return to_json(dataset, report_);
    }
    std::string_view batch_file() const override { return "explain.csv"; }
    std::string start_line(const Dataset&) const override {
        return "explain: why " + options_.id + " ranks where they do";
    }

  private:
    ExplainOptions options_;
    ModelTexts model_;
    RfmWindowTexts rfm_window_;
    std::string columns_;
    std::string html_;
    ExplainReport report_;
};

}  // namespace

std::unique_ptr<Analysis> make_explain_analysis(const ExplainOptions& options) {
    return std::make_unique<ExplainAnalysis>(options);
}

}  // namespace catena
