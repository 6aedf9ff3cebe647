// Everything loaded for one analysis: the influence graph, the observed referrals and the
// transactions, with customers referred to by their NodeId in the graph.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "catena/graph/date.hpp"
#include "catena/graph/influence_graph.hpp"

namespace catena {

// An observed referral: `referrer` invited `referred`; `converted` says whether they became a
// customer because of it; `reward` is what the referrer was paid.
struct Referral {
    NodeId referrer = kNoNode;
    NodeId referred = kNoNode;
    Date date = kNoDate;  // kNoDate when not given
    bool converted = true;
    double reward = 0.0;
    friend bool operator==(const Referral&, const Referral&) = default;
};

// A purchase by `customer`, possibly on behalf of another customer.
struct Transaction {
    NodeId customer = kNoNode;
    Date date = 0;
    double amount = 0.0;
    std::uint32_t channel = 0;  // index into Transactions::channels; 0 is "" (not given)
    NodeId on_behalf_of = kNoNode;
    friend bool operator==(const Transaction&, const Transaction&) = default;
};

struct Transactions {
    std::vector<Transaction> rows;
    std::vector<std::string> channels{""};
    friend bool operator==(const Transactions&, const Transactions&) = default;
};

// A row an input left out because it was bad (`--on-bad-row skip`), as written to the rejects file.
struct SkippedRow {
    std::string table;       // customers, relationships, referrals or transactions
    std::string file;        // the file (or database table) it came from
    std::uint64_t line = 0;  // line on which the record starts (1 = the header)
    std::string column;      // the column at fault, as named in the file; may be empty
    std::string
        reason;  // a short category: "unknown customer", "bad weight", "referral cycle", ...
    std::string message;  // what is wrong, in full
    std::string record;   // the record's fields, written back as one CSV line
    friend bool operator==(const SkippedRow&, const SkippedRow&) = default;
};

// One `catena import` into a workspace, as recorded in its `imports` table.
struct ImportRecord {
    std::int64_t id = 0;
    std::string time;   // ISO 8601 UTC
    std::string mode;   // create, replace or append
    std::string files;  // JSON: [{"table", "file", "fingerprint"}, ...]
    std::uint64_t added = 0, updated = 0, unchanged = 0, skipped = 0, filtered = 0;
    std::string skipped_by_reason;  // JSON object: reason -> rows
    friend bool operator==(const ImportRecord&, const ImportRecord&) = default;
};

// Where a workspace's data stood when it was read: its newest import, and the largest row
// number of each input table (an append numbers its new rows after these, so rows above them
// arrived later). All 0 when the data did not come from a workspace.
struct WorkspaceMarks {
    std::int64_t import_id = 0;
    std::string import_time;  // that import's time, ISO 8601 UTC (tells workspaces apart)
    std::int64_t customers = 0, relationships = 0, referrals = 0, transactions = 0;
    friend bool operator==(const WorkspaceMarks&, const WorkspaceMarks&) = default;
};

// What reading the input noticed beyond the rows it kept.
struct InputReport {
    std::vector<SkippedRow> skipped;     // bad rows left out (lenient mode), in input order
    std::uint64_t filtered = 0;          // rows dropped by the mapping's skip_if filters
    std::uint64_t merged_customers = 0;  // customer rows merged into another by a shared key
    std::vector<ImportRecord> imports;   // from a workspace: its last imports, newest first
    WorkspaceMarks marks;                // from a workspace: where its data stood
    friend bool operator==(const InputReport&, const InputReport&) = default;
};

struct Dataset {
    InfluenceGraph graph;
    std::vector<Referral> referrals;
    Transactions transactions;
    // A short description of where the data came from (folder, files or database).
    std::string source;
    // Things the reader noticed and the user should know (columns it does not use, ...).
    std::vector<std::string> warnings;
    InputReport input;
};

}  // namespace catena
