// Telling a misspelt or differently named catena column from a plain attribute: `opted_out`,
// `optout_flag` and `Do Not Contact` look like opt_out; `valeu` like value; `segmnet` like segment.
// A column that looks like a catena column but is not mapped to it is an input error, so a
// compliance flag or a value is never read as a text attribute by accident.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace catena::columns {

// Lower case, letters and digits only: "Opt-Out Flag" -> "optoutflag".
std::string normalize(std::string_view name);

// The catena column (of `known`, each a name or alias) that `column` looks like, if any: equal
// after normalising, within one edit of a name of 5+ characters or two of 7+; for opt_out also
// any name that contains opt-out words (optout, optedout, unsubscribe, donotcontact, donotemail,
// donotcall, nocontact, emailoptout, suppressed).
// `words` off: spelling only (for names a mapping gives its attributes on purpose).
std::optional<std::string> looks_like(std::string_view column,
                                      const std::vector<std::string>& known, bool words = true);

}  // namespace catena::columns
