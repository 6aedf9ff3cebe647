// `catena rank` as an Analysis: the command and the batch job's "influencers" section.
#include <CLI/CLI.hpp>

#include "catena/graph/errors.hpp"
#include "catena/loaders/store.hpp"
#include "catena/reports/command.hpp"
#include "catena/reports/estimate.hpp"
#include "catena/reports/rank.hpp"

#include "human.hpp"

namespace catena {

namespace {

class RankAnalysis final : public Analysis {
  public:
    RankAnalysis(RankOptions options, std::size_t listed)
        : options_(std::move(options)),
          listed_(listed),
          by_(to_string(options_.measure)),
          direction_(to_string(options_.pagerank.direction)) {}

    std::string_view name() const override { return "rank"; }
    std::string_view help() const override {
        return "Rank customers by influence: PageRank (default), weighted degree, core number, "
               "betweenness or "
               "harmonic closeness, and list the top ones";
    }
    std::string_view stored_table() const override { return "rank_scores"; }

    void bind(CLI::App& app) override {
        PageRankParams& p = options_.pagerank;
        app.add_option("--by", by_, "Measure: pagerank, degree, core, betweenness or closeness")
            ->capture_default_str();
        app.add_option("--columns", columns_,
                       "Customer columns to list beside each customer, e.g. email,owner (any "
                       "column of the customers, or name, kind, segment, value, cost)");
        app.add_option("--top", options_.top,
                       "How many customers to list (0: all; CSV and JSON list all unless given)")
            ->capture_default_str();
        app.add_option("--direction", direction_,
                       "influence: who reaches many (walks against the edges); authority: who is "
                       "reached by many "
                       "(PageRank and degree)")
            ->capture_default_str();
        app.add_option("--damping", p.damping, "PageRank damping factor, in [0, 1)")
            ->capture_default_str();
        app.add_option("--tolerance", p.tolerance,
                       "PageRank stops when the L1 change of the scores is below this")
            ->capture_default_str();
        app.add_option("--max-iterations", p.max_iterations, "PageRank iteration cap")
            ->capture_default_str();
        app.add_option("--personalize", options_.personalize,
                       "PageRank teleport weights: value, segment:NAME, or ids:ID[=WEIGHT],ID,...");
        app.add_flag("--unweighted", unweighted_,
                     "PageRank counts every edge as 1, ignoring strength");
        app.add_option("--pivots", options_.sampling.pivots,
                       "Betweenness/closeness: sample this many pivots (0: exact, every node)")
            ->capture_default_str();
        app.add_option("--seed", options_.sampling.seed, "Seed for the pivot sample")
            ->capture_default_str();
    }

    void prepare(const CommonOptions& common) override {
        options_.columns = ListedColumns::parse(columns_);
        options_.measure = parse_rank_measure(by_);
        if (direction_ == "influence")
            options_.pagerank.direction = RankDirection::influence;
        else if (direction_ == "authority")
            options_.pagerank.direction = RankDirection::authority;
        else
            throw UsageError("--direction must be influence or authority, not '" + direction_ +
                             "'");
        options_.pagerank.weighted = !unweighted_;
        directed_ = common.directed;
        types_ = common.type_specs;
    }

    MemoryPart working_memory(const InputSize& size, int threads) const override {
        return memory::rank(options_.measure, size, threads);
    }
    std::string timing_step() const override { return std::string(to_string(options_.measure)); }

    void compute(const Dataset& dataset, AnalysisEnv& env) override {
        result_ = rank_customers(dataset, options_);
        env.scores = result_.scores;
        env.score_name = std::string(to_string(options_.measure));
    }

    std::string render(const Dataset& dataset, OutputFormat format) const override {
        return catena::render(dataset, result_, format);
    }

    Json parameters() const override {
        return {{"by", to_string(options_.measure)},
                {"direction", to_string(options_.pagerank.direction)},
                {"damping", options_.pagerank.damping},
                {"tolerance", options_.pagerank.tolerance},
                {"max_iterations", options_.pagerank.max_iterations},
                {"weighted", options_.pagerank.weighted},
                {"personalize", options_.personalize},
                {"pivots", options_.sampling.pivots},
                {"seed", options_.sampling.seed},
                {"directed", directed_},
                {"types", types_}};
    }

    void save(RunWriter& writer, const Dataset& dataset) const override {
        writer.rank_scores(to_string(options_.measure), dataset.graph, result_.scores);
    }

    std::string_view section() const override { return "influencers"; }
    std::string_view batch_file() const override { return "influencers.csv"; }
    std::string start_line(const Dataset& dataset) const override {
        return "rank: " + std::string(to_string(options_.measure)) + " over " +
               count(dataset.graph.num_nodes()) + " customers";
    }

    // The first `listed_` (0: all) of the ranking, computed with top 0: every customer not opted
    // out.
    Json section_json(const Dataset& dataset, const AnalysisEnv&) const override {
        RankResult listed = result_;
        if (listed_ != 0 && listed_ < listed.top.size()) {
            listed.top.resize(listed_);
            listed.opted_out_not_listed = listed_ == 0 ? 0 : listed.top.back().rank - listed_;
        }
        listed.scores.clear();
        return to_json(dataset, listed);
    }

  private:
    RankOptions options_;
    std::size_t listed_;
    std::string by_, direction_, columns_;
    bool unweighted_ = false;
    bool directed_ = false;
    std::vector<std::string> types_;
    RankResult result_;
};

}  // namespace

std::unique_ptr<Analysis> make_rank_analysis(const RankOptions& options, std::size_t listed) {
    return std::make_unique<RankAnalysis>(options, listed);
}

}  // namespace catena
