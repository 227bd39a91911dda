#include <catch2/catch.hpp>

#include "rtwatch/core/duration.hpp"

using rtwatch::Millis;
using rtwatch::parse_duration;

TEST_CASE("duration: units users type", "[core]") {
    CHECK(parse_duration("250ms").value() == Millis(250));
    CHECK(parse_duration("5s").value() == Millis(5000));
    CHECK(parse_duration("1m").value() == Millis(60000));
    CHECK(parse_duration("2h").value() == Millis(7'200'000));
    CHECK(parse_duration("1.5s").value() == Millis(1500));
    CHECK(parse_duration("3").value() == Millis(3000));
    CHECK(parse_duration("0").value() == Millis(0));
}

TEST_CASE("duration: bad input names the cause and the fix", "[core]") {
    for (auto text : {"", "abc", "-1s", "5 s", "5x", "nan"}) {
        auto r = parse_duration(text);
        REQUIRE_FALSE(r.ok());
        CHECK(r.error().code == rtwatch::ExitCode::usage);
        CHECK_THAT(r.error().message, Catch::Contains("250ms"));
    }
}

TEST_CASE("duration: at most 720h; longer is a usage error, never a wrapped clock", "[core]") {
    CHECK(parse_duration("720h").value() == rtwatch::k_max_duration);
    CHECK(parse_duration("43200m").value() == rtwatch::k_max_duration);
    CHECK(parse_duration("2592000").value() == rtwatch::k_max_duration);
    for (auto text : {"720.001h", "721h", "3000000h", "2592000001ms", "1e300s", "99999999999999999999h"}) {
        INFO(text);
        auto r = parse_duration(text);
        REQUIRE_FALSE(r.ok());
        CHECK(r.error().code == rtwatch::ExitCode::usage);
        CHECK_THAT(r.error().message, Catch::Contains("longer than 720h"));
    }
}

TEST_CASE("duration: formatting picks the largest exact unit", "[core]") {
    CHECK(rtwatch::format_duration(Millis(250)) == "250ms");
    CHECK(rtwatch::format_duration(Millis(5000)) == "5s");
    CHECK(rtwatch::format_duration(Millis(60000)) == "1m");
    CHECK(rtwatch::format_duration(Millis(0)) == "0s");
    CHECK(rtwatch::format_duration(Millis(3'599'998)) == "1h");
    CHECK(rtwatch::format_duration(Millis(1500)) == "1500ms");
}
