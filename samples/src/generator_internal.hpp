// Internals of the synthetic CRM generator, shared by generator.cpp (the draws: communities,
// degrees, pairs, joining order, referrers) and generator_write.cpp (the CSV files). Not part of
// the public API: catena/samples/generator.hpp is.
#pragma once

#include <array>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <vector>

#include "catena/graph/date.hpp"
#include "catena/graph/output.hpp"
#include "catena/samples/generator.hpp"

namespace catena::generator_detail {

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
inline std::uint64_t mix(std::uint64_t seed, std::uint64_t a, std::uint64_t b) {
    std::uint64_t z = seed ^ (a * 0x9E3779B97F4A7C15ull) ^ (b * 0xC2B2AE3D27D4EB4Full);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}
inline double unit(std::uint64_t hash) { return static_cast<double>(hash >> 11) * 0x1.0p-53; }

// Power law with exponent g on [low, high] by inverse transform.
inline double power_law(Random& random, double low, double high, double g) {
    const double a = std::pow(low, 1 - g), b = std::pow(high, 1 - g);
    return std::pow(a + (b - a) * random.uniform(), 1 / (1 - g));
}

inline double power_law_mean(double low, double high, double g) {
    return (1 - g) / (2 - g) * (std::pow(high, 2 - g) - std::pow(low, 2 - g)) /
           (std::pow(high, 1 - g) - std::pow(low, 1 - g));
}

enum Segment : std::uint8_t { kRegular, kOccasional, kPremium, kSmb, kEnterprise, kHoreca };
inline constexpr std::array<const char*, 6> kSegmentNames = {
    "consumer-regular", "consumer-occasional", "consumer-premium", "smb", "enterprise", "horeca"};
// Relative purchase frequency and typical basket per segment.
inline constexpr std::array<double, 6> kFrequency = {1.6, 0.4, 1.2, 2.0, 2.0, 2.5};
inline constexpr std::array<double, 6> kBasket = {25, 20, 80, 800, 5000, 1500};

inline constexpr std::array<const char*, 24> kFirstNames = {
    "Ana",   "Ben",   "Chloé", "David", "Elif",  "Femi",   "Grace", "Hiro",
    "Ines",  "Jonas", "Kwame", "Lena",  "Mateo", "Nadia",  "Omar",  "Priya",
    "Quinn", "Rosa",  "Sven",  "Tariq", "Uma",   "Viktor", "Wei",   "Zoë"};
inline constexpr std::array<const char*, 20> kLastNames = {
    "Silva",     "Müller", "Okafor",  "Nakamura", "García", "Kowalski", "Haddad",
    "Johansson", "Rossi",  "Dubois",  "Chen",     "Novak",  "Peña",     "O'Brien",
    "Kaya",      "Mensah", "Schmidt", "Costa",    "Singh",  "Lee"};
inline constexpr std::array<const char*, 12> kBusinessWords = {
    "Aurora",    "Harbor",  "Summit",  "Maple",   "Copper",  "Blue Fern",
    "Northwind", "Lantern", "Orchard", "Granite", "Juniper", "Beacon"};
inline constexpr std::array<const char*, 6> kBusinessKinds = {"Café",  "Bakery", "Offices",
                                                              "Hotel", "Bistro", "& Co"};
inline constexpr std::array<const char*, 5> kChannels = {"email", "sms", "app", "phone",
                                                         "in-store"};
inline constexpr std::array<const char*, 6> kAgeBands = {"18-24", "25-34", "35-44",
                                                         "45-54", "55-64", "65+"};
inline constexpr std::array<const char*, 4> kPurchaseChannels = {"online", "in-store", "app",
                                                                 "phone"};

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

// Draws everything and writes the files into out (generator.cpp).
GeneratorSummary generate_files(const GeneratorParams& params, const std::filesystem::path& out);

// The draws (generator.cpp), in the order generate_files makes them.

// Power-law community sizes, members assigned at random.
Communities draw_communities(const GeneratorParams& params, Random& random);

// Marks businesses at random, then plants the hidden influencers (never businesses).
void draw_kinds(const GeneratorParams& params, Random& random, World& world);

// The power law's lower end so that its mean is the requested mean degree (by bisection).
double min_degree_for(double mean_degree, double max_degree, double exponent);

// Power-law degrees (hidden influencers near the top), split into ties inside and outside the
// customer's community.
Degrees draw_degrees(const GeneratorParams& params, const World& world, Random& random);

// Relationships: half-edges paired at random inside communities, then across. Returns the
// distinct pairs (min << 32) | max, sorted; consumes the degrees.
std::vector<std::uint64_t> pair_half_edges(const GeneratorParams& params,
                                           const Communities& communities, Degrees degrees,
                                           Random& random);

// Undirected adjacency, for referrals and purchases on behalf of a neighbour.
Adjacency undirected_adjacency(const std::vector<std::uint64_t>& pairs, std::uint32_t n);

// A random joining order.
Joining draw_joining(std::uint32_t n, Random& random);

// Conversion propensity per referrer: most convert rarely, a few (and hidden influencers) very
// well.
std::vector<float> draw_propensity(const std::vector<std::uint8_t>& hidden, Random& random);

// Referral forests, in joining order: a customer may be referred by an earlier-joined neighbour
// (a hidden influencer if there is one, else often one who was referred too). Counts referrals.
std::vector<std::uint32_t> choose_referrers(const GeneratorParams& params, const World& world,
                                            Random& random, std::uint64_t& referral_count);

// The files (generator_write.cpp).

// The type of the relationship a, b (from the pair's hash and the kinds of its ends); orients
// the pair: the referrer first, else at random.
const char* relationship_type(const World& world, std::uint64_t hash, std::uint32_t& a,
                              std::uint32_t& b);

// relationships.csv (and edges.csv), in the pairs' order, with random orientation.
void write_relationships(const GeneratorParams& params, const std::filesystem::path& out,
                         const World& world, const std::vector<std::uint64_t>& pairs,
                         GeneratorSummary& summary);

// referrals.csv, in joining order.
void write_referrals(const GeneratorParams& params, const std::filesystem::path& out,
                     const World& world);

// A customer's segment, from its kind.
Segment draw_segment(const World& world, std::uint32_t node, Random& random);

// A customer's rows of transactions.csv, the purchases between joining (or the window start) and
// churning (or the as-of date); some on behalf of a neighbour. Returns the count; adds the last
// year's amounts to last_year.
std::uint32_t write_transactions(CsvWriter& transactions, const GeneratorParams& params,
                                 const World& world, std::uint32_t node, Segment segment,
                                 Random& random, double& last_year);

// A customer's row of customers.csv: a drawn name, cost, opt-out, channel and age band.
void write_customer(CsvWriter& customers, const World& world, std::uint32_t node, Segment segment,
                    double last_year, Random& random);

// customers.csv, transactions.csv and communities.csv, customer by customer.
void write_customers(const GeneratorParams& params, const std::filesystem::path& out,
                     const World& world, Random& random, GeneratorSummary& summary);

}  // namespace catena::generator_detail
