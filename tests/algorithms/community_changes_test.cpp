// Community changes between two runs, on memberships drawn by hand: each test lists which
// customers sit in which community before and after, and the exact changes expected. A brute-force
// matcher on small random runs checks the same rule by its definition.
#include "catena/algorithms/community_changes.hpp"

#include <algorithm>
#include <limits>
#include <map>
#include <random>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include <catch2/catch.hpp>

#include "catena/graph/errors.hpp"

using namespace catena;

namespace {

// Customers named prefix + number, from first to last inclusive: "c1" .. "c20".
std::vector<std::string> customers(int first, int last, const std::string& prefix = "c") {
    std::vector<std::string> ids;
    for (int number = first; number <= last; ++number)
        ids.push_back(prefix + std::to_string(number));
    return ids;
}

// Puts `ids` into community `label` of `run`.
void add(CommunityMembership& run, std::uint32_t label, const std::vector<std::string>& ids) {
    for (const std::string& id : ids) {
        run.ids.push_back(id);
        run.labels.push_back(label);
    }
}

std::string join(const std::vector<std::uint32_t>& labels) {
    std::string text;
    for (const std::uint32_t label : labels)
        text += (text.empty() ? "" : " ") + std::to_string(label);
    return text;
}

// One change as a line, "split 0 -> 5 6: 20 -> 20, shared 20", so that a whole result compares
// in one assertion and a failure shows what came out.
std::string describe(const CommunityChange& change) {
    return std::string(to_string(change.event)) + " " + join(change.before) + " -> " +
           join(change.after) + ": " + std::to_string(change.size_before) + " -> " +
           std::to_string(change.size_after) + ", shared " + std::to_string(change.shared);
}

std::vector<std::string> describe(const std::vector<CommunityChange>& changes) {
    std::vector<std::string> lines;
    for (const CommunityChange& change : changes) lines.push_back(describe(change));
    return lines;
}

using Lines = std::vector<std::string>;

Lines changes_of(const CommunityMembership& before, const CommunityMembership& after,
                 const CommunityChangeParams& params = {}) {
    return describe(community_changes(before, after, params));
}

// The same membership with its customers listed in another order.
CommunityMembership shuffled(const CommunityMembership& run, std::uint32_t seed) {
    std::vector<std::size_t> order(run.ids.size());
    for (std::size_t customer = 0; customer < order.size(); ++customer) order[customer] = customer;
    std::mt19937 random(seed);
    std::shuffle(order.begin(), order.end(), random);
    CommunityMembership result;
    for (const std::size_t customer : order) {
        result.ids.push_back(run.ids[customer]);
        result.labels.push_back(run.labels[customer]);
    }
    return result;
}

// Split, merge and three continuations side by side (see the test of that name).
struct Mix {
    CommunityMembership before, after;
};

Mix mix() {
    Mix mix;
    add(mix.before, 0, customers(1, 20));  // splits in two
    add(mix.after, 10, customers(1, 10));
    add(mix.after, 11, customers(11, 20));
    add(mix.before, 1, customers(21, 30));  // 1 and 2 merge
    add(mix.before, 2, customers(31, 40));
    add(mix.after, 12, customers(21, 40));
    add(mix.before, 3, customers(41, 60));  // continue: 20, 30 and 20 members
    add(mix.after, 13, customers(41, 60));
    add(mix.before, 4, customers(61, 90));
    add(mix.after, 14, customers(61, 90));
    add(mix.before, 5, customers(91, 110));
    add(mix.after, 9, customers(91, 110));
    return mix;
}

const Lines kMixChanges = {
    "continued 4 -> 14: 30 -> 30, shared 30",  // the largest first,
    "continued 3 -> 13: 20 -> 20, shared 20",  // then by label
    "continued 5 -> 9: 20 -> 20, shared 20",   //
    "split 0 -> 10 11: 20 -> 20, shared 20",   //
    "merged 1 2 -> 12: 20 -> 20, shared 20",
};

}  // namespace

TEST_CASE("Community changes: one community cut in two is a split", "[algorithms][changes]") {
    CommunityMembership before, after;
    add(before, 0, customers(1, 20));
    add(after, 5, customers(1, 10));
    add(after, 6, customers(11, 20));
    CHECK(changes_of(before, after) == Lines{"split 0 -> 5 6: 20 -> 20, shared 20"});

    // Uneven parts still split while the smaller holds `share` of the community: 4 of 20 is 0.2.
    CommunityMembership uneven;
    add(uneven, 5, customers(1, 16));
    add(uneven, 6, customers(17, 20));
    CHECK(changes_of(before, uneven) == Lines{"split 0 -> 5 6: 20 -> 20, shared 20"});
}

TEST_CASE("Community changes: two communities joined into one are a merge",
          "[algorithms][changes]") {
    CommunityMembership before, after;
    add(before, 0, customers(1, 10));
    add(before, 1, customers(11, 20));
    add(after, 9, customers(1, 20));
    CHECK(changes_of(before, after) == Lines{"merged 0 1 -> 9: 20 -> 20, shared 20"});
}

TEST_CASE("Community changes: one community to one grew, shrank or continued by its size change",
          "[algorithms][changes]") {
    CommunityMembership small, large;
    add(small, 0, customers(1, 10));
    add(large, 3, customers(1, 10));
    add(large, 3, {"a", "b", "c", "d", "e"});  // five new customers
    CHECK(changes_of(small, large) == Lines{"grew 0 -> 3: 10 -> 15, shared 10"});
    CHECK(changes_of(large, small) == Lines{"shrank 3 -> 0: 15 -> 10, shared 10"});

    // 1 of 20 leaves: 5 %, within the default 10 %.
    CommunityMembership twenty, nineteen;
    add(twenty, 0, customers(1, 20));
    add(nineteen, 0, customers(1, 19));
    CHECK(changes_of(twenty, nineteen) == Lines{"continued 0 -> 0: 20 -> 19, shared 19"});

    // Exactly 10 % (2 of 20) is not more than 10 %; 3 of 20 is.
    CommunityMembership eighteen, seventeen, twenty_two, twenty_three;
    add(eighteen, 0, customers(1, 18));
    add(seventeen, 0, customers(1, 17));
    add(twenty_two, 0, customers(1, 22));
    add(twenty_three, 0, customers(1, 23));
    CHECK(changes_of(twenty, eighteen) == Lines{"continued 0 -> 0: 20 -> 18, shared 18"});
    CHECK(changes_of(twenty, seventeen) == Lines{"shrank 0 -> 0: 20 -> 17, shared 17"});
    CHECK(changes_of(twenty, twenty_two) == Lines{"continued 0 -> 0: 20 -> 22, shared 20"});
    CHECK(changes_of(twenty, twenty_three) == Lines{"grew 0 -> 0: 20 -> 23, shared 20"});

    // A looser threshold lets the 5 of 10 pass as a continuation.
    CommunityChangeParams params;
    params.size_change = 0.5;
    CHECK(changes_of(small, large, params) == Lines{"continued 0 -> 3: 10 -> 15, shared 10"});
}

TEST_CASE("Community changes: new customers form a community, one whose members all left dissolved",
          "[algorithms][changes]") {
    CommunityMembership before, after;
    add(before, 0, customers(1, 10));
    add(after, 0, customers(1, 10));
    add(before, 1, customers(11, 20));      // every member left the data
    add(after, 2, customers(1, 8, "new"));  // every member is new
    CHECK(changes_of(before, after) == Lines{
                                           "continued 0 -> 0: 10 -> 10, shared 10",
                                           "formed  -> 2: 0 -> 8, shared 0",
                                           "dissolved 1 -> : 10 -> 0, shared 0",
                                       });

    // With nothing before, everything formed; with nothing after, everything dissolved.
    const CommunityMembership empty;
    CHECK(changes_of(empty, after) == Lines{
                                          "formed  -> 0: 0 -> 10, shared 0",
                                          "formed  -> 2: 0 -> 8, shared 0",
                                      });
    CHECK(changes_of(before, empty) == Lines{
                                           "dissolved 0 -> : 10 -> 0, shared 0",
                                           "dissolved 1 -> : 10 -> 0, shared 0",
                                       });
    CHECK(community_changes(empty, empty).empty());
}

TEST_CASE("Community changes: labels are names only, relabelling changes nothing else",
          "[algorithms][changes]") {
    const Mix original = mix();
    // The later run's labels mapped to others, far apart and in another order.
    const std::map<std::uint32_t, std::uint32_t> relabel = {
        {9, 4'000'000'000u}, {10, 7}, {11, 3}, {12, 0}, {13, 12}, {14, 1}};
    Mix renamed = original;
    for (std::uint32_t& label : renamed.after.labels) label = relabel.at(label);

    const std::vector<CommunityChange> expected =
        community_changes(original.before, original.after);
    const std::vector<CommunityChange> got = community_changes(renamed.before, renamed.after);
    REQUIRE(got.size() == expected.size());
    for (std::size_t index = 0; index < got.size(); ++index) {
        std::vector<std::uint32_t> after;
        for (const std::uint32_t label : expected[index].after) after.push_back(relabel.at(label));
        std::sort(after.begin(), after.end());
        CHECK(got[index].event == expected[index].event);
        CHECK(got[index].before == expected[index].before);
        CHECK(got[index].after == after);
        CHECK(got[index].size_before == expected[index].size_before);
        CHECK(got[index].size_after == expected[index].size_after);
        CHECK(got[index].shared == expected[index].shared);
    }
    // The label 11 -> 3 puts the split's labels in the other order: they are listed ascending.
    CHECK(describe(got[3]) == "split 0 -> 3 7: 20 -> 20, shared 20");
}

TEST_CASE("Community changes: changes among communities under min_size are not reported",
          "[algorithms][changes]") {
    CommunityMembership before, after;
    add(before, 0, customers(1, 4));  // 4 members, continued
    add(after, 0, customers(1, 4));
    add(before, 1, customers(5, 7));  // 3 members, left
    add(after, 1, customers(1, 3, "new"));
    add(before, 2, customers(8, 10));  // 3 members, grew to 6: reported, 6 is not small
    add(after, 2, customers(8, 10));
    add(after, 2, customers(4, 6, "new"));

    CHECK(changes_of(before, after) == Lines{"grew 2 -> 2: 3 -> 6, shared 3"});

    CommunityChangeParams params;
    params.min_size = 4;
    CHECK(changes_of(before, after, params) == Lines{
                                                   "continued 0 -> 0: 4 -> 4, shared 4",
                                                   "grew 2 -> 2: 3 -> 6, shared 3",
                                               });
    params.min_size = 0;
    CHECK(changes_of(before, after, params) == Lines{
                                                   "continued 0 -> 0: 4 -> 4, shared 4",
                                                   "grew 2 -> 2: 3 -> 6, shared 3",
                                                   "formed  -> 1: 0 -> 3, shared 0",
                                                   "dissolved 1 -> : 3 -> 0, shared 0",
                                               });
}

TEST_CASE("Community changes: split, merge and continuations side by side, in any order of ids",
          "[algorithms][changes]") {
    const Mix original = mix();
    CHECK(changes_of(original.before, original.after) == kMixChanges);
    for (std::uint32_t seed = 1; seed <= 5; ++seed) {
        INFO("seed " << seed);
        CHECK(changes_of(shuffled(original.before, seed), shuffled(original.after, seed + 100)) ==
              kMixChanges);
    }
}

TEST_CASE("Community changes: a part must hold `share` of both communities to tie them",
          "[algorithms][changes]") {
    SECTION("a small community absorbed whole into a much larger one is dissolved") {
        CommunityMembership before, after;
        add(before, 0, customers(1, 5));
        add(before, 1, customers(6, 55));
        add(after, 7, customers(1, 55));  // 0's 5 are a tenth of 7's 55
        CHECK(changes_of(before, after) == Lines{
                                               "continued 1 -> 7: 50 -> 55, shared 50",
                                               "dissolved 0 -> : 5 -> 0, shared 0",
                                           });
        CommunityChangeParams params;
        params.share = 0.05;
        CHECK(changes_of(before, after, params) == Lines{"merged 0 1 -> 7: 55 -> 55, shared 55"});
    }
    SECTION("a small piece breaking off a large community is formed") {
        CommunityMembership before, after;
        add(before, 0, customers(1, 50));
        add(after, 0, customers(1, 44));
        add(after, 1, customers(45, 50));  // 6 of 50, under a fifth
        CHECK(changes_of(before, after) == Lines{
                                               "shrank 0 -> 0: 50 -> 44, shared 44",
                                               "formed  -> 1: 0 -> 6, shared 0",
                                           });
        CommunityChangeParams params;
        params.share = 0.1;
        CHECK(changes_of(before, after, params) == Lines{"split 0 -> 0 1: 50 -> 50, shared 50"});
    }
    SECTION("a few customers moving, or gathering in a small new community, tie nothing") {
        CommunityMembership before, after;
        add(before, 0, customers(1, 30));
        add(before, 1, customers(31, 60));
        add(after, 0, customers(1, 28));
        add(after, 0, {"c31"});  // one of 1's customers joins 0
        add(after, 1, customers(32, 59));
        // A tiny community of both: a third or more of it from each, a fifteenth of either.
        add(after, 2, {"c29", "c30", "c60"});
        CommunityChangeParams params;
        params.min_size = 0;
        CHECK(changes_of(before, after, params) == Lines{
                                                       "continued 0 -> 0: 30 -> 29, shared 28",
                                                       "continued 1 -> 1: 30 -> 28, shared 28",
                                                       "formed  -> 2: 0 -> 3, shared 0",
                                                   });
    }
    SECTION("several communities on both sides: split when the later run has more") {
        // 0 and 1 exchange a third each into a new third community: 2 before, 3 after.
        CommunityMembership before, after;
        add(before, 0, customers(1, 30));
        add(before, 1, customers(31, 60));
        add(after, 5, customers(1, 20));
        add(after, 6, customers(31, 50));
        add(after, 7, customers(21, 30));
        add(after, 7, customers(51, 60));
        CHECK(changes_of(before, after) == Lines{"split 0 1 -> 5 6 7: 60 -> 60, shared 60"});
        // The other way round, 3 before and 2 after, is a merge; 2 and 2 too.
        CHECK(changes_of(after, before) == Lines{"merged 5 6 7 -> 0 1: 60 -> 60, shared 60"});
        CommunityMembership crossed;
        add(crossed, 8, customers(1, 15));
        add(crossed, 8, customers(31, 45));
        add(crossed, 9, customers(16, 30));
        add(crossed, 9, customers(46, 60));
        CHECK(changes_of(before, crossed) == Lines{"merged 0 1 -> 8 9: 60 -> 60, shared 60"});
    }
}

TEST_CASE("Community changes: share and size_change bounds hold exactly, despite rounding",
          "[algorithms][changes]") {
    // 0.14 x 50 comes out as 7.000000000000001 in floating point: 7 of 50 must still count.
    CommunityMembership fifty, cut;
    add(fifty, 0, customers(1, 50));
    add(cut, 1, customers(1, 43));
    add(cut, 2, customers(44, 50));
    CommunityChangeParams params;
    params.share = 0.14;
    CHECK(changes_of(fifty, cut, params) == Lines{"split 0 -> 1 2: 50 -> 50, shared 50"});

    // 0.58 x 50 comes out as 28.999999999999996: growing by 29 of 50 is not more than 58 %.
    CommunityMembership seventy_nine, eighty;
    add(seventy_nine, 0, customers(1, 79));
    add(eighty, 0, customers(1, 80));
    params = {};
    params.size_change = 0.58;
    CHECK(changes_of(fifty, seventy_nine, params) ==
          Lines{"continued 0 -> 0: 50 -> 79, shared 50"});
    CHECK(changes_of(fifty, eighty, params) == Lines{"grew 0 -> 0: 50 -> 80, shared 50"});
}

TEST_CASE("Community changes: mismatched lengths, repeated ids and bad parameters are usage errors",
          "[algorithms][changes]") {
    CommunityMembership good;
    add(good, 0, customers(1, 10));

    CommunityMembership short_labels = good;
    short_labels.labels.pop_back();
    CHECK_THROWS_AS(community_changes(short_labels, good), UsageError);
    CHECK_THROWS_AS(community_changes(good, short_labels), UsageError);
    CHECK_THROWS_WITH(community_changes(short_labels, good),
                      "community changes: the earlier run has 10 ids but 9 labels");

    CommunityMembership repeated = good;
    add(repeated, 1, {"c3"});
    CHECK_THROWS_AS(community_changes(repeated, good), UsageError);
    CHECK_THROWS_AS(community_changes(good, repeated), UsageError);
    CHECK_THROWS_WITH(community_changes(good, repeated),
                      "community changes: customer id 'c3' appears twice in the later run");
    // A repeat among customers new in the later run is caught too.
    CommunityMembership repeated_new = good;
    add(repeated_new, 1, {"new", "new"});
    CHECK_THROWS_AS(community_changes(good, repeated_new), UsageError);

    for (const double share : {0.0, -0.1, 1.5, std::numeric_limits<double>::quiet_NaN()}) {
        CommunityChangeParams params;
        params.share = share;
        CHECK_THROWS_AS(community_changes(good, good, params), UsageError);
    }
    for (const double size_change : {-0.1, std::numeric_limits<double>::infinity(),
                                     std::numeric_limits<double>::quiet_NaN()}) {
        CommunityChangeParams params;
        params.size_change = size_change;
        CHECK_THROWS_AS(community_changes(good, good, params), UsageError);
    }
    CommunityChangeParams whole;
    whole.share = 1.0;  // the bound itself is allowed
    CHECK(changes_of(good, good, whole) == Lines{"continued 0 -> 0: 10 -> 10, shared 10"});
}

namespace {

// The rule by its definition on small runs: overlaps counted pair by pair, links where the
// overlap holds `share` of both communities' members present in both runs, groups grown by search.
Lines brute_force(const CommunityMembership& before, const CommunityMembership& after,
                  const CommunityChangeParams& params) {
    std::map<std::uint32_t, std::uint64_t> size_before, size_after, present_before, present_after;
    std::map<std::pair<std::uint32_t, std::uint32_t>, std::uint64_t> overlap;
    for (const std::uint32_t label : before.labels) ++size_before[label];
    for (const std::uint32_t label : after.labels) ++size_after[label];
    for (std::size_t earlier = 0; earlier < before.ids.size(); ++earlier)
        for (std::size_t later = 0; later < after.ids.size(); ++later)
            if (before.ids[earlier] == after.ids[later]) {
                ++overlap[{before.labels[earlier], after.labels[later]}];
                ++present_before[before.labels[earlier]];
                ++present_after[after.labels[later]];
            }
    // Nodes: (0, label) for the earlier run, (1, label) for the later.
    using Node = std::pair<int, std::uint32_t>;
    std::map<Node, std::set<Node>> neighbours;
    for (const auto& [label, size] : size_before) neighbours[{0, label}];
    for (const auto& [label, size] : size_after) neighbours[{1, label}];
    for (const auto& [pair, count] : overlap) {
        const double part = static_cast<double>(count);
        if (part >= params.share * static_cast<double>(present_before[pair.first]) - 1e-9 &&
            part >= params.share * static_cast<double>(present_after[pair.second]) - 1e-9) {
            neighbours[{0, pair.first}].insert({1, pair.second});
            neighbours[{1, pair.second}].insert({0, pair.first});
        }
    }
    std::vector<CommunityChange> changes;
    std::set<Node> done;
    for (const auto& [start, ignored] : neighbours) {
        if (done.count(start)) continue;
        std::vector<Node> stack = {start};
        std::set<Node> group = {start};
        while (!stack.empty()) {
            const Node node = stack.back();
            stack.pop_back();
            for (const Node& next : neighbours[node])
                if (group.insert(next).second) stack.push_back(next);
        }
        done.insert(group.begin(), group.end());
        CommunityChange change;
        std::uint64_t largest = 0;
        for (const auto& [side, label] : group) {
            const std::uint64_t size = side == 0 ? size_before[label] : size_after[label];
            (side == 0 ? change.before : change.after).push_back(label);
            (side == 0 ? change.size_before : change.size_after) += size;
            largest = std::max(largest, size);
        }
        if (largest < params.min_size) continue;
        for (const std::uint32_t earlier : change.before)
            for (const std::uint32_t later : change.after) {
                const auto found = overlap.find({earlier, later});
                if (found != overlap.end()) change.shared += found->second;
            }
        const std::size_t earlier_count = change.before.size(), later_count = change.after.size();
        const double delta =
            static_cast<double>(change.size_after) - static_cast<double>(change.size_before);
        const double limit = params.size_change * static_cast<double>(change.size_before) + 1e-9;
        if (earlier_count == 0)
            change.event = CommunityEvent::formed;
        else if (later_count == 0)
            change.event = CommunityEvent::dissolved;
        else if (earlier_count == 1 && later_count == 1)
            change.event = delta > limit    ? CommunityEvent::grew
                           : -delta > limit ? CommunityEvent::shrank
                                            : CommunityEvent::continued;
        else
            change.event =
                later_count > earlier_count ? CommunityEvent::split : CommunityEvent::merged;
        changes.push_back(change);
    }
    std::sort(changes.begin(), changes.end(), [](const auto& a, const auto& b) {
        const auto size_a = std::max(a.size_before, a.size_after);
        const auto size_b = std::max(b.size_before, b.size_after);
        return std::tie(a.event, size_b, a.before, a.after) <
               std::tie(b.event, size_a, b.before, b.after);
    });
    return describe(changes);
}

}  // namespace

TEST_CASE("Community changes agree with a brute-force matcher on 300 random small runs",
          "[algorithms][changes]") {
    std::mt19937 random(7);
    for (int round = 0; round < 300; ++round) {
        // Up to 60 customers; each is in the earlier run, the later or both, in one of a few
        // communities; the later run keeps most of a customer's community, to make real matches.
        const int count = 1 + static_cast<int>(random() % 60);
        const std::uint32_t communities = 1 + random() % 6;
        CommunityMembership before, after;
        for (int customer = 0; customer < count; ++customer) {
            const std::string id = "c" + std::to_string(customer);
            const std::uint32_t label = random() % communities;
            const std::uint32_t presence = random() % 10;  // 0: earlier only, 1: later only
            if (presence != 1) add(before, label, {id});
            if (presence != 0)
                add(after, random() % 3 == 0 ? random() % (communities + 2) : label + 100, {id});
        }
        before = shuffled(before, round);
        CommunityChangeParams params;
        params.min_size = random() % 4;
        params.share = std::vector<double>{0.1, 0.2, 0.3, 0.5, 1.0}[random() % 5];
        INFO("round " << round);
        REQUIRE(changes_of(before, after, params) == brute_force(before, after, params));
    }
}

TEST_CASE("Community changes: every community in exactly one change, sizes adding up",
          "[algorithms][changes]") {
    std::mt19937 random(11);
    CommunityMembership before, after;
    for (int customer = 0; customer < 20'000; ++customer) {
        const std::string id = std::to_string(customer);
        const std::uint32_t label = random() % 400;
        if (random() % 20 != 0) add(before, label, {id});
        if (random() % 20 != 0)
            add(after, random() % 4 == 0 ? random() % 500 : (label * 7) % 450, {id});
    }
    CommunityChangeParams params;
    params.min_size = 0;
    const std::vector<CommunityChange> changes = community_changes(before, after, params);

    std::multiset<std::uint32_t> labels_before, labels_after;
    std::uint64_t members_before = 0, members_after = 0;
    for (const CommunityChange& change : changes) {
        labels_before.insert(change.before.begin(), change.before.end());
        labels_after.insert(change.after.begin(), change.after.end());
        members_before += change.size_before;
        members_after += change.size_after;
        CHECK(change.shared <= std::min(change.size_before, change.size_after));
        CHECK(std::is_sorted(change.before.begin(), change.before.end()));
        CHECK(std::is_sorted(change.after.begin(), change.after.end()));
        CHECK((change.before.empty() == (change.event == CommunityEvent::formed)));
        CHECK((change.after.empty() == (change.event == CommunityEvent::dissolved)));
    }
    // Each label once: a multiset that equals the set of labels holds no label twice.
    const std::set<std::uint32_t> all_before(before.labels.begin(), before.labels.end());
    const std::set<std::uint32_t> all_after(after.labels.begin(), after.labels.end());
    CHECK(labels_before == std::multiset<std::uint32_t>(all_before.begin(), all_before.end()));
    CHECK(labels_after == std::multiset<std::uint32_t>(all_after.begin(), all_after.end()));
    CHECK(members_before == before.ids.size());
    CHECK(members_after == after.ids.size());
    // Real matches were made, so the check above is not about dissolving and forming alone.
    CHECK(std::count_if(changes.begin(), changes.end(), [](const CommunityChange& change) {
              return !change.before.empty() && !change.after.empty();
          }) > 100);
}
