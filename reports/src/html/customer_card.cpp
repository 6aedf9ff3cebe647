// A customer's card (the JSON of `catena explain`) as HTML: on a page of its own
// (`catena explain ID --html FILE`) and inside the batch report, where every listed customer links
// to theirs. Self-contained like the report: inline CSS and SVG, no script, in-page anchors only.
#include "customer_card.hpp"

#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "catena/graph/errors.hpp"
#include "catena/reports/html_report.hpp"

#include "format.hpp"
#include "palette.hpp"
#include "svg.hpp"

namespace catena::html {

extern const char* const kReportCss;

namespace {

// A customer on a chain or in a list: "Name id", or "(opted out)" for one who is not named.
std::string who(const Json& item, const std::string& path, const char* id_key, const char* name_key,
                const CardLinks* links = nullptr) {
    const auto id = optional_text(item, id_key, path);
    const std::string name = optional_text(item, name_key, path).value_or("");
    if (!id) return "<span class=\"muted\">(opted out)</span>";
    return customer_cell(name, *id, 16, links);
}

// The customers of the strongest chains, in columns by their number of links from the card's
// customer: those they reach to the right, those who move them to the left. The chains of one
// side come from one shortest-path tree, so they form a tree and are drawn as one.
struct DiagramNode {
    std::string id, name;
    int column = 0;  // links from the centre: + right, - left
    double y = 0.0;
    std::string parent;      // towards the centre ("" for the centre)
    std::string type;        // of the link to the parent
    double probability = 0;  // of that link
    std::vector<std::string> children;
};

using Diagram = std::map<std::string, DiagramNode>;

// Adds one side's chains (at most `limit`) to the tree. `outward`: links run centre -> out.
void add_chains(Diagram& diagram, const Json& list, const std::string& path, bool outward,
                std::size_t limit, const std::string& centre) {
    for (std::size_t index = 0; index < list.size() && index < limit; ++index) {
        const std::string item_path = index_path(path, index);
        const Json& links = array(list[index], "chain", item_path);
        if (links.empty()) continue;
        std::string parent = centre;
        for (std::size_t step = 0; step < links.size(); ++step) {
            // Outward chains are read from the centre; inward ones from the centre backwards.
            const std::size_t at = outward ? step : links.size() - 1 - step;
            const Json& link = links[at];
            const std::string link_path = index_path(join_path(item_path, "chain"), at);
            const char* far_key = outward ? "to" : "from";
            const std::string far_id = optional_text(link, far_key, link_path).value_or("");
            // Keys per side (a customer may both reach and move the centre); an opted-out customer
            // is not named: a key of its own per place in the tree.
            const std::string far =
                (outward ? "r:" : "l:") + (far_id.empty() ? parent + "\n(opted out)" : far_id);
            if (!diagram.count(far)) {
                DiagramNode node;
                node.id = far_id;
                node.name = optional_text(link, outward ? "to_name" : "from_name", link_path)
                                .value_or("(opted out)");
                node.column = (outward ? 1 : -1) * static_cast<int>(step + 1);
                node.parent = parent;
                node.type = text(link, "type", link_path);
                node.probability = number(link, "probability", link_path);
                diagram[far] = node;
                diagram[parent].children.push_back(far);
            }
            parent = far;
        }
    }
}

// Leaves get successive rows; a parent sits at the middle of its children.
double place(Diagram& diagram, const std::string& key, int side, double& next_row) {
    DiagramNode& node = diagram[key];
    std::vector<double> rows;
    for (const std::string& child : node.children)
        if ((diagram[child].column > 0) == (side > 0))
            rows.push_back(place(diagram, child, side, next_row));
    if (rows.empty()) return diagram[key].y = next_row++;
    return diagram[key].y = (rows.front() + rows.back()) / 2.0;
}

std::string chain_diagram(const Json& card, const std::string& anchor) {
    const Json& customer = object(card, "customer", "");
    const std::string centre = text(customer, "id", "customer");
    Diagram diagram;
    diagram[centre].id = centre;
    diagram[centre].name = text(customer, "name", "customer");
    add_chains(diagram, array(object(card, "network", ""), "contributors", "network"),
               "network.contributors", true, 5, centre);
    add_chains(diagram, array(object(card, "moved_by", ""), "influencers", "moved_by"),
               "moved_by.influencers", false, 5, centre);
    if (diagram.size() == 1) return "";
    double right_rows = 0, left_rows = 0;
    // The right side places the centre (a side without chains gives it a row of its own).
    const double centre_row = place(diagram, centre, 1, right_rows);
    place(diagram, centre, -1, left_rows);
    int min_column = 0, max_column = 0;
    for (const auto& [key, node] : diagram) {
        min_column = std::min(min_column, node.column);
        max_column = std::max(max_column, node.column);
    }
    const double rows = std::max({right_rows, left_rows, 1.0});
    const double column_width = 190, row_height = 52, margin = 90;
    const double width = 2 * margin + column_width * (max_column - min_column);
    const double height = rows * row_height + 20;
    const auto x = [&](const DiagramNode& node) {
        return margin + column_width * (node.column - min_column);
    };
    // Each side is centred on the centre's row of that side, shifted to the middle of the picture.
    const auto y = [&](const DiagramNode& node) {
        const double side_rows = node.column >= 0 ? right_rows : left_rows;
        const double offset = (rows - std::max(side_rows, 1.0)) / 2.0;
        return 10 + row_height * (node.y + offset + 0.5);
    };
    DiagramNode& middle = diagram[centre];
    middle.y = centre_row;
    std::string out = svg_open(
        "chain-" + anchor, width, height, "Chains of influence of " + escape(middle.name),
        "The most likely chains of ties: to the right, the customers " + escape(middle.name) +
            " reaches; to the left, those most likely to move them. Each link shows its type and "
            "probability.");
    for (const auto& [key, node] : diagram) {
        if (node.parent.empty()) continue;
        const DiagramNode& parent = diagram.at(node.parent);
        const double parent_y = y(parent);
        out += fmt::format(
            "<line class=\"link\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#9aa4b1\" "
            "stroke-width=\"{}\"><title>{} {}</title></line>\n",
            f1(x(parent)), f1(parent_y), f1(x(node)), f1(y(node)), f1(1 + 4 * node.probability),
            escape(node.type), score(node.probability, 3));
        // The link's label sits nearer its outer end, where links fanning out of one customer
        // have moved apart.
        out += fmt::format(
            "<text class=\"value\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{} {}</text>\n",
            f1(0.35 * x(parent) + 0.65 * x(node)), f1(0.35 * parent_y + 0.65 * y(node) - 5),
            shortened_plain(node.type, 7), score(node.probability, 2));
    }
    for (const auto& [key, node] : diagram) {
        const double node_y = y(node);
        out += fmt::format(
            "<circle class=\"point\" cx=\"{}\" cy=\"{}\" r=\"{}\" fill=\"{}\"><title>{} {}</title>"
            "</circle>\n<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n",
            f1(x(node)), f1(node_y), key == centre ? 9 : 6, key == centre ? kValueBar : kBar,
            escape(node.name), escape(node.id), f1(x(node)), f1(node_y + 19),
            shortened_plain(node.name.empty() ? node.id : node.name, 9));
    }
    return "<figure>" + out + "</svg>\n<figcaption>The strongest chains of ties: whom " +
           escape(middle.name) +
           " reaches (right) and who moves them (left).</figcaption></figure>\n";
}

std::string scores_table(const Json& card) {
    const Json& scores = array(card, "scores", "");
    std::string out =
        "<table class=\"compact\"><thead><tr><th>Measure</th><th class=\"num\">Score</th><th "
        "class=\"num\">Rank</th><th class=\"num\">Top</th></tr></thead><tbody>\n";
    for (std::size_t index = 0; index < scores.size(); ++index) {
        const std::string path = index_path("scores", index);
        const double percentile = number(scores[index], "percentile", path);
        const auto note = optional_text(scores[index], "note", path);
        out += fmt::format(
            "<tr><td>{}{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td "
            "class=\"num\">{}</td></tr>\n",
            escape(measure_label(text(scores[index], "measure", path))),
            note ? " <span class=\"note\">(" + escape(*note) + ")</span>" : "",
            score(number(scores[index], "score", path)), whole(number(scores[index], "rank", path)),
            percent(1.0 - percentile / 100.0));
    }
    return out + "</tbody></table>\n";
}

std::string chain_cell(const Json& item, const std::string& path, const CardLinks* links) {
    const Json& chain = array(item, "chain", path);
    if (chain.empty()) return "<span class=\"muted\">none</span>";
    std::string out;
    for (std::size_t index = 0; index < chain.size(); ++index) {
        const std::string link_path = index_path(join_path(path, "chain"), index);
        if (index == 0) out += who(chain[index], link_path, "from", "from_name", links);
        out += fmt::format(" <span class=\"muted\">→ {} {} →</span> ",
                           escape(text(chain[index], "type", link_path)),
                           score(number(chain[index], "probability", link_path), 2));
        out += who(chain[index], link_path, "to", "to_name", links);
    }
    return out + fmt::format(" <span class=\"note\">({})</span>",
                             score(number(item, "chain_probability", path), 3));
}

// Contributors (`reach`) or influencers, each with their chain.
std::string people_table(const Json& part, const char* key, const std::string& path, bool reach,
                         const CardLinks* links) {
    const Json& list = array(part, key, path);
    if (list.empty())
        return empty_note(reach ? "A campaign seeded here alone reaches nobody with own value."
                                : "No relationship leads to this customer.");
    std::string out = fmt::format(
        "<div class=\"table-wrap\"><table><thead><tr><th>Customer</th><th "
        "class=\"num\">Probability</th>{}<th>Direct tie</th><th>Most likely chain</th></tr>"
        "</thead><tbody>\n",
        reach ? "<th class=\"num\">Own value</th><th class=\"num\">Contributes</th>" : "");
    for (std::size_t index = 0; index < list.size(); ++index) {
        const Json& item = list[index];
        const std::string item_path = index_path(join_path(path, key), index);
        out += fmt::format("<tr><td>{}</td><td class=\"num\">{}</td>",
                           who(item, item_path, "id", "name", links),
                           score(number(item, "probability", item_path), 3));
        if (reach)
            out += fmt::format("<td class=\"num\">{}</td><td class=\"num\">{} ({})</td>",
                               amount(number(item, "own_value", item_path)),
                               amount(number(item, "value_contributed", item_path)),
                               percent(number(item, "share", item_path)));
        out += fmt::format("<td>{}</td><td>{}</td></tr>\n",
                           escape(optional_text(item, "relationship", item_path).value_or("—")),
                           chain_cell(item, item_path, links));
    }
    return out + "</tbody></table></div>\n";
}

std::string referral_part(const Json& card, const CardLinks* links) {
    const Json& referrals = object(card, "referrals", "");
    std::string out;
    const Json& up = array(referrals, "referred_by", "referrals");
    if (up.empty()) {
        out += "<p>Referred by nobody: a root of the referral forest.</p>\n";
    } else {
        out += "<p>Referred by ";
        for (std::size_t index = 0; index < up.size(); ++index)
            out += (index ? ", who was referred by " : "") +
                   who(up[index], index_path("referrals.referred_by", index), "id", "name", links);
        out += ".</p>\n";
    }
    const Json& levels = array(referrals, "levels", "referrals");
    if (levels.empty()) return out + empty_note("They referred nobody.");
    out +=
        "<table class=\"compact\"><thead><tr><th>Level</th><th class=\"num\">Referrals</th><th "
        "class=\"num\">Converted</th><th class=\"num\">Value</th><th>Among them</th></tr></thead>"
        "<tbody>\n";
    for (std::size_t index = 0; index < levels.size(); ++index) {
        const std::string path = index_path("referrals.levels", index);
        const Json& listed = array(levels[index], "listed", path);
        std::string names;
        for (std::size_t at = 0; at < listed.size(); ++at)
            names +=
                (at ? ", " : "") +
                who(listed[at], index_path(join_path(path, "listed"), at), "id", "name", links) +
                (listed[at].value("converted", false) ? ""
                                                      : " <span class=\"note\">(not "
                                                        "converted)</span>");
        out += fmt::format(
            "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td "
            "class=\"num\">{}</td><td>{}</td></tr>\n",
            whole(number(levels[index], "level", path)),
            whole(number(levels[index], "referrals", path)),
            whole(number(levels[index], "converted", path)),
            amount(number(levels[index], "value", path)), names);
    }
    return out + "</tbody></table>\n";
}

std::string value_cards(const Json& card) {
    const Json& value = object(card, "value", "");
    const Json& network = object(card, "network", "");
    const Json& community = object(card, "community", "");
    return cards({
        {"influence-weighted value", amount(number(value, "influence_weighted_value", "value")),
         "rank " + whole(number(value, "rank", "value")) + ", " +
             escape(quadrant_label(text(value, "quadrant", "value")))},
        {"own value", amount(number(value, "own_value", "value")),
         "from " + escape(text(value, "own_value_from", "value"))},
        {"network value", amount(number(value, "network_value", "value")),
         "± " + amount(number(network, "half_width", "network")) + "; simulated " +
             amount(number(network, "breakdown_total", "network")) + " ± " +
             amount(number(network, "breakdown_standard_error", "network"))},
        {"referral value", amount(number(value, "referral_value", "value")), ""},
        {"community", whole(number(community, "id", "community")),
         whole(number(community, "size", "community")) + " customers"},
    });
}

}  // namespace

std::string customer_card(const Json& card, const std::string& anchor, const CardLinks* links,
                          const std::string& back) {
    const Json& customer = object(card, "customer", "");
    const std::string name = text(customer, "name", "customer");
    std::string out = fmt::format(
        "<article class=\"customer-card\" id=\"{}\">\n<h3>{} <span class=\"id\">{}</span></h3>\n",
        anchor, escape(name), escape(text(customer, "id", "customer")));
    if (!back.empty())
        out += fmt::format("<p class=\"note\"><a href=\"#{}\">Back to the report</a></p>\n", back);
    std::string facts = "<dl class=\"facts\">";
    facts += fmt::format("<dt>kind</dt><dd>{}</dd>", escape(text(customer, "kind", "customer")));
    if (const auto segment = optional_text(customer, "segment", "customer");
        segment && !segment->empty())
        facts += fmt::format("<dt>segment</dt><dd>{}</dd>", escape(*segment));
    for (const auto& [key, value] : object(customer, "attributes", "customer").items())
        if (value.is_string() && !value.get<std::string>().empty())
            facts += fmt::format("<dt>{}</dt><dd>{}</dd>", escape(key),
                                 escape(value.get<std::string>()));
    out += facts + "</dl>\n" + value_cards(card);
    out += "<h4>Scores</h4>\n" + scores_table(card);
    out += chain_diagram(card, anchor);
    const Json& network = object(card, "network", "");
    out += "<h4>What their network value is made of</h4>\n" +
           people_table(network, "contributors", "network", true, links);
    out += "<h4>Who moves them</h4>\n" +
           people_table(object(card, "moved_by", ""), "influencers", "moved_by", false, links);
    out += "<h4>Referral tree</h4>\n" + referral_part(card, links);
    return out + "</article>\n";
}

}  // namespace catena::html

namespace catena {

std::string explain_card_page(const nlohmann::ordered_json& card) {
    const html::Json& customer = html::object(card, "customer", "");
    const std::string title = html::text(customer, "name", "customer") + " (" +
                              html::text(customer, "id", "customer") + ")";
    return fmt::format(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        "<title>{} — catena explain</title>\n<style>{}</style>\n</head>\n<body>\n<div "
        "class=\"page\">\n<header class=\"top\"><p class=\"eyebrow\">Why this customer ranks "
        "where they do</p></header>\n<main>\n{}</main>\n<footer>Made by catena explain. This page "
        "is self-contained: it loads nothing from the network.</footer>\n</div>\n</body>\n"
        "</html>\n",
        shortened_plain(title, 60), html::kReportCss,
        html::customer_card(card, "customer-card", nullptr, ""));
}

}  // namespace catena
