// A synthetic CRM world of any size, for tests and benchmarks: `catena generate`.
//
// What it plants (LFR-like, Lancichinetti, Fortunato & Radicchi 2008):
// - communities with power-law sizes; every customer belongs to one, written to communities.csv
//   as ground truth;
// - heavy-tailed degrees (power law, exponent `degree_exponent`); a fraction `mixing` of each
//   customer's relationships leaves its community, the rest stay inside;
// - people and businesses; relationship types follow the kinds (family, friend, coworker, knows,
//   influences and referral among people; professional, on_behalf, investor between people and
//   businesses; supplier, intermediary, partner between businesses);
// - referral forests: customers join over time and some are referred by an earlier-joined
//   neighbour, often by one who was referred too, so chains grow several levels deep; conversion
//   rates vary by referrer;
// - transactions over two years with segment-dependent recency, frequency and amounts, some
//   customers churned, a few purchases on behalf of a family member or employer;
// - a few hidden influencers: low own value, many ties, many converted referrals.
//
// Output is streamed to CSV (customers, relationships, referrals, transactions, communities and
// optionally a plain weighted edge list); the same parameters and seed give byte-identical files.
// Memory is a few arrays per relationship (the graph itself), nothing per transaction.
#pragma once

#include <cstdint>
#include <filesystem>

namespace catena {

struct GeneratorParams {
    std::uint32_t customers = 10'000;
    std::uint64_t seed = 1;
    double relationships_per_customer = 10.0;  // mean; each counts once (undirected)
    double degree_exponent = 2.5;              // power-law exponent of degrees
    std::uint32_t max_degree = 0;     // 0: min(10 sqrt(customers), largest community / 2, 5000)
    double mixing = 0.2;              // share of relationships leaving the community
    double community_exponent = 1.5;  // power-law exponent of community sizes
    std::uint32_t min_community = 50;
    std::uint32_t max_community = 0;  // 0: about customers / 20, at least min_community
    double business_share = 0.05;
    double referred_share = 0.3;  // of customers with an earlier-joined neighbour
    double transactions_per_customer = 6.0;
    std::uint32_t hidden_influencers = 0;  // 0: max(3, customers / 100000)
    bool edge_list = false;  // also write edges.csv: source,target,weight (effective strength)

    // Throws UsageError for impossible values.
    void validate() const;
};

struct GeneratorSummary {
    std::uint64_t customers = 0, relationships = 0, referrals = 0, transactions = 0;
    std::uint32_t communities = 0;
    double realised_mixing = 0.0;  // share of relationships across communities
};

// Writes the CSV tables into `out` (created if missing; existing files are overwritten).
GeneratorSummary generate(const GeneratorParams& params, const std::filesystem::path& out);

}  // namespace catena
