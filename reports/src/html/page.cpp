// The page: head with the embedded style sheet, header with the table of contents, the
// highlights, the sections in order, the footer. The contract is in
// catena/reports/html_report.hpp.
#include <fmt/format.h>

#include "catena/graph/errors.hpp"
#include "catena/reports/html_report.hpp"

#include "customer_card.hpp"
#include "format.hpp"
#include "palette.hpp"
#include "sections.hpp"

namespace catena::html {

// The page's style sheet: report.css, embedded at build time (embed_css.cmake writes it into
// generated/report_css.cpp).
extern const char* const kReportCss;

namespace {

// "Most influential customer: ...", from the first influencer.
void influencer_highlight(const Json& summary, std::vector<std::string>& items) {
    const Json* influencers = find(summary, "influencers");
    if (!influencers) return;
    const Json* top = find(*influencers, "top");
    if (!top || !top->is_array() || top->empty() || !(*top)[0].is_object()) return;
    const Json& first = (*top)[0];
    items.push_back(
        fmt::format("Most influential customer: <b>{}</b> <span class=\"id\">{}</span>.",
                    shortened(optional_text(first, "name", "influencers.top[0]").value_or(""), 24),
                    shortened(optional_text(first, "id", "influencers.top[0]").value_or(""), 9)));
}

// "N hidden influencers: ...", from the value section's quadrant list.
void value_highlight(const Json& summary, std::vector<std::string>& items) {
    const Json* value = find(summary, "value");
    if (!value) return;
    const Json* quadrants = find(*value, "quadrants");
    if (!quadrants || !quadrants->is_array()) return;
    for (const Json& quadrant : *quadrants)
        if (quadrant_key(optional_text(quadrant, "name", "value.quadrants").value_or("")) ==
            "hiddeninfluencers")
            if (const auto n = optional_number(quadrant, "customers", "value.quadrants"))
                items.push_back(
                    fmt::format("<b>{}</b> hidden influencers: customers who buy "
                                "little themselves but move others.",
                                whole(*n)));
}

// "Seeding N customers is expected to reach ...".
void seeds_highlight(const Json& summary, std::vector<std::string>& items) {
    const Json* seeds = find(summary, "seeds");
    if (!seeds) return;
    const auto k = optional_number(*seeds, "k", "seeds");
    const auto reach = optional_number(*seeds, "simulated_spread", "seeds");
    const auto estimate = optional_number(*seeds, "estimated_spread", "seeds");
    const bool value_objective =
        optional_text(*seeds, "objective", "seeds").value_or("") == "value";
    if (k && (reach || estimate))
        items.push_back(fmt::format(
            "Seeding <b>{}</b> customers is expected to reach <b>{}</b>{}.", whole(*k),
            value_objective ? amount(reach.value_or(*estimate)) : tenths(reach.value_or(*estimate)),
            value_objective ? " in value" : " customers"));
}

// Highlights for the top of the page, from whatever sections are present.
std::string highlights(const Json& summary) {
    std::vector<std::string> items;
    influencer_highlight(summary, items);
    value_highlight(summary, items);
    seeds_highlight(summary, items);
    if (const Json* communities = find(summary, "communities")) {
        const auto n = optional_number(*communities, "count", "communities");
        if (n) items.push_back(fmt::format("The customers form <b>{}</b> communities.", whole(*n)));
    }
    if (const Json* referrals = find(summary, "referrals")) {
        const auto depth = optional_number(*referrals, "max_depth", "referrals");
        const auto cascades = optional_number(*referrals, "cascades", "referrals");
        if (depth && cascades && *cascades > 0)
            items.push_back(
                fmt::format("<b>{}</b> referral cascades, the longest <b>{}</b> steps deep.",
                            whole(*cascades), whole(*depth)));
    }
    if (items.empty()) return "";
    std::string out = "<ul class=\"highlights\">\n";
    for (const std::string& item : items) out += "<li>" + item + "</li>\n";
    return out + "</ul>\n";
}

// The cards of the listed customers (summary.json's "cards"), anchored card-1, card-2, ...
CardLinks card_links(const Json& summary) {
    CardLinks links;
    const Json* cards = find_list(summary, "cards", "");
    if (!cards) return links;
    for (std::size_t index = 0; index < cards->size(); ++index) {
        const std::string path = index_path("cards", index);
        const std::string id = text(object((*cards)[index], "customer", path), "id", path);
        links.anchors.emplace(id, fmt::format("card-{}", index + 1));
    }
    return links;
}

// The section of customer cards: an index of links, and the cards, each shown when its link is
// followed (CSS :target, no script).
Section cards_section(const Json& cards, const CardLinks& links) {
    Section section{"cards", "Customer cards", ""};
    std::string& out = section.html;
    out +=
        "<p>Why each customer listed above ranks where they do: what their network value is made "
        "of, who moves them, their referral tree. Follow a customer's name anywhere in this "
        "report, or below, to open their card.</p>\n<p class=\"card-index\">";
    for (std::size_t index = 0; index < cards.size(); ++index) {
        const std::string path = index_path("cards", index);
        const Json& customer = object(cards[index], "customer", path);
        out += (index ? " · " : "") +
               customer_cell(text(customer, "name", path), text(customer, "id", path), 16, &links);
    }
    out += "</p>\n<div class=\"customer-cards\">\n";
    for (std::size_t index = 0; index < cards.size(); ++index)
        out += customer_card(cards[index], fmt::format("card-{}", index + 1), &links, "cards");
    out += "</div>\n";
    return section;
}

// Every section the summary has, in page order.
std::vector<Section> sections(const Json& summary, const Json& run, const Json& data,
                              const std::string& version, const CardLinks& links) {
    std::vector<Section> out;
    out.push_back(data_section(data));
    // What changed since the earlier run: what a weekly reader wants first.
    if (const Json* changes = find(summary, "changes"))
        out.push_back(changes_section(*changes, find(run, "reuse")));
    if (const Json* influencers = find(summary, "influencers"))
        out.push_back(influencers_section(*influencers));
    if (const Json* value = find(summary, "value")) out.push_back(value_section(*value));
    if (const Json* communities = find(summary, "communities"))
        out.push_back(communities_section(*communities));
    const Json* seeds = find(summary, "seeds");
    const Json* compare = find(summary, "compare");
    const Json* simulate = find(summary, "simulate");
    if (seeds || compare || simulate) out.push_back(campaign_section(seeds, compare, simulate));
    if (const Json* referrals = find(summary, "referrals"))
        out.push_back(referrals_section(*referrals));
    if (const Json* cards = find_list(summary, "cards", ""); cards && !cards->empty())
        out.push_back(cards_section(*cards, links));
    out.push_back(run_section(summary, run, version));
    return out;
}

// <head> and the page header up to the table of contents.
std::string head(const std::string& title, const std::string& version, const Json& data,
                 const std::string& finished, const std::string& fingerprint) {
    std::string out = fmt::format(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        "<meta name=\"generator\" content=\"catena {}\">\n<title>{} — catena "
        "report</title>\n<style>{}</style>\n"
        "</head>\n<body>\n<div class=\"page\">\n<header class=\"top\">\n"
        "<p class=\"eyebrow\">Chain-of-influence report</p>\n<h1>{}</h1>\n<p class=\"meta\">",
        escape(version), shortened_plain(title, 60), kReportCss, shortened(title, 40));
    if (const auto source = optional_text(data, "source", "data"))
        out += fmt::format("<span>{}</span>", shortened(*source, 30));
    out += fmt::format(
        "<span>{}</span><span>data fingerprint <code>{}</code></span><span>catena {}</span></p>\n",
        readable_time(finished), shortened(fingerprint, 40), escape(version));
    return out;
}

std::string page(const std::string& summary_json) {
    Json summary;
    try {
        summary = Json::parse(summary_json);
    } catch (const nlohmann::json::exception& error) {
        throw InternalError(std::string("report summary: not valid JSON: ") + error.what());
    }
    if (!summary.is_object()) throw InternalError("report summary: expected a JSON object");
    const std::string version = text(summary, "catena_version", "");
    const Json& run = object(summary, "run", "");
    const Json& data = object(summary, "data", "");
    std::string job_name;
    if (const Json* job = find(summary, "job")) {
        if (!job->is_object()) malformed("job", "expected an object");
        job_name = optional_text(*job, "name", "job").value_or("");
    }
    const CardLinks links = card_links(summary);
    const CardLinksScope scope(links);
    const std::vector<Section> parts = sections(summary, run, data, version, links);

    const std::string title = job_name.empty() ? "Chain-of-influence report" : job_name;
    const std::string fingerprint = text(run, "input_fingerprint", "run");
    std::string out = head(title, version, data, text(run, "finished_at", "run"), fingerprint);
    out += "<nav class=\"toc\" aria-label=\"Sections\">";
    for (const Section& section : parts)
        out += fmt::format("<a href=\"#{}\">{}</a>", section.id, section.title);
    out += "</nav>\n</header>\n<main>\n" + highlights(summary);
    for (const Section& section : parts)
        out += fmt::format("<section id=\"{}\">\n<h2>{}</h2>\n{}</section>\n", section.id,
                           section.title, section.html);
    out += fmt::format(
        "</main>\n<footer>Made by catena {} from data fingerprint <code>{}</code>. This page is "
        "self-contained: it loads nothing from the network and prints as it shows.</footer>\n"
        "</div>\n</body>\n</html>\n",
        escape(version), shortened(fingerprint, 40));
    return out;
}

}  // namespace
}  // namespace catena::html

namespace catena {

std::string render_html_report(const std::string& summary_json) { return html::page(summary_json); }

}  // namespace catena
