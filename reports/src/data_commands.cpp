// The commands that read, write or describe the data rather than analyse it: import, mapping
// suggest, stats, generate and export.
#include <chrono>
#include <memory>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "catena/graph/errors.hpp"
#include "catena/graph/output.hpp"
#include "catena/loaders/mapping.hpp"
#include "catena/reports/estimate.hpp"
#include "catena/reports/export.hpp"
#include "catena/reports/import.hpp"
#include "catena/reports/stats.hpp"
#include "catena/samples/generator.hpp"

#include "commands.hpp"
#include <unistd.h>

namespace catena {

namespace {

struct ImportArgs {
    std::string dir, db;
    bool append = false, replace = false, dry_run = false;
};

int run_import(const ImportArgs& args, CommonOptions& common) {
    if (!args.dir.empty()) {
        if (!common.data_dir.empty())
            throw UsageError("give the data folder once (DATA_DIR or --data)");
        common.data_dir = args.dir;
    }
    if (args.append && args.replace) throw UsageError("give --append or --replace, not both");
    check_memory(common, common.input(), "import",
                 [](const InputSize&) { return memory::import(); });
    const LoadOptions load_options = common.load_options();
    const bool skipping = load_options.on_bad_row == BadRowPolicy::skip;
    if (!common.rejects.empty() && !skipping && common.mapping.empty())
        throw UsageError("--rejects goes with --on-bad-row skip");
    ImportOptions options;
    options.mode = args.append    ? ImportMode::append
                   : args.replace ? ImportMode::replace
                                  : ImportMode::create;
    options.dry_run = args.dry_run;
    const ImportSummary summary = import_to_store(common.input(), args.db, load_options, options);
    for (const auto& warning : summary.read.warnings) common.note(warning);
    // The rejects file: where --rejects says, else beside the database (not for a dry run).
    std::filesystem::path rejects = common.rejects;
    if (rejects.empty() && !summary.read.input.skipped.empty() && !args.dry_run)
        rejects = args.db + ".rejects.csv";
    if (!args.dry_run || !common.rejects.empty())
        report_skipped(summary.read.input.skipped, rejects, common);
    print_text(format_import_summary(summary, common.input().describe(), args.db));
    return 0;
}

// Without --out the generated CSV tables go to a scratch folder beside the database, removed after.
struct ScratchFolder {
    std::filesystem::path path;
    ~ScratchFolder() {
        std::error_code ignored;
        if (!path.empty()) std::filesystem::remove_all(path, ignored);
    }
};

int run_generate(const GeneratorParams& params, const std::string& out, const std::string& db,
                 const CommonOptions& common) {
    if (out.empty() && db.empty()) throw UsageError("generate needs --out DIR, --db FILE or both");
    std::filesystem::path folder = out;
    const bool scratch = folder.empty();
    if (scratch) {
        const std::filesystem::path db_path(db);
        folder = db_path.parent_path().empty() ? std::filesystem::path(".") : db_path.parent_path();
        folder /= "." + db_path.filename().string() + ".generate-" + std::to_string(::getpid());
    }
    const ScratchFolder cleanup{scratch ? folder : std::filesystem::path()};
    const GeneratorSummary summary = generate(params, folder);
    if (!common.quiet)
        fmt::print(
            "Generated {} customers in {} communities, {} relationships (mixing {:.3f}), {} "
            "referrals and {} transactions{}.\n",
            summary.customers, summary.communities, summary.relationships, summary.realised_mixing,
            summary.referrals, summary.transactions, scratch ? "" : " in " + out);
    if (!db.empty()) {
        InputSource source;
        source.data_dir = folder;
        const ImportSummary imported = import_to_store(source, db, common.load_options());
        if (!common.quiet)
            fmt::print("Imported them into {} ({}).\n", db,
                       imported.created ? "new workspace" : "input tables replaced");
    }
    return 0;
}

void bind_generator(CLI::App& app, GeneratorParams& g) {
    app.add_option("--customers", g.customers, "Number of customers")->capture_default_str();
    app.add_option("--seed", g.seed, "Random seed: the same seed gives the same files")
        ->capture_default_str();
    app.add_option("--relationships-per-customer", g.relationships_per_customer,
                   "Mean relationships per customer")
        ->capture_default_str();
    app.add_option("--mixing", g.mixing,
                   "Share of relationships that leave the customer's community")
        ->capture_default_str();
    app.add_option("--degree-exponent", g.degree_exponent,
                   "Power-law exponent of the degree distribution")
        ->capture_default_str();
    app.add_option("--max-degree", g.max_degree,
                   "Largest degree (0: min(10 x sqrt(customers), largest community / 2, 5000))")
        ->capture_default_str();
    app.add_option("--community-exponent", g.community_exponent,
                   "Power-law exponent of community sizes")
        ->capture_default_str();
    app.add_option("--min-community", g.min_community, "Smallest community")->capture_default_str();
    app.add_option("--max-community", g.max_community, "Largest community (0: customers / 20)")
        ->capture_default_str();
    app.add_option("--business-share", g.business_share, "Share of businesses")
        ->capture_default_str();
    app.add_option("--referred-share", g.referred_share,
                   "Share of customers referred by an earlier-joined neighbour")
        ->capture_default_str();
    app.add_option("--transactions-per-customer", g.transactions_per_customer,
                   "Mean transactions per customer over the two years")
        ->capture_default_str();
    app.add_option("--hidden-influencers", g.hidden_influencers,
                   "Planted hidden influencers (0: max(3, customers / 100000))")
        ->capture_default_str();
    app.add_flag("--edge-list", g.edge_list,
                 "Also write edges.csv: source,target,weight (effective strength), for peer tools");
}

}  // namespace

Command import_command() {
    return {
        "import",
        "Store a data folder (or edge list) in a SQLite workspace database, replacing its input "
        "tables in one "
        "transaction (results tables are kept)",
        [](CLI::App& app, CommonOptions& common) -> std::function<int()> {
            auto args = std::make_shared<ImportArgs>();
            app.add_option("DATA_DIR", args->dir, "Data folder to import (or use --edges)");
            app.add_option("--db", args->db, "Workspace database to create or update")->required();
            app.add_flag(
                "--append", args->append,
                "Add new rows and update existing ones by key (customers by id; relationships by "
                "source, "
                "target and type; referrals by referrer, referred and date; transactions by "
                "customer, "
                "date, amount and order id); importing the same files twice changes nothing");
            app.add_flag("--replace", args->replace,
                         "Replace the workspace's input tables even when the new data drops "
                         "customers it holds");
            app.add_flag(
                "--dry-run", args->dry_run,
                "Validate and print what would be stored (counts per table, the mapping applied, "
                "unmapped and suspicious columns) without writing anything");
            add_common_options(app, common, false);
            return [args, &common] { return run_import(*args, common); };
        }};
}

Command mapping_command() {
    return {
        "mapping", "Mapping files: how a CRM export's files feed catena's tables",
        [](CLI::App& app, CommonOptions& common) -> std::function<int()> {
            app.require_subcommand(1);
            CLI::App* suggest = app.add_subcommand("suggest",
                                                   "Print a draft mapping file for the CSV files "
                                                   "of a folder, from their headers, each "
                                                   "guess commented for you to check");
            auto dir = std::make_shared<std::string>(), out = std::make_shared<std::string>();
            suggest->add_option("DATA_DIR", *dir, "Folder of CSV files (a CRM export)")->required();
            suggest->add_option("-o,--out", *out,
                                "Write the draft here instead of standard output");
            return [dir, out, &common] {
                const std::string draft = suggest_mapping(*dir);
                if (out->empty()) {
                    print_text(draft);
                } else {
                    write_file(*out, draft);
                    if (!common.quiet)
                        fmt::print(stderr,
                                   "catena: wrote a draft mapping to {}; check every guess\n",
                                   *out);
                }
                return 0;
            };
        }};
}

Command stats_command() {
    return {"stats",
            "Summarise the data: customers by kind and segment, relationships by type, merged and "
            "dropped rows, "
            "degrees, connected components",
            [](CLI::App& app, CommonOptions& common) -> std::function<int()> {
                add_common_options(app, common, true);
                add_output_options(app, common);
                return [&common] {
                    const OutputTarget target = common.output_target();
                    check_output(target);
                    check_memory(common, common.input(), "stats",
                                 [](const InputSize& size) { return memory::stats(size); });
                    common.emit(target, render(summarize(load_input(common)), target.format),
                                "stats");
                    return 0;
                };
            }};
}

Command generate_command() {
    return {
        "generate",
        "Write a synthetic CRM world (customers, relationships, referrals, transactions and the "
        "planted "
        "communities) as CSV, deterministic by seed",
        [](CLI::App& app, CommonOptions& common) -> std::function<int()> {
            auto params = std::make_shared<GeneratorParams>();
            auto out = std::make_shared<std::string>(), db = std::make_shared<std::string>();
            app.add_option("--out", *out,
                           "Folder to write the CSV tables into (created if missing)");
            app.add_option(
                "--db", *db,
                "Import the generated world into this workspace database (with --out the CSV files "
                "are kept there too)");
            bind_generator(app, *params);
            app.add_flag("-q,--quiet", common.quiet, "Print nothing on success");
            return [params, out, db, &common] { return run_generate(*params, *out, *db, common); };
        }};
}

Command export_command() {
    return {"export",
            "Write the graph with every computed attribute (influence score and rank, community, "
            "own, network and "
            "influence-weighted value, quadrant) on the customers, for Gephi and other tools",
            [](CLI::App& app, CommonOptions& common) -> std::function<int()> {
                add_common_options(app, common, true);
                auto options = std::make_shared<ExportOptions>();
                auto format = std::make_shared<std::string>("graphml"),
                     out = std::make_shared<std::string>();
                app.add_option("--format", *format, "graphml, gexf or dot")->capture_default_str();
                app.add_option("-o,--out", *out, "Output file (default: standard output)");
                app.add_flag("--no-analyses", options->skip_analyses,
                             "Only the data's own attributes: no scores, communities or values");
                app.add_flag("--arcs", options->arcs,
                             "Every influence arc as a directed edge (an undirected relationship "
                             "as two), for tools that read no graph mixing directed and "
                             "undirected edges (NetworkX)");
                app.add_option("--seed", options->seed,
                               "Random seed for communities and network value")
                    ->capture_default_str();
                return [options, format, out, &common] {
                    options->format = parse_export_format(*format);
                    check_memory(common, common.input(), "export",
                                 [](const InputSize& size) { return memory::export_graph(size); });
                    const Dataset dataset = load_input(common);
                    const auto start = std::chrono::steady_clock::now();
                    const ExportedGraph exported = export_graph(dataset, *options);
                    common.timing("export", std::chrono::duration<double>(
                                                std::chrono::steady_clock::now() - start)
                                                .count());
                    if (out->empty()) {
                        print_text(exported.text);
                    } else {
                        write_file(*out, exported.text);
                        if (!common.quiet)
                            fmt::print(stderr,
                                       "catena: wrote {} customers and {} edges ({} undirected) "
                                       "to {}\n",
                                       dataset.graph.num_nodes(), exported.edges,
                                       exported.undirected_edges, *out);
                    }
                    return 0;
                };
            }};
}

}  // namespace catena
