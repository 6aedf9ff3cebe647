#include "column_names.hpp"

#include <algorithm>
#include <cctype>

#include "catena/graph/spelling.hpp"

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
