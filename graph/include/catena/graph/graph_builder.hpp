// GraphBuilder applies the data-model rules while customers and relationships are added, and
// produces an immutable InfluenceGraph:
//
// - A relationship row's direction is its `directed` value if given, else its type's default.
//   A directed row source -> target becomes one edge; an undirected row becomes two.
// - Its effective strength is type strength x row weight (weight >= 0, default 1).
// - A row with source == target is dropped and counted.
// - Rows of the same directed pair merge into one edge: strengths add, stated probabilities
//   combine as independent chances, the earliest date is kept, the first row's type is kept.
//   Merged rows are counted and the first few reported.
// - A row without a type is `knows` (undirected), or `influences` (directed) when the builder is
//   told that relationships are directed by default (the `--directed` option).
// - Every observed referral (referrer -> referred) is also a `referral` relationship, unless the
//   same pair already has one among the relationship rows (then it is not counted twice); several
//   referrals of one pair make one edge. Both are counted in the build report.
//
// Errors in a row are thrown as RowError, naming the column; loaders add the file and line.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "catena/graph/huge_pages.hpp"
#include "catena/graph/influence_graph.hpp"

namespace catena {

// A bad value in one row. Loaders catch it and rethrow an InputError with the row's location.
class RowError : public std::runtime_error {
  public:
    RowError(std::string column, const std::string& what)
        : std::runtime_error(what), column_(std::move(column)) {}
    const std::string& column() const { return column_; }

  private:
    std::string column_;
};

// The customer columns an input has (an append keeps the stored value of the others).
struct CustomerColumns {
    static constexpr std::uint8_t kind = 1, name = 2, segment = 4, value = 8, cost = 16,
                                  opt_out = 32, all = 63;
};

struct CustomerRow {
    std::string_view id;
    NodeKind kind = NodeKind::person;
    std::string_view name;
    std::string_view segment;
    std::optional<double> value;
    std::optional<double> cost;
    bool opt_out = false;
    // Which of kind, name, segment, value, cost and opt_out the input gives (CustomerColumns).
    std::uint8_t given = CustomerColumns::all;
    // Not listed in a customers table but named by an edge list (counted in the report).
    bool implicit = false;
    // One value per attribute name given to the builder's constructor, in that order.
    std::span<const std::string_view> attributes;
};

struct RelationshipRow {
    std::string_view source;
    std::string_view target;
    std::string_view type;  // empty: knows, or influences when directed by default
    double weight = 1.0;
    std::optional<double> probability;
    std::optional<Date> date;
    std::optional<bool> directed;  // overrides the type's default direction
};

struct GraphBuilderOptions {
    RelationshipTypes types;
    // Rows without a type are directed `influences` instead of undirected `knows`.
    bool directed_by_default = false;
    // Relationships may name customers never added: they are created as people (edge lists).
    bool implicit_nodes = false;
    // Further customer columns kept as text attributes.
    std::vector<std::string> attribute_names;
    // Where relationships come from, for errors found only when rows merge (e.g. the file).
    std::string relationships_name = "relationships";
};

// The message of the row error for a customer id that is not in the customers table.
std::string unknown_customer_message(std::string_view external_id);

// The purchases on behalf of another customer as the builder turns them into on_behalf
// relationships: each pair sorted as (smaller, larger), each distinct pair once, in order.
void keep_distinct_unordered_pairs(std::vector<std::pair<NodeId, NodeId>>& pairs);

// The checks add_relationship() makes on a row by itself (a known type, a finite weight >= 0, a
// probability in [0,1], ids not empty, a finite strength unless it is a self-loop), without
// looking the customers up: for readers that build the graph elsewhere (catena-mpi's ranks).
// Returns the row's type; throws RowError.
RelationshipTypeId check_relationship_row(const RelationshipRow& row,
                                          const RelationshipTypes& types, bool directed_by_default);
// The checks add_customer() makes on a row by itself (id not empty, value and cost finite and >=
// 0).
void check_customer_row(const CustomerRow& row);

class GraphBuilder {
  public:
    explicit GraphBuilder(GraphBuilderOptions options = {});

    // Adds a customer. Throws RowError on a duplicate or empty id, a negative or non-finite
    // value or cost, or a wrong number of attributes.
    NodeId add_customer(const CustomerRow& row);

    // Adds a relationship row. Throws RowError on an unknown customer (unless implicit nodes),
    // an unknown type, a negative or non-finite weight, or a probability outside [0,1].
    void add_relationship(const RelationshipRow& row);

    // A hint that about `rows` more relationship rows will come: reserves the staging space once
    // instead of growing it (which would copy it and could leave twice the memory reserved).
    void expect_relationships(std::size_t rows);
    // The same for customers (their columns and the id index).
    void expect_customers(std::size_t rows);

    // A hint that these customer ids are about to be resolved: starts fetching their index slots
    // so the lookups of a batch of rows overlap their memory latency.
    void prefetch(std::string_view external_id) const {
        graph_.id_index_.prefetch(StringIndex::hash(external_id));
    }

    // Records that `customer` bought on behalf of `beneficiary` (from a transaction): each
    // distinct pair becomes one undirected `on_behalf` relationship at build time.
    void add_on_behalf(NodeId customer, NodeId beneficiary);

    // An observed referral: adds a `referral` relationship referrer -> referred (with the type's
    // strength and direction, dated by the referral) unless a relationship row or an earlier
    // referral already gave this pair one. Call after every relationship row. Returns whether an
    // edge was added.
    bool add_referral(NodeId referrer, NodeId referred, std::optional<Date> date);

    // The node of a customer id; throws RowError naming `column` when unknown and implicit
    // nodes are off (else creates a person).
    NodeId resolve(std::string_view external_id, const char* column);
    std::optional<NodeId> find(std::string_view external_id) const;
    NodeId num_nodes() const { return static_cast<NodeId>(graph_.ids_.size()); }
    std::string_view external_id(NodeId node) const { return graph_.ids_[node]; }
    const RelationshipTypes& types() const { return graph_.types_; }

    // Sorts, merges and freezes. The builder is empty afterwards.
    InfluenceGraph build();

  private:
    NodeId add_node(std::string_view id, std::string_view name,
                    std::span<const std::string_view> attributes, std::uint64_t id_hash);
    void stage(NodeId source, NodeId target, double strength, RelationshipTypeId type,
               bool both_ways, const std::optional<double>& probability,
               const std::optional<Date>& date);

    // One relationship row as given (after validation): one edge, or two when both_ways.
    struct StagedRow {
        NodeId source;
        NodeId target;
        double strength;
        RelationshipTypeId type;
        bool both_ways;
    };

    GraphBuilderOptions options_;
    InfluenceGraph graph_;  // nodes are filled in place; edges at build()
    std::optional<RelationshipTypeId> default_type_;
    std::string last_type_name_;
    std::optional<RelationshipTypeId> last_type_;
    std::vector<StagedRow> staged_;
    std::size_t expected_rows_ = 0;           // staged rows expected in all (expect_relationships)
    std::vector<double> staged_probability_;  // per staged row; empty until a row states one
    std::vector<Date> staged_date_;           // per staged row; empty until a row states one
    std::vector<std::pair<NodeId, NodeId>> on_behalf_;
    std::optional<RelationshipTypeId> referral_type_;
    // Pairs (source << 32 | target) a referral relationship row joins: appended as rows come and
    // sorted when the first referral asks (a hash set cost 2% of a 10M-row load); rows after
    // that append again and re-sort on the next referral.
    std::vector<std::uint64_t> related_by_referral_;
    std::size_t related_sorted_ = 0;  // prefix of related_by_referral_ that is sorted
    bool related_contains(std::uint64_t pair);
    std::unordered_set<std::uint64_t> referral_from_referrals_;  // pairs a referral gave an edge
    std::unordered_map<std::string, std::uint32_t> segment_codes_;
    bool has_probability_ = false, has_date_ = false;
    bool one_way_ = false;  // some staged edge went one way only (the graph is not mirrored)
};

}  // namespace catena
