#include "catena/algorithms/community_changes.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <numeric>
#include <string>
#include <string_view>
#include <tuple>

#include "catena/graph/errors.hpp"

namespace catena {

namespace {

constexpr std::uint32_t kNone = std::numeric_limits<std::uint32_t>::max();

// Shares and size changes are compared in floating point, where 0.14 x 50 comes out a hair above 7
// and 0.58 x 50 a hair below 29; 7 of 50 must still count at a share of 0.14, and growing by 29 of
// 50 is not more than 58 %. This slack forgives such rounding and nothing a count could show.
constexpr double kSlack = 1e-12;

// True when `part` is at least `share` of `whole`.
bool holds_share(std::uint64_t part, std::uint64_t whole, double share) {
    return static_cast<double>(part) >= share * static_cast<double>(whole) * (1.0 - kSlack);
}

// One run's communities renumbered 0..count-1 in ascending label order, so that everything built
// on them comes out the same whatever order the customers were listed in.
struct DenseCommunities {
    std::vector<std::uint32_t> labels;       // dense index -> label, ascending
    std::vector<std::uint32_t> of_customer;  // customer -> dense index
    std::vector<std::uint64_t> size;         // dense index -> members

    std::uint32_t count() const { return static_cast<std::uint32_t>(labels.size()); }
};

DenseCommunities dense_communities(const std::vector<std::uint32_t>& labels) {
    DenseCommunities communities;
    communities.labels = labels;
    std::sort(communities.labels.begin(), communities.labels.end());
    communities.labels.erase(std::unique(communities.labels.begin(), communities.labels.end()),
                             communities.labels.end());
    communities.size.assign(communities.labels.size(), 0);
    communities.of_customer.resize(labels.size());
    for (std::size_t customer = 0; customer < labels.size(); ++customer) {
        const auto found = std::lower_bound(communities.labels.begin(), communities.labels.end(),
                                            labels[customer]);
        const auto community = static_cast<std::uint32_t>(found - communities.labels.begin());
        communities.of_customer[customer] = community;
        ++communities.size[community];
    }
    return communities;
}

void check_run(const CommunityMembership& run, std::string_view name) {
    if (run.ids.size() != run.labels.size())
        throw UsageError("community changes: the " + std::string(name) + " run has " +
                         std::to_string(run.ids.size()) + " ids but " +
                         std::to_string(run.labels.size()) + " labels");
    // Customers are numbered below 2^31 (IdTable flags the later run's with the top bit), and so
    // both runs' communities together fit in 32 bits.
    if (run.ids.size() >= (std::size_t{1} << 31))
        throw UsageError("community changes: the " + std::string(name) + " run has " +
                         std::to_string(run.ids.size()) + " customers, 2^31 or more");
}

[[noreturn]] void repeated_id(std::string_view id, std::string_view name) {
    throw UsageError("community changes: customer id '" + std::string(id) +
                     "' appears twice in the " + std::string(name) + " run");
}

// Both runs' ids, for matching customers: open addressing over a power-of-two table, each slot
// holding a customer (of the earlier run, or flagged kLater) beside 32 bits of its id's hash, so
// that most probes settle without reading the id itself. With std::unordered_map, chasing one node
// per id, a comparison of a million customers took about 30 % longer.
class IdTable {
  public:
    static constexpr std::uint32_t kLater = std::uint32_t{1} << 31;  // customers are below 2^31

    IdTable(const std::vector<std::string>& earlier, const std::vector<std::string>& later)
        : earlier_(earlier), later_(later) {
        std::size_t slots = 16;
        while (slots < 2 * (earlier.size() + later.size())) slots *= 2;  // at most half full
        slots_.assign(slots, 0);
    }

    // The entry already stored under `id`, or kNone after storing `entry` under it.
    std::uint32_t find_or_add(std::string_view id, std::uint32_t entry) {
        const std::uint64_t hash = std::hash<std::string_view>{}(id);
        const std::uint64_t tag = hash >> 32;
        for (std::size_t slot = hash & (slots_.size() - 1);;
             slot = (slot + 1) & (slots_.size() - 1)) {
            const std::uint64_t held = slots_[slot];
            if (held == 0) {
                slots_[slot] = tag << 32 | (std::uint64_t{entry} + 1);
                return kNone;
            }
            const auto found = static_cast<std::uint32_t>(held) - 1;
            if (held >> 32 == tag && text(found) == id) return found;
        }
    }

  private:
    std::string_view text(std::uint32_t entry) const {
        return entry & kLater ? later_[entry & ~kLater] : earlier_[entry];
    }

    const std::vector<std::string>& earlier_;
    const std::vector<std::string>& later_;
    std::vector<std::uint64_t> slots_;  // tag << 32 | (entry + 1), or 0 when empty
};

// The customers one earlier community A and one later community B share.
struct Overlap {
    std::uint32_t before = 0;  // dense index of A
    std::uint32_t after = 0;   // dense index of B
    std::uint64_t count = 0;
};

// Overlaps of every (A, B) pair that shares at least one customer, ordered by A, then B. Repeated
// ids are caught here, where each run's ids are hashed anyway.
std::vector<Overlap> overlaps(const CommunityMembership& before, const CommunityMembership& after,
                              const DenseCommunities& earlier, const DenseCommunities& later) {
    IdTable table(before.ids, after.ids);
    for (std::size_t customer = 0; customer < before.ids.size(); ++customer)
        if (table.find_or_add(before.ids[customer], static_cast<std::uint32_t>(customer)) != kNone)
            repeated_id(before.ids[customer], "earlier");

    // Each shared customer as the pair (A, B) packed in 64 bits, then counted after a sort: no
    // hashing of pairs, and the counts come out already in order.
    std::vector<char> seen_later(before.ids.size(), 0);
    std::vector<std::uint64_t> pairs;
    pairs.reserve(std::min(before.ids.size(), after.ids.size()));
    for (std::size_t customer = 0; customer < after.ids.size(); ++customer) {
        const std::uint32_t found = table.find_or_add(
            after.ids[customer], static_cast<std::uint32_t>(customer) | IdTable::kLater);
        if (found == kNone) continue;  // a new customer
        if (found & IdTable::kLater || seen_later[found]) repeated_id(after.ids[customer], "later");
        seen_later[found] = 1;
        pairs.push_back(std::uint64_t{earlier.of_customer[found]} << 32 |
                        later.of_customer[customer]);
    }
    std::sort(pairs.begin(), pairs.end());

    std::vector<Overlap> result;
    for (std::size_t first = 0; first < pairs.size();) {
        std::size_t last = first;
        while (last < pairs.size() && pairs[last] == pairs[first]) ++last;
        result.push_back({static_cast<std::uint32_t>(pairs[first] >> 32),
                          static_cast<std::uint32_t>(pairs[first] & 0xFFFFFFFFu), last - first});
        first = last;
    }
    return result;
}

// Union-find over the earlier communities (0..na-1) and the later ones (na..na+nb-1).
class Links {
  public:
    explicit Links(std::size_t nodes) : parent_(nodes) {
        std::iota(parent_.begin(), parent_.end(), std::uint32_t{0});
    }
    std::uint32_t root(std::uint32_t node) {
        while (parent_[node] != node) {
            parent_[node] = parent_[parent_[node]];  // path halving
            node = parent_[node];
        }
        return node;
    }
    void link(std::uint32_t a, std::uint32_t b) {
        a = root(a);
        b = root(b);
        if (a != b) parent_[std::max(a, b)] = std::min(a, b);
    }

  private:
    std::vector<std::uint32_t> parent_;
};

// What a group of linked communities adds up to, before it becomes a CommunityChange.
struct Group {
    std::uint32_t before_count = 0, after_count = 0;
    std::uint64_t size_before = 0, size_after = 0, shared = 0;
    std::uint64_t largest = 0;     // members of its largest community, in either run
    std::uint32_t change = kNone;  // index in the result, or kNone when left out
};

CommunityEvent classify(const Group& group, double size_change) {
    if (group.before_count == 0) return CommunityEvent::formed;
    if (group.after_count == 0) return CommunityEvent::dissolved;
    if (group.before_count == 1 && group.after_count == 1) {
        const double earlier = static_cast<double>(group.size_before);
        const double later = static_cast<double>(group.size_after);
        const double limit = size_change * earlier * (1.0 + kSlack);
        if (later - earlier > limit) return CommunityEvent::grew;
        if (earlier - later > limit) return CommunityEvent::shrank;
        return CommunityEvent::continued;
    }
    return group.after_count > group.before_count ? CommunityEvent::split : CommunityEvent::merged;
}

}  // namespace

std::string_view to_string(CommunityEvent event) {
    switch (event) {
        case CommunityEvent::continued:
            return "continued";
        case CommunityEvent::grew:
            return "grew";
        case CommunityEvent::shrank:
            return "shrank";
        case CommunityEvent::split:
            return "split";
        case CommunityEvent::merged:
            return "merged";
        case CommunityEvent::formed:
            return "formed";
        case CommunityEvent::dissolved:
            return "dissolved";
    }
    return "?";
}

void CommunityChangeParams::validate() const {
    if (!(share > 0.0 && share <= 1.0))
        throw UsageError("community changes: share must be in (0, 1], got " +
                         std::to_string(share));
    if (!(size_change >= 0.0) || !std::isfinite(size_change))
        throw UsageError("community changes: size_change must be a number >= 0, got " +
                         std::to_string(size_change));
}

std::vector<CommunityChange> community_changes(const CommunityMembership& before,
                                               const CommunityMembership& after,
                                               const CommunityChangeParams& params) {
    params.validate();
    check_run(before, "earlier");
    check_run(after, "later");

    const DenseCommunities earlier = dense_communities(before.labels);
    const DenseCommunities later = dense_communities(after.labels);
    const std::vector<Overlap> shared = overlaps(before, after, earlier, later);
    const std::uint32_t na = earlier.count(), nb = later.count();

    // Members present in both runs: those of A are spread over its overlaps, and so are those of B.
    std::vector<std::uint64_t> present_before(na, 0), present_after(nb, 0);
    for (const Overlap& overlap : shared) {
        present_before[overlap.before] += overlap.count;
        present_after[overlap.after] += overlap.count;
    }

    Links links(std::size_t{na} + nb);
    for (const Overlap& overlap : shared)
        if (holds_share(overlap.count, present_before[overlap.before], params.share) &&
            holds_share(overlap.count, present_after[overlap.after], params.share))
            links.link(overlap.before, na + overlap.after);

    // Groups numbered in order of their first community (earlier run first, by label).
    std::vector<std::uint32_t> group_of(std::size_t{na} + nb);
    std::vector<std::uint32_t> group_of_root(std::size_t{na} + nb, kNone);
    std::vector<Group> groups;
    for (std::uint32_t node = 0; node < na + nb; ++node) {
        const std::uint32_t root = links.root(node);
        if (group_of_root[root] == kNone) {
            group_of_root[root] = static_cast<std::uint32_t>(groups.size());
            groups.emplace_back();
        }
        group_of[node] = group_of_root[root];
        Group& group = groups[group_of[node]];
        if (node < na) {
            ++group.before_count;
            group.size_before += earlier.size[node];
            group.largest = std::max(group.largest, earlier.size[node]);
        } else {
            ++group.after_count;
            group.size_after += later.size[node - na];
            group.largest = std::max(group.largest, later.size[node - na]);
        }
    }
    for (const Overlap& overlap : shared)
        if (group_of[overlap.before] == group_of[na + overlap.after])
            groups[group_of[overlap.before]].shared += overlap.count;

    std::vector<CommunityChange> changes;
    for (Group& group : groups) {
        if (group.largest < params.min_size) continue;
        group.change = static_cast<std::uint32_t>(changes.size());
        CommunityChange& change = changes.emplace_back();
        change.event = classify(group, params.size_change);
        change.size_before = group.size_before;
        change.size_after = group.size_after;
        change.shared = group.shared;
        change.before.reserve(group.before_count);
        change.after.reserve(group.after_count);
    }
    // Labels in ascending order, as the dense indices are.
    for (std::uint32_t node = 0; node < na + nb; ++node) {
        const std::uint32_t index = groups[group_of[node]].change;
        if (index == kNone) continue;
        if (node < na)
            changes[index].before.push_back(earlier.labels[node]);
        else
            changes[index].after.push_back(later.labels[node - na]);
    }

    std::sort(changes.begin(), changes.end(),
              [](const CommunityChange& a, const CommunityChange& b) {
                  const std::uint64_t size_a = std::max(a.size_before, a.size_after);
                  const std::uint64_t size_b = std::max(b.size_before, b.size_after);
                  return std::tie(a.event, size_b, a.before, a.after) <
                         std::tie(b.event, size_a, b.before, b.after);
              });
    return changes;
}

}  // namespace catena
