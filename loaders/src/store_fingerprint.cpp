// file_fingerprint: the XXH64 fingerprint of an imported file, as recorded in `imports.files`.
#include <array>
#include <bit>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <vector>

#include "catena/loaders/store.hpp"

namespace catena {

namespace {

// XXH64 (seed 0) of a byte stream: the fingerprint of an imported file, the same 64 bits as
// `xxhsum -H1 FILE` prints.
class Xxh64 {
  public:
    void update(const unsigned char* data, std::size_t size) {
        total_ += size;
        if (buffered_ + size < 32) {
            std::memcpy(buffer_.data() + buffered_, data, size);
            buffered_ += size;
            return;
        }
        if (buffered_ > 0) {
            const std::size_t fill = 32 - buffered_;
            std::memcpy(buffer_.data() + buffered_, data, fill);
            stripe(buffer_.data());
            data += fill;
            size -= fill;
            buffered_ = 0;
        }
        for (; size >= 32; data += 32, size -= 32) stripe(data);
        std::memcpy(buffer_.data(), data, size);
        buffered_ = size;
    }

    std::uint64_t digest() const {
        std::uint64_t hash;
        if (total_ >= 32) {
            hash = std::rotl(lanes_[0], 1) + std::rotl(lanes_[1], 7) + std::rotl(lanes_[2], 12) +
                   std::rotl(lanes_[3], 18);
            for (const std::uint64_t lane : lanes_)
                hash = (hash ^ round(0, lane)) * kPrime1 + kPrime4;
        } else {
            hash = kPrime5;
        }
        hash += total_;
        const unsigned char* at = buffer_.data();
        std::size_t left = buffered_;
        for (; left >= 8; at += 8, left -= 8)
            hash = std::rotl(hash ^ round(0, read64(at)), 27) * kPrime1 + kPrime4;
        if (left >= 4) {
            hash = std::rotl(hash ^ (read32(at) * kPrime1), 23) * kPrime2 + kPrime3;
            at += 4;
            left -= 4;
        }
        for (; left > 0; ++at, --left) hash = std::rotl(hash ^ (*at * kPrime5), 11) * kPrime1;
        hash ^= hash >> 33;
        hash *= kPrime2;
        hash ^= hash >> 29;
        hash *= kPrime3;
        hash ^= hash >> 32;
        return hash;
    }

  private:
    static constexpr std::uint64_t kPrime1 = 11400714785074694791ULL,
                                   kPrime2 = 14029467366897019727ULL,
                                   kPrime3 = 1609587929392839161ULL,
                                   kPrime4 = 9650029242287828579ULL,
                                   kPrime5 = 2870177450012600261ULL;
    static std::uint64_t read64(const unsigned char* at) {
        std::uint64_t value;
        std::memcpy(&value, at, 8);
        if constexpr (std::endian::native == std::endian::big) value = __builtin_bswap64(value);
        return value;
    }
    static std::uint64_t read32(const unsigned char* at) {
        std::uint32_t value;
        std::memcpy(&value, at, 4);
        if constexpr (std::endian::native == std::endian::big) value = __builtin_bswap32(value);
        return value;
    }
    static std::uint64_t round(std::uint64_t lane, std::uint64_t input) {
        return std::rotl(lane + input * kPrime2, 31) * kPrime1;
    }
    void stripe(const unsigned char* data) {
        for (int lane = 0; lane < 4; ++lane)
            lanes_[lane] = round(lanes_[lane], read64(data + 8 * lane));
    }

    std::array<std::uint64_t, 4> lanes_{kPrime1 + kPrime2, kPrime2, 0, 0 - kPrime1};
    std::array<unsigned char, 32> buffer_{};
    std::size_t buffered_ = 0;
    std::uint64_t total_ = 0;
};

}  // namespace

std::string file_fingerprint(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return "";
    Xxh64 hash;
    std::vector<char> chunk(1 << 20);
    while (in) {
        in.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
        hash.update(reinterpret_cast<const unsigned char*>(chunk.data()),
                    static_cast<std::size_t>(in.gcount()));
    }
    if (in.bad()) return "";
    char text[17];
    std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(hash.digest()));
    return text;
}

}  // namespace catena
