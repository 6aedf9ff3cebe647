#include "catena/graph/influence_graph.hpp"

#include <algorithm>
#include <cmath>

#include "csr_storage.hpp"

namespace catena {

std::string_view to_string(NodeKind kind) {
    return kind == NodeKind::business ? "business" : "person";
}

namespace detail {

std::span<const EdgeId> CsrStorage::in_edge_ids() const {
    const EdgeId edges = static_cast<EdgeId>(csr.m_forward.m_column.size());
    if (edges == 0) return {};
    // Boost keeps, for each in-edge, the index of the same edge in the forward storage as the
    // backward structure's edge property; its storage is contiguous.
    using Descriptor = boost::detail::csr_edge_descriptor<NodeId, EdgeId>;
    const EdgeId* first = &csr.m_backward.get_edge_bundle()[Descriptor(0, 0)];
    return {first, edges};
}

}  // namespace detail

InfluenceGraph::InfluenceGraph() : segment_names_{""} {
    set_structure(std::make_shared<detail::CsrStorage>());  // no nodes: out_offsets() is {0}
}

void InfluenceGraph::set_structure(std::shared_ptr<const detail::CsrStorage> storage) {
    structure_ = std::move(storage);
    const detail::Csr& csr = structure_->csr;
    out_offsets_ = csr.m_forward.m_rowstart;
    out_targets_ = csr.m_forward.m_column;
    in_offsets_ = csr.m_backward.m_rowstart;
    in_sources_ = csr.m_backward.m_column;
    in_edge_ids_ = structure_->in_edge_ids();
}

NodeId InfluenceGraph::edge_source(EdgeId edge) const {
    const auto offsets = out_offsets();
    // The last node whose first edge is <= edge.
    const auto it = std::upper_bound(offsets.begin(), offsets.end(), edge);
    return static_cast<NodeId>(it - offsets.begin() - 1);
}

std::optional<double> InfluenceGraph::probability(EdgeId edge) const {
    if (probability_.empty() || std::isnan(probability_[edge])) return std::nullopt;
    return probability_[edge];
}

std::optional<Date> InfluenceGraph::date(EdgeId edge) const {
    if (date_.empty() || date_[edge] == kNoDate) return std::nullopt;
    return date_[edge];
}

std::optional<NodeId> InfluenceGraph::find(std::string_view external_id) const {
    const std::uint32_t row = id_index_.find(ids_, external_id);
    if (row == StringIndex::kNone) return std::nullopt;
    return row;
}

std::size_t InfluenceGraph::memory_bytes() const {
    std::size_t bytes = 0;
    const auto add = [&bytes](const auto& vec) {
        bytes += vec.capacity() * sizeof(typename std::decay_t<decltype(vec)>::value_type);
    };
    const detail::Csr& csr = structure_->csr;
    add(csr.m_forward.m_rowstart);
    add(csr.m_forward.m_column);
    add(csr.m_backward.m_rowstart);
    add(csr.m_backward.m_column);
    bytes += static_cast<std::size_t>(num_edges()) * sizeof(EdgeId);  // backward edge ids
    add(strength_);
    add(type_);
    add(probability_);
    add(date_);
    bytes += ids_.memory_bytes() + id_index_.memory_bytes() + names_.memory_bytes();
    add(kind_);
    add(segment_);
    add(value_);
    add(cost_);
    add(flags_);
    for (const auto& column : attributes_) bytes += column.memory_bytes();
    return bytes;
}

namespace {
// FNV-1a over bytes, 64 bits.
struct Digest {
    std::uint64_t state = 0xCBF29CE484222325ull;
    void bytes(const void* data, std::size_t size) {
        const auto* byte = static_cast<const unsigned char*>(data);
        for (std::size_t index = 0; index < size; ++index)
            state = (state ^ byte[index]) * 0x100000001B3ull;
    }
    template <typename T>
    void array(std::span<const T> values) {
        const std::uint64_t size = values.size();
        bytes(&size, sizeof size);
        bytes(values.data(), values.size_bytes());
    }
};

bool same_doubles(const std::vector<double>& a, const std::vector<double>& b) {
    if (a.size() != b.size()) return false;
    for (std::size_t index = 0; index < a.size(); ++index) {
        if (std::isnan(a[index]) && std::isnan(b[index])) continue;
        if (a[index] != b[index]) return false;
    }
    return true;
}
}  // namespace

std::uint64_t InfluenceGraph::fingerprint() const {
    Digest digest;
    for (NodeId node = 0; node < num_nodes(); ++node) {
        const std::string_view id = ids_[node];
        digest.bytes(id.data(), id.size());
        digest.bytes("\0", 1);
    }
    digest.array(out_offsets());
    digest.array(out_targets());
    digest.array(std::span<const double>(strength_));
    digest.array(std::span<const RelationshipTypeId>(type_));
    digest.array(std::span<const double>(value_));
    digest.array(std::span<const std::uint8_t>(flags_));
    return digest.state;
}

bool operator==(const InfluenceGraph& a, const InfluenceGraph& b) {
    const auto in_ids_a = a.in_edge_ids();
    const auto in_ids_b = b.in_edge_ids();
    const auto same = [](auto x, auto y) {
        return std::equal(x.begin(), x.end(), y.begin(), y.end());
    };
    return same(a.out_offsets(), b.out_offsets()) && same(a.out_targets(), b.out_targets()) &&
           same(a.in_offsets(), b.in_offsets()) && same(a.in_sources(), b.in_sources()) &&
           std::equal(in_ids_a.begin(), in_ids_a.end(), in_ids_b.begin(), in_ids_b.end()) &&
           a.strength_ == b.strength_ && a.type_ == b.type_ &&
           same_doubles(a.probability_, b.probability_) && a.date_ == b.date_ &&
           a.types_ == b.types_ && a.ids_ == b.ids_ && a.kind_ == b.kind_ && a.names_ == b.names_ &&
           a.segment_ == b.segment_ && a.segment_names_ == b.segment_names_ &&
           a.value_ == b.value_ && a.cost_ == b.cost_ && a.flags_ == b.flags_ &&
           a.attribute_names_ == b.attribute_names_ && a.attributes_ == b.attributes_ &&
           a.report_ == b.report_;
}

}  // namespace catena
