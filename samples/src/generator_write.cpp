// The generator's files: relationships.csv (and edges.csv), referrals.csv, customers.csv,
// transactions.csv and communities.csv, written from the World that generator.cpp drew.

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "catena/graph/relationship_types.hpp"

#include "generator_internal.hpp"

namespace catena::generator_detail {

// The type of the relationship a, b (from the pair's hash and the kinds of its ends); orients
// the pair: the referrer first, else at random.
const char* relationship_type(const World& world, std::uint64_t hash, std::uint32_t& a,
                              std::uint32_t& b) {
    if (world.referrer[b] == a || world.referrer[a] == b) {
        if (world.referrer[a] == b) std::swap(a, b);  // referrer first
        return "referral";
    }
    if (hash & 1) std::swap(a, b);
    const double pick = unit(hash);
    const int businesses = world.business[a] + world.business[b];
    if (businesses == 0)
        return pick < 0.15   ? "family"
               : pick < 0.55 ? "friend"
               : pick < 0.75 ? "coworker"
               : pick < 0.90 ? ""
               : pick < 0.95 ? "influences"
                             : "friend";
    if (businesses == 1)
        return pick < 0.6 ? "professional" : pick < 0.85 ? "on_behalf" : "investor";
    return pick < 0.5 ? "supplier" : pick < 0.7 ? "intermediary" : "partner";
}

// relationships.csv (and edges.csv), in the pairs' order, with random orientation.
void write_relationships(const GeneratorParams& params, const std::filesystem::path& out,
                         const World& world, const std::vector<std::uint64_t>& pairs,
                         GeneratorSummary& summary) {
    const RelationshipTypes types;
    const Date first_join = world.joining.first_join, as_of = world.joining.as_of;
    CsvWriter relationships(out / "relationships.csv");
    relationships.text("source,target,type,weight,date").end_row();
    std::optional<CsvWriter> edges;
    if (params.edge_list) {
        edges.emplace(out / "edges.csv");
        edges->text("source,target,weight").end_row();
    }
    std::uint64_t across = 0;
    for (const auto pair : pairs) {
        auto a = static_cast<std::uint32_t>(pair >> 32), b = static_cast<std::uint32_t>(pair);
        const char* type = relationship_type(world, mix(params.seed, a, b), a, b);
        across += world.communities.of[a] != world.communities.of[b];
        const std::uint64_t detail = mix(params.seed ^ 0xABCDEFull, a, b);
        const bool has_weight = unit(detail) < 0.4;
        const double weight =
            has_weight ? std::round((0.2 + 2.8 * unit(detail * 31 + 7)) * 100) / 100 : 1.0;
        relationships.character(world.id_prefix(a))
            .integer(a)
            .comma()
            .character(world.id_prefix(b))
            .integer(b)
            .comma()
            .text(type)
            .comma();
        if (has_weight) relationships.fixed(weight, 2);
        relationships.comma();
        if (unit(detail * 17 + 3) < 0.7)
            relationships.date(
                first_join +
                static_cast<Date>((detail >> 20) % static_cast<std::uint64_t>(as_of - first_join)));
        relationships.end_row();
        if (edges) {
            const double strength = types[*types.find(*type ? type : "knows")].strength * weight;
            edges->character(world.id_prefix(a))
                .integer(a)
                .comma()
                .character(world.id_prefix(b))
                .integer(b)
                .comma()
                .fixed(strength, 3)
                .end_row();
        }
    }
    relationships.commit();
    if (edges) edges->commit();
    summary.relationships = pairs.size();
    summary.realised_mixing =
        pairs.empty() ? 0.0 : static_cast<double>(across) / static_cast<double>(pairs.size());
}

// referrals.csv, in joining order.
void write_referrals(const GeneratorParams& params, const std::filesystem::path& out,
                     const World& world) {
    CsvWriter referrals(out / "referrals.csv");
    referrals.text("referrer,referred,date,converted,reward").end_row();
    for (std::uint32_t k = 0; k < world.n; ++k) {
        const std::uint32_t node = world.joining.join_rank[k];
        const std::uint32_t by = world.referrer[node];
        if (by == UINT32_MAX) continue;
        const bool converted = unit(mix(params.seed ^ 0x5EEDull, by, node)) < world.propensity[by];
        referrals.character(world.id_prefix(by))
            .integer(by)
            .comma()
            .character(world.id_prefix(node))
            .integer(node)
            .comma()
            .date(world.joining.date(node));
        referrals.text(converted ? ",true," : ",false,");
        referrals
            .text(converted ? (world.business[by] && world.business[node] ? "100.00" : "10.00")
                            : "0.00")
            .end_row();
    }
    referrals.commit();
}

// A customer's segment, from its kind.
Segment draw_segment(const World& world, std::uint32_t node, Random& random) {
    const double pick = random.uniform();
    if (world.business[node]) return pick < 0.7 ? kSmb : pick < 0.8 ? kEnterprise : kHoreca;
    if (world.hidden[node]) return kOccasional;
    return pick < 0.5 ? kRegular : pick < 0.85 ? kOccasional : kPremium;
}

// A customer's rows of transactions.csv, the purchases between joining (or the window start) and
// churning (or the as-of date); some on behalf of a neighbour. Returns the count; adds the last
// year's amounts to last_year.
std::uint32_t write_transactions(CsvWriter& transactions, const GeneratorParams& params,
                                 const World& world, std::uint32_t node, Segment segment,
                                 Random& random, double& last_year) {
    double mean_frequency = 0;
    for (std::size_t s = 0; s < kFrequency.size(); ++s) mean_frequency += kFrequency[s];
    mean_frequency /= static_cast<double>(kFrequency.size());
    const Date as_of = world.joining.as_of;
    const Date window_start = as_of - 729;  // two years of purchases
    const Date active_from = std::max(window_start, world.joining.date(node));
    Date active_to = as_of;
    if (random.chance(0.15)) active_to = as_of - 270 - static_cast<Date>(random.below(450));
    const double mean = world.hidden[node] ? 2.0
                                           : params.transactions_per_customer *
                                                 kFrequency[segment] / mean_frequency;
    const std::uint32_t count = active_to > active_from ? random.poisson(mean) : 0;
    std::vector<Date> dates(count);
    for (auto& day : dates)
        day = active_from + static_cast<Date>(random.below(
                                static_cast<std::uint64_t>(active_to - active_from) + 1));
    std::sort(dates.begin(), dates.end());
    const std::vector<std::uint32_t>& offsets = world.adjacency.offsets;
    for (const Date day : dates) {
        double amount = kBasket[segment] * std::exp(0.6 * random.normal() - 0.18);
        if (world.hidden[node]) amount = std::min(amount, 15.0);
        amount = std::max(0.5, std::round(amount * 100) / 100);
        if (day > as_of - 365) last_year += amount;
        transactions.character(world.id_prefix(node))
            .integer(node)
            .comma()
            .date(day)
            .comma()
            .fixed(amount, 2)
            .comma();
        transactions.text(kPurchaseChannels[random.below(kPurchaseChannels.size())]).comma();
        const std::uint32_t degree = offsets[node + 1] - offsets[node];
        if (degree > 0 && random.chance(0.03)) {
            const std::uint32_t other =
                world.adjacency.neighbours[offsets[node] + random.below(degree)];
            transactions.character(world.id_prefix(other)).integer(other);
        }
        transactions.end_row();
    }
    return count;
}

// A customer's row of customers.csv: a drawn name, cost, opt-out, channel and age band.
void write_customer(CsvWriter& customers, const World& world, std::uint32_t node, Segment segment,
                    double last_year, Random& random) {
    const bool business = world.business[node];
    std::string name;
    if (business) {
        name.append(kBusinessWords[random.below(kBusinessWords.size())]).append(" ");
        name.append(kBusinessKinds[random.below(kBusinessKinds.size())]);
    } else {
        name.append(kFirstNames[random.below(kFirstNames.size())]).append(" ");
        name.append(kLastNames[random.below(kLastNames.size())]);
    }
    customers.character(world.id_prefix(node))
        .integer(node)
        .comma()
        .text(business ? "business" : "person")
        .comma();
    customers.field(name).comma().text(kSegmentNames[segment]).comma();
    if (business || !random.chance(0.1)) customers.fixed(last_year, 2);
    customers.comma().fixed(business ? 50 + 450 * random.uniform() : 5 + 25 * random.uniform(), 2);
    customers.text(random.chance(0.03) ? ",true," : ",false,");
    customers.text(kChannels[random.below(kChannels.size())]).comma();
    if (!business) customers.text(kAgeBands[random.below(kAgeBands.size())]);
    customers.end_row();
}

// customers.csv, transactions.csv and communities.csv, customer by customer.
void write_customers(const GeneratorParams& params, const std::filesystem::path& out,
                     const World& world, Random& random, GeneratorSummary& summary) {
    CsvWriter customers(out / "customers.csv");
    CsvWriter transactions(out / "transactions.csv");
    CsvWriter truth(out / "communities.csv");
    customers.text("id,kind,name,segment,value,cost,opt_out,channel,age_band").end_row();
    transactions.text("customer,date,amount,channel,on_behalf_of").end_row();
    truth.text("id,community").end_row();
    for (std::uint32_t node = 0; node < world.n; ++node) {
        const Segment segment = draw_segment(world, node, random);
        double last_year = 0;
        summary.transactions +=
            write_transactions(transactions, params, world, node, segment, random, last_year);
        write_customer(customers, world, node, segment, last_year, random);
        truth.character(world.id_prefix(node))
            .integer(node)
            .comma()
            .integer(world.communities.of[node])
            .end_row();
    }
    customers.commit();
    transactions.commit();
    truth.commit();
}

}  // namespace catena::generator_detail
