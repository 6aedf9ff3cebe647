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

namespace catena {

namespace {

__extension__ typedef unsigned __int128 Uint128;

// xoshiro256** (Blackman & Vigna), seeded through splitmix64: fast, and identical everywhere.
class Random {
  public:
    explicit Random(std::uint64_t seed) {
        for (auto& word : state_) {
            seed += 0x9E3779B97F4A7C15ull;
            std::uint64_t z = seed;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
            word = z ^ (z >> 31);
        }
    }
    std::uint64_t next() {
        const std::uint64_t result = rotl(state_[1] * 5, 7) * 9;
        const std::uint64_t t = state_[1] << 17;
        state_[2] ^= state_[0];
        state_[3] ^= state_[1];
        state_[1] ^= state_[2];
        state_[0] ^= state_[3];
        state_[2] ^= t;
        state_[3] = rotl(state_[3], 45);
        return result;
    }
    double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
    // Uniform in [0, bound).
    std::uint64_t below(std::uint64_t bound) {
        return static_cast<std::uint64_t>((static_cast<Uint128>(next()) * bound) >> 64);
    }
    bool chance(double p) { return uniform() < p; }
    double normal() {
        const double u1 = std::max(uniform(), 1e-300);
        return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * M_PI * uniform());
    }
    std::uint32_t poisson(double mean) {
        // Knuth's method for small means, a rounded normal above.
        if (mean > 40)
            return static_cast<std::uint32_t>(
                std::max(0.0, std::round(mean + std::sqrt(mean) * normal())));
        const double limit = std::exp(-mean);
        std::uint32_t count = 0;
        for (double product = uniform(); product > limit; product *= uniform()) ++count;
        return count;
    }
    template <typename T>
    void shuffle(std::vector<T>& items) {
        for (std::size_t index = items.size(); index > 1; --index)
            std::swap(items[index - 1], items[below(index)]);
    }

  private:
    static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
    std::array<std::uint64_t, 4> state_{};
};

// A stateless hash of (seed, a, b): per-pair decisions that do not depend on visiting order.
std::uint64_t mix(std::uint64_t seed, std::uint64_t a, std::uint64_t b) {
    std::uint64_t z = seed ^ (a * 0x9E3779B97F4A7C15ull) ^ (b * 0xC2B2AE3D27D4EB4Full);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}
double unit(std::uint64_t hash) { return static_cast<double>(hash >> 11) * 0x1.0p-53; }

// Power law with exponent g on [low, high] by inverse transform.
double power_law(Random& random, double low, double high, double g) {
    const double a = std::pow(low, 1 - g), b = std::pow(high, 1 - g);
    return std::pow(a + (b - a) * random.uniform(), 1 / (1 - g));
}

double power_law_mean(double low, double high, double g) {
    return (1 - g) / (2 - g) * (std::pow(high, 2 - g) - std::pow(low, 2 - g)) /
           (std::pow(high, 1 - g) - std::pow(low, 1 - g));
}

enum Segment : std::uint8_t { kRegular, kOccasional, kPremium, kSmb, kEnterprise, kHoreca };
constexpr std::array<const char*, 6> kSegmentNames = {
    "consumer-regular", "consumer-occasional", "consumer-premium", "smb", "enterprise", "horeca"};
// Relative purchase frequency and typical basket per segment.
constexpr std::array<double, 6> kFrequency = {1.6, 0.4, 1.2, 2.0, 2.0, 2.5};
constexpr std::array<double, 6> kBasket = {25, 20, 80, 800, 5000, 1500};

constexpr std::array<const char*, 24> kFirstNames = {
    "Ana",   "Ben",   "Chloé", "David", "Elif",  "Femi",   "Grace", "Hiro",
    "Ines",  "Jonas", "Kwame", "Lena",  "Mateo", "Nadia",  "Omar",  "Priya",
    "Quinn", "Rosa",  "Sven",  "Tariq", "Uma",   "Viktor", "Wei",   "Zoë"};
constexpr std::array<const char*, 20> kLastNames = {
    "Silva",     "Müller", "Okafor",  "Nakamura", "García", "Kowalski", "Haddad",
    "Johansson", "Rossi",  "Dubois",  "Chen",     "Novak",  "Peña",     "O'Brien",
    "Kaya",      "Mensah", "Schmidt", "Costa",    "Singh",  "Lee"};
constexpr std::array<const char*, 12> kBusinessWords = {
    "Aurora",    "Harbor",  "Summit",  "Maple",   "Copper",  "Blue Fern",
    "Northwind", "Lantern", "Orchard", "Granite", "Juniper", "Beacon"};
constexpr std::array<const char*, 6> kBusinessKinds = {"Café",  "Bakery", "Offices",
                                                       "Hotel", "Bistro", "& Co"};
constexpr std::array<const char*, 5> kChannels = {"email", "sms", "app", "phone", "in-store"};
constexpr std::array<const char*, 6> kAgeBands = {"18-24", "25-34", "35-44",
                                                  "45-54", "55-64", "65+"};
constexpr std::array<const char*, 4> kPurchaseChannels = {"online", "in-store", "app", "phone"};

}  // namespace

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

namespace {
GeneratorSummary generate_files(const GeneratorParams& params, const std::filesystem::path& out);
}  // namespace

GeneratorSummary generate(const GeneratorParams& params, const std::filesystem::path& out) {
    params.validate();
    std::error_code error;
    const bool existed = std::filesystem::exists(out, error);
    std::filesystem::create_directories(out, error);
    if (error) throw OutputError(out.string(), "cannot create the folder: " + error.message());
    try {
        return generate_files(params, out);
    } catch (...) {
        // A run that fails (a full disk, say) leaves none of its files half-written.
        for (const char* file : {"customers.csv", "relationships.csv", "referrals.csv",
                                 "transactions.csv", "communities.csv", "edges.csv"})
            std::filesystem::remove(out / file, error);
        if (!existed) std::filesystem::remove(out, error);  // only if empty
        throw;
    }
}

namespace {

// Community sizes and memberships.
struct Communities {
    std::vector<std::uint32_t> sizes;  // members of each community
    std::vector<std::uint32_t> of;     // the community of each customer
    // The members of community c are members[member_start[c], member_start[c + 1]).
    std::vector<std::uint32_t> member_start, members;
    std::uint32_t max_size = 0;  // the largest size a community may be drawn with
};

// Each customer's number of relationships inside and outside its community.
struct Degrees {
    std::vector<std::uint32_t> internal, external;
};

// The undirected adjacency: the neighbours of a customer are neighbours[offsets[c], offsets[c +
// 1]).
struct Adjacency {
    std::vector<std::uint32_t> offsets, neighbours;
};

// The order customers joined in, and so their joining dates.
struct Joining {
    Date first_join = days_from_civil(2015, 1, 1);
    Date as_of = days_from_civil(2026, 10, 31);
    std::vector<std::uint32_t> join_rank;  // join_rank[k] = the k-th customer to join
    std::vector<std::uint32_t> rank_of;    // the inverse of join_rank
    Date date(std::uint32_t node) const {
        const auto n = static_cast<std::int64_t>(rank_of.size());
        return static_cast<Date>(first_join + static_cast<std::int64_t>(rank_of[node]) *
                                                  (as_of - first_join) / n);
    }
};

// Everything drawn about the customers before the files are written.
struct World {
    std::uint32_t n = 0;
    Communities communities;
    std::vector<std::uint8_t> business,
        hidden;  // per customer: 1 for a business, a hidden influencer
    Adjacency adjacency;
    Joining joining;
    std::vector<float> propensity;        // per referrer: the chance a referral converts
    std::vector<std::uint32_t> referrer;  // per customer: who referred them, or UINT32_MAX
    char id_prefix(std::uint32_t node) const { return business[node] ? 'b' : 'c'; }
};

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

}  // namespace

}  // namespace catena
