// Colours and labels of the HTML report (seed strategies, value quadrants, ranking measures), and
// the community colours of the GEXF export (`catena export`).
//
// Colours come from Okabe & Ito's colour-blind safe palette. A known strategy or quadrant always
// has the same colour; an unknown one takes the palette's colour at its position in its list, so
// it gets one too. Quadrant names are matched without case, spaces, hyphens or underscores: the
// value module writes "hidden-influencers", a person writes "hidden influencers".
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace catena::html {

// The bars of one-series charts and the value bars beside them.
inline constexpr const char* kBar = "#2B6CB0";
inline constexpr const char* kValueBar = "#E69F00";

// A community's colour: the palette's eight colours in turn by community id (so ids 0 and 8
// share one), the same for a community wherever it is drawn.
const char* community_colour(std::uint32_t community);

// A seed strategy's colour (`index` is its place in the list) and its name for people:
// "maximisation" -> "Influence maximisation", "pagerank" -> "Top PageRank".
const char* strategy_colour(const std::string& name, std::size_t index);
std::string strategy_label(const std::string& name);

// "hidden-influencers" -> "hiddeninfluencers".
std::string quadrant_key(std::string_view name);
// "hidden-influencers" -> "Hidden influencers"; an unknown name capitalised, '-' and '_' as spaces.
std::string quadrant_label(const std::string& name);
const char* quadrant_colour(const std::string& name, std::size_t index);

// Quadrant colours by the order of the summary's quadrant list, so that an unknown quadrant name
// still gets one (and a name not in the list the colour after the list's last).
class QuadrantColours {
  public:
    explicit QuadrantColours(std::vector<std::string> names) : names_(std::move(names)) {}
    const char* operator()(const std::string& quadrant) const;

  private:
    std::vector<std::string> names_;
};

// "pagerank" -> "PageRank", "degree" -> "weighted degree"; others as they are.
std::string measure_label(const std::string& measure);

}  // namespace catena::html
