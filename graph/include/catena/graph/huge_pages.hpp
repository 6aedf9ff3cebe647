// Asks the kernel to back a large, not yet touched buffer with transparent huge pages (2 MiB):
// loading a 10M-row graph touches about 2 GiB of fresh memory, and at 4 KiB a page the page
// faults alone took a quarter of the load on a virtual machine. A hint only: without
// transparent huge pages (or off Linux) nothing changes. Only the whole pages inside
// [data, data + bytes) are advised, and only buffers of 8 MiB or more.
#pragma once

#include <cstddef>
#include <cstdint>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace catena {

inline void advise_huge_pages(const void* data, std::size_t bytes) {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    constexpr std::size_t kHuge = std::size_t{2} << 20;
    if (bytes < 4 * kHuge) return;
    const auto begin = (reinterpret_cast<std::uintptr_t>(data) + kHuge - 1) & ~(kHuge - 1);
    const auto end = (reinterpret_cast<std::uintptr_t>(data) + bytes) & ~(kHuge - 1);
    if (end > begin) ::madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
#else
    (void)data;
    (void)bytes;
#endif
}

// Reserves `count` elements in `vector` and advises the new storage (see above).
template <typename Vector>
void reserve_huge(Vector& vector, std::size_t count) {
    if (count <= vector.capacity()) return;
    vector.reserve(count);
    advise_huge_pages(vector.data(), vector.capacity() * sizeof(typename Vector::value_type));
}

// Resizes an empty or small `vector` to `count` elements in advised storage.
template <typename Vector>
void resize_huge(Vector& vector, std::size_t count) {
    reserve_huge(vector, count);
    vector.resize(count);
}

}  // namespace catena
