#include "catena/graph/string_column.hpp"

#include <algorithm>
#include <cstring>
#include <functional>

#include "catena/graph/huge_pages.hpp"

namespace catena {

std::uint64_t StringIndex::hash(std::string_view text) {
    return std::hash<std::string_view>{}(text);
}

StringIndex::Slot StringIndex::make_slot(std::string_view text, std::uint64_t text_hash,
                                         std::uint32_t row) {
    Slot slot;
    std::memcpy(&slot.prefix, text.data(), std::min<std::size_t>(text.size(), 8));
    slot.tag = static_cast<std::uint32_t>((text_hash >> 40) << 8) |
               static_cast<std::uint32_t>(std::min<std::size_t>(text.size(), 255));
    slot.row = row + 1;
    return slot;
}

std::uint32_t StringIndex::find(const StringColumn& column, std::string_view text,
                                std::uint64_t text_hash) const {
    if (slots_.empty()) return kNone;
    const Slot probe = make_slot(text, text_hash, 0);
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t position = text_hash & mask;; position = (position + 1) & mask) {
        const Slot& slot = slots_[position];
        if (slot.row == 0) return kNone;
        if (slot.tag != probe.tag || slot.prefix != probe.prefix) continue;
        // Same length (up to 255), same first 8 bytes: equal outright when that is all of it.
        if (text.size() <= 8 || column[slot.row - 1] == text) return slot.row - 1;
    }
}

void StringIndex::place(const Slot& slot, std::uint64_t text_hash) {
    const std::size_t mask = slots_.size() - 1;
    std::size_t position = text_hash & mask;
    while (slots_[position].row != 0) position = (position + 1) & mask;
    slots_[position] = slot;
}

void StringIndex::insert(const StringColumn& column, std::uint32_t row, std::uint64_t row_hash) {
    if ((count_ + 1) * 2 > slots_.size()) grow(column, slots_.empty() ? 64 : slots_.size() * 2);
    place(make_slot(column[row], row_hash, row), row_hash);
    ++count_;
}

void StringIndex::reserve(const StringColumn& column, std::size_t rows) {
    std::size_t slots = 64;
    while (slots < rows * 2) slots *= 2;
    if (slots > slots_.size()) grow(column, slots);
}

void StringIndex::grow(const StringColumn& column, std::size_t slots) {
    std::vector<Slot> old = std::move(slots_);
    slots_ = {};
    resize_huge(slots_, slots);
    for (const Slot& slot : old)
        if (slot.row != 0) place(slot, hash(column[slot.row - 1]));
}

}  // namespace catena
