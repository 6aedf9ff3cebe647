// Rows parsed ahead of the sink, in batches, and on a second thread when one is allowed.
//
// Resolving a customer id is a lookup in an index of up to millions of customers, a cache miss
// each time; the sink takes rows in windows of 64, fetching every id a window names (prefetch)
// before it resolves them one by one, so the lookups overlap their memory latency.
//
// Parsing a record (splitting it, numbers, dates, a mapping's templates) and taking its row
// (resolving ids, staging the edge) cost about the same and neither needs the other's result, so
// for a big file with more than one thread allowed (OMP_NUM_THREADS or --threads) RowPipeline
// hands batches of 1,024 rows to a worker thread that delivers them while the caller parses the
// next. Rows reach the sink in file order either way, and so do errors: a row the sink refuses
// goes to `fail` on the worker in order, and the caller flushes (waits for the worker) before it
// reports an error of its own. The threads wait on condition variables, so a busy machine loses
// no core to spinning; with one thread, or a small file, batches are delivered on the caller's
// thread as they fill. Shared by the plain and the mapped readers, for relationships and
// transactions.
#pragma once

#include <algorithm>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "catena/graph/errors.hpp"
#include "catena/loaders/csv_reader.hpp"

#include <omp.h>

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

// Whether a reader's remaining records are parsed ahead on a worker: more than one thread
// allowed and at least 1 MiB left to read.
inline bool parse_ahead(const CsvReader& reader) {
    constexpr std::size_t kMinBytes = std::size_t{1} << 20;
    return omp_get_max_threads() > 1 && reader.bytes_total() - reader.bytes_read() >= kMinBytes;
}

template <typename Row>
class RowPipeline {
  public:
    using Prefetch = std::function<void(std::span<const Row>)>;
    using Deliver = std::function<void(const Row&)>;
    using Fail = std::function<void(const RowError&, std::uint64_t line,
                                    const std::vector<std::string_view>& fields)>;
    static constexpr std::size_t kWindow = 64;     // rows prefetched together
    static constexpr std::size_t kHandOff = 1024;  // rows per batch handed to the worker

    // prefetch(window) then deliver(row) for each row; a RowError deliver throws goes to
    // fail(error, line, fields) and the next row follows. `keep_records`: keep each row's fields
    // for the rejects file (skip policy). `owned_per_row`: strings each row may keep texts in
    // (slots()). `threaded`: deliver on a worker thread (see parse_ahead()).
    RowPipeline(bool keep_records, bool threaded, std::size_t owned_per_row, Prefetch prefetch,
                Deliver deliver, Fail fail)
        : keep_records_(keep_records),
          capacity_(threaded ? kHandOff : kWindow),
          owned_per_row_(owned_per_row),
          prefetch_(std::move(prefetch)),
          deliver_(std::move(deliver)),
          fail_(std::move(fail)) {
        current_ = make_batch();
        if (threaded) {
            for (int spare = 0; spare < 2; ++spare) free_.push_back(make_batch());
            worker_ = std::thread([this] { work(); });
        }
    }
    RowPipeline(const RowPipeline&) = delete;
    RowPipeline& operator=(const RowPipeline&) = delete;
    // Stops the worker. Rows not yet delivered are dropped: only an error leaves any.
    ~RowPipeline() {
        if (!worker_.joinable()) return;
        {
            std::lock_guard lock(mutex_);
            stop_ = true;
        }
        to_worker_.notify_one();
        worker_.join();
    }

    bool full() const { return current_->rows.size() >= capacity_; }

    // `owned_per_row` strings for the row about to be pushed, living as long as its batch: for
    // texts its views point to that are not in the reader's buffer.
    std::string* slots() { return &current_->owned[current_->rows.size() * owned_per_row_]; }

    // `fields` are the record's views into the reader's buffer (valid as long as the reader).
    void push(Row row, std::uint64_t line, const std::vector<std::string_view>& fields) {
        current_->rows.push_back(std::move(row));
        current_->lines.push_back(line);
        if (keep_records_) current_->records.push_back(fields);
    }

    // Runs `action` where the sink runs, after the rows pushed so far (a hint to the sink, say).
    void then(std::function<void()> action) {
        current_->actions.emplace_back(current_->rows.size(), std::move(action));
    }

    // Hands on the batch being filled. Rethrows what the sink or `fail` threw on the worker.
    void submit() {
        if (current_->rows.empty() && current_->actions.empty()) return rethrow();
        if (!worker_.joinable()) {
            process(*current_);
            current_->clear();
            return;
        }
        std::unique_lock lock(mutex_);
        filled_.push_back(std::move(current_));
        to_worker_.notify_one();
        to_producer_.wait(lock, [this] { return !free_.empty(); });
        current_ = std::move(free_.back());
        free_.pop_back();
        if (error_) std::rethrow_exception(std::exchange(error_, nullptr));
    }

    // Hands on every row and waits until the sink has them all (before the caller reports an
    // error, and at the end). Rethrows what the sink or `fail` threw on the worker.
    void flush() {
        submit();
        if (!worker_.joinable()) return;
        std::unique_lock lock(mutex_);
        to_producer_.wait(lock, [this] { return filled_.empty() && !busy_; });
        if (error_) std::rethrow_exception(std::exchange(error_, nullptr));
    }

  private:
    struct Batch {
        std::vector<Row> rows;
        std::vector<std::uint64_t> lines;
        std::vector<std::vector<std::string_view>> records;
        std::vector<std::string> owned;
        std::vector<std::pair<std::size_t, std::function<void()>>> actions;  // (before row, what)
        void clear() {
            rows.clear();
            lines.clear();
            records.clear();
            actions.clear();  // the owned strings keep their capacity for the next batch
        }
    };

    std::unique_ptr<Batch> make_batch() const {
        auto batch = std::make_unique<Batch>();
        batch->rows.reserve(capacity_);
        batch->lines.reserve(capacity_);
        batch->owned.resize(capacity_ * owned_per_row_);
        return batch;
    }

    void rethrow() {
        if (!worker_.joinable()) return;
        std::lock_guard lock(mutex_);
        if (error_) std::rethrow_exception(std::exchange(error_, nullptr));
    }

    void process(Batch& batch) {
        static const std::vector<std::string_view> kNoFields;
        std::size_t action = 0;
        const auto run_actions = [&](std::size_t before) {
            while (action < batch.actions.size() && batch.actions[action].first <= before)
                batch.actions[action++].second();
        };
        const std::span<const Row> rows(batch.rows);
        for (std::size_t index = 0; index < rows.size(); ++index) {
            if (index % kWindow == 0)
                prefetch_(rows.subspan(index, std::min(kWindow, rows.size() - index)));
            run_actions(index);
            try {
                deliver_(rows[index]);
            } catch (const RowError& error) {
                fail_(error, batch.lines[index], keep_records_ ? batch.records[index] : kNoFields);
            }
        }
        run_actions(rows.size());
    }

    // The worker: delivers batches in order until stopped; after an error it drops the rest
    // (the caller rethrows the error at its next submit() or flush()).
    void work() {
        std::unique_lock lock(mutex_);
        for (;;) {
            to_worker_.wait(lock, [this] { return stop_ || !filled_.empty(); });
            if (filled_.empty()) return;  // stopped, nothing left
            std::unique_ptr<Batch> batch = std::move(filled_.front());
            filled_.pop_front();
            const bool failed = error_ != nullptr || stop_;
            busy_ = true;
            lock.unlock();
            std::exception_ptr error;
            if (!failed) {
                try {
                    process(*batch);
                } catch (...) {
                    error = std::current_exception();
                }
            }
            batch->clear();
            lock.lock();
            busy_ = false;
            if (error && !error_) error_ = error;
            free_.push_back(std::move(batch));
            to_producer_.notify_one();
        }
    }

    const bool keep_records_;
    const std::size_t capacity_, owned_per_row_;
    Prefetch prefetch_;
    Deliver deliver_;
    Fail fail_;
    std::unique_ptr<Batch> current_;
    std::mutex mutex_;
    std::condition_variable to_worker_, to_producer_;
    std::deque<std::unique_ptr<Batch>> filled_;
    std::vector<std::unique_ptr<Batch>> free_;
    bool busy_ = false, stop_ = false;
    std::exception_ptr error_;
    std::thread worker_;
};

}  // namespace catena
