// `catena explain`: the card as JSON, as a table for a person and as CSV rows.
#include <fmt/format.h>

#include "catena/graph/output.hpp"
#include "catena/reports/explain.hpp"

#include "human.hpp"

namespace catena {

using Json = nlohmann::ordered_json;

namespace {

Json id_or_null(const InfluenceGraph& graph, NodeId node) {
    if (graph.opt_out(node)) return nullptr;
    return graph.external_id(node);
}

// An opted-out customer on a chain (between the explained one and a listed one) is not named.
std::string name_or_opted_out(const InfluenceGraph& graph, NodeId node) {
    return graph.opt_out(node) ? "(opted out)" : std::string(graph.name(node));
}

std::string_view type_name(const InfluenceGraph& graph, EdgeId edge) {
    return graph.types()[graph.type(edge)].name;
}

Json chain_json(const InfluenceGraph& graph, const Chain& chain) {
    Json links = Json::array();
    for (const ChainLink& link : chain.links)
        links.push_back({{"from", id_or_null(graph, link.from)},
                         {"from_name", name_or_opted_out(graph, link.from)},
                         {"to", id_or_null(graph, link.to)},
                         {"to_name", name_or_opted_out(graph, link.to)},
                         {"type", type_name(graph, link.edge)},
                         {"probability", link.weight}});
    return links;
}

Json customer_json(const InfluenceGraph& graph, NodeId node) {
    Json attributes = Json::object();
    for (std::size_t column = 0; column < graph.attribute_names().size(); ++column)
        attributes[graph.attribute_names()[column]] = graph.attribute(column, node);
    return {{"id", graph.external_id(node)},
            {"name", graph.name(node)},
            {"kind", to_string(graph.kind(node))},
            {"segment", graph.segment(node)},
            {"value", graph.has_value(node) ? Json(graph.value(node)) : Json(nullptr)},
            {"cost", graph.has_cost(node) ? Json(graph.cost(node)) : Json(nullptr)},
            {"opt_out", graph.opt_out(node)},
            {"attributes", std::move(attributes)}};
}

Json explained_json(const InfluenceGraph& graph, const ExplainedCustomer& c, double total,
                    bool reach, const ListedColumns& columns) {
    Json json = {{"id", graph.external_id(c.node)},
                 {"name", graph.name(c.node)},
                 {"probability", c.probability},
                 {"standard_error", c.standard_error}};
    if (reach) {
        json["own_value"] = c.own_value;
        json["value_contributed"] = c.contribution;
        json["share"] = total > 0.0 ? c.contribution / total : 0.0;
    }
    json["relationship"] = c.relationship.empty() ? Json(nullptr) : Json(c.relationship);
    json["chain_probability"] = c.chain.probability;
    json["chain"] = chain_json(graph, c.chain);
    if (!columns.empty()) json["columns"] = columns.json(graph, c.node);
    return json;
}

Json rest_json(const ExplainRest& rest, bool reach) {
    Json json = {{"customers", rest.customers}};
    if (reach)
        json["value_contributed"] = rest.contribution;
    else
        json["probability"] = rest.probability;
    return json;
}

Json step_json(const InfluenceGraph& graph, const ReferralStep& step, bool down) {
    Json json = {{"id", id_or_null(graph, step.node)},
                 {"name", name_or_opted_out(graph, step.node)}};
    if (down) json["referrer"] = id_or_null(graph, step.referrer);
    json["date"] = step.date == kNoDate ? Json(nullptr) : Json(format_iso_date(step.date));
    json["converted"] = step.converted;
    if (down) json["credited"] = step.credited;
    return json;
}

Json value_json(const ExplainReport& r) {
    const CustomerProfile& p = r.profile;
    return {{"own_value", r.own_value},
            {"own_value_from", r.own_from_transactions ? "transactions" : "value column"},
            {"rfm",
             {{"recency_days", p.recency_days < 0 ? Json(nullptr) : Json(p.recency_days)},
              {"frequency", p.frequency},
              {"monetary", p.monetary},
              {"r", p.r_score},
              {"f", p.f_score},
              {"m", p.m_score}}},
            {"network_value", r.network_value},
            {"network_half_width", r.network_half_width},
            {"network_standard_error", r.network_standard_error},
            {"referral_value", r.referral_value},
            {"influence_weighted_value", r.influence_weighted},
            {"rank", r.value_rank},
            {"quadrant", to_string(r.quadrant)}};
}

Json referrals_json(const InfluenceGraph& graph, const ExplainReport& r) {
    Json up = Json::array();
    for (const ReferralStep& step : r.referred_by) up.push_back(step_json(graph, step, false));
    Json levels = Json::array();
    for (const ReferralLevel& level : r.cascade) {
        Json listed = Json::array();
        for (const ReferralStep& step : level.listed)
            listed.push_back(step_json(graph, step, true));
        levels.push_back({{"level", level.level},
                          {"referrals", level.referrals},
                          {"converted", level.converted},
                          {"value", level.value},
                          {"listed", std::move(listed)}});
    }
    return {{"referred_by", std::move(up)},       {"referred_by_cut", r.referred_by_cut},
            {"referral_value", r.referral_value}, {"direct_referrals", r.direct_referrals},
            {"cascade_size", r.cascade_size},     {"cascade_depth", r.cascade_depth},
            {"levels", std::move(levels)}};
}

}  // namespace

Json to_json(const Dataset& dataset, const ExplainReport& r) {
    const InfluenceGraph& graph = dataset.graph;
    const ExplainOptions& o = r.options;
    Json scores = Json::array();
    for (const ExplainScore& s : r.scores) {
        Json score = {{"measure", s.measure},
                      {"score", s.score},
                      {"rank", s.rank},
                      {"percentile", s.percentile}};
        if (!s.note.empty()) score["note"] = s.note;
        scores.push_back(std::move(score));
    }
    Json top = Json::array();
    for (const NodeId member : r.community_summary.top_members)
        top.push_back({{"id", graph.external_id(member)}, {"name", graph.name(member)}});
    Json contributors = Json::array(), influencers = Json::array();
    for (const auto& c : r.contributors)
        contributors.push_back(explained_json(graph, c, r.breakdown_total, true, o.columns));
    for (const auto& c : r.influencers)
        influencers.push_back(explained_json(graph, c, 0.0, false, o.columns));
    return {{"customer", customer_json(graph, r.node)},
            {"parameters",
             {{"model", to_string(o.value.params.network.model)},
              {"probability", to_string(o.value.probability)},
              {"simulations", o.samples},
              {"seed", o.value.params.network.seed},
              {"epsilon", o.value.params.network.epsilon},
              {"delta", o.value.params.network.delta},
              {"top", o.top},
              {"depth", o.depth}}},
            {"customers", graph.num_nodes()},
            {"scores", std::move(scores)},
            {"community",
             {{"id", r.community},
              {"size", r.community_summary.size},
              {"total_value", r.community_summary.total_value},
              {"top_customers", std::move(top)},
              {"communities", r.communities},
              {"modularity", r.modularity}}},
            {"value", value_json(r)},
            {"network",
             {{"network_value", r.network_value},
              {"half_width", r.network_half_width},
              {"breakdown_total", r.breakdown_total},
              {"breakdown_standard_error", r.breakdown_standard_error},
              {"expected_reach", r.expected_reach},
              {"expected_reach_standard_error", r.expected_reach_standard_error},
              {"contributors", std::move(contributors)},
              {"others", rest_json(r.other_contributors, true)},
              {"opted_out", rest_json(r.opted_out_contributors, true)}}},
            {"moved_by",
             {{"expected_influencers", r.expected_influencers},
              {"standard_error", r.expected_influencers_standard_error},
              {"influencers", std::move(influencers)},
              {"others", rest_json(r.other_influencers, false)},
              {"opted_out", rest_json(r.opted_out_influencers, false)}}},
            {"referrals", referrals_json(graph, r)}};
}

namespace {

// "C0042 Noor El Amrani", or the id alone for a customer without a name.
std::string who(const InfluenceGraph& graph, NodeId node) {
    std::string text(graph.external_id(node));
    if (!graph.name(node).empty()) text += " " + std::string(graph.name(node));
    return text;
}

// "C0042 -friend 0.31-> C0107 -family 0.50-> C0333"
std::string chain_text(const InfluenceGraph& graph, const Chain& chain) {
    if (chain.links.empty()) return "";
    const auto id = [&](NodeId node) {
        return graph.opt_out(node) ? std::string("(opted out)")
                                   : std::string(graph.external_id(node));
    };
    std::string text = id(chain.links.front().from);
    for (const ChainLink& link : chain.links)
        text += fmt::format(" -{} {}-> {}", type_name(graph, link.edge), score(link.weight, 2),
                            id(link.to));
    return text;
}

std::string percent(double share) { return fmt::format("{:.1f}%", 100.0 * share); }

std::string customers_table(const InfluenceGraph& graph, const std::vector<ExplainedCustomer>& list,
                            double total, bool reach, const ListedColumns& columns) {
    std::string out;
    for (std::size_t index = 0; index < list.size(); ++index) {
        const ExplainedCustomer& c = list[index];
        out += fmt::format("  {:>2}. {}  ", index + 1, who(graph, c.node));
        for (std::size_t column = 0; column < columns.names().size(); ++column)
            out += fmt::format("[{}: {}] ", columns.names()[column],
                               columns.value(graph, column, c.node));
        out += fmt::format("p {} ± {}", score(c.probability, 3), score(c.standard_error, 2));
        if (reach)
            out += fmt::format(", own {}, contributes {} ({})", money(c.own_value),
                               money(c.contribution),
                               percent(total > 0 ? c.contribution / total : 0.0));
        out += c.relationship.empty() ? ", no direct tie"
                                      : fmt::format(", direct tie: {}", c.relationship);
        out += "\n";
        if (!c.chain.links.empty())
            out += fmt::format("      most likely chain ({}): {}\n", score(c.chain.probability, 3),
                               chain_text(graph, c.chain));
    }
    return out;
}

std::string header_text(const Dataset& dataset, const ExplainReport& r) {
    const InfluenceGraph& graph = dataset.graph;
    const NodeId node = r.node;
    std::string out = fmt::format("{} ({}", who(graph, node), to_string(graph.kind(node)));
    if (!graph.segment(node).empty()) out += fmt::format(", {}", graph.segment(node));
    out += ")\n";
    for (std::size_t column = 0; column < graph.attribute_names().size(); ++column)
        if (!graph.attribute(column, node).empty())
            out += fmt::format("  {}: {}\n", graph.attribute_names()[column],
                               graph.attribute(column, node));
    out += fmt::format("\nScores among {} customers\n", count(graph.num_nodes()));
    for (const ExplainScore& s : r.scores)
        out += fmt::format("  {:<12} {:>12}  rank {:>7}  top {:>5}{}\n", s.measure, score(s.score),
                           count(s.rank), percent(1.0 - s.percentile / 100.0),
                           s.note.empty() ? "" : "  (" + s.note + ")");
    out += fmt::format("\nCommunity {} of {} (modularity {:.4f}): {} customers, value {}\n",
                       r.community, r.communities, r.modularity, count(r.community_summary.size),
                       money(r.community_summary.total_value));
    std::string top;
    for (const NodeId member : r.community_summary.top_members)
        top += (top.empty() ? "" : ", ") + who(graph, member);
    if (!top.empty()) out += "  top members by PageRank: " + top + "\n";
    return out;
}

std::string value_text(const ExplainReport& r) {
    const CustomerProfile& p = r.profile;
    std::string out = fmt::format(
        "\nValue (as catena value): influence-weighted {}, rank {}, {}\n"
        "  own {} (from {})",
        money(r.influence_weighted), count(r.value_rank), to_string(r.quadrant), money(r.own_value),
        r.own_from_transactions ? "transactions" : "the value column");
    if (p.recency_days >= 0)
        out += fmt::format("; RFM {}{}{}: last purchase {} days ago, {} in the window, {} spent",
                           p.r_score, p.f_score, p.m_score, p.recency_days, p.frequency,
                           money(p.monetary));
    out += fmt::format("\n  network {} (± {} for every customer at once, standard error {})\n",
                       money(r.network_value), money(r.network_half_width),
                       money(r.network_standard_error));
    out += fmt::format("  referral {}\n", money(r.referral_value));
    return out;
}

// `what(one)`: "other reached customer(s)", "opted-out customer(s) (not listed)".
template <typename What>
std::string rest_text(const ExplainRest& rest, What&& what, bool reach) {
    if (rest.customers == 0) return "";
    return fmt::format("      {} {}{}\n", count(rest.customers), what(rest.customers == 1),
                       reach ? fmt::format(": {} together", money(rest.contribution)) : "");
}

std::string network_text(const Dataset& dataset, const ExplainReport& r) {
    const InfluenceGraph& graph = dataset.graph;
    std::string out = fmt::format(
        "\nWhat the network value is made of: a campaign seeded at {} alone reaches {} other "
        "customers on average (± {}), worth {} (± {}; {} simulations)\n",
        graph.external_id(r.node), score(r.expected_reach, 3),
        score(r.expected_reach_standard_error, 2), money(r.breakdown_total),
        money(r.breakdown_standard_error), count(r.options.samples));
    if (r.contributors.empty()) out += "  nobody with own value is reached\n";
    out += customers_table(graph, r.contributors, r.breakdown_total, true, r.options.columns);
    const auto others = [](bool one) {
        return std::string(one ? "other reached customer" : "other reached customers");
    };
    const auto opted_out = [](bool one) {
        return std::string(one ? "opted-out customer (not listed)"
                               : "opted-out customers (not listed)");
    };
    out += rest_text(r.other_contributors, others, true);
    out += rest_text(r.opted_out_contributors, opted_out, true);
    out += fmt::format(
        "\nWho moves {}: {} customers on average would reach them from a campaign of their own "
        "(± {})\n",
        graph.external_id(r.node), score(r.expected_influencers, 3),
        score(r.expected_influencers_standard_error, 2));
    if (r.influencers.empty()) out += "  nobody: no relationship leads to them\n";
    out += customers_table(graph, r.influencers, 0.0, false, r.options.columns);
    out += rest_text(
        r.other_influencers, [](bool one) { return std::string(one ? "other" : "others"); }, false);
    out += rest_text(r.opted_out_influencers, opted_out, false);
    return out;
}

std::string step_text(const InfluenceGraph& graph, const ReferralStep& step) {
    const std::string customer = graph.opt_out(step.node) ? "(opted out)" : who(graph, step.node);
    return fmt::format("{}{}, {}", customer,
                       step.date == kNoDate ? "" : ", " + format_iso_date(step.date),
                       step.converted ? "converted" : "not converted");
}

std::string referral_text(const Dataset& dataset, const ExplainReport& r) {
    const InfluenceGraph& graph = dataset.graph;
    std::string out = fmt::format(
        "\nReferrals: referral value {}; brought in {} directly, {} in all, {} levels deep\n",
        money(r.referral_value), count(r.direct_referrals), count(r.cascade_size), r.cascade_depth);
    if (r.referred_by.empty()) out += "  referred by nobody (a root of the referral forest)\n";
    for (std::size_t index = 0; index < r.referred_by.size(); ++index)
        out += fmt::format("  {}referred by {}\n", std::string(2 * index, ' '),
                           step_text(graph, r.referred_by[index]));
    if (r.referred_by_cut) out += "  ... and further up (--depth)\n";
    for (const ReferralLevel& level : r.cascade) {
        out += fmt::format("  level {}: {} referral{}, {} converted, value {}\n", level.level,
                           count(level.referrals), level.referrals == 1 ? "" : "s",
                           count(level.converted), money(level.value));
        for (const ReferralStep& step : level.listed)
            out += fmt::format("    {}{}\n", step_text(graph, step),
                               level.level == 1 ? std::string()
                               : graph.opt_out(step.referrer)
                                   ? std::string(" (by an opted-out customer)")
                                   : fmt::format(" (by {})", graph.external_id(step.referrer)));
        if (level.listed.size() < level.referrals)
            out += fmt::format("    ... {} more (--top)\n", level.referrals - level.listed.size());
    }
    return out;
}

std::string csv_row(const InfluenceGraph& graph, const char* section, std::uint32_t level,
                    std::size_t order, const ExplainedCustomer& c, double total, bool reach,
                    const ListedColumns& columns) {
    return fmt::format("{},{},{},{},{},{},{},{},{},{},{},{},{},,{}\n", section, level, order,
                       csv_field(graph.external_id(c.node)), csv_field(graph.name(c.node)),
                       c.probability, c.standard_error, reach ? fmt::format("{}", c.own_value) : "",
                       reach ? fmt::format("{}", c.contribution) : "",
                       reach && total > 0 ? fmt::format("{}", c.contribution / total) : "",
                       csv_field(c.relationship), c.chain.probability,
                       csv_field(chain_text(graph, c.chain)), columns.csv_cells(graph, c.node));
}

std::string csv_text(const Dataset& dataset, const ExplainReport& r) {
    const InfluenceGraph& graph = dataset.graph;
    std::string out =
        "section,level,order,id,name,probability,standard_error,own_value,value_contributed,"
        "share,relationship,chain_probability,chain,date,converted" +
        r.options.columns.csv_header() + "\n";
    for (std::size_t index = 0; index < r.contributors.size(); ++index)
        out += csv_row(graph, "reaches", 0, index + 1, r.contributors[index], r.breakdown_total,
                       true, r.options.columns);
    for (std::size_t index = 0; index < r.influencers.size(); ++index)
        out += csv_row(graph, "moved_by", 0, index + 1, r.influencers[index], 0.0, false,
                       r.options.columns);
    const auto step_row = [&](const char* section, std::uint32_t level, std::size_t order,
                              const ReferralStep& step) {
        const bool opted_out = graph.opt_out(step.node);
        out += fmt::format("{},{},{},{},{},,,,,,,,,{},{}{}\n", section, level, order,
                           opted_out ? "" : csv_field(graph.external_id(step.node)),
                           csv_field(name_or_opted_out(graph, step.node)),
                           step.date == kNoDate ? "" : format_iso_date(step.date), step.converted,
                           opted_out ? std::string(r.options.columns.names().size(), ',')
                                     : r.options.columns.csv_cells(graph, step.node));
    };
    for (std::size_t index = 0; index < r.referred_by.size(); ++index)
        step_row("referred_by", static_cast<std::uint32_t>(index + 1), 1, r.referred_by[index]);
    for (const ReferralLevel& level : r.cascade)
        for (std::size_t index = 0; index < level.listed.size(); ++index)
            step_row("referred", level.level, index + 1, level.listed[index]);
    return out;
}

}  // namespace

std::string render(const Dataset& dataset, const ExplainReport& report, OutputFormat format) {
    switch (format) {
        case OutputFormat::json:
            return to_json(dataset, report).dump(2) + "\n";
        case OutputFormat::csv:
            return csv_text(dataset, report);
        case OutputFormat::table:
            break;
    }
    return header_text(dataset, report) + value_text(report) + network_text(dataset, report) +
           referral_text(dataset, report);
}

}  // namespace catena
