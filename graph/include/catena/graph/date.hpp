// Calendar dates as whole days since 1970-01-01 (proleptic Gregorian), the unit every date in
// catena is stored and compared in. Only ISO 8601 calendar dates are accepted on input:
// `YYYY-MM-DD`, optionally followed by `T` or a space and a time of day, which is ignored.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace catena {

using Date = std::int32_t;  // days since 1970-01-01

// The date written in `text`, or nothing when it is not a valid ISO date (2023-02-30 is invalid).
std::optional<Date> parse_iso_date(std::string_view text);

Date days_from_civil(int year, unsigned month, unsigned day);

// `YYYY-MM-DD`.
std::string format_iso_date(Date date);

}  // namespace catena
