// The stream endpoint over real HTTP: snapshot, filters, live events,
// heartbeats, many clients, auth answers and clean shutdown.
#include <catch2/catch.hpp>

#include <set>

#include "sim_helpers.hpp"

using namespace rtwatch::test;

TEST_CASE("sim stream: the snapshot holds every resource exactly as /sim/state has it", "[sim][stream]") {
    Sim sim({"--speed", "0.0001", "--queues", "6", "--skills", "3", "--agents", "20"});
    auto s = open_stream(sim);
    REQUIRE(s->status() == 200);
    CHECK(s->header("Content-Type") == "text/event-stream; charset=utf-8");
    REQUIRE(s->read_until(snapshot_done, Millis(5000)));
    const auto parse = s->parse();
    CHECK(parse.retry == "1000");
    REQUIRE(parse.events.size() == 29);
    for (size_t i = 0; i + 1 < parse.events.size(); ++i) CHECK_FALSE(parse.events[i].has_id);
    const auto state = sim.state();
    CHECK(parse.events.back().id == state["lastEventId"].GetString());
    CHECK(fold(parse) == state_metrics(state));
}

TEST_CASE("sim stream: snapshot plus live events fold into /sim/state", "[sim][stream]") {
    Sim sim({"--speed", "30", "--queues", "4", "--agents", "20"});
    auto s = open_stream(sim);
    REQUIRE(s->read_until(snapshot_done, Millis(5000)));
    REQUIRE(wait_until([&] { return sim.last_event_id() > last_id_of(s->parse()) + 20; }, Millis(10000)));
    const auto state = sim.state();
    const uint64_t target = std::stoull(state["lastEventId"].GetString());
    REQUIRE(s->read_until([&](const RawStream& r) { return last_id_of(r.parse()) >= target; }, Millis(5000)));
    CHECK(fold(s->parse(), target) == state_metrics(state));
}

TEST_CASE("sim stream: filters repeat and take comma lists, and an unknown id is 400 naming it", "[sim][stream]") {
    Sim sim({"--speed", "0.0001"});
    auto s =
        open_stream(sim, "?queueId=queue-0001,queue-0003&queueId=queue-0002&skillId=skill-sales&agentId=agent-00007");
    REQUIRE(s->read_until(snapshot_done, Millis(5000)));
    std::set<std::string> seen;
    for (const auto& [id, metrics] : fold(s->parse())) seen.insert(id);
    CHECK(seen == std::set<std::string>{"queue-0001", "queue-0002", "queue-0003", "skill-sales", "agent-00007"});
    auto bad = open_stream(sim, "?queueId=queue-0001&agentId=agent-99999");
    CHECK(bad->status() == 400);
    bad->wait_closed(Millis(2000));
    const auto body = parse_json(std::string(bad->body()));
    CHECK(std::string(body["code"].GetString()) == "bad.request");
    CHECK(std::string(body["message"].GetString()) == "unknown agentId 'agent-99999'");
}

TEST_CASE("sim stream: live events carry strictly increasing ids and only filtered resources", "[sim][stream]") {
    Sim sim({"--speed", "40", "--queues", "5", "--agents", "30"});
    auto s = open_stream(sim, "?queueId=queue-0002&agentId=agent-00002");
    REQUIRE(s->read_until([](const RawStream& r) { return r.parse().events.size() >= 6; }, Millis(15000)));
    int64_t previous = -1;
    for (const auto& e : s->parse().events) {
        const auto id = resource_of(parse_json(e.data));
        CHECK((id == "queue-0002" || id == "agent-00002"));
        if (!e.has_id) continue;
        CHECK(std::stoll(e.id) > previous);
        previous = std::stoll(e.id);
    }
}

TEST_CASE("sim stream: an idle stream gets heartbeat comments, never inside the snapshot", "[sim][stream]") {
    Sim sim({"--speed", "0.0001", "--heartbeat", "150ms"});
    auto s = open_stream(sim);
    REQUIRE(s->read_until([](const RawStream& r) { return r.parse().comments.size() >= 3; }, Millis(3000)));
    const std::string_view body = s->body();
    CHECK(body.find(": heartbeat\n\n") > body.find("id: 0\n"));
    CHECK(s->parse().comments.front() == "heartbeat");
}

TEST_CASE("sim stream: missing, unknown and scope-less tokens get 401 and 403", "[sim][stream]") {
    Sim sim;
    RawStream none(sim.port(), k_stream_path, {{"Accept", "text/event-stream"}});
    none.wait_closed(Millis(3000));
    CHECK(none.status() == 401);
    CHECK(stream_status(sim, "not-a-token") == 401);
    REQUIRE(sim.fault(R"({"kind":"expire-scope"})").status == 200);
    RawStream scopeless(sim.port(), k_stream_path, stream_headers(sim.token()));
    scopeless.wait_closed(Millis(3000));
    CHECK(scopeless.status() == 403);
    CHECK(std::string(scopeless.body()).find("genesyscloud.realtime.data.view") != std::string::npos);
    CHECK(std::string(parse_json(std::string(scopeless.body()))["code"].GetString()) == "missing.scope");
    REQUIRE(sim.fault(R"({"kind":"restore"})").status == 200);
    CHECK(stream_status(sim, sim.token()) == 200);
}

TEST_CASE("sim stream: 200 clients stream at once", "[sim][stream][load]") {
    Sim sim({"--speed", "20", "--queues", "20", "--agents", "100"});
    const std::string token = sim.token();
    std::vector<std::unique_ptr<RawStream>> clients;
    for (int i = 0; i < 200; ++i)
        clients.push_back(std::make_unique<RawStream>(sim.port(), std::string(k_stream_path) + "?queueId=queue-0001",
                                                      stream_headers(token)));
    for (auto& c : clients) REQUIRE(c->read_until(snapshot_done, Millis(10000)));
    CHECK(sim.stats()["streams_open"].GetInt() == 200);
    for (auto& c : clients) {
        c->poll();
        CHECK(c->status() == 200);
        CHECK_FALSE(c->closed());
    }
}

TEST_CASE("sim stream: SIGTERM stops the simulator cleanly with streams open", "[sim][stream]") {
    Sim sim;
    auto s = open_stream(sim);
    REQUIRE(s->read_until(snapshot_done, Millis(5000)));
    const auto status = sim.stop();
    REQUIRE(status);
    CHECK(status->exited());
    CHECK(status->code == 0);
    CHECK(s->wait_closed(Millis(3000)));
}
