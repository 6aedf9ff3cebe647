// The sections of the HTML report, one file each (section_*.cpp), and the pieces they share
// (page_parts.cpp). page.cpp puts them on the page in this order: Data, What changed, Top
// influencers, Customer value and influence, Communities, Campaign seeds, Referral cascades,
// Customer cards, Run and parameters.
//
// Each section function reads its part of the summary (`path` in errors is the part's key) and
// returns its HTML; what the page needs to know about a section is in the header comment of
// catena/reports/html_report.hpp.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "summary_reader.hpp"

namespace catena::html {

// One <section> of the page: its anchor, its heading and its content.
struct Section {
    std::string id, title, html;
};

Section data_section(const Json& data);
// Since an earlier run (`--since-run`): summary["changes"], and what was reused of the earlier run
// (summary["run"]["reuse"], may be null).
Section changes_section(const Json& changes, const Json* reuse);
Section influencers_section(const Json& influencers);
Section value_section(const Json& value);
Section communities_section(const Json& communities);
// Seeds, the strategies compared and the simulated campaign share a section; any may be null.
Section campaign_section(const Json* seeds, const Json* compare, const Json* simulate);
Section referrals_section(const Json& referrals);
Section run_section(const Json& summary, const Json& run, const std::string& version);

// --- Pieces the sections share -------------------------------------------------------------------

// At most this many rows of any table (the rest is summarised in a line under it) and bars of
// any bar chart.
inline constexpr std::size_t kMaxTableRows = 100;
inline constexpr std::size_t kMaxBars = 20;

// A row of key figures: value (HTML) large, label under it, an optional note (HTML) under that.
struct Card {
    std::string label, value, note;
};
std::string cards(const std::vector<Card>& items);

// The customers that have a card on the page (the batch report's drill-down): id -> anchor.
struct CardLinks {
    std::map<std::string, std::string> anchors;
    // The anchor of `id`'s card, or nullptr.
    const std::string* anchor(const std::string& id) const {
        const auto found = anchors.find(id);
        return found == anchors.end() ? nullptr : &found->second;
    }
};

// The cards of the page being rendered, for the time one CardLinksScope lives (page() sets it):
// customer_cell links every customer who has one without each section passing it along. One per
// thread, so pages rendered on different threads do not see each other's.
class CardLinksScope {
  public:
    explicit CardLinksScope(const CardLinks& links);
    ~CardLinksScope();
    CardLinksScope(const CardLinksScope&) = delete;
    CardLinksScope& operator=(const CardLinksScope&) = delete;
    static const CardLinks* current();

  private:
    const CardLinks* previous_;
};

// A customer's name, cut to `max_em`, and their id after it; a link to their card when `links`
// (else the page's CardLinksScope) has one.
std::string customer_cell(const std::string& name, const std::string& id, double max_em = 20,
                          const CardLinks* links = nullptr);

// The customer columns a listed customer carries (`columns` in its JSON: the job's [output]
// columns) as table header cells, and as cells of its row; "" when it has none.
std::string column_headers(const Json* row);
std::string column_cells(const Json* row, const std::string& path);

// The end of a table's body and the table, and under it "Showing the first 100 of 130 WHAT; ..."
// when it shows fewer rows than there are.
std::string table_end(std::size_t shown, std::size_t total, std::string_view what);

// The sentence a section shows instead of an empty chart or table.
std::string empty_note(std::string_view sentence);

// A note under a list that passed over customers who opted out (`key` in `parent`, a count), or
// "" when it passed over none. `ranked`: the list's ranks count every customer.
std::string opted_out_note(const Json& parent, std::string_view key, const std::string& path,
                           std::string_view what, bool ranked);

}  // namespace catena::html
