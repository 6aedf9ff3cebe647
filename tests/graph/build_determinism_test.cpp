#include <catch2/catch.hpp>

#include "catena/loaders/load.hpp"
#include "catena/samples/generator.hpp"

#include "test_util.hpp"
#include <omp.h>

using namespace catena;

TEST_CASE("The built graph is the same at any thread count", "[graph][builder][threads]") {
    test::ScratchDir scratch;
    GeneratorParams params;
    params.customers = 30000;  // enough rows for the parallel bucket sort to split the work
    generate(params, scratch.path());
    InputSource source;
    source.data_dir = scratch.path();
    const int threads = omp_get_max_threads();
    omp_set_num_threads(1);
    const Dataset one = load_dataset(source, {});
    omp_set_num_threads(std::max(2, threads));
    const Dataset two = load_dataset(source, {});
    omp_set_num_threads(threads);
    CHECK(one.graph.num_edges() > 400000);
    CHECK(one.graph.report().merged_rows > 0);
    CHECK(one.graph == two.graph);
}
