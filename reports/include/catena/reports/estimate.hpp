// Memory estimates before a run (`--estimate`, `--memory-limit`), from the size of the input
// alone (as Neo4j's Graph Data Science estimates from node and relationship counts). The byte
// costs per customer and per relationship are catena's measured ones (bench/RESULTS.md, the large
// graph's B/rel). A run peaks either while it loads (the rows staged and sorted before the graph
// is built, freed once it is) or during its analysis, whose working memory comes on top of the
// graph as it stays loaded: the estimate is the larger of the two. An estimate, not a bound:
// within a factor of about 1.5 of the measured peak for inputs of 100k relationships or more
// (tests/cli/estimate_test.cpp).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "catena/loaders/load.hpp"
#include "catena/reports/communities.hpp"
#include "catena/reports/rank.hpp"

namespace catena {

struct MemoryPart {
    std::string what;
    std::uint64_t bytes = 0;
};

struct MemoryEstimate {
    std::vector<MemoryPart> parts;   // the loaded graph first
    std::uint64_t loading_peak = 0;  // while the input is read and the graph built
    // The larger of loading's peak and the parts' sum.
    std::uint64_t total() const;
    // "about 123 MiB: loaded graph 100 MiB + PageRank 23 MiB", or, when loading peaks higher,
    // "about 130 MiB while loading, then loaded graph 100 MiB + PageRank 23 MiB".
    std::string describe() const;
};

// The loaded graph, then `working` (the analysis's own memory; none when `what` is empty), and
// loading's peak.
MemoryEstimate estimate_memory(const InputSize& size, MemoryPart working);

// Each analysis's working memory beyond the loaded graph; `threads`: OpenMP threads.
namespace memory {
MemoryPart stats(const InputSize& size);
MemoryPart rank(RankMeasure measure, const InputSize& size, int threads);
MemoryPart communities(CommunityMethod method, const InputSize& size);
MemoryPart simulation(const InputSize& size, int threads);
// `stated_probabilities`: an array of edge probabilities is built (not so for the Independent
// Cascade's weighted cascade: sampler_derives_weights()).
MemoryPart seed_selection(const InputSize& size, bool stated_probabilities);
MemoryPart compare(const InputSize& size, int threads);
MemoryPart network_value(const InputSize& size, bool stated_probabilities);
MemoryPart export_graph(const InputSize& size);
MemoryPart explain(const InputSize& size, int threads);  // every score, communities, value
MemoryPart report(const InputSize& size, int threads);   // the largest of its analyses
MemoryPart import();
}  // namespace memory

// Parses a size such as "800M", "2G", "1.5GiB", "500MB" or plain bytes; throws UsageError.
std::uint64_t parse_memory_size(std::string_view text);

}  // namespace catena
