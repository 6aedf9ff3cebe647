// The Data section: what the analyses ran on (counts, relationship types, segments) and what the
// loader left out (bad rows skipped, rows filtered, customers merged, the last imports).
#include <algorithm>
#include <utility>

#include <fmt/format.h>

#include "format.hpp"
#include "sections.hpp"
#include "svg.hpp"

namespace catena::html {
namespace {

using Counts = std::vector<std::pair<std::string, double>>;  // name, count

// The key figures: customers, relationships, referrals, transactions, opted out.
std::string figures(const Json& data, const std::string& path, double customers,
                    double relationships) {
    const auto people = optional_number(data, "people", path);
    const auto businesses = optional_number(data, "businesses", path);
    const auto referrals = optional_number(data, "referrals", path);
    const auto transactions = optional_number(data, "transactions", path);
    std::string out;
    if (const auto source = optional_text(data, "source", path))
        out += fmt::format("<p>Source: <code>{}</code></p>\n", shortened(*source, 70));

    std::vector<Card> items;
    std::string split;
    if (people && businesses)
        split = fmt::format("{} people · {} businesses", whole(*people), whole(*businesses));
    items.push_back({"customers", whole(customers), split});
    items.push_back({"relationships", whole(relationships),
                     customers > 0
                         ? fmt::format("{} per customer", tenths(2 * relationships / customers))
                         : ""});
    if (referrals) items.push_back({"referrals", whole(*referrals), ""});
    if (transactions) items.push_back({"transactions", whole(*transactions), ""});
    const auto opted_out = optional_number(data, "opted_out", path);
    if (opted_out && *opted_out > 0)
        items.push_back({"opted out", whole(*opted_out), "never listed in this report"});
    return out + cards(items);
}

// A list of {name, count} (relationship types, segments), largest first: name, count, share and
// a bar. "" when the list is absent or empty.
std::string breakdown(const Json& data, const std::string& path, std::string_view key,
                      std::string_view caption, std::string_view head) {
    const Json* list = find_list(data, key, path);
    if (!list) return std::string();
    const std::string list_path = join_path(path, key);
    Counts rows;
    double total = 0, largest = 0;
    for (std::size_t index = 0; index < list->size(); ++index) {
        const std::string row_path = index_path(list_path, index);
        const double n = number((*list)[index], "count", row_path);
        rows.emplace_back(optional_text((*list)[index], "name", row_path).value_or(""), n);
        total += n;
        largest = std::max(largest, n);
    }
    if (rows.empty()) return std::string();
    std::stable_sort(rows.begin(), rows.end(),
                     [](const auto& a, const auto& b) { return a.second > b.second; });
    std::string table = fmt::format(
        "<table class=\"breakdown\">\n<caption>{}</caption>\n<thead><tr><th>{}</th>"
        "<th class=\"num\">count</th><th class=\"num\">share</th><th class=\"barcell\" "
        "aria-hidden=\"true\"></th></tr></thead>\n<tbody>\n",
        caption, head);
    const std::size_t shown = std::min(rows.size(), kMaxTableRows);
    for (std::size_t index = 0; index < shown; ++index) {
        const auto& [name, n] = rows[index];
        table += fmt::format(
            "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>"
            "<td class=\"barcell\" aria-hidden=\"true\"><span class=\"minibar\" "
            "style=\"width:{}%\"></span></td></tr>\n",
            name.empty() ? "<span class=\"muted\">(none)</span>" : shortened(name, 20), whole(n),
            total > 0 ? percent(n / total) : "–",
            largest > 0 ? f1(100 * std::max(0.0, n) / largest) : "0");
    }
    return table + table_end(shown, rows.size(), "rows");
}

// Bad rows skipped by reason: an object reason -> rows (as `catena stats --format json` writes
// it) or a list of {reason, count}.
Counts skipped_by_reason(const Json& data, const std::string& path) {
    Counts reasons;
    const Json* list = find(data, "skipped_by_reason");
    if (!list) return reasons;
    const std::string list_path = join_path(path, "skipped_by_reason");
    if (list->is_object()) {
        for (const auto& [reason, rows] : list->items()) {
            if (!rows.is_number()) malformed(join_path(list_path, reason), "expected a number");
            reasons.emplace_back(reason, rows.get<double>());
        }
    } else if (list->is_array()) {
        for (std::size_t index = 0; index < list->size(); ++index) {
            const std::string row_path = index_path(list_path, index);
            reasons.emplace_back(text((*list)[index], "reason", row_path),
                                 number((*list)[index], "count", row_path));
        }
    } else {
        malformed(list_path, "expected a list");
    }
    return reasons;
}

// "7 bad rows were skipped (...); 1 row was filtered out by the mapping; ..."
std::string left_out_sentence(std::optional<double> skipped, const Counts& reasons,
                              std::optional<double> filtered, std::optional<double> merged) {
    std::vector<std::string> sentences;
    if ((skipped && *skipped > 0) || !reasons.empty()) {
        double total = 0;
        for (const auto& reason : reasons) total += reason.second;
        sentences.push_back(fmt::format(
            "{} bad row{} skipped (lenient mode; the rejects file lists each with its "
            "line and reason)",
            whole(skipped.value_or(total)), skipped.value_or(total) == 1 ? " was" : "s were"));
    }
    if (filtered && *filtered > 0)
        sentences.push_back(fmt::format("{} row{} filtered out by the mapping", whole(*filtered),
                                        *filtered == 1 ? " was" : "s were"));
    if (merged && *merged > 0)
        sentences.push_back(fmt::format("{} customer row{} merged into another with the same key",
                                        whole(*merged), *merged == 1 ? " was" : "s were"));
    std::string out = "<p>";
    for (std::size_t index = 0; index < sentences.size(); ++index)
        out += (index ? "; " : "") + sentences[index];
    return out + ".</p>\n";
}

// What the loader left out: bad rows skipped (by reason), rows filtered by the mapping, customer
// rows merged by key. Empty when there is nothing to say.
std::string left_out_part(const Json& data, const std::string& path) {
    const auto skipped = optional_number(data, "skipped_rows", path);
    const auto filtered = optional_number(data, "filtered_rows", path);
    const auto merged = optional_number(data, "merged_customers", path);
    Counts reasons = skipped_by_reason(data, path);
    const bool any_skipped = (skipped && *skipped > 0) || !reasons.empty();
    if (!any_skipped && !(filtered && *filtered > 0) && !(merged && *merged > 0)) return "";
    std::string out = "<h3>Rows left out of the input</h3>\n" +
                      left_out_sentence(skipped, reasons, filtered, merged);
    if (reasons.empty()) return out;
    std::stable_sort(reasons.begin(), reasons.end(),
                     [](const auto& a, const auto& b) { return a.second > b.second; });
    out +=
        "<table class=\"breakdown\" id=\"skipped-rows\">\n<caption>Bad rows skipped, by "
        "reason</caption>\n<thead><tr><th>reason</th><th class=\"num\">rows</th></tr></thead>\n"
        "<tbody>\n";
    const std::size_t shown = std::min(reasons.size(), kMaxTableRows);
    for (std::size_t index = 0; index < shown; ++index)
        out += fmt::format("<tr><td>{}</td><td class=\"num\">{}</td></tr>\n",
                           shortened(reasons[index].first, 30), whole(reasons[index].second));
    return out + table_end(shown, reasons.size(), "reasons");
}

// The files of one import: each file's own name, its whole path in the tooltip.
std::string import_files(const Json& item, const std::string& item_path) {
    std::string files;
    const Json* file_list = find(item, "files");
    if (!file_list || !file_list->is_array()) return files;
    for (const Json& file : *file_list) {
        std::string name = file.is_string() ? file.get<std::string>()
                           : file.is_object()
                               ? optional_text(file, "file", item_path + ".files").value_or("")
                               : "";
        if (name.empty()) continue;
        const std::size_t slash = name.find_last_of('/');
        const std::string base = slash == std::string::npos ? name : name.substr(slash + 1);
        files += (files.empty() ? "" : ", ") +
                 (base == name ? shortened(name, 24)
                               : fmt::format("<span title=\"{}\">{}</span>", escape(name),
                                             escape(prefix_within(base, 24))));
    }
    return files;
}

std::string import_row(const Json& item, const std::string& item_path) {
    const auto cell = [&](std::string_view key) {
        const auto n = optional_number(item, key, item_path);
        return n ? whole(*n) : std::string("–");
    };
    const std::string files = import_files(item, item_path);
    return fmt::format(
        "<tr><td class=\"num\">{}</td><td class=\"nowrap\">{}</td><td>{}</td><td "
        "class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td "
        "class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td></tr>\n",
        cell("id"), readable_time(optional_text(item, "time", item_path).value_or("")),
        shortened(optional_text(item, "mode", item_path).value_or(""), 10), cell("added"),
        cell("updated"), cell("unchanged"), cell("skipped"), cell("filtered"),
        files.empty() ? "<span class=\"muted\">—</span>" : files);
}

// The workspace's last imports, newest first. Empty when there are none.
std::string imports_part(const Json& data, const std::string& path) {
    const Json* list = find_list(data, "imports", path);
    if (!list || list->empty()) return "";
    const std::string list_path = join_path(path, "imports");
    std::string out =
        "<h3>Last imports into the workspace</h3>\n<table id=\"imports\">\n<thead><tr><th "
        "class=\"num\">#</th><th>time</th><th>mode</th><th class=\"num\">added</th><th "
        "class=\"num\">updated</th><th class=\"num\">unchanged</th><th "
        "class=\"num\">skipped</th><th class=\"num\">filtered</th><th>files</th></tr></thead>\n"
        "<tbody>\n";
    const std::size_t shown = std::min(list->size(), kMaxTableRows);
    for (std::size_t index = 0; index < shown; ++index)
        out += import_row((*list)[index], index_path(list_path, index));
    return out + table_end(shown, list->size(), "imports");
}

}  // namespace

Section data_section(const Json& data) {
    const std::string path = "data";
    Section section{"data", "Data", ""};
    const double customers = number(data, "customers", path);
    const double relationships = number(data, "relationships", path);
    section.html = figures(data, path, customers, relationships);
    const std::string types =
        breakdown(data, path, "relationship_types", "Relationships by type", "type");
    const std::string segments =
        breakdown(data, path, "segments", "Customers by segment", "segment");
    if (!types.empty() || !segments.empty())
        section.html += "<div class=\"split\">\n<div>" + types + "</div>\n<div>" + segments +
                        "</div>\n</div>\n";
    section.html += left_out_part(data, path);
    section.html += imports_part(data, path);
    return section;
}

}  // namespace catena::html
