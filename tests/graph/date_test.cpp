#include "catena/graph/date.hpp"

#include <catch2/catch.hpp>

using namespace catena;

TEST_CASE("ISO dates parse to days since 1970 and back", "[graph][date]") {
    CHECK(parse_iso_date("1970-01-01") == 0);
    CHECK(parse_iso_date("1970-01-02") == 1);
    CHECK(parse_iso_date("1969-12-31") == -1);
    CHECK(parse_iso_date("2000-03-01") == 11017);  // 30 years + 7 leap days + Jan + Feb(29)
    CHECK(parse_iso_date("2024-02-29").has_value());
    CHECK(parse_iso_date("2024-02-29T13:45:00").has_value());
    CHECK(parse_iso_date("2024-02-29 13:45").has_value());
    for (const char* text : {"2024-02-29", "1999-12-31", "2026-11-23", "1900-03-01"})
        CHECK(format_iso_date(*parse_iso_date(text)) == text);
}

TEST_CASE("Invalid dates are rejected", "[graph][date]") {
    for (const char* text : {"", "2023-02-29", "2023-13-01", "2023-00-10", "2023-04-31", "23-01-01",
                             "2023/01/01", "2023-01-01X", "2023-01-01T25:00", "01.02.2023", "abc"})
        CHECK_FALSE(parse_iso_date(text).has_value());
}
