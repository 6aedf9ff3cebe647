#include "column_names.hpp"

#include <algorithm>
#include <cctype>

namespace catena::columns {

std::string normalize(std::string_view name) {
    std::string out;
    out.reserve(name.size());
    for (const char c : name) {
        const auto byte = static_cast<unsigned char>(c);
        if (std::isalnum(byte)) out += static_cast<char>(std::tolower(byte));
    }
    return out;
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
    const std::size_t n = a.size(), m = b.size();
    std::vector<std::vector<std::size_t>> d(n + 1, std::vector<std::size_t>(m + 1, 0));
    for (std::size_t i = 0; i <= n; ++i) d[i][0] = i;
    for (std::size_t j = 0; j <= m; ++j) d[0][j] = j;
    for (std::size_t i = 1; i <= n; ++i)
        for (std::size_t j = 1; j <= m; ++j) {
            const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
        }
    return d[n][m];
}

namespace {

bool opt_out_words(std::string_view name) {
    static const char* const kWords[] = {"optout",      "optedout",   "unsubscribe", "donotcontact",
                                         "donotemail",  "donotcall",  "donotmail",   "nocontact",
                                         "emailoptout", "suppressed", "doNotContact"};
    for (const char* word : kWords)
        if (name.find(normalize(word)) != std::string_view::npos) return true;
    return false;
}

}  // namespace

std::optional<std::string> looks_like(std::string_view column,
                                      const std::vector<std::string>& known, bool words) {
    const std::string name = normalize(column);
    if (name.empty()) return std::nullopt;
    for (const std::string& candidate : known) {
        const std::string key = normalize(candidate);
        if (name == key) return candidate;
        // A mapping's own names (words off) were typed on purpose: a slip in a short one counts
        // too.
        const std::size_t allowed = key.size() >= 7               ? 2
                                    : key.size() >= 5             ? 1
                                    : (!words && key.size() >= 4) ? 1
                                                                  : 0;
        // "optout" has six letters, but "opted out" is two edits away and means the same.
        const std::size_t limit = key == "optout" ? 2 : allowed;
        if (limit > 0 && edit_distance(name, key) <= limit) return candidate;
        if (words && key == "optout" && opt_out_words(name)) return candidate;
    }
    return std::nullopt;
}

}  // namespace catena::columns
