#include "distributed_stats.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <unordered_map>

#include "distributed_pagerank.hpp"

namespace catena::mpi {

namespace {

struct DegreeCount {
    std::uint64_t degree, count;
};

// catena's summarize_degrees (nearest-rank quantiles) from a histogram of every customer's
// degree, on rank 0.
DegreeSummary summarize_histogram(const std::map<std::uint64_t, std::uint64_t>& histogram,
                                  std::uint64_t nodes) {
    DegreeSummary summary;
    if (nodes == 0) return summary;
    const auto at_rank = [&](double q) {
        const auto position = std::clamp<std::uint64_t>(
            static_cast<std::uint64_t>(std::ceil(q * static_cast<double>(nodes))), 1, nodes);
        std::uint64_t seen = 0;
        for (const auto& [degree, count] : histogram) {
            seen += count;
            if (seen >= position) return degree;
        }
        return histogram.rbegin()->first;
    };
    summary.min = histogram.begin()->first;
    summary.max = histogram.rbegin()->first;
    summary.median = at_rank(0.5);
    summary.p90 = at_rank(0.9);
    summary.p99 = at_rank(0.99);
    std::uint64_t total = 0;
    for (const auto& [degree, count] : histogram) total += degree * count;
    summary.mean = static_cast<double>(total) / static_cast<double>(nodes);
    return summary;
}

std::map<std::uint64_t, std::uint64_t> gathered_histogram(const Comm& comm, const EdgeSide& side,
                                                          std::size_t owned) {
    std::map<std::uint64_t, std::uint64_t> local;
    for (std::size_t slot = 0; slot < owned; ++slot)
        ++local[side.offsets[slot + 1] - side.offsets[slot]];
    std::vector<DegreeCount> mine;
    for (const auto& [degree, count] : local) mine.push_back({degree, count});
    std::map<std::uint64_t, std::uint64_t> all;
    for (const DegreeCount& entry : gatherv(comm, mine)) all[entry.degree] += entry.count;
    return all;
}

// Weakly connected components: every customer takes the smallest index among its neighbours
// (either direction) until nothing changes; a component is then labelled by its smallest index.
void components(const DistributedGraph& graph, std::uint64_t& count, std::uint64_t& largest) {
    const Comm& comm = graph.comm;
    const std::size_t owned = graph.owned.size();
    // The labels of the other ends: by global index when an array of every customer's is
    // smaller than a column per edge (GhostExchange), else by column.
    const bool by_index =
        graph.num_nodes <= (graph.out.other.size() + graph.in.other.size()) / 2 + owned;
    const GhostExchange ghosts(
        graph, {&graph.out, &graph.in},
        by_index ? GhostExchange::Layout::by_index : GhostExchange::Layout::columns);
    // One sweep: each owned customer (its label at `own`) takes the smallest label among its
    // neighbours' (at `out_at(edge)` and `in_at(edge)` in `values`).
    const auto sweep = [&](std::vector<std::uint64_t>& values, const auto& own, const auto& out_at,
                           const auto& in_at) {
        bool changed = false;
        for (std::size_t slot = 0; slot < owned; ++slot) {
            std::uint64_t label = values[own(slot)];
            for (std::uint64_t edge = graph.out.offsets[slot]; edge < graph.out.offsets[slot + 1];
                 ++edge)
                label = std::min(label, values[out_at(edge)]);
            for (std::uint64_t edge = graph.in.offsets[slot]; edge < graph.in.offsets[slot + 1];
                 ++edge)
                label = std::min(label, values[in_at(edge)]);
            if (label < values[own(slot)]) {
                values[own(slot)] = label;
                changed = true;
            }
        }
        return changed;
    };
    std::vector<std::uint64_t> labels(graph.owned.begin(), graph.owned.end());
    if (by_index) {
        std::vector<std::uint64_t> all(graph.num_nodes);
        for (const std::uint64_t node : graph.owned) all[node] = node;
        const auto own = [&](std::size_t slot) { return graph.owned[slot]; };
        const auto out_at = [&](std::uint64_t edge) { return graph.out.other[edge]; };
        const auto in_at = [&](std::uint64_t edge) { return graph.in.other[edge]; };
        for (;;) {
            ghosts.exchange_by_index(all);
            if (!any(comm, sweep(all, own, out_at, in_at))) break;
        }
        for (std::size_t slot = 0; slot < owned; ++slot) labels[slot] = all[graph.owned[slot]];
    } else {
        const std::vector<std::uint32_t>& columns = ghosts.columns();
        const std::uint64_t in_base = graph.out.other.size();
        const auto own = [](std::size_t slot) { return slot; };
        const auto out_at = [&](std::uint64_t edge) { return columns[edge]; };
        const auto in_at = [&](std::uint64_t edge) { return columns[in_base + edge]; };
        for (;;) {
            ghosts.exchange(labels);
            const bool changed = sweep(labels, own, out_at, in_at);
            labels.resize(owned);
            if (!any(comm, changed)) break;
        }
    }
    std::uint64_t roots = 0;
    std::unordered_map<std::uint64_t, std::uint64_t> sizes;
    for (std::size_t slot = 0; slot < owned; ++slot) {
        roots += labels[slot] == graph.owned[slot];
        ++sizes[labels[slot]];
    }
    count = sum(comm, roots);
    // Each label's size is summed on one rank (label modulo the ranks).
    const auto ranks = static_cast<std::size_t>(comm.size);
    std::vector<std::vector<DegreeCount>> parts(ranks);
    for (const auto& [label, size] : sizes) parts[label % ranks].push_back({label, size});
    std::unordered_map<std::uint64_t, std::uint64_t> totals;
    for (const DegreeCount& entry : alltoallv(comm, parts)) totals[entry.degree] += entry.count;
    std::uint64_t biggest = 0;
    for (const auto& [label, size] : totals) biggest = std::max(biggest, size);
    largest = max_of(comm, biggest);
}

}  // namespace

StatsSummary distributed_summary(const DistributedGraph& graph, const std::string& source) {
    const Comm& comm = graph.comm;
    const std::size_t owned = graph.owned.size();
    StatsSummary stats;
    stats.source = source;
    stats.nodes = graph.num_nodes;
    // An edge list without a customers table: everyone is a person with no segment or value.
    stats.people = graph.num_nodes;
    if (graph.num_nodes > 0) stats.segments.emplace_back("", graph.num_nodes);
    stats.build = graph.report;
    for (std::size_t type = 0; type < graph.types.size(); ++type) {
        const std::uint64_t rows =
            type < stats.build.rows_by_type.size() ? stats.build.rows_by_type[type] : 0;
        if (rows == 0) continue;
        const RelationshipType& info = graph.types[static_cast<RelationshipTypeId>(type)];
        stats.types.push_back({info.name, info.directed, info.strength, rows});
    }
    stats.edges = graph.num_edges;
    std::uint64_t without_out = 0, isolated = 0;
    for (std::size_t slot = 0; slot < owned; ++slot) {
        const bool no_out = graph.out.offsets[slot + 1] == graph.out.offsets[slot];
        const bool no_in = graph.in.offsets[slot + 1] == graph.in.offsets[slot];
        without_out += no_out;
        isolated += no_out && no_in;
    }
    stats.without_out_edges = sum(comm, without_out);
    stats.isolated = sum(comm, isolated);
    const auto out_histogram = gathered_histogram(comm, graph.out, owned);
    const auto in_histogram = gathered_histogram(comm, graph.in, owned);
    if (comm.rank == 0) {
        stats.out_degree = summarize_histogram(out_histogram, graph.num_nodes);
        stats.in_degree = summarize_histogram(in_histogram, graph.num_nodes);
    }
    components(graph, stats.components, stats.largest_component);
    return stats;
}

}  // namespace catena::mpi
