// A small, fast random stream (splitmix64), one per simulation or RR set: results then depend on
// (seed, index) only, never on which thread drew them.
#pragma once

#include <cstdint>

namespace catena {

struct RandomStream {
    std::uint64_t state;
    std::uint64_t next() {
        std::uint64_t z = (state += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }
    double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
    // The stream of draw number `index` under `seed`.
    static RandomStream for_index(std::uint64_t seed, std::uint64_t index) {
        RandomStream mixer{seed ^ (index * 0xD1B54A32D192ED03ull)};
        return RandomStream{mixer.next()};
    }
};

}  // namespace catena
