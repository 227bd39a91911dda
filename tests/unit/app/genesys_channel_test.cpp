// A channel's socket URL on a fake clock, against a scripted platform: a
// connectUri that drops TLS under an https login, or whose scheme cannot be
// opened, makes a new channel twice (at once, then after the backoff) and
// the third ends the run with exit 7, before any subscription or socket.
// Exact times and request counts, no waiting.
#include <catch2/catch.hpp>

#include "genesys_fakes.hpp"
#include "genesys_source.hpp"
#include "rtwatch/core/time_format.hpp"

using namespace rtwatch;
using namespace std::chrono_literals;
using test::FakeClock;
using test::FakeSockets;

namespace {

using test::answer;

// An organisation whose n-th channel (from 1) has the connectUri `uri(n)`.
struct Org {
    FakeClock clock;
    FakeSockets sockets{clock};
    app::Config config;
    test::Listened listener;
    int channels = 0;
    bool channel_too_large = false;
    std::string subscribed =
        R"({"entities":[{"id":"v2.analytics.queues.q1.observations"}]})";  // the channel POST's answer is cut at the
                                                                           // size limit
    std::function<std::string(int)> uri = [](int n) { return "wss://streaming.test/channels/ch-" + std::to_string(n); };
    std::unique_ptr<app::GenesysSource> source;
    const TimePoint start_time = clock.clock;

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
        if (r.url.find("/oauth/token") != std::string::npos)
            return answer(200, R"({"access_token":"tok","token_type":"bearer","expires_in":86400})");
        if (r.method == "POST" && r.url.ends_with("/notifications/channels")) {
            ++channels;
            if (channel_too_large) {
                auto cut = answer(200, R"({"id":"ch-1","connectUri":"wss://stre)");
                cut.body_too_large = true;
                cut.transport_error =
                    "the answer to POST /api/v2/notifications/channels is larger than the 8 MiB limit";
                return cut;
            }
            auto expires = format_rfc3339_ms(WallClock::now() + 24h);
            return answer(200, R"({"id":"ch-)" + std::to_string(channels) + R"(","connectUri":")" + uri(channels) +
                                   R"(","expires":")" + expires + "\"}");
        }
        if (r.method == "PUT") return answer(200, subscribed);
        if (r.url.find("observations/query") != std::string::npos) return answer(200, R"({"results":[]})");
        return answer(404, "{}");
    }
    void start() {
        source = std::make_unique<app::GenesysSource>(config, clock, sockets.factory(), [] { return 0.0; });
        source->start(listener);
    }
    std::vector<Millis> channel_posts() const {
        std::vector<Millis> out;
        for (const auto& [t, r] : clock.sent)
            if (r.method == "POST" && r.url.ends_with("/notifications/channels"))
                out.push_back(std::chrono::duration_cast<Millis>(t - start_time));
        return out;
    }
};

}  // namespace

TEST_CASE("genesys channel: a connectUri that is not ws or wss exits 7 after three channels", "[genesys][url]") {
    Org org;
    org.uri = [](int n) { return "https://streaming.test/channels/ch-" + std::to_string(n); };
    org.start();
    org.clock.advance(10s);
    // Token 0-10 ms; channel 1 at 10 ms, its answer at 20 ms makes channel 2
    // at once; channel 3 after the 500 ms backoff (1 s at jitter 0).
    CHECK(org.channel_posts() == std::vector<Millis>{10ms, 20ms, 530ms});
    CHECK(org.clock.count("PUT", "/subscriptions") == 0);
    CHECK(org.sockets.opened == 0);
    REQUIRE(org.listener.ended);
    CHECK(*org.listener.ended == ExitCode::upstream);
    CHECK(org.listener.end_message ==
          "the channel's connectUri 'https://streaming.test/channels/ch-3' is not a ws:// or wss:// URL (3 "
          "channels in a row): the platform keeps answering a socket URL rtwatch cannot open; check --api-url or "
          "--region, or set --stream-url");
}

TEST_CASE("genesys channel: one bad connectUri is a platform's mistake: the next channel is used", "[genesys][url]") {
    Org org;
    org.uri = [](int n) {
        return n == 1 ? std::string("http://streaming.test/channels/ch-1")
                      : "wss://streaming.test/channels/ch-" + std::to_string(n);
    };
    org.start();
    org.clock.advance(10s);
    CHECK(org.channel_posts() == std::vector<Millis>{10ms, 20ms});
    CHECK(org.clock.count("PUT", "/subscriptions") == 1);
    REQUIRE(org.sockets.urls == std::vector<std::string>{"wss://streaming.test/channels/ch-2"});
    CHECK_FALSE(org.listener.ended);
}

TEST_CASE("genesys channel: bad connectUris apart from a good one are not counted together", "[genesys][url]") {
    Org org;
    org.uri = [](int n) {
        return n % 2 == 1 ? "ftp://streaming.test/channels/ch-" + std::to_string(n)
                          : "wss://streaming.test/channels/ch-" + std::to_string(n);
    };
    // Every socket is lost at once, so each new channel alternates bad, good.
    org.sockets.on_open = [](FakeSockets::Socket& s) {
        s.handler.on_open();
        if (s.live) s.handler.on_message(test::system_frame("no_longer_subscribed"));
    };
    org.start();
    org.clock.advance(10s);
    // Paced with the lost channels (6 in 10 s without bad URLs), never three
    // bad in a row.
    CHECK(org.channel_posts().size() == 7);
    CHECK_FALSE(org.listener.ended);
}

TEST_CASE("genesys channel: a ws:// connectUri under an https login exits 7 unless --insecure", "[genesys][url]") {
    Org org;
    org.uri = [](int n) { return "ws://streaming.test/channels/ch-" + std::to_string(n); };
    SECTION("refused") {
        org.start();
        org.clock.advance(10s);
        CHECK(org.channel_posts() == std::vector<Millis>{10ms, 20ms, 530ms});
        CHECK(org.sockets.opened == 0);
        REQUIRE(org.listener.ended);
        CHECK(*org.listener.ended == ExitCode::upstream);
        CHECK(org.listener.end_message ==
              "refused the socket at ws://streaming.test/channels/ch-3 (the channel's connectUri) under "
              "https://api.test: it would drop TLS (3 channels in a row): check --api-url and --stream-url, or pass "
              "--insecure for a test server");
    }
    SECTION("--insecure allows it") {
        org.config.insecure = true;
        org.start();
        org.clock.advance(10s);
        CHECK(org.channel_posts().size() == 1);
        CHECK(org.sockets.urls == std::vector<std::string>{"ws://streaming.test/channels/ch-1"});
        CHECK_FALSE(org.listener.ended);
    }
    SECTION("a plain-http login has no TLS to drop") {
        org.config.api_url = "http://api.test";
        org.config.auth_url = "http://login.test";
        org.start();
        org.clock.advance(10s);
        CHECK(org.sockets.opened == 1);
        CHECK_FALSE(org.listener.ended);
    }
}

TEST_CASE("genesys channel: a channel answer over the size limit ends the run naming the limit", "[genesys][url]") {
    Org org;
    org.channel_too_large = true;
    org.start();
    org.clock.advance(10s);
    CHECK(org.channel_posts() == std::vector<Millis>{10ms});
    REQUIRE(org.listener.ended);
    CHECK(*org.listener.ended == ExitCode::upstream);
    CHECK(org.listener.end_message.find("creating a notification channel: the answer to POST "
                                        "/api/v2/notifications/channels is larger than the 8 MiB limit") == 0);
}

TEST_CASE("genesys channel: a subscription answer that leaves every topic out ends the run", "[genesys][subs]") {
    Org org;
    org.subscribed = R"({"entities":[]})";
    org.start();
    org.clock.advance(10s);
    CHECK(org.clock.count("PUT", "/subscriptions") == 1);
    REQUIRE(org.listener.ended);
    CHECK(*org.listener.ended == ExitCode::permission);
    CHECK(org.listener.end_message ==
          "no topic was subscribed: 1 of 1 requested topics are missing from the subscription answer "
          "(v2.analytics.queues.q1.observations): check the --queue and --agent ids (Genesys ids are UUIDs) and the "
          "OAuth client's roles; there is nothing to watch");
}

TEST_CASE("genesys channel: a topic left out of the subscription answer is not watched, the rest is",
          "[genesys][subs]") {
    Org org;
    org.config.queues = {"q1", "q2"};
    org.start();
    org.clock.advance(10s);
    CHECK_FALSE(org.listener.ended);
    CHECK(org.sockets.opened == 1);
}
