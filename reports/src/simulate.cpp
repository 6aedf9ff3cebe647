#include "catena/reports/simulate.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <optional>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "catena/graph/errors.hpp"
#include "catena/loaders/csv_reader.hpp"

#include "human.hpp"

namespace catena {

namespace {
std::string probability_name(const SimulateOptions& options) {
    if (options.params.model == DiffusionModel::linear_threshold)
        return "in-edge strengths normalised";
    switch (options.probability.kind) {
        case ProbabilityModel::Kind::weighted_cascade:
            return "weighted-cascade";
        case ProbabilityModel::Kind::constant:
            return fmt::format("constant:{}", options.probability.constant);
        case ProbabilityModel::Kind::column:
            return "column";
        case ProbabilityModel::Kind::learned:
            return "learned";
    }
    return "?";
}
}  // namespace

std::vector<std::string> read_seed_file(const std::string& path) {
    std::error_code error;
    if (std::filesystem::is_directory(path, error))
        throw InputError(path, "", "is a folder, not a seeds file");
    std::ifstream in(path, std::ios::binary);
    if (!in) throw InputError(path, "", "cannot open the seeds file");
    std::ostringstream read;
    read << in.rdbuf();
    std::string contents = read.str();
    std::string_view text = contents;
    if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
    // A header is a first line with a field `id` or `customer` (any case, quoted or not): a list
    // of ids, or a table such as `catena seeds --format csv` writes (order,id,name,...).
    std::string first(text.substr(0, std::min(text.find_first_of("\r\n"), text.size())));
    first.erase(std::remove(first.begin(), first.end(), '"'), first.end());
    std::transform(first.begin(), first.end(), first.begin(),
                   [](unsigned char c) { return std::tolower(c); });
    bool header = false;
    for (std::size_t start = 0; start <= first.size();) {
        const std::size_t end = std::min(first.find_first_of(",;\t|", start), first.size());
        std::string field = first.substr(start, end - start);
        field.erase(0, field.find_first_not_of(' '));
        field.erase(field.find_last_not_of(' ') + 1);
        header = header || field == "id" || field == "customer";
        start = end + 1;
    }
    std::vector<std::string> ids;
    if (header) {
        CsvReader reader(path, std::move(contents));
        const std::optional<std::size_t> id = reader.column("id");
        const std::size_t column = id ? *id : reader.column("customer").value_or(0);
        std::vector<std::string_view> fields;
        while (reader.next(fields))
            if (!fields[column].empty()) ids.emplace_back(fields[column]);
    } else {
        for (std::size_t start = 0; start < text.size();) {
            std::size_t end = std::min(text.find_first_of("\r\n", start), text.size());
            if (end > start) ids.emplace_back(text.substr(start, end - start));
            start = end + 1;
        }
    }
    if (ids.empty()) throw InputError(path, "", "no customer ids in the seeds file");
    return ids;
}

SimulateReport run_simulation(const Dataset& dataset, const SimulateOptions& options) {
    const InfluenceGraph& graph = dataset.graph;
    SimulateReport report;
    report.options = options;
    if (options.seed_ids.empty())
        throw UsageError("simulate: give the seed customers (--seeds or --seeds-file)");
    for (const std::string& id : options.seed_ids) {
        const auto node = graph.find(id);
        if (!node) throw UsageError("simulate: unknown seed customer '" + id + "'");
        if (std::find(report.seeds.begin(), report.seeds.end(), *node) != report.seeds.end())
            throw UsageError("simulate: seed customer '" + id + "' is given twice");
        report.seeds.push_back(*node);
    }
    std::string opted_out;
    std::size_t opted_out_count = 0;
    for (const NodeId node : report.seeds)
        if (graph.opt_out(node)) {
            opted_out +=
                (opted_out.empty() ? "'" : ", '") + std::string(graph.external_id(node)) + "'";
            ++opted_out_count;
        }
    if (opted_out_count > 0)
        throw UsageError(
            "simulate: seed customer" + std::string(opted_out_count == 1 ? " " : "s ") + opted_out +
            (opted_out_count == 1 ? " has" : " have") +
            " opted out and may not be a campaign target; leave them out of the seeds");
    const std::vector<double> weights =
        diffusion_weights(graph, options.params.model, options.probability, dataset.referrals);
    report.result = simulate(graph, weights, report.seeds, options.params);
    return report;
}

namespace {

// The most likely reached: never a seed nor an opted-out customer, at most options.top (0: all) of
// them, most likely first. `opted_out` counts those passed over (more likely reached than the last
// listed, or all when the list runs out).
struct Reached {
    std::vector<NodeId> listed;
    std::uint64_t opted_out = 0;
};

Reached most_likely_reached(const InfluenceGraph& graph, const SimulateReport& report) {
    const SimulationResult& r = report.result;
    std::vector<NodeId> reached(graph.num_nodes());
    std::iota(reached.begin(), reached.end(), NodeId{0});
    std::erase_if(reached, [&](NodeId node) {
        return std::find(report.seeds.begin(), report.seeds.end(), node) != report.seeds.end() ||
               r.activation_probability[node] == 0.0;
    });
    std::size_t opted_out_reached = 0;
    for (const NodeId node : reached) opted_out_reached += graph.opt_out(node);
    const std::size_t top = report.options.top == 0 ? reached.size() : report.options.top;
    const std::size_t sorted = std::min(top + opted_out_reached, reached.size());
    std::partial_sort(reached.begin(), reached.begin() + static_cast<std::ptrdiff_t>(sorted),
                      reached.end(), [&](NodeId a, NodeId b) {
                          const double pa = r.activation_probability[a],
                                       pb = r.activation_probability[b];
                          return pa != pb ? pa > pb : a < b;
                      });
    reached.resize(sorted);
    Reached out;
    for (const NodeId node : reached) {
        if (out.listed.size() >= top) break;
        if (graph.opt_out(node))
            ++out.opted_out;
        else
            out.listed.push_back(node);
    }
    if (out.listed.size() < top) out.opted_out = opted_out_reached;
    return out;
}

// Every customer's probability, a prediction for analysis like the stored rows: the opted-out
// are in it, flagged by the opt_out column to filter on.
std::string activation_csv(const InfluenceGraph& graph, const SimulationResult& r) {
    std::string out = "id,name,activation_probability,opt_out\n";
    for (NodeId node = 0; node < graph.num_nodes(); ++node)
        out += fmt::format("{},{},{:.17g},{}\n", csv_field(graph.external_id(node)),
                           csv_field(graph.name(node)), r.activation_probability[node],
                           graph.opt_out(node) ? "true" : "false");
    return out;
}

}  // namespace

nlohmann::ordered_json to_json(const Dataset& dataset, const SimulateReport& report) {
    const InfluenceGraph& graph = dataset.graph;
    const SimulationResult& r = report.result;
    const Reached reached = most_likely_reached(graph, report);
    nlohmann::ordered_json rows = nlohmann::ordered_json::array();
    for (const NodeId node : reached.listed)
        rows.push_back({{"id", graph.external_id(node)},
                        {"name", graph.name(node)},
                        {"probability", r.activation_probability[node]}});
    return {{"model", to_string(report.options.params.model)},
            {"probability", probability_name(report.options)},
            {"simulations", r.simulations},
            {"seed", report.options.params.seed},
            {"seeds", report.options.seed_ids},
            {"expected_spread", r.expected_spread},
            {"standard_error", r.standard_error},
            {"ci95", {r.ci_low, r.ci_high}},
            {"expected_value", r.expected_value},
            {"value_standard_error", r.value_standard_error},
            {"mean_by_depth", r.mean_by_depth},
            {"most_likely_reached", rows},
            {"opted_out_not_listed", reached.opted_out}};
}

std::string render(const Dataset& dataset, const SimulateReport& report, OutputFormat format) {
    const InfluenceGraph& graph = dataset.graph;
    const SimulationResult& r = report.result;
    if (format == OutputFormat::json) return to_json(dataset, report).dump(2) + "\n";
    if (format == OutputFormat::csv) return activation_csv(graph, r);
    const Reached reached = most_likely_reached(graph, report);
    std::string out = fmt::format(
        "Simulated {} campaigns ({} model, p = {}, seed {}) from {} seed customer{}\n\n",
        count(r.simulations),
        to_string(report.options.params.model) == "lt" ? "Linear Threshold" : "Independent Cascade",
        probability_name(report.options), report.options.params.seed, report.seeds.size(),
        report.seeds.size() == 1 ? "" : "s");
    out += fmt::format(
        "  expected customers reached  {:.2f} ± {:.2f}  (95% interval {:.2f} to {:.2f}; seeds "
        "included)\n",
        r.expected_spread, r.standard_error, r.ci_low, r.ci_high);
    out += fmt::format("  expected value reached      {} ± {}\n", money(r.expected_value),
                       money(r.value_standard_error));
    out += "  mean customers activated by depth:";
    for (std::size_t depth = 0; depth < r.mean_by_depth.size() && depth < 12; ++depth)
        out += fmt::format(" {}:{}", depth, score(r.mean_by_depth[depth], 3));
    if (r.mean_by_depth.size() > 12) out += " ...";
    out += "\n\n";
    if (!reached.listed.empty()) {
        out += "Most likely to be reached\n";
        for (const NodeId node : reached.listed)
            out += fmt::format("  {:>6.1f}%  {} {}\n", 100 * r.activation_probability[node],
                               graph.external_id(node), graph.name(node));
    }
    if (reached.opted_out > 0)
        out += fmt::format(
            "{} opted-out customer{} more likely reached than these not listed (counted in the "
            "spread)\n",
            count(reached.opted_out), reached.opted_out == 1 ? "" : "s");
    return out;
}

}  // namespace catena
