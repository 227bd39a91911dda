// The Genesys source's lifecycle on a fake clock, against a scripted
// platform: every storm shape a real organisation can produce (socket
// closing on every socket, channels lost or revoked at once, sockets closed
// right after they open, channels born expired) makes a handful of requests
// in 10 s, not thousands; the request budget caps any shape; a 429 holds
// every call for its Retry-After. Exact times, no waiting.
#include <catch2/catch.hpp>

#include "genesys_fakes.hpp"
#include "genesys_source.hpp"
#include "rtwatch/core/time_format.hpp"

using namespace rtwatch;
using namespace std::chrono_literals;
using test::FakeClock;
using test::FakeSockets;

namespace rtwatch::test {
std::string system_frame(std::string_view name) {
    return R"({"topicName":"v2.system.)" + std::string(name) + R"(","eventBody":{"message":"x"}})";
}
std::string heartbeat_frame() {
    return R"({"topicName":"channel.metadata","eventBody":{"message":"WebSocket Heartbeat"}})";
}
}  // namespace rtwatch::test

namespace {

using test::answer;

// A platform that answers every call as Genesys would, with a channel
// expiring `channel_life` after it is made.
struct Org {
    FakeClock clock;
    FakeSockets sockets{clock};
    app::Config config;
    test::Listened listener;
    Millis channel_life = 24h;
    int channels = 0;
    int waiting = 3;  // q1's oWaiting, as the observations query answers it
    std::function<std::optional<net::Response>(const net::Request&)> override;
    std::unique_ptr<app::GenesysSource> source;

    Org() {
        config.platform = app::Platform::genesys;
        config.api_url = "https://api.test";
        config.auth_url = "https://login.test";
        config.client_id = "id";
        config.client_secret = "secret";
        config.queues = {"q1"};
        config.idle_timeout = 60s;
        clock.platform = [this](const net::Request& r) { return platform(r); };
    }
    net::Response platform(const net::Request& r) {
        if (override)
            if (auto o = override(r)) return *o;
        if (r.url.find("/oauth/token") != std::string::npos)
            return answer(200, R"({"access_token":"tok","token_type":"bearer","expires_in":86400})");
        if (r.method == "POST" && r.url.ends_with("/notifications/channels")) {
            std::string id = "ch-" + std::to_string(++channels);
            auto expires = format_rfc3339_ms(WallClock::now() + channel_life);
            return answer(200, R"({"id":")" + id + R"(","connectUri":"wss://streaming.test/channels/)" + id +
                                   R"(","expires":")" + expires + "\"}");
        }
        if (r.method == "PUT") return answer(200, R"({"entities":[{"id":"v2.analytics.queues.q1.observations"}]})");
        if (r.method == "GET" && r.url.ends_with("/notifications/channels?includechannels=oauthclient"))
            return answer(200, R"({"entities":[]})");
        if (r.url.find("observations/query") != std::string::npos)
            return answer(200,
                          R"({"results":[{"group":{"queueId":"q1"},"data":[{"metric":"oWaiting","stats":{"count":)" +
                              std::to_string(waiting) + "}}]}]}");
        return answer(404, "{}");
    }
    void start() {
        source = std::make_unique<app::GenesysSource>(config, clock, sockets.factory(), [] { return 0.0; });
        source->start(listener);
    }
    std::size_t rest() const { return clock.sent.size(); }
    std::vector<Millis> open_offsets() const {
        std::vector<Millis> out;
        for (auto t : sockets.open_times) out.push_back(std::chrono::duration_cast<Millis>(t - start_time));
        return out;
    }
    TimePoint start_time{std::chrono::seconds(1'000)};
};

// The platform does `what` to every socket as soon as it opens.
void every_socket(Org& org, std::function<void(FakeSockets::Socket&)> what) {
    org.sockets.on_open = [what](FakeSockets::Socket& s) {
        s.handler.on_open();
        if (s.live) what(s);
    };
}

}  // namespace

TEST_CASE("genesys source: socket_closing on every socket: once at once, then backing off", "[genesys][storm]") {
    Org org;
    every_socket(org, [](auto& s) { s.handler.on_message(test::system_frame("socket_closing")); });
    org.start();
    org.clock.advance(10s);
    // Token, channel and subscription 10 ms each: the socket opened at 30 ms,
    // open 20 ms later, closing at once; the first closing reconnects at
    // once, the next after 1 s, 2 s, 2.5 s, 2.5 s (jitter 0, the default
    // --max-backoff 5s), each 20 ms after the socket before opened.
    for (auto& [t, r] : org.clock.sent)
        UNSCOPED_INFO(r.method << " " << r.url << " at " << (t - org.start_time).count());
    CHECK(org.open_offsets() == std::vector<Millis>{30ms, 50ms, 1070ms, 3090ms, 5610ms, 8130ms});
    CHECK(org.clock.count("POST", "/oauth/token") == 1);
    CHECK(org.clock.count("POST", "/notifications/channels") == 1);
    // The snapshot after each gap waits 2 s after the one before.
    CHECK(org.clock.count("POST", "observations/query") <= 5);
    CHECK(org.rest() <= 8);
    REQUIRE_FALSE(org.listener.statuses.empty());
    CHECK(org.listener.statuses.at(2).find("reconnecting: the server is closing the socket") == 0);
    CHECK(org.listener.statuses.at(2).find("in 0s") != std::string::npos);
}

TEST_CASE("genesys source: no_longer_subscribed on every socket makes few channels", "[genesys][storm]") {
    Org org;
    every_socket(org, [](auto& s) { s.handler.on_message(test::system_frame("no_longer_subscribed")); });
    org.start();
    org.clock.advance(10s);
    CHECK(org.clock.count("POST", "/notifications/channels") == 6);
    CHECK(org.clock.count("PUT", "/subscriptions") == 6);
    CHECK(org.clock.count("POST", "/oauth/token") == 1);
    CHECK(org.rest() <= 18);
}

TEST_CASE("genesys source: token_revoked on every socket makes few tokens and channels", "[genesys][storm]") {
    Org org;
    every_socket(org, [](auto& s) { s.handler.on_message(test::system_frame("token_revoked")); });
    org.start();
    org.clock.advance(10s);
    CHECK(org.clock.count("POST", "/oauth/token") == 6);
    CHECK(org.clock.count("POST", "/notifications/channels") == 6);
    CHECK(org.rest() <= 24);
}

TEST_CASE("genesys source: a socket closed right after it opens does not reset the backoff", "[genesys][storm]") {
    Org org;
    every_socket(org, [](auto& s) {
        net::WebSocketEnd end;
        end.close_code = 1000;
        s.handler.on_end(end);
    });
    org.start();
    org.clock.advance(10s);
    CHECK(org.open_offsets() == std::vector<Millis>{30ms, 50ms, 1070ms, 3090ms, 5610ms, 8130ms});
    CHECK(org.rest() <= 8);
}

TEST_CASE("genesys source: only a socket healthy for 10 s resets the backoff", "[genesys][storm]") {
    Org org;
    org.start();
    org.clock.advance(1s);
    REQUIRE(org.sockets.opened == 1);
    auto* socket = org.sockets.last;
    // Closing twice in a row: the second waits.
    socket->handler.on_message(test::system_frame("socket_closing"));
    org.clock.advance(100ms);
    REQUIRE(org.sockets.opened == 2);
    org.sockets.last->handler.on_message(test::system_frame("socket_closing"));
    org.clock.advance(100ms);
    CHECK(org.sockets.opened == 2);
    org.clock.advance(1s);
    REQUIRE(org.sockets.opened == 3);
    // A heartbeat before 10 s open is not health; one after is.
    org.clock.advance(5s);
    org.sockets.last->handler.on_message(test::heartbeat_frame());
    org.clock.advance(6s);
    org.sockets.last->handler.on_message(test::heartbeat_frame());
    // The platform's planned hand-over after a healthy socket: at once again.
    org.sockets.last->handler.on_message(test::system_frame("socket_closing"));
    org.clock.advance(50ms);
    CHECK(org.sockets.opened == 4);
}

TEST_CASE("genesys source: a channel born expired is not renewed in a loop", "[genesys][storm]") {
    Org org;
    org.channel_life = -1h;
    org.start();
    org.clock.advance(10s);
    CHECK(org.clock.count("POST", "/notifications/channels") == 1);
    CHECK(org.rest() == 4);  // token, channel, subscription, snapshot
    // Renewal 60 s after: subscribe again, read `expires` back, still past:
    // a new channel at once; its renewal again 60 s later.
    org.clock.advance(61s);
    CHECK(org.clock.count("POST", "/notifications/channels") == 2);
    org.clock.advance(5min);
    CHECK(org.clock.count("POST", "/notifications/channels") <= 7);
    CHECK(org.rest() <= 40);
}

TEST_CASE("genesys source: with no backoff at all, the request budget still caps a storm", "[genesys][storm]") {
    Org org;
    org.config.max_backoff = 0ms;
    org.config.request_budget = 60;
    every_socket(org, [](auto& s) { s.handler.on_message(test::system_frame("no_longer_subscribed")); });
    org.start();
    org.clock.advance(60s);
    // The burst of 10, then one a second.
    CHECK(org.rest() <= 10 + 60);
    CHECK(org.rest() >= 60);
}

TEST_CASE("genesys source: a 429 holds every call for its Retry-After", "[genesys][budget]") {
    Org org;
    bool throttled = false;
    org.override = [&](const net::Request& r) -> std::optional<net::Response> {
        if (throttled || r.url.find("observations/query") == std::string::npos) return std::nullopt;
        throttled = true;
        auto a = answer(429, "{}");
        a.retry_after = "7";
        return a;
    };
    org.start();
    org.clock.advance(1s);
    REQUIRE(org.clock.count("POST", "observations/query") == 1);
    org.clock.advance(6s);
    CHECK(org.clock.count("POST", "observations/query") == 1);
    org.clock.advance(1500ms);
    CHECK(org.clock.count("POST", "observations/query") == 2);
    CHECK(org.listener.snapshots == 1);
}

TEST_CASE("genesys source: messages about queues not subscribed are dropped, not kept", "[genesys][state]") {
    Org org;
    org.start();
    org.clock.advance(1s);
    REQUIRE(org.listener.snapshots == 1);
    const auto before = org.listener.records;
    for (int i = 0; i < 100; ++i)
        org.sockets.last->handler.on_message(
            R"({"topicName":"v2.analytics.queues.other)" + std::to_string(i) +
            R"(.observations","eventBody":{"group":{"queueId":"other)" + std::to_string(i) +
            R"("},"data":[{"interval":"2026-01-01T00:00:00.000Z/2026-01-01T00:00:00.000Z","metrics":[{"metric":"oWaiting","stats":{"count":1}}]}]}})");
    CHECK(org.listener.records == before);
}

namespace {
std::string waiting_frame(int count) {
    return R"({"topicName":"v2.analytics.queues.q1.observations","eventBody":{"group":{"queueId":"q1"},"data":[{"interval":"2026-01-01T00:00:00.000Z/2026-01-01T00:00:00.000Z","metrics":[{"metric":"oWaiting","stats":{"count":)" +
           std::to_string(count) + "}}]}]}}";
}
}  // namespace

// A frame held while a snapshot was in flight is older than any snapshot
// begun after that one was abandoned: written on top of the new one, it
// would bring back a value the platform has since changed.
TEST_CASE("genesys source: frames held for an abandoned snapshot do not outlive it", "[genesys][state]") {
    Org org;
    org.start();
    org.clock.advance(3s);
    REQUIRE(org.listener.snapshots == 1);
    REQUIRE(org.listener.last.at("q1 oWaiting") == "3");
    // A gap, and the snapshot after it in flight when a frame arrives.
    org.sockets.last->handler.on_message(test::system_frame("socket_closing"));
    while (org.clock.count("POST", "observations/query") < 2) org.clock.advance(1ms);
    org.waiting = 4;
    org.sockets.last->handler.on_message(waiting_frame(4));
    // The socket goes before the answer: that snapshot is abandoned.
    net::WebSocketEnd end;
    end.close_code = 1006;
    org.sockets.last->handler.on_end(end);
    // Now 5, heard on the next socket before the paced snapshot says 5 too.
    org.waiting = 5;
    const auto opened = org.sockets.opened;
    while (org.sockets.opened == opened) org.clock.advance(1ms);
    org.clock.advance(25ms);
    org.sockets.last->handler.on_message(waiting_frame(5));
    CHECK(org.listener.last.at("q1 oWaiting") == "5");
    org.clock.advance(5s);
    CHECK(org.clock.count("POST", "observations/query") == 3);
    CHECK(org.listener.last.at("q1 oWaiting") == "5");
}

namespace {
// q1 answers oUserPresences qualified by organisation ids; `mapped` says
// whether the answer's systemToOrganizationMappings names them.
void presence_org(Org& org, bool mapped) {
    org.override = [&org, mapped](const net::Request& r) -> std::optional<net::Response> {
        if (r.url.find("/api/v2/presence/definitions") != std::string::npos)
            return answer(200, R"({"entities":[{"id":"id-onq","systemPresence":"OnQueue"},)"
                               R"({"id":"id-brk","systemPresence":"Break"}],"total":2})");
        if (r.url.find("observations/query") == std::string::npos) return std::nullopt;
        std::string body = R"({"results":[{"group":{"queueId":"q1"},"data":[)"
                           R"({"metric":"oUserPresences","qualifier":"id-onq","stats":{"count":)" +
                           std::to_string(org.waiting) +
                           R"(}},{"metric":"oOnQueueUsers","qualifier":"IDLE","stats":{"count":2}},)"
                           R"({"metric":"oOnQueueUsers","qualifier":"INTERACTING","stats":{"count":1}}]}])";
        if (mapped) body += R"(,"systemToOrganizationMappings":{"ON_QUEUE":["id-onq"]})";
        return answer(200, body + "}");
    };
}
std::string presence_frame(std::string_view id, int count) {
    return R"({"topicName":"v2.analytics.queues.q1.observations","eventBody":{"group":{"queueId":"q1"},"data":[{"interval":"2026-01-01T00:00:00.000Z/2026-01-01T00:00:00.000Z","metrics":[{"metric":"oUserPresences","qualifier":")" +
           std::string(id) + R"(","stats":{"count":)" + std::to_string(count) + "}}]}]}}";
}
}  // namespace

TEST_CASE("genesys source: presence ids the answer maps are written by system name, no definitions read",
          "[genesys][presence]") {
    Org org;
    presence_org(org, true);
    org.start();
    org.clock.advance(1s);
    REQUIRE(org.listener.snapshots == 1);
    CHECK(org.listener.last.at("q1 oUserPresences.ON_QUEUE") == "3");
    CHECK(org.listener.last.at("q1 oOnQueueUsers") == "3");
    CHECK(org.listener.last.at("q1 oOnQueueUsers.IDLE") == "2");
    CHECK(org.listener.last.count("q1 oUserPresences.id-onq") == 0);
    CHECK(org.clock.count("GET", "/presence/definitions") == 0);
}

TEST_CASE("genesys source: ids the answer does not map are named by the presence definitions, read once",
          "[genesys][presence]") {
    Org org;
    presence_org(org, false);
    org.start();
    org.clock.advance(1s);
    REQUIRE(org.listener.snapshots == 1);
    CHECK(org.listener.last.at("q1 oUserPresences.ON_QUEUE") == "3");
    CHECK(org.listener.last.count("q1 oUserPresences.id-onq") == 0);
    REQUIRE(org.clock.count("GET", "/presence/definitions") == 1);
    // Asked after the query was answered, with the same token, before the snapshot was written.
    TimePoint query_at{}, definitions_at{};
    for (const auto& [t, r] : org.clock.sent) {
        if (r.url.find("observations/query") != std::string::npos) query_at = t;
        if (r.url.find("/presence/definitions") != std::string::npos) {
            definitions_at = t;
            CHECK(std::find(r.headers.begin(), r.headers.end(), "Authorization: Bearer tok") != r.headers.end());
        }
    }
    CHECK(definitions_at >= query_at + org.clock.latency);
    // A frame, a gap and a new snapshot: named from what was read, never read again.
    org.sockets.last->handler.on_message(presence_frame("id-brk", 4));
    CHECK(org.listener.last.at("q1 oUserPresences.BREAK") == "4");
    org.sockets.last->handler.on_message(test::system_frame("socket_closing"));
    org.clock.advance(5s);
    CHECK(org.clock.count("POST", "observations/query") == 2);
    CHECK(org.clock.count("GET", "/presence/definitions") == 1);
    // An id nobody defines is written as it is, and asks for nothing more.
    org.sockets.last->handler.on_message(presence_frame("id-new", 1));
    CHECK(org.listener.last.at("q1 oUserPresences.id-new") == "1");
    org.clock.advance(5s);
    CHECK(org.clock.count("GET", "/presence/definitions") == 1);
    CHECK(org.clock.count("POST", "observations/query") == 2);
}

TEST_CASE("genesys source: a frame with an unmapped presence id brings one snapshot that reads the definitions",
          "[genesys][presence]") {
    Org org;
    presence_org(org, true);
    org.start();
    org.clock.advance(3s);
    REQUIRE(org.listener.snapshots == 1);
    org.sockets.last->handler.on_message(presence_frame("id-brk", 4));
    CHECK(org.listener.last.count("q1 oUserPresences.id-brk") == 0);
    org.clock.advance(3s);
    CHECK(org.clock.count("POST", "observations/query") == 2);
    CHECK(org.clock.count("GET", "/presence/definitions") == 1);
    org.sockets.last->handler.on_message(presence_frame("id-brk", 4));
    CHECK(org.listener.last.at("q1 oUserPresences.BREAK") == "4");
    CHECK(org.listener.last.count("q1 oUserPresences.id-brk") == 0);
}

TEST_CASE("genesys source: records carry the event's own time as source_ts and a sequence as event_id",
          "[genesys][state]") {
    Org org;
    org.config.agents = {"u1"};
    org.override = [](const net::Request& r) -> std::optional<net::Response> {
        if (r.method == "PUT")
            return answer(
                200, R"({"entities":[{"id":"v2.analytics.queues.q1.observations"},{"id":"v2.users.u1.activity"}]})");
        if (r.url.find("/api/v2/users") != std::string::npos)
            return answer(200, R"({"entities":[{"id":"u1","routingStatus":{"status":"IDLE"}}]})");
        return std::nullopt;
    };
    org.start();
    org.clock.advance(1s);
    REQUIRE(org.listener.snapshots == 1);
    REQUIRE(org.listener.stamps.size() == 2);
    // The snapshot: its answer's arrival, RFC 3339 UTC.
    for (const auto& [ts, id] : org.listener.stamps) CHECK(parse_rfc3339(ts).has_value());
    CHECK(org.listener.stamps[0].second == "1");
    CHECK(org.listener.stamps[1].second == "2");
    org.sockets.last->handler.on_message(waiting_frame(7));
    REQUIRE(org.listener.stamps.size() == 3);
    CHECK(org.listener.stamps[2] == std::pair<std::string, std::string>{"2026-01-01T00:00:00.000Z", "3"});
    org.sockets.last->handler.on_message(
        R"({"topicName":"v2.users.u1.activity","eventBody":{"routingStatus":{"status":"INTERACTING","startTime":"2026-01-02T10:00:01.000Z"},"presence":{"presenceDefinition":{"systemPresence":"ON_QUEUE"},"modifiedDate":"2026-01-02T09:00:00.000Z"}}})");
    REQUIRE(org.listener.stamps.size() == 4);
    CHECK(org.listener.stamps[3] == std::pair<std::string, std::string>{"2026-01-02T10:00:01.000Z", "4"});
}
