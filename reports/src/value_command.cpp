// `catena value` as an Analysis: the command and the batch job's "value" section.
#include <CLI/CLI.hpp>

#include "catena/graph/errors.hpp"
#include "catena/graph/output.hpp"
#include "catena/loaders/store.hpp"
#include "catena/reports/command.hpp"
#include "catena/reports/estimate.hpp"
#include "catena/reports/value.hpp"

#include "commands.hpp"

namespace catena {

namespace {

class ValueAnalysis final : public Analysis {
  public:
    ValueAnalysis(ValueOptions options, std::size_t scatter_points, const ListedColumns& columns)
        : options_(std::move(options)),
          scatter_points_(scatter_points),
          model_(options_.params.network.model, options_.probability),
          all_referrals_(!options_.params.referral.converted_only) {
        filter_.columns = columns;
    }

    std::string_view name() const override { return "value"; }
    std::string_view help() const override {
        return "What each customer is worth counting whom they influence: own value (value column, "
               "else spend in "
               "the window), network value (expected own value of the others they activate), "
               "referral value "
               "(customers they brought in, discounted by depth); influence-weighted value, rank "
               "and quadrants "
               "(champions, hidden influencers, high-value loners, others)";
    }
    std::string_view stored_table() const override { return "customer_values"; }

    void bind(CLI::App& app) override {
        ValueParams& p = options_.params;
        app.add_option("--top", filter_.top,
                       "Customers to list, best first (0: all; CSV and JSON list all unless given)")
            ->capture_default_str();
        app.add_option("--quadrant", filter_.quadrant,
                       "List only champions, hidden-influencers, high-value-loners or others");
        app.add_option("--segment", filter_.segment, "List only this segment");
        app.add_option("--columns", columns_,
                       "Customer columns to list beside each customer, e.g. email,owner (any "
                       "column of the customers, or name, kind, segment, value, cost)");
        rfm_window_.bind(app, p.profile);
        model_.bind(app);
        app.add_option(
               "--eps", p.network.epsilon,
               "Network value: every estimate within eps x total value, with probability 1 - delta")
            ->capture_default_str();
        app.add_option("--delta", p.network.delta, "Network value: failure probability")
            ->capture_default_str();
        app.add_option("--rr-sets", p.network.rr_sets,
                       "Network value: RR sets to draw (0: as many as eps and delta need)")
            ->capture_default_str();
        app.add_option("--seed", p.network.seed, "Random seed")->capture_default_str();
        app.add_option(
               "--depth-discount", p.referral.depth_discount,
               "Referral value: weight of each further level of a referral cascade, in [0, 1]")
            ->capture_default_str();
        app.add_flag("--all-referrals", all_referrals_,
                     "Referral value: count referrals that did not convert too");
        app.add_option("--network-weight", p.network_weight,
                       "a in own + a x network + b x referral")
            ->capture_default_str();
        app.add_option("--referral-weight", p.referral_weight,
                       "b in own + a x network + b x referral (each referral is also an edge, so "
                       "part of it is in "
                       "network value already)")
            ->capture_default_str();
        app.add_option("--own-threshold", p.own_threshold,
                       "Own value above this is high (default: the median)");
        app.add_option(
            "--influence-threshold", p.influence_threshold,
            "Influence (a x network + b x referral) above this is high (default: the median)");
    }

    void prepare(const CommonOptions&) override {
        options_.params.network.model = model_.diffusion();
        options_.probability = model_.probabilities();
        options_.params.referral.converted_only = !all_referrals_;
        rfm_window_.apply(options_.params.profile);
        if (!filter_.quadrant.empty())
            parse_quadrant(filter_.quadrant);  // a usage error before loading
        filter_.columns = ListedColumns::parse(columns_);
    }

    MemoryPart working_memory(const InputSize& size, int) const override {
        return memory::network_value(
            size, !sampler_derives_weights(options_.params.network.model, options_.probability));
    }

    void compute(const Dataset& dataset, AnalysisEnv& env) override {
        filter_.columns.resolve(dataset.graph);
        report_ = run_value(dataset, options_);
        env.referral = std::make_shared<const ReferralValueResult>(report_.result.referral);
    }

    std::string render(const Dataset& dataset, OutputFormat format) const override {
        return format_value(dataset, report_, format, filter_);
    }

    Json parameters() const override { return Json::parse(value_parameters_json(report_)); }
    Json summary(const Dataset& dataset) const override {
        return Json::parse(value_summary_json(dataset, report_));
    }

    void save(RunWriter& writer, const Dataset& dataset) const override {
        writer.customer_values(dataset.graph, customer_value_rows(report_));
    }

    std::string_view section() const override { return "value"; }
    std::string_view batch_file() const override { return "values.csv"; }
    void write_files(const Dataset& dataset, const std::filesystem::path& folder, bool csv_bom,
                     std::vector<std::filesystem::path>& written) const override;
    std::string start_line(const Dataset&) const override {
        return "value: own, network and referral value of every customer";
    }
    Json section_json(const Dataset& dataset, const AnalysisEnv& env) const override;

  private:
    ValueOptions options_;
    std::size_t scatter_points_;
    ValueFilter filter_;
    ModelTexts model_;
    RfmWindowTexts rfm_window_;
    std::string columns_;
    bool all_referrals_;
    ValueReport report_;
};

void ValueAnalysis::write_files(const Dataset& dataset, const std::filesystem::path& folder,
                                bool csv_bom, std::vector<std::filesystem::path>& written) const {
    ValueFilter all;
    all.columns = filter_.columns;
    all.top = 0;
    write_csv_file(folder / "values.csv", format_value(dataset, report_, OutputFormat::csv, all),
                   csv_bom);
    written.push_back(folder / "values.csv");
}

// The command's JSON (its top 20) and the scatter plot's points. Customers who opted out are
// neither plotted nor listed (the quadrant counts include them).
Json ValueAnalysis::section_json(const Dataset& dataset, const AnalysisEnv&) const {
    const InfluenceGraph& graph = dataset.graph;
    const CustomerValueResult& v = report_.result;
    const auto point = [&](NodeId node) {
        return Json{{"rank", v.rank[node]},
                    {"id", graph.external_id(node)},
                    {"name", graph.name(node)},
                    {"quadrant", to_string(v.quadrant[node])},
                    {"own_value", v.profile.own_value[node]},
                    {"network_value", v.network.network_value[node]},
                    {"referral_value", v.referral.referral_value[node]},
                    {"influence_value", v.influence[node]},
                    {"influence_weighted_value", v.influence_weighted[node]}};
    };
    ValueFilter everyone;
    everyone.top = 0;
    std::uint64_t opted_out = 0;
    const std::vector<NodeId> listable = select_customers(dataset, report_, everyone, &opted_out);
    // Every listable customer up to scatter_points_; past that, the best half of the points by
    // rank and the other half spread evenly over the rest.
    Json points = Json::array();
    const std::size_t n = listable.size();
    if (n <= scatter_points_) {
        for (const NodeId node : listable) points.push_back(point(node));
    } else {
        const std::size_t best = scatter_points_ / 2, rest = scatter_points_ - best;
        for (std::size_t index = 0; index < best; ++index) points.push_back(point(listable[index]));
        for (std::size_t index = 0; index < rest; ++index)
            points.push_back(point(listable[best + index * (n - best) / rest]));
    }
    ValueFilter best;
    best.columns = filter_.columns;
    best.top = 20;
    Json json = to_json(dataset, report_, best);
    json["points"] = std::move(points);
    json["opted_out_not_plotted"] = opted_out;
    return json;
}

}  // namespace

std::unique_ptr<Analysis> make_value_analysis(const ValueOptions& options,
                                              std::size_t scatter_points,
                                              const ListedColumns& columns) {
    return std::make_unique<ValueAnalysis>(options, scatter_points, columns);
}

}  // namespace catena
