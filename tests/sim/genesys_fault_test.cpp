// --platform genesys faults through /sim/fault, each by its observable
// effect on an open socket and on later requests.
#include <catch2/catch.hpp>

#include <thread>

#include "genesys_helpers.hpp"

using namespace rtwatch::test;

namespace {

bool got_topic(const WsClient& ws, const std::string& topic) {
    for (const auto& m : ws.messages())
        if (topic_of(m) == topic) return true;
    return false;
}

struct Open {
    std::unique_ptr<Sim> sim;
    std::string token;
    Channel channel;
    std::unique_ptr<WsClient> ws;
};

Open open_socket(std::vector<std::string> args = {}) {
    Open o;
    o.sim = genesys_sim(std::move(args));
    o.token = o.sim->token();
    o.channel = create_channel(*o.sim, o.token);
    REQUIRE(subscribe(*o.sim, o.token, o.channel.id, {queue_topic("queue-0001")}).status == 200);
    o.ws = std::make_unique<WsClient>(o.sim->port(), o.channel.path);
    REQUIRE(o.ws->upgraded());
    return o;
}

int subscriptions_status(const Open& o) {
    return http_get(o.sim->endpoint(), "/api/v2/notifications/channels/" + o.channel.id + "/subscriptions",
                    bearer(o.token))
        .status;
}

}  // namespace

TEST_CASE("genesys fault socket-closing: the message first, the close after the delay, the channel still usable",
          "[sim][genesys][fault]") {
    Open o = open_socket();
    REQUIRE(o.sim->fault(R"({"kind":"socket-closing","ms":800})").status == 200);
    REQUIRE(o.ws->read_until([](const WsClient& w) { return got_topic(w, "v2.system.socket_closing"); }, Millis(2000)));
    o.ws->read_for(Millis(300));
    CHECK_FALSE(o.ws->closed());
    CHECK(o.ws->wait_closed(Millis(3000)));
    CHECK(subscriptions_status(o) == 200);
    CHECK(WsClient(o.sim->port(), o.channel.path).upgraded());
}

TEST_CASE("genesys fault expire-channel: close 1001, then 404 on REST and on the upgrade", "[sim][genesys][fault]") {
    Open o = open_socket();
    REQUIRE(o.sim->fault(R"({"kind":"expire-channel"})").status == 200);
    REQUIRE(o.ws->wait_closed(Millis(3000)));
    CHECK(o.ws->close_code() == 1001);
    CHECK(subscriptions_status(o) == 404);
    CHECK(WsClient(o.sim->port(), o.channel.path).status() == 404);
    CHECK(o.sim->stats()["channels_expired"].GetInt() == 1);
}

TEST_CASE("genesys fault evict-channel: no_longer_subscribed, close, 404", "[sim][genesys][fault]") {
    Open o = open_socket();
    REQUIRE(o.sim->fault(R"({"kind":"evict-channel","channel":")" + o.channel.id + "\"}").status == 200);
    REQUIRE(o.ws->wait_closed(Millis(3000)));
    CHECK(got_topic(*o.ws, "v2.system.no_longer_subscribed"));
    CHECK(subscriptions_status(o) == 404);
}

TEST_CASE("genesys fault kick: the socket closes as if a second one connected, reconnecting works",
          "[sim][genesys][fault]") {
    Open o = open_socket();
    REQUIRE(o.sim->fault(R"({"kind":"kick"})").status == 200);
    REQUIRE(o.ws->wait_closed(Millis(3000)));
    CHECK(o.ws->close_code() == 1000);
    CHECK(subscriptions_status(o) == 200);
    WsClient again(o.sim->port(), o.channel.path);
    CHECK(again.read_until([](const WsClient& w) { return !w.messages().empty(); }, Millis(3000)));
}

TEST_CASE("genesys fault silent: no heartbeat or frame while it lasts, the socket stays open",
          "[sim][genesys][fault]") {
    Open o = open_socket({"--speed", "40"});
    REQUIRE(o.ws->read_until([](const WsClient& w) { return !w.messages().empty(); }, Millis(3000)));
    REQUIRE(o.sim->fault(R"({"kind":"silent","ms":1200})").status == 200);
    o.ws->read_for(Millis(150));  // a frame may have been on its way
    const size_t before = o.ws->messages().size();
    o.ws->read_for(Millis(700));
    CHECK(o.ws->messages().size() == before);
    CHECK_FALSE(o.ws->closed());
    CHECK(o.ws->read_until([&](const WsClient& w) { return w.messages().size() > before; }, Millis(3000)));
}

TEST_CASE("genesys fault revoke: token_revoked, close, old token 401, a new token works", "[sim][genesys][fault]") {
    Open o = open_socket();
    REQUIRE(o.sim->fault(R"({"kind":"revoke"})").status == 200);
    REQUIRE(o.ws->wait_closed(Millis(3000)));
    CHECK(got_topic(*o.ws, "v2.system.token_revoked"));
    CHECK(http_post(o.sim->endpoint(), "/api/v2/notifications/channels", "", "application/json", bearer(o.token))
              .status == 401);
    CHECK(create_channel(*o.sim, o.sim->token()).id.size() > 10);
}

TEST_CASE("genesys fault throttle: 429 with Retry-After for the next N REST calls", "[sim][genesys][fault]") {
    Open o = open_socket();
    REQUIRE(o.sim->fault(R"({"kind":"throttle","count":2,"retryAfter":7})").status == 200);
    for (int i = 0; i < 2; ++i) {
        const HttpResponse r = http_get(o.sim->endpoint(), "/api/v2/notifications/channels", bearer(o.token));
        CHECK(r.status == 429);
        CHECK(r.header("Retry-After") == "7");
    }
    CHECK(subscriptions_status(o) == 200);
    CHECK(o.sim->stats()["throttled"].GetInt() == 2);
}

TEST_CASE("genesys fault reject-topics: later subscriptions are Rejected for the named permission",
          "[sim][genesys][fault]") {
    Open o = open_socket();
    REQUIRE(o.sim->fault(R"({"kind":"reject-topics","permission":"analytics:queueObservation:view"})").status == 200);
    const HttpResponse r = subscribe(*o.sim, o.token, o.channel.id, {queue_topic("queue-0002")});
    REQUIRE(r.status == 200);
    const auto doc = parse_json(r.body);
    CHECK(doc["entities"][0]["state"].GetString() == std::string("Rejected"));
    CHECK(doc["entities"][0]["missingPermissions"][0].GetString() == std::string("analytics:queueObservation:view"));
    REQUIRE(o.sim->fault(R"({"kind":"restore"})").status == 200);
    const auto again = parse_json(subscribe(*o.sim, o.token, o.channel.id, {queue_topic("queue-0002")}).body);
    CHECK(again["entities"][0]["state"].GetString() == std::string("Permitted"));
}

TEST_CASE("genesys fault pause: /sim/state stands still, an unknown kind is a 400 naming the kinds",
          "[sim][genesys][fault]") {
    auto sim = genesys_sim({"--speed", "40"});
    pause_and_settle(*sim);
    const FlatState a = sim_state(*sim);
    std::this_thread::sleep_for(std::chrono::milliseconds(300));  // time passing is the point here
    CHECK(sim_state(*sim) == a);
    const HttpResponse bad = sim->fault(R"({"kind":"drop"})");
    CHECK(bad.status == 400);
    CHECK(bad.body.find("socket-closing") != std::string::npos);
}
