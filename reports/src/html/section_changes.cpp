// The What changed section (`catena report --since-run`): the data that arrived since the earlier
// run, rising and falling influencers, new hidden influencers and quadrant moves, community events,
// and how the earlier run's campaign seeds did since; with a line on what this run reused of the
// earlier one (summary["run"]["reuse"]). Its JSON is summary["changes"] (changes.cpp, to_json).
//
// OPTED-OUT CUSTOMERS: unlike the other sections' lists, the id lists of "changes" (risers,
// fallers, quadrant examples, new hidden influencers, community top members, seeds, reached
// examples) come from stored runs and are not filtered by batch.cpp, and the summary has no set of
// the customers who opted out (data.opted_out is a count only). This section cannot tell them
// apart and lists every id it is given: the lists must be filtered upstream (batch.cpp or
// changes.cpp) before they reach the summary, as for every other section.
#include <algorithm>
#include <cmath>
#include <map>
#include <optional>

#include <fmt/format.h>

#include "format.hpp"
#include "palette.hpp"
#include "sections.hpp"

namespace catena::html {
namespace {

// New hidden influencers named in the text; the rest are counted.
constexpr std::size_t kMaxNamed = 10;

std::string muted(std::string_view text) {
    return fmt::format("<span class=\"muted\">{}</span>", text);
}

// A member that may be absent or null, but when present is true or false.
std::optional<bool> optional_flag(const Json& parent, std::string_view key,
                                  const std::string& path) {
    const Json* value = find(parent, key);
    if (!value) return std::nullopt;
    if (!value->is_boolean()) malformed(join_path(path, key), "expected true or false");
    return value->get<bool>();
}

// A list of customer ids; empty when absent.
std::vector<std::string> ids(const Json& parent, std::string_view key, const std::string& path) {
    std::vector<std::string> out;
    const Json* list = find_list(parent, key, path);
    if (!list) return out;
    const std::string list_path = join_path(path, key);
    for (std::size_t index = 0; index < list->size(); ++index) {
        const Json& item = (*list)[index];
        if (!item.is_string()) malformed(index_path(list_path, index), "expected text");
        out.push_back(item.get<std::string>());
    }
    return out;
}

// A customer id, escaped and cut, linked to their card when the page has one.
std::string customer_id(const std::string& id) {
    const std::string cell = shortened(id, 12);
    const CardLinks* links = CardLinksScope::current();
    const std::string* anchor = links ? links->anchor(id) : nullptr;
    if (!anchor) return cell;
    return fmt::format("<a class=\"card-link\" href=\"#{}\">{}</a>", *anchor, cell);
}

// The first `limit` ids joined with commas, "and N more" after them.
std::string id_list(const std::vector<std::string>& list, std::size_t limit) {
    if (list.empty()) return muted("—");
    std::string out;
    const std::size_t shown = std::min(list.size(), limit);
    for (std::size_t index = 0; index < shown; ++index)
        out += (index ? ", " : "") + customer_id(list[index]);
    if (shown < list.size())
        out += fmt::format(" and {} more", whole(static_cast<double>(list.size() - shown)));
    return out;
}

// "1 customer", "2,000 customers".
std::string counted(double n, std::string_view one, std::string_view many) {
    return fmt::format("{} {}", whole(n), n == 1 ? one : many);
}

// Under a table cut at kMaxTableRows (none of these lists is in the CSV tables).
std::string cut_note(std::size_t shown, std::size_t total, std::string_view what) {
    if (shown >= total) return "";
    return fmt::format("<p class=\"note\">Showing the first {} of {} {}.</p>\n",
                       whole(static_cast<double>(shown)), whole(static_cast<double>(total)), what);
}

// A run as its readers know it: "run 3 (7 Dec 2026, 06:12 UTC)".
std::string run_name(const Json& changes, std::string_view key, const std::string& path) {
    const Json* run = find(changes, key);
    if (!run) return key == "from" ? "the earlier run" : "this run";
    const std::string run_path = join_path(path, key);
    const auto id = optional_number(*run, "id", run_path);
    const auto finished = optional_text(*run, "finished_at", run_path);
    std::string out =
        id ? "run " + whole(*id) : std::string(key == "from" ? "the earlier run" : "this run");
    if (finished) out += " (" + readable_time(*finished) + ")";
    return out;
}

// "run 2", or "the earlier run" when the summary does not say which.
std::string earlier_run(const Json& changes, const std::string& path) {
    const Json* run = find(changes, "from");
    const auto id = run ? optional_number(*run, "id", join_path(path, "from")) : std::nullopt;
    return id ? "run " + whole(*id) : "the earlier run";
}

// Seconds as a person reads them: "0.4 s", "12 s", "2 min 5 s".
std::string seconds_text(double seconds) {
    if (!std::isfinite(seconds) || seconds < 0) return "–";
    if (seconds < 10) return fmt::format("{:.1f} s", seconds);
    return duration(static_cast<std::int64_t>(std::llround(seconds)));
}

// Section -> seconds, from summary["run"]["reuse"]["seconds"] or ["seconds_before"].
std::map<std::string, double> section_seconds(const Json& reuse, std::string_view key,
                                              const std::string& path) {
    std::map<std::string, double> out;
    const Json* seconds = find(reuse, key);
    if (!seconds) return out;
    if (!seconds->is_object()) malformed(join_path(path, key), "expected an object");
    for (const auto& [section, value] : seconds->items())
        if (const auto n = optional_number(*seconds, section, join_path(path, key)))
            out.emplace(section, *n);
    return out;
}

// --- What was reused -----------------------------------------------------------------------------

// "Built on run 2: PageRank started from its scores and took 12 iterations (41 in run 2); the
// communities started from its partition. The analyses both runs made took 1.8 s this time, 5.0 s
// in run 2."
std::string reuse_line(const Json& reuse) {
    const std::string path = "run.reuse";
    const auto since = optional_number(reuse, "since_run", path);
    const std::string base = since ? "run " + whole(*since) : "the earlier run";
    std::vector<std::string> parts;
    if (const Json* pagerank = find(reuse, "pagerank")) {
        const std::string pr_path = path + ".pagerank";
        const bool warm = optional_flag(*pagerank, "warm_start", pr_path).value_or(false);
        const auto iterations = optional_number(*pagerank, "iterations", pr_path);
        const auto before = optional_number(*pagerank, "iterations_before", pr_path);
        std::string part = warm ? "PageRank started from its scores"
                                : "PageRank started afresh (" + base + " stored no scores)";
        if (iterations && before)
            part += fmt::format(" and took {} iterations ({} in {})", whole(*iterations),
                                whole(*before), base);
        else if (iterations)
            part += fmt::format(" and took {} iterations", whole(*iterations));
        parts.push_back(part);
    }
    if (const Json* communities = find(reuse, "communities")) {
        const bool stored =
            optional_flag(*communities, "initial_partition", path + ".communities").value_or(false);
        parts.push_back(stored ? "the communities started from its partition"
                               : "the communities were found afresh (" + base +
                                     " stored no partition)");
    }
    std::string out = "<p class=\"note\">";
    if (parts.empty()) {
        out += "Compared with " + base + "; nothing of it was reused.";
    } else {
        out += "Built on " + base + ": ";
        for (std::size_t index = 0; index < parts.size(); ++index)
            out += (index ? "; " : "") + parts[index];
        out += ".";
    }
    // Time: the analyses both runs made, so that the totals compare like with like.
    const auto now = section_seconds(reuse, "seconds", path);
    const auto then = section_seconds(reuse, "seconds_before", path);
    double total = 0, shared_now = 0, shared_then = 0;
    for (const auto& [section, seconds] : now) {
        total += seconds;
        if (const auto found = then.find(section); found != then.end()) {
            shared_now += seconds;
            shared_then += found->second;
        }
    }
    if (!then.empty() && shared_then > 0)
        out += fmt::format(" The analyses both runs made took {} this time, {} in {}.",
                           seconds_text(shared_now), seconds_text(shared_then), base);
    else if (!now.empty())
        out += fmt::format(" The analyses took {}.", seconds_text(total));
    return out + "</p>\n";
}

// --- The data that arrived -----------------------------------------------------------------------

std::string data_part(const Json& changes, const std::string& path) {
    const std::string from = run_name(changes, "from", path), to = run_name(changes, "to", path);
    std::string out = fmt::format("<p>Between {} and {}: ", from, to);
    const Json* input = find(changes, "input");
    const std::string input_path = path + ".input";
    const bool known = input && optional_flag(*input, "known", input_path).value_or(false);
    const bool comparable =
        input && optional_flag(*input, "rows_comparable", input_path).value_or(false);
    const Json* imports = input ? find_list(*input, "imports", input_path) : nullptr;
    const Json* rows = input ? find(*input, "new_rows") : nullptr;
    if (!input || !known) {
        out +=
            "one of the runs did not record where the workspace's data stood, so the rows "
            "that arrived between them cannot be counted.";
    } else if (!comparable) {
        out +=
            "the workspace was created afresh or replaced, so its rows cannot be compared "
            "with the earlier run's.";
    } else if (!imports || imports->empty()) {
        out += "no data was imported.";
    } else {
        const std::string imports_path = input_path + ".imports";
        double added = 0, updated = 0;
        std::vector<std::string> modes;
        for (std::size_t index = 0; index < imports->size(); ++index) {
            const Json& item = (*imports)[index];
            const std::string item_path = index_path(imports_path, index);
            added += optional_number(item, "added", item_path).value_or(0);
            updated += optional_number(item, "updated", item_path).value_or(0);
            const std::string mode = optional_text(item, "mode", item_path).value_or("");
            if (!mode.empty() && std::find(modes.begin(), modes.end(), mode) == modes.end())
                modes.push_back(mode);
        }
        std::string how;
        for (std::size_t index = 0; index < modes.size(); ++index)
            how += (index ? ", " : "") + shortened(modes[index], 10);
        out += fmt::format("{}{} added {} and updated {}",
                           counted(static_cast<double>(imports->size()), "import", "imports"),
                           how.empty() ? "" : " (" + how + ")", counted(added, "row", "rows"),
                           counted(updated, "row", "rows"));
        if (rows) {
            const std::string rows_path = input_path + ".new_rows";
            const auto n = [&](std::string_view key, std::string_view one, std::string_view many) {
                return counted(optional_number(*rows, key, rows_path).value_or(0), one, many);
            };
            out += fmt::format("; new: <b>{}</b>, <b>{}</b>, <b>{}</b> and <b>{}</b>",
                               n("customers", "customer", "customers"),
                               n("relationships", "relationship", "relationships"),
                               n("referrals", "referral", "referrals"),
                               n("transactions", "transaction", "transactions"));
        }
        out += ".";
    }
    if (const Json* customers = find(changes, "customers")) {
        const std::string customers_path = path + ".customers";
        const auto before = optional_number(*customers, "before", customers_path);
        const auto after = optional_number(*customers, "after", customers_path);
        const auto joined = optional_number(*customers, "joined", customers_path);
        const auto left = optional_number(*customers, "left", customers_path);
        if (before && after)
            out += fmt::format(
                " Customers analysed: {} → {}{}.", whole(*before), whole(*after),
                joined && left ? fmt::format(" ({} joined, {} left)", whole(*joined), whole(*left))
                               : "");
    }
    return out + "</p>\n";
}

// --- Rising and falling influencers --------------------------------------------------------------

std::string rank_text(std::optional<double> rank, std::string_view none) {
    return rank ? "#" + whole(*rank) : muted(none);
}

// One table of rank moves: customer, rank before → after, places gained or lost.
std::string moves_table(const Json& list, const std::string& list_path, std::string_view caption,
                        std::string_view nobody) {
    if (list.empty()) return fmt::format("<h3>{}</h3>\n", caption) + empty_note(nobody);
    std::string table = fmt::format(
        "<h3>{}</h3>\n<table>\n<thead><tr><th>customer</th><th class=\"num\">rank before</th>"
        "<th class=\"num\">rank now</th><th class=\"num\">places</th></tr></thead>\n<tbody>\n",
        caption);
    const std::size_t shown = std::min(list.size(), kMaxTableRows);
    for (std::size_t index = 0; index < shown; ++index) {
        const Json& item = list[index];
        const std::string item_path = index_path(list_path, index);
        const auto before = optional_number(item, "rank_before", item_path);
        const auto after = optional_number(item, "rank_after", item_path);
        const auto score_before = optional_number(item, "score_before", item_path);
        const auto score_after = optional_number(item, "score_after", item_path);
        std::string places = muted("—");
        if (before && after) {
            const double gained = *before - *after;
            places = (gained > 0 ? "+" : "") + whole(gained);
        }
        // The scores in the tooltip: most readers want the rank, a few the score.
        std::string title;
        if (score_before && score_after && before && after)
            title =
                fmt::format(" title=\"score {} → {}\"", score(*score_before), score(*score_after));
        else if (score_after && after)
            title = fmt::format(" title=\"score {}\"", score(*score_after));
        table += fmt::format(
            "<tr><td class=\"nowrap\">{}</td><td class=\"num\">{}</td><td "
            "class=\"num\"{}>{}</td><td class=\"num\">{}</td></tr>\n",
            customer_id(text(item, "id", item_path)), rank_text(before, "new"), title,
            rank_text(after, "gone"), places);
    }
    return table + "</tbody>\n</table>\n" + cut_note(shown, list.size(), "customers");
}

std::string influencers_part(const Json& influencers, const std::string& path) {
    const std::string measure =
        measure_label(optional_text(influencers, "measure", path).value_or("influence"));
    const Json* risers = find_list(influencers, "risers", path);
    const Json* fallers = find_list(influencers, "fallers", path);
    if (!risers && !fallers) return "";
    std::string out = fmt::format(
        "<p>Customers whose rank by {} moved most among the top of either run. “new”: not in the "
        "earlier run; “gone”: not in this one. Hover a rank for the score.</p>\n",
        escape(measure));
    const std::string left = risers ? moves_table(*risers, path + ".risers", "Rising influencers",
                                                  "No customer rose among the top influencers.")
                                    : "";
    const std::string right = fallers
                                  ? moves_table(*fallers, path + ".fallers", "Falling influencers",
                                                "No customer fell among the top influencers.")
                                  : "";
    if (left.empty() || right.empty()) return out + left + right;
    return out + "<div class=\"split\">\n<div>" + left + "</div>\n<div>" + right +
           "</div>\n</div>\n";
}

// --- Quadrants -----------------------------------------------------------------------------------

std::string quadrant_name(const std::string& name) {
    return name == "new" ? muted("new customer") : shortened(quadrant_label(name), 16);
}

std::string quadrants_part(const Json& quadrants, const std::string& path,
                           const std::string& base) {
    std::string out;
    const std::vector<std::string> hidden = ids(quadrants, "new_hidden_influencers", path);
    if (find(quadrants, "new_hidden_influencers")) {
        out += "<h3>New hidden influencers</h3>\n";
        if (hidden.empty())
            out += empty_note("No customer became a hidden influencer.");
        else
            out += fmt::format(
                "<p><b>{}</b> {} hidden influencer{} now who {} not in {}: customers who buy "
                "little themselves but move others. {}: {}.</p>\n",
                whole(static_cast<double>(hidden.size())),
                hidden.size() == 1 ? "customer is a" : "customers are",
                hidden.size() == 1 ? "" : "s", hidden.size() == 1 ? "was" : "were", base,
                hidden.size() > kMaxNamed ? "The first " + whole(static_cast<double>(kMaxNamed))
                                          : std::string(hidden.size() == 1 ? "It is" : "They are"),
                id_list(hidden, kMaxNamed));
    }
    const Json* moves = find_list(quadrants, "moves", path);
    if (!moves) return out;
    out += "<h3>Customers who changed quadrant</h3>\n";
    if (moves->empty()) return out + empty_note("No customer changed quadrant.");
    out +=
        "<table>\n<thead><tr><th>from</th><th>to</th><th class=\"num\">customers</th>"
        "<th>for example</th></tr></thead>\n<tbody>\n";
    const std::string moves_path = path + ".moves";
    const std::size_t shown = std::min(moves->size(), kMaxTableRows);
    for (std::size_t index = 0; index < shown; ++index) {
        const Json& item = (*moves)[index];
        const std::string item_path = index_path(moves_path, index);
        out += fmt::format(
            "<tr><td class=\"nowrap\">{}</td><td class=\"nowrap\">{}</td><td "
            "class=\"num\">{}</td><td>{}</td></tr>\n",
            quadrant_name(text(item, "from", item_path)),
            quadrant_name(text(item, "to", item_path)), whole(number(item, "customers", item_path)),
            id_list(ids(item, "examples", item_path), kMaxNamed));
    }
    return out + "</tbody>\n</table>\n" + cut_note(shown, moves->size(), "quadrant changes");
}

// --- Communities ---------------------------------------------------------------------------------

// "11 + 12", or "—" for none (a community formed or dissolved).
std::string labels(const std::vector<double>& list) {
    if (list.empty()) return muted("—");
    std::string out;
    for (std::size_t index = 0; index < list.size(); ++index)
        out += (index ? " + " : "") + whole(list[index]);
    return out;
}

std::string communities_part(const Json& list, const std::string& path, const std::string& base) {
    std::string out = "<h3>Communities</h3>\n";
    std::size_t continued = 0;
    std::vector<std::size_t> events;
    for (std::size_t index = 0; index < list.size(); ++index) {
        const std::string event = text(list[index], "event", index_path(path, index));
        if (event == "continued")
            ++continued;
        else
            events.push_back(index);
    }
    if (continued > 0)
        out += fmt::format("<p><b>{}</b> {} with much the same members.</p>\n",
                           whole(static_cast<double>(continued)),
                           continued == 1 ? "community continued" : "communities continued");
    if (events.empty())
        return out + empty_note("No community grew, shrank, split, merged, formed or dissolved.");
    out += fmt::format(
        "<p>Communities are matched by their members. The numbers before are {}'s, those after "
        "this run's, as in the Communities section.</p>\n",
        base);
    out +=
        "<table>\n<thead><tr><th>event</th><th class=\"num\">before</th><th></th>"
        "<th>after</th><th class=\"num\">customers</th><th>top members now</th></tr></thead>\n"
        "<tbody>\n";
    const std::size_t shown = std::min(events.size(), kMaxTableRows);
    for (std::size_t at = 0; at < shown; ++at) {
        const Json& item = list[events[at]];
        const std::string item_path = index_path(path, events[at]);
        const auto size_before = optional_number(item, "size_before", item_path);
        const auto size_after = optional_number(item, "size_after", item_path);
        out += fmt::format(
            "<tr><td class=\"nowrap\">{}</td><td class=\"num\">{}</td><td>→</td><td>{}</td>"
            "<td class=\"num\">{} → {}</td><td>{}</td></tr>\n",
            escape(capitalised(text(item, "event", item_path))),
            labels(numbers(item, "before", item_path)), labels(numbers(item, "after", item_path)),
            size_before ? whole(*size_before) : "0", size_after ? whole(*size_after) : "0",
            id_list(ids(item, "top_members", item_path), kMaxNamed));
    }
    return out + "</tbody>\n</table>\n" + cut_note(shown, events.size(), "community changes");
}

// --- The earlier run's campaign ------------------------------------------------------------------

std::string campaign_part(const Json& campaign, const std::string& path, const std::string& base) {
    const std::vector<std::string> seeds = ids(campaign, "seeds", path);
    const auto predicted = optional_number(campaign, "predicted_reach", path);
    const bool known_prediction = predicted && *predicted > 0;  // 0: the run did not say
    std::string out =
        fmt::format("<h3>{}'s campaign seeds since then</h3>\n", escape(capitalised(base)));
    out +=
        fmt::format("<p>{} chose {}: {}.</p>\n", escape(capitalised(base)),
                    counted(static_cast<double>(seeds.size()), "seed customer", "seed customers"),
                    id_list(seeds, kMaxNamed));
    const auto referrals = optional_number(campaign, "referrals", path);
    const auto observed = optional_number(campaign, "observed_reach", path);
    if (!referrals && !observed) {
        return out + fmt::format(
                         "<p class=\"note\">The rows that arrived since {} cannot be counted (see "
                         "the first paragraph), so how the seeds did is unknown.{}</p>\n",
                         base,
                         known_prediction ? " It predicted they would reach " + tenths(*predicted) +
                                                " customers."
                                          : "");
    }
    const auto converted = optional_number(campaign, "converted", path);
    const auto purchases = optional_number(campaign, "purchases", path);
    const auto purchase_amount = optional_number(campaign, "purchase_amount", path);
    std::vector<Card> items;
    items.push_back({"referrals by the seeds", whole(referrals.value_or(0)),
                     converted ? whole(*converted) + " converted" : ""});
    items.push_back({"customers reached since", whole(observed.value_or(0)),
                     known_prediction ? "predicted reach " + tenths(*predicted) : ""});
    if (purchases)
        items.push_back({"purchases by the seeds and those reached", whole(*purchases),
                         purchase_amount ? "worth " + amount(*purchase_amount) : ""});
    out += cards(items);
    out += fmt::format(
        "<p class=\"note\">Customers reached: referred since {}, by a seed or down a chain of "
        "referrals from one. The predicted reach is {}'s simulation: it counts the seeds "
        "themselves and the whole spread, however long it takes.</p>\n",
        base, base);
    const std::vector<std::string> reached = ids(campaign, "reached_examples", path);
    if (!reached.empty())
        out += fmt::format("<p>Reached, for example: {}.</p>\n", id_list(reached, kMaxNamed));
    return out;
}

}  // namespace

Section changes_section(const Json& changes, const Json* reuse) {
    const std::string path = "changes";
    if (!changes.is_object()) malformed(path, "expected an object");
    Section section{"changes", "What changed", ""};
    std::string& out = section.html;
    const std::string base = earlier_run(changes, path);
    out += data_part(changes, path);
    if (reuse) {
        if (!reuse->is_object()) malformed("run.reuse", "expected an object");
        out += reuse_line(*reuse);
    }
    if (const Json* influencers = find(changes, "influencers")) {
        if (!influencers->is_object()) malformed(path + ".influencers", "expected an object");
        out += influencers_part(*influencers, path + ".influencers");
    }
    if (const Json* quadrants = find(changes, "quadrants")) {
        if (!quadrants->is_object()) malformed(path + ".quadrants", "expected an object");
        out += quadrants_part(*quadrants, path + ".quadrants", base);
    }
    if (const Json* communities = find_list(changes, "communities", path))
        out += communities_part(*communities, path + ".communities", base);
    if (const Json* campaign = find(changes, "campaign")) {
        if (!campaign->is_object()) malformed(path + ".campaign", "expected an object");
        out += campaign_part(*campaign, path + ".campaign", base);
    }
    return section;
}

}  // namespace catena::html
