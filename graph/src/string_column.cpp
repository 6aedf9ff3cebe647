#include "catena/graph/string_column.hpp"

#include <functional>

namespace catena {

namespace {
std::size_t hash_of(std::string_view text) { return std::hash<std::string_view>{}(text); }
}  // namespace

std::uint32_t StringIndex::find(const StringColumn& column, std::string_view text) const {
    if (slots_.empty()) return kNone;
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t slot = hash_of(text) & mask;; slot = (slot + 1) & mask) {
        const std::uint32_t entry = slots_[slot];
        if (entry == 0) return kNone;
        if (column[entry - 1] == text) return entry - 1;
    }
}

void StringIndex::insert(const StringColumn& column, std::uint32_t row) {
    if ((count_ + 1) * 2 > slots_.size()) grow(column);
    const std::size_t mask = slots_.size() - 1;
    std::size_t slot = hash_of(column[row]) & mask;
    while (slots_[slot] != 0) slot = (slot + 1) & mask;
    slots_[slot] = row + 1;
    ++count_;
}

void StringIndex::grow(const StringColumn& column) {
    std::vector<std::uint32_t> old = std::move(slots_);
    slots_.assign(old.empty() ? 64 : old.size() * 2, 0);
    const std::size_t mask = slots_.size() - 1;
    for (const std::uint32_t entry : old) {
        if (entry == 0) continue;
        std::size_t slot = hash_of(column[entry - 1]) & mask;
        while (slots_[slot] != 0) slot = (slot + 1) & mask;
        slots_[slot] = entry;
    }
}

}  // namespace catena
