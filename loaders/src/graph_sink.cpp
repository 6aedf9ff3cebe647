#include <cmath>

#include "catena/graph/errors.hpp"
#include "catena/loaders/dataset_sink.hpp"

namespace catena {

GraphSink::GraphSink(GraphSinkOptions options) : options_(std::move(options)) {}

GraphBuilder& GraphSink::builder() {
    if (!builder_) begin_customers({});
    return *builder_;
}

void GraphSink::begin_customers(const std::vector<std::string>& attribute_names) {
    if (builder_) throw InternalError("GraphSink: customers begun twice");
    GraphBuilderOptions builder_options;
    builder_options.types = options_.types;
    builder_options.directed_by_default = options_.directed_by_default;
    builder_options.implicit_nodes = options_.implicit_nodes;
    builder_options.attribute_names = attribute_names;
    builder_options.relationships_name = options_.relationships_name;
    builder_.emplace(std::move(builder_options));
}

void GraphSink::customer(const CustomerRow& row) { builder().add_customer(row); }

void GraphSink::relationship(const RelationshipRow& row) { builder().add_relationship(row); }

void GraphSink::prefetch(std::span<const RelationshipRow> rows) {
    const GraphBuilder& graph = builder();
    for (const RelationshipRow& row : rows) {
        graph.prefetch(row.source);
        graph.prefetch(row.target);
    }
}

void GraphSink::prefetch(std::span<const TransactionRow> rows) {
    const GraphBuilder& graph = builder();
    for (const TransactionRow& row : rows) {
        graph.prefetch(row.customer);
        if (!row.on_behalf_of.empty()) graph.prefetch(row.on_behalf_of);
    }
}

void GraphSink::expect_transactions(std::size_t rows) {
    reserve_huge(transactions_.rows, transactions_.rows.size() + rows);
}

NodeId GraphSink::num_nodes() const { return builder_ ? builder_->num_nodes() : 0; }

void GraphSink::referral(const ReferralRow& row) {
    GraphBuilder& graph = builder();
    if (!std::isfinite(row.reward) || row.reward < 0)
        throw RowError("reward", "must be a number >= 0");
    const NodeId referrer = graph.resolve(row.referrer, "referrer");
    const NodeId referred = graph.resolve(row.referred, "referred");
    if (referrer == referred) throw RowError("referred", "a customer cannot refer themselves");
    check_referral_cycle(referrer, referred);
    referrals_.push_back(
        {referrer, referred, row.date.value_or(kNoDate), row.converted, row.reward});
    referred_by_.try_emplace(referrer).first->second.push_back(referred);
    graph.add_referral(referrer, referred, row.date);
}

std::uint32_t GraphSink::referral_root(std::uint32_t node) {
    if (referral_parent_.size() <= node) {
        const auto old = static_cast<std::uint32_t>(referral_parent_.size());
        referral_parent_.resize(std::max<std::size_t>(node + 1, num_nodes()));
        for (auto index = old; index < referral_parent_.size(); ++index)
            referral_parent_[index] = index;
    }
    while (referral_parent_[node] != node) {
        referral_parent_[node] = referral_parent_[referral_parent_[node]];  // path halving
        node = referral_parent_[node];
    }
    return node;
}

void GraphSink::check_referral_cycle(NodeId referrer, NodeId referred) {
    // Referrals form forests: a new referral can only close a cycle when its two customers are
    // already joined by earlier referrals (either way), so only then is the referred customer's
    // cascade searched for the referrer.
    const std::uint32_t a = referral_root(referrer), b = referral_root(referred);
    if (a != b) {
        referral_parent_[a] = b;
        return;
    }
    std::unordered_map<NodeId, NodeId> came_from{{referred, referred}};
    std::vector<NodeId> stack{referred};
    while (!stack.empty()) {
        const NodeId node = stack.back();
        stack.pop_back();
        const auto children = referred_by_.find(node);
        if (children == referred_by_.end()) continue;
        for (const NodeId child : children->second) {
            if (!came_from.try_emplace(child, node).second) continue;
            if (child == referrer) {
                std::vector<NodeId> path{referrer};
                for (NodeId at = referrer; at != referred;) path.push_back(at = came_from[at]);
                std::string chain;
                for (auto it = path.rbegin(); it != path.rend(); ++it)
                    chain += std::string(external_id(*it)) + " -> ";
                chain += std::string(external_id(referred));
                throw RowError(
                    "referred",
                    "closes a referral cycle: " + chain +
                        " (a customer cannot be referred, directly or down the cascade, by "
                        "someone they referred)");
            }
            stack.push_back(child);
        }
    }
}

void GraphSink::transaction(const TransactionRow& row) {
    GraphBuilder& graph = builder();
    if (!std::isfinite(row.amount)) throw RowError("amount", "must be a finite number");
    if (row.amount < 0)
        throw RowError("amount", "must not be negative (record refunds as a separate adjustment)");
    const NodeId customer = graph.resolve(row.customer, "customer");
    NodeId beneficiary = kNoNode;
    if (!row.on_behalf_of.empty()) {
        beneficiary = graph.resolve(row.on_behalf_of, "on_behalf_of");
        if (beneficiary == customer)
            throw RowError("on_behalf_of", "a purchase cannot be on behalf of the buyer");
    }
    std::uint32_t channel = 0;
    if (!row.channel.empty()) {
        if (row.channel != last_channel_) {  // (never empty here, so a first row always looks up)
            auto [it, inserted] = channel_codes_.try_emplace(
                std::string(row.channel),
                static_cast<std::uint32_t>(transactions_.channels.size()));
            if (inserted) transactions_.channels.emplace_back(row.channel);
            last_channel_ = row.channel;
            last_channel_code_ = it->second;
        }
        channel = last_channel_code_;
    }
    transactions_.rows.push_back({customer, row.date, row.amount, channel, beneficiary});
    if (beneficiary != kNoNode) graph.add_on_behalf(customer, beneficiary);
}

Dataset GraphSink::finish(std::string source) {
    Dataset dataset{builder().build(),
                    std::move(referrals_),
                    std::move(transactions_),
                    std::move(source),
                    {},
                    {}};
    builder_.reset();
    return dataset;
}

}  // namespace catena

namespace catena {
std::string_view GraphSink::external_id(NodeId node) const { return builder_->external_id(node); }
}  // namespace catena
