// rtwatch relay under strain: a viewer that stops reading, an upstream that
// drops, stalls or revokes its tokens, and SIGTERM with viewers connected.
#include <algorithm>
#include <chrono>

#include "relay_support.hpp"

using namespace rtwatch::test;

namespace {

// Every metrics event's data parses and names a resource: nothing half-written.
bool whole_events(const ViewerEvents& v) {
    for (const auto& e : v.events)
        if (e.type == "metrics" || e.type == "snapshot") {
            auto d = parse_json(e.data);
            if (!d.HasMember("metrics") || !d.HasMember("id")) return false;
        }
    return true;
}

}  // namespace

TEST_CASE("relay: a viewer that stops reading is conflated, never slows the others, and catches up", "[relay]") {
    Sim sim(busy_model());
    auto relay = start_relay(sim, {});
    RawStream slow(relay.port, "/events", {}, 4096);
    REQUIRE(slow.read_until(ready_seen, 10s));
    std::vector<std::unique_ptr<RawStream>> fast;
    for (int i = 0; i < 5; ++i) {
        fast.push_back(std::make_unique<RawStream>(relay.port, "/events"));
        REQUIRE(fast.back()->read_until(ready_seen, 10s));
    }
    // The fast ones read for 3 s while the slow one reads nothing; the
    // newest record of each read is timed against its ts (the relay's write).
    std::vector<double> delays;
    auto until = std::chrono::steady_clock::now() + 3s;
    std::vector<std::size_t> seen(fast.size(), 0);  // body bytes already looked at
    while (std::chrono::steady_clock::now() < until) {
        fast.front()->read_for(5ms);  // a wait for the next bytes, then every stream drained
        for (std::size_t i = 0; i < fast.size(); ++i) {
            fast[i]->poll();
            auto now = std::chrono::system_clock::now();
            std::string_view body = fast[i]->body();
            // The newest record read: only the new bytes are searched, so this
            // loop's own cost stays flat as the streams grow.
            auto at = body.rfind("\"ts\":\"");
            if (at != std::string_view::npos && at >= seen[i] && at + 29 <= body.size()) {
                std::string ts(body.substr(at + 6, 23));
                std::tm tm{};
                strptime(ts.c_str(), "%Y-%m-%dT%H:%M:%S", &tm);
                auto t = std::chrono::system_clock::from_time_t(timegm(&tm)) +
                         std::chrono::milliseconds(std::stoi(ts.substr(20, 3)));
                delays.push_back(std::chrono::duration<double, std::milli>(now - t).count());
            }
            seen[i] = body.size();
        }
    }
    REQUIRE(delays.size() > 20);
    std::sort(delays.begin(), delays.end());
    // From the relay reading a record to this loop reading it, the loop's own
    // turn (5 ms and five polls) included. A viewer that blocked the relay
    // would hold the others back for the whole 3 s; a machine shared with
    // builds can add a spike, so the median is held tight and the worst loose.
    INFO("median " << delays[delays.size() / 2] << " ms, worst " << delays.back() << " ms, " << delays.size()
                   << " samples");
    CHECK(delays[delays.size() / 2] < 50);
    CHECK(delays.back() < 1000);
    auto metrics = http_get(relay.port, "/metrics").body;
    INFO(metrics);
    auto conflated = prom_value(metrics, "rtwatch_viewer_conflated_total");
    REQUIRE(conflated);
    CHECK(*conflated > 0);
    CHECK(metrics.find("rtwatch_viewers 6\n") != std::string::npos);

    REQUIRE(sim.fault(R"({"kind":"pause"})").status == 200);
    auto truth = truth_for(sim.state(), {}, {});
    CHECK(wait_until(
        [&] {
            slow.poll();
            return last_state(events_of(slow).events) == truth;
        },
        15s));
    auto v = events_of(slow);
    CHECK(whole_events(v));
    CHECK(v.incomplete == 0);
    CHECK(!slow.closed());
}

TEST_CASE("relay: upstream drop, stall and token revocation: viewers stay, see status, end right", "[relay]") {
    Sim sim(busy_model());
    auto relay = start_relay(sim, {"--idle-timeout", "1s", "--stale-after", "600ms", "--max-backoff", "200ms"});
    RawStream viewer(relay.port, "/events");
    REQUIRE(viewer.read_until(ready_seen, 10s));
    REQUIRE(wait_until([&] { return http_get(relay.port, "/readyz").status == 200; }, 10s));
    auto statuses = [&] {
        std::vector<std::string> out;
        for (const auto& e : events_of(viewer).events)
            if (e.type == "status") out.push_back(parse_json(e.data)["status"].GetString());
        return out;
    };
    auto count = [&](const std::string& status) {
        viewer.poll();
        auto s = statuses();
        return std::count(s.begin(), s.end(), status);
    };

    REQUIRE(viewer.read_until([&](const RawStream&) { return count("connected") == 1; }, 10s));
    auto connected = count("connected");
    REQUIRE(sim.fault(R"({"kind":"drop"})").status == 200);
    CHECK(viewer.read_until([&](const RawStream&) { return count("connected") > connected; }, 10s));
    CHECK(count("reconnecting") >= 1);

    // A stall: /readyz turns 503 with a reason, then 200 once bytes flow again.
    connected = count("connected");
    REQUIRE(sim.fault(R"({"kind":"stall","ms":3000})").status == 200);
    HttpResponse not_ready;
    CHECK(wait_until(
        [&] {
            not_ready = http_get(relay.port, "/readyz");
            return not_ready.status == 503;
        },
        5s));
    CHECK(parse_json(not_ready.body)["reason"].GetString() != std::string());
    CHECK(wait_until([&] { return http_get(relay.port, "/readyz").status == 200; }, 10s));
    CHECK(viewer.read_until([&](const RawStream&) { return count("connected") > connected; }, 10s));

    // Revoked tokens: a new token, the stream resumes.
    connected = count("connected");
    REQUIRE(sim.fault(R"({"kind":"revoke"})").status == 200);
    CHECK(viewer.read_until([&](const RawStream&) { return count("connected") > connected; }, 10s));

    REQUIRE(sim.fault(R"({"kind":"pause"})").status == 200);
    auto truth = truth_for(sim.state(), {}, {});
    CHECK(wait_until(
        [&] {
            viewer.poll();
            return last_state(events_of(viewer).events) == truth;
        },
        15s));
    CHECK(!viewer.closed());
    auto metrics = http_get(relay.port, "/metrics").body;
    auto reconnects = prom_value(metrics, "rtwatch_reconnects_total");
    REQUIRE(reconnects);
    CHECK(*reconnects > 0);
    CHECK(sim.stats()["streams_open"].GetInt() == 1);
}

TEST_CASE("relay: SIGTERM ends every viewer's stream cleanly after a stopped status", "[relay]") {
    Sim sim(busy_model());
    auto relay = start_relay(sim, {});
    std::vector<std::unique_ptr<RawStream>> viewers;
    for (int i = 0; i < 10; ++i) {
        viewers.push_back(std::make_unique<RawStream>(relay.port, i % 2 ? "/events" : "/events?fields=waiting"));
        REQUIRE(viewers.back()->read_until(ready_seen, 10s));
    }
    relay.process->kill(SIGTERM);
    for (auto& v : viewers) {
        CHECK(v->wait_closed(5s));
        auto e = events_of(*v);
        CHECK(e.incomplete == 0);
        REQUIRE(!e.events.empty());
        CHECK(e.events.back().type == "status");
        CHECK(parse_json(e.events.back().data)["status"].GetString() == std::string("stopped"));
    }
    auto st = relay.process->wait_for(k_exit_timeout);
    REQUIRE(st);
    CHECK(st->code == 0);
}
