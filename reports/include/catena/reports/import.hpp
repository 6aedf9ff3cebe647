// What `catena import` prints: the rows stored (or, for a dry run, that would be), per table added,
// updated, unchanged and skipped; how each file was read through the mapping (delimiter,
// encoding, catena column <- source column, columns not used); rows filtered and merged.
#pragma once

#include <string>

#include "catena/loaders/store.hpp"

namespace catena {

std::string format_import_summary(const ImportSummary& summary, const std::string& source,
                                  const std::string& db);

}  // namespace catena
