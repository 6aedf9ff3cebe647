// Bad rows while reading a table: collected up to a limit and reported together (stop), or left
// out and recorded for the rejects file (skip). Shared by the plain and the mapped readers.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "catena/graph/dataset.hpp"
#include "catena/graph/output.hpp"
#include "catena/loaders/load.hpp"

namespace catena {

class BadRows {
  public:
    BadRows(BadRowPolicy policy, std::size_t max_errors, InputReport& report)
        : policy_(policy), max_errors_(max_errors == 0 ? 1 : max_errors), report_(report) {}

    bool skipping() const { return policy_ == BadRowPolicy::skip; }

    // A bad row of `table` at file:line. `column` is the column at fault as the file names it;
    // `category` the catena column it feeds (for the reason's name), `fields` the record. Skip:
    // recorded, and the caller goes on. Stop: kept; at the limit, throws the InputError listing
    // every error so far.
    void add(std::string_view table, std::string_view file, std::uint64_t line,
             std::string_view column, std::string_view category, std::string_view message,
             const std::vector<std::string_view>& fields);

    // The same with the record already written as a CSV line.
    void add_line(std::string_view table, std::string_view file, std::uint64_t line,
                  std::string_view column, std::string_view category, std::string_view message,
                  std::string record);

    // Stop policy: throws an InputError listing the errors collected, if any.
    void finish() const;

    std::size_t count() const { return errors_.size() + (skipping() ? report_.skipped.size() : 0); }

    // A short reason for a row's error message: "unknown customer", "referral cycle", "bad date".
    static std::string classify(std::string_view message, std::string_view category);

  private:
    [[noreturn]] void throw_errors(bool stopped_early) const;

    BadRowPolicy policy_;
    std::size_t max_errors_;
    InputReport& report_;
    std::vector<std::string> errors_;  // stop: "file:line: column: what"
};

}  // namespace catena
