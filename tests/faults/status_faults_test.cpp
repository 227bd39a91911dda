// Injected stream statuses (PROTOCOL.md 2) after a dropped connection:
// retryable ones recover within the backoff or Retry-After bound and lose
// nothing; final ones exit with their code after a single request.
#include <catch2/catch.hpp>

#include <fmt/format.h>

#include "fault_run.hpp"

using namespace rtwatch::test;
using namespace std::chrono_literals;

namespace {

constexpr Millis k_slack{1500};

struct Injected {
    Injected(int s, int n = 1, std::optional<int> ra = std::nullopt) : status(s), count(n), retry_after(ra) {}
    int status;
    int count;
    std::optional<int> retry_after;  // seconds
};

std::string name_of(const Injected& in) {
    return fmt::format("status {} x{}{}", in.status, in.count,
                       in.retry_after ? fmt::format(" Retry-After {}", *in.retry_after) : "");
}

// Queues the answers, then cuts the stream so the next requests get them.
Clock::time_point inject(const Scenario& s, const Injected& in) {
    auto json = fmt::format(R"({{"kind":"status","status":{},"count":{}{}}})", in.status, in.count,
                            in.retry_after ? fmt::format(R"(,"retryAfter":{})", *in.retry_after) : "");
    REQUIRE(s.sim.fault(json).status == 200);
    auto t0 = Clock::now();
    REQUIRE(s.sim.fault(R"({"kind":"drop"})").status == 200);
    return t0;
}

// The answers are used up, rtwatch reconnects within [at_least, at_most], and nothing is lost.
void recovers(const Injected& in, Millis at_least, Millis at_most, std::string expected) {
    Scenario s;
    REQUIRE(s.wait_live(1));
    auto token_before = s.sim.stats()["token_requests"].GetUint64();
    auto t0 = inject(s, in);
    auto took = s.recovery(2, t0);
    INFO(name_of(in) << "\n" << s.rt->stderr_text());
    REQUIRE(took);
    CHECK(*took >= at_least);
    CHECK(*took < at_most + k_slack);
    auto stats = s.sim.stats();
    CHECK(stream_responses(stats, in.status) == static_cast<uint64_t>(in.count));
    CHECK(stream_requests(stats) == 1 + static_cast<uint64_t>(in.count) + 1);  // first, the injected, the good one
    // A 401 means the token is no good: exactly one new one per 401.
    auto new_tokens = stats["token_requests"].GetUint64() - token_before;
    CHECK(new_tokens == (in.status == 401 ? static_cast<uint64_t>(in.count) : 0u));
    CHECK(s.nothing_lost());
    s.stop();
    s.check_output();
    report(name_of(in), expected, ms_text(*took));
}

// rtwatch exits with `code` after `requests` requests, naming `needle` in
// its log or, for a clean stop, in the final status record.
void exits(const Injected& in, int code, std::string needle, uint64_t requests, std::string expected) {
    Scenario s;
    REQUIRE(s.wait_live(1));
    auto t0 = inject(s, in);
    auto [status, took] = s.exit(t0);
    INFO(name_of(in) << "\n" << s.rt->stderr_text());
    REQUIRE(status);
    CHECK(status->code == code);
    CHECK(took < 200ms * static_cast<int>(requests) * 2 + k_slack);
    CHECK(stream_requests(s.sim.stats()) == 1 + requests);
    CHECK_THAT(s.rt->stderr_text() + s.rt->stdout_text(), Catch::Contains(needle));
    // What was printed before is intact NDJSON, and the run says how it ended.
    s.check_output();
    CHECK(s.statuses(code == 0 ? "stopped" : "gave_up") == 1);
    report(name_of(in), expected, ms_text(took) + " to exit");
}

}  // namespace

// Backoff ceilings with the 200 ms retry base: 200 (the drop), 400, 800, ...

TEST_CASE("status 401 once: a new token, then the stream resumes", "[faults][status]") {
    recovers({401}, 0ms, 200ms, "new token, reconnect at once");
}

TEST_CASE("status 401 once with Retry-After: a new token, then the stream resumes", "[faults][status]") {
    recovers({401, 1, 1}, 0ms, 200ms, "new token, reconnect at once (Retry-After irrelevant)");
}

TEST_CASE("status 401 for every fresh token: the auth exit code, a bounded number of tries", "[faults][status]") {
    Scenario s;
    REQUIRE(s.wait_live(1));
    auto token_before = s.sim.stats()["token_requests"].GetUint64();
    auto t0 = inject(s, {401, 20});
    auto [status, took] = s.exit(t0);
    INFO(s.rt->stderr_text());
    REQUIRE(status);
    CHECK(status->code == 3);
    auto stats = s.sim.stats();
    // The first, then fresh tokens at least a second apart for the 4 s
    // give-up time: a burst of 401s does not end a service at once.
    auto rejected = stream_responses(stats, 401);
    CHECK(rejected >= 4);
    CHECK(rejected <= 7);
    CHECK(stats["token_requests"].GetUint64() - token_before == rejected - 1);
    CHECK(took >= 4s);
    CHECK(took < 4s + 2500ms + k_slack);
    report("status 401 x20", "fresh tokens rejected over 4 s: exit 3",
           std::to_string(rejected) + "x401, " + ms_text(took) + " to exit");
}

TEST_CASE("status 403: the permission exit code, naming the scope, no retry", "[faults][status]") {
    exits({403}, 4, "genesyscloud.realtime.data.view", 1, "exit 4 naming the scope");
}

TEST_CASE("status 403 with Retry-After: the permission exit code, no retry", "[faults][status]") {
    exits({403, 1, 1}, 4, "genesyscloud.realtime.data.view", 1, "exit 4 naming the scope");
}

TEST_CASE("status 404: the upstream exit code, naming the status and the URL", "[faults][status]") {
    exits({404}, 7, "/api/v2/realtime/data", 1, "exit 7 naming 404 and the URL");
}

TEST_CASE("status 404 with Retry-After: the upstream exit code, no retry", "[faults][status]") {
    exits({404, 1, 1}, 7, "404", 1, "exit 7 naming 404 and the URL");
}

TEST_CASE("status 204: a clean stop with status 0 and no reconnect", "[faults][status]") {
    exits({204}, 0, "not to reconnect (204)", 1, "exit 0, no reconnect");
}

TEST_CASE("status 429 twice: exponential backoff, then the stream resumes", "[faults][status]") {
    recovers({429, 2}, 0ms, 200ms + 400ms + 800ms, "backoff 3 steps");
}

TEST_CASE("status 429 twice with Retry-After: waits at least Retry-After each time", "[faults][status]") {
    recovers({429, 2, 1}, 2000ms, 200ms + 2000ms, "Retry-After 1 s twice");
}

TEST_CASE("status 500 twice: exponential backoff, then the stream resumes", "[faults][status]") {
    recovers({500, 2}, 0ms, 200ms + 400ms + 800ms, "backoff 3 steps");
}

TEST_CASE("status 500 twice with Retry-After: recovers within backoff or Retry-After", "[faults][status]") {
    // PROTOCOL.md: 5xx backs off; a Retry-After on a 500 may be honoured but need not be.
    recovers({500, 2, 1}, 0ms, 200ms + 2000ms, "backoff (or Retry-After) 3 steps");
}

TEST_CASE("status 503 twice: exponential backoff, then the stream resumes", "[faults][status]") {
    recovers({503, 2}, 0ms, 200ms + 400ms + 800ms, "backoff 3 steps");
}

TEST_CASE("status 503 twice with Retry-After: waits at least Retry-After each time", "[faults][status]") {
    recovers({503, 2, 1}, 2000ms, 200ms + 2000ms, "Retry-After 1 s twice");
}

TEST_CASE("status 500 for as long as it lasts: capped backoff, no busy loop, prompt recovery", "[faults][status]") {
    Scenario s({"--max-backoff", "1s"});
    REQUIRE(s.wait_live(1));
    auto before = stream_requests(s.sim.stats());
    inject(s, {500, 1000});
    // Ceilings 200, 400, 800, then 1 s: a handful of requests in 3 s; a loop would make hundreds.
    CHECK_FALSE(wait_until([&] { return stream_requests(s.sim.stats()) > before + 15; }, 3s));
    auto tried = stream_requests(s.sim.stats()) - before;
    CHECK(tried >= 3);  // it does keep trying
    auto t0 = Clock::now();
    REQUIRE(s.sim.fault(R"({"kind":"restore"})").status == 200);
    auto took = s.recovery(2, t0);
    INFO(s.rt->stderr_text());
    REQUIRE(took);
    CHECK(*took < 1000ms + k_slack);  // within one capped backoff step of the restore
    CHECK(s.nothing_lost());
    s.stop();
    s.check_output();
    report("status 500 persistent (3 s), --max-backoff 1s", "capped backoff, recover <= 1 s after restore",
           fmt::format("{} requests in 3 s; {} after restore", tried, ms_text(*took)));
}

TEST_CASE("token endpoint 503 with Retry-After: waits it out, then a token and the stream resumes",
          "[faults][status][token]") {
    Scenario s;
    REQUIRE(s.wait_live(1));
    auto before = s.sim.stats()["token_requests"].GetUint64();
    REQUIRE(s.sim.fault(R"({"kind":"status","endpoint":"token","status":503,"count":2,"retryAfter":1})").status == 200);
    auto t0 = Clock::now();
    REQUIRE(s.sim.fault(R"({"kind":"revoke"})").status == 200);  // the next stream needs a new token
    auto took = s.recovery(2, t0);
    INFO(s.rt->stderr_text());
    REQUIRE(took);
    CHECK(*took >= 2000ms);
    CHECK(*took < 2000ms + k_slack);
    auto stats = s.sim.stats();
    CHECK(stats["token_requests"].GetUint64() - before == 3);
    CHECK(stream_responses(stats, 401) == 0);
    CHECK(s.nothing_lost());
    s.stop();
    s.check_output();
    report("token endpoint 503 x2 Retry-After 1", "wait Retry-After twice, then token, resume", ms_text(*took));
}

TEST_CASE("token endpoint 500: backs off, then a token and the stream resumes", "[faults][status][token]") {
    Scenario s;
    REQUIRE(s.wait_live(1));
    auto before = s.sim.stats()["token_requests"].GetUint64();
    REQUIRE(s.sim.fault(R"({"kind":"status","endpoint":"token","status":500,"count":2})").status == 200);
    auto t0 = Clock::now();
    REQUIRE(s.sim.fault(R"({"kind":"revoke"})").status == 200);
    auto took = s.recovery(2, t0);
    INFO(s.rt->stderr_text());
    REQUIRE(took);
    CHECK(*took < 1000ms + 2000ms + k_slack);  // token backoff ceilings from a 1 s base
    auto stats = s.sim.stats();
    CHECK(stats["token_requests"].GetUint64() - before == 3);
    CHECK(s.nothing_lost());
    s.stop();
    s.check_output();
    report("token endpoint 500 x2", "token backoff, then resume", ms_text(*took));
}
