// `catena stats`: what was loaded, and what the data-model rules did to it. Nodes by kind and
// segment, relationship rows by type, merges and dropped self-loops, the degree distribution of
// the influence edges, weakly connected components, referrals and transactions.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "catena/graph/dataset.hpp"
#include "catena/reports/output_format.hpp"

namespace catena {

struct DegreeSummary {
    std::uint64_t min = 0, median = 0, p90 = 0, p99 = 0, max = 0;
    double mean = 0.0;
};

struct TypeCount {
    std::string name;
    bool directed = false;
    double strength = 1.0;
    std::uint64_t rows = 0;
};

struct StatsSummary {
    std::string source;
    std::uint64_t nodes = 0, people = 0, businesses = 0, opted_out = 0, with_value = 0;
    std::vector<std::pair<std::string, std::uint64_t>> segments;  // by count, then name
    std::vector<std::string> attributes;
    BuildReport build;
    std::vector<TypeCount> types;  // types with at least one row
    std::uint64_t edges = 0;
    DegreeSummary out_degree, in_degree;
    std::uint64_t without_out_edges = 0, isolated = 0;
    std::uint64_t components = 0, largest_component = 0;
    std::uint64_t referrals = 0, converted_referrals = 0, referrers = 0;
    std::uint64_t transactions = 0;
    double transaction_amount = 0.0;
    std::string first_transaction, last_transaction;  // ISO dates, empty when none
    InputReport input;  // skipped rows (lenient loads), filtered and merged rows, last imports
};

// "12 bad rows skipped: 7 unknown customer, 5 bad date" (empty when none).
std::string skipped_rows_summary(const std::vector<SkippedRow>& skipped);

// The workspace's import records as stats and summary.json's data section give them (`imports`).
nlohmann::ordered_json imports_json(const std::vector<ImportRecord>& records);
// Where a workspace's data stood (WorkspaceMarks) as summary.json and the runs table keep it:
// {"import", "import_time", "customers", "relationships", "referrals", "transactions"}; and back
// (all 0 for JSON without it, e.g. a run stored before the marks were kept).
nlohmann::ordered_json marks_json(const WorkspaceMarks& marks);
WorkspaceMarks marks_from_json(const nlohmann::ordered_json& json);
// Skipped rows by reason, most first (ties by reason).
std::vector<std::pair<std::string, std::uint64_t>> skipped_by_reason(
    const std::vector<SkippedRow>& skipped);

StatsSummary summarize(const Dataset& dataset);
// summarize()'s figures of the customers, referrals and transactions tables (everything but
// the relationships' and the graph's): source, input, customers by kind, value, opt-out and
// segment, attributes, referrals, transactions. catena-mpi adds its own graph's to them.
void summarize_tables(const Dataset& dataset, StatsSummary& stats);
std::string render(const StatsSummary& stats, OutputFormat format);

}  // namespace catena
