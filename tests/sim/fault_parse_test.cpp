// Fault JSON: every kind parses, every mistake is an error that says what
// is wrong.
#include <catch2/catch.hpp>

#include "rtwatch/sim/faults.hpp"

using namespace rtwatch::sim;

TEST_CASE("sim fault parse: kinds and their fields", "[sim][fault]") {
    auto f = parse_fault(R"({"kind":"maintenance","retryAfterMs":1500,"ms":700})");
    REQUIRE(f);
    CHECK(f->kind == Fault::Kind::maintenance);
    CHECK(f->retry_after_ms == 1500);
    CHECK(*f->ms == 700);
    f = parse_fault(R"({"kind":"status","status":429,"count":2,"retryAfter":3,"endpoint":"token"})");
    REQUIRE(f);
    CHECK(f->canned.status == 429);
    CHECK(f->canned.count == 2);
    CHECK(*f->canned.retry_after_s == 3);
    CHECK(f->endpoint == Endpoint::token);
    f = parse_fault(R"({"kind":"garbage","variant":"oversize"})");
    REQUIRE(f);
    CHECK(f->variant == GarbageVariant::oversize);
    f = parse_fault(R"({"kind":"revoke","credentials":true})");
    REQUIRE(f);
    CHECK(f->credentials);
}

TEST_CASE("sim fault parse: malformed or unknown faults are errors naming the problem", "[sim][fault]") {
    auto bad = [](const char* json) {
        auto f = parse_fault(json);
        REQUIRE_FALSE(f);
        return f.error().message;
    };
    CHECK_THAT(bad("{not json"), Catch::Contains("not JSON"));
    CHECK_THAT(bad(R"(["drop"])"), Catch::Contains("\"kind\""));
    CHECK_THAT(bad(R"({"kind":"explode"})"), Catch::Contains("unknown fault kind 'explode'"));
    CHECK_THAT(bad(R"({"kind":"status"})"), Catch::Contains("between 200 and 599"));
    CHECK_THAT(bad(R"({"kind":"status","status":700})"), Catch::Contains("between 200 and 599"));
    CHECK_THAT(bad(R"({"kind":"garbage","variant":"weird"})"), Catch::Contains("unknown garbage variant 'weird'"));
    CHECK_THAT(bad(R"({"kind":"stall","ms":"long"})"), Catch::Contains("ms"));
    CHECK_THAT(bad(R"({"kind":"status","status":500,"endpoint":"db"})"), Catch::Contains("endpoint"));
}

TEST_CASE("sim fault state: canned answers are used count times, restore clears standing faults", "[sim][fault]") {
    FaultState state;
    const auto now = rtwatch::SteadyClock::now();
    state.apply(*parse_fault(R"({"kind":"status","status":503,"count":2})"), now);
    state.apply(*parse_fault(R"({"kind":"expire-scope"})"), now);
    state.apply(*parse_fault(R"({"kind":"maintenance","retryAfterMs":1000})"), now);
    CHECK(state.take_canned(Endpoint::stream)->status == 503);
    CHECK_FALSE(state.take_canned(Endpoint::token));
    CHECK(state.take_canned(Endpoint::stream)->status == 503);
    CHECK_FALSE(state.take_canned(Endpoint::stream));
    CHECK(state.scope_expired());
    CHECK(state.maintenance_left(now + std::chrono::milliseconds(500)).has_value());
    CHECK_FALSE(state.maintenance_left(now + std::chrono::milliseconds(1000)).has_value());
    state.apply(*parse_fault(R"({"kind":"restore"})"), now);
    CHECK_FALSE(state.scope_expired());
    CHECK_FALSE(state.maintenance_left(now).has_value());
}
