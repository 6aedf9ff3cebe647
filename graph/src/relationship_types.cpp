#include "catena/graph/relationship_types.hpp"

#include <cmath>
#include <cstdlib>

#include "catena/graph/errors.hpp"

namespace catena {

RelationshipTypes::RelationshipTypes()
    : types_{
          {"referral", true, 1.0},   {"family", false, 1.0},       {"friend", false, 0.8},
          {"coworker", false, 0.6},  {"professional", false, 0.5}, {"investor", false, 0.7},
          {"on_behalf", false, 1.0}, {"supplier", false, 0.6},     {"intermediary", false, 0.5},
          {"partner", false, 0.7},   {"knows", false, 1.0},        {"influences", true, 1.0},
      } {}

std::string normalize_type_name(std::string_view name) {
    while (!name.empty() && (name.front() == ' ' || name.front() == '\t')) name.remove_prefix(1);
    while (!name.empty() && (name.back() == ' ' || name.back() == '\t')) name.remove_suffix(1);
    std::string out(name);
    for (char& c : out)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return out;
}

std::optional<RelationshipTypeId> RelationshipTypes::find(std::string_view name) const {
    const std::string key = normalize_type_name(name);
    for (std::size_t id = 0; id < types_.size(); ++id)
        if (types_[id].name == key) return static_cast<RelationshipTypeId>(id);
    return std::nullopt;
}

RelationshipTypeId RelationshipTypes::declare(std::string_view name, bool directed,
                                              double strength) {
    const std::string key = normalize_type_name(name);
    if (key.empty()) throw UsageError("relationship type: the name is empty");
    if (!std::isfinite(strength) || strength < 0)
        throw UsageError("relationship type '" + key + "': strength must be a number >= 0");
    if (auto existing = find(key)) {
        types_[*existing].directed = directed;
        types_[*existing].strength = strength;
        return *existing;
    }
    if (types_.size() >= kMaxTypes)
        throw UsageError("relationship type '" + key + "': more than 255 types declared");
    types_.push_back({key, directed, strength, false});
    return static_cast<RelationshipTypeId>(types_.size() - 1);
}

RelationshipTypeId RelationshipTypes::declare(std::string_view spec) {
    const auto bad = [&](const std::string& why) {
        return UsageError("--type '" + std::string(spec) + "': " + why +
                          " (expected NAME:directed|undirected[:STRENGTH])");
    };
    const std::size_t first = spec.find(':');
    if (first == std::string_view::npos) throw bad("no direction");
    const std::string_view name = spec.substr(0, first);
    std::string_view rest = spec.substr(first + 1);
    const std::size_t second = rest.find(':');
    const std::string direction = normalize_type_name(rest.substr(0, second));
    bool directed = false;
    if (direction == "directed")
        directed = true;
    else if (direction != "undirected")
        throw bad("direction must be 'directed' or 'undirected'");
    double strength = 1.0;
    if (auto existing = find(name)) strength = types_[*existing].strength;
    if (second != std::string_view::npos) {
        const std::string number(rest.substr(second + 1));
        char* end = nullptr;
        strength = std::strtod(number.c_str(), &end);
        if (number.empty() || end != number.c_str() + number.size()) throw bad("bad strength");
    }
    if (!std::isfinite(strength) || strength < 0) throw bad("strength must be a number >= 0");
    return declare(name, directed, strength);
}

}  // namespace catena
