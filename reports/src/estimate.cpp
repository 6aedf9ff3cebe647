#include "catena/reports/estimate.hpp"

#include <cctype>
#include <cmath>

#include <fmt/format.h>

#include "catena/graph/errors.hpp"

namespace catena {

std::uint64_t MemoryEstimate::total() const {
    std::uint64_t sum = 0;
    for (const MemoryPart& part : parts) sum += part.bytes;
    return sum;
}

std::string MemoryEstimate::describe() const {
    const auto mib = [](std::uint64_t bytes) { return fmt::format("{:.0f} MiB", std::ceil(static_cast<double>(bytes) / (1 << 20))); };
    std::string text = "about " + mib(total()) + ":";
    for (std::size_t index = 0; index < parts.size(); ++index)
        text += (index ? " + " : " ") + parts[index].what + " " + mib(parts[index].bytes);
    return text;
}

MemoryEstimate estimate_memory(std::string_view command, std::string_view detail, const InputSize& size, int threads) {
    const double n = static_cast<double>(size.customers);
    const double rows = static_cast<double>(size.relationship_rows);
    const double arcs = 2.0 * rows;  // an undirected relationship is two arcs; at most this many
    const double t = std::max(threads, 1);
    const auto bytes = [](double value) { return static_cast<std::uint64_t>(std::max(0.0, value)); };
    MemoryEstimate estimate;
    // The process and the loaded graph: measured peak of loading (ids, attributes, CSR arrays and
    // the staging the builder frees once the graph is built).
    estimate.parts.push_back({"loaded graph", bytes(24.0 * (1 << 20) + 76.0 * rows + 160.0 * n +
                                                      40.0 * static_cast<double>(size.referrals) +
                                                      40.0 * static_cast<double>(size.transactions))});
    const auto add = [&](std::string what, double value) { estimate.parts.push_back({std::move(what), bytes(value)}); };
    const double probabilities = 8.0 * arcs;
    const double seeds_fixed = probabilities + 8.0 * arcs + 16.0 * n;  // edge probabilities, sampler's in-edge copy
    // RR sets: OPIM-C's typical need on catena's graphs; a run stops before a round that would
    // pass --memory-limit.
    const double rr_typical = 64.0 * n + 8.0 * arcs;
    const double value_rr = 16.0 * arcs + 24.0 * n + 72.0 * 230'000.0;  // theta of the default eps, delta
    const double communities = 14.0 * arcs + 64.0 * n;
    const double simulate = probabilities + 24.0 * n * t;
    if (command == "stats") add("statistics", 16.0 * n + 8.0 * arcs);
    else if (command == "rank") {
        if (detail == "betweenness" || detail == "closeness") add(std::string(detail), 8.0 * arcs + 48.0 * n * (t + 1));
        else if (detail == "core") add("core numbers", 24.0 * n + 8.0 * arcs);
        else if (detail == "degree") add("degree", 16.0 * n);
        else add("PageRank", 32.0 * n + 8.0 * arcs);
    } else if (command == "communities") {
        add(detail == "lpa" ? "label propagation" : std::string(detail.empty() ? "leiden" : detail),
            detail == "lpa" ? 12.0 * arcs + 24.0 * n : communities);
    } else if (command == "simulate") add("simulation", simulate);
    else if (command == "seeds") add("seed selection", seeds_fixed + rr_typical);
    else if (command == "compare") add("seed selection and simulation", seeds_fixed + rr_typical + simulate);
    else if (command == "value") add("network value", value_rr);
    else if (command == "export") add("analyses and output", communities + value_rr + 300.0 * arcs + 500.0 * n);
    else if (command == "report") add("analyses, one at a time (largest)", std::max({communities, value_rr, seeds_fixed + rr_typical + simulate}));
    else if (command == "import") add("database writes", 16.0 * (1 << 20));
    return estimate;
}

std::uint64_t parse_memory_size(std::string_view text) {
    std::size_t index = 0;
    while (index < text.size() && (std::isdigit(static_cast<unsigned char>(text[index])) || text[index] == '.')) ++index;
    const std::string number(text.substr(0, index));
    std::string unit(text.substr(index));
    for (char& c : unit) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    double value = 0.0;
    try {
        std::size_t used = 0;
        value = std::stod(number, &used);
        if (used != number.size()) throw std::invalid_argument("trailing");
    } catch (const std::exception&) {
        throw UsageError("--memory-limit must be a size like 800M or 2G, not '" + std::string(text) + "'");
    }
    double scale = 1.0;
    if (unit.empty() || unit == "B") scale = 1.0;
    else if (unit == "K" || unit == "KB" || unit == "KIB") scale = 1024.0;
    else if (unit == "M" || unit == "MB" || unit == "MIB") scale = 1024.0 * 1024.0;
    else if (unit == "G" || unit == "GB" || unit == "GIB") scale = 1024.0 * 1024.0 * 1024.0;
    else if (unit == "T" || unit == "TB" || unit == "TIB") scale = 1024.0 * 1024.0 * 1024.0 * 1024.0;
    else throw UsageError("--memory-limit must be a size like 800M or 2G, not '" + std::string(text) + "'");
    if (!(value > 0.0) || !std::isfinite(value * scale)) throw UsageError("--memory-limit must be above 0");
    return static_cast<std::uint64_t>(value * scale);
}

}  // namespace catena
