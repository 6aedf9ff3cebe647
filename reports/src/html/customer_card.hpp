// A customer's card (`catena explain`'s JSON) as HTML, for its own page and for the batch report's
// drill-down (customer_card.cpp).
#pragma once

#include <string>

#include "sections.hpp"

namespace catena::html {

// The card as an <article id=ANCHOR class="customer-card">; `links` (may be null) turns the
// customers it lists into links to their own cards; `back`: the anchor of a "Back to the report"
// link ("" for none).
std::string customer_card(const Json& card, const std::string& anchor, const CardLinks* links,
                          const std::string& back);

}  // namespace catena::html
