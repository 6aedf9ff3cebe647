// libFuzzer target: customers.csv of a data folder (`--data DIR`) is the fuzz input, the tables
// before it are small and valid; the whole folder goes through catena::load_dataset and the
// loaded Dataset must satisfy every invariant in fuzz_support.hpp.
#include <cstddef>
#include <cstdint>

#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    catena::fuzz::initialize();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    catena::fuzz::fuzz_data_folder_table("customers.csv", data, size);
    return 0;
}
