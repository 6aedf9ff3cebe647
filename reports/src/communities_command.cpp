// `catena communities` as an Analysis: the command and the batch job's "communities" section.
#include <CLI/CLI.hpp>

#include "catena/algorithms/centrality.hpp"
#include "catena/algorithms/pagerank.hpp"
#include "catena/graph/errors.hpp"
#include "catena/loaders/store.hpp"
#include "catena/reports/command.hpp"
#include "catena/reports/communities.hpp"
#include "catena/reports/estimate.hpp"

namespace catena {

namespace {

class CommunitiesAnalysis final : public Analysis {
  public:
    CommunitiesAnalysis(CommunityParams params, std::size_t top_members, ListedColumns columns)
        : params_(std::move(params)),
          top_members_(top_members),
          method_(to_string(params_.method)),
          columns_(std::move(columns)) {}

    std::string_view name() const override { return "communities"; }
    std::string_view help() const override {
        return "Find communities (Leiden by default, Louvain, label propagation) and summarise "
               "each: size, people "
               "and businesses, value, ties inside and out, top customers";
    }
    std::string_view stored_table() const override { return "community_members"; }

    void bind(CLI::App& app) override {
        app.add_option("--method", method_, "leiden, louvain or lpa (label propagation)")
            ->capture_default_str();
        app.add_option("--resolution", params_.resolution,
                       "Modularity resolution: above 1 gives more, smaller communities")
            ->capture_default_str();
        app.add_option("--seed", params_.seed,
                       "Random seed: the same seed gives the same communities")
            ->capture_default_str();
        app.add_option("--max-iterations", params_.max_iterations,
                       "Leiden passes, each refining the last one's communities")
            ->capture_default_str();
        app.add_option("--top", top_,
                       "How many communities to list, largest first (0: all; CSV and JSON list all "
                       "unless given)")
            ->capture_default_str();
        app.add_option("--columns", columns_text_,
                       "Customer columns to give for each community's top customers, e.g. "
                       "email,owner (CSV: the top one's, as top_customer_X; JSON: each one's)");
        app.add_option("--membership-out", membership_out_,
                       "Also write id,community for every customer to this CSV");
        app.add_option("--initial", initial_file_,
                       "Start from the communities in this CSV (id,community), e.g. last month's");
        app.add_option("--initial-run", initial_run_,
                       "With --db: start from the communities of this run id");
        app.add_option(
            "--initial-column", initial_column_,
            "Start from the labels in this customers column (e.g. a stored segmentation)");
        app.add_option("--top-by", top_by_,
                       "Rank each community's top customers by degree or pagerank")
            ->capture_default_str();
    }

    void prepare(const CommonOptions& common) override {
        columns_ = ListedColumns::parse(columns_text_);
        params_.method = parse_community_method(method_);
        if (initial_run_ != 0 && common.db_file.empty())
            throw UsageError("--initial-run needs --db");
        if ((initial_run_ != 0) + !initial_file_.empty() + !initial_column_.empty() > 1)
            throw UsageError("give one of --initial, --initial-run and --initial-column");
        if (top_by_ != "degree" && top_by_ != "pagerank")
            throw UsageError("--top-by must be degree or pagerank, not '" + top_by_ + "'");
        db_ = common.db_file;
        csv_bom_ = common.csv_bom;
        directed_ = common.directed;
        types_ = common.type_specs;
    }

    MemoryPart working_memory(const InputSize& size, int) const override {
        return memory::communities(params_.method, size);
    }
    std::string timing_step() const override { return std::string(to_string(params_.method)); }

    void compute(const Dataset& dataset, AnalysisEnv& env) override {
        const InfluenceGraph& graph = dataset.graph;
        columns_.resolve(graph);
        CommunityParams params = params_;
        if (!initial_file_.empty()) params.initial = read_membership_csv(initial_file_, graph);
        if (initial_run_ != 0) params.initial = load_community_run(db_, initial_run_, graph);
        if (!initial_column_.empty()) params.initial = labels_from_column(graph, initial_column_);
        CommunityResult result = detect_communities(graph, params);
        if (!membership_out_.empty())
            write_membership_csv(membership_out_, graph, result.community, csv_bom_);
        // Top members by the scores an analysis before computed (the batch job's rank), else by
        // --top-by.
        std::vector<double> scores = env.scores;
        std::string score_name = env.score_name;
        if (scores.empty()) {
            scores = top_by_ == "pagerank" ? pagerank(graph).scores
                                           : weighted_degree(graph, RankDirection::influence);
            score_name = top_by_;
        }
        report_ = summarize_communities(dataset, params, std::move(result), scores, score_name,
                                        top_members_);
        report_.columns = columns_;
    }

    std::string render(const Dataset& dataset, OutputFormat format) const override {
        return catena::render(dataset, report_, format, top_);
    }

    Json parameters() const override {
        return {{"method", to_string(params_.method)},
                {"resolution", params_.resolution},
                {"seed", params_.seed},
                {"max_iterations", params_.max_iterations},
                {"initial", initial_file_},
                {"initial_run", initial_run_},
                {"initial_column", initial_column_},
                {"directed", directed_},
                {"types", types_}};
    }

    void save(RunWriter& writer, const Dataset& dataset) const override {
        writer.communities(dataset.graph, report_.result.community);
    }

    std::string_view section() const override { return "communities"; }
    std::string_view batch_file() const override { return "communities.csv"; }
    void write_files(const Dataset& dataset, const std::filesystem::path& folder, bool csv_bom,
                     std::vector<std::filesystem::path>& written) const override {
        write_membership_csv(folder / "communities.csv", dataset.graph, report_.result.community,
                             csv_bom);
        written.push_back(folder / "communities.csv");
    }
    std::string start_line(const Dataset&) const override {
        return "communities: " + std::string(to_string(params_.method));
    }

    Json section_json(const Dataset& dataset, const AnalysisEnv&) const override {
        return to_json(dataset, report_, 0);
    }

  private:
    CommunityParams params_;
    std::size_t top_members_;
    std::string method_;
    std::size_t top_ = 20;
    std::string membership_out_, initial_file_, initial_column_, top_by_ = "degree";
    std::int64_t initial_run_ = 0;
    std::string db_, columns_text_;
    ListedColumns columns_;
    bool directed_ = false, csv_bom_ = false;
    std::vector<std::string> types_;
    CommunityReport report_;
};

}  // namespace

std::unique_ptr<Analysis> make_communities_analysis(const CommunityParams& params,
                                                    std::size_t top_members,
                                                    const ListedColumns& columns) {
    return std::make_unique<CommunitiesAnalysis>(params, top_members, columns);
}

}  // namespace catena
