// The HTML report of `catena report`: the run's JSON summary (summary.json) rendered as one
// self-contained page for a marketing analyst to read on screen, print or forward.
//
// Self-contained means the page loads nothing: CSS is inline, every chart is inline SVG drawn
// here, fonts are the reader's system fonts, there is no script, and no attribute names a URL
// (in-page anchors `#section` only). It opens with no network and prints on A4 or Letter (charts
// and table rows are not split across pages).
//
// Input: the summary JSON. `catena_version`, `run` (started_at, finished_at, input_fingerprint;
// seed, saved_as_run and parameters optional) and `data` (customers, relationships; the other
// counts, opted_out, the relationship type and segment lists, and what the loader left out —
// skipped_rows with skipped_by_reason, filtered_rows, merged_customers, imports — optional, each
// shown only when present and not zero or empty) are required. Each analysis —
// `influencers`, `value`, `communities`, `seeds`, `compare`, `simulate`, `referrals` — is
// optional: when it is absent or null (the job did not run it) the page has no such section and
// no empty chart; when its list is empty, the section says so in a sentence instead of a chart.
// A null member reads as absent (an unknown own value, a community with no top influencer).
// `changes` (a report run with --since-run: changes.hpp's JSON, opted-out customers already left
// out) adds a "What changed" section after the data, with `run.reuse` (what the run reused from
// the earlier one) in its first lines; without `changes` there is no such section.
//
// Charts, each an <svg class="chart" role="img"> with a <title> and a <desc>, found by id:
//   chart-influencers  the top influencers' scores, horizontal bars (the first 20)
//   chart-quadrants    own value (x) against influence (y) = network_weight x network value +
//                      referral_weight x referral value (or the points' own `influence`), both
//                      axes log(1 + v); threshold lines (`thresholds.influence`, or `.network`);
//                      points coloured by quadrant
//   chart-communities  size and total value of each community, paired bars (the 20 largest)
//   chart-spread       expected customers reached for k = 1, 2, ... seeds, a line per strategy
//   chart-depths       customers brought in by referral, by depth in their cascade
// Data marks carry a class the tests count: `bar`, `point`, `line` (a polyline) or `marker`.
// Tables show at most 100 rows and say how many more the CSV files beside the report hold.
// The summary's lists never hold a customer who opted out (batch.cpp leaves them out); where a
// list says how many it passed over (`opted_out_not_listed`, `opted_out_not_plotted`), the page
// says so under it, and value ranks come from the points' `rank` (among all customers) when given.
//
// `cards` (optional): `catena explain`'s card of each listed customer. Each becomes an
// <article class="customer-card" id="card-N"> in the "Customer cards" section, hidden until its
// anchor is the page's target (CSS :target, no script), with an SVG diagram of the strongest
// chains (id chain-card-N, links of class `link`); every customer cell of the page whose customer
// has a card links to it (<a class="card-link" href="#card-N">).
//
// Text from the summary (names, ids, segments, parameter keys and values) is HTML-escaped
// everywhere. Text wider than its cell or chart label (by an estimate of the glyphs' width, so
// CJK and emoji count double) is cut with an ellipsis and keeps the full text in a title
// attribute or SVG <title>. Numbers are formatted for people: thousands separators, money with
// two decimals, scores with four significant digits, reach with one decimal.
// The same JSON always gives the same bytes.
//
// Throws InternalError when the JSON does not parse or lacks a required part, naming the part
// ("report summary: influencers.top[3].score: expected a number"): the summary is written by
// catena itself, so a malformed one is a bug, not the user's input.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace catena {

std::string render_html_report(const std::string& summary_json);

// The card of `catena explain` (its JSON) as a page of its own, self-contained like the report.
std::string explain_card_page(const nlohmann::ordered_json& card);

}  // namespace catena
