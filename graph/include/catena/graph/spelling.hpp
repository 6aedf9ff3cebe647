// Telling a misspelt name from the names there are, for error messages that suggest the right one
// ("unknown option --tpo (did you mean --top?)", "no column 'emial' (did you mean email?)").
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace catena {

// Optimal string alignment distance: insertions, deletions, substitutions and transpositions of
// neighbours, each one edit, ignoring ASCII case.
std::size_t edit_distance(std::string_view a, std::string_view b);

// The candidate closest to `word` if it is likely a misspelling of it: within one edit for a word
// of 3 or 4 letters (dashes not counted), within a third of its letters (at least two) for a longer
// one, or a candidate that starts with a word of 3 or more letters; 1 or 2 letters only when they
// differ in case alone. Ties go to the earlier candidate.
std::optional<std::string> closest(std::string_view word,
                                   const std::vector<std::string>& candidates);

}  // namespace catena
