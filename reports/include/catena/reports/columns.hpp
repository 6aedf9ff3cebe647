// `--columns email,owner,...`: customer attributes passed through to every listing of customers
// (rank, seeds, value, communities, explain; the batch job's tables with [output] columns), so a
// list of influencers or seeds carries what a campaign needs to reach them.
//
// A column is one of the customers' own further columns (InfluenceGraph::attribute_names, e.g.
// email, owner, channel) or one of the built-in name, kind, segment, value, cost, opt_out. Names
// match exactly, then ignoring ASCII case. In each output the columns come after the listing's
// own: as extra CSV columns and table columns under their own names, and in JSON as an object
// "columns": {"email": "...", ...} in each listed customer (text, "" where the customer has none).
// Listings never hold an opted-out customer, so neither do these columns.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "catena/graph/influence_graph.hpp"

namespace catena {

class ListedColumns {
  public:
    ListedColumns() = default;
    // Comma-separated names, spaces around them trimmed; throws UsageError for an empty name or
    // one given twice. An empty text: no columns.
    static ListedColumns parse(std::string_view text);
    explicit ListedColumns(std::vector<std::string> names);

    bool empty() const { return names_.empty(); }
    const std::vector<std::string>& names() const { return names_; }

    // Resolves every name against the data; throws UsageError naming the first unknown one, the
    // closest column when it looks misspelt, and the columns there are.
    void resolve(const InfluenceGraph& graph);

    // The text of column `index` for `node` (after resolve()).
    std::string value(const InfluenceGraph& graph, std::size_t index, NodeId node) const;
    // ",email,owner" and ",a@b.nl,Sam" (CSV-quoted); "" without columns.
    std::string csv_header() const;
    std::string csv_cells(const InfluenceGraph& graph, NodeId node) const;
    // {"email": "a@b.nl", "owner": "Sam"}.
    nlohmann::ordered_json json(const InfluenceGraph& graph, NodeId node) const;
    // Table cells: each column two spaces then padded to the widest of its name and its values
    // among `nodes` (at most 40 characters, longer values cut with "...").
    std::vector<std::size_t> widths(const InfluenceGraph& graph,
                                    std::span<const NodeId> nodes) const;
    std::string table_header(const std::vector<std::size_t>& widths) const;
    std::string table_cells(const InfluenceGraph& graph, NodeId node,
                            const std::vector<std::size_t>& widths) const;

  private:
    enum class Builtin { none, name, kind, segment, value, cost, opt_out };
    std::vector<std::string> names_;
    std::vector<Builtin> builtin_;        // per name, after resolve()
    std::vector<std::size_t> attribute_;  // per name: the attribute column, when not built in
};

}  // namespace catena
