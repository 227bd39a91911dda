// Every stream fault over real HTTP: what an open stream receives, and
// what later requests are answered.
#include <catch2/catch.hpp>

#include <optional>
#include <utility>

#include "sim_helpers.hpp"

using namespace rtwatch::test;

namespace {

std::optional<SseEvent> find_event(const SseParse& p, const std::string& type) {
    for (const auto& e : p.events)
        if (e.type == type) return e;
    return std::nullopt;
}

std::unique_ptr<RawStream> ready_stream(const Sim& sim, const std::string& query = "") {
    auto s = open_stream(sim, query);
    REQUIRE(s->read_until(snapshot_done, Millis(5000)));
    return s;
}

}  // namespace

TEST_CASE("sim fault drop: the stream is cut in the middle of an event", "[sim][fault]") {
    Sim sim({"--speed", "0.0001"});
    auto s = ready_stream(sim);
    const size_t before = s->parse().events.size();
    REQUIRE(sim.fault(R"({"kind":"drop"})").status == 200);
    REQUIRE(s->wait_closed(Millis(3000)));
    CHECK(s->parse().events.size() == before);
    CHECK(s->parse().incomplete > 10);
}

TEST_CASE("sim fault stall: no bytes at all for the stall, heartbeats after it", "[sim][fault]") {
    Sim sim({"--speed", "0.0001", "--heartbeat", "100ms"});
    auto s = ready_stream(sim);
    REQUIRE(s->read_until([](const RawStream& r) { return !r.parse().comments.empty(); }, Millis(2000)));
    REQUIRE(sim.fault(R"({"kind":"stall","ms":800})").status == 200);
    s->read_for(Millis(150));  // a heartbeat may have been on its way
    const size_t stalled_at = s->body().size();
    s->read_for(Millis(500));
    CHECK(s->body().size() == stalled_at);
    CHECK_FALSE(s->closed());
    CHECK(s->read_until([&](const RawStream& r) { return r.body().size() > stalled_at; }, Millis(3000)));
}

TEST_CASE("sim fault maintenance: reconnect event, close, then 503 with Retry-After until it ends", "[sim][fault]") {
    Sim sim({"--speed", "0.0001"});
    auto s = ready_stream(sim);
    REQUIRE(sim.fault(R"({"kind":"maintenance","retryAfterMs":1500,"ms":1200})").status == 200);
    REQUIRE(s->wait_closed(Millis(3000)));
    const auto e = find_event(s->parse(), "reconnect");
    REQUIRE(e);
    CHECK(e->data == R"({"reason":"maintenance","retryAfterMs":1500})");
    RawStream refused(sim.port(), k_stream_path, stream_headers(sim.token()));
    refused.wait_closed(Millis(3000));
    CHECK(refused.status() == 503);
    CHECK(refused.header("Retry-After") == "2");
    CHECK(wait_until([&] { return stream_status(sim, sim.token()) == 200; }, Millis(5000)));
}

TEST_CASE("sim fault revoke: disconnect token_revoked, old token 401, a new token works", "[sim][fault]") {
    Sim sim({"--speed", "0.0001"});
    const std::string old_token = sim.token();
    RawStream s(sim.port(), k_stream_path, stream_headers(old_token));
    REQUIRE(s.read_until(snapshot_done, Millis(5000)));
    REQUIRE(sim.fault(R"({"kind":"revoke"})").status == 200);
    REQUIRE(s.wait_closed(Millis(3000)));
    const auto e = find_event(s.parse(), "disconnect");
    REQUIRE(e);
    CHECK(e->data == R"({"reason":"token_revoked"})");
    CHECK(stream_status(sim, old_token) == 401);
    CHECK(stream_status(sim, sim.token()) == 200);
}

TEST_CASE("sim fault revoke credentials: credentials_rotated, token endpoint 401 until restore", "[sim][fault]") {
    Sim sim({"--speed", "0.0001"});
    auto s = ready_stream(sim);
    REQUIRE(sim.fault(R"({"kind":"revoke","credentials":true})").status == 200);
    REQUIRE(s->wait_closed(Millis(3000)));
    REQUIRE(find_event(s->parse(), "disconnect"));
    CHECK(find_event(s->parse(), "disconnect")->data == R"({"reason":"credentials_rotated"})");
    CHECK_THROWS(sim.token());
    REQUIRE(sim.fault(R"({"kind":"restore"})").status == 200);
    CHECK_NOTHROW(sim.token());
}

TEST_CASE("sim fault garbage: each variant reaches open streams, consumes an id, leaves the state", "[sim][fault]") {
    Sim sim({"--speed", "0.0001"});
    for (const std::string variant :
         {"malformed-json", "wrong-shape", "missing-id", "invalid-utf8", "oversize", "nul"}) {
        auto s = ready_stream(sim);
        const auto state_before = state_metrics(sim.state());
        const uint64_t id_before = sim.last_event_id();
        REQUIRE(sim.fault(R"({"kind":"garbage","variant":")" + variant + "\"}").status == 200);
        REQUIRE(
            s->read_until([&](const RawStream& r) { return last_id_of(r.parse()) == id_before + 1; }, Millis(3000)));
        const auto parse = s->parse();
        const auto& bad = parse.events.back();
        CHECK(bad.type == "data");
        if (variant == "oversize") CHECK(bad.data.size() > (2u << 20));
        if (variant == "nul") CHECK(bad.data.find('\0') != std::string::npos);
        if (variant == "invalid-utf8") CHECK(bad.data.find('\xff') != std::string::npos);
        if (variant == "malformed-json" || variant == "nul") CHECK_THROWS(parse_json(bad.data));
        if (variant == "wrong-shape") CHECK(parse_json(bad.data)["metrics"].IsArray());
        if (variant == "missing-id") CHECK(resource_of(parse_json(bad.data)).empty());
        CHECK(sim.last_event_id() == id_before + 1);
        CHECK(state_metrics(sim.state()) == state_before);
    }
}

TEST_CASE("sim fault garbage unknown-metric: a valid event whose unknown metric joins the state", "[sim][fault]") {
    Sim sim({"--speed", "0.0001"});
    auto s = ready_stream(sim, "?queueId=queue-0002");
    REQUIRE(sim.fault(R"({"kind":"garbage","variant":"unknown-metric","resource":"queue-0002"})").status == 200);
    REQUIRE(s->read_until([](const RawStream& r) { return r.parse().events.size() == 2; }, Millis(3000)));
    const auto state = sim.state();
    CHECK(std::string(state["queues"]["queue-0002"]["x-unknownMetric"].GetString()) == "surprise");
    CHECK(fold(s->parse()) ==
          std::map<std::string, std::string>{{"queue-0002", json_text(state["queues"]["queue-0002"])}});
}

TEST_CASE("sim fault slow: bytes drip at the asked rate, then flow again", "[sim][fault]") {
    Sim sim({"--speed", "0.0001", "--heartbeat", "100ms"});
    auto s = ready_stream(sim);
    REQUIRE(sim.fault(R"({"kind":"slow","ms":1500,"bytesPerSecond":40})").status == 200);
    s->read_for(Millis(150));
    const size_t start = s->body().size();
    s->read_for(Millis(500));
    const size_t dripped = s->body().size() - start;
    CHECK(dripped > 0);
    CHECK(dripped < 40);
    CHECK(s->read_until([](const RawStream& r) { return r.parse().comments.size() >= 5; }, Millis(5000)));
}

TEST_CASE("sim fault: bad fault JSON or an unknown kind is 400 and the simulator keeps serving", "[sim][fault]") {
    Sim sim;
    for (const char* body : {"{", "[]", R"({"kind":"nope"})", R"({"kind":"stall","ms":-5})", ""}) {
        const auto r = sim.fault(body);
        CHECK(r.status == 400);
        CHECK(parse_json(r.body)["message"].GetStringLength() > 0);
    }
    CHECK(stream_status(sim, sim.token()) == 200);
}

TEST_CASE("sim expired token: the default is a disconnect event then close", "[sim][fault]") {
    Sim sim({"--speed", "0.0001", "--token-lifetime", "1", "--heartbeat", "200ms"});
    auto s = ready_stream(sim);
    REQUIRE(s->wait_closed(Millis(4000)));
    const auto e = find_event(s->parse(), "disconnect");
    REQUIRE(e);
    CHECK(e->data == R"({"reason":"token_expired"})");
}

TEST_CASE("sim expired token stall: the stream goes silent, no heartbeats, socket kept open", "[sim][fault]") {
    Sim sim({"--speed", "0.0001", "--token-lifetime", "1", "--heartbeat", "100ms", "--expired-token", "stall"});
    auto s = ready_stream(sim);
    REQUIRE(wait_until([&] { return s->poll(), std::chrono::steady_clock::now() - s->last_byte_at() > Millis(700); },
                       Millis(4000)));
    s->read_for(Millis(500));
    CHECK(std::chrono::steady_clock::now() - s->last_byte_at() > Millis(1100));
    CHECK_FALSE(s->closed());
    CHECK(s->parse().events.size() == 64);  // the default snapshot only: no disconnect
}

TEST_CASE("sim fault pause: the model stands still until restore", "[sim][fault]") {
    Sim sim({"--speed", "60", "--queues", "4", "--agents", "20"});
    REQUIRE(wait_until([&] { return sim.last_event_id() > 5; }, Millis(10000)));
    REQUIRE(sim.fault(R"({"kind":"pause"})").status == 200);
    uint64_t paused_at = sim.last_event_id();
    // A batch already on its way when the fault landed may still appear.
    REQUIRE(wait_until(
        [&] {
            const uint64_t now = sim.last_event_id();
            return std::exchange(paused_at, now) == now;
        },
        Millis(2000)));
    CHECK_FALSE(wait_until([&] { return sim.last_event_id() != paused_at; }, Millis(600)));
    REQUIRE(sim.fault(R"({"kind":"restore"})").status == 200);
    CHECK(wait_until([&] { return sim.last_event_id() > paused_at; }, Millis(10000)));
}
