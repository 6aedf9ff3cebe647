#include <fmt/format.h>

#include "format.hpp"
#include "sections.hpp"

namespace catena::html {

std::string cards(const std::vector<Card>& items) {
    std::string out = "<div class=\"cards\">\n";
    for (const Card& card : items)
        out += fmt::format(
            "<div class=\"card\"><div class=\"card-value\">{}</div><div "
            "class=\"card-label\">{}</div>{}</div>\n",
            card.value, card.label,
            card.note.empty() ? "" : "<div class=\"card-note\">" + card.note + "</div>");
    return out + "</div>\n";
}

namespace {
thread_local const CardLinks* page_links = nullptr;
}

CardLinksScope::CardLinksScope(const CardLinks& links) : previous_(page_links) {
    page_links = &links;
}
CardLinksScope::~CardLinksScope() { page_links = previous_; }
const CardLinks* CardLinksScope::current() { return page_links; }

std::string customer_cell(const std::string& name, const std::string& id, double max_em,
                          const CardLinks* links) {
    const std::string cell =
        fmt::format("{} <span class=\"id\">{}</span>", shortened(name, max_em), shortened(id, 9));
    if (!links) links = CardLinksScope::current();
    const std::string* anchor = links ? links->anchor(id) : nullptr;
    if (!anchor) return cell;
    return fmt::format("<a class=\"card-link\" href=\"#{}\">{}</a>", *anchor, cell);
}

std::string column_headers(const Json* row) {
    const Json* columns = row ? find(*row, "columns") : nullptr;
    if (!columns || !columns->is_object()) return "";
    std::string out;
    for (const auto& [name, value] : columns->items())
        out += "<th>" + shortened(name, 10) + "</th>";
    return out;
}

std::string column_cells(const Json* row, const std::string& path) {
    const Json* columns = row ? find(*row, "columns") : nullptr;
    if (!columns || !columns->is_object()) return "";
    std::string out;
    for (const auto& [name, value] : columns->items())
        out += "<td>" + shortened(text(*columns, name, join_path(path, "columns")), 14) + "</td>";
    return out;
}

std::string table_end(std::size_t shown, std::size_t total, std::string_view what) {
    if (shown >= total) return "</tbody>\n</table>\n";
    return "</tbody>\n</table>\n" +
           fmt::format(
               "<p class=\"note\">Showing the first {} of {} {}; the CSV tables beside this "
               "report have every row.</p>\n",
               whole(static_cast<double>(shown)), whole(static_cast<double>(total)), what);
}

std::string empty_note(std::string_view sentence) {
    return fmt::format("<p class=\"empty\">{}</p>\n", sentence);
}

std::string opted_out_note(const Json& parent, std::string_view key, const std::string& path,
                           std::string_view what, bool ranked) {
    const auto n = optional_number(parent, key, path);
    if (!n || !(*n > 0)) return "";
    return fmt::format(
        "<p class=\"note opted-out\">{} customer{} who opted out {} not {}: they are never "
        "campaign "
        "targets.{}</p>\n",
        whole(*n), *n == 1 ? "" : "s", *n == 1 ? "is" : "are", what,
        ranked ? " Ranks count every customer." : "");
}

}  // namespace catena::html
