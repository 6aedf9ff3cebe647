#include "bad_rows.hpp"

#include "catena/graph/errors.hpp"
#include "catena/loaders/load.hpp"

namespace catena {

std::string BadRows::classify(std::string_view message, std::string_view category) {
    const auto has = [&](std::string_view part) {
        return message.find(part) != std::string_view::npos;
    };
    if (has("unknown customer") || has("no customer has")) return "unknown customer";
    if (has("referral cycle")) return "referral cycle";
    if (has("duplicate customer id") || has("also belongs to customer"))
        return "duplicate customer";
    if (has("fields (as in the header)")) return "wrong number of fields";
    if (has("not valid UTF-8")) return "not UTF-8 text";
    if (has("customer id is empty")) return "empty customer id";
    if (has("unknown relationship type") || has("unknown label"))
        return "unknown relationship type";
    if (has("refer themselves") || has("on behalf of the buyer")) return "same customer twice";
    if (category.empty()) return "bad row";
    return "bad " + std::string(category);
}

void BadRows::add(std::string_view table, std::string_view file, std::uint64_t line,
                  std::string_view column, std::string_view category, std::string_view message,
                  const std::vector<std::string_view>& fields) {
    add_line(table, file, line, column, category, message,
             skipping() ? csv_record(fields) : std::string());
}

void BadRows::add_line(std::string_view table, std::string_view file, std::uint64_t line,
                       std::string_view column, std::string_view category, std::string_view message,
                       std::string record) {
    if (skipping()) {
        SkippedRow row;
        row.table = table;
        row.file = file;
        row.line = line;
        row.column = column;
        row.reason = classify(message, category.empty() ? column : category);
        row.message = message;
        row.record = std::move(record);
        report_.skipped.push_back(std::move(row));
        return;
    }
    errors_.push_back(InputError(file_line(file, line), column, message).what());
    if (errors_.size() >= max_errors_) throw_errors(true);
}

void BadRows::finish() const {
    if (!skipping() && !errors_.empty()) throw_errors(false);
}

std::string bad_rows_message(const std::vector<std::string>& errors, bool stopped_early) {
    if (errors.size() == 1 && !stopped_early) return errors.front();
    std::string message;
    for (const std::string& error : errors) message += error + "\n";
    if (stopped_early)
        message += "stopped at " + std::to_string(errors.size()) + " bad rows (there may be more)";
    else
        message += std::to_string(errors.size()) + " bad rows";
    message +=
        "; nothing was loaded or stored. Fix them, or give --on-bad-row skip to leave bad rows out "
        "(each is counted and written to a rejects file)";
    return message;
}

void BadRows::throw_errors(bool stopped_early) const {
    throw InputError(bad_rows_message(errors_, stopped_early));
}

}  // namespace catena
