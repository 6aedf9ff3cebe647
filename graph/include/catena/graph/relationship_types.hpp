// Relationship types and their defaults.
//
// Edge u -> v means "u can influence v". Every relationship row has a type; the type says whether
// the relationship is directed (one edge, source -> target) or undirected (two edges, one each
// way), and its default strength. A row's `weight` multiplies the type's strength:
//     effective strength w(u,v) = strength(type) x weight(row)    (weight defaults to 1).
//
// Built-in types (strengths are relative, 1 = an ordinary tie between people):
//
//   type          direction   strength   meaning
//   referral      directed    1.0        referrer -> referred: an invitation or referral
//   family        undirected  1.0        members of one family or household
//   friend        undirected  0.8
//   coworker      undirected  0.6
//   professional  undirected  0.5        a person and a business they work with or for
//   investor      undirected  0.7
//   on_behalf     undirected  1.0        one buys for the other
//   supplier      undirected  0.6        business-to-business chain
//   intermediary  undirected  0.5
//   partner       undirected  0.7
//   knows         undirected  1.0        no stated type (rows with an empty `type`)
//   influences    directed    1.0        a stated direction of influence of no other type
//
// Both defaults can be overridden (job file, `--type`), new types declared; a type that is neither
// built in nor declared is an input error.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace catena {

using RelationshipTypeId = std::uint8_t;

struct RelationshipType {
    std::string name;
    bool directed = false;
    double strength = 1.0;
    bool builtin = true;
    friend bool operator==(const RelationshipType&, const RelationshipType&) = default;
};

class RelationshipTypes {
  public:
    // The built-in table above.
    RelationshipTypes();

    static constexpr std::size_t kMaxTypes = 255;
    static constexpr std::string_view kKnows = "knows";
    static constexpr std::string_view kInfluences = "influences";

    // Declares a new type or overrides a built-in one. Throws UsageError for an empty name, a
    // negative or non-finite strength, or too many types.
    RelationshipTypeId declare(std::string_view name, bool directed, double strength);

    // Parses a declaration `NAME:directed|undirected[:STRENGTH]` (as given to `--type`).
    RelationshipTypeId declare(std::string_view spec);

    // The type named `name` (case-insensitive), or nothing.
    std::optional<RelationshipTypeId> find(std::string_view name) const;

    const RelationshipType& operator[](RelationshipTypeId id) const { return types_[id]; }
    std::size_t size() const { return types_.size(); }
    const std::vector<RelationshipType>& all() const { return types_; }

    friend bool operator==(const RelationshipTypes&, const RelationshipTypes&) = default;

  private:
    std::vector<RelationshipType> types_;
};

// Lower-cases ASCII letters and trims surrounding spaces: how type names are normalised.
std::string normalize_type_name(std::string_view name);

}  // namespace catena
