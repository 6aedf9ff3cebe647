// Community changes: how the communities of one run became those of a later run (continued, grew,
// shrank, split, merged, formed, dissolved), matched by the customers they share.
//
// Community labels mean nothing from one run to the next (a rerun may number the same groups
// differently), so communities are matched by their members alone. Customers are matched by id; a
// customer present in only one run counts toward the size of its community in that run, never
// toward an overlap.
//
// - Overlap o(A, B): the customers in community A of the earlier run and community B of the later.
// - A is carried into B when o(A, B) >= share x (A's members still present in the later run);
//   B draws from A when o(A, B) >= share x (B's members already present in the earlier run).
// - A and B are linked when A is carried into B and B draws from A: their overlap is a real part
//   of both. Asking both keeps changes apart: a few customers moving, or a small community
//   gathered from pieces of large ones, does not tie large communities that simply continued into
//   one change. The price is at the edges: a community absorbed whole into one more than 1/share
//   times its size is reported dissolved, and a piece holding less than `share` of the community
//   it broke off from is reported formed (that community continued or shrank). A lower `share`
//   ties such parts too.
// - The linked communities fall into connected groups, each one change:
//     one before and one after: continued, or grew / shrank when the size moves by more than
//       `size_change` of the earlier size;
//     several before and one after: merged; one before and several after: split;
//     several on both sides: split when the later run has more of them, merged otherwise (the
//       earlier communities' members now share communities);
//     a before community with no link: dissolved (its members left, or went into communities
//       of which they are too small a part); an after community with no link: formed (new
//       customers, or a gathering of parts too small for the communities they came from).
// - A change is left out when every community in it has fewer than `min_size` members.
// - Order: by event (in the order of CommunityEvent), then by the larger of size_before and
//   size_after, largest first, then by the earlier run's labels and the later run's labels. The
//   result depends only on which customer has which label, not on the order of the ids.
//
// Time and memory grow with the number of customers, not with the number of community pairs: one
// hash of the ids and one sort of the customers' (A, B) pairs. A community has at most 1/share
// links.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace catena {

// One run's communities: a label per customer, customers named by their external ids. An id may
// appear once per run.
struct CommunityMembership {
    std::vector<std::string> ids;
    std::vector<std::uint32_t> labels;  // labels[i] is the community of ids[i]
};

enum class CommunityEvent { continued, grew, shrank, split, merged, formed, dissolved };

// "continued", "grew", "shrank", "split", "merged", "formed", "dissolved".
std::string_view to_string(CommunityEvent event);

struct CommunityChange {
    CommunityEvent event = CommunityEvent::continued;
    std::vector<std::uint32_t> before;  // the earlier run's labels, ascending (empty for formed)
    std::vector<std::uint32_t> after;   // the later run's labels, ascending (empty for dissolved)
    std::uint64_t size_before = 0;      // members of the `before` communities, summed
    std::uint64_t size_after = 0;       // members of the `after` communities, summed
    // Customers in one of the `before` communities and, in the later run, in one of the `after`.
    std::uint64_t shared = 0;
};

struct CommunityChangeParams {
    // A part counts when it holds at least this share of a community's members present in both
    // runs (see "carried into" and "draws from" above). In (0, 1].
    double share = 0.2;
    // One community to one: grew or shrank when its size moves by more than this fraction of the
    // earlier size, continued otherwise. At least 0.
    double size_change = 0.1;
    // Changes whose communities all have fewer members than this (each in its own run) are left
    // out; 0 or 1 keeps every change.
    std::uint64_t min_size = 5;

    void validate() const;  // throws UsageError
};

// Throws UsageError when ids and labels differ in length, an id repeats within a run, or the
// parameters are impossible. Two empty runs give no changes.
std::vector<CommunityChange> community_changes(const CommunityMembership& before,
                                               const CommunityMembership& after,
                                               const CommunityChangeParams& params = {});

}  // namespace catena
