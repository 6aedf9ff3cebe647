#include "catena/graph/string_column.hpp"

#include <functional>

namespace catena {

std::uint64_t StringIndex::hash(std::string_view text) { return std::hash<std::string_view>{}(text); }

std::uint32_t StringIndex::find(const StringColumn& column, std::string_view text,
                                std::uint64_t text_hash) const {
    if (slots_.empty()) return kNone;
    const std::size_t mask = slots_.size() - 1;
    const std::uint64_t tag = text_hash & 0xFFFFFFFF00000000ull;
    for (std::size_t slot = text_hash & mask;; slot = (slot + 1) & mask) {
        const std::uint64_t entry = slots_[slot];
        if (entry == 0) return kNone;
        if ((entry & 0xFFFFFFFF00000000ull) != tag) continue;
        const auto row = static_cast<std::uint32_t>(entry) - 1;
        if (column[row] == text) return row;
    }
}

void StringIndex::insert(const StringColumn& column, std::uint32_t row, std::uint64_t row_hash) {
    if ((count_ + 1) * 2 > slots_.size()) grow(column);
    const std::size_t mask = slots_.size() - 1;
    std::size_t slot = row_hash & mask;
    while (slots_[slot] != 0) slot = (slot + 1) & mask;
    slots_[slot] = slot_of(row_hash, row);
    ++count_;
}

void StringIndex::grow(const StringColumn& column) {
    std::vector<std::uint64_t> old = std::move(slots_);
    slots_.assign(old.empty() ? 64 : old.size() * 2, 0);
    const std::size_t mask = slots_.size() - 1;
    for (const std::uint64_t entry : old) {
        if (entry == 0) continue;
        const auto row = static_cast<std::uint32_t>(entry) - 1;
        const std::uint64_t row_hash = hash(column[row]);
        std::size_t slot = row_hash & mask;
        while (slots_[slot] != 0) slot = (slot + 1) & mask;
        slots_[slot] = slot_of(row_hash, row);
    }
}

}  // namespace catena
