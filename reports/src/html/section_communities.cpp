// The Communities section: the largest communities' size and value as paired bars, and a table
// with each one's top influencer.
#include <algorithm>
#include <optional>

#include <fmt/format.h>

#include "format.hpp"
#include "palette.hpp"
#include "sections.hpp"
#include "svg.hpp"

namespace catena::html {
namespace {

struct Community {
    double community, size;
    std::optional<double> value;
    std::string leader_id, leader_name;
};

// Largest first, ties by community id, whatever order the writer used.
std::vector<Community> read_communities(const Json& list, const std::string& path) {
    std::vector<Community> rows;
    for (std::size_t index = 0; index < list.size(); ++index) {
        const Json& item = list[index];
        const std::string item_path = index_path(path + ".largest", index);
        Community row{number(item, "community", item_path), number(item, "size", item_path),
                      optional_number(item, "total_value", item_path), "", ""};
        // The top customer by influence: the first of top_customers.
        if (const Json* top = find_list(item, "top_customers", item_path); top && !top->empty()) {
            const std::string leader_path = index_path(item_path + ".top_customers", 0);
            row.leader_id = text((*top)[0], "id", leader_path);
            row.leader_name = optional_text((*top)[0], "name", leader_path).value_or("");
        }
        rows.push_back(std::move(row));
    }
    std::stable_sort(rows.begin(), rows.end(), [](const Community& a, const Community& b) {
        return a.size != b.size ? a.size > b.size : a.community < b.community;
    });
    return rows;
}

std::string intro(const std::string& method, std::optional<double> total,
                  std::optional<double> modularity, std::size_t listed) {
    std::string out = "<p>Groups of customers more tied to each other than to the rest";
    if (!method.empty())
        out += fmt::format(", found by {}", method == "lpa" ? std::string("label propagation")
                                                            : escape(capitalised(method)));
    out += ".";
    if (total && *total > static_cast<double>(listed))
        out += fmt::format(" The {} largest of {} communities are shown.",
                           whole(static_cast<double>(listed)), whole(*total));
    if (modularity)
        out += fmt::format(" Modularity {:.3f} ({}).", *modularity,
                           *modularity >= 0.4   ? "clear community structure"
                           : *modularity >= 0.2 ? "some community structure"
                                                : "little community structure");
    return out + "</p>\n";
}

// For each of the largest communities, a size bar and (when any has a value) a value bar.
PairedBarChart size_value_chart(const std::vector<Community>& rows) {
    const std::size_t bars = std::min(rows.size(), kMaxBars);
    bool any_value = false;
    for (std::size_t index = 0; index < bars; ++index) any_value = any_value || rows[index].value;
    PairedBarChart chart;
    chart.id = "chart-communities";
    chart.title =
        fmt::format("Size{} of the {} largest communities", any_value ? " and value" : "", bars);
    chart.desc =
        "Paired horizontal bars: customers in each community and, beside them, the community's "
        "total own value.";
    BarSeries sizes{"Customers", kBar, {}, {}}, values{"Value", kValueBar, {}, {}};
    for (std::size_t index = 0; index < bars; ++index) {
        const Community& row = rows[index];
        const std::string name = fmt::format("Community {}", whole(row.community));
        chart.labels.push_back(name);
        sizes.values.push_back(row.size);
        sizes.tooltips.push_back(fmt::format("{}: {} customers", name, whole(row.size)));
        values.values.push_back(row.value.value_or(0));
        values.tooltips.push_back(
            fmt::format("{}: value {}", name, row.value ? amount(*row.value) : "unknown"));
    }
    chart.series.push_back(std::move(sizes));
    if (any_value) chart.series.push_back(std::move(values));
    return chart;
}

std::string communities_table(const std::vector<Community>& rows) {
    std::string table =
        "<table>\n<thead><tr><th class=\"num\">#</th><th class=\"num\">size</th>"
        "<th class=\"num\">value</th><th class=\"num\">per customer</th><th>top influencer</th>"
        "</tr></thead>\n<tbody>\n";
    const std::size_t shown = std::min(rows.size(), kMaxTableRows);
    for (std::size_t index = 0; index < shown; ++index) {
        const Community& row = rows[index];
        table += fmt::format(
            "<tr><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>"
            "<td class=\"num\">{}</td><td>{}</td></tr>\n",
            whole(row.community), whole(row.size), row.value ? amount(*row.value) : "–",
            row.value && row.size > 0 ? amount(*row.value / row.size) : "–",
            row.leader_id.empty() ? "<span class=\"muted\">—</span>"
                                  : customer_cell(row.leader_name, row.leader_id, 11));
    }
    return table + table_end(shown, rows.size(), "communities");
}

std::string chart_figure(const std::vector<Community>& rows) {
    const PairedBarChart chart = size_value_chart(rows);
    const std::string legend =
        chart.series.size() > 1
            ? fmt::format(
                  "<div class=\"legend\"><span><span class=\"dot square\" "
                  "style=\"background:{}\"></span>customers</span><span><span "
                  "class=\"dot square\" style=\"background:{}\"></span>total own "
                  "value</span></div>\n",
                  kBar, kValueBar)
            : std::string();
    return "<figure>" + paired_bar_chart(chart) + legend +
           "<figcaption>Largest communities first. A large community with a low value per "
           "customer is room to grow; its top influencer is the way in.</figcaption></figure>\n";
}

}  // namespace

Section communities_section(const Json& communities) {
    const std::string path = "communities";
    Section section{"communities", "Communities", ""};
    std::string& out = section.html;
    const Json& list = array(communities, "largest", path);
    const auto total = optional_number(communities, "count", path);
    const auto modularity = optional_number(communities, "modularity", path);
    const std::string method = optional_text(communities, "method", path).value_or("");
    const std::vector<Community> rows = read_communities(list, path);
    out += intro(method, total, modularity, rows.size());
    std::vector<Card> items;
    if (total) items.push_back({"communities", whole(*total), ""});
    if (modularity) items.push_back({"modularity", fmt::format("{:.3f}", *modularity), ""});
    if (!rows.empty())
        items.push_back({"customers in the largest community", whole(rows.front().size),
                         rows.front().leader_name.empty()
                             ? ""
                             : "top influencer " + shortened(rows.front().leader_name, 14)});
    if (!items.empty()) out += cards(items);
    if (rows.empty()) {
        out += empty_note("No communities were found.");
        return section;
    }
    out += "<div class=\"split\">\n" + chart_figure(rows) + "<div>" + communities_table(rows) +
           "</div>\n</div>\n";
    out += opted_out_note(communities, "opted_out_not_listed", path, "named as a top influencer",
                          false);
    return section;
}

}  // namespace catena::html
