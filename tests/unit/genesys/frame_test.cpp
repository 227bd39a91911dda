// The socket frame decoder: every system message, data topics, malformed
// and huge frames.
#include <catch2/catch.hpp>

#include "rtwatch/genesys/frame.hpp"

using namespace rtwatch::genesys;
using Kind = Frame::Kind;

TEST_CASE("genesys frame: heartbeat and pong are channel metadata", "[genesys]") {
    CHECK(decode_frame(R"({"topicName":"channel.metadata","eventBody":{"message":"WebSocket Heartbeat"}})").kind ==
          Kind::heartbeat);
    CHECK(decode_frame(R"({"topicName":"channel.metadata","eventBody":{"message":"pong"}})").kind == Kind::pong);
    CHECK(decode_frame(R"({"topicName":"channel.metadata","eventBody":{"message":"something new"}})").kind ==
          Kind::other);
}

TEST_CASE("genesys frame: system messages by topic or by their message", "[genesys]") {
    CHECK(decode_frame(R"({"topicName":"v2.system.socket_closing","eventBody":{"message":"closing in 1 minute"}})")
              .kind == Kind::socket_closing);
    CHECK(decode_frame(R"({"topicName":"v2.system.socket_closing"})").kind == Kind::socket_closing);
    CHECK(decode_frame(R"({"topicName":"v2.system.no_longer_subscribed","eventBody":{}})").kind ==
          Kind::no_longer_subscribed);
    CHECK(decode_frame(R"({"topicName":"channel.metadata","eventBody":{"message":"no_longer_subscribed"}})").kind ==
          Kind::no_longer_subscribed);
    CHECK(decode_frame(R"({"topicName":"v2.system.token_revoked","version":"2"})").kind == Kind::token_revoked);
    auto f = decode_frame(R"({"result":"404","message":"channel not found"})");
    CHECK(f.kind == Kind::not_found);
    // A data topic that merely mentions the words is data, not a system message.
    CHECK(decode_frame(
              R"({"topicName":"v2.users.socket_closing.activity","eventBody":{"routingStatus":{"status":"IDLE"}}})")
              .kind == Kind::agent_update);
}

TEST_CASE("genesys frame: queue observations keep zero-length intervals only", "[genesys]") {
    auto f = decode_frame(R"({"topicName":"v2.analytics.queues.q1.observations","version":"2","eventBody":{
        "group":{"queueId":"q1","mediaType":"voice"},
        "data":[
          {"interval":"2026-12-02T14:00:00.000Z/2026-12-02T14:30:00.000Z","metrics":[{"metric":"oWaiting","stats":{"count":99}}]},
          {"interval":"2026-12-02T14:10:01.000Z/2026-12-02T14:10:01.000Z","metrics":[
             {"metric":"oWaiting","stats":{"count":3}},
             {"metric":"oUserRoutingStatuses","qualifier":"IDLE","stats":{"count":2}},
             {"metric":"noStats"},
             {"stats":{"count":1}}]}]},
        "metadata":{"CorrelationId":"x"}})");
    REQUIRE(f.kind == Kind::queue_observations);
    CHECK(f.aggregates_skipped == 1);
    REQUIRE(f.queues.size() == 1);
    CHECK(f.queues[0].queue_id == "q1");
    CHECK(f.queues[0].media_type == "voice");
    REQUIRE(f.queues[0].metrics.size() == 2);
    CHECK(f.queues[0].metrics[0].metric == "oWaiting");
    CHECK(f.queues[0].metrics[0].count == 3);
    CHECK(f.queues[0].metrics[1].qualifier == "IDLE");
}

TEST_CASE("genesys frame: the queue id comes from the topic when the group lacks it", "[genesys]") {
    auto f = decode_frame(R"({"topicName":"v2.analytics.queues.abc-1.observations","eventBody":{"group":{},
        "data":[{"interval":"a/a","metrics":[{"metric":"oInteracting","stats":{"count":1}}]}]}})");
    REQUIRE(f.kind == Kind::queue_observations);
    CHECK(f.queues.at(0).queue_id == "abc-1");
    CHECK(f.queues.at(0).media_type.empty());
}

TEST_CASE("genesys frame: agent activity, presence and routing status topics", "[genesys]") {
    auto a = decode_frame(R"({"topicName":"v2.users.u1.activity","eventBody":{"id":"u1",
        "routingStatus":{"status":"INTERACTING","startTime":"x"},
        "presence":{"presenceDefinition":{"id":"p","systemPresence":"ON_QUEUE"}}}})");
    REQUIRE(a.kind == Kind::agent_update);
    CHECK(a.agent.user_id == "u1");
    CHECK(a.agent.routing_status == "INTERACTING");
    CHECK(a.agent.presence == "ON_QUEUE");
    auto p = decode_frame(
        R"({"topicName":"v2.users.u2.presence","eventBody":{"presenceDefinition":{"systemPresence":"AWAY"}}})");
    REQUIRE(p.kind == Kind::agent_update);
    CHECK(p.agent.user_id == "u2");
    CHECK_FALSE(p.agent.routing_status);
    CHECK(p.agent.presence == "AWAY");
    auto r =
        decode_frame(R"({"topicName":"v2.users.u3.routingStatus","eventBody":{"routingStatus":{"status":"IDLE"}}})");
    CHECK(r.agent.routing_status == "IDLE");
    CHECK_FALSE(r.agent.presence);
}

TEST_CASE("genesys frame: malformed frames are reported, never thrown", "[genesys]") {
    for (const char* text :
         {"", "not json", "[1,2]", "{\"topicName\":3}", "{}", "{\"topicName\":\"x\"} trailing",
          "{\"topicName\":\"v2.analytics.queues.q.observations\",\"eventBody\":[]}",
          "{\"topicName\":\"v2.analytics.queues.q.observations\",\"eventBody\":{\"data\":3}}",
          "{\"topicName\":\"v2.users.u.activity\",\"eventBody\":{\"x\":1}}", "{\"topicName\":\"a\xff\"}"}) {
        INFO(text);
        CHECK(decode_frame(text).kind == Kind::malformed);
    }
    CHECK(decode_frame(R"({"topicName":"v2.something.else","eventBody":{}})").kind == Kind::other);
}

TEST_CASE("genesys frame: a frame larger than the bound is refused unread", "[genesys]") {
    std::string big = R"({"topicName":"channel.metadata","eventBody":{"message":")" + std::string(5000, 'x') + "\"}}";
    auto f = decode_frame(big, 1024);
    CHECK(f.kind == Kind::malformed);
    CHECK(f.detail.find("more than the 1024") != std::string::npos);
    CHECK(decode_frame(big, 1 << 20).kind == Kind::other);
}

TEST_CASE("genesys frame: deep nesting is parsed without recursion", "[genesys]") {
    std::string deep = R"({"topicName":"x","eventBody":)" + std::string(100000, '[') + std::string(100000, ']') + "}";
    CHECK(decode_frame(deep, 1 << 20).kind == Kind::other);
}

TEST_CASE("genesys frame: zero-length intervals", "[genesys]") {
    CHECK(zero_length_interval("2026-12-02T14:10:01.000Z/2026-12-02T14:10:01.000Z"));
    CHECK_FALSE(zero_length_interval("2026-12-02T14:00:00.000Z/2026-12-02T14:30:00.000Z"));
    CHECK_FALSE(zero_length_interval("no-slash"));
    CHECK_FALSE(zero_length_interval("/"));
}

TEST_CASE("genesys frame: an observation's time is its interval end, an agent's the later time it carries",
          "[genesys]") {
    const Frame q = decode_frame(
        R"({"topicName":"v2.analytics.queues.q1.observations","eventBody":{"group":{"queueId":"q1"},"data":[{"interval":"2026-03-04T05:06:07.890Z/2026-03-04T05:06:07.890Z","metrics":[{"metric":"oWaiting","stats":{"count":1}}]}]}})");
    REQUIRE(q.kind == Frame::Kind::queue_observations);
    CHECK(q.queues.at(0).time == "2026-03-04T05:06:07.890Z");
    const Frame a = decode_frame(
        R"({"topicName":"v2.users.u.presence","eventBody":{"presenceDefinition":{"systemPresence":"BREAK"},"modifiedDate":"2026-03-04T05:06:07.890Z"}})");
    REQUIRE(a.kind == Frame::Kind::agent_update);
    CHECK(a.agent.time == "2026-03-04T05:06:07.890Z");
    const Frame none =
        decode_frame(R"({"topicName":"v2.users.u.routingStatus","eventBody":{"routingStatus":{"status":"IDLE"}}})");
    CHECK(none.agent.time.empty());
}
