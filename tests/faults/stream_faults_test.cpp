// The stream faults of PROTOCOL.md 4 against the real rtwatch: each one
// recovers (or exits) as the protocol prescribes, within the bound implied
// by backoff, Retry-After or the idle timeout, without a request loop, and
// loses nothing.
#include <catch2/catch.hpp>

#include "fault_run.hpp"

using namespace rtwatch::test;
using namespace std::chrono_literals;

namespace {
// Scheduling and sanitizer slack on top of every computed bound.
constexpr Millis k_slack{1500};
uint64_t opened(const Sim& sim) { return sim.stats()["streams_opened"].GetUint64(); }
}  // namespace

TEST_CASE("fault drop: rtwatch resumes within one backoff step and loses nothing", "[faults]") {
    Scenario s;
    REQUIRE(s.wait_live(1));
    auto t0 = Clock::now();
    REQUIRE(s.sim.fault(R"({"kind":"drop"})").status == 200);
    auto took = s.recovery(2, t0);
    INFO(s.rt->stderr_text());
    REQUIRE(took);
    CHECK(*took < 200ms + k_slack);  // one failure: full jitter under the 200 ms retry base
    CHECK(s.nothing_lost());
    CHECK(stream_requests(s.sim.stats()) == 2);
    s.stop();
    s.check_output();
    report("drop", "reconnect after < 200 ms backoff, resume by Last-Event-ID", ms_text(*took));
}

TEST_CASE("fault stall: the idle timeout notices the silence, reconnects, loses nothing", "[faults]") {
    Scenario s({"--idle-timeout", "1s"});
    REQUIRE(s.wait_live(1));
    // 300 ms heartbeats keep the quiet moments alive: no reconnect before the fault.
    CHECK_FALSE(wait_until([&] { return opened(s.sim) > 1; }, 1500ms));
    auto t0 = Clock::now();
    REQUIRE(s.sim.fault(R"({"kind":"stall"})").status == 200);
    auto took = s.recovery(2, t0);
    INFO(s.rt->stderr_text());
    REQUIRE(took);
    CHECK(*took >= 1000ms - 300ms);  // the last byte came at most one heartbeat before the fault
    CHECK(*took < 1000ms + 200ms + k_slack);
    CHECK(s.statuses("stale") == 1);
    CHECK(s.nothing_lost());
    s.stop();
    s.check_output();
    report("stall", "stale after --idle-timeout 1s, reconnect < 200 ms later", ms_text(*took));
}

TEST_CASE("fault maintenance: waits retryAfterMs, honours the 503 Retry-After, then resumes", "[faults]") {
    Scenario s;
    REQUIRE(s.wait_live(1));
    auto before = stream_requests(s.sim.stats());
    auto t0 = Clock::now();
    REQUIRE(s.sim.fault(R"({"kind":"maintenance","retryAfterMs":2000,"ms":3000})").status == 200);
    // Reconnecting sooner than retryAfterMs is a protocol violation.
    CHECK_FALSE(wait_until([&] { return stream_requests(s.sim.stats()) > before; }, 1900ms));
    auto took = s.recovery(2, t0);
    INFO(s.rt->stderr_text());
    REQUIRE(took);
    CHECK(*took >= 3000ms);
    CHECK(*took < 3000ms + 1000ms + k_slack);  // at worst one more 503 with Retry-After: 1
    auto stats = s.sim.stats();
    CHECK(stream_responses(stats, 503) >= 1);
    CHECK(stream_responses(stats, 503) <= 2);
    CHECK(s.nothing_lost());
    s.stop();
    s.check_output();
    report("maintenance 2 s + 503 for 1 s more", "wait retryAfterMs, then Retry-After, resume", ms_text(*took));
}

TEST_CASE("fault revoke: a new token at once, no 401, nothing lost", "[faults]") {
    Scenario s;
    REQUIRE(s.wait_live(1));
    auto before = s.sim.stats()["token_requests"].GetUint64();
    auto t0 = Clock::now();
    REQUIRE(s.sim.fault(R"({"kind":"revoke"})").status == 200);
    auto took = s.recovery(2, t0);
    INFO(s.rt->stderr_text());
    REQUIRE(took);
    CHECK(*took < k_slack);
    auto stats = s.sim.stats();
    CHECK(stats["token_requests"].GetUint64() == before + 1);
    CHECK(stream_responses(stats, 401) == 0);  // the old token was never tried again
    CHECK(s.nothing_lost());
    s.stop();
    s.check_output();
    report("revoke (tokens)", "disconnect event: new token first, reconnect at once", ms_text(*took));
}

TEST_CASE("fault revoke credentials: one token request, then the auth exit code", "[faults]") {
    Scenario s;
    REQUIRE(s.wait_live(1));
    auto before = s.sim.stats()["token_requests"].GetUint64();
    auto t0 = Clock::now();
    REQUIRE(s.sim.fault(R"({"kind":"revoke","credentials":true})").status == 200);
    auto [status, took] = s.exit(t0);
    INFO(s.rt->stderr_text());
    REQUIRE(status);
    CHECK(status->code == 3);
    CHECK(took < k_slack);
    auto stats = s.sim.stats();
    CHECK(stats["token_requests"].GetUint64() - before <= 2);  // bounded: no loop on invalid_client
    CHECK(stream_responses(stats, 401) == 0);
    CHECK_THAT(s.rt->stderr_text(), Catch::Contains("invalid_client"));
    report("revoke (credentials rotated)", "token endpoint 401: exit 3, <= 2 token requests",
           ms_text(took) + " to exit");
}

TEST_CASE("fault expire-scope: a token without the scope gives the permission exit code", "[faults]") {
    Scenario s;
    REQUIRE(s.wait_live(1));
    REQUIRE(s.sim.fault(R"({"kind":"expire-scope"})").status == 200);
    auto t0 = Clock::now();
    REQUIRE(s.sim.fault(R"({"kind":"revoke"})").status == 200);  // forces a new, scope-less token
    auto [status, took] = s.exit(t0);
    INFO(s.rt->stderr_text());
    REQUIRE(status);
    CHECK(status->code == 4);
    CHECK(took < k_slack);
    CHECK(stream_responses(s.sim.stats(), 403) <= 1);  // never retried
    CHECK_THAT(s.rt->stderr_text(), Catch::Contains("genesyscloud.realtime.data.view"));
    report("expire-scope (then revoke)", "403 missing.scope: exit 4, no retry", ms_text(took) + " to exit");
}

TEST_CASE("fault slow: bytes dripping slower than the idle timeout is not a dead stream", "[faults]") {
    Scenario s({"--idle-timeout", "1s"});
    REQUIRE(s.wait_live(1));
    auto t0 = Clock::now();
    REQUIRE(s.sim.fault(R"({"kind":"slow","ms":2500,"bytesPerSecond":20})").status == 200);
    // One byte every 50 ms: never 1 s of silence, so no reconnect.
    CHECK_FALSE(wait_until([&] { return opened(s.sim) > 1 || s.statuses("stale") > 0; }, 2500ms));
    CHECK(s.nothing_lost());
    auto took = since(t0);
    INFO(s.rt->stderr_text());
    CHECK(opened(s.sim) == 1);
    s.stop();
    s.check_output();
    report("slow 20 B/s for 2.5 s", "no reconnect, caught up after", ms_text(took) + " to ground truth");
}
