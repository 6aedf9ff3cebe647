// A small, fast random stream (splitmix64), one per simulation or RR set: results then depend on
// (seed, index) only, never on which thread drew them.
//
// Every randomised result in catena draws from this stream through the draws below, never through
// <random>'s distributions or std::shuffle: the standard fixes the engines' raw output but leaves
// how distributions and std::shuffle turn it into numbers to each library, so the same seed gave
// different communities (or random seeds, or pivots) with libstdc++, libc++ and MSVC. These draws
// are written out here, so a seed gives the same result on every platform.
#pragma once

#include <cstdint>
#include <iterator>
#include <utility>

namespace catena {

struct RandomStream {
    std::uint64_t state;
    std::uint64_t next() {
        std::uint64_t z = (state += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }
    // Uniform in [0, 1): the top 53 bits of one draw, so every value is a multiple of 2^-53.
    double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
    // Uniform in (0, 1], distributed as 1 - uniform(): log() of it is always finite.
    double uniform_open_zero() { return static_cast<double>((next() >> 11) + 1) * 0x1.0p-53; }
    // Uniform in [0, n) for n >= 1, unbiased (Lemire 2019, multiply-shift with rejection): the
    // high 64 bits of next() * n, drawing again in the rare case (probability < n / 2^64) that
    // the low bits fall in the short stretch that would favour some values.
    std::uint64_t below(std::uint64_t n) {
        std::uint64_t high = 0;
        std::uint64_t low = multiply(next(), n, high);
        if (low < n) {
            const std::uint64_t threshold = (0 - n) % n;  // 2^64 mod n
            while (low < threshold) low = multiply(next(), n, high);
        }
        return high;
    }
    // The stream of draw number `index` under `seed`.
    static RandomStream for_index(std::uint64_t seed, std::uint64_t index) {
        RandomStream mixer{seed ^ (index * 0xD1B54A32D192ED03ull)};
        return RandomStream{mixer.next()};
    }

  private:
    // a * b as 128 bits: returns the low half, `high` gets the high half.
    static std::uint64_t multiply(std::uint64_t a, std::uint64_t b, std::uint64_t& high) {
#if defined(__SIZEOF_INT128__)
        __extension__ using Wide = unsigned __int128;
        const Wide product = static_cast<Wide>(a) * b;
        high = static_cast<std::uint64_t>(product >> 64);
        return static_cast<std::uint64_t>(product);
#else
        const std::uint64_t a_low = a & 0xFFFFFFFFull, a_high = a >> 32;
        const std::uint64_t b_low = b & 0xFFFFFFFFull, b_high = b >> 32;
        const std::uint64_t low_low = a_low * b_low, high_low = a_high * b_low;
        const std::uint64_t cross = (low_low >> 32) + (high_low & 0xFFFFFFFFull) + a_low * b_high;
        high = a_high * b_high + (high_low >> 32) + (cross >> 32);
        return (cross << 32) | (low_low & 0xFFFFFFFFull);
#endif
    }
};

// Fisher-Yates, front to back: position i (from the first on) swaps with a uniform position in
// [i, last). After the first k steps [first, first + k) is a uniform random sample of k of the
// elements in random order, and later steps never touch it, so partial_shuffle(first, first + k,
// last) gives the same first k elements as a full shuffle. One below() per element but the last.
// Call shuffle as catena::shuffle: on std iterators, an unqualified call also finds std::shuffle.
template <typename Iterator>
void partial_shuffle(Iterator first, Iterator middle, Iterator last, RandomStream& random) {
    using Difference = typename std::iterator_traits<Iterator>::difference_type;
    const Difference size = last - first;
    const Difference steps = middle - first < size ? middle - first : size - 1;
    for (Difference index = 0; index < steps; ++index) {
        const auto other =
            index + static_cast<Difference>(random.below(static_cast<std::uint64_t>(size - index)));
        if (other != index) std::iter_swap(first + index, first + other);
    }
}

template <typename Iterator>
void shuffle(Iterator first, Iterator last, RandomStream& random) {
    partial_shuffle(first, last, last, random);
}

}  // namespace catena
