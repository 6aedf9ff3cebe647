// `catena-mpi`: catena's `stats`, `rank --by pagerank`, `seeds` and `value` for a graph too big
// for one machine, run by MPI ranks that each hold their part of it (README "Beyond one
// machine"). Started as `mpirun -np P catena-mpi COMMAND --edges FILE|--data DIR ...`; options,
// output and errors are `catena`'s, written by rank 0 only. Exit codes as catena's (0 ok, 2
// usage, 3 input, 4 output, 1 other), the same on every rank.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "catena/graph/dataset.hpp"
#include "catena/graph/errors.hpp"
#include "catena/graph/graph_builder.hpp"
#include "catena/loaders/load.hpp"
#include "catena/reports/command.hpp"
#include "catena/reports/output_format.hpp"
#include "catena/reports/rank.hpp"
#include "catena/reports/seeds.hpp"
#include "catena/reports/stats.hpp"
#include "catena/reports/value.hpp"

#include "collective.hpp"
#include "distributed_graph.hpp"
#include "distributed_pagerank.hpp"
#include "distributed_seeds.hpp"
#include "distributed_stats.hpp"
#include "usage.hpp"
#include <mpi.h>
#include <omp.h>

namespace {

using namespace catena;
using namespace catena::mpi;

constexpr int kExitUsage = 2;

constexpr const char* kDescription =
    "catena-mpi: catena's stats, PageRank, seeds and value for graphs too big for one machine.\n"
    "Every MPI rank reads its own byte range of the relationships (--edges FILE, or --data\n"
    "DIR's relationships.csv) and keeps the edges of the customers it owns (by a hash of the\n"
    "id); no rank holds the whole graph. With --data, rank 0 reads the customers, referrals\n"
    "and transactions. Output, options and errors are catena's, written by rank 0; PageRank\n"
    "scores equal `catena rank`'s, and seeds and values `catena seeds`' and `catena value`'s\n"
    "for the same --seed, at any number of ranks.\n\n"
    "Use it when one machine cannot hold the graph (catena holds about 100M relationships).\n"
    "Launch it with mpirun, on this machine or on a cluster:\n"
    "  mpirun -np 4 build/catena-mpi rank --edges big.csv --top 20\n"
    "  mpirun --hostfile hosts -np 32 build/catena-mpi value --data /shared/crm --format csv\n"
    "where `hosts` lists the machines, one a line (\"node1 slots=8\"), and the files are at the\n"
    "same path on every machine (a shared file system).\n\n"
    "Not yet: --nodes, --db, --mapping, --on-bad-row skip, --personalize, --probability\n"
    "column/learned, --output and xlsx; for those use catena on one machine.\n\n"
    "Exit codes: 0 ok, 2 usage error, 3 input error, 4 output error, 1 other error.";

struct Options {
    std::string edges, data, nodes, db;
    bool directed = false;
    std::vector<std::string> type_specs;
    std::string format = "table";
    bool quiet = false;
    bool timings = false;
    // rank
    std::string by = "pagerank", direction = "influence";
    std::size_t top = 20;
    PageRankParams pagerank;
    bool unweighted = false;
    // seeds
    SeedSelectionParams seeds;
    std::string model = "ic", probability = "weighted-cascade", objective = "customers";
    std::vector<std::string> only_segments, exclude_segments;
    std::string only_kind, columns;
};

void add_input_options(CLI::App& app, Options& options) {
    app.add_option("--edges", options.edges,
                   "Edge list CSV: source,target[,weight] or any relationships columns");
    app.add_option("--data", options.data,
                   "Data folder: customers.csv and relationships.csv, optionally referrals.csv "
                   "and transactions.csv");
    app.add_option("--nodes", options.nodes, "Not supported by catena-mpi yet (use catena)");
    app.add_option("--db", options.db, "Not supported by catena-mpi yet (use catena)");
    app.add_flag("--directed", options.directed,
                 "Rows without a type are directed 'influences' (source -> target) instead of "
                 "undirected 'knows'");
    app.add_option("--type", options.type_specs,
                   "Declare or override a relationship type: NAME:directed|undirected[:STRENGTH] "
                   "(repeatable)");
    app.add_option("--format", options.format, "Output format: table, csv or json")
        ->capture_default_str();
    app.add_flag("-q,--quiet", options.quiet, "No notes on stderr");
    app.add_flag("--timings", options.timings,
                 "Print the wall time of each step on stderr ('catena: timing: STEP SECONDS s', "
                 "rank 0's) and each rank's peak memory and the bytes it sent to other ranks "
                 "('catena: mpi: rank R: peak M MiB, sent B bytes (L loading)')");
}

// Wall seconds since `start`, the same on every rank (the slowest rank's).
double seconds_since(const Comm& comm, double start) { return max_of(comm, MPI_Wtime() - start); }

// With --timings: `step`'s seconds on rank 0's stderr.
void print_timing(const Comm& comm, const Options& options, const char* step, double seconds) {
    if (options.timings && comm.rank == 0)
        fmt::print(stderr, "catena: timing: {} {:.3f} s\n", step, seconds);
}

// The bytes this rank had sent when the graph was loaded.
std::uint64_t sent_loading = 0;

// With --timings: every rank's peak memory and bytes sent (in all, and while loading), one line
// each, on rank 0's stderr.
void print_rank_figures(const Comm& comm, const Options& options) {
    if (!options.timings) return;
    struct Figures {
        double peak_mib;
        std::uint64_t sent, sent_loading;
    };
    const std::vector<Figures> all =
        gatherv(comm, std::vector<Figures>{{peak_mib(), bytes_sent(), sent_loading}});
    if (comm.rank != 0) return;
    for (std::size_t rank = 0; rank < all.size(); ++rank)
        fmt::print(stderr, "catena: mpi: rank {}: peak {:.1f} MiB, sent {} bytes ({} loading)\n",
                   rank, all[rank].peak_mib, all[rank].sent, all[rank].sent_loading);
}

EdgeListOptions edge_list_options(const Options& options) {
    InputSource input;  // catena's checks and messages first (one input, --nodes with --edges)
    input.data_dir = options.data;
    input.edges_file = options.edges;
    input.nodes_file = options.nodes;
    input.db_file = options.db;
    input.validate();
    if (!options.db.empty() || !options.nodes.empty())
        throw UsageError(
            "catena-mpi reads --edges FILE or --data DIR (for now); use catena for --nodes and "
            "--db");
    EdgeListOptions edge_list;
    if (!options.data.empty()) {
        edge_list.edges_file = std::filesystem::path(options.data) / "relationships.csv";
        edge_list.listed_customers = true;
    } else {
        edge_list.edges_file = options.edges;
    }
    for (const std::string& spec : options.type_specs) edge_list.types.declare(spec);
    edge_list.directed = options.directed;
    return edge_list;
}

OutputFormat output_format(const Options& options) {
    if (options.format == "xlsx")
        throw UsageError("catena-mpi writes table, csv or json (xlsx needs catena and --output)");
    return parse_output_format(options.format);
}

void write_stdout(const std::string& text) {
    std::fwrite(text.data(), 1, text.size(), stdout);
    if (std::fflush(stdout) != 0 || std::ferror(stdout))
        throw OutputError("standard output", "cannot write (disk full?)");
}

void print_notes(const Comm& comm, const DistributedGraph& graph, const Options& options) {
    if (comm.rank != 0 || options.quiet) return;
    for (const std::string& warning : graph.warnings)
        fmt::print(stderr, "catena: note: {}\n", warning);
}

// A test hook: CATENA_MPI_TEST_DIE_RANK=R makes rank R die once the graph is loaded, as a
// crashed machine would (the tests check that mpirun then fails instead of hanging).
void maybe_die(const Comm& comm) {
    const char* rank = std::getenv("CATENA_MPI_TEST_DIE_RANK");
    if (rank && std::atoi(rank) == comm.rank) std::abort();
}

std::string describe(const EdgeListOptions& options) {
    if (options.customers) return options.customers->source;
    InputSource source;
    source.edges_file = options.edges_file;
    return source.describe();
}

// A graph of the listed customers only (distinct ids), for catena's own rendering: the one at
// position i of the list is node i.
InfluenceGraph listed_graph(const std::vector<std::string>& ids, const RelationshipTypes& types) {
    GraphBuilderOptions builder_options;
    builder_options.types = types;
    builder_options.implicit_nodes = true;
    GraphBuilder builder(builder_options);
    for (const std::string& id : ids) {
        CustomerRow row;
        row.id = id;
        row.implicit = true;
        if (builder.add_customer(row) + std::size_t{1} != builder.num_nodes())
            throw InternalError("catena-mpi: a listed customer twice");
    }
    return builder.build();
}

// Rank 0's part of a data folder: its customers, referrals and transactions, read as catena
// reads them (its relationships.csv is read by every rank, partitioned). Collective; rank 0
// prints the reader's notes.
Dataset load_customers(const Comm& comm, const Options& options, const EdgeListOptions& edge_list) {
    Dataset customers;
    collective_step(comm, [&] {
        if (comm.rank != 0) return;
        InputSource source;
        source.data_dir = options.data;
        LoadOptions load;
        load.types = edge_list.types;
        load.directed = edge_list.directed;
        load.skip_relationships = true;
        customers = load_dataset(source, load);
        if (!options.quiet)
            for (const std::string& warning : customers.warnings)
                fmt::print(stderr, "catena: note: {}\n", warning);
    });
    return customers;
}

// Loads the edge list on every rank (timed), then the test hook and catena's notes on rank 0.
// With --data, rank 0 first reads the customers, referrals and transactions into `customers`
// (load_customers()), and edge_list.customers points at them there.
DistributedGraph load(const Comm& comm, EdgeListOptions& edge_list, const Options& options,
                      Dataset& customers) {
    const double start = MPI_Wtime();
    if (edge_list.listed_customers) {
        customers = load_customers(comm, options, edge_list);
        if (comm.rank == 0) edge_list.customers = &customers;
    }
    DistributedGraph graph = load_edge_list(comm, edge_list);
    sent_loading = bytes_sent();
    print_timing(comm, options, "load", seconds_since(comm, start));
    maybe_die(comm);
    print_notes(comm, graph, options);
    return graph;
}

// Reverse-influence sampling (seeds, value) walks the in-edges only: the out-edges' memory (14
// bytes an edge end, half the graph's) goes back before it starts.
void drop_out_edges(DistributedGraph& graph) {
    EdgeSide none;
    none.offsets.assign(graph.owned_count() + 1, 0);
    std::swap(graph.out, none);
}

int run_stats(const Comm& comm, const Options& options) {
    EdgeListOptions edge_list;
    OutputFormat format = OutputFormat::table;
    collective_step(comm, [&] {
        edge_list = edge_list_options(options);
        format = output_format(options);
    });
    Dataset customers;
    const DistributedGraph graph = load(comm, edge_list, options, customers);
    const double summary_start = MPI_Wtime();
    StatsSummary stats = distributed_summary(graph, describe(edge_list));
    // A data folder's customers, referrals and transactions: rank 0's, counted as catena does.
    if (edge_list.listed_customers && comm.rank == 0) summarize_tables(customers, stats);
    print_timing(comm, options, "stats", seconds_since(comm, summary_start));
    collective_step(comm, [&] {
        if (comm.rank == 0) write_stdout(render(stats, format));
    });
    print_rank_figures(comm, options);
    return 0;
}

// One listed customer, as gathered on rank 0.
struct Listed {
    double score;
    std::uint64_t node;
};

bool higher(const Listed& a, const Listed& b) {
    return a.score != b.score ? a.score > b.score : a.node < b.node;
}

int run_rank(const Comm& comm, Options& options, bool top_given) {
    EdgeListOptions edge_list;
    OutputFormat format = OutputFormat::table;
    RankOptions rank_options;
    collective_step(comm, [&] {
        format = output_format(options);
        if (options.by != "pagerank") {
            parse_rank_measure(options.by);  // an unknown measure: catena's message
            throw UsageError("catena-mpi ranks by pagerank only (for now); use catena for --by " +
                             options.by);
        }
        if (options.direction == "influence")
            options.pagerank.direction = RankDirection::influence;
        else if (options.direction == "authority")
            options.pagerank.direction = RankDirection::authority;
        else
            throw UsageError("--direction must be influence or authority, not '" +
                             options.direction + "'");
        options.pagerank.weighted = !options.unweighted;
        // --top cuts terminal tables; CSV and JSON list every customer unless it is given.
        if (!top_given && format != OutputFormat::table) options.top = 0;
        edge_list = edge_list_options(options);
        rank_options.pagerank = options.pagerank;
        rank_options.top = options.top;
    });
    Dataset customers;
    const DistributedGraph graph = load(comm, edge_list, options, customers);
    const double pagerank_start = MPI_Wtime();
    const DistributedPageRankResult result = distributed_pagerank(graph, options.pagerank);
    print_timing(comm, options, "pagerank", seconds_since(comm, pagerank_start));

    if (edge_list.listed_customers) {
        // Rank 0 holds the customers (and who opted out): every score goes there, and catena's
        // own listing picks the customers to list.
        struct Score {
            std::uint64_t node;
            double score;
        };
        std::vector<Score> mine(graph.owned.size());
        for (std::size_t slot = 0; slot < mine.size(); ++slot)
            mine[slot] = {graph.owned[slot], result.scores[slot]};
        const std::vector<Score> all = gatherv(comm, mine);
        collective_step(comm, [&] {
            if (comm.rank != 0) return;
            RankResult rank_result;
            rank_result.options = rank_options;
            rank_result.scores.assign(graph.num_nodes, 0.0);
            for (const Score& item : all) rank_result.scores[item.node] = item.score;
            rank_result.top = listed_ranking(customers.graph, rank_result.scores, options.top,
                                             rank_result.opted_out_not_listed);
            rank_result.iterations = result.iterations;
            rank_result.converged = result.converged;
            rank_result.last_change = result.last_change;
            write_stdout(render(customers, rank_result, format));
        });
        print_rank_figures(comm, options);
        return 0;
    }

    // Each rank's best `top` (every customer for top 0), merged on rank 0.
    std::vector<Listed> mine(graph.owned.size());
    for (std::size_t slot = 0; slot < mine.size(); ++slot)
        mine[slot] = {result.scores[slot], graph.owned[slot]};
    const std::size_t wanted = options.top == 0 ? mine.size() : std::min(options.top, mine.size());
    std::partial_sort(mine.begin(), mine.begin() + static_cast<std::ptrdiff_t>(wanted), mine.end(),
                      higher);
    mine.resize(wanted);
    std::vector<Listed> listed = gatherv(comm, mine);
    if (comm.rank == 0) {
        std::sort(listed.begin(), listed.end(), higher);
        if (options.top != 0 && listed.size() > options.top) listed.resize(options.top);
    }
    std::uint64_t count = listed.size();
    MPI_Bcast(&count, 1, MPI_UINT64_T, 0, comm.comm);
    std::vector<std::uint64_t> nodes(count);
    for (std::size_t position = 0; position < listed.size(); ++position)
        nodes[position] = listed[position].node;
    if (comm.rank == 0)
        count_sent(count * sizeof(std::uint64_t) * static_cast<std::uint64_t>(comm.size - 1));
    MPI_Bcast(nodes.data(), static_cast<int>(count), MPI_UINT64_T, 0, comm.comm);
    const std::vector<std::string> ids = graph.ids_of(nodes);

    collective_step(comm, [&] {
        if (comm.rank != 0) return;
        RankResult rank_result;
        rank_result.options = rank_options;
        for (std::size_t position = 0; position < listed.size(); ++position)
            rank_result.top.push_back(
                {static_cast<NodeId>(position), position + 1, listed[position].score});
        rank_result.iterations = result.iterations;
        rank_result.converged = result.converged;
        rank_result.last_change = result.last_change;
        rank_result.customers = graph.num_nodes;
        const Dataset dataset{
            listed_graph(ids, edge_list.types), {}, {}, describe(edge_list), {}, {}};
        write_stdout(render(dataset, rank_result, format));
    });
    print_rank_figures(comm, options);
    return 0;
}

// --probability column and learned give each relationship its own probability, which the ranks
// do not keep (yet): a usage error for `command`.
void refuse_stated_probabilities(const char* command, DiffusionModel model,
                                 const ProbabilityModel& probability) {
    if (model == DiffusionModel::independent_cascade &&
        (probability.kind == ProbabilityModel::Kind::column ||
         probability.kind == ProbabilityModel::Kind::learned))
        throw UsageError(std::string("catena-mpi ") + command + ": --probability " +
                         to_string(probability) +
                         " is not supported yet (use catena, or weighted-cascade or constant:P)");
}

// catena's check of a constant edge probability, in `command`'s words ("seeds: ...").
void check_constant_probability(const char* command, DiffusionModel model,
                                const ProbabilityModel& probability) {
    if (model == DiffusionModel::independent_cascade &&
        probability.kind == ProbabilityModel::Kind::constant &&
        !(probability.constant >= 0.0 && probability.constant <= 1.0))
        throw UsageError(std::string(command) + ": edge probabilities must be in [0, 1]");
}

// select_seeds()'s first checks, on every rank: the parameters, then the probabilities.
void check_seeds_params(const DistributedGraph& graph, const SeedsOptions& seeds) {
    seeds.params.validate(static_cast<NodeId>(std::min<std::uint64_t>(graph.num_nodes, kNoNode)));
    check_constant_probability("seeds", seeds.params.model, seeds.probability);
}

// seeds on a data folder: rank 0 holds the customers, so catena's own checks, filters and
// objective plan who may be chosen and how roots are drawn (plan_seeds()), and catena's report
// lists the seeds with their names and columns.
int seeds_for_customers(const Comm& comm, const Options& options, const DistributedGraph& graph,
                        const Dataset& customers, SeedsOptions& seeds) {
    SeedPlan plan;
    collective_step(comm, [&] {
        SeedSelectionParams& params = seeds.params;
        if (comm.rank == 0) {
            seeds.columns.resolve(customers.graph);
            params.candidates = seed_candidates(customers.graph, seeds);
        }
        check_seeds_params(graph, seeds);
        if (comm.rank == 0) plan = plan_seeds(customers.graph, params);
        params.candidates = {};
    });
    const double seeds_start = MPI_Wtime();
    SeedsReport report;
    report.result = distributed_seeds(graph, seeds.params, seeds.probability, plan);
    print_timing(comm, options, "seeds", seconds_since(comm, seeds_start));
    collective_step(comm, [&] {
        if (comm.rank != 0) return;
        report.options = seeds;
        write_stdout(render(customers, report, output_format(options)));
    });
    print_rank_figures(comm, options);
    return 0;
}

int run_seeds(const Comm& comm, const Options& options) {
    EdgeListOptions edge_list;
    OutputFormat format = OutputFormat::table;
    SeedsOptions seeds;
    collective_step(comm, [&] {
        format = output_format(options);
        seeds.params = options.seeds;
        seeds.params.model = model_option(options.model);
        seeds.probability = ProbabilityModel::parse(options.probability);
        seeds.params.objective = objective_option(options.objective);
        refuse_stated_probabilities("seeds", seeds.params.model, seeds.probability);
        edge_list = edge_list_options(options);
        seeds.only_segments = options.only_segments;
        seeds.exclude_segments = options.exclude_segments;
        seeds.only_kind = options.only_kind;
        seeds.columns = ListedColumns::parse(options.columns);
        if (!edge_list.listed_customers &&
            (!seeds.only_segments.empty() || !seeds.exclude_segments.empty() ||
             !seeds.only_kind.empty() || !seeds.columns.empty()))
            throw UsageError(
                "--only-segment, --exclude-segment, --only-kind and --columns need the customers: "
                "give --data DIR");
    });
    Dataset customers;
    DistributedGraph graph = load(comm, edge_list, options, customers);
    drop_out_edges(graph);
    if (edge_list.listed_customers)
        return seeds_for_customers(comm, options, graph, customers, seeds);
    // catena's checks, in select_seeds' order, on what an edge list carries: every customer may
    // be chosen, none has a cost or a value.
    collective_step(comm, [&] {
        SeedSelectionParams& params = seeds.params;
        check_seeds_params(graph, seeds);
        if (params.k > graph.num_nodes)
            throw UsageError("seeds: k = " + std::to_string(params.k) + " but only " +
                             std::to_string(graph.num_nodes) +
                             " customers may be chosen (opt-outs and filters excluded)");
        if (params.budget > 0.0)
            throw UsageError(
                "seeds: a budget needs the customers' costs, and no customer has one (give "
                "customers a cost column, or choose by k alone)");
        if (params.objective == SeedObjective::value)
            throw UsageError("seeds: the value objective needs customers with a value above 0");
    });
    const double seeds_start = MPI_Wtime();
    SeedsReport report;
    report.result = distributed_seeds(graph, seeds.params, seeds.probability);
    print_timing(comm, options, "seeds", seconds_since(comm, seeds_start));
    const std::vector<std::uint64_t> chosen(report.result.seeds.begin(), report.result.seeds.end());
    const std::vector<std::string> ids = graph.ids_of(chosen);
    collective_step(comm, [&] {
        if (comm.rank != 0) return;
        for (std::size_t position = 0; position < ids.size(); ++position)
            report.result.seeds[position] = static_cast<NodeId>(position);
        report.options = seeds;
        const Dataset dataset{
            listed_graph(ids, edge_list.types), {}, {}, describe(edge_list), {}, {}};
        write_stdout(render(dataset, report, format));
    });
    print_rank_figures(comm, options);
    return 0;
}

// Every customer's id by index, on rank 0 (empty elsewhere): an edge list's customers, for
// value's report (which lists customers by rank). Collective.
std::vector<std::string> all_ids(const DistributedGraph& graph) {
    std::vector<char> mine;
    for (std::size_t slot = 0; slot < graph.owned_count(); ++slot) {
        pack_string(mine, std::to_string(graph.owned[slot]));
        pack_string(mine, graph.owned_ids[slot]);
    }
    const std::vector<char> gathered = gatherv(graph.comm, mine);
    std::vector<std::string> ids(graph.comm.rank == 0 ? graph.num_nodes : 0);
    for (std::size_t at = 0; at < gathered.size();) {
        const std::size_t index = std::stoull(unpack_string(gathered, at));
        ids[index] = unpack_string(gathered, at);
    }
    return ids;
}

// What rank 0 tells the other ranks when value reaches network value: whether to go on (0:
// rank 0 stopped before it), and the parameters of the sampling.
struct NetworkRequest {
    std::int32_t go = 0, model = 0, kind = 0, weighted = 0;
    double epsilon = 0.0, delta = 0.0, constant = 0.0;
    std::uint64_t rr_sets = 0, seed = 0;
};

// Network value for catena's value report, computed over the ranks: rank 0's analysis calls
// `compute()` from run_value() (through ValueOptions::network) with every customer's own value;
// the other ranks wait in serve() and join in.
struct DistributedNetworkValue {
    const DistributedGraph* graph = nullptr;
    bool requested = false;  // rank 0 has asked the other ranks to join

    NetworkValueResult compute(std::span<const double> own, const ValueOptions& options) {
        const ProbabilityModel& probability = options.probability;
        const NetworkValueParams& params = options.params.network;
        // catena's checks, in network_value()'s order.
        if (graph->num_edges > 0) check_constant_probability("value", params.model, probability);
        const std::vector<double> running = running_own_value(own);
        NetworkRequest request;
        request.go = 1;
        request.model = static_cast<std::int32_t>(params.model);
        request.kind = static_cast<std::int32_t>(probability.kind);
        request.weighted = probability.weighted ? 1 : 0;
        request.epsilon = params.epsilon;
        request.delta = params.delta;
        request.constant = probability.constant;
        request.rr_sets = params.rr_sets;
        request.seed = params.seed;
        requested = true;
        MPI_Bcast(&request, sizeof request, MPI_BYTE, 0, graph->comm.comm);
        return distributed_network_value(*graph, params, probability, running);
    }

    // Rank 0, when its analysis stopped before asking: tells the others not to wait.
    void release() {
        if (requested) return;
        NetworkRequest request;
        MPI_Bcast(&request, sizeof request, MPI_BYTE, 0, graph->comm.comm);
    }

    // The other ranks: joins rank 0's request, if it comes.
    void serve() {
        NetworkRequest request;
        MPI_Bcast(&request, sizeof request, MPI_BYTE, 0, graph->comm.comm);
        if (request.go == 0) return;
        NetworkValueParams params;
        params.model = static_cast<DiffusionModel>(request.model);
        params.epsilon = request.epsilon;
        params.delta = request.delta;
        params.rr_sets = request.rr_sets;
        params.seed = request.seed;
        ProbabilityModel probability;
        probability.kind = static_cast<ProbabilityModel::Kind>(request.kind);
        probability.weighted = request.weighted != 0;
        probability.constant = request.constant;
        distributed_network_value(*graph, params, probability, {});
    }
};

// `catena value`'s options, parsed by its own analysis (so the options, checks and output are
// catena's), with network value computed over the ranks.
struct ValueCommand {
    DistributedNetworkValue network;
    std::shared_ptr<Analysis> analysis;
    CLI::App* app = nullptr;
};

int run_value(const Comm& comm, Options& options, ValueCommand& command) {
    EdgeListOptions edge_list;
    OutputFormat format = OutputFormat::table;
    collective_step(comm, [&] {
        format = output_format(options);
        list_all_unless_top_given(command.app->get_option("--top"), format);
        command.analysis->prepare(CommonOptions{});
        refuse_stated_probabilities(
            "value", model_option(command.app->get_option("--model")->as<std::string>()),
            ProbabilityModel::parse(command.app->get_option("--probability")->as<std::string>()));
        edge_list = edge_list_options(options);
    });
    Dataset customers;
    DistributedGraph graph = load(comm, edge_list, options, customers);
    drop_out_edges(graph);
    // Rank 0 holds the customers (an edge list's: their ids) and runs catena's value analysis,
    // which asks the ranks for network value.
    const std::vector<std::string> ids =
        edge_list.listed_customers ? std::vector<std::string>{} : all_ids(graph);
    Dataset dataset;
    if (comm.rank == 0)
        dataset =
            edge_list.listed_customers
                ? std::move(customers)
                : Dataset{listed_graph(ids, edge_list.types), {}, {}, describe(edge_list), {}, {}};
    command.network.graph = &graph;
    const double value_start = MPI_Wtime();
    Failure failure;
    if (comm.rank == 0) {
        AnalysisEnv env;
        failure = attempt([&] { command.analysis->compute(dataset, env); });
        command.network.release();
    } else {
        command.network.serve();
    }
    agree(comm, failure);
    print_timing(comm, options, "value", seconds_since(comm, value_start));
    collective_step(comm, [&] {
        if (comm.rank == 0) write_stdout(command.analysis->render(dataset, format));
    });
    print_rank_figures(comm, options);
    return 0;
}

int run(const Comm& comm, int argc, char** argv) {
    CLI::App app{kDescription, "catena-mpi"};
    app.set_version_flag("-V,--version", std::string("catena-mpi ") + CATENA_VERSION);
    app.require_subcommand(1);
    Options options;
    CLI::App* stats = app.add_subcommand(
        "stats",
        "Summarise the edge list: relationships by type, merged and dropped rows, degrees, "
        "connected components");
    add_input_options(*stats, options);
    CLI::App* rank = app.add_subcommand("rank", "Rank customers by PageRank and list the top ones");
    add_input_options(*rank, options);
    rank->add_option("--by", options.by, "Measure: pagerank (the only one in catena-mpi yet)")
        ->capture_default_str();
    CLI::Option* top =
        rank->add_option("--top", options.top,
                         "How many customers to list (0: all; CSV and JSON list all unless given)")
            ->capture_default_str();
    rank->add_option("--direction", options.direction,
                     "influence: who reaches many (walks against the edges); authority: who is "
                     "reached by many")
        ->capture_default_str();
    rank->add_option("--damping", options.pagerank.damping, "PageRank damping factor, in [0, 1)")
        ->capture_default_str();
    rank->add_option("--tolerance", options.pagerank.tolerance,
                     "PageRank stops when the L1 change of the scores is below this")
        ->capture_default_str();
    rank->add_option("--max-iterations", options.pagerank.max_iterations, "PageRank iteration cap")
        ->capture_default_str();
    rank->add_flag("--unweighted", options.unweighted,
                   "PageRank counts every edge as 1, ignoring strength");
    CLI::App* seeds = app.add_subcommand(
        "seeds",
        "Choose the k customers to seed a referral campaign with (reverse-influence sampling, "
        "OPIM-C): the same seeds and figures as `catena seeds` for the same --seed");
    add_input_options(*seeds, options);
    SeedSelectionParams& p = options.seeds;
    seeds->add_option("-k", p.k, "How many seeds")->capture_default_str();
    seeds->add_option("--eps", p.epsilon, "Approximation slack eps, in (0, 1)")
        ->capture_default_str();
    seeds
        ->add_option("--delta", p.delta,
                     "Failure probability of the guarantee (0: 1 / number of customers)")
        ->capture_default_str();
    seeds->add_option("--model", options.model, "Diffusion model: ic or lt")->capture_default_str();
    seeds
        ->add_option("--probability", options.probability,
                     "IC edge probabilities: weighted-cascade or constant:P")
        ->capture_default_str();
    seeds
        ->add_option("--objective", options.objective,
                     "customers or value (expected own value reached: customers' value column, "
                     "with --data)")
        ->capture_default_str();
    seeds
        ->add_option("--budget", p.budget,
                     "With --data: total cost of the seeds at most this (customers' cost column; "
                     "0: no budget)")
        ->capture_default_str();
    seeds->add_option("--only-segment", options.only_segments,
                      "With --data: choose only from this segment (repeatable; any case)");
    seeds->add_option("--exclude-segment", options.exclude_segments,
                      "With --data: never choose this segment (repeatable; any case)");
    seeds->add_option("--only-kind", options.only_kind,
                      "With --data: choose only person or business customers");
    seeds->add_option("--columns", options.columns,
                      "With --data: customer columns to list beside each seed, e.g. email,owner");
    seeds->add_option("--seed", p.seed, "Random seed")->capture_default_str();
    ValueCommand value_command;
    {
        ValueOptions value_options;
        value_options.network = [&value_command](std::span<const double> own,
                                                 const ValueOptions& options) {
            return value_command.network.compute(own, options);
        };
        value_command.analysis = make_value_analysis(value_options);
    }
    CLI::App* value = app.add_subcommand(
        "value",
        std::string(value_command.analysis->help()) +
            ". The same figures as `catena value` for the same --seed; network value is drawn "
            "over the ranks, the rest (a per-customer table) on rank 0");
    add_input_options(*value, options);
    value_command.analysis->bind(*value);
    value_command.app = value;
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& error) {
        if (error.get_exit_code() == 0) {  // --help, --version: rank 0 prints them
            if (comm.rank == 0) return app.exit(error);
            return 0;
        }
        const std::vector<std::string> arguments(argv + std::min(argc, 1), argv + argc);
        if (comm.rank == 0)
            fmt::print(stderr, "catena: usage error: {}\n",
                       catena::cli::usage_message(app, error, arguments));
        return kExitUsage;
    }
    if (stats->parsed()) return run_stats(comm, options);
    if (seeds->parsed()) return run_seeds(comm, options);
    if (value->parsed()) return run_value(comm, options, value_command);
    return run_rank(comm, options, top->count() > 0);
}

}  // namespace

int main(int argc, char** argv) {
    // A rank waiting for the others yields its core instead of spinning on it (Open MPI spins by
    // default unless it sees more ranks than cores): batch jobs share their machines, and a
    // spinning rank starves the very processes it waits for. OMPI_MCA_mpi_yield_when_idle=0 in
    // the environment turns it back off.
    setenv("OMPI_MCA_mpi_yield_when_idle", "1", 0);
    MPI_Init(&argc, &argv);
    // One thread per rank unless OMP_NUM_THREADS says otherwise: the ranks share the cores.
    if (std::getenv("OMP_NUM_THREADS") == nullptr) omp_set_num_threads(1);
    const Comm comm = Comm::world();
    int code = 0;
    try {
        code = run(comm, argc, argv);
    } catch (const Stop& stop) {
        code = stop.code;
    } catch (const std::exception& error) {
        // Outside a collective step: this rank cannot tell the others, so end the job.
        fmt::print(stderr, "catena: internal error (a bug in catena, please report it): {}\n",
                   error.what());
        MPI_Abort(comm.comm, 1);
    }
    MPI_Finalize();
    return code;
}
