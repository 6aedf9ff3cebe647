#include "catena/graph/date.hpp"

#include <cstdio>

namespace catena {

namespace {

bool is_leap(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

unsigned days_in_month(int year, unsigned month) {
    static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return month == 2 && is_leap(year) ? 29 : kDays[month - 1];
}

bool digits(std::string_view text, std::size_t from, std::size_t count, int& out) {
    int value = 0;
    for (std::size_t pos = from; pos < from + count; ++pos) {
        const char c = text[pos];
        if (c < '0' || c > '9') return false;
        value = value * 10 + (c - '0');
    }
    out = value;
    return true;
}

bool valid_time(std::string_view time) {
    // HH:MM, HH:MM:SS, optionally with fractional seconds and a zone; checked loosely but the
    // hour and minute must be there and in range.
    int hour = 0, minute = 0;
    if (time.size() < 5 || time[2] != ':' || !digits(time, 0, 2, hour) ||
        !digits(time, 3, 2, minute))
        return false;
    return hour < 24 && minute < 60;
}

}  // namespace

// Howard Hinnant's days_from_civil algorithm.
Date days_from_civil(int year, unsigned month, unsigned day) {
    year -= month <= 2;
    const int era = (year >= 0 ? year : year - 399) / 400;
    const unsigned year_of_era = static_cast<unsigned>(year - era * 400);
    const unsigned day_of_year = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
    const unsigned day_of_era =
        year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    return static_cast<Date>(era * 146097 + static_cast<int>(day_of_era) - 719468);
}

std::optional<Date> parse_iso_date(std::string_view text) {
    if (text.size() < 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
    int year = 0, month = 0, day = 0;
    if (!digits(text, 0, 4, year) || !digits(text, 5, 2, month) || !digits(text, 8, 2, day))
        return std::nullopt;
    if (month < 1 || month > 12 || day < 1 ||
        static_cast<unsigned>(day) > days_in_month(year, static_cast<unsigned>(month)))
        return std::nullopt;
    if (text.size() > 10) {
        if (text[10] != 'T' && text[10] != ' ') return std::nullopt;
        if (!valid_time(text.substr(11))) return std::nullopt;
    }
    return days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
}

std::string format_iso_date(Date date) {
    // civil_from_days, the inverse of days_from_civil.
    const int z = date + 719468;
    const int era = (z >= 0 ? z : z - 146096) / 146097;
    const unsigned day_of_era = static_cast<unsigned>(z - era * 146097);
    const unsigned year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
    const int year = static_cast<int>(year_of_era) + era * 400;
    const unsigned day_of_year =
        day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    const unsigned mp = (5 * day_of_year + 2) / 153;
    const unsigned day = day_of_year - (153 * mp + 2) / 5 + 1;
    const unsigned month = mp < 10 ? mp + 3 : mp - 9;
    char buffer[48];
    std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02u", year + (month <= 2), month, day);
    return buffer;
}

}  // namespace catena
