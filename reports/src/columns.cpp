#include "catena/reports/columns.hpp"

#include <algorithm>
#include <cctype>
#include <optional>

#include <fmt/format.h>

#include "catena/graph/errors.hpp"
#include "catena/graph/output.hpp"
#include "catena/graph/spelling.hpp"

namespace catena {

namespace {

std::string_view trimmed(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
    return text;
}

bool same_ignoring_case(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

// UTF-8 text cut to at most `width` bytes with "..." (on a code point boundary).
std::string cut(std::string text, std::size_t width) {
    if (text.size() <= width) return text;
    std::size_t end = width >= 3 ? width - 3 : 0;
    while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
    return text.substr(0, end) + "...";
}

constexpr std::size_t kMaxWidth = 40;

}  // namespace

ListedColumns::ListedColumns(std::vector<std::string> names) : names_(std::move(names)) {
    for (std::size_t index = 0; index < names_.size(); ++index) {
        if (names_[index].empty()) throw UsageError("--columns: a column name is empty");
        for (std::size_t other = 0; other < index; ++other)
            if (names_[other] == names_[index])
                throw UsageError("--columns: '" + names_[index] + "' is given twice");
    }
}

ListedColumns ListedColumns::parse(std::string_view text) {
    std::vector<std::string> names;
    if (trimmed(text).empty()) return {};
    for (std::size_t start = 0; start <= text.size();) {
        const std::size_t comma = std::min(text.find(',', start), text.size());
        names.emplace_back(trimmed(text.substr(start, comma - start)));
        start = comma + 1;
    }
    return ListedColumns(std::move(names));
}

void ListedColumns::resolve(const InfluenceGraph& graph) {
    static const std::vector<std::pair<std::string, Builtin>> kBuiltins = {
        {"name", Builtin::name},   {"kind", Builtin::kind}, {"segment", Builtin::segment},
        {"value", Builtin::value}, {"cost", Builtin::cost}, {"opt_out", Builtin::opt_out}};
    const std::vector<std::string>& attributes = graph.attribute_names();
    builtin_.assign(names_.size(), Builtin::none);
    attribute_.assign(names_.size(), 0);
    for (std::size_t index = 0; index < names_.size(); ++index) {
        const std::string& name = names_[index];
        bool found = false;
        for (int pass = 0; pass < 2 && !found; ++pass) {
            const auto matches = [&](std::string_view candidate) {
                return pass == 0 ? candidate == name : same_ignoring_case(candidate, name);
            };
            for (std::size_t column = 0; column < attributes.size() && !found; ++column)
                if (matches(attributes[column])) attribute_[index] = column, found = true;
            for (const auto& [builtin_name, builtin] : kBuiltins)
                if (!found && matches(builtin_name)) builtin_[index] = builtin, found = true;
        }
        if (found) continue;
        std::vector<std::string> known = attributes;
        for (const auto& [builtin_name, builtin] : kBuiltins) known.push_back(builtin_name);
        const std::optional<std::string> near = closest(name, known);
        std::string list;
        for (const std::string& column : known) list += (list.empty() ? "" : ", ") + column;
        throw UsageError("--columns: the customers have no column '" + name + "'" +
                         (near ? " (did you mean " + *near + "?)" : "") +
                         "; their columns are: " + list);
    }
}

std::string ListedColumns::value(const InfluenceGraph& graph, std::size_t index,
                                 NodeId node) const {
    if (builtin_.size() != names_.size())
        throw InternalError("customer columns used before they were resolved against the data");
    switch (builtin_[index]) {
        case Builtin::none:
            return std::string(graph.attribute(attribute_[index], node));
        case Builtin::name:
            return std::string(graph.name(node));
        case Builtin::kind:
            return std::string(to_string(graph.kind(node)));
        case Builtin::segment:
            return std::string(graph.segment(node));
        case Builtin::value:
            return graph.has_value(node) ? fmt::format("{}", graph.value(node)) : "";
        case Builtin::cost:
            return graph.has_cost(node) ? fmt::format("{}", graph.cost(node)) : "";
        case Builtin::opt_out:
            return graph.opt_out(node) ? "true" : "false";
    }
    return "";
}

std::string ListedColumns::csv_header() const {
    std::string out;
    for (const std::string& name : names_) out += "," + csv_field(name);
    return out;
}

std::string ListedColumns::csv_cells(const InfluenceGraph& graph, NodeId node) const {
    std::string out;
    for (std::size_t index = 0; index < names_.size(); ++index)
        out += "," + csv_field(value(graph, index, node));
    return out;
}

nlohmann::ordered_json ListedColumns::json(const InfluenceGraph& graph, NodeId node) const {
    nlohmann::ordered_json out = nlohmann::ordered_json::object();
    for (std::size_t index = 0; index < names_.size(); ++index)
        out[names_[index]] = value(graph, index, node);
    return out;
}

std::vector<std::size_t> ListedColumns::widths(const InfluenceGraph& graph,
                                               std::span<const NodeId> nodes) const {
    std::vector<std::size_t> out;
    for (std::size_t index = 0; index < names_.size(); ++index) {
        std::size_t width = names_[index].size();
        for (const NodeId node : nodes) width = std::max(width, value(graph, index, node).size());
        out.push_back(std::min(width, kMaxWidth));
    }
    return out;
}

std::string ListedColumns::table_header(const std::vector<std::size_t>& widths) const {
    std::string out;
    for (std::size_t index = 0; index < names_.size(); ++index)
        out += fmt::format("  {:<{}}", cut(names_[index], widths[index]), widths[index]);
    return out;
}

std::string ListedColumns::table_cells(const InfluenceGraph& graph, NodeId node,
                                       const std::vector<std::size_t>& widths) const {
    std::string out;
    for (std::size_t index = 0; index < names_.size(); ++index)
        out +=
            fmt::format("  {:<{}}", cut(value(graph, index, node), widths[index]), widths[index]);
    return out;
}

}  // namespace catena
