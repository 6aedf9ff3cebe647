#include "catena/graph/spelling.hpp"

#include <algorithm>
#include <cctype>

namespace catena {

std::size_t edit_distance(std::string_view a, std::string_view b) {
    const auto same = [](char x, char y) {
        return std::tolower(static_cast<unsigned char>(x)) ==
               std::tolower(static_cast<unsigned char>(y));
    };
    // d[i][j]: the distance between a's first i and b's first j characters, three rows kept.
    const std::size_t width = b.size() + 1;
    std::vector<std::size_t> before(width), previous(width), current(width);
    for (std::size_t j = 0; j < width; ++j) previous[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        current[0] = i;
        for (std::size_t j = 1; j < width; ++j) {
            current[j] = std::min({previous[j] + 1, current[j - 1] + 1,
                                   previous[j - 1] + (same(a[i - 1], b[j - 1]) ? 0 : 1)});
            if (i > 1 && j > 1 && same(a[i - 1], b[j - 2]) && same(a[i - 2], b[j - 1]))
                current[j] = std::min(current[j], before[j - 2] + 1);  // a transposition
        }
        std::swap(before, previous);
        std::swap(previous, current);
    }
    return previous[b.size()];
}

std::optional<std::string> closest(std::string_view word,
                                   const std::vector<std::string>& candidates) {
    // Letters, not dashes: "-j" is not a misspelt "-k", "--tpo" is a misspelt "--top".
    const std::size_t letters = word.size() - std::min(word.find_first_not_of('-'), word.size());
    if (letters == 0) return std::nullopt;
    const std::size_t allowed = letters <= 2   ? 0
                                : letters <= 4 ? 1
                                               : std::max<std::size_t>(2, letters / 3);
    std::optional<std::string> best;
    std::size_t best_distance = allowed + 1;
    for (const std::string& candidate : candidates) {
        const bool prefix =
            letters >= 3 && candidate.size() > word.size() && candidate.starts_with(word);
        const std::size_t distance = prefix ? 1 : edit_distance(word, candidate);
        if (distance < best_distance) {
            best = candidate;
            best_distance = distance;
        }
    }
    return best;
}

}  // namespace catena
