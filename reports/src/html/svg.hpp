// SVG for the HTML report: primitives, and the five charts, each drawn by one function from a
// small typed spec.
//
// Every chart is an <svg class="chart" id=ID role="img"> with a <title> and a <desc> (found by
// `aria-labelledby`), a fixed viewBox in px that the style sheet scales down to the page, and data
// marks that carry the class the tests count: `bar`, `point`, `line` (a polyline) or `marker`.
// Each mark has a <title> tooltip. Coordinates are written with one decimal.
//
// Text in the specs (titles, labels, tooltips) is HTML already: the caller escapes what comes
// from the summary. Specs hold what the reader sees; the sizes of each chart are fixed here.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace catena::html {

// --- Primitives ----------------------------------------------------------------------------------

// A coordinate: one decimal.
std::string f1(double value);
// The opening <svg ...><title/><desc/> of a chart `width` x `height` px.
std::string svg_open(const std::string& id, double width, double height, const std::string& title,
                     const std::string& description);
// A data marker of one of five shapes (circle, square, triangle, diamond, cross; `shape` modulo
// 5) centred on (x, y), so that lines stay apart in black-and-white print.
std::string marker(std::size_t shape, double x, double y, const char* colour,
                   const std::string& tooltip);
// The stroke-dasharray of line `index` ("" for a solid line), five patterns in turn.
const char* dash_pattern(std::size_t index);
// Evenly spaced "nice" ticks (1, 2, 2.5, 5 x 10^n) from 0 to at least `max` (1 when `max` is not
// a positive number), about `target` of them.
std::vector<double> nice_ticks(double max, int target = 5);

// A logarithmic axis on log10(1 + v) from 10^low (or 0 when low is 0) to 10^high. `low` skips
// the empty decades below the smallest positive value; values under 10^low (customers with no
// value) are drawn on the axis itself.
struct LogAxis {
    int low = 0, high = 1;
    bool clamped = false;           // some value is drawn on the axis because it is under 10^low
    bool clamped_positive = false;  // ... and some of those are above 0

    // The axis that shows every value and the threshold.
    static LogAxis fit(const std::vector<double>& values, std::optional<double> threshold);
    // 0 at the low end of the axis, 1 at the high end.
    double fraction(double v) const;
    // "0" at the axis' foot when it starts at 0, else the power of ten: 10, 100, 1k ...
    std::string label(int exponent) const;
    // For the caption: who sits on this axis (" Customers with no own value sit on the vertical
    // axis."), or "" when nobody does.
    std::string clamped_note(std::string_view what, std::string_view axis_name) const;
};

// --- Charts --------------------------------------------------------------------------------------

// One bar (or column): its label, its length, its tooltip and an optional text at its end.
struct Bar {
    std::string label;
    double value = 0;
    std::string tooltip;
    std::string value_label;  // "" for none
};

// Horizontal bars, one per row, labels on the left and each value after its bar; the axis from 0
// on top. 420 px wide.
struct BarChart {
    std::string id, title, desc, axis_title;
    std::vector<Bar> bars;
};
std::string bar_chart(const BarChart& chart);

// One series of a paired bar chart: its own panel with its own axis.
struct BarSeries {
    std::string axis_title;
    const char* colour = nullptr;
    std::vector<double> values;         // one per row
    std::vector<std::string> tooltips;  // one per row
};

// Rows of horizontal bars in one or two panels side by side (say size and value of each
// community), each panel with its own axis from 0. 520 px wide.
struct PairedBarChart {
    std::string id, title, desc;
    std::vector<std::string> labels;  // one per row
    std::vector<BarSeries> series;    // one or two
};
std::string paired_bar_chart(const PairedBarChart& chart);

// Vertical columns with their count above and their label under them (a histogram); the value
// axis from 0 on the left. 520 px wide.
struct ColumnChart {
    std::string id, title, desc, x_title, y_title;
    std::vector<Bar> columns;
};
std::string column_chart(const ColumnChart& chart);

// One line of a line chart: its value at x = 1, 2, ... and a tooltip for each point's marker.
struct LineSeries {
    std::string label;
    const char* colour = nullptr;
    std::vector<double> values;
    std::vector<std::string> tooltips;  // one per value
};

// Lines over x = 1 .. `points`, each with a marker of its own shape and its own dash at every
// point; the first line is drawn widest and on top. The y axis from 0. 520 px wide.
struct LineChart {
    std::string id, title, desc, x_title, y_title;
    std::size_t points = 0;
    std::vector<LineSeries> lines;
};
std::string line_chart(const LineChart& chart);
// The HTML legend under a line chart: each line's colour, dash and marker, and its label.
std::string line_legend(const LineChart& chart);

// One point of a scatter chart.
struct Point {
    double x = 0, y = 0;
    const char* colour = nullptr;
    std::string tooltip;
};

// Points on two logarithmic axes; with both thresholds, a dashed line at each and a name in each
// corner behind the points. 520 x 440 px.
struct ScatterChart {
    std::string id, title, desc, x_title, y_title;
    LogAxis x_axis, y_axis;
    std::vector<Point> points;  // drawn in this order: the last on top
    std::optional<double> x_threshold, y_threshold;
    std::string x_threshold_tooltip, y_threshold_tooltip;
    std::array<std::string, 4> corners;  // top left, top right, bottom right, bottom left
};
std::string scatter_chart(const ScatterChart& chart);

}  // namespace catena::html
