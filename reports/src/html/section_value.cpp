// The Customer value and influence section: own value against influence by quadrant (a scatter
// on log axes), the quadrant table, and the top customers by influence-weighted value.
#include <algorithm>
#include <cmath>
#include <optional>

#include <fmt/format.h>

#include "format.hpp"
#include "palette.hpp"
#include "sections.hpp"
#include "svg.hpp"

namespace catena::html {
namespace {

// One customer of the value section: a scatter point or a row of the top table.
struct ValuePoint {
    std::string id, name, quadrant;
    double own = 0, network = 0, referral = 0, influence = 0, total = 0;
    std::optional<double> rank;  // among all customers
};

// How influence is made of network and referral value, and where the quadrants split.
struct ValueScale {
    double network_weight = 1, referral_weight = 0;
    std::optional<double> own_threshold, influence_threshold;
};

// The quadrant list: names in order, customers in all, and the table.
struct Quadrants {
    std::vector<std::string> names;
    double customers = 0;
    std::string table;
};

ValueScale read_scale(const Json& value, const std::string& path) {
    ValueScale scale;
    if (const Json* parameters = find(value, "parameters")) {
        scale.network_weight =
            optional_number(*parameters, "network_weight", path + ".parameters").value_or(1);
        scale.referral_weight =
            optional_number(*parameters, "referral_weight", path + ".parameters").value_or(0);
    }
    if (const Json* thresholds = find(value, "thresholds")) {
        scale.own_threshold = optional_number(*thresholds, "own_value", path + ".thresholds");
        scale.influence_threshold =
            optional_number(*thresholds, "influence_value", path + ".thresholds");
    }
    return scale;
}

ValuePoint read_value_point(const Json& item, const std::string& path, const ValueScale& scale) {
    ValuePoint p;
    p.id = text(item, "id", path);
    p.name = optional_text(item, "name", path).value_or("");
    p.quadrant = optional_text(item, "quadrant", path).value_or("");
    p.own = number(item, "own_value", path);
    p.network = optional_number(item, "network_value", path).value_or(0);
    p.referral = optional_number(item, "referral_value", path).value_or(0);
    p.influence =
        optional_number(item, "influence_value", path)
            .value_or(scale.network_weight * p.network + scale.referral_weight * p.referral);
    p.total = optional_number(item, "influence_weighted_value", path).value_or(p.own + p.influence);
    p.rank = optional_number(item, "rank", path);
    return p;
}

std::vector<ValuePoint> read_value_points(const Json& value, std::string_view key,
                                          const ValueScale& scale) {
    std::vector<ValuePoint> points;
    const Json* list = find_list(value, key, "value");
    if (!list) return points;
    const std::string path = join_path("value", key);
    for (std::size_t index = 0; index < list->size(); ++index)
        points.push_back(read_value_point((*list)[index], index_path(path, index), scale));
    return points;
}

std::string intro(const ValueScale& scale) {
    return fmt::format(
        "<p>Each customer's value has three parts: <b>own value</b> (what they buy), <b>network "
        "value</b> (the expected own value of the customers their influence would activate) and "
        "<b>referral value</b> (the customers they actually brought in). Quadrants split "
        "customers by own value and by influence ({}){}.</p>\n",
        scale.referral_weight != 0
            ? fmt::format("influence = {} × network value + {} × referral value",
                          escape(fmt::format("{}", scale.network_weight)),
                          escape(fmt::format("{}", scale.referral_weight)))
            : "influence = network value",
        scale.own_threshold && scale.influence_threshold
            ? fmt::format(", high meaning above {} own value and above {} influence",
                          amount(*scale.own_threshold), amount(*scale.influence_threshold))
            : "");
}

// The quadrant table with a guide to the quadrants under it; nothing without a quadrant list.
Quadrants read_quadrants(const Json& value, const std::string& path) {
    Quadrants out;
    const Json* quadrants = find_list(value, "quadrants", path);
    if (!quadrants) return out;
    const std::string list_path = path + ".quadrants";
    for (std::size_t index = 0; index < quadrants->size(); ++index) {
        out.names.push_back(text((*quadrants)[index], "name", index_path(list_path, index)));
        out.customers += number((*quadrants)[index], "customers", index_path(list_path, index));
    }
    out.table =
        "<table>\n<caption>Customers by quadrant</caption>\n<thead><tr><th>quadrant</th>"
        "<th class=\"num\">customers</th><th class=\"num\">own value</th>"
        "<th class=\"num\">network value</th></tr></thead>\n<tbody>\n";
    for (std::size_t index = 0; index < quadrants->size(); ++index) {
        const Json& row = (*quadrants)[index];
        const std::string row_path = index_path(list_path, index);
        const double customers = number(row, "customers", row_path);
        const auto own = optional_number(row, "own_value", row_path);
        const auto network = optional_number(row, "network_value", row_path);
        out.table += fmt::format(
            "<tr><td><span class=\"swatch\" style=\"background:{}\"></span>{}</td>"
            "<td class=\"num\">{} <span class=\"muted\">({})</span></td><td "
            "class=\"num\">{}</td><td class=\"num\">{}</td></tr>\n",
            quadrant_colour(out.names[index], index),
            shortened(quadrant_label(out.names[index]), 12), whole(customers),
            out.customers > 0 ? percent(customers / out.customers) : "–", own ? amount(*own) : "–",
            network ? amount(*network) : "–");
    }
    out.table +=
        "</tbody>\n</table>\n"
        "<dl class=\"quadrant-guide\">"
        "<dt>Champions</dt><dd>buy a lot and move others: keep them close.</dd>"
        "<dt>Hidden influencers</dt><dd>buy little but move others: the campaign targets a value "
        "ranking misses.</dd>"
        "<dt>High-value loners</dt><dd>buy a lot but move few: serve them, do not count on word "
        "of mouth.</dd></dl>\n";
    return out;
}

// The scatter of own value (x) against influence (y), both on a log(1 + v) scale: customer value
// is skewed over orders of magnitude. The points with the highest total value are drawn last, on
// top.
ScatterChart scatter_spec(const std::vector<ValuePoint>& points, const ValueScale& scale,
                          const QuadrantColours& colour_of) {
    std::vector<double> owns, influences;
    for (const ValuePoint& p : points) {
        owns.push_back(p.own);
        influences.push_back(p.influence);
    }
    ScatterChart chart;
    chart.id = "chart-quadrants";
    chart.title = "Own value against influence, by quadrant";
    chart.x_axis = LogAxis::fit(owns, scale.own_threshold);
    chart.y_axis = LogAxis::fit(influences, scale.influence_threshold);
    const bool thresholds = scale.own_threshold && scale.influence_threshold;
    chart.desc = fmt::format(
        "Scatter plot of {} customers: own value on the horizontal axis, influence on the "
        "vertical axis, both logarithmic{}.",
        whole(static_cast<double>(points.size())),
        thresholds ? "; dashed lines are the quadrant thresholds" : "");
    chart.x_title = "Own value (log scale)";
    chart.y_title = scale.referral_weight != 0 ? "Influence: network + referral value (log scale)"
                                               : "Influence: network value (log scale)";
    if (thresholds) {
        chart.x_threshold = scale.own_threshold;
        chart.y_threshold = scale.influence_threshold;
        chart.x_threshold_tooltip = "Own value threshold: " + amount(*scale.own_threshold);
        chart.y_threshold_tooltip = "Influence threshold: " + amount(*scale.influence_threshold);
        chart.corners = {"Hidden influencers", "Champions", "High-value loners", "Others"};
    }
    std::vector<std::size_t> order(points.size());
    for (std::size_t index = 0; index < order.size(); ++index) order[index] = index;
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        return points[a].total < points[b].total;
    });
    for (const std::size_t index : order) {
        const ValuePoint& p = points[index];
        chart.points.push_back(
            {p.own, p.influence, colour_of(p.quadrant),
             fmt::format("{} ({}){}: own {}, network {}, referral {}", escape(p.name), escape(p.id),
                         p.quadrant.empty() ? "" : ", " + escape(quadrant_label(p.quadrant)),
                         amount(p.own), amount(p.network), amount(p.referral))});
    }
    return chart;
}

// The whole <figure>: chart, legend (HTML under the chart: it wraps and prints well) and caption.
std::string quadrant_figure(const std::vector<ValuePoint>& points, const ValueScale& scale,
                            const QuadrantColours& colour_of,
                            const std::vector<std::string>& legend_names,
                            const std::string& caption_lead, const std::string& caption_tail) {
    const ScatterChart chart = scatter_spec(points, scale, colour_of);
    std::vector<std::string> names = legend_names;
    for (const ValuePoint& p : points)
        if (!p.quadrant.empty() && std::find(names.begin(), names.end(), p.quadrant) == names.end())
            names.push_back(p.quadrant);
    std::string legend = "<div class=\"legend\">";
    for (const std::string& name : names)
        legend += fmt::format("<span><span class=\"dot\" style=\"background:{}\"></span>{}</span>",
                              colour_of(name), shortened(quadrant_label(name), 16));
    if (chart.x_threshold) legend += "<span><span class=\"dash\"></span>threshold</span>";
    legend += "</div>\n";
    return "<figure>" + scatter_chart(chart) + legend +
           fmt::format(
               "<figcaption>{}. Both axes are logarithmic because customer value is highly "
               "skewed: a few customers are worth orders of magnitude more than the median.{}{}{}"
               "</figcaption></figure>\n",
               caption_lead, chart.x_axis.clamped_note("own value", "vertical"),
               chart.y_axis.clamped_note("influence", "horizontal"), caption_tail);
}

// The scatter's figure with its caption, or a sentence when there are no points.
std::string points_figure(const Json& value, const std::string& path, const ValueScale& scale,
                          const Quadrants& quadrants, const QuadrantColours& colour_of) {
    const std::vector<ValuePoint> points = read_value_points(value, "points", scale);
    if (points.empty()) return empty_note("No customer values to plot.");
    const Json* network = find(value, "network");
    const auto bound =
        network ? optional_number(*network, "error_bound", path + ".network") : std::nullopt;
    const double shown = static_cast<double>(points.size());
    const double not_plotted = optional_number(value, "opted_out_not_plotted", path).value_or(0);
    const double plottable = quadrants.customers - std::max(0.0, not_plotted);
    return quadrant_figure(
        points, scale, colour_of, quadrants.names,
        plottable > shown
            ? fmt::format("A sample of {} of the {} customers{}", whole(shown), whole(plottable),
                          not_plotted > 0 ? " who have not opted out" : "")
            : fmt::format("{} customers", whole(shown)),
        (bound ? fmt::format(" Network values are estimates, each within {} of the truth with "
                             "high probability.",
                             amount(*bound))
               : std::string()) +
            (not_plotted > 0 ? fmt::format(" The {} customer{} who opted out {} not plotted (the "
                                           "quadrant table counts them).",
                                           whole(not_plotted), not_plotted == 1 ? "" : "s",
                                           not_plotted == 1 ? "is" : "are")
                             : std::string()));
}

// The top customers by influence-weighted value; "" when the summary lists none.
std::string top_table(const Json& value, const std::string& path, const ValueScale& scale,
                      const QuadrantColours& colour_of) {
    const std::vector<ValuePoint> top = read_value_points(value, "top", scale);
    if (top.empty()) return "";
    std::string table =
        "<table>\n<caption>Top customers by influence-weighted value</caption>\n<thead><tr>"
        "<th class=\"num\">#</th><th>customer</th><th>quadrant</th><th class=\"num\">own</th>"
        "<th class=\"num\">network</th><th class=\"num\">referral</th>"
        "<th class=\"num\">total</th></tr></thead>\n<tbody>\n";
    const std::size_t shown = std::min(top.size(), kMaxTableRows);
    for (std::size_t index = 0; index < shown; ++index) {
        const ValuePoint& p = top[index];
        table += fmt::format(
            "<tr><td class=\"num\">{}</td><td>{}</td><td class=\"nowrap\">{}{}</td><td "
            "class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td "
            "class=\"num\"><b>{}</b></td></tr>\n",
            p.rank ? whole(*p.rank) : whole(static_cast<double>(index + 1)),
            customer_cell(p.name, p.id),
            p.quadrant.empty()
                ? ""
                : fmt::format("<span class=\"swatch\" style=\"background:{}\"></span>",
                              colour_of(p.quadrant)),
            shortened(quadrant_label(p.quadrant), 12), amount(p.own), amount(p.network),
            amount(p.referral), amount(p.total));
    }
    return table + table_end(shown, top.size(), "customers") +
           opted_out_note(value, "opted_out_not_listed", path, "listed among them", true);
}

}  // namespace

Section value_section(const Json& value) {
    const std::string path = "value";
    Section section{"value", "Customer value and influence", ""};
    const ValueScale scale = read_scale(value, path);
    section.html = intro(scale);
    const Quadrants quadrants = read_quadrants(value, path);
    const QuadrantColours colour_of(quadrants.names);
    section.html += "<div class=\"split\">\n" +
                    points_figure(value, path, scale, quadrants, colour_of) + "<div>" +
                    quadrants.table + "</div>\n</div>\n";
    section.html += top_table(value, path, scale, colour_of);
    return section;
}

}  // namespace catena::html
