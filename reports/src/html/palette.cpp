#include "palette.hpp"

#include <algorithm>
#include <iterator>

#include "format.hpp"

namespace catena::html {
namespace {

constexpr const char* kPalette[] = {"#0072B2", "#D55E00", "#009E73", "#CC79A7",
                                    "#E69F00", "#56B4E9", "#7A7A7A", "#000000"};

}  // namespace

const char* community_colour(std::uint32_t community) {
    return kPalette[community % std::size(kPalette)];
}

const char* strategy_colour(const std::string& name, std::size_t index) {
    if (name == "maximisation") return "#0072B2";
    if (name == "pagerank") return "#D55E00";
    if (name == "degree") return "#009E73";
    if (name == "value") return "#CC79A7";
    if (name == "random") return "#7A7A7A";
    return kPalette[index % std::size(kPalette)];
}

std::string strategy_label(const std::string& name) {
    if (name == "maximisation") return "Influence maximisation";
    if (name == "pagerank") return "Top PageRank";
    if (name == "degree") return "Top degree";
    if (name == "value") return "Top own value";
    if (name == "random") return "Random";
    return capitalised(name);
}

std::string quadrant_key(std::string_view name) {
    std::string key;
    for (const char c : name) {
        if (c >= 'A' && c <= 'Z')
            key += static_cast<char>(c + 32);
        else if (c != ' ' && c != '-' && c != '_')
            key += c;
    }
    return key;
}

std::string quadrant_label(const std::string& name) {
    const std::string key = quadrant_key(name);
    if (key == "champions") return "Champions";
    if (key == "hiddeninfluencers") return "Hidden influencers";
    if (key == "highvalueloners") return "High-value loners";
    if (key == "others") return "Others";
    std::string label = name;
    std::replace(label.begin(), label.end(), '-', ' ');
    std::replace(label.begin(), label.end(), '_', ' ');
    return capitalised(label);
}

const char* quadrant_colour(const std::string& name, std::size_t index) {
    const std::string key = quadrant_key(name);
    if (key == "champions") return "#0072B2";
    if (key == "hiddeninfluencers") return "#D55E00";
    if (key == "highvalueloners") return "#009E73";
    if (key == "others") return "#9A9A9A";
    return kPalette[(index + 3) % std::size(kPalette)];
}

const char* QuadrantColours::operator()(const std::string& quadrant) const {
    const auto found = std::find(names_.begin(), names_.end(), quadrant);
    return quadrant_colour(quadrant, static_cast<std::size_t>(found - names_.begin()));
}

std::string measure_label(const std::string& measure) {
    if (measure == "pagerank") return "PageRank";
    if (measure == "degree") return "weighted degree";
    if (measure == "core") return "core number";
    if (measure == "closeness") return "harmonic closeness";
    return measure;
}

}  // namespace catena::html
