// The Referral cascades section: who brought in whom, as customers by depth in their cascade.
#include <algorithm>
#include <utility>

#include <fmt/format.h>

#include "format.hpp"
#include "sections.hpp"
#include "svg.hpp"

namespace catena::html {
namespace {

using Depths = std::vector<std::pair<double, double>>;  // depth, customers

ColumnChart depth_chart(const Depths& depths) {
    ColumnChart chart;
    chart.id = "chart-depths";
    chart.title = "Customers brought in by referral, by depth";
    chart.desc =
        fmt::format("Histogram: customers at each depth 1 to {} of their referral cascade.",
                    whole(depths.back().first));
    chart.x_title = "Depth: referral steps from the cascade's first customer";
    chart.y_title = "Customers";
    for (const auto& [depth, n] : depths)
        chart.columns.push_back({whole(depth), n,
                                 fmt::format("Depth {}: {} customers", whole(depth), whole(n)),
                                 whole(n)});
    return chart;
}

std::string depth_table(const Depths& depths, double referred) {
    std::string table =
        "<table class=\"compact\">\n<thead><tr><th class=\"num\">depth</th><th "
        "class=\"num\">customers</th><th class=\"num\">share</th></tr></thead>\n<tbody>\n";
    const std::size_t shown = std::min(depths.size(), kMaxTableRows);
    for (std::size_t index = 0; index < shown; ++index)
        table += fmt::format(
            "<tr><td class=\"num\">{}</td><td class=\"num\">{}</td><td "
            "class=\"num\">{}</td></tr>\n",
            whole(depths[index].first), whole(depths[index].second),
            percent(depths[index].second / referred));
    return table + table_end(shown, depths.size(), "depths");
}

}  // namespace

Section referrals_section(const Json& referrals) {
    const std::string path = "referrals";
    Section section{"referrals", "Referral cascades", ""};
    std::string& out = section.html;
    const Json& histogram = array(referrals, "depth_histogram", path);
    const auto cascades = optional_number(referrals, "cascades", path);
    const auto max_depth = optional_number(referrals, "max_depth", path);
    Depths depths;
    double referred = 0;
    for (std::size_t index = 0; index < histogram.size(); ++index) {
        const std::string item_path = index_path(path + ".depth_histogram", index);
        depths.emplace_back(number(histogram[index], "depth", item_path),
                            number(histogram[index], "count", item_path));
        referred += depths.back().second;
    }
    std::vector<Card> items;
    if (cascades)
        items.push_back({"referral cascades", whole(*cascades), "trees started by one customer"});
    items.push_back({"customers brought in", whole(referred), ""});
    if (max_depth)
        items.push_back(
            {"longest chain", whole(*max_depth) + (*max_depth == 1 ? " step" : " steps"), ""});
    out +=
        "<p>Who brought in whom, from the observed referrals that converted: each cascade starts "
        "at a customer nobody referred, and a customer's depth is the number of referral steps "
        "from that first customer.</p>\n" +
        cards(items);
    if (depths.empty() || referred == 0) {
        out += empty_note("No converted referrals in the data.");
        return section;
    }
    out += "<div class=\"split\">\n<figure>" + column_chart(depth_chart(depths)) +
           "<figcaption>Depth 1: brought in directly by the cascade's first customer; depth 2: by "
           "someone they brought in; and so on. Deep chains mean referrals keep "
           "travelling.</figcaption></figure>\n<div>" +
           depth_table(depths, referred) + "</div>\n</div>\n";
    return section;
}

}  // namespace catena::html
