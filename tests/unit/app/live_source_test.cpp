// The live SSE source on a fake clock and a scripted stream: how long it
// waits before each reconnect, what resets that wait and what does not, the
// server's own delays, a new token on 401, and nothing after stop(). Exact
// times; the stream and the clock are driven by hand.
#include <catch2/catch.hpp>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "fake_services.hpp"
#include "live_source.hpp"
#include "status_listener.hpp"

using namespace rtwatch;
using namespace std::chrono_literals;

namespace {

// A stream that records what it was asked to do; the test plays the server
// through the handler the source gave it.
struct ScriptedStream final : app::EventStream {
    explicit ScriptedStream(net::StreamHandler& h) : handler(h) {}
    void open(const net::StreamOptions& o) override {
        opens.push_back(o);
        open_now = true;
    }
    void close() override { open_now = false; }
    bool is_open() const override { return open_now; }
    void pause() override {}
    void resume() override {}
    const std::string& last_event_id() override { return last_id; }

    net::StreamHandler& handler;
    std::vector<net::StreamOptions> opens;
    bool open_now = false;
    std::string last_id;
};

using Listener = test::StatusListener;

const char* k_token = R"({"access_token":"tok-1","token_type":"bearer","expires_in":3600})";

struct Run {
    app::Config config;
    test::FakeServices services;
    Listener listener;
    ScriptedStream* stream = nullptr;
    std::unique_ptr<app::LiveSseSource> source;

    Run() {
        config.api_url = "http://127.0.0.1:9/";
        config.auth_url = "http://127.0.0.1:9";
        config.client_id = "id";
        config.client_secret = "secret";
        config.queues = {"queue-0001", "a b"};
        config.max_backoff = 5s;
        source = std::make_unique<app::LiveSseSource>(
            config, services,
            [this](net::StreamHandler& h) {
                auto s = std::make_unique<ScriptedStream>(h);
                stream = s.get();
                return s;
            },
            [] { return 0.5; });
        source->start(listener);
        REQUIRE(services.requests.size() == 1);  // the token first
        services.answer(0, 200, k_token);
        REQUIRE(stream->opens.size() == 1);
    }
    // The reconnect timer's delay from now. The only other timer is the
    // token's rotation, an hour less its grace away.
    Millis pending_delay() const {
        REQUIRE(services.timers.size() == 2);
        auto delay = std::chrono::duration_cast<Millis>(services.timers.begin()->first - services.clock);
        REQUIRE(delay < 10min);
        return delay;
    }
    void open() {
        net::Response r;
        r.status = 200;
        stream->handler.on_open(r);
    }
    void end(net::StreamEnd::Kind kind = net::StreamEnd::Kind::eof, long status = 0, std::string retry_after = "") {
        stream->open_now = false;
        net::StreamEnd e;
        e.kind = kind;
        e.status = status;
        e.retry_after = std::move(retry_after);
        stream->handler.on_end(e);
    }
    // Waits out the pending reconnect: the stream opens again.
    void reconnect() {
        const auto opens = stream->opens.size();
        services.advance_to(services.timers.begin()->first);
        REQUIRE(stream->opens.size() == opens + 1);
    }
};

}  // namespace

TEST_CASE("live source: the stream is asked for the selection, with the token and the idle timeout", "[app][live]") {
    Run run;
    const auto& o = run.stream->opens[0];
    CHECK(o.request.url == "http://127.0.0.1:9/api/v2/realtime/data?queueId=queue-0001&queueId=a%20b");
    CHECK(o.request.headers == std::vector<std::string>{"Authorization: Bearer tok-1"});
    CHECK(o.idle_timeout == run.config.idle_timeout);
    CHECK(o.response_timeout == run.config.request_timeout);
}

TEST_CASE("live source: a stream that opens and ends at once backs off further each time", "[app][live]") {
    Run run;
    // Full jitter at 0.5 of min(5 s, 1 s x 2^attempt): opening does not reset it.
    std::vector<Millis> delays;
    for (int i = 0; i < 5; ++i) {
        run.open();
        run.end();
        delays.push_back(run.pending_delay());
        run.reconnect();
    }
    CHECK(delays == std::vector<Millis>{500ms, 1000ms, 2000ms, 2500ms, 2500ms});
    CHECK(run.services.requests.size() == 1);  // the token is reused
    CHECK(run.listener.statuses.back() == "reconnecting: stream closed by the server");
}

TEST_CASE("live source: a connection that stayed up 30 s starts the backoff again", "[app][live]") {
    Run run;
    for (int i = 0; i < 3; ++i) {
        run.open();
        run.end();
        run.reconnect();
    }
    run.open();
    run.services.advance_to(run.services.clock + 29'999ms);
    run.end();
    CHECK(run.pending_delay() == 2500ms);  // not healthy yet: the fourth failure
    run.reconnect();
    run.open();
    run.services.advance_to(run.services.clock + 30s);
    run.end();
    CHECK(run.pending_delay() == 500ms);
}

TEST_CASE("live source: a reconnect event's delay is waited, and never less than the backoff", "[app][live]") {
    Run run;
    run.open();
    sse::Event e{"reconnect", R"({"retryAfterMs":7000,"reason":"maintenance"})", "", false};
    run.stream->handler.on_event(e);
    run.stream->handler.on_chunk_done();  // the source closes at once, without waiting for the server
    CHECK_FALSE(run.stream->open_now);
    CHECK(run.pending_delay() == 7000ms);
    run.reconnect();
    run.open();
    sse::Event zero{"reconnect", R"({"retryAfterMs":0})", "", false};
    run.stream->handler.on_event(zero);
    run.stream->handler.on_chunk_done();
    CHECK(run.pending_delay() == 1000ms);  // 0 from the server is no busy loop: the backoff holds
}

TEST_CASE("live source: a 401 on the stream fetches a new token before the next attempt", "[app][live]") {
    Run run;
    run.end(net::StreamEnd::Kind::http_status, 401);
    // The first fresh token is tried at once.
    CHECK(run.pending_delay() == 0ms);
    run.services.advance_to(run.services.clock);
    REQUIRE(run.services.requests.size() == 2);
    CHECK(run.stream->opens.size() == 1);  // no stream without the new token
    run.services.answer(1, 200, R"({"access_token":"tok-2","token_type":"bearer","expires_in":3600})");
    REQUIRE(run.stream->opens.size() == 2);
    CHECK(run.stream->opens[1].request.headers == std::vector<std::string>{"Authorization: Bearer tok-2"});
}

TEST_CASE("live source: Retry-After on a 503 is waited", "[app][live]") {
    Run run;
    run.end(net::StreamEnd::Kind::http_status, 503, "4");
    CHECK(run.pending_delay() == 4000ms);
}

TEST_CASE("live source: a 204 ends the run cleanly, and stop() leaves nothing behind", "[app][live]") {
    SECTION("204") {
        Run run;
        run.end(net::StreamEnd::Kind::http_status, 204);
        REQUIRE(run.listener.ended);
        CHECK(*run.listener.ended == ExitCode::ok);
        CHECK(run.services.timers.empty());
    }
    SECTION("stop") {
        Run run;
        run.open();
        run.end();
        REQUIRE(run.services.timers.size() == 2);  // the reconnect and the token's rotation
        run.source->stop();
        CHECK(run.services.timers.empty());
        CHECK_FALSE(run.stream->open_now);
        CHECK_FALSE(run.listener.ended);
    }
}
