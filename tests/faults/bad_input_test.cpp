// Bad input from upstream: each kind is logged once with a clear message
// and counted, never crashes rtwatch, never reaches stdout as anything but
// valid NDJSON, and the stream goes on.
#include <catch2/catch.hpp>

#include <fmt/format.h>

#include "fault_run.hpp"

using namespace rtwatch::test;
using namespace std::chrono_literals;

namespace {

// Records written after `lines` so far: the stream went on.
bool more_records(const Scenario& s, size_t lines, size_t more) {
    return wait_until([&] { return s.rt->stdout_lines().size() >= lines + more; }, 10s);
}

// A garbage event on the open stream: logged once naming `why`, counted, no reconnect.
void garbage(const std::string& variant, const std::string& why) {
    Scenario s;
    REQUIRE(s.wait_live(1));
    auto lines = s.rt->stdout_lines().size();
    auto t0 = Clock::now();
    REQUIRE(s.sim.fault(fmt::format(R"({{"kind":"garbage","variant":"{}"}})", variant)).status == 200);
    CHECK(s.rt->wait_for_stderr(why, 10s));
    auto logged = since(t0);
    CHECK(more_records(s, lines, 3));
    CHECK(s.nothing_lost());
    s.stop();
    auto err = s.rt->stderr_text();
    INFO(err);
    CHECK(count_of(err, why) == 1);
    CHECK(count_of(err, "1 bad event") + count_of(err, "skipped an event larger") == 1);  // counted
    CHECK(count_of(err, "rtwatch: warning:") == 1);  // nothing else to say about it
    CHECK(s.sim.stats()["streams_opened"].GetUint64() == 1);
    s.check_output();
    report("garbage " + variant, "logged once, counted, stream goes on", ms_text(logged) + " to the log line");
}

// What the drop that makes rtwatch reconnect is logged as.
constexpr std::string_view k_drop_log = "stream closed by the server";

// An answer to the next stream request: logged once, then the stream is back.
void bad_answer(const std::string& name, const std::string& fault, const std::string& why) {
    Scenario s;
    REQUIRE(s.wait_live(1));
    REQUIRE(s.sim.fault(fault).status == 200);
    auto t0 = Clock::now();
    REQUIRE(s.sim.fault(R"({"kind":"drop"})").status == 200);
    auto took = s.recovery(2, t0);
    auto err = s.rt->stderr_text();
    INFO(err);
    REQUIRE(took);
    CHECK(*took < 200ms + 400ms + 1500ms);
    CHECK(count_of(err, why) == (why == k_drop_log ? 2u : 1u));  // an empty stream ends like the drop
    CHECK(s.nothing_lost());
    s.stop();
    s.check_output();
    CHECK(s.rt->stdout_text().find("<html") == std::string::npos);
    CHECK(s.rt->stderr_text().find("<html") == std::string::npos);  // a message, not a dump
    report(name, "logged once, reconnect with backoff", ms_text(*took));
}

}  // namespace

TEST_CASE("bad input: malformed JSON is logged once and skipped", "[faults][bad-input]") {
    garbage("malformed-json", "ignored data event");
}

TEST_CASE("bad input: valid JSON of the wrong shape is logged once and skipped", "[faults][bad-input]") {
    garbage("wrong-shape", "ignored data event");
}

TEST_CASE("bad input: an event without a resource id is logged once and skipped", "[faults][bad-input]") {
    garbage("missing-id", "ignored data event");
}

TEST_CASE("bad input: invalid UTF-8 is logged once and never printed", "[faults][bad-input]") {
    garbage("invalid-utf8", "ignored data event");
}

TEST_CASE("bad input: NUL bytes in an event are logged once and never printed", "[faults][bad-input]") {
    garbage("nul", "ignored data event");
}

TEST_CASE("bad input: an event over --max-event-size is skipped, logged once", "[faults][bad-input]") {
    garbage("oversize", "skipped an event larger than");
}

TEST_CASE("bad input: an unknown metric is passed through, not rejected", "[faults][bad-input]") {
    Scenario s;
    REQUIRE(s.wait_live(1));
    REQUIRE(s.sim.fault(R"({"kind":"garbage","variant":"unknown-metric","resource":"queue-0001"})").status == 200);
    CHECK(wait_until([&] { return s.rt->stdout_text().find(R"("x-unknownMetric":"surprise")") != std::string::npos; },
                     10s));
    CHECK(s.nothing_lost());
    s.stop();
    CHECK(s.rt->stderr_text().empty());
    s.check_output();
}

TEST_CASE("bad input: a 500 with an HTML body is one clear log line, then a reconnect", "[faults][bad-input]") {
    bad_answer("500 with an HTML body",
               R"({"kind":"status","status":500,"contentType":"text/html",)"
               R"("body":"<html><body><h1>500 Internal Server Error</h1></body></html>"})",
               "stream answered 500");
}

TEST_CASE("bad input: a 200 with the wrong Content-Type is one clear log line, then a reconnect",
          "[faults][bad-input]") {
    bad_answer("200 application/json", R"({"kind":"status","status":200,"contentType":"application/json","body":"{}"})",
               "not with text/event-stream");
}

TEST_CASE("bad input: a 200 with an empty body is one clear log line, then a reconnect", "[faults][bad-input]") {
    bad_answer("200 empty body", R"({"kind":"empty","count":1})", std::string(k_drop_log));
}
