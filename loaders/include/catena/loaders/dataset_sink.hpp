// The rows of catena's four input tables, as every reader (CSV folder, edge list, SQLite store)
// produces them, and the sink that receives them in table order: customers, relationships,
// referrals, transactions. Readers parse text into these rows; the sink applies the data model.
// A sink throws RowError for a bad row; the reader adds where the row came from.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "catena/graph/dataset.hpp"
#include "catena/graph/graph_builder.hpp"

namespace catena {

struct ReferralRow {
    std::string_view referrer;
    std::string_view referred;
    std::optional<Date> date;
    bool converted = true;
    double reward = 0.0;
};

struct TransactionRow {
    std::string_view customer;
    Date date = 0;
    double amount = 0.0;
    std::string_view channel;
    std::string_view on_behalf_of;  // empty: for themselves
    std::string_view order_id;      // the shop's order id, if given: part of the append key
};

class DatasetSink {
  public:
    virtual ~DatasetSink() = default;
    // Called once before the customers, with the names of the further text columns.
    virtual void begin_customers(const std::vector<std::string>& attribute_names) = 0;
    // `implicit`: the customer was not listed but named by an edge list (stores keep the flag).
    virtual void customer(const CustomerRow& row) = 0;
    virtual void relationship(const RelationshipRow& row) = 0;
    // Hints before a batch of relationship() or transaction() calls with these rows (the sink
    // may start fetching the customers they name); they change nothing.
    virtual void prefetch(std::span<const RelationshipRow> rows) { (void)rows; }
    virtual void prefetch(std::span<const TransactionRow> rows) { (void)rows; }
    // Hints that about `rows` more rows of a table are coming (estimates); they change nothing.
    virtual void expect_customers(std::size_t rows) { (void)rows; }
    virtual void expect_relationships(std::size_t rows) { (void)rows; }
    virtual void expect_transactions(std::size_t rows) { (void)rows; }
    virtual void referral(const ReferralRow& row) = 0;
    virtual void transaction(const TransactionRow& row) = 0;
};

struct GraphSinkOptions {
    RelationshipTypes types;
    bool directed_by_default = false;
    bool implicit_nodes = false;  // relationships may name customers not listed (edge lists)
    std::string relationships_name = "relationships";  // the file or table, for merge errors
};

// Builds a Dataset: the graph (GraphBuilder rules), referrals and transactions.
class GraphSink : public DatasetSink {
  public:
    explicit GraphSink(GraphSinkOptions options);
    void begin_customers(const std::vector<std::string>& attribute_names) override;
    void customer(const CustomerRow& row) override;
    void relationship(const RelationshipRow& row) override;
    void prefetch(std::span<const RelationshipRow> rows) override;
    void prefetch(std::span<const TransactionRow> rows) override;
    void expect_customers(std::size_t rows) override { builder().expect_customers(rows); }
    void expect_relationships(std::size_t rows) override { builder().expect_relationships(rows); }
    void expect_transactions(std::size_t rows) override;
    void referral(const ReferralRow& row) override;
    void transaction(const TransactionRow& row) override;

    // Customers created so far (listed or implicit), in NodeId order.
    NodeId num_nodes() const;
    std::string_view external_id(NodeId node) const;
    // Finishes the graph; the sink is spent afterwards.
    Dataset finish(std::string source);

  private:
    GraphBuilder& builder();
    // Throws RowError naming the cycle when referrer -> referred closes one among the referrals so
    // far.
    void check_referral_cycle(NodeId referrer, NodeId referred);
    std::uint32_t referral_root(std::uint32_t node);

    GraphSinkOptions options_;
    std::optional<GraphBuilder> builder_;
    std::vector<Referral> referrals_;
    Transactions transactions_;
    std::unordered_map<std::string, std::uint32_t> channel_codes_;
    std::string last_channel_;  // rows often repeat the channel before: its code without a lookup
    std::uint32_t last_channel_code_ = 0;
    std::unordered_map<NodeId, std::vector<NodeId>>
        referred_by_;                             // referrer -> the customers they referred
    std::vector<std::uint32_t> referral_parent_;  // union-find over customers joined by referrals
};

}  // namespace catena
