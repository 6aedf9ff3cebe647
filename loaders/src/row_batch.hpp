// Rows parsed a few dozen ahead of the sink. Resolving a customer id is a lookup in an index of
// up to millions of customers, a cache miss each time; a batch lets the sink start fetching
// every id the batch names (prefetch) before it resolves them one by one, so the lookups of a
// batch overlap their memory latency. Rows still reach the sink in file order, and a bad row's
// error is reported in file order too (the caller flushes before reporting an error of its own).
// Shared by the plain and the mapped readers, for relationships and transactions.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "catena/graph/errors.hpp"
#include "catena/loaders/csv_reader.hpp"

namespace catena {

// How many more records `reader` holds, estimated from the bytes the first `records` took, with
// a 2% margin: for the sink's expect_*() hints, after the first thousand or so.
inline std::size_t records_left(const CsvReader& reader, std::size_t records) {
    if (records == 0 || reader.bytes_read() == 0) return 0;
    const double bytes_per_record =
        static_cast<double>(reader.bytes_read()) / static_cast<double>(records);
    return static_cast<std::size_t>(
               1.02 * static_cast<double>(reader.bytes_total() - reader.bytes_read()) /
               bytes_per_record) +
           64;
}

// After this many records a reader tells the sink how many more to expect.
constexpr std::size_t kRecordsBeforeEstimate = 1024;

template <typename Row>
class RowBatch {
  public:
    static constexpr std::size_t kSize = 64;

    // `keep_records`: keep each row's fields for the rejects file (skip policy).
    explicit RowBatch(bool keep_records) : keep_records_(keep_records) {
        rows_.reserve(kSize);
        lines_.reserve(kSize);
    }

    std::size_t size() const { return rows_.size(); }
    bool full() const { return rows_.size() == kSize; }

    // `fields` are the record's views into the reader's buffer (valid as long as the reader).
    void push(const Row& row, std::uint64_t line, const std::vector<std::string_view>& fields) {
        rows_.push_back(row);
        lines_.push_back(line);
        if (keep_records_) records_.push_back(fields);
    }

    // prefetch(span of rows), then deliver(row) for each; a RowError it throws goes to
    // fail(error, line, fields) and the next row follows.
    template <typename Prefetch, typename Deliver, typename Fail>
    void flush(Prefetch&& prefetch, Deliver&& deliver, Fail&& fail) {
        if (rows_.empty()) return;
        prefetch(std::span<const Row>(rows_));
        static const std::vector<std::string_view> kNoFields;
        for (std::size_t index = 0; index < rows_.size(); ++index) {
            try {
                deliver(rows_[index]);
            } catch (const RowError& error) {
                fail(error, lines_[index], keep_records_ ? records_[index] : kNoFields);
            }
        }
        rows_.clear();
        lines_.clear();
        records_.clear();
    }

  private:
    bool keep_records_;
    std::vector<Row> rows_;
    std::vector<std::uint64_t> lines_;
    std::vector<std::vector<std::string_view>> records_;
};

}  // namespace catena
