#include "catena/reports/seeds.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "catena/graph/errors.hpp"

#include "human.hpp"

namespace catena {

SeedsReport choose_seeds(const Dataset& dataset, SeedsOptions options) {
    const InfluenceGraph& graph = dataset.graph;
    if (!options.exclude_segments.empty() || !options.only_kind.empty()) {
        if (!options.only_kind.empty() && options.only_kind != "person" &&
            options.only_kind != "business")
            throw UsageError("--only-kind must be person or business, not '" + options.only_kind +
                             "'");
        const auto& names = graph.segment_names();
        std::vector<std::uint8_t> excluded_code(names.size(), 0);
        for (const std::string& segment : options.exclude_segments) {
            const auto found = std::find(names.begin(), names.end(), segment);
            if (segment.empty() || found == names.end())
                throw UsageError("--exclude-segment: no customer is in segment '" + segment + "'");
            excluded_code[static_cast<std::size_t>(found - names.begin())] = 1;
        }
        options.params.candidates.assign(graph.num_nodes(), 1);
        for (NodeId node = 0; node < graph.num_nodes(); ++node) {
            bool ok = !excluded_code[graph.segment_code(node)];
            if (!options.only_kind.empty())
                ok = ok && to_string(graph.kind(node)) == options.only_kind;
            options.params.candidates[node] = ok;
        }
    }
    const std::vector<double> weights =
        diffusion_weights(graph, options.params.model, options.probability, dataset.referrals);
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
    }
    return {{"k", p.k},
            {"objective", p.value_objective ? "value" : "customers"},
            {"epsilon", p.epsilon},
            {"delta", r.failure_probability},
            {"budget", p.budget},
            {"estimated_spread", r.estimated_spread},
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
    const char* objective = p.value_objective ? "value" : "customers";
    if (format == OutputFormat::csv) {
        std::string out = "order,id,name,kind,segment,cost,marginal_estimate\n";
        for (std::size_t index = 0; index < r.seeds.size(); ++index) {
            const NodeId node = r.seeds[index];
            out += fmt::format("{},{},{},{},{},{:.2f},{:.17g}\n", index + 1,
                               csv_field(graph.external_id(node)), csv_field(graph.name(node)),
                               to_string(graph.kind(node)), csv_field(graph.segment(node)),
                               graph.cost(node), r.marginal_estimate[index]);
        }
        return out;
    }
    if (format == OutputFormat::json) return to_json(dataset, report).dump(2) + "\n";
    std::string out = fmt::format(
        "{} seed customers maximising expected {} reached{}\n", r.seeds.size(), objective,
        p.budget > 0 ? fmt::format(" within a budget of {}", money(p.budget)) : "");
    out += fmt::format(
        "Estimated {} reached: {}   (at least {:.3f} of the best possible, with probability "
        "{:.4g}{})\n",
        objective,
        p.value_objective ? money(r.estimated_spread) : fmt::format("{:.1f}", r.estimated_spread),
        std::max(r.certified_approximation, r.guarantee_holds ? r.approximation : 0.0),
        1.0 - r.failure_probability,
        r.guarantee_holds ? ""
                          : fmt::format("; NOT the {:.3f} asked for: the RR-set cap was reached",
                                        r.approximation));
    out +=
        fmt::format("{} RR sets in {} rounds, {} entries, {:.1f} MiB\n\n", count(r.rr_sets),
                    r.rounds, count(r.rr_entries), static_cast<double>(r.memory_bytes) / (1 << 20));
    out += fmt::format("{:>5}  {:<10}  {:<28}  {:<8}  {:<20}  {:>8}  {:>12}\n", "order", "id",
                       "name", "kind", "segment", "cost", "adds");
    for (std::size_t index = 0; index < r.seeds.size(); ++index) {
        const NodeId node = r.seeds[index];
        std::string name(graph.name(node));
        if (name.size() > 28) {
            std::size_t cut = 25;
            while (cut > 0 && (static_cast<unsigned char>(name[cut]) & 0xC0) == 0x80) --cut;
            name = name.substr(0, cut) + "...";
        }
        out += fmt::format("{:>5}  {:<10}  {:<28}  {:<8}  {:<20}  {:>8}  {:>12}\n", index + 1,
                           graph.external_id(node), name, to_string(graph.kind(node)),
                           graph.segment(node), money(graph.cost(node)),
                           p.value_objective ? money(r.marginal_estimate[index])
                                             : fmt::format("{:.2f}", r.marginal_estimate[index]));
    }
    return out;
}

}  // namespace catena
