// The Top influencers section: the customers the ranking measure puts first, as bars and a table.
#include <algorithm>
#include <optional>

#include <fmt/format.h>

#include "format.hpp"
#include "palette.hpp"
#include "sections.hpp"
#include "svg.hpp"

namespace catena::html {
namespace {

struct Influencer {
    double rank, score;
    std::optional<double> own;
    std::string id, name, kind, segment;
    const Json* item = nullptr;  // for its customer columns
    std::string path;
};

std::vector<Influencer> read_influencers(const Json& top, const std::string& path) {
    std::vector<Influencer> rows;
    for (std::size_t index = 0; index < top.size(); ++index) {
        const Json& item = top[index];
        const std::string item_path = index_path(path + ".top", index);
        rows.push_back({number(item, "rank", item_path), number(item, "score", item_path),
                        optional_number(item, "own_value", item_path), text(item, "id", item_path),
                        text(item, "name", item_path),
                        optional_text(item, "kind", item_path).value_or(""),
                        optional_text(item, "segment", item_path).value_or(""), &item, item_path});
    }
    return rows;
}

// Horizontal bars of the score of the first kMaxBars.
std::string score_chart(const std::vector<Influencer>& rows, const std::string& measure) {
    BarChart chart;
    const std::size_t bars = std::min(rows.size(), kMaxBars);
    chart.id = "chart-influencers";
    chart.title = fmt::format("Top {} influencers by {}", bars, escape(measure));
    chart.desc = fmt::format("Horizontal bars: the {} score of each of the top {} customers.",
                             escape(measure), bars);
    chart.axis_title = escape(capitalised(measure)) + " score";
    for (std::size_t index = 0; index < bars; ++index) {
        const Influencer& row = rows[index];
        chart.bars.push_back(
            {shortened_plain(row.name, 11.5), row.score,
             fmt::format("{} ({}): {}", escape(row.name), escape(row.id), score(row.score)),
             score(row.score)});
    }
    return bar_chart(chart);
}

std::string influencers_table(const std::vector<Influencer>& rows, const std::string& measure) {
    std::string table = fmt::format(
        "<table>\n<thead><tr><th class=\"num\">#</th><th>customer</th><th>segment</th>"
        "<th class=\"num\">{}</th><th class=\"num\">own value</th>{}</tr></thead>\n<tbody>\n",
        escape(measure), column_headers(rows.empty() ? nullptr : rows.front().item));
    const std::size_t shown = std::min(rows.size(), kMaxTableRows);
    for (std::size_t index = 0; index < shown; ++index) {
        const Influencer& row = rows[index];
        // The segment cell's tooltip says the kind (person, business): the segment mostly implies
        // it.
        table += fmt::format(
            "<tr><td class=\"num\">{}</td><td>{}</td><td class=\"nowrap\"{}>{}</td>"
            "<td class=\"num\">{}</td><td class=\"num\">{}</td>{}</tr>\n",
            whole(row.rank), customer_cell(row.name, row.id, 13),
            row.kind.empty() ? "" : fmt::format(" title=\"{}\"", escape(row.kind)),
            shortened(row.segment, 11), score(row.score),
            row.own ? amount(*row.own) : "<span class=\"muted\">—</span>",
            column_cells(row.item, row.path));
    }
    return table + table_end(shown, rows.size(), "influencers");
}

}  // namespace

Section influencers_section(const Json& influencers) {
    const std::string path = "influencers";
    Section section{"influencers", "Top influencers", ""};
    std::string& out = section.html;
    const std::string measure =
        measure_label(optional_text(influencers, "measure", path).value_or("score"));
    const Json& top = array(influencers, "top", path);
    if (top.empty()) {
        out += empty_note("No customer was ranked.");
        return section;
    }
    const std::vector<Influencer> rows = read_influencers(top, path);
    out += fmt::format(
        "<p>The {} customers whose {} score is highest: those whose word travels furthest through "
        "the network of relationships. Own value is what each buys themselves.</p>\n",
        whole(static_cast<double>(rows.size())), escape(measure));
    out += "<div class=\"split narrow-left\">\n<figure>" + score_chart(rows, measure) +
           "<figcaption>Bar length is the customer's share of influence; hover a bar for the exact "
           "score.</figcaption></figure>\n<div class=\"table-wrap\">" +
           influencers_table(rows, measure) + "</div>\n</div>\n";
    out += opted_out_note(influencers, "opted_out_not_listed", path, "listed among them", true);
    return section;
}

}  // namespace catena::html
