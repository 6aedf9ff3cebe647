// libFuzzer target: an edge list (`--edges FILE`, no `--nodes`) is the fuzz input, loaded with
// `--directed` (the data folder targets cover the undirected default), so every id it names
// becomes a person; the loaded Dataset must satisfy every invariant in fuzz_support.hpp.
#include <cstddef>
#include <cstdint>

#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    catena::fuzz::initialize();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const std::filesystem::path edges = catena::fuzz::scratch_dir() / "edges.csv";
    catena::fuzz::write_file(edges, data, size);
    catena::InputSource source;
    source.edges_file = edges;
    catena::fuzz::load_and_check(source, /*directed=*/true, edges,
                                 std::string_view(reinterpret_cast<const char*>(data), size));
    return 0;
}
