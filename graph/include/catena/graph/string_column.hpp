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
// row numbers that compares through the column, so no string is stored twice. Each 16-byte slot
// also keeps 24 bits of the string's hash, its length and its first 8 bytes: a probe touches the
// column only to confirm a match of a string longer than 8 bytes, which saves a cache miss per
// lookup for typical CRM ids.
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
    void insert(const StringColumn& column, std::uint32_t row) {
        insert(column, row, hash(column[row]));
    }
    // Makes room for `rows` strings in all, so inserting them does not grow the table again.
    void reserve(const StringColumn& column, std::size_t rows);
    std::size_t memory_bytes() const { return slots_.capacity() * sizeof(Slot); }
    // Hints the processor to fetch the slot a lookup of a string with this hash starts at.
    void prefetch(std::uint64_t text_hash) const {
        if (!slots_.empty()) __builtin_prefetch(&slots_[text_hash & (slots_.size() - 1)]);
    }

  private:
    struct Slot {
        std::uint64_t prefix = 0;  // the first 8 bytes of the string, zero-padded
        std::uint32_t tag = 0;     // 24 hash bits << 8 | min(length, 255)
        std::uint32_t row = 0;     // row + 1; 0 = empty
    };
    static Slot make_slot(std::string_view text, std::uint64_t text_hash, std::uint32_t row);
    void place(const Slot& slot, std::uint64_t text_hash);
    void grow(const StringColumn& column, std::size_t slots);
    std::vector<Slot> slots_;
    std::size_t count_ = 0;
};

}  // namespace catena
