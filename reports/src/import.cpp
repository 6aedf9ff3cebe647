#include "catena/reports/import.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "catena/reports/stats.hpp"

#include "human.hpp"

namespace catena {

namespace {

std::string mode_name(ImportMode mode) {
    switch (mode) {
        case ImportMode::append:
            return "append";
        case ImportMode::replace:
            return "replace";
        case ImportMode::create:
            break;
    }
    return "create";
}

std::string list(const std::vector<std::string>& names) {
    std::string out;
    for (const auto& name : names) out += (out.empty() ? "" : ", ") + name;
    return out;
}

}  // namespace

std::string format_import_summary(const ImportSummary& summary, const std::string& source,
                                  const std::string& db) {
    std::string out;
    const bool counted = summary.mode == ImportMode::append;
    if (summary.dry_run) {
        out += fmt::format("Dry run: nothing was written. Importing {} into {} ({}) would store:\n",
                           source, db, mode_name(summary.mode));
    } else if (counted) {
        out += fmt::format("Appended {} to {} (import {}):\n", source, db, summary.import_id);
    } else {
        out += fmt::format("Imported {} into {} ({}{}):\n", source, db,
                           summary.created ? "new workspace" : "input tables replaced",
                           summary.import_id ? fmt::format(", import {}", summary.import_id) : "");
    }
    const auto row = [&](std::string_view table, std::uint64_t kept, const TableCounts& counts) {
        if (counted)
            out += fmt::format("  {:<14} {:>10} added, {} updated, {} unchanged, {} skipped\n",
                               table, count(counts.added), count(counts.updated),
                               count(counts.unchanged), count(counts.skipped));
        else
            out += fmt::format("  {:<14} {:>10}{}\n", table, count(kept),
                               counts.skipped
                                   ? fmt::format("   ({} bad row{} skipped)", count(counts.skipped),
                                                 counts.skipped == 1 ? "" : "s")
                                   : "");
    };
    row("customers", summary.customers, summary.customer_rows);
    row("relationships", summary.relationships, summary.relationship_rows);
    row("referrals", summary.referrals, summary.referral_rows);
    row("transactions", summary.transactions, summary.transaction_rows);
    const InputReport& input = summary.read.input;
    if (!input.skipped.empty()) {
        out += "  " + skipped_rows_summary(input.skipped) + "\n";
        constexpr std::size_t kShown = 5;
        for (std::size_t index = 0; index < std::min(kShown, input.skipped.size()); ++index) {
            const SkippedRow& row = input.skipped[index];
            out += fmt::format("    {}:{}: {}{}\n", row.file, row.line,
                               row.column.empty() ? "" : row.column + ": ", row.message);
        }
        if (input.skipped.size() > kShown)
            out += fmt::format("    ... and {} more\n", input.skipped.size() - kShown);
    }
    if (input.filtered)
        out +=
            fmt::format("  {} rows filtered out by the mapping (skip_if)\n", count(input.filtered));
    if (input.merged_customers)
        out +=
            fmt::format("  {} duplicate customers merged by key\n", count(input.merged_customers));
    if (summary.dropped_customers)
        out += fmt::format("  {} customers the workspace held are gone (--replace)\n",
                           count(summary.dropped_customers));

    if (summary.dry_run) {
        out += "\nFiles read\n";
        for (const SourceReport& file : summary.read.sources) {
            out += fmt::format("  {} -> {}: {} records, {} rows", file.file, file.table,
                               count(file.records), count(file.rows));
            if (file.filtered) out += fmt::format(", {} filtered", count(file.filtered));
            if (file.skipped) out += fmt::format(", {} bad", count(file.skipped));
            out += fmt::format("; delimiter '{}'{}, {}\n", file.delimiter,
                               file.delimiter_detected ? " (detected)" : "", file.encoding);
            for (const auto& [column, from] : file.mapped)
                out += fmt::format("      {:<13} <- {}\n", column, from);
            if (!file.attributes.empty())
                out += fmt::format("      attributes: {}\n", list(file.attributes));
            if (!file.unmapped.empty())
                out += fmt::format("      not used: {}\n", list(file.unmapped));
        }
    }
    return out;
}

}  // namespace catena
