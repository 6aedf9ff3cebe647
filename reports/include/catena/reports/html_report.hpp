// The HTML report of `catena report`: the run's JSON summary (summary.json) rendered as one
// self-contained page for a marketing analyst to read on screen, print or forward.
//
// Self-contained means the page loads nothing: CSS is inline, every chart is inline SVG drawn
// here, fonts are the reader's system fonts, there is no script, and no attribute names a URL
// (in-page anchors `#section` only). It opens with no network and prints on A4 or Letter.
//
// Input: the summary JSON. `catena_version`, `run` (started_at, finished_at, input_fingerprint;
// seed and parameters optional) and `data` (customers, relationships; the other counts and the
// relationship type and segment lists optional) are required. Each analysis section —
// `influencers`, `value`, `communities`, `seeds`, `compare`, `referrals` — is optional: when it is
// absent (the job did not run that analysis) the page has no such section and no empty chart.
// A section whose list is empty says so in a sentence instead of drawing a chart.
//
// Charts, each an <svg class="chart" role="img"> with a <title>, found by id:
//   chart-influencers  top influencers' scores, horizontal bars (at most 20)
//   chart-quadrants    own value against influence (network + referral value, weighted), log
//                      scale on both axes, threshold lines, points coloured by quadrant
//   chart-communities  size and value of each community, paired bars (at most 20, largest)
//   chart-spread       expected customers reached as k grows, one line per strategy
//   chart-depths       customers brought in by referral, by depth in their cascade
// Data marks carry classes the tests count: `bar`, `point`, `line`, `marker`.
//
// Text from the summary (names, ids, segments, parameters) is HTML-escaped everywhere; names
// longer than a table cell allows are cut with an ellipsis and keep the full text in a title
// attribute. Numbers are formatted for people (thousands separators, two decimals for money,
// four significant digits for scores). The same JSON always gives the same bytes.
//
// Throws InternalError when the JSON does not parse or lacks a required part, naming the part
// ("report summary: influencers.top[3].score: expected a number"): the summary is written by
// catena itself, so a malformed one is a bug, not the user's input.
#pragma once

#include <string>

namespace catena {

std::string render_html_report(const std::string& summary_json);

}  // namespace catena
