#include "report_workbook.hpp"

#include <fstream>
#include <iterator>
#include <map>

#include <fmt/format.h>

#include "catena/graph/errors.hpp"
#include "catena/reports/workbook.hpp"

namespace catena {

namespace {

using json = nlohmann::ordered_json;
using Cell = Workbook::Cell;

// The Summary sheet's rows: section, finding, value. A value summary.json does not have (an
// analysis that did not run, a key of another version) gives no row.
class SummaryRows {
  public:
    explicit SummaryRows(const json& summary) : summary_(summary) {}

    // summary[path...] or null.
    const json& at(std::initializer_list<std::string_view> path) const {
        const json* node = &summary_;
        for (const std::string_view key : path) {
            if (!node->is_object()) return null_;
            const auto found = node->find(std::string(key));
            if (found == node->end()) return null_;
            node = &*found;
        }
        return *node;
    }
    // The first element of an array, or null.
    static const json& first(const json& list) {
        return list.is_array() && !list.empty() ? list.front() : null_;
    }
    static const json& field(const json& object, std::string_view key) {
        if (!object.is_object()) return null_;
        const auto found = object.find(std::string(key));
        return found == object.end() ? null_ : *found;
    }

    // A row when `value` is a number, text, true/false or a list of them (joined by ", ").
    void add(std::string_view section, std::string_view finding, const json& value) {
        Cell cell;
        if (value.is_number()) {
            cell = value.get<double>();
        } else if (value.is_string()) {
            cell = value.get<std::string>();
        } else if (value.is_boolean()) {
            cell = std::string(value.get<bool>() ? "yes" : "no");
        } else if (value.is_array() && !value.empty()) {
            std::string text;
            for (const json& item : value) {
                if (!item.is_primitive() || item.is_null()) return;
                text += (text.empty() ? "" : ", ") +
                        (item.is_string() ? item.get<std::string>() : item.dump());
            }
            cell = std::move(text);
        } else {
            return;
        }
        rows.push_back({std::string(section), std::string(finding), std::move(cell)});
    }

    std::vector<std::vector<Cell>> rows;

  private:
    const json& summary_;
    static inline const json null_ = nullptr;
};

void report_rows(SummaryRows& out) {
    out.add("Report", "job", out.at({"job", "name"}));
    out.add("Report", "job file", out.at({"job", "file"}));
    out.add("Report", "finished at (UTC)", out.at({"run", "finished_at"}));
    out.add("Report", "input fingerprint", out.at({"run", "input_fingerprint"}));
    out.add("Report", "seed", out.at({"run", "seed"}));
    out.add("Report", "saved as run", out.at({"run", "saved_as_run"}));
    out.add("Report", "catena version", out.at({"catena_version"}));
}

void data_rows(SummaryRows& out) {
    const char* const counts[][2] = {{"source", "source"},
                                     {"customers", "customers"},
                                     {"people", "people"},
                                     {"businesses", "businesses"},
                                     {"opted_out", "customers who opted out"},
                                     {"relationships", "relationships"},
                                     {"referrals", "referrals"},
                                     {"transactions", "transactions"},
                                     {"skipped_rows", "bad rows skipped"},
                                     {"filtered_rows", "rows filtered by the mapping"},
                                     {"merged_customers", "customers merged by key"}};
    for (const auto& [key, finding] : counts) out.add("Data", finding, out.at({"data", key}));
    for (const json& segment : out.at({"data", "segments"}))
        if (SummaryRows::field(segment, "name").is_string())
            out.add(
                "Data",
                "customers in segment " + SummaryRows::field(segment, "name").get<std::string>(),
                SummaryRows::field(segment, "count"));
    for (const json& type : out.at({"data", "relationship_types"}))
        if (SummaryRows::field(type, "name").is_string())
            out.add("Data",
                    "relationships of type " + SummaryRows::field(type, "name").get<std::string>(),
                    SummaryRows::field(type, "count"));
}

void influencer_rows(SummaryRows& out) {
    const json& top = SummaryRows::first(out.at({"influencers", "top"}));
    out.add("Influencers", "measure", out.at({"influencers", "measure"}));
    out.add("Influencers", "top influencer", SummaryRows::field(top, "id"));
    out.add("Influencers", "top influencer's name", SummaryRows::field(top, "name"));
    out.add("Influencers", "top influencer's score", SummaryRows::field(top, "score"));
}

void value_rows(SummaryRows& out) {
    const json& top = SummaryRows::first(out.at({"value", "top"}));
    out.add("Value", "total own value", out.at({"value", "network", "total_own_value"}));
    for (const json& quadrant : out.at({"value", "quadrants"}))
        if (SummaryRows::field(quadrant, "name").is_string())
            out.add("Value", SummaryRows::field(quadrant, "name").get<std::string>(),
                    SummaryRows::field(quadrant, "customers"));
    out.add("Value", "most valuable counting influence", SummaryRows::field(top, "id"));
    out.add("Value", "its influence-weighted value",
            SummaryRows::field(top, "influence_weighted_value"));
}

void community_rows(SummaryRows& out) {
    const json& largest = SummaryRows::first(out.at({"communities", "largest"}));
    out.add("Communities", "method", out.at({"communities", "method"}));
    out.add("Communities", "communities", out.at({"communities", "count"}));
    out.add("Communities", "modularity", out.at({"communities", "modularity"}));
    out.add("Communities", "largest community", SummaryRows::field(largest, "community"));
    out.add("Communities", "largest community's customers", SummaryRows::field(largest, "size"));
}

// Seeds, the strategies compared, the simulated campaign and the referral cascades.
void campaign_rows(SummaryRows& out) {
    const bool value_objective = out.at({"seeds", "objective"}) == "value";
    out.add("Seeds", "seed customers", out.at({"seeds", "k"}));
    out.add("Seeds", "objective", out.at({"seeds", "objective"}));
    json ids = json::array();
    for (const json& seed : out.at({"seeds", "seeds"}))
        if (SummaryRows::field(seed, "id").is_string()) ids.push_back(seed.at("id"));
    out.add("Seeds", "seeds, in the order chosen", ids);
    out.add("Seeds", value_objective ? "expected value reached" : "expected customers reached",
            out.at({"seeds", "simulated_spread"}));
    out.add("Seeds", "estimated before simulation", out.at({"seeds", "estimated_spread"}));
    if (!value_objective)
        out.add("Seeds", "expected value reached", out.at({"seeds", "expected_value"}));
    out.add("Seeds", "certified share of the best possible reach",
            out.at({"seeds", "certified_approximation"}));
    if (out.at({"seeds", "budget"}).is_number() && out.at({"seeds", "budget"}) > 0) {
        out.add("Seeds", "budget", out.at({"seeds", "budget"}));
        out.add("Seeds", "spent", out.at({"seeds", "spent"}));
    }
    for (const json& strategy : out.at({"compare", "strategies"})) {
        const json& name = SummaryRows::field(strategy, "name");
        const json& spread = SummaryRows::field(strategy, "expected_spread");
        if (name.is_string() && spread.is_array() && !spread.empty())
            out.add("Compare",
                    fmt::format("expected customers reached by {} with {} seeds",
                                name.get<std::string>(), spread.size()),
                    spread.back());
    }
    out.add("Simulate", "seeds", out.at({"simulate", "seeds"}));
    out.add("Simulate", "expected customers reached", out.at({"simulate", "expected_spread"}));
    out.add("Simulate", "expected value reached", out.at({"simulate", "expected_value"}));
    out.add("Referrals", "referral cascades", out.at({"referrals", "cascades"}));
    out.add("Referrals", "longest cascade (steps)", out.at({"referrals", "max_depth"}));
}

// What changed since the run the report built on (--since-run): the summary's `changes`.
void change_rows(SummaryRows& out) {
    const json& changes = out.at({"changes"});
    if (!changes.is_object()) return;
    const std::string section = "What changed";
    out.add(section, "since run", out.at({"changes", "from", "id"}));
    const char* const rows[][2] = {{"customers", "new customers"},
                                   {"relationships", "new relationships"},
                                   {"referrals", "new referrals"},
                                   {"transactions", "new transactions"}};
    for (const auto& [key, finding] : rows)
        out.add(section, finding, out.at({"changes", "input", "new_rows", key}));
    out.add(section, "customers who joined", out.at({"changes", "customers", "joined"}));
    out.add(section, "customers who left", out.at({"changes", "customers", "left"}));
    out.add(section, "PageRank iterations, warm-started",
            out.at({"run", "reuse", "pagerank", "iterations"}));
    const auto ids = [](const json& list) {
        json result = json::array();
        for (const json& item : list)
            if (SummaryRows::field(item, "id").is_string()) result.push_back(item.at("id"));
        return result;
    };
    out.add(section, "rising influencers", ids(out.at({"changes", "influencers", "risers"})));
    out.add(section, "falling influencers", ids(out.at({"changes", "influencers", "fallers"})));
    const json& hidden = out.at({"changes", "quadrants", "new_hidden_influencers"});
    if (hidden.is_array()) {
        out.add(section, "new hidden influencers", json(hidden.size()));
        json first = json::array();
        for (std::size_t index = 0; index < std::min<std::size_t>(10, hidden.size()); ++index)
            first.push_back(hidden[index]);
        out.add(section, "new hidden influencers (the first 10)", first);
    }
    std::map<std::string, std::uint64_t> events;
    for (const json& change : out.at({"changes", "communities"}))
        if (SummaryRows::field(change, "event").is_string())
            ++events[change.at("event").get<std::string>()];
    for (const auto& [event, count] : events)
        out.add(section, "communities that " + event, json(count));
    out.add(section, "referrals by the earlier seeds",
            out.at({"changes", "campaign", "referrals"}));
    out.add(section, "of which converted", out.at({"changes", "campaign", "converted"}));
    out.add(section, "customers reached since", out.at({"changes", "campaign", "observed_reach"}));
    out.add(section, "reach the earlier run predicted",
            out.at({"changes", "campaign", "predicted_reach"}));
    out.add(section, "their purchases since", out.at({"changes", "campaign", "purchases"}));
    out.add(section, "worth", out.at({"changes", "campaign", "purchase_amount"}));
}

std::string read_whole(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw OutputError(path.string(), "cannot read it back for report.xlsx");
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

std::vector<std::string> write_report_workbook(const std::filesystem::path& path,
                                               const nlohmann::ordered_json& summary,
                                               const std::vector<std::filesystem::path>& tables) {
    SummaryRows rows(summary);
    // In the order of the HTML report's sections.
    report_rows(rows);
    data_rows(rows);
    change_rows(rows);
    influencer_rows(rows);
    value_rows(rows);
    community_rows(rows);
    campaign_rows(rows);
    Workbook workbook;
    workbook.add_sheet("Summary", {"section", "finding", "value"}, rows.rows);
    for (const std::filesystem::path& table : tables) {
        std::error_code error;
        if (!std::filesystem::is_regular_file(table, error)) continue;  // a device: nothing to read
        workbook.add_csv_sheet(table.stem().string(), read_whole(table), table.string());
    }
    workbook.write(path);
    return workbook.notes();
}

}  // namespace catena
