// A column of strings stored back to back in one buffer: one allocation for a million names
// instead of a million, and stable `string_view`s once the column is no longer appended to.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace catena {

class StringColumn {
public:
    StringColumn() : offsets_{0} {}

    void push_back(std::string_view text) {
        chars_.append(text);
        offsets_.push_back(chars_.size());
    }
    std::string_view operator[](std::size_t row) const {
        return std::string_view(chars_).substr(offsets_[row], offsets_[row + 1] - offsets_[row]);
    }
    std::size_t size() const { return offsets_.size() - 1; }
    bool empty() const { return size() == 0; }
    void reserve(std::size_t rows, std::size_t chars) {
        offsets_.reserve(rows + 1);
        chars_.reserve(chars);
    }
    std::size_t memory_bytes() const {
        return chars_.capacity() + offsets_.capacity() * sizeof(std::uint64_t);
    }
    friend bool operator==(const StringColumn&, const StringColumn&) = default;

private:
    std::string chars_;
    std::vector<std::uint64_t> offsets_;
};

// Maps strings (the rows of a StringColumn) to their row numbers: an open-addressing hash table of
// row numbers that compares through the column, so no string is stored twice. Each slot keeps 32
// bits of the string's hash beside the row, so a probe compares strings only on a likely match.
class StringIndex {
public:
    static constexpr std::uint32_t kNone = UINT32_MAX;
    static std::uint64_t hash(std::string_view text);

    // The row holding `text`, or kNone. `text_hash` is hash(text).
    std::uint32_t find(const StringColumn& column, std::string_view text,
                       std::uint64_t text_hash) const;
    std::uint32_t find(const StringColumn& column, std::string_view text) const {
        return find(column, text, hash(text));
    }
    // Registers row `row` of `column` (which must not be present yet); `row_hash` is its hash.
    void insert(const StringColumn& column, std::uint32_t row, std::uint64_t row_hash);
    void insert(const StringColumn& column, std::uint32_t row) { insert(column, row, hash(column[row])); }
    std::size_t memory_bytes() const { return slots_.capacity() * sizeof(std::uint64_t); }

private:
    static std::uint64_t slot_of(std::uint64_t text_hash, std::uint32_t row) {
        return (text_hash & 0xFFFFFFFF00000000ull) | (static_cast<std::uint64_t>(row) + 1);
    }
    void grow(const StringColumn& column);
    std::vector<std::uint64_t> slots_;  // hash tag (high 32 bits) | row + 1; 0 = empty
    std::size_t count_ = 0;
};

}  // namespace catena
