#include "catena/reports/seeds.hpp"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "catena/graph/errors.hpp"

#include "human.hpp"

namespace catena {

std::vector<std::uint32_t> match_segment(const InfluenceGraph& graph, std::string_view name) {
    const auto lower = [](unsigned char c) { return static_cast<char>(std::tolower(c)); };
    std::vector<std::uint32_t> codes;
    const auto& names = graph.segment_names();
    for (std::uint32_t code = 0; code < names.size(); ++code)
        if (!name.empty() && names[code].size() == name.size() &&
            std::equal(name.begin(), name.end(), names[code].begin(),
                       [&](char x, char y) { return lower(x) == lower(y); }))
            codes.push_back(code);
    return codes;
}

std::string known_segments(const InfluenceGraph& graph) {
    std::vector<std::string> names;
    for (const std::string& name : graph.segment_names())
        if (!name.empty()) names.push_back(name);
    if (names.empty()) return "no customer has a segment";
    std::sort(names.begin(), names.end());
    constexpr std::size_t kListed = 20;
    std::string out = names.size() == 1 ? "the only segment is " : "the segments are: ";
    for (std::size_t index = 0; index < std::min(names.size(), kListed); ++index)
        out += (index ? ", " : "") + names[index];
    if (names.size() > kListed) out += fmt::format(" and {} more", names.size() - kListed);
    return out;
}

namespace {

// One entry per segment code: 1 for the segments `names` (a filter option's values) name; throws
// UsageError for a name no customer's segment matches.
std::vector<std::uint8_t> segment_mask(const InfluenceGraph& graph,
                                       const std::vector<std::string>& names,
                                       std::string_view option) {
    std::vector<std::uint8_t> mask(graph.segment_names().size(), 0);
    for (const std::string& name : names) {
        const std::vector<std::uint32_t> codes = match_segment(graph, name);
        if (codes.empty())
            throw UsageError(fmt::format("{}: no customer is in segment '{}' ({})", option, name,
                                         known_segments(graph)));
        for (const std::uint32_t code : codes) mask[code] = 1;
    }
    return mask;
}

// The seeds' total cost.
double spent(const InfluenceGraph& graph, const SeedSelectionResult& result) {
    double total = 0.0;
    for (const NodeId node : result.seeds) total += graph.cost(node);
    return total;
}

}  // namespace

std::vector<std::uint8_t> seed_candidates(const InfluenceGraph& graph,
                                          const SeedsOptions& options) {
    if (options.only_segments.empty() && options.exclude_segments.empty() &&
        options.only_kind.empty())
        return {};
    if (!options.only_kind.empty() && options.only_kind != "person" &&
        options.only_kind != "business")
        throw UsageError("--only-kind must be person or business, not '" + options.only_kind + "'");
    const std::vector<std::uint8_t> only =
        segment_mask(graph, options.only_segments, "--only-segment");
    const std::vector<std::uint8_t> excluded =
        segment_mask(graph, options.exclude_segments, "--exclude-segment");
    std::vector<std::uint8_t> allowed(graph.num_nodes(), 1);
    for (NodeId node = 0; node < graph.num_nodes(); ++node) {
        const std::uint32_t code = graph.segment_code(node);
        bool ok = !excluded[code] && (options.only_segments.empty() || only[code]);
        if (!options.only_kind.empty()) ok = ok && to_string(graph.kind(node)) == options.only_kind;
        allowed[node] = ok;
    }
    return allowed;
}

SeedsReport choose_seeds(const Dataset& dataset, SeedsOptions options) {
    options.columns.resolve(dataset.graph);
    const InfluenceGraph& graph = dataset.graph;
    if (std::vector<std::uint8_t> allowed = seed_candidates(graph, options); !allowed.empty())
        options.params.candidates = std::move(allowed);
    std::vector<double> stated;
    const DiffusionWeights weights = sampling_weights(
        graph, options.params.model, options.probability, dataset.referrals, stated);
    SeedsReport report;
    report.result = select_seeds(graph, weights, options.params);
    report.options = std::move(options);
    return report;
}

nlohmann::ordered_json to_json(const Dataset& dataset, const SeedsReport& report) {
    const InfluenceGraph& graph = dataset.graph;
    const SeedSelectionResult& r = report.result;
    const SeedSelectionParams& p = report.options.params;
    nlohmann::ordered_json seeds = nlohmann::ordered_json::array();
    for (std::size_t index = 0; index < r.seeds.size(); ++index) {
        const NodeId node = r.seeds[index];
        seeds.push_back({{"order", index + 1},
                         {"id", graph.external_id(node)},
                         {"name", graph.name(node)},
                         {"kind", to_string(graph.kind(node))},
                         {"segment", graph.segment(node)},
                         {"cost", graph.cost(node)},
                         {"marginal_estimate", r.marginal_estimate[index]}});
        if (!report.options.columns.empty())
            seeds.back()["columns"] = report.options.columns.json(graph, node);
    }
    return {{"k", p.k},
            {"objective", to_string(p.objective)},
            {"epsilon", p.epsilon},
            {"delta", r.failure_probability},
            {"budget", p.budget},
            {"spent", spent(graph, r)},
            {"estimated_spread", r.estimated_spread},
            {"estimated_spread_se", r.estimated_spread_se},
            {"approximation", r.approximation},
            {"certified_approximation", r.certified_approximation},
            {"guarantee_holds", r.guarantee_holds},
            {"rr_sets", r.rr_sets},
            {"rr_entries", r.rr_entries},
            {"memory_bytes", r.memory_bytes},
            {"seeds", seeds}};
}

std::string render(const Dataset& dataset, const SeedsReport& report, OutputFormat format) {
    const InfluenceGraph& graph = dataset.graph;
    const SeedSelectionResult& r = report.result;
    const SeedSelectionParams& p = report.options.params;
    const std::string_view objective = to_string(p.objective);
    const bool by_value = p.objective == SeedObjective::value;
    if (format == OutputFormat::csv) {
        const ListedColumns& columns = report.options.columns;
        std::string out =
            "order,id,name,kind,segment,cost,marginal_estimate" + columns.csv_header() + "\n";
        for (std::size_t index = 0; index < r.seeds.size(); ++index) {
            const NodeId node = r.seeds[index];
            out += fmt::format("{},{},{},{},{},{:.2f},{:.17g}{}\n", index + 1,
                               csv_field(graph.external_id(node)), csv_field(graph.name(node)),
                               to_string(graph.kind(node)), csv_field(graph.segment(node)),
                               graph.cost(node), r.marginal_estimate[index],
                               columns.csv_cells(graph, node));
        }
        return out;
    }
    if (format == OutputFormat::json) return to_json(dataset, report).dump(2) + "\n";
    std::string out = fmt::format(
        "{} seed customers maximising expected {} reached{}\n", r.seeds.size(), objective,
        p.budget > 0 ? fmt::format(" within a budget of {}", money(p.budget)) : "");
    out += fmt::format(
        "Estimated {} reached: {} ± {}   (at least {:.3f} of the best possible, with probability "
        "{:.4g}{})\n",
        objective, by_value ? money(r.estimated_spread) : fmt::format("{:.1f}", r.estimated_spread),
        by_value ? money(r.estimated_spread_se) : fmt::format("{:.1f}", r.estimated_spread_se),
        std::max(r.certified_approximation, r.guarantee_holds ? r.approximation : 0.0),
        1.0 - r.failure_probability,
        r.guarantee_holds ? ""
                          : fmt::format("; NOT the {:.3f} asked for: the RR-set cap was reached",
                                        r.approximation));
    if (p.budget > 0) {
        const double total = spent(graph, r);
        out += fmt::format("Spent {} of the budget of {} ({} left)\n", money(total),
                           money(p.budget), money(p.budget - total));
    }
    out +=
        fmt::format("{} RR sets in {} rounds, {} entries, {:.1f} MiB\n\n", count(r.rr_sets),
                    r.rounds, count(r.rr_entries), static_cast<double>(r.memory_bytes) / (1 << 20));
    const std::vector<std::size_t> widths = report.options.columns.widths(graph, r.seeds);
    out += fmt::format("{:>5}  {:<10}  {:<28}  {:<8}  {:<20}  {:>8}  {:>12}{}\n", "order", "id",
                       "name", "kind", "segment", "cost", "adds",
                       report.options.columns.table_header(widths));
    for (std::size_t index = 0; index < r.seeds.size(); ++index) {
        const NodeId node = r.seeds[index];
        std::string name(graph.name(node));
        if (name.size() > 28) {
            std::size_t cut = 25;
            while (cut > 0 && (static_cast<unsigned char>(name[cut]) & 0xC0) == 0x80) --cut;
            name = name.substr(0, cut) + "...";
        }
        out += fmt::format("{:>5}  {:<10}  {:<28}  {:<8}  {:<20}  {:>8}  {:>12}{}\n", index + 1,
                           graph.external_id(node), name, to_string(graph.kind(node)),
                           graph.segment(node), money(graph.cost(node)),
                           by_value ? money(r.marginal_estimate[index])
                                    : fmt::format("{:.2f}", r.marginal_estimate[index]),
                           report.options.columns.table_cells(graph, node, widths));
    }
    return out;
}

}  // namespace catena
