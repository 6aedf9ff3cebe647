#include "catena/graph/graph_builder.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "catena/graph/errors.hpp"

#include "csr_storage.hpp"
#include <omp.h>

namespace catena {

namespace {

std::string quoted(std::string_view text) {
    std::string out = "'";
    out += text;
    out += '\'';
    return out;
}

void check_amount(const std::optional<double>& amount, const char* column) {
    if (!amount) return;
    if (!std::isfinite(*amount)) throw RowError(column, "must be a finite number");
    if (*amount < 0) throw RowError(column, "must not be negative");
}

// Boost keeps the backward structure's edge properties (the forward EdgeId of each in-edge) in a
// protected vector. A pointer to that member, taken in a derived class, lets the builder move
// the array in instead of copying it edge by edge.
using BackwardStructure = decltype(detail::Csr::m_backward);
struct BackwardEdgeIds : BackwardStructure {
    static auto member() { return &BackwardEdgeIds::m_edge_properties; }
};

// A stable, parallel counting sort ("histogram sort"). Items 0..items-1 are split into one
// contiguous range per thread; for_each_entry(item, emit) calls emit(bucket, value) for each entry
// the item puts in a bucket; place(position, value) stores a value at its sorted position. Each
// bucket's values are placed in item order whatever the thread count. Returns the bucket starts.
template <typename Value, typename ForEachEntry, typename Place>
std::vector<EdgeId> bucket_sort(std::size_t items, NodeId buckets,
                                const ForEachEntry& for_each_entry, const Place& place) {
    const int threads = static_cast<int>(
        std::clamp<std::size_t>(items / 65536, 1, static_cast<std::size_t>(omp_get_max_threads())));
    std::vector<std::vector<EdgeId>> next(static_cast<std::size_t>(threads),
                                          std::vector<EdgeId>(buckets, 0));
    std::vector<EdgeId> start(static_cast<std::size_t>(buckets) + 1, 0);
#pragma omp parallel num_threads(threads)
    {
        // OpenMP may start fewer threads than asked for: split by the number actually running.
        const auto thread = static_cast<std::size_t>(omp_get_thread_num());
        const auto running = static_cast<std::size_t>(omp_get_num_threads());
        const std::size_t first = items * thread / running;
        const std::size_t last = items * (thread + 1) / running;
        std::vector<EdgeId>& mine = next[thread];
        for (std::size_t item = first; item < last; ++item)
            for_each_entry(item, [&mine](NodeId bucket, Value) { ++mine[bucket]; });
#pragma omp barrier
#pragma omp single
        {
            EdgeId position = 0;
            for (NodeId bucket = 0; bucket < buckets; ++bucket) {
                start[bucket] = position;
                for (std::vector<EdgeId>& counts : next) {
                    const EdgeId count = counts[bucket];
                    counts[bucket] = position;
                    position += count;
                }
            }
            start[buckets] = position;
        }
        for (std::size_t item = first; item < last; ++item)
            for_each_entry(item, [&mine, &place](NodeId bucket, Value value) {
                place(mine[bucket]++, value);
            });
    }
    return start;
}

// The staged edges bucketed by source: each source's keys (target << 32 | row) sit in
// keys[start[source], start[source + 1]), sorted by target and then by row.
struct SourceBuckets {
    std::vector<std::uint64_t> keys;
    std::vector<EdgeId> start;
    NodeId target(EdgeId position) const { return static_cast<NodeId>(keys[position] >> 32); }
    std::uint32_t row(EdgeId position) const { return static_cast<std::uint32_t>(keys[position]); }
};

// Buckets the staged rows' edges by source (one scattered write per edge, after which everything
// reads sequentially), then sorts each source's edges by target and row: the order rows arrived in.
template <typename StagedRow>
SourceBuckets bucket_by_source(const std::vector<StagedRow>& staged, NodeId n) {
    std::size_t m = 0;
    for (const StagedRow& row : staged) m += row.both_ways ? 2 : 1;
    if (m >= UINT32_MAX) throw UsageError("more than 4 billion influence edges");
    SourceBuckets buckets;
    std::vector<std::uint64_t>& keys = buckets.keys;
    resize_huge(keys, m);
    buckets.start = bucket_sort<std::uint64_t>(
        staged.size(), n,
        [&staged](std::size_t index, auto&& emit) {
            const StagedRow& row = staged[index];
            emit(row.source, (static_cast<std::uint64_t>(row.target) << 32) | index);
            if (row.both_ways)
                emit(row.target, (static_cast<std::uint64_t>(row.source) << 32) | index);
        },
        [&keys](EdgeId position, std::uint64_t key) { keys[position] = key; });
    const std::vector<EdgeId>& start = buckets.start;
#pragma omp parallel for schedule(dynamic, 4096)
    for (NodeId node = 0; node < n; ++node)
        if (start[node + 1] - start[node] > 1)
            std::sort(keys.begin() + start[node], keys.begin() + start[node + 1]);
    return buckets;
}

// The out-edge CSR's row starts once repeated pairs merge: counts the distinct targets of each
// source. Sets merged_edges to the number of edges that merge into an earlier one.
std::vector<EdgeId> count_distinct_targets(const SourceBuckets& buckets, NodeId n,
                                           std::uint64_t& merged_edges) {
    const std::vector<EdgeId>& start = buckets.start;
    std::vector<EdgeId> rowstart(static_cast<std::size_t>(n) + 1, 0);
    std::uint64_t merged = 0;
#pragma omp parallel for schedule(dynamic, 4096) reduction(+ : merged)
    for (NodeId node = 0; node < n; ++node) {
        EdgeId distinct = 0;
        for (EdgeId position = start[node]; position < start[node + 1]; ++position)
            distinct +=
                position == start[node] || buckets.target(position) != buckets.target(position - 1);
        rowstart[node + 1] = distinct;
        merged += start[node + 1] - start[node] - distinct;
    }
    for (NodeId node = 0; node < n; ++node) rowstart[node + 1] += rowstart[node];
    merged_edges = merged;
    return rowstart;
}

// The staged rows and their optional columns (each read only when some row states a value).
template <typename StagedRow>
struct StagedColumns {
    const std::vector<StagedRow>& rows;
    const std::vector<double>& probability;
    const std::vector<Date>& date;
    bool has_probability, has_date;
};

// The graph's per-edge arrays, filled in place, and the targets of the out-edge CSR.
struct EdgeColumns {
    std::vector<double>& strength;
    std::vector<RelationshipTypeId>& type;
    std::vector<double>& probability;  // left empty when no row states one
    std::vector<Date>& date;           // left empty when no row states one
    std::vector<NodeId> targets;
};

// Sizes the edge arrays for edge_count edges (the optional ones only when some row has a value).
template <typename StagedRow>
void allocate_edges(EdgeColumns& edges, EdgeId edge_count, const StagedColumns<StagedRow>& staged) {
    resize_huge(edges.targets, edge_count);
    resize_huge(edges.strength, edge_count);
    resize_huge(edges.type, edge_count);
    if (staged.has_probability) resize_huge(edges.probability, edge_count);
    if (staged.has_date) resize_huge(edges.date, edge_count);
}

// Fills each source's slice of the edge arrays independently: a row whose target repeats the
// previous one merges into that edge (strengths add, probabilities combine, the earliest date and
// the first type stay).
template <typename StagedRow>
void fill_edges(const SourceBuckets& buckets, const std::vector<EdgeId>& rowstart,
                const StagedColumns<StagedRow>& staged, EdgeColumns& edges) {
    const auto n = static_cast<NodeId>(rowstart.size() - 1);
    const std::vector<EdgeId>& start = buckets.start;
    const std::vector<double>& staged_probability = staged.probability;
    const std::vector<Date>& staged_date = staged.date;
    const bool has_probability = staged.has_probability;
    const bool has_date = staged.has_date;
    std::vector<NodeId>& targets = edges.targets;
    std::vector<double>& strength = edges.strength;
    std::vector<RelationshipTypeId>& type = edges.type;
    std::vector<double>& probability = edges.probability;
    std::vector<Date>& dates = edges.date;
#pragma omp parallel for schedule(dynamic, 4096)
    for (NodeId node = 0; node < n; ++node) {
        EdgeId out = rowstart[node];
        for (EdgeId position = start[node]; position < start[node + 1]; ++position) {
            const std::uint32_t index = buckets.row(position);
            const StagedRow& row = staged.rows[index];
            if (position > start[node] &&
                buckets.target(position) == buckets.target(position - 1)) {
                const EdgeId edge = out - 1;
                strength[edge] += row.strength;
                if (has_probability && !std::isnan(staged_probability[index])) {
                    double& p = probability[edge];
                    p = std::isnan(p) ? staged_probability[index]
                                      : 1.0 - (1.0 - p) * (1.0 - staged_probability[index]);
                }
                if (has_date && staged_date[index] != kNoDate) {
                    Date& date = dates[edge];
                    if (date == kNoDate || staged_date[index] < date) date = staged_date[index];
                }
                continue;
            }
            targets[out] = buckets.target(position);
            strength[out] = row.strength;
            type[out] = row.type;
            if (has_probability) probability[out] = staged_probability[index];
            if (has_date) dates[out] = staged_date[index];
            ++out;
        }
    }
}

// Counts merged rows (a row counts once, even when both its edges merged) and keeps the first
// few as examples, in node order; only sources with repeated targets need a look.
void count_merged_rows(const SourceBuckets& buckets, const std::vector<EdgeId>& rowstart,
                       std::size_t staged_rows, const StringColumn& ids, BuildReport& report) {
    const auto n = static_cast<NodeId>(rowstart.size() - 1);
    const std::vector<EdgeId>& start = buckets.start;
    std::vector<bool> row_merged(staged_rows, false);
    for (NodeId node = 0; node < n; ++node) {
        if (rowstart[node + 1] - rowstart[node] == start[node + 1] - start[node]) continue;
        for (EdgeId position = start[node] + 1; position < start[node + 1]; ++position) {
            if (buckets.target(position) != buckets.target(position - 1)) continue;
            const std::uint32_t index = buckets.row(position);
            if (row_merged[index]) continue;
            row_merged[index] = true;
            ++report.merged_rows;
            if (report.merge_examples.size() < 5) {
                std::string example(ids[node]);
                example += " -> ";
                example += ids[buckets.target(position)];
                report.merge_examples.push_back(std::move(example));
            }
        }
    }
}

// The in-edge index: for each target, its in-edges' sources and forward EdgeIds.
struct InEdges {
    std::vector<EdgeId> start;
    std::vector<NodeId> sources;
    std::vector<EdgeId> edges;
};

// Buckets the out-edges by target, stably, so each node's in-edges are in EdgeId order (and so by
// source).
InEdges index_in_edges(const std::vector<EdgeId>& rowstart, const std::vector<NodeId>& targets,
                       NodeId n) {
    InEdges in;
    resize_huge(in.sources, targets.size());
    resize_huge(in.edges, targets.size());
    in.start = bucket_sort<std::uint64_t>(
        n, n,
        [&](std::size_t source, auto&& emit) {
            for (EdgeId edge = rowstart[source]; edge < rowstart[source + 1]; ++edge)
                emit(targets[edge], (static_cast<std::uint64_t>(source) << 32) | edge);
        },
        [&in](EdgeId position, std::uint64_t entry) {
            in.sources[position] = static_cast<NodeId>(entry >> 32);
            in.edges[position] = static_cast<EdgeId>(entry);
        });
    return in;
}

// Throws when rows merged into one edge add up to a strength that is not finite (finite rows
// can still overflow together).
void check_merged_strengths(const detail::Csr& csr, const std::vector<double>& strength,
                            const StringColumn& ids, const std::string& relationships_name) {
    const auto& rowstart = csr.m_forward.m_rowstart;
    const auto n = static_cast<NodeId>(rowstart.size() - 1);
    for (NodeId node = 0; node < n; ++node)
        for (EdgeId edge = rowstart[node]; edge < rowstart[node + 1]; ++edge)
            if (!std::isfinite(strength[edge]))
                throw InputError(relationships_name, "weight",
                                 "the relationships from '" + std::string(ids[node]) + "' to '" +
                                     std::string(ids[csr.m_forward.m_column[edge]]) +
                                     "' add up to a strength too large to compute with");
}

}  // namespace

GraphBuilder::GraphBuilder(GraphBuilderOptions options) : options_(std::move(options)) {
    graph_.types_ = options_.types;
    graph_.attribute_names_ = options_.attribute_names;
    graph_.attributes_.resize(options_.attribute_names.size());
    default_type_ = graph_.types_.find(options_.directed_by_default ? RelationshipTypes::kInfluences
                                                                    : RelationshipTypes::kKnows);
    segment_codes_.emplace("", 0);
    referral_type_ = graph_.types_.find("referral");
}

void keep_distinct_unordered_pairs(std::vector<std::pair<NodeId, NodeId>>& pairs) {
    for (auto& [a, b] : pairs)
        if (a > b) std::swap(a, b);
    std::sort(pairs.begin(), pairs.end());
    pairs.erase(std::unique(pairs.begin(), pairs.end()), pairs.end());
}

std::string unknown_customer_message(std::string_view external_id) {
    return "unknown customer " + quoted(external_id) + " (not in the customers table)";
}

RelationshipTypeId check_relationship_row(const RelationshipRow& row,
                                          const RelationshipTypes& types,
                                          bool directed_by_default) {
    const auto type =
        types.find(row.type.empty() ? (directed_by_default ? RelationshipTypes::kInfluences
                                                           : RelationshipTypes::kKnows)
                                    : row.type);
    if (!type)
        throw RowError("type", "unknown relationship type " + quoted(row.type) +
                                   " (declare it with --type NAME:directed|undirected[:STRENGTH])");
    if (!std::isfinite(row.weight)) throw RowError("weight", "must be a finite number");
    if (row.weight < 0) throw RowError("weight", "must not be negative");
    if (row.probability && !(*row.probability >= 0.0 && *row.probability <= 1.0))
        throw RowError("probability", "must be between 0 and 1");
    if (row.source.empty() || row.target.empty())
        throw RowError(row.source.empty() ? "source" : "target", "customer id is empty");
    // As add_relationship(): a self-loop is dropped before its strength is ever computed.
    if (row.source != row.target && !std::isfinite(types[*type].strength * row.weight))
        throw RowError("weight", "times the type's strength is too large to compute with");
    return *type;
}

void check_customer_row(const CustomerRow& row) {
    if (row.id.empty()) throw RowError("id", "customer id is empty");
    check_amount(row.value, "value");
    check_amount(row.cost, "cost");
}

std::optional<NodeId> GraphBuilder::find(std::string_view external_id) const {
    return graph_.find(external_id);
}

NodeId GraphBuilder::add_node(std::string_view id, std::string_view name,
                              std::span<const std::string_view> attributes, std::uint64_t id_hash) {
    if (graph_.ids_.size() >= kNoNode - 1) throw UsageError("more than 4 billion customers");
    const auto node = static_cast<NodeId>(graph_.ids_.size());
    graph_.ids_.push_back(id);
    graph_.id_index_.insert(graph_.ids_, node, id_hash);
    graph_.kind_.push_back(NodeKind::person);
    graph_.names_.push_back(name);
    graph_.segment_.push_back(0);
    graph_.value_.push_back(0.0);
    graph_.cost_.push_back(1.0);
    graph_.flags_.push_back(0);
    for (std::size_t column = 0; column < graph_.attributes_.size(); ++column)
        graph_.attributes_[column].push_back(column < attributes.size() ? attributes[column]
                                                                        : std::string_view());
    return node;
}

NodeId GraphBuilder::add_customer(const CustomerRow& row) {
    check_customer_row(row);
    const std::uint64_t id_hash = StringIndex::hash(row.id);
    if (graph_.id_index_.find(graph_.ids_, row.id, id_hash) != StringIndex::kNone)
        throw RowError("id", "duplicate customer id " + quoted(row.id));
    if (row.attributes.size() != options_.attribute_names.size())
        throw InternalError("add_customer: attribute count does not match the builder's columns");

    // Validated: now nothing below can fail half-way.
    const NodeId node = add_node(row.id, row.name, row.attributes, id_hash);
    graph_.kind_[node] = row.kind;
    std::uint8_t flags = 0;
    if (row.value) {
        graph_.value_[node] = *row.value;
        flags |= InfluenceGraph::kValueGiven;
    }
    if (row.cost) {
        graph_.cost_[node] = *row.cost;
        flags |= InfluenceGraph::kCostGiven;
    }
    if (row.opt_out) flags |= InfluenceGraph::kOptOut;
    if (row.implicit) ++graph_.report_.implicit_nodes;
    graph_.flags_[node] = flags;
    if (!row.segment.empty()) {
        auto [it, inserted] = segment_codes_.try_emplace(
            std::string(row.segment), static_cast<std::uint32_t>(graph_.segment_names_.size()));
        if (inserted) graph_.segment_names_.emplace_back(row.segment);
        graph_.segment_[node] = it->second;
    }
    return node;
}

NodeId GraphBuilder::resolve(std::string_view external_id, const char* column) {
    const std::uint64_t id_hash = StringIndex::hash(external_id);
    const std::uint32_t row = graph_.id_index_.find(graph_.ids_, external_id, id_hash);
    if (row != StringIndex::kNone) return row;
    if (external_id.empty()) throw RowError(column, "customer id is empty");
    if (!options_.implicit_nodes) throw RowError(column, unknown_customer_message(external_id));
    ++graph_.report_.implicit_nodes;
    return add_node(external_id, {}, {}, id_hash);
}

void GraphBuilder::expect_relationships(std::size_t rows) {
    expected_rows_ = staged_.size() + rows;
    reserve_huge(staged_, expected_rows_);
    if (has_probability_) reserve_huge(staged_probability_, expected_rows_);
    if (has_date_) reserve_huge(staged_date_, expected_rows_);
}

void GraphBuilder::expect_customers(std::size_t rows) {
    const std::size_t total = graph_.ids_.size() + rows;
    graph_.ids_.reserve(total, 0);
    graph_.names_.reserve(total, 0);
    graph_.id_index_.reserve(graph_.ids_, total);
    reserve_huge(graph_.kind_, total);
    reserve_huge(graph_.segment_, total);
    reserve_huge(graph_.value_, total);
    reserve_huge(graph_.cost_, total);
    reserve_huge(graph_.flags_, total);
}

void GraphBuilder::stage(NodeId source, NodeId target, double strength, RelationshipTypeId type,
                         bool both_ways, const std::optional<double>& probability,
                         const std::optional<Date>& date) {
    staged_.push_back({source, target, strength, type, both_ways});
    one_way_ = one_way_ || !both_ways;
    // The optional columns are allocated at the first row that has a value.
    if (probability && !has_probability_) {
        reserve_huge(staged_probability_, std::max(expected_rows_, staged_.size()));
        staged_probability_.assign(staged_.size() - 1, std::nan(""));
        has_probability_ = true;
    }
    if (has_probability_) staged_probability_.push_back(probability.value_or(std::nan("")));
    if (date && !has_date_) {
        reserve_huge(staged_date_, std::max(expected_rows_, staged_.size()));
        staged_date_.assign(staged_.size() - 1, kNoDate);
        has_date_ = true;
    }
    if (has_date_) staged_date_.push_back(date.value_or(kNoDate));
}

void GraphBuilder::add_relationship(const RelationshipRow& row) {
    // Validate everything before any state changes, so a rejected row leaves no trace.
    std::optional<RelationshipTypeId> type = default_type_;
    if (!row.type.empty()) {
        // Rows of one type tend to come together: remember the last name looked up.
        if (row.type != last_type_name_) {
            last_type_ = graph_.types_.find(row.type);
            last_type_name_ = row.type;
        }
        type = last_type_;
    }
    if (!type)
        throw RowError("type", "unknown relationship type " + quoted(row.type) +
                                   " (declare it with --type NAME:directed|undirected[:STRENGTH])");
    if (!std::isfinite(row.weight)) throw RowError("weight", "must be a finite number");
    if (row.weight < 0) throw RowError("weight", "must not be negative");
    if (row.probability && !(*row.probability >= 0.0 && *row.probability <= 1.0))
        throw RowError("probability", "must be between 0 and 1");
    if (row.source.empty() || row.target.empty())
        throw RowError(row.source.empty() ? "source" : "target", "customer id is empty");
    if (staged_.size() >= UINT32_MAX / 2) throw UsageError("more than 2 billion relationship rows");
    // Resolving can only fail for an unknown id when nodes are not implicit, and then it creates
    // nothing, so a rejected row still leaves no trace.
    const NodeId source = resolve(row.source, "source");
    const NodeId target = resolve(row.target, "target");
    const RelationshipType& info = graph_.types_[*type];
    BuildReport& report = graph_.report_;
    ++report.relationship_rows;
    if (report.rows_by_type.size() <= *type) report.rows_by_type.resize(*type + 1u, 0);
    ++report.rows_by_type[*type];
    if (source == target) {
        ++report.self_loops_dropped;
        return;
    }
    const double strength = info.strength * row.weight;
    if (!std::isfinite(strength))
        throw RowError("weight", "times the type's strength is too large to compute with");
    const bool directed = row.directed.value_or(info.directed);
    ++(directed ? report.directed_rows : report.undirected_rows);
    stage(source, target, strength, *type, !directed, row.probability, row.date);
    if (*type == referral_type_) {
        related_by_referral_.push_back((static_cast<std::uint64_t>(source) << 32) | target);
        if (!directed)
            related_by_referral_.push_back((static_cast<std::uint64_t>(target) << 32) | source);
    }
}

bool GraphBuilder::related_contains(std::uint64_t pair) {
    if (related_sorted_ != related_by_referral_.size()) {
        std::sort(related_by_referral_.begin(), related_by_referral_.end());
        related_by_referral_.erase(
            std::unique(related_by_referral_.begin(), related_by_referral_.end()),
            related_by_referral_.end());
        related_sorted_ = related_by_referral_.size();
    }
    return std::binary_search(related_by_referral_.begin(), related_by_referral_.end(), pair);
}

bool GraphBuilder::add_referral(NodeId referrer, NodeId referred, std::optional<Date> date) {
    if (!referral_type_ || referrer == referred) return false;
    BuildReport& report = graph_.report_;
    const std::uint64_t pair = (static_cast<std::uint64_t>(referrer) << 32) | referred;
    if (referral_from_referrals_.contains(pair)) return false;  // a second referral adds nothing
    if (related_contains(pair)) {
        ++report.referrals_already_related;  // a relationship row gave the pair its edge
        return false;
    }
    referral_from_referrals_.insert(pair);
    const RelationshipType& info = graph_.types_[*referral_type_];
    stage(referrer, referred, info.strength, *referral_type_, !info.directed, std::nullopt, date);
    ++report.referral_edges;
    return true;
}

void GraphBuilder::add_on_behalf(NodeId customer, NodeId beneficiary) {
    if (customer != beneficiary) on_behalf_.emplace_back(customer, beneficiary);
}

InfluenceGraph GraphBuilder::build() {
    BuildReport& report = graph_.report_;
    // Purchases on behalf of another customer: one on_behalf relationship per distinct pair.
    if (!on_behalf_.empty()) {
        keep_distinct_unordered_pairs(on_behalf_);
        const RelationshipTypeId type = *graph_.types_.find("on_behalf");
        const RelationshipType& info = graph_.types_[type];
        for (const auto& [a, b] : on_behalf_)
            stage(a, b, info.strength, type, !info.directed, std::nullopt, std::nullopt);
        report.on_behalf_from_transactions = on_behalf_.size();
        on_behalf_ = {};
    }
    if (report.rows_by_type.size() < graph_.types_.size())
        report.rows_by_type.resize(graph_.types_.size(), 0);

    const NodeId n = num_nodes();
    SourceBuckets buckets = bucket_by_source(staged_, n);
    std::vector<EdgeId> rowstart = count_distinct_targets(buckets, n, report.merged_edges);
    const EdgeId edge_count = rowstart[n];
    const StagedColumns<StagedRow> staged{staged_, staged_probability_, staged_date_,
                                          has_probability_, has_date_};
    EdgeColumns edges{graph_.strength_, graph_.type_, graph_.probability_, graph_.date_, {}};
    allocate_edges(edges, edge_count, staged);
    fill_edges(buckets, rowstart, staged, edges);
    if (report.merged_edges > 0)
        count_merged_rows(buckets, rowstart, staged_.size(), graph_.ids_, report);
    // Free the staging arrays before the in-edge index is built.
    buckets = {};
    staged_ = {};
    staged_probability_ = {};
    staged_date_ = {};

    InEdges in = index_in_edges(rowstart, edges.targets, n);
    // Hand the arrays to Boost's CSR graph without copying: forward (source -> target) and
    // backward (target -> source, with the forward EdgeId as its edge property) structures.
    auto storage = std::make_shared<detail::CsrStorage>();
    detail::Csr& csr = storage->csr;
    csr = detail::Csr(n);
    csr.m_forward.m_rowstart = std::move(rowstart);
    csr.m_forward.m_column = std::move(edges.targets);
    csr.m_backward.m_rowstart = std::move(in.start);
    csr.m_backward.m_column = std::move(in.sources);
    csr.m_backward.*BackwardEdgeIds::member() = std::move(in.edges);

    check_merged_strengths(csr, graph_.strength_, graph_.ids_, options_.relationships_name);
    graph_.set_structure(std::move(storage));
    graph_.mirrored_ = !one_way_;
    one_way_ = false;
    graph_.strength_.shrink_to_fit();
    graph_.type_.shrink_to_fit();
    graph_.probability_.shrink_to_fit();
    graph_.date_.shrink_to_fit();
    has_probability_ = has_date_ = false;
    InfluenceGraph result = std::move(graph_);
    graph_ = InfluenceGraph();
    return result;
}

}  // namespace catena
