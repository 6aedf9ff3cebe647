// Memory estimates before a run (`--estimate`, `--memory-limit`), from the size of the input
// alone (as Neo4j's Graph Data Science estimates from node and relationship counts). The byte
// costs per customer and per relationship are catena's measured ones (bench/RESULTS.md: loading
// peaks at about 89 bytes per relationship on the 10M-relationship graph); each analysis adds its
// working memory on top of the loaded graph. An estimate, not a bound: within a factor of about
// two of the measured peak for inputs of 10k relationships or more.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "catena/loaders/load.hpp"

namespace catena {

struct MemoryPart {
    std::string what;
    std::uint64_t bytes = 0;
};

struct MemoryEstimate {
    std::vector<MemoryPart> parts;  // the loaded graph first
    std::uint64_t total() const;
    std::string describe() const;  // "about 123 MiB: loaded graph 100 MiB + PageRank 23 MiB"
};

// `command`: a catena subcommand; `detail`: its method where it matters (rank --by, communities
// --method); `threads`: OpenMP threads.
MemoryEstimate estimate_memory(std::string_view command, std::string_view detail, const InputSize& size, int threads);

// Parses a size such as "800M", "2G", "1.5GiB", "500MB" or plain bytes; throws UsageError.
std::uint64_t parse_memory_size(std::string_view text);

}  // namespace catena
