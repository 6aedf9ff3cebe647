// The Campaign seeds section: the seed customers chosen, the simulated campaign, and the seed
// strategies compared as the campaign grows (a line per strategy and a table at the largest k).
#include <algorithm>

#include <fmt/format.h>

#include "format.hpp"
#include "palette.hpp"
#include "sections.hpp"
#include "svg.hpp"

namespace catena::html {
namespace {

std::string seeds_part(const Json& seeds) {
    const std::string path = "seeds";
    std::string out;
    const Json& list = array(seeds, "seeds", path);
    const auto k = optional_number(seeds, "k", path);
    const std::string objective = optional_text(seeds, "objective", path).value_or("customers");
    const bool value_objective = objective == "value";
    const auto estimated = optional_number(seeds, "estimated_spread", path);
    const auto simulated = optional_number(seeds, "simulated_spread", path);
    const auto expected_value = optional_number(seeds, "expected_value", path);
    const auto certified = optional_number(seeds, "certified_approximation", path);
    const auto guarantee = optional_number(seeds, "approximation", path);
    const auto budget = optional_number(seeds, "budget", path);
    const auto spent = optional_number(seeds, "spent", path);
    const double chosen = static_cast<double>(list.size());
    // Reach and gains are customers, or value when the seeds maximise value.
    const auto reach_text = [&](double reach) {
        return value_objective ? amount(reach) : tenths(reach);
    };
    std::vector<Card> items;
    items.push_back({"seed customers", whole(k.value_or(chosen)), ""});
    if (simulated || estimated)
        items.push_back({value_objective ? "expected value reached" : "expected customers reached",
                         reach_text(simulated.value_or(estimated.value_or(0))),
                         simulated && estimated
                             ? "estimate before simulation: " + reach_text(*estimated)
                             : ""});
    if (expected_value && !value_objective)
        items.push_back({"expected value reached", amount(*expected_value), ""});
    if (budget && *budget > 0 && spent)
        items.push_back({"spent of the budget", amount(*spent), "budget " + amount(*budget)});
    if (certified)
        items.push_back({"of the best possible reach", "≥ " + percent(*certified),
                         guarantee ? "guaranteed at least " + percent(*guarantee) : ""});
    const char* reached = value_objective ? "value" : "customers";
    out += fmt::format(
        "<p>The {} customers to start a referral campaign with, chosen to maximise the expected {} "
        "reached as their influence spreads (Independent Cascade or Linear Threshold simulation). "
        "Each seed's gain is the extra {} it adds to those chosen before it.</p>\n",
        whole(k.value_or(chosen)), value_objective ? "value" : "number of customers", reached);
    out += cards(items);
    if (list.empty()) return out + empty_note("No seed customers were chosen.");
    std::string table = fmt::format(
        "<table>\n<caption>Seed customers in the order chosen (gain: the {} each adds)</caption>\n"
        "<thead><tr><th class=\"num\">#</th><th>customer</th><th>segment</th><th "
        "class=\"num\">gain</th>{}</tr></thead>\n<tbody>\n",
        reached, column_headers(list.empty() ? nullptr : &list[0]));
    const std::size_t shown = std::min(list.size(), kMaxTableRows);
    for (std::size_t index = 0; index < shown; ++index) {
        const Json& item = list[index];
        const std::string item_path = index_path(path + ".seeds", index);
        const auto gain = optional_number(item, "marginal_estimate", item_path);
        table += fmt::format(
            "<tr><td class=\"num\">{}</td><td>{}</td><td class=\"nowrap\">{}</td>"
            "<td class=\"num\">{}</td>{}</tr>\n",
            whole(number(item, "order", item_path)),
            customer_cell(text(item, "name", item_path), text(item, "id", item_path), 13),
            shortened(optional_text(item, "segment", item_path).value_or(""), 11),
            gain ? reach_text(*gain) : "–", column_cells(&item, item_path));
    }
    return out + table + table_end(shown, list.size(), "seeds");
}

// One strategy of the comparison: expected reach for k = 1, 2, ..., its standard error and the
// value reached.
struct Curve {
    std::string name;
    std::vector<double> spread, error, value;
};

struct Comparison {
    std::vector<Curve> curves;
    std::size_t k = 0;  // the longest curve
    double max_spread = 0, max_error = 0;
};

Comparison read_comparison(const Json& compare, const std::string& path) {
    const Json& strategies = array(compare, "strategies", path);
    Comparison out;
    for (std::size_t index = 0; index < strategies.size(); ++index) {
        const Json& item = strategies[index];
        const std::string item_path = index_path(path + ".strategies", index);
        Curve curve{text(item, "name", item_path), numbers(item, "expected_spread", item_path),
                    numbers(item, "standard_error", item_path),
                    numbers(item, "expected_value", item_path)};
        if (!find(item, "expected_spread")) malformed(item_path + ".expected_spread", "missing");
        out.k = std::max(out.k, curve.spread.size());
        for (const double s : curve.spread) out.max_spread = std::max(out.max_spread, s);
        for (const double e : curve.error) out.max_error = std::max(out.max_error, e);
        out.curves.push_back(std::move(curve));
    }
    return out;
}

LineChart spread_chart(const Comparison& comparison) {
    LineChart chart;
    chart.id = "chart-spread";
    chart.title = "Expected customers reached as the number of seeds grows";
    chart.desc = fmt::format(
        "Line chart, one line per strategy ({}): expected customers reached for 1 to {} seeds.",
        comparison.curves.size(), comparison.k);
    chart.x_title = "Number of seed customers (k)";
    chart.y_title = "Expected customers reached";
    chart.points = comparison.k;
    for (std::size_t index = 0; index < comparison.curves.size(); ++index) {
        const Curve& curve = comparison.curves[index];
        LineSeries line{escape(strategy_label(curve.name)),
                        strategy_colour(curve.name, index),
                        curve.spread,
                        {}};
        for (std::size_t point = 0; point < curve.spread.size(); ++point)
            line.tooltips.push_back(fmt::format(
                "{}, k = {}: {} customers{}", line.label, point + 1, tenths(curve.spread[point]),
                point < curve.error.size() ? " ± " + tenths(curve.error[point]) : ""));
        chart.lines.push_back(std::move(line));
    }
    return chart;
}

// Reach and value at the largest k, relative to the best strategy.
std::string comparison_table(const Comparison& comparison) {
    const std::size_t k = comparison.k;
    double best = 0;
    bool any_value = false;
    for (const Curve& curve : comparison.curves) {
        if (!curve.spread.empty()) best = std::max(best, curve.spread.back());
        any_value = any_value || !curve.value.empty();
    }
    std::string table = fmt::format(
        "<table>\n<caption>With {} seeds</caption>\n<thead><tr><th>strategy</th>"
        "<th class=\"num\">customers</th>{}<th class=\"num\">vs. best</th></tr></thead>\n<tbody>\n",
        whole(static_cast<double>(k)), any_value ? "<th class=\"num\">value</th>" : "");
    for (std::size_t index = 0; index < comparison.curves.size(); ++index) {
        const Curve& curve = comparison.curves[index];
        const bool complete = curve.spread.size() == k;
        const double reach = curve.spread.empty() ? 0 : curve.spread.back();
        table += fmt::format(
            "<tr><td class=\"nowrap\"><span class=\"swatch\" style=\"background:{}\"></span>{}</td>"
            "<td class=\"num\">{}{}</td>{}<td class=\"num\">{}</td></tr>\n",
            strategy_colour(curve.name, index), escape(strategy_label(curve.name)),
            complete ? tenths(reach) : "–",
            complete && curve.error.size() == k
                ? " <span class=\"muted\">± " + tenths(curve.error.back()) + "</span>"
                : "",
            any_value ? fmt::format("<td class=\"num\">{}</td>", complete && curve.value.size() == k
                                                                     ? amount(curve.value.back())
                                                                     : "–")
                      : "",
            complete && best > 0 ? percent(reach / best) : "–");
    }
    return table + "</tbody>\n</table>\n";
}

std::string compare_part(const Json& compare) {
    const std::string path = "compare";
    const Comparison comparison = read_comparison(compare, path);
    const auto simulations = optional_number(compare, "simulations", path);
    std::string out = fmt::format(
        "<h3>Seed strategies as the campaign grows</h3>\n<p>Each strategy picks 1 to {} seed "
        "customers; the same simulator{} judges them all, so the lines compare like with "
        "like.</p>\n",
        whole(static_cast<double>(comparison.k)),
        simulations ? fmt::format(" ({} runs per point)", whole(*simulations)) : "");
    if (comparison.curves.empty() || comparison.k == 0)
        return out + empty_note("No strategies were compared.");
    const LineChart chart = spread_chart(comparison);
    const double axis_max = nice_ticks(comparison.max_spread, 5).back();
    const double max_error = comparison.max_error;
    const std::string caption = fmt::format(
        "<figcaption>Higher is better. Each point is the mean over the simulations{}.</figcaption>",
        max_error <= 0 ? ""
        : max_error < 0.01 * axis_max
            ? fmt::format("; its standard error is at most {} customers, too small to draw",
                          tenths(max_error))
            : fmt::format("; its standard error is at most {} customers", tenths(max_error)));
    return out + "<figure>" + line_chart(chart) + line_legend(chart) + caption + "</figure>\n" +
           comparison_table(comparison);
}

// The simulated campaign: who it was seeded at, how far it reached.
std::string simulate_part(const Json& simulate) {
    const std::string path = "simulate";
    std::string ids;
    if (const Json* list = find_list(simulate, "seeds", path)) {
        for (const Json& id : *list) {
            if (!id.is_string()) malformed(path + ".seeds", "expected a list of ids");
            ids += (ids.empty() ? "" : ", ") + shortened(id.get<std::string>(), 9);
        }
    }
    const auto spread = optional_number(simulate, "expected_spread", path);
    const auto error = optional_number(simulate, "standard_error", path);
    const auto value = optional_number(simulate, "expected_value", path);
    return fmt::format(
        "<h3>Simulated campaign</h3>\n<p>Seeded at {}: {} customers reached{}{}.</p>\n",
        ids.empty() ? "the job's customers" : ids, spread ? tenths(*spread) : "–",
        error ? " (± " + tenths(*error) + ")" : "", value ? ", worth " + amount(*value) : "");
}

}  // namespace

Section campaign_section(const Json* seeds, const Json* compare, const Json* simulate) {
    Section section{"seeds", "Campaign seeds", ""};
    std::string left = seeds ? seeds_part(*seeds) : "";
    if (simulate) left += simulate_part(*simulate);
    const std::string right = compare ? compare_part(*compare) : "";
    section.html = left.empty() || right.empty() ? left + right
                                                 : "<div class=\"split\">\n<div>" + left +
                                                       "</div>\n<div>" + right + "</div>\n</div>\n";
    return section;
}

}  // namespace catena::html
