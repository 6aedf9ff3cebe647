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

struct Dataset {
    InfluenceGraph graph;
    std::vector<Referral> referrals;
    Transactions transactions;
    // A short description of where the data came from (folder, files or database).
    std::string source;
    // Things the reader noticed and the user should know (columns it does not use, ...).
    std::vector<std::string> warnings;
};

}  // namespace catena
