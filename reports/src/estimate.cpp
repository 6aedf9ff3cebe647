#include "catena/reports/estimate.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>

#include <fmt/format.h>

#include "catena/graph/errors.hpp"

namespace catena {

namespace {
std::uint64_t sum(const std::vector<MemoryPart>& parts) {
    std::uint64_t bytes = 0;
    for (const MemoryPart& part : parts) bytes += part.bytes;
    return bytes;
}
}  // namespace

std::uint64_t MemoryEstimate::total() const { return std::max(loading_peak, sum(parts)); }

std::string MemoryEstimate::describe() const {
    // The total rounded up; its parts to the nearest MiB (a tenth below 10 MiB), so that they do
    // not add up to more than it.
    const auto part_mib = [](std::uint64_t bytes) {
        const double value = static_cast<double>(bytes) / (1 << 20);
        return value < 10.0 ? fmt::format("{:.1f} MiB", value) : fmt::format("{:.0f} MiB", value);
    };
    std::string text =
        fmt::format("about {:.0f} MiB", std::ceil(static_cast<double>(total()) / (1 << 20))) +
        (loading_peak > sum(parts) ? " while loading, then" : ":");
    for (std::size_t index = 0; index < parts.size(); ++index)
        text += (index ? " + " : " ") + parts[index].what + " " + part_mib(parts[index].bytes);
    return text;
}

namespace {

std::uint64_t bytes(double value) { return static_cast<std::uint64_t>(std::max(0.0, value)); }

// Bytes of the loaded graph and of loading's peak, fitted to the peaks of `stats`, `communities`
// and `value` on generated worlds of 100k customers (0.93M relationships) and 1M customers (9.7M
// relationships), read as a data folder and as an edge list with its customers file (the fit is
// within 10% of every peak measured, 2026-12-07), by input kind: an edge list's rows (source,
// target, weight) or a data folder's or workspace's (with types, dates and attributes).
constexpr double kProcessBytes = 10.0 * (1 << 20);
constexpr double kResidentEdgeRow = 48.0, kResidentRow = 53.0, kResidentCustomer = 100.0;
constexpr double kLoadEdgeRow = 64.0, kLoadRow = 73.0, kLoadCustomer = 160.0;
constexpr double kEvent = 40.0;  // a referral or transaction row
double nodes(const InputSize& size) { return static_cast<double>(size.customers); }
// An undirected relationship is two arcs; at most this many.
double arcs(const InputSize& size) { return 2.0 * static_cast<double>(size.relationship_rows); }
// The stated edge probabilities (none for the weighted cascade, which the sampler works out as it
// lays out its in-edges), the sampler's in-edges (8 bytes an arc) and records (16 bytes a
// customer), plus the RR sets, their index and the greedy's arrays: about 40 bytes a customer at
// the default eps on catena's graphs (2.3M RR set entries for 1M customers; a run stops before a
// round that would pass --memory-limit).
double stated_bytes(const InputSize& size, bool stated) { return stated ? 8.0 * arcs(size) : 0.0; }
double seed_selection_bytes(const InputSize& size, bool stated = true) {
    return stated_bytes(size, stated) + 8.0 * arcs(size) + 16.0 * nodes(size) + 40.0 * nodes(size);
}
double simulation_bytes(const InputSize& size, int threads) {
    return 8.0 * arcs(size) + 24.0 * nodes(size) * std::max(threads, 1);
}
// Leiden's and Louvain's peak: two networks of 6 bytes an arc (the customers' and the first
// aggregated one, or two orders of the customers' while it is renumbered; exact 16-bit weight
// indexes when the weights have at most 2^16 distinct values, as catena's own data have) and about
// 140 bytes a customer of working arrays. Leiden on the 10M-relationship data folder: 1,117 MiB
// measured at peak, 1,124 MiB estimated (Louvain's peak is 7% lower).
double leiden_bytes(const InputSize& size) { return 12.0 * arcs(size) + 140.0 * nodes(size); }
// The stated probabilities (as above), the sampler's in-edges, the RR sets of the default eps and
// delta, and each customer's row of the result (own, network and referral value, their errors,
// RFM scores) and of the output: about 320 bytes a customer, measured with every customer written
// out (1,190 MiB at peak on the 10M-relationship data folder, 1,222 MiB estimated).
double network_value_bytes(const InputSize& size, bool stated = true) {
    return stated_bytes(size, stated) + 8.0 * arcs(size) + 320.0 * nodes(size);
}

}  // namespace

MemoryEstimate estimate_memory(const InputSize& size, MemoryPart working) {
    const double rows = static_cast<double>(size.relationship_rows);
    const double events = static_cast<double>(size.referrals + size.transactions);
    MemoryEstimate estimate;
    // The process and the graph as it stays loaded: per relationship its two arcs (target,
    // source and in-edge ids, strength, type; a data folder's rows add their dates and
    // attributes), per customer its id, the id index, kind, segment, value, cost and flags and
    // their columns, and the referrals and transactions as read.
    estimate.parts.push_back(
        {"loaded graph",
         bytes(kProcessBytes + (size.edge_list ? kResidentEdgeRow : kResidentRow) * rows +
               kResidentCustomer * nodes(size) + kEvent * events)});
    // Loading's peak: the graph as above while the rows are still staged and sorted.
    estimate.loading_peak =
        bytes(kProcessBytes + (size.edge_list ? kLoadEdgeRow : kLoadRow) * rows +
              kLoadCustomer * nodes(size) + kEvent * events);
    if (!working.what.empty()) estimate.parts.push_back(std::move(working));
    return estimate;
}

namespace memory {

MemoryPart stats(const InputSize& size) {
    return {"statistics", bytes(16.0 * nodes(size) + 8.0 * arcs(size))};
}

MemoryPart rank(RankMeasure measure, const InputSize& size, int threads) {
    const double n = nodes(size), a = arcs(size);
    switch (measure) {
        case RankMeasure::betweenness:
        case RankMeasure::closeness:
            return {std::string(to_string(measure)),
                    bytes(8.0 * a + 48.0 * n * (std::max(threads, 1) + 1))};
        case RankMeasure::core:
            return {"core numbers", bytes(24.0 * n + 8.0 * a)};
        case RankMeasure::degree:
            return {"degree", bytes(16.0 * n)};
        case RankMeasure::pagerank:
            break;
    }
    return {"PageRank", bytes(32.0 * n + 8.0 * a)};
}

MemoryPart communities(CommunityMethod method, const InputSize& size) {
    if (method == CommunityMethod::label_propagation)
        return {"label propagation", bytes(12.0 * arcs(size) + 24.0 * nodes(size))};
    return {std::string(to_string(method)), bytes(leiden_bytes(size))};
}

MemoryPart simulation(const InputSize& size, int threads) {
    return {"simulation", bytes(simulation_bytes(size, threads))};
}
MemoryPart seed_selection(const InputSize& size, bool stated_probabilities) {
    return {"seed selection", bytes(seed_selection_bytes(size, stated_probabilities))};
}
MemoryPart compare(const InputSize& size, int threads) {
    return {"seed selection and simulation",
            bytes(seed_selection_bytes(size) + simulation_bytes(size, threads))};
}
MemoryPart network_value(const InputSize& size, bool stated_probabilities) {
    return {"network value", bytes(network_value_bytes(size, stated_probabilities))};
}
MemoryPart export_graph(const InputSize& size) {
    return {"analyses and output", bytes(leiden_bytes(size) + network_value_bytes(size) +
                                         300.0 * arcs(size) + 500.0 * nodes(size))};
}
MemoryPart explain(const InputSize& size, int threads) {
    // Four score vectors and the community summaries stay while value and the simulations run.
    return {"scores, communities, value and simulations",
            bytes(leiden_bytes(size) + network_value_bytes(size) + simulation_bytes(size, threads) +
                  48.0 * nodes(size))};
}
MemoryPart report(const InputSize& size, int threads) {
    return {"analyses, one at a time (largest)",
            bytes(std::max({leiden_bytes(size), network_value_bytes(size),
                            seed_selection_bytes(size) + simulation_bytes(size, threads)}))};
}
MemoryPart import() { return {"database writes", bytes(16.0 * (1 << 20))}; }

}  // namespace memory

std::uint64_t parse_memory_size(std::string_view text) {
    std::size_t index = 0;
    while (index < text.size() &&
           (std::isdigit(static_cast<unsigned char>(text[index])) || text[index] == '.'))
        ++index;
    const std::string number(text.substr(0, index));
    std::string unit(text.substr(index));
    for (char& c : unit) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    double value = 0.0;
    try {
        std::size_t used = 0;
        value = std::stod(number, &used);
        if (used != number.size()) throw std::invalid_argument("trailing");
    } catch (const std::exception&) {
        throw UsageError("--memory-limit must be a size like 800M or 2G, not '" +
                         std::string(text) + "'");
    }
    double scale = 1.0;
    if (unit.empty() || unit == "B")
        scale = 1.0;
    else if (unit == "K" || unit == "KB" || unit == "KIB")
        scale = 1024.0;
    else if (unit == "M" || unit == "MB" || unit == "MIB")
        scale = 1024.0 * 1024.0;
    else if (unit == "G" || unit == "GB" || unit == "GIB")
        scale = 1024.0 * 1024.0 * 1024.0;
    else if (unit == "T" || unit == "TB" || unit == "TIB")
        scale = 1024.0 * 1024.0 * 1024.0 * 1024.0;
    else
        throw UsageError("--memory-limit must be a size like 800M or 2G, not '" +
                         std::string(text) + "'");
    if (!(value > 0.0) || !std::isfinite(value * scale))
        throw UsageError("--memory-limit must be above 0");
    return static_cast<std::uint64_t>(value * scale);
}

}  // namespace catena
