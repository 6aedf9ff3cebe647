#include "catena/samples/generator.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "catena/graph/date.hpp"
#include "catena/graph/errors.hpp"
#include "catena/graph/output.hpp"
#include "catena/graph/relationship_types.hpp"

#include "generator_internal.hpp"

namespace catena {

void GeneratorParams::validate() const {
    const auto fail = [](const std::string& what) { throw UsageError("generate: " + what); };
    if (customers < 2) fail("--customers must be at least 2");
    if (customers > 200'000'000) fail("--customers must be at most 200,000,000");
    if (!(relationships_per_customer > 0 && relationships_per_customer <= 1000))
        fail("--relationships-per-customer must be in (0, 1000]");
    if (!(degree_exponent > 2.05 && degree_exponent < 5))
        fail("--degree-exponent must be in (2.05, 5)");
    if (!(mixing >= 0 && mixing <= 1)) fail("--mixing must be in [0, 1]");
    if (!(community_exponent > 1.05 && community_exponent < 5))
        fail("--community-exponent must be in (1.05, 5)");
    if (min_community < 2) fail("--min-community must be at least 2");
    if (max_community != 0 && max_community < min_community)
        fail("--max-community must be at least --min-community");
    if (!(business_share >= 0 && business_share <= 1)) fail("--business-share must be in [0, 1]");
    if (!(referred_share >= 0 && referred_share <= 1)) fail("--referred-share must be in [0, 1]");
    if (!(transactions_per_customer >= 0 && transactions_per_customer <= 1000))
        fail("--transactions-per-customer must be in [0, 1000]");
    if (hidden_influencers > customers / 2)
        fail("--hidden-influencers must be at most half the customers");
}

GeneratorSummary generate(const GeneratorParams& params, const std::filesystem::path& out) {
    params.validate();
    std::error_code error;
    const bool existed = std::filesystem::exists(out, error);
    std::filesystem::create_directories(out, error);
    if (error) throw OutputError(out.string(), "cannot create the folder: " + error.message());
    try {
        return generator_detail::generate_files(params, out);
    } catch (...) {
        // A run that fails (a full disk, say) leaves none of its files half-written.
        for (const char* file : {"customers.csv", "relationships.csv", "referrals.csv",
                                 "transactions.csv", "communities.csv", "edges.csv"})
            std::filesystem::remove(out / file, error);
        if (!existed) std::filesystem::remove(out, error);  // only if empty
        throw;
    }
}

namespace generator_detail {

// Power-law community sizes, members assigned at random.
Communities draw_communities(const GeneratorParams& params, Random& random) {
    const std::uint32_t n = params.customers;
    Communities result;
    const std::uint32_t min_size = std::min(params.min_community, n);
    const std::uint32_t max_size =
        std::max(min_size, params.max_community ? std::min(params.max_community, n)
                                                : std::max(min_size, n / 20));
    result.max_size = max_size;
    std::vector<std::uint32_t>& sizes = result.sizes;
    for (std::uint64_t total = 0; total < n;) {
        auto size = static_cast<std::uint32_t>(std::lround(power_law(
            random, min_size, static_cast<double>(max_size) + 0.999, params.community_exponent)));
        size = std::clamp(size, min_size, max_size);
        if (total + size > n) size = static_cast<std::uint32_t>(n - total);
        if (size < min_size && !sizes.empty())
            sizes.back() += size;
        else
            sizes.push_back(size);
        total += size;
    }
    const auto community_count = static_cast<std::uint32_t>(sizes.size());
    std::vector<std::uint32_t>& community = result.of;
    community.resize(n);
    {
        std::uint32_t node = 0;
        for (std::uint32_t c = 0; c < community_count; ++c)
            for (std::uint32_t k = 0; k < sizes[c]; ++k) community[node++] = c;
        random.shuffle(community);
    }
    std::vector<std::uint32_t>& member_start = result.member_start;
    member_start.assign(community_count + 1, 0);
    result.members.resize(n);
    for (const auto c : community) ++member_start[c + 1];
    for (std::uint32_t c = 0; c < community_count; ++c) member_start[c + 1] += member_start[c];
    std::vector<std::uint32_t> next(member_start.begin(), member_start.end() - 1);
    for (std::uint32_t node = 0; node < n; ++node) result.members[next[community[node]]++] = node;
    return result;
}

// Marks businesses at random, then plants the hidden influencers (never businesses).
void draw_kinds(const GeneratorParams& params, Random& random, World& world) {
    const std::uint32_t n = world.n;
    world.business.resize(n);
    for (auto& flag : world.business) flag = random.chance(params.business_share);
    const std::uint32_t hidden_count = params.hidden_influencers
                                           ? params.hidden_influencers
                                           : std::max<std::uint32_t>(3, n / 100'000);
    world.hidden.assign(n, 0);
    for (std::uint32_t planted = 0; planted < hidden_count;) {
        const auto node = static_cast<std::uint32_t>(random.below(n));
        if (world.hidden[node]) continue;
        world.hidden[node] = 1;
        world.business[node] = 0;
        ++planted;
    }
}

// The power law's lower end so that its mean is the requested mean degree (by bisection).
double min_degree_for(double mean_degree, double max_degree, double exponent) {
    double low = 0.5, high = std::max(1.0, std::min(mean_degree, max_degree - 1));
    for (int step = 0; step < 60; ++step) {
        const double mid = 0.5 * (low + high);
        (power_law_mean(mid, max_degree, exponent) < mean_degree ? low : high) = mid;
    }
    return 0.5 * (low + high);
}

// Power-law degrees (hidden influencers near the top), split into ties inside and outside the
// customer's community.
Degrees draw_degrees(const GeneratorParams& params, const World& world, Random& random) {
    const std::uint32_t n = world.n;
    // By default hubs stay well inside the largest community, so that their share of ties
    // across communities is the requested mixing, not forced up by a lack of room.
    const double max_degree =
        params.max_degree
            ? params.max_degree
            : std::max(20.0, std::min({5000.0, 10.0 * std::sqrt(static_cast<double>(n)),
                                       world.communities.max_size / 2.0}));
    const double min_degree =
        min_degree_for(2.0 * params.relationships_per_customer, max_degree, params.degree_exponent);
    Degrees degrees{std::vector<std::uint32_t>(n), std::vector<std::uint32_t>(n)};
    for (std::uint32_t node = 0; node < n; ++node) {
        double degree = world.hidden[node]
                            ? max_degree * (0.6 + 0.4 * random.uniform())
                            : power_law(random, min_degree, max_degree, params.degree_exponent);
        const auto total =
            std::max<std::uint32_t>(1, static_cast<std::uint32_t>(std::lround(degree)));
        const std::uint32_t room = world.communities.sizes[world.communities.of[node]] - 1;
        // Stochastic rounding keeps the expected share inside exact for small degrees too.
        const double share = (1.0 - params.mixing) * total;
        auto inside =
            static_cast<std::uint32_t>(share) + (random.uniform() < share - std::floor(share));
        inside = std::min(inside, room);
        degrees.internal[node] = inside;
        degrees.external[node] = total - inside;
    }
    return degrees;
}

// Relationships: half-edges paired at random inside communities, then across. Returns the
// distinct pairs (min << 32) | max, sorted; consumes the degrees.
std::vector<std::uint64_t> pair_half_edges(const GeneratorParams& params,
                                           const Communities& communities, Degrees degrees,
                                           Random& random) {
    std::vector<std::uint64_t> pairs;
    pairs.reserve(
        static_cast<std::size_t>(params.relationships_per_customer * params.customers * 1.05));
    const auto add_pair = [&pairs](std::uint32_t a, std::uint32_t b) {
        if (a == b) return;
        if (a > b) std::swap(a, b);
        pairs.push_back((static_cast<std::uint64_t>(a) << 32) | b);
    };
    std::vector<std::uint32_t> half_edges;
    const std::vector<std::uint32_t>& member_start = communities.member_start;
    const std::vector<std::uint32_t>& members = communities.members;
    for (std::uint32_t c = 0; c + 1 < member_start.size(); ++c) {
        half_edges.clear();
        for (std::uint32_t k = member_start[c]; k < member_start[c + 1]; ++k)
            half_edges.insert(half_edges.end(), degrees.internal[members[k]], members[k]);
        random.shuffle(half_edges);
        for (std::size_t k = 0; k + 1 < half_edges.size(); k += 2)
            add_pair(half_edges[k], half_edges[k + 1]);
    }
    half_edges.clear();
    for (std::uint32_t node = 0; node < params.customers; ++node)
        half_edges.insert(half_edges.end(), degrees.external[node], node);
    random.shuffle(half_edges);
    for (std::size_t k = 0; k + 1 < half_edges.size(); k += 2)
        add_pair(half_edges[k], half_edges[k + 1]);
    half_edges = {};
    degrees = {};
    std::sort(pairs.begin(), pairs.end());
    pairs.erase(std::unique(pairs.begin(), pairs.end()), pairs.end());
    return pairs;
}

// Undirected adjacency, for referrals and purchases on behalf of a neighbour.
Adjacency undirected_adjacency(const std::vector<std::uint64_t>& pairs, std::uint32_t n) {
    Adjacency adjacency;
    std::vector<std::uint32_t>& offsets = adjacency.offsets;
    offsets.assign(static_cast<std::size_t>(n) + 1, 0);
    for (const auto pair : pairs) {
        ++offsets[(pair >> 32) + 1];
        ++offsets[(pair & 0xFFFFFFFFu) + 1];
    }
    for (std::uint32_t node = 0; node < n; ++node) offsets[node + 1] += offsets[node];
    adjacency.neighbours.resize(offsets[n]);
    std::vector<std::uint32_t> next(offsets.begin(), offsets.end() - 1);
    for (const auto pair : pairs) {
        const auto a = static_cast<std::uint32_t>(pair >> 32), b = static_cast<std::uint32_t>(pair);
        adjacency.neighbours[next[a]++] = b;
        adjacency.neighbours[next[b]++] = a;
    }
    return adjacency;
}

// A random joining order.
Joining draw_joining(std::uint32_t n, Random& random) {
    Joining joining;
    joining.join_rank.resize(n);
    for (std::uint32_t node = 0; node < n; ++node) joining.join_rank[node] = node;
    random.shuffle(joining.join_rank);
    joining.rank_of.resize(n);
    for (std::uint32_t k = 0; k < n; ++k) joining.rank_of[joining.join_rank[k]] = k;
    return joining;
}

// Conversion propensity per referrer: most convert rarely, a few (and hidden influencers) very
// well.
std::vector<float> draw_propensity(const std::vector<std::uint8_t>& hidden, Random& random) {
    std::vector<float> propensity(hidden.size());
    for (std::uint32_t node = 0; node < hidden.size(); ++node)
        propensity[node] =
            hidden[node] ? 0.9f : static_cast<float>(0.05 + 0.9 * std::pow(random.uniform(), 2.0));
    return propensity;
}

// Referral forests, in joining order: a customer may be referred by an earlier-joined neighbour
// (a hidden influencer if there is one, else often one who was referred too). Counts referrals.
std::vector<std::uint32_t> choose_referrers(const GeneratorParams& params, const World& world,
                                            Random& random, std::uint64_t& referral_count) {
    const Adjacency& adjacency = world.adjacency;
    const std::vector<std::uint32_t>& rank_of = world.joining.rank_of;
    std::vector<std::uint32_t> referrer(world.n, UINT32_MAX);
    std::vector<std::uint32_t> candidates, referred_candidates;
    for (std::uint32_t k = 1; k < world.n; ++k) {
        const std::uint32_t node = world.joining.join_rank[k];
        candidates.clear();
        referred_candidates.clear();
        std::uint32_t hidden_candidate = UINT32_MAX;
        for (std::uint32_t e = adjacency.offsets[node]; e < adjacency.offsets[node + 1]; ++e) {
            const std::uint32_t other = adjacency.neighbours[e];
            if (rank_of[other] >= k) continue;
            candidates.push_back(other);
            if (referrer[other] != UINT32_MAX) referred_candidates.push_back(other);
            if (world.hidden[other]) hidden_candidate = other;
        }
        if (candidates.empty()) continue;
        const bool near_hidden = hidden_candidate != UINT32_MAX;
        if (!random.chance(near_hidden ? 0.8 : params.referred_share)) continue;
        std::uint32_t chosen;
        if (near_hidden)
            chosen = hidden_candidate;
        else if (!referred_candidates.empty() && random.chance(0.6))
            chosen = referred_candidates[random.below(referred_candidates.size())];
        else
            chosen = candidates[random.below(candidates.size())];
        referrer[node] = chosen;
        ++referral_count;
    }
    return referrer;
}

GeneratorSummary generate_files(const GeneratorParams& params, const std::filesystem::path& out) {
    Random random(params.seed);
    World world;
    world.n = params.customers;
    world.communities = draw_communities(params, random);
    draw_kinds(params, random, world);
    std::vector<std::uint64_t> pairs =
        pair_half_edges(params, world.communities, draw_degrees(params, world, random), random);
    world.adjacency = undirected_adjacency(pairs, world.n);
    world.joining = draw_joining(world.n, random);
    world.propensity = draw_propensity(world.hidden, random);
    GeneratorSummary summary;
    summary.customers = world.n;
    summary.communities = static_cast<std::uint32_t>(world.communities.sizes.size());
    world.referrer = choose_referrers(params, world, random, summary.referrals);

    random.shuffle(pairs);  // relationships.csv lists the pairs in a shuffled order
    write_relationships(params, out, world, pairs, summary);
    pairs = {};
    write_referrals(params, out, world);
    write_customers(params, out, world, random, summary);
    return summary;
}

}  // namespace generator_detail

}  // namespace catena
