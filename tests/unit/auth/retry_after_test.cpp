// Retry-After as RFC 9110 10.2.3 defines it: delta-seconds or any of the
// three HTTP-date forms, against a fixed wall clock.
#include <catch2/catch.hpp>

#include "rtwatch/auth/token.hpp"

using namespace rtwatch;
using namespace rtwatch::auth;
using namespace std::chrono;

namespace {
// Fri, 27 Nov 2026 14:30:00 GMT
const WallTime k_wall{seconds(1'795'789'800)};
}  // namespace

TEST_CASE("retry-after: delta seconds", "[auth]") {
    CHECK(parse_retry_after("0", k_wall) == Millis(0));
    CHECK(parse_retry_after("30", k_wall) == Millis(30'000));
    CHECK(parse_retry_after(" 7 ", k_wall) == Millis(7'000));
}

TEST_CASE("retry-after: huge delta seconds are capped, not overflowed", "[auth]") {
    CHECK(parse_retry_after("99999999999999999999999999", k_wall) == k_max_retry_after);
    CHECK(parse_retry_after("86401", k_wall) == k_max_retry_after);
}

TEST_CASE("retry-after: IMF-fixdate in the future", "[auth]") {
    CHECK(parse_retry_after("Fri, 27 Nov 2026 14:30:45 GMT", k_wall) == Millis(45'000));
    CHECK(parse_retry_after("Sat, 28 Nov 2026 14:00:00 GMT", k_wall) == Millis(23 * 3'600'000 + 1'800'000));
    CHECK(parse_retry_after("Sun, 29 Nov 2026 14:00:00 GMT", k_wall) == k_max_retry_after);
}

TEST_CASE("retry-after: obsolete RFC 850 and asctime dates", "[auth]") {
    CHECK(parse_retry_after("Friday, 27-Nov-26 14:31:00 GMT", k_wall) == Millis(60'000));
    CHECK(parse_retry_after("Fri Nov 27 14:30:10 2026", k_wall) == Millis(10'000));
    // A one-digit day is space-padded.
    CHECK(parse_retry_after("Tue Dec  1 14:30:00 2026", k_wall + hours(73)) == Millis(23 * 3'600'000));
}

TEST_CASE("retry-after: a date in the past means retry now", "[auth]") {
    CHECK(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", k_wall) == Millis(0));
    CHECK(parse_retry_after("Sunday, 06-Nov-94 08:49:37 GMT", k_wall) == Millis(0));
}

TEST_CASE("retry-after: a sub-second wall clock rounds the wait up", "[auth]") {
    WallTime wall = k_wall + milliseconds(250);
    CHECK(parse_retry_after("Fri, 27 Nov 2026 14:30:01 GMT", wall) == Millis(750));
}

TEST_CASE("retry-after: absent or malformed values are rejected", "[auth]") {
    for (std::string_view bad :
         {"", "   ", "-5", "1.5", "30s", "soon", "Fri, 27 Nov 2026 14:30:45 UTC", "Fri, 27 Foo 2026 14:30:45 GMT",
          "Fri, 27 Nov 2026 25:30:45 GMT", "Fri, 27 Nov 2026 14:30:45 GMT junk", "Fri Nov 27 14:30:10",
          "Fri, 31 Dec 9999 23:59:59 GMT", "Mon, 01 Jan 0001 00:00:00 GMT"}) {
        INFO(bad);
        CHECK_FALSE(parse_retry_after(bad, k_wall));
    }
}
