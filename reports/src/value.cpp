#include "catena/reports/value.hpp"

#include <algorithm>
#include <optional>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "catena/graph/errors.hpp"

#include "human.hpp"

namespace catena {

namespace {

std::string date_or_none(Date date) {
    return date == kNoDate ? std::string() : format_iso_date(date);
}

std::string rfm(const CustomerProfile& profile) {
    if (profile.r_score == 0) return "-";
    return fmt::format("{}{}{}", profile.r_score, profile.f_score, profile.m_score);
}

std::string shorten(std::string_view text, std::size_t width) {
    std::string out(text);
    if (out.size() <= width) return out;
    std::size_t cut = width - 3;
    while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) --cut;  // UTF-8
    return out.substr(0, cut) + "...";
}

void add(ValueGroup& group, const CustomerValueResult& r, NodeId node) {
    ++group.customers;
    group.own_value += r.profile.own_value[node];
    group.network_value += r.network.network_value[node];
    group.referral_value += r.referral.referral_value[node];
    group.influence_weighted_value += r.influence_weighted[node];
    ++group.by_quadrant[static_cast<std::size_t>(r.quadrant[node])];
}

nlohmann::ordered_json group_json(const ValueGroup& group, bool with_quadrants) {
    nlohmann::ordered_json json = {{"name", group.name},
                                   {"customers", group.customers},
                                   {"own_value", group.own_value},
                                   {"network_value", group.network_value},
                                   {"referral_value", group.referral_value},
                                   {"influence_weighted_value", group.influence_weighted_value}};
    if (with_quadrants) {
        nlohmann::ordered_json quadrants;
        for (int quadrant = 0; quadrant < kQuadrants; ++quadrant)
            quadrants[std::string(to_string(static_cast<Quadrant>(quadrant)))] =
                group.by_quadrant[static_cast<std::size_t>(quadrant)];
        json["quadrants"] = quadrants;
    }
    return json;
}

nlohmann::ordered_json parameters(const ValueReport& report) {
    const ValueParams& p = report.options.params;
    const CustomerValueResult& r = report.result;
    return {{"as_of", date_or_none(r.profile.as_of)},
            {"window_days", p.profile.window_days},
            {"model", to_string(p.network.model)},
            {"probability", to_string(report.options.probability)},
            {"eps", p.network.epsilon},
            {"delta", p.network.delta},
            {"rr_sets", r.network.rr_sets},
            {"seed", p.network.seed},
            {"depth_discount", p.referral.depth_discount},
            {"converted_only", p.referral.converted_only},
            {"network_weight", p.network_weight},
            {"referral_weight", p.referral_weight},
            {"own_threshold", p.own_threshold ? nlohmann::ordered_json(*p.own_threshold)
                                              : nlohmann::ordered_json("median")},
            {"influence_threshold", p.influence_threshold
                                        ? nlohmann::ordered_json(*p.influence_threshold)
                                        : nlohmann::ordered_json("median")}};
}

nlohmann::ordered_json customer_json(const InfluenceGraph& graph, const CustomerValueResult& r,
                                     NodeId node) {
    const CustomerProfile& profile = r.profile.customers[node];
    const bool bought = profile.recency_days >= 0;
    const NodeId by = r.referral.referred_by[node];
    nlohmann::ordered_json row = {
        {"rank", r.rank[node]},
        {"id", graph.external_id(node)},
        {"name", graph.name(node)},
        {"kind", to_string(graph.kind(node))},
        {"segment", graph.segment(node)},
        {"quadrant", to_string(r.quadrant[node])},
        {"own_value", r.profile.own_value[node]},
        {"own_value_source", r.profile.own_from_transactions[node] ? "transactions" : "value"},
        {"network_value", r.network.network_value[node]},
        {"network_standard_error", r.network.standard_error[node]},
        {"network_half_width", r.network.half_width[node]},
        {"referral_value", r.referral.referral_value[node]},
        {"direct_referrals", r.referral.direct_referrals[node]},
        {"direct_value", r.referral.direct_value[node]},
        {"cascade_size", r.referral.cascade_size[node]},
        {"cascade_depth", r.referral.cascade_depth[node]},
        {"referred_by", by == kNoNode ? nlohmann::ordered_json(nullptr)
                                      : nlohmann::ordered_json(graph.external_id(by))},
        {"influence_value", r.influence[node]},
        {"influence_weighted_value", r.influence_weighted[node]}};
    row["rfm"] = {{"recency_days", bought ? nlohmann::ordered_json(profile.recency_days) : nullptr},
                  {"frequency", profile.frequency},
                  {"monetary", profile.monetary},
                  {"tenure_days", bought ? nlohmann::ordered_json(profile.tenure_days) : nullptr},
                  {"r", profile.r_score},
                  {"f", profile.f_score},
                  {"m", profile.m_score}};
    return row;
}

// The customers of `listed` as CSV rows, with the header.
std::string value_csv(const InfluenceGraph& graph, const CustomerValueResult& r,
                      const std::vector<NodeId>& listed, const ListedColumns& columns) {
    const auto referrer = [&](NodeId node) {
        const NodeId by = r.referral.referred_by[node];
        return by == kNoNode ? std::string() : std::string(graph.external_id(by));
    };
    std::string out =
        "rank,id,name,kind,segment,quadrant,own_value,own_value_source,network_value,network_"
        "standard_error,"
        "network_half_width,referral_value,direct_referrals,direct_value,cascade_size,cascade_"
        "depth,referred_by,"
        "influence_value,influence_weighted_value,recency_days,frequency,monetary,tenure_days,"
        "r_score,f_score,m_score" +
        columns.csv_header() + "\n";
    for (const NodeId node : listed) {
        const CustomerProfile& profile = r.profile.customers[node];
        const bool bought = profile.recency_days >= 0;
        out += fmt::format(
            "{},{},{},{},{},{},{:.2f},{},{:.2f},{:.2f},{:.2f},{:.2f},{},{:.2f},{},{},{},{:.2f},"
            "{:.2f},{},{},{:.2f},{},{},{},{}{}\n",
            r.rank[node], csv_field(graph.external_id(node)), csv_field(graph.name(node)),
            to_string(graph.kind(node)), csv_field(graph.segment(node)),
            to_string(r.quadrant[node]), r.profile.own_value[node],
            r.profile.own_from_transactions[node] ? "transactions" : "value",
            r.network.network_value[node], r.network.standard_error[node],
            r.network.half_width[node], r.referral.referral_value[node],
            r.referral.direct_referrals[node], r.referral.direct_value[node],
            r.referral.cascade_size[node], r.referral.cascade_depth[node],
            csv_field(referrer(node)), r.influence[node], r.influence_weighted[node],
            bought ? std::to_string(profile.recency_days) : "", profile.frequency, profile.monetary,
            bought ? std::to_string(profile.tenure_days) : "", profile.r_score, profile.f_score,
            profile.m_score, columns.csv_cells(graph, node));
    }
    return out;
}

// The table's opening lines: the RFM window, the value formula, the models and the thresholds.
std::string value_table_intro(const InfluenceGraph& graph, const ValueReport& report) {
    const CustomerValueResult& r = report.result;
    const ValueParams& p = report.options.params;
    std::string out = fmt::format("Customer value of {} customers", count(graph.num_nodes()));
    if (r.profile.as_of != kNoDate)
        out += fmt::format(", as of {} (RFM window: {} days from {})",
                           format_iso_date(r.profile.as_of), p.profile.window_days,
                           format_iso_date(r.profile.window_start));
    else
        out += " (no transactions: no RFM profile)";
    out += fmt::format("\nInfluence-weighted value = own + {} x network + {} x referral\n",
                       p.network_weight, p.referral_weight);
    const std::string model = p.network.model == DiffusionModel::linear_threshold
                                  ? std::string("Linear Threshold")
                                  : "Independent Cascade, " + to_string(report.options.probability);
    if (r.network.rr_sets > 0)
        out += fmt::format(
            "Network value: {}; {} RR sets (seed {}): every value within +/- {} ({:.4g} of the "
            "total "
            "own value {}) with probability {:.4g}\n",
            model, count(r.network.rr_sets), p.network.seed, money(r.network.error_bound),
            r.network.epsilon, money(r.network.total_value), 1.0 - r.network.delta);
    else
        out += fmt::format("Network value: {}; no own value to reach, so 0 for everyone\n", model);
    out += fmt::format("Referral value: {} referrals credited ({}), depth discount {}\n",
                       count(r.referral.referrals_used),
                       p.referral.converted_only ? "converted only" : "all",
                       p.referral.depth_discount);
    out += fmt::format(
        "Quadrants: own value above {} is high{}; influence (network and referral) above {} is "
        "high{}\n",
        money(r.own_threshold), p.own_threshold ? "" : " (the median)",
        money(r.influence_threshold), p.influence_threshold ? "" : " (the median)");
    for (const std::string& note : r.notes) out += "Note: " + note + "\n";
    return out;
}

// The table of the quadrants and the table of the segments, each after a blank line.
std::string value_group_tables(const ValueReport& report) {
    std::string out =
        fmt::format("\n{:<20}  {:>9}  {:>14}  {:>14}  {:>14}  {:>18}\n", "quadrant", "customers",
                    "own value", "network value", "referral value", "influence-weighted");
    for (const ValueGroup& group : report.quadrants)
        out +=
            fmt::format("{:<20}  {:>9}  {:>14}  {:>14}  {:>14}  {:>18}\n", group.name,
                        count(group.customers), money(group.own_value), money(group.network_value),
                        money(group.referral_value), money(group.influence_weighted_value));

    std::size_t segment_width = 7;
    for (const ValueGroup& group : report.segments)
        segment_width = std::max(segment_width, group.name.size());
    out += fmt::format(
        "\n{:<{}}  {:>9}  {:>14}  {:>14}  {:>14}  {:>18}  {:>9}  {:>6}  {:>7}  {:>6}\n", "segment",
        segment_width, "customers", "own value", "network value", "referral value",
        "influence-weighted", "champions", "hidden", "loners", "others");
    for (const ValueGroup& group : report.segments)
        out += fmt::format(
            "{:<{}}  {:>9}  {:>14}  {:>14}  {:>14}  {:>18}  {:>9}  {:>6}  {:>7}  {:>6}\n",
            group.name.empty() ? "(none)" : group.name, segment_width, count(group.customers),
            money(group.own_value), money(group.network_value), money(group.referral_value),
            money(group.influence_weighted_value), count(group.by_quadrant[0]),
            count(group.by_quadrant[1]), count(group.by_quadrant[2]), count(group.by_quadrant[3]));
    return out;
}

// The listed customers' table, after a line saying which they are.
std::string value_customer_table(const InfluenceGraph& graph, const CustomerValueResult& r,
                                 const ValueFilter& filter, const std::vector<NodeId>& listed,
                                 std::uint64_t opted_out_passed) {
    std::string out = fmt::format("\n{} customers by influence-weighted value", listed.size());
    if (!filter.quadrant.empty())
        out += fmt::format(", {} only", to_string(parse_quadrant(filter.quadrant)));
    if (!filter.segment.empty()) out += fmt::format(", segment {}", filter.segment);
    out += " (RFM: recency, frequency, monetary scores 1-5)\n";
    if (opted_out_passed > 0)
        out += fmt::format(
            "{} opted-out customer{} ranked among these not listed; ranks count every customer\n",
            count(opted_out_passed), opted_out_passed == 1 ? "" : "s");
    std::size_t id_width = 2, name_width = 4, segment_width = 7;
    for (const NodeId node : listed) {
        id_width = std::max(id_width, graph.external_id(node).size());
        name_width = std::max(name_width, graph.name(node).size());
        segment_width = std::max(segment_width, graph.segment(node).size());
    }
    name_width = std::min<std::size_t>(name_width, 28);
    const std::vector<std::size_t> widths = filter.columns.widths(graph, listed);
    out += fmt::format(
        "{:>5}  {:<{}}  {:<{}}  {:<{}}  {:>12}  {:>12}  {:>10}  {:>12}  {:>14}  {:<18}  {:>3}{}\n",
        "rank", "id", id_width, "name", name_width, "segment", segment_width, "own value",
        "network", "+/-", "referral", "weighted value", "quadrant", "RFM",
        filter.columns.table_header(widths));
    for (const NodeId node : listed)
        out += fmt::format(
            "{:>5}  {:<{}}  {:<{}}  {:<{}}  {:>12}  {:>12}  {:>10}  {:>12}  {:>14}  {:<18}  "
            "{:>3}{}\n",
            r.rank[node], graph.external_id(node), id_width, shorten(graph.name(node), name_width),
            name_width, graph.segment(node), segment_width, money(r.profile.own_value[node]),
            money(r.network.network_value[node]), money(r.network.half_width[node]),
            money(r.referral.referral_value[node]), money(r.influence_weighted[node]),
            to_string(r.quadrant[node]), rfm(r.profile.customers[node]),
            filter.columns.table_cells(graph, node, widths));
    return out;
}

}  // namespace

nlohmann::ordered_json to_json(const Dataset& dataset, const ValueReport& report,
                               const ValueFilter& filter) {
    const InfluenceGraph& graph = dataset.graph;
    const CustomerValueResult& r = report.result;
    std::uint64_t opted_out_passed = 0;
    const std::vector<NodeId> listed = select_customers(dataset, report, filter, &opted_out_passed);
    nlohmann::ordered_json json;
    json["customers"] = graph.num_nodes();
    json["parameters"] = parameters(report);
    json["window_start"] = date_or_none(r.profile.window_start);
    json["transactions"] = {{"in_window", r.profile.transactions_in_window},
                            {"before_window", r.profile.transactions_before_window},
                            {"after_as_of", r.profile.transactions_after_as_of}};
    json["network"] = {{"rr_sets", r.network.rr_sets},
                       {"rr_entries", r.network.rr_entries},
                       {"total_own_value", r.network.total_value},
                       {"epsilon", r.network.epsilon},
                       {"delta", r.network.delta},
                       {"error_bound", r.network.error_bound}};
    json["referrals"] = {{"credited", r.referral.referrals_used},
                         {"not_converted", r.referral.referrals_not_converted},
                         {"after_as_of", r.referral.referrals_after_as_of},
                         {"duplicate", r.referral.referrals_duplicate}};
    json["thresholds"] = {{"own_value", r.own_threshold},
                          {"influence_value", r.influence_threshold}};
    json["notes"] = r.notes;
    nlohmann::ordered_json quadrants = nlohmann::ordered_json::array();
    for (const ValueGroup& group : report.quadrants) quadrants.push_back(group_json(group, false));
    json["quadrants"] = quadrants;
    nlohmann::ordered_json segments = nlohmann::ordered_json::array();
    for (const ValueGroup& group : report.segments) segments.push_back(group_json(group, true));
    json["segments"] = segments;
    json["filter"] = {
        {"top", filter.top}, {"quadrant", filter.quadrant}, {"segment", filter.segment}};
    nlohmann::ordered_json rows = nlohmann::ordered_json::array();
    for (const NodeId node : listed) {
        rows.push_back(customer_json(graph, r, node));
        if (!filter.columns.empty()) rows.back()["columns"] = filter.columns.json(graph, node);
    }
    json["top"] = rows;
    json["opted_out_not_listed"] = opted_out_passed;
    return json;
}

ValueReport run_value(const Dataset& dataset, const ValueOptions& options) {
    const InfluenceGraph& graph = dataset.graph;
    options.params.validate();
    std::vector<double> stated;
    const DiffusionWeights weights = sampling_weights(
        graph, options.params.network.model, options.probability, dataset.referrals, stated);
    ValueReport report;
    report.options = options;
    report.result = options.network ? customer_value(dataset, options.params,
                                                     [&](std::span<const double> own) {
                                                         return options.network(own, options);
                                                     })
                                    : customer_value(dataset, weights, options.params);
    const CustomerValueResult& r = report.result;
    report.quadrants.resize(kQuadrants);
    for (int quadrant = 0; quadrant < kQuadrants; ++quadrant)
        report.quadrants[static_cast<std::size_t>(quadrant)].name =
            to_string(static_cast<Quadrant>(quadrant));
    std::vector<ValueGroup> segments(graph.segment_names().size());
    for (std::size_t code = 0; code < segments.size(); ++code)
        segments[code].name = graph.segment_names()[code];
    for (NodeId node = 0; node < graph.num_nodes(); ++node) {
        add(report.quadrants[static_cast<std::size_t>(r.quadrant[node])], r, node);
        add(segments[graph.segment_code(node)], r, node);
    }
    for (ValueGroup& segment : segments)
        if (segment.customers > 0) report.segments.push_back(std::move(segment));
    return report;
}

std::vector<NodeId> select_customers(const Dataset& dataset, const ValueReport& report,
                                     const ValueFilter& filter, std::uint64_t* opted_out_passed) {
    const InfluenceGraph& graph = dataset.graph;
    std::optional<Quadrant> quadrant;
    if (!filter.quadrant.empty()) quadrant = parse_quadrant(filter.quadrant);
    std::optional<std::uint32_t> segment;
    if (!filter.segment.empty()) {
        const auto& names = graph.segment_names();
        const auto found = std::find(names.begin(), names.end(), filter.segment);
        if (found == names.end())
            throw UsageError("--segment: no customer is in segment '" + filter.segment + "'");
        segment = static_cast<std::uint32_t>(found - names.begin());
    }
    std::vector<NodeId> selected;
    std::uint64_t passed = 0;
    for (const NodeId node : report.result.by_rank) {
        if (filter.top > 0 && selected.size() >= filter.top) break;
        if (quadrant && report.result.quadrant[node] != *quadrant) continue;
        if (segment && graph.segment_code(node) != *segment) continue;
        if (graph.opt_out(node))
            ++passed;
        else
            selected.push_back(node);
    }
    if (opted_out_passed) *opted_out_passed = passed;
    return selected;
}

std::string format_value(const Dataset& dataset, const ValueReport& report, OutputFormat format,
                         const ValueFilter& filter) {
    const InfluenceGraph& graph = dataset.graph;
    const CustomerValueResult& r = report.result;
    std::uint64_t opted_out_passed = 0;
    const std::vector<NodeId> listed = select_customers(dataset, report, filter, &opted_out_passed);
    if (format == OutputFormat::csv) return value_csv(graph, r, listed, filter.columns);
    if (format == OutputFormat::json) return to_json(dataset, report, filter).dump(2) + "\n";
    // Table, for people.
    std::string out = value_table_intro(graph, report);
    out += value_group_tables(report);
    out += value_customer_table(graph, r, filter, listed, opted_out_passed);
    return out;
}

std::string value_parameters_json(const ValueReport& report) { return parameters(report).dump(); }

std::string value_summary_json(const Dataset& dataset, const ValueReport& report) {
    const CustomerValueResult& r = report.result;
    nlohmann::ordered_json quadrants;
    for (const ValueGroup& group : report.quadrants) quadrants[group.name] = group.customers;
    nlohmann::ordered_json top = nlohmann::ordered_json::array();
    ValueFilter best;
    best.top = 5;
    for (const NodeId node : select_customers(dataset, report, best))
        top.push_back(dataset.graph.external_id(node));
    const nlohmann::ordered_json summary = {{"as_of", date_or_none(r.profile.as_of)},
                                            {"rr_sets", r.network.rr_sets},
                                            {"epsilon", r.network.epsilon},
                                            {"error_bound", r.network.error_bound},
                                            {"own_threshold", r.own_threshold},
                                            {"influence_threshold", r.influence_threshold},
                                            {"quadrants", quadrants},
                                            {"top", top},
                                            {"notes", r.notes}};
    return summary.dump();
}

std::vector<CustomerValueRow> customer_value_rows(const ValueReport& report) {
    const CustomerValueResult& v = report.result;
    std::vector<CustomerValueRow> rows(v.rank.size());
    for (std::size_t node = 0; node < rows.size(); ++node)
        rows[node] = {v.profile.own_value[node],
                      v.network.network_value[node],
                      v.referral.referral_value[node],
                      v.influence_weighted[node],
                      v.rank[node],
                      std::string(to_string(v.quadrant[node]))};
    return rows;
}

}  // namespace catena
