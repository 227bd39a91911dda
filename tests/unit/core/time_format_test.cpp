#include <catch2/catch.hpp>

#include "rtwatch/core/time_format.hpp"

using namespace std::chrono;

TEST_CASE("time format: RFC 3339 with milliseconds in UTC", "[core]") {
    rtwatch::WallTime t{milliseconds(1'795'789'800'412LL)};
    CHECK(rtwatch::format_rfc3339_ms(t) == "2026-11-27T14:30:00.412Z");
    CHECK(rtwatch::format_rfc3339_ms(rtwatch::WallTime{}) == "1970-01-01T00:00:00.000Z");
}

TEST_CASE("time format: parses what token endpoints send", "[core]") {
    auto t = rtwatch::parse_rfc3339("2026-11-27T14:30:00.412Z");
    REQUIRE(t);
    CHECK(duration_cast<milliseconds>(t->time_since_epoch()).count() == 1'795'789'800'412LL);
    auto off = rtwatch::parse_rfc3339("2026-11-27T15:30:00+01:00");
    REQUIRE(off);
    CHECK(duration_cast<seconds>(off->time_since_epoch()).count() == 1'795'789'800LL);
    CHECK_FALSE(rtwatch::parse_rfc3339("2026-11-27 14:30:00"));
    CHECK_FALSE(rtwatch::parse_rfc3339("2026-13-27T14:30:00Z"));
    CHECK_FALSE(rtwatch::parse_rfc3339("2026-11-27T14:30:00Zjunk"));
    CHECK_FALSE(rtwatch::parse_rfc3339("1013-11-27T15:30:00Z"));  // would overflow the clock
    CHECK_FALSE(rtwatch::parse_rfc3339("9999-11-27T15:30:00Z"));
}
