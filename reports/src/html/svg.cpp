#include "svg.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "format.hpp"
#include "palette.hpp"

namespace catena::html {
namespace {

// A vertical line from y1 to y2 at x with its label centred under it at label_y: a grid line
// (`line_class` "grid") or a tick mark ("tickmark").
std::string x_tick(const char* line_class, double x, double y1, double y2, double label_y,
                   const std::string& label) {
    return fmt::format(
        "<line class=\"{0}\" x1=\"{1}\" x2=\"{1}\" y1=\"{2}\" y2=\"{3}\"/>"
        "<text class=\"tick\" x=\"{1}\" y=\"{4}\" text-anchor=\"middle\">{5}</text>\n",
        line_class, f1(x), f1(y1), f1(y2), f1(label_y), label);
}

// A horizontal grid line at y from x1 to x2 with its label left of it.
std::string y_tick(double y, double x1, double x2, const std::string& label) {
    return fmt::format(
        "<line class=\"grid\" x1=\"{0}\" x2=\"{1}\" y1=\"{2}\" y2=\"{2}\"/>"
        "<text class=\"tick\" x=\"{3}\" y=\"{4}\" text-anchor=\"end\">{5}</text>\n",
        f1(x1), f1(x2), f1(y), f1(x1 - 6), f1(y + 4), label);
}

std::string linear_label(const std::vector<double>& ticks, double tick) {
    return tick_label(tick, ticks.size() > 1 ? ticks[1] : 1, ticks.back());
}

// Vertical grid lines for a value axis from x0 (0) to x0 + length (the last tick).
std::string x_grid(const std::vector<double>& ticks, double x0, double length, double y1, double y2,
                   double label_y) {
    std::string out;
    for (const double tick : ticks)
        out += x_tick("grid", x0 + length * tick / ticks.back(), y1, y2, label_y,
                      linear_label(ticks, tick));
    return out;
}

// Horizontal grid lines for a value axis from top + height (0) up to top (the last tick).
std::string y_grid(const std::vector<double>& ticks, double left, double width, double top,
                   double height) {
    std::string out;
    for (const double tick : ticks)
        out += y_tick(top + height * (1 - tick / ticks.back()), left, left + width,
                      linear_label(ticks, tick));
    return out;
}

// The title over a bar chart's panel.
std::string panel_title(double x, const std::string& title) {
    return fmt::format(
        "<text class=\"axis-title\" x=\"{}\" y=\"14\" text-anchor=\"middle\">{}</text>\n", f1(x),
        title);
}

std::string x_axis_title(double x, double y, const std::string& title) {
    return fmt::format(
        "<text class=\"axis-title\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n", f1(x),
        f1(y), title);
}

std::string y_axis_title(double y, const std::string& title) {
    return fmt::format(
        "<text class=\"axis-title\" transform=\"translate(14 {}) rotate(-90)\" "
        "text-anchor=\"middle\">{}</text>\n",
        f1(y), title);
}

// The x axis line under a plot of `width` x `height` at (left, top), and both axis titles.
std::string axes(double left, double width, double top, double height, double svg_height,
                 const std::string& x_title, const std::string& y_title) {
    return fmt::format("<line class=\"axis\" x1=\"{0}\" x2=\"{1}\" y1=\"{2}\" y2=\"{2}\"/>\n",
                       f1(left), f1(left + width), f1(top + height)) +
           x_axis_title(left + width / 2, svg_height - 8, x_title) +
           y_axis_title(top + height / 2, y_title);
}

std::string row_label(double x, double y, const std::string& label) {
    return fmt::format("<text class=\"label\" x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>",
                       f1(x), f1(y), label);
}

std::string bar_rect(double x, double y, double width, double height, const char* colour,
                     const std::string& tooltip) {
    return fmt::format(
        "<rect class=\"bar\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\" rx=\"2\">"
        "<title>{}</title></rect>",
        f1(x), f1(y), f1(width), f1(height), colour, tooltip);
}

std::string dash_attribute(std::size_t index) {
    const char* dash = dash_pattern(index);
    return *dash ? fmt::format(" stroke-dasharray=\"{}\"", dash) : "";
}

}  // namespace

// --- Primitives ----------------------------------------------------------------------------------

std::string f1(double value) { return fmt::format("{:.1f}", value); }

std::string svg_open(const std::string& id, double width, double height, const std::string& title,
                     const std::string& description) {
    return fmt::format(
        "<svg class=\"chart\" id=\"{0}\" role=\"img\" aria-labelledby=\"{0}-title {0}-desc\" "
        "viewBox=\"0 0 {1} {2}\" width=\"{1}\" height=\"{2}\">\n<title "
        "id=\"{0}-title\">{3}</title>\n"
        "<desc id=\"{0}-desc\">{4}</desc>\n",
        id, f1(width), f1(height), title, description);
}

std::string marker(std::size_t shape, double x, double y, const char* colour,
                   const std::string& tooltip) {
    const std::string t = "<title>" + tooltip + "</title>";
    switch (shape % 5) {
        case 0:
            return fmt::format(
                "<circle class=\"marker\" cx=\"{}\" cy=\"{}\" r=\"4\" fill=\"{}\">{}</circle>",
                f1(x), f1(y), colour, t);
        case 1:
            return fmt::format(
                "<rect class=\"marker\" x=\"{}\" y=\"{}\" width=\"7.5\" height=\"7.5\" "
                "fill=\"{}\">{}</rect>",
                f1(x - 3.75), f1(y - 3.75), colour, t);
        case 2:
            return fmt::format(
                "<path class=\"marker\" d=\"M{} {}l4.5 8h-9z\" fill=\"{}\">{}</path>", f1(x),
                f1(y - 5), colour, t);
        case 3:
            return fmt::format(
                "<path class=\"marker\" d=\"M{} {}l4.5 4.5l-4.5 4.5l-4.5-4.5z\" "
                "fill=\"{}\">{}</path>",
                f1(x), f1(y - 4.5), colour, t);
        default:
            return fmt::format(
                "<path class=\"marker\" d=\"M{} {}l7 7M{} {}l-7 7\" stroke=\"{}\" "
                "stroke-width=\"2.2\" "
                "fill=\"none\">{}</path>",
                f1(x - 3.5), f1(y - 3.5), f1(x + 3.5), f1(y - 3.5), colour, t);
    }
}

const char* dash_pattern(std::size_t index) {
    static const char* const patterns[] = {"", "6 3", "2 3", "8 3 2 3", "3 3"};
    return patterns[index % 5];
}

std::vector<double> nice_ticks(double max, int target) {
    if (!(max > 0) || !std::isfinite(max)) max = 1;
    const double rough = max / target;
    const double magnitude = std::pow(10, std::floor(std::log10(rough)));
    double step = magnitude * 10;
    for (const double factor : {1.0, 2.0, 2.5, 5.0, 10.0}) {
        if (magnitude * factor >= rough) {
            step = magnitude * factor;
            break;
        }
    }
    std::vector<double> ticks;
    for (int index = 0;; ++index) {
        ticks.push_back(step * index);
        if (step * index >= max * (1 - 1e-9)) break;
    }
    return ticks;
}

LogAxis LogAxis::fit(const std::vector<double>& values, std::optional<double> threshold) {
    double max = threshold.value_or(0), min_positive = threshold.value_or(0);
    for (const double v : values) {
        max = std::max(max, v);
        if (v > 0 && (min_positive <= 0 || v < min_positive)) min_positive = v;
    }
    LogAxis axis;
    axis.high = std::max(1, static_cast<int>(std::ceil(std::log10(1 + max) - 1e-9)));
    if (min_positive >= 10)
        axis.low = std::min(axis.high - 1, static_cast<int>(std::floor(std::log10(min_positive))));
    for (const double v : values) {
        if (std::log10(1 + std::max(0.0, v)) >= axis.low) continue;
        axis.clamped = true;
        axis.clamped_positive = axis.clamped_positive || v > 0;
    }
    return axis;
}

double LogAxis::fraction(double v) const {
    const double scaled = std::max<double>(low, std::log10(1 + std::max(0.0, v)));
    return (scaled - low) / (high - low);
}

std::string LogAxis::label(int exponent) const {
    return exponent == 0 ? "0" : power_label(exponent);
}

std::string LogAxis::clamped_note(std::string_view what, std::string_view axis_name) const {
    if (!clamped) return "";
    if (!clamped_positive)
        return fmt::format(" Customers with no {} sit on the {} axis.", what, axis_name);
    return fmt::format(" Customers with {} under {} sit on the {} axis.", what, power_label(low),
                       axis_name);
}

// --- Charts --------------------------------------------------------------------------------------

std::string bar_chart(const BarChart& chart) {
    const double width = 420, label_width = 150, right = 62, top_margin = 28, row_height = 30;
    const double plot = width - label_width - right;
    const double height = top_margin + row_height * static_cast<double>(chart.bars.size()) + 30;
    double max_value = 0;
    for (const Bar& bar : chart.bars) max_value = std::max(max_value, bar.value);
    const std::vector<double> ticks = nice_ticks(max_value, 4);
    const double axis_max = ticks.back();
    std::string svg = svg_open(chart.id, width, height, chart.title, chart.desc);
    svg += x_grid(ticks, label_width, plot, top_margin - 6, height - 24, height - 8);
    svg += panel_title(label_width + plot / 2, chart.axis_title);
    for (std::size_t index = 0; index < chart.bars.size(); ++index) {
        const Bar& bar = chart.bars[index];
        const double y = top_margin + row_height * static_cast<double>(index);
        const double length = axis_max > 0 ? plot * std::max(0.0, bar.value) / axis_max : 0;
        svg += row_label(label_width - 8, y + row_height / 2 + 4.5, bar.label) +
               bar_rect(label_width, y + 6, length, row_height - 12, kBar, bar.tooltip) +
               fmt::format("<text class=\"value\" x=\"{}\" y=\"{}\">{}</text>\n",
                           f1(label_width + length + 5), f1(y + row_height / 2 + 4.5),
                           bar.value_label);
    }
    return svg + "</svg>\n";
}

std::string paired_bar_chart(const PairedBarChart& chart) {
    const double width = 520, label_width = 112, gap = 24, right = 12, top_margin = 34;
    const double row_height = 22;
    const double panels = static_cast<double>(chart.series.size());
    const double panel = (width - label_width - right - gap * (panels - 1)) / panels;
    const double height = top_margin + row_height * static_cast<double>(chart.labels.size()) + 28;
    std::vector<std::vector<double>> ticks;
    std::string svg = svg_open(chart.id, width, height, chart.title, chart.desc);
    for (std::size_t series = 0; series < chart.series.size(); ++series) {
        double max_value = 0;
        for (const double value : chart.series[series].values)
            max_value = std::max(max_value, value);
        ticks.push_back(nice_ticks(max_value, 3));
        const double x0 = label_width + static_cast<double>(series) * (panel + gap);
        svg += panel_title(x0 + panel / 2, chart.series[series].axis_title);
        svg += x_grid(ticks.back(), x0, panel, top_margin - 6, height - 22, height - 8);
    }
    for (std::size_t row = 0; row < chart.labels.size(); ++row) {
        const double y = top_margin + row_height * static_cast<double>(row);
        for (std::size_t series = 0; series < chart.series.size(); ++series) {
            const BarSeries& bars = chart.series[series];
            const double x0 = label_width + static_cast<double>(series) * (panel + gap);
            const double length = panel * std::max(0.0, bars.values[row]) / ticks[series].back();
            if (series == 0)
                svg += row_label(label_width - 8, y + row_height / 2 + 4.5, chart.labels[row]);
            svg +=
                bar_rect(x0, y + 4, length, row_height - 8, bars.colour, bars.tooltips[row]) + "\n";
        }
    }
    return svg + "</svg>\n";
}

std::string column_chart(const ColumnChart& chart) {
    const double width = 520, height = 300, left = 54, right = 14, top = 22, bottom = 46;
    const double plot_w = width - left - right, plot_h = height - top - bottom;
    double max_value = 0;
    for (const Bar& column : chart.columns) max_value = std::max(max_value, column.value);
    const std::vector<double> ticks = nice_ticks(max_value, 5);
    const double axis_max = ticks.back();
    const double slot = plot_w / static_cast<double>(chart.columns.size());
    const double bar_w = std::min(slot * 0.72, 60.0);
    std::string svg = svg_open(chart.id, width, height, chart.title, chart.desc);
    svg += y_grid(ticks, left, plot_w, top, plot_h);
    for (std::size_t index = 0; index < chart.columns.size(); ++index) {
        const Bar& column = chart.columns[index];
        const double center = left + slot * (static_cast<double>(index) + 0.5);
        const double bar_h = plot_h * std::max(0.0, column.value) / axis_max;
        svg +=
            bar_rect(center - bar_w / 2, top + plot_h - bar_h, bar_w, bar_h, kBar, column.tooltip) +
            fmt::format(
                "<text class=\"value\" x=\"{0}\" y=\"{1}\" text-anchor=\"middle\">{2}</text>"
                "<text class=\"tick\" x=\"{0}\" y=\"{3}\" text-anchor=\"middle\">{4}</text>\n",
                f1(center), f1(top + plot_h - bar_h - 5), column.value_label, f1(top + plot_h + 16),
                column.label);
    }
    svg += axes(left, plot_w, top, plot_h, height, chart.x_title, chart.y_title);
    return svg + "</svg>\n";
}

std::string line_chart(const LineChart& chart) {
    const double width = 520, height = 360, left = 54, right = 14, top = 14, bottom = 46;
    const double plot_w = width - left - right, plot_h = height - top - bottom;
    const std::size_t k = chart.points;
    double max_value = 0;
    for (const LineSeries& line : chart.lines)
        for (const double v : line.values) max_value = std::max(max_value, v);
    const std::vector<double> ticks = nice_ticks(max_value, 5);
    const double axis_max = ticks.back();
    const auto x_of = [&](std::size_t point) {
        return k == 1 ? left + plot_w / 2
                      : left + plot_w * static_cast<double>(point - 1) / static_cast<double>(k - 1);
    };
    const auto y_of = [&](double v) { return top + plot_h * (1 - std::max(0.0, v) / axis_max); };
    std::string svg = svg_open(chart.id, width, height, chart.title, chart.desc);
    svg += y_grid(ticks, left, plot_w, top, plot_h);
    const std::size_t x_step =
        k <= 12   ? 1
        : k <= 30 ? 5
                  : static_cast<std::size_t>(nice_ticks(static_cast<double>(k), 6)[1]);
    for (std::size_t point = 1; point <= k; ++point)
        if (point == 1 || point % x_step == 0)
            svg += x_tick("tickmark", x_of(point), top + plot_h, top + plot_h + 5,
                          top + plot_h + 18, std::to_string(point));
    svg += axes(left, plot_w, top, plot_h, height, chart.x_title, chart.y_title);
    // Draw in reverse so that the first line is on top.
    for (std::size_t reverse = chart.lines.size(); reverse-- > 0;) {
        const LineSeries& line = chart.lines[reverse];
        std::string coordinates;
        for (std::size_t index = 0; index < line.values.size(); ++index)
            coordinates += fmt::format("{}{},{}", index ? " " : "", f1(x_of(index + 1)),
                                       f1(y_of(line.values[index])));
        svg += fmt::format(
            "<polyline class=\"line\" points=\"{}\" fill=\"none\" stroke=\"{}\" "
            "stroke-width=\"{}\"{}><title>{}</title></polyline>\n",
            coordinates, line.colour, reverse == 0 ? "2.6" : "1.8", dash_attribute(reverse),
            line.label);
        for (std::size_t index = 0; index < line.values.size(); ++index)
            svg += marker(reverse, x_of(index + 1), y_of(line.values[index]), line.colour,
                          line.tooltips[index]) +
                   "\n";
    }
    return svg + "</svg>\n";
}

std::string line_legend(const LineChart& chart) {
    std::string legend = "<div class=\"legend\">";
    for (std::size_t index = 0; index < chart.lines.size(); ++index) {
        const LineSeries& line = chart.lines[index];
        // The legend's markers are not data: another class and no tooltip.
        std::string key = marker(index, 15, 6, line.colour, "");
        key.replace(key.find("class=\"marker\""), 14, "class=\"key-marker\"");
        const auto title = key.find("<title></title>");
        if (title != std::string::npos) key.erase(title, 15);
        legend += fmt::format(
            "<span><svg class=\"key\" width=\"30\" height=\"12\" viewBox=\"0 0 30 12\" "
            "aria-hidden=\"true\"><line x1=\"1\" x2=\"29\" y1=\"6\" y2=\"6\" stroke=\"{}\" "
            "stroke-width=\"2.2\"{}/>{}</svg>{}</span>",
            line.colour, dash_attribute(index), key, line.label);
    }
    return legend + "</div>\n";
}

std::string scatter_chart(const ScatterChart& chart) {
    const double width = 520, height = 440, left = 62, right = 14, top = 16, bottom = 52;
    const double plot_w = width - left - right, plot_h = height - top - bottom;
    const auto x_of = [&](double v) { return left + plot_w * chart.x_axis.fraction(v); };
    const auto y_of = [&](double v) { return top + plot_h * (1 - chart.y_axis.fraction(v)); };
    std::string svg = svg_open(chart.id, width, height, chart.title, chart.desc);
    // Grid lines at 0 and at each power of ten.
    for (int exponent = chart.x_axis.low; exponent <= chart.x_axis.high; ++exponent)
        svg += x_tick("grid", x_of(exponent == 0 ? 0 : std::pow(10, exponent)), top, top + plot_h,
                      top + plot_h + 16, chart.x_axis.label(exponent));
    for (int exponent = chart.y_axis.low; exponent <= chart.y_axis.high; ++exponent)
        svg += y_tick(y_of(exponent == 0 ? 0 : std::pow(10, exponent)), left, left + plot_w,
                      chart.y_axis.label(exponent));
    svg += x_axis_title(left + plot_w / 2, height - 10, chart.x_title) +
           y_axis_title(top + plot_h / 2, chart.y_title);
    if (chart.x_threshold && chart.y_threshold) {
        // The corners' names behind the points, and the two threshold lines.
        svg += fmt::format(
            "<text class=\"corner\" x=\"{0}\" y=\"{2}\">{4}</text>"
            "<text class=\"corner\" x=\"{1}\" y=\"{2}\" text-anchor=\"end\">{5}</text>"
            "<text class=\"corner\" x=\"{1}\" y=\"{3}\" text-anchor=\"end\">{6}</text>"
            "<text class=\"corner\" x=\"{0}\" y=\"{3}\">{7}</text>\n",
            f1(left + 6), f1(left + plot_w - 6), f1(top + 14), f1(top + plot_h - 8),
            chart.corners[0], chart.corners[1], chart.corners[2], chart.corners[3]);
        svg += fmt::format(
            "<line class=\"threshold\" x1=\"{0}\" x2=\"{0}\" y1=\"{1}\" y2=\"{2}\"><title>{3}"
            "</title></line>\n"
            "<line class=\"threshold\" x1=\"{4}\" x2=\"{5}\" y1=\"{6}\" y2=\"{6}\"><title>{7}"
            "</title></line>\n",
            f1(x_of(*chart.x_threshold)), f1(top), f1(top + plot_h), chart.x_threshold_tooltip,
            f1(left), f1(left + plot_w), f1(y_of(*chart.y_threshold)), chart.y_threshold_tooltip);
    }
    for (const Point& p : chart.points)
        svg += fmt::format(
            "<circle class=\"point\" cx=\"{}\" cy=\"{}\" r=\"4\" fill=\"{}\"><title>{}</title>"
            "</circle>\n",
            f1(x_of(p.x)), f1(y_of(p.y)), p.colour, p.tooltip);
    return svg + "</svg>\n";
}

}  // namespace catena::html
