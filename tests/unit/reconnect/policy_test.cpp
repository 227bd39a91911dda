// The reconnect decision table, row by row, with fixed jitter draws and a
// fake clock: exact delays, exit codes and messages.
#include <catch2/catch.hpp>

#include "rtwatch/reconnect/policy.hpp"

using namespace rtwatch;
using namespace rtwatch::reconnect;
using namespace std::chrono;
using Action = Decision::Action;
using Trigger = Outcome::Trigger;

namespace {

const TimePoint k_t0{seconds(1'000)};
const Policy k_policy;  // cap 5 s, healthy after 30 s, 2 fresh-token 401s

Outcome status(long code, std::string detail = "") {
    Outcome o;
    o.trigger = Trigger::http_status;
    o.status = code;
    o.detail = std::move(detail);
    return o;
}

Outcome ended(Trigger trigger) {
    Outcome o;
    o.trigger = trigger;
    return o;
}

}  // namespace

TEST_CASE("reconnect: EOF backs off with full jitter, doubling to the cap", "[reconnect]") {
    State state;
    const std::vector<long> expected_ms = {500, 1'000, 2'000, 2'500, 2'500, 2'500};
    for (size_t i = 0; i < expected_ms.size(); ++i) {
        auto d = decide(ended(Trigger::eof), state, k_policy, k_t0, 0.5);
        CHECK(d.action == Action::reconnect);
        CHECK(d.delay == Millis(expected_ms[i]));
        CHECK(state.attempt == static_cast<int>(i) + 1);
    }
}

TEST_CASE("reconnect: jitter spans zero to just under the ceiling", "[reconnect]") {
    State a, b, c;
    CHECK(decide(ended(Trigger::eof), a, k_policy, k_t0, 0.0).delay == Millis(0));
    CHECK(decide(ended(Trigger::eof), b, k_policy, k_t0, 0.999).delay == Millis(999));
    c.attempt = 10;
    CHECK(decide(ended(Trigger::eof), c, k_policy, k_t0, 0.999).delay == Millis(4'995));
}

TEST_CASE("reconnect: out-of-range jitter draws are clamped", "[reconnect]") {
    State a, b;
    CHECK(decide(ended(Trigger::eof), a, k_policy, k_t0, -3.0).delay == Millis(0));
    CHECK(decide(ended(Trigger::eof), b, k_policy, k_t0, 7.0).delay == Millis(999));
}

TEST_CASE("reconnect: a huge attempt count neither overflows nor passes the cap", "[reconnect]") {
    State state;
    state.attempt = 1'000'000;
    state.base = Millis(1'000'000'000);
    auto d = decide(ended(Trigger::transport_error), state, k_policy, k_t0, 0.5);
    CHECK(d.delay == Millis(2'500));
    for (int i = 0; i < 200; ++i) (void)next_backoff(state, k_policy, 0.5);
    CHECK(state.attempt > 0);
    CHECK(next_backoff(state, k_policy, 0.5) == Millis(2'500));
}

TEST_CASE("reconnect: transport errors, idle timeouts, bad content types, 408 and 5xx back off", "[reconnect]") {
    for (auto o : {ended(Trigger::transport_error), ended(Trigger::idle_timeout), ended(Trigger::bad_content_type),
                   status(408), status(500), status(502), status(504)}) {
        State state;
        state.attempt = 2;
        auto d = decide(o, state, k_policy, k_t0, 0.5);
        INFO(d.message);
        CHECK(d.action == Action::reconnect);
        CHECK(d.delay == Millis(2'000));
        CHECK(state.attempt == 3);
        CHECK_FALSE(d.message.empty());
    }
}

TEST_CASE("reconnect: reconnect messages name the cause, not the delay", "[reconnect]") {
    State state;
    auto transport = ended(Trigger::transport_error);
    transport.detail = "Couldn't connect to server";
    CHECK(decide(transport, state, k_policy, k_t0, 0.5).message ==
          R"(connection failed ("Couldn't connect to server"))");
    CHECK(decide(ended(Trigger::eof), state, k_policy, k_t0, 0.5).message == "stream closed by the server");
    CHECK(decide(status(502), state, k_policy, k_t0, 0.5).message == "stream answered 502");
    CHECK_THAT(decide(ended(Trigger::idle_timeout), state, k_policy, k_t0, 0.5).message, Catch::Contains("idle"));
}

TEST_CASE("reconnect: EOF after a healthy connection retries within the base delay", "[reconnect]") {
    State state;
    state.attempt = 6;
    on_connected(state, k_t0);
    auto d = decide(ended(Trigger::eof), state, k_policy, k_t0 + seconds(30), 0.5);
    CHECK(d.delay == Millis(500));
    CHECK(state.attempt == 1);
}

TEST_CASE("reconnect: a short-lived connection keeps the backoff growing", "[reconnect]") {
    State state;
    state.attempt = 3;
    on_connected(state, k_t0);
    auto d = decide(ended(Trigger::eof), state, k_policy, k_t0 + seconds(29), 0.5);
    CHECK(d.delay == Millis(2'500));
    CHECK(state.attempt == 4);
}

TEST_CASE("reconnect: a healthy connection counts once, not for later connect failures", "[reconnect]") {
    State state;
    on_connected(state, k_t0);
    CHECK(decide(ended(Trigger::eof), state, k_policy, k_t0 + minutes(10), 0.5).delay == Millis(500));
    CHECK(decide(ended(Trigger::transport_error), state, k_policy, k_t0 + minutes(11), 0.5).delay == Millis(1'000));
    CHECK(decide(ended(Trigger::transport_error), state, k_policy, k_t0 + minutes(12), 0.5).delay == Millis(2'000));
}

TEST_CASE("reconnect: retry field sets the base, with a floor against retry: 0", "[reconnect]") {
    State state;
    on_retry_field(state, Millis(3'000));
    CHECK(decide(ended(Trigger::eof), state, k_policy, k_t0, 0.5).delay == Millis(1'500));
    CHECK(decide(ended(Trigger::eof), state, k_policy, k_t0, 0.5).delay == Millis(2'500));
    State zero;
    on_retry_field(zero, Millis(0));
    CHECK(zero.base == Millis(100));
    CHECK(decide(ended(Trigger::eof), zero, k_policy, k_t0, 0.5).delay == Millis(50));
}

TEST_CASE("reconnect: 429 and 503 wait at least Retry-After", "[reconnect]") {
    for (long code : {429L, 503L}) {
        State state;
        auto o = status(code);
        o.retry_after = Millis(30'000);
        auto d = decide(o, state, k_policy, k_t0, 0.999);
        CHECK(d.action == Action::reconnect);
        CHECK(d.delay == Millis(30'000));
        CHECK(state.attempt == 1);
        CHECK_THAT(d.message, Catch::Contains("Retry-After 30s"));
    }
}

TEST_CASE("reconnect: a Retry-After shorter than the backoff gives the backoff", "[reconnect]") {
    State state;
    state.attempt = 3;
    auto o = status(503);
    o.retry_after = Millis(1'000);
    CHECK(decide(o, state, k_policy, k_t0, 0.5).delay == Millis(2'500));
}

TEST_CASE("reconnect: 429 and 503 without Retry-After back off", "[reconnect]") {
    State state;
    CHECK(decide(status(429), state, k_policy, k_t0, 0.5).delay == Millis(500));
    CHECK(decide(status(503), state, k_policy, k_t0, 0.5).delay == Millis(1'000));
}

TEST_CASE("reconnect: a reconnect event waits its delay, and never less than the backoff", "[reconnect]") {
    State state;
    state.attempt = 2;
    auto o = ended(Trigger::reconnect_event);
    o.event_delay = Millis(30'000);
    o.detail = "maintenance";
    for (double jitter : {0.0, 0.5, 0.999}) {
        auto d = decide(o, state, k_policy, k_t0, jitter);
        CHECK(d.action == Action::reconnect);
        CHECK(d.delay == Millis(30'000));
    }
    CHECK_THAT(decide(o, state, k_policy, k_t0, 0.5).message, Catch::Contains("maintenance"));
}

TEST_CASE("reconnect: retryAfterMs 0 on every connection backs off instead of hammering", "[reconnect]") {
    State state;
    auto o = ended(Trigger::reconnect_event);
    o.event_delay = Millis(0);
    std::vector<long> delays;
    for (int i = 0; i < 5; ++i)
        delays.push_back(static_cast<long>(decide(o, state, k_policy, k_t0, 0.5).delay.count()));
    CHECK(delays == std::vector<long>{500, 1'000, 2'000, 2'500, 2'500});
}

TEST_CASE("reconnect: a reconnect event without a delay backs off", "[reconnect]") {
    State state;
    auto d = decide(ended(Trigger::reconnect_event), state, k_policy, k_t0, 0.5);
    CHECK(d.delay == Millis(500));
}

TEST_CASE("reconnect: a disconnect event gets a new token at once the first time", "[reconnect]") {
    State state;
    on_connected(state, k_t0);
    auto o = ended(Trigger::disconnect_event);
    o.detail = "token_revoked";
    auto d = decide(o, state, k_policy, k_t0 + minutes(5), 0.5);
    CHECK(d.action == Action::refresh_token);
    CHECK(d.delay == Millis(0));
    CHECK_THAT(d.message, Catch::Contains("token_revoked"));
}

TEST_CASE("reconnect: disconnect events right after connecting are paced like failures", "[reconnect]") {
    State state;
    auto o = ended(Trigger::disconnect_event);
    std::vector<long> delays;
    for (int i = 0; i < 4; ++i) {
        on_connected(state, k_t0 + seconds(i));
        auto d = decide(o, state, k_policy, k_t0 + seconds(i) + milliseconds(100), 0.5);
        CHECK(d.action == Action::refresh_token);
        delays.push_back(static_cast<long>(d.delay.count()));
    }
    // The first at once, the next ones at least a second apart.
    CHECK(delays == std::vector<long>{0, 1'000, 1'000, 2'000});
    // Revoked on every connection for the give-up time: the auth exit code.
    on_connected(state, k_t0 + seconds(4));
    auto d = decide(o, state, k_policy, k_t0 + seconds(4) + milliseconds(100), 0.5);
    CHECK(d.action == Action::fail);
    CHECK(d.exit_code == ExitCode::auth);
    CHECK_THAT(d.message, Catch::Contains("ended 5 connections in a row with disconnect"));
}

TEST_CASE("reconnect: a connection that stayed up forgives earlier disconnects", "[reconnect]") {
    State state;
    auto o = ended(Trigger::disconnect_event);
    for (int i = 0; i < 4; ++i) {
        on_connected(state, k_t0 + seconds(i));
        (void)decide(o, state, k_policy, k_t0 + seconds(i), 0.5);
    }
    on_connected(state, k_t0 + seconds(10));
    auto d = decide(o, state, k_policy, k_t0 + seconds(60), 0.5);  // up for 50 s
    CHECK(d.action == Action::refresh_token);
    CHECK(d.delay == Millis(0));
}

TEST_CASE("reconnect: 401 asks for a new token, at once the first time", "[reconnect]") {
    State state;
    auto d = decide(status(401), state, k_policy, k_t0, 0.5);
    CHECK(d.action == Action::refresh_token);
    CHECK(d.delay == Millis(0));
    CHECK(state.auth_rejections == 1);
}

TEST_CASE("reconnect: fresh tokens rejected in a row end with the auth exit code", "[reconnect]") {
    State state;
    std::vector<Decision> decisions;
    for (int i = 0; i < 10 && (decisions.empty() || decisions.back().action == Action::refresh_token); ++i)
        decisions.push_back(decide(status(401), state, k_policy, k_t0 + seconds(i), 0.5));
    // Spread over the give-up time (4 s), fresh tokens at least a second apart.
    REQUIRE(decisions.size() == 5);
    CHECK(decisions[0].delay == Millis(0));
    CHECK(decisions[1].action == Action::refresh_token);
    CHECK(decisions[1].delay == Millis(1'000));
    CHECK(decisions[2].delay == Millis(1'000));
    CHECK(decisions[3].delay == Millis(2'000));
    CHECK(decisions[4].action == Action::fail);
    CHECK(decisions[4].exit_code == ExitCode::auth);
    CHECK(decisions[4].message ==
          "the stream rejected 4 fresh tokens in a row (401): the credentials may have been revoked; "
          "check the client's permissions");
}

TEST_CASE("reconnect: two 401s within a second do not end the run", "[reconnect]") {
    State state;
    CHECK(decide(status(401), state, k_policy, k_t0, 0.5).action == Action::refresh_token);
    CHECK(decide(status(401), state, k_policy, k_t0 + milliseconds(100), 0.5).action == Action::refresh_token);
    CHECK(decide(status(401), state, k_policy, k_t0 + milliseconds(200), 0.5).action == Action::refresh_token);
}

TEST_CASE("reconnect: a successful connection forgives earlier 401s", "[reconnect]") {
    State state;
    (void)decide(status(401), state, k_policy, k_t0, 0.5);
    (void)decide(status(401), state, k_policy, k_t0, 0.5);
    on_connected(state, k_t0 + seconds(1));
    CHECK(state.auth_rejections == 0);
    (void)decide(ended(Trigger::eof), state, k_policy, k_t0 + seconds(2), 0.5);
    CHECK(decide(status(401), state, k_policy, k_t0 + seconds(3), 0.5).action == Action::refresh_token);
    CHECK(decide(status(401), state, k_policy, k_t0 + seconds(4), 0.5).action == Action::refresh_token);
    CHECK(decide(status(401), state, k_policy, k_t0 + seconds(5), 0.5).action == Action::refresh_token);
    CHECK(decide(status(401), state, k_policy, k_t0 + seconds(7), 0.5).action == Action::fail);
}

TEST_CASE("reconnect: with no 401 retries allowed the first one fails", "[reconnect]") {
    State state;
    Policy strict;
    strict.max_auth_rejections = 0;
    strict.auth_give_up_after = Millis(0);
    auto d = decide(status(401), state, strict, k_t0, 0.5);
    CHECK(d.action == Action::fail);
    CHECK(d.exit_code == ExitCode::auth);
}

TEST_CASE("reconnect: 403 fails with the permission code and names the scope", "[reconnect]") {
    State state;
    auto d = decide(status(403), state, k_policy, k_t0, 0.5);
    CHECK(d.action == Action::fail);
    CHECK(d.exit_code == ExitCode::permission);
    CHECK(d.message ==
          "stream answered 403 missing.scope: the token lacks the scope genesyscloud.realtime.data.view; "
          "grant it to the OAuth client or pass --scope");
    auto detailed = decide(status(403, "scope revoked\nby admin"), state, k_policy, k_t0, 0.5);
    CHECK_THAT(detailed.message, Catch::StartsWith(R"(stream answered 403 "scope revoked\nby admin": )"));
}

TEST_CASE("reconnect: 400 fails with the bad-request code, the server's message and the fix", "[reconnect]") {
    State state;
    auto d = decide(status(400, "unknown queueId: queue-9999"), state, k_policy, k_t0, 0.5);
    CHECK(d.action == Action::fail);
    CHECK(d.exit_code == ExitCode::bad_request);
    CHECK(
        d.message ==
        R"(stream answered 400 ("unknown queueId: queue-9999"): a filter id was rejected; check --queue/--skill/--agent)");
}

TEST_CASE("reconnect: 204 stops cleanly", "[reconnect]") {
    State state;
    auto d = decide(status(204), state, k_policy, k_t0, 0.5);
    CHECK(d.action == Action::stop);
    CHECK(d.exit_code == ExitCode::ok);
    CHECK(d.message == "server asked not to reconnect (204)");
}

TEST_CASE("reconnect: 404, 405, 410 and other 4xx fail naming the status and the URL", "[reconnect]") {
    for (long code : {404L, 405L, 410L, 418L, 301L}) {
        State state;
        auto o = status(code);
        o.url = "http://127.0.0.1:8080/api/v2/realtime/data";
        auto d = decide(o, state, k_policy, k_t0, 0.5);
        CHECK(d.action == Action::fail);
        CHECK(d.exit_code == ExitCode::upstream);
        CHECK(d.message == "stream answered " + std::to_string(code) +
                               " for \"http://127.0.0.1:8080/api/v2/realtime/data\": check --api-url");
    }
}

TEST_CASE("reconnect: server text in messages is escaped and capped", "[reconnect]") {
    State state;
    auto d = decide(status(400, std::string(10'000, 'x') + "\r\n"), state, k_policy, k_t0, 0.5);
    CHECK(d.message.size() < 400);
    CHECK(d.message.find('\n') == std::string::npos);
}

TEST_CASE("reconnect: next_backoff paces token endpoint retries the same way", "[reconnect]") {
    State state;
    CHECK(next_backoff(state, k_policy, 0.5) == Millis(500));
    CHECK(next_backoff(state, k_policy, 0.5) == Millis(1'000));
    CHECK(next_backoff(state, k_policy, 0.0) == Millis(0));
    CHECK(state.attempt == 3);
}
