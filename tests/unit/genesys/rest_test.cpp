// REST bodies and answers: channel, subscriptions, the observations query,
// users.
#include <catch2/catch.hpp>

#include "rtwatch/core/time_format.hpp"
#include "rtwatch/genesys/rest.hpp"

using namespace rtwatch;
using namespace rtwatch::genesys;

TEST_CASE("genesys rest: a channel answer gives id, connectUri and expires", "[genesys]") {
    auto c = parse_channel(
        R"({"connectUri":"wss://streaming.x/channels/c1","id":"c1","expires":"2026-12-03T14:00:00.000Z"})");
    REQUIRE(c);
    CHECK(c->id == "c1");
    CHECK(c->connect_uri == "wss://streaming.x/channels/c1");
    CHECK(c->expires.has_value());
    CHECK_FALSE(parse_channel(R"({"id":"c1"})"));
    CHECK_FALSE(parse_channel("nope"));
    auto no_expiry = parse_channel(R"({"connectUri":"ws://h/channels/c","id":"c"})");
    REQUIRE(no_expiry);
    CHECK_FALSE(no_expiry->expires);
}

TEST_CASE("genesys rest: subscription body is a list of ids, JSON-escaped", "[genesys]") {
    std::vector<std::string> topics{"v2.a", "v2.\"b\""};
    CHECK(subscription_body(topics) == R"([{"id":"v2.a"},{"id":"v2.\"b\""}])");
}

TEST_CASE("genesys rest: subscription answers split permitted and rejected", "[genesys]") {
    auto s = parse_subscriptions(R"({"entities":[
        {"id":"t1","state":"Permitted"},
        {"id":"t2","state":"Rejected","rejectionReason":"MissingPermissions","missingPermissions":["analytics:queueObservation:view"]},
        {"id":"t3","state":"Rejected","missingPermissions":["analytics:queueObservation:view","x:y:z"]},
        {"id":"t4"}]})");
    REQUIRE(s);
    CHECK(s->permitted == std::vector<std::string>{"t1", "t4"});
    REQUIRE(s->rejected.size() == 2);
    CHECK(s->rejected[0].reason == "MissingPermissions");
    CHECK(missing_permissions(s->rejected) == std::vector<std::string>{"analytics:queueObservation:view", "x:y:z"});
    auto bare = parse_subscriptions(R"([{"id":"t1"}])");
    REQUIRE(bare);
    CHECK(bare->permitted.size() == 1);
    CHECK_FALSE(parse_subscriptions(R"({"x":1})"));
}

TEST_CASE("genesys rest: the observations query names each queue and every metric", "[genesys]") {
    std::vector<std::string> q{"q1", "q2"};
    auto body = observations_query_body(q);
    CHECK(body.find(R"("dimension":"queueId","operator":"matches","value":"q1")") != std::string::npos);
    CHECK(body.find(R"("value":"q2")") != std::string::npos);
    for (auto m : observation_metrics()) CHECK(body.find("\"" + std::string(m) + "\"") != std::string::npos);
}

TEST_CASE("genesys rest: observations query results per queue and media type", "[genesys]") {
    auto r = parse_observations_query(R"({"results":[
        {"group":{"queueId":"q1","mediaType":"voice"},"data":[{"metric":"oWaiting","stats":{"count":2}},
                                                              {"metric":"oUserPresences","qualifier":"AVAILABLE","stats":{"count":5}}]},
        {"group":{"queueId":"q2"},"data":[{"metric":"oWaiting","qualifier":null,"stats":{"count":0}}]}]})");
    REQUIRE(r);
    REQUIRE(r->size() == 2);
    CHECK((*r)[0].media_type == "voice");
    CHECK((*r)[0].metrics.at(1).qualifier == "AVAILABLE");
    CHECK((*r)[1].queue_id == "q2");
    CHECK((*r)[1].metrics.at(0).qualifier.empty());
    CHECK(parse_observations_query("{}"));
    CHECK_FALSE(parse_observations_query(R"({"results":[{"data":[]}]})"));
}

TEST_CASE("genesys rest: users with routing status and presence", "[genesys]") {
    auto u = parse_users(R"({"entities":[{"id":"u1","routingStatus":{"status":"IDLE"},
        "presence":{"presenceDefinition":{"systemPresence":"AVAILABLE"}}},{"id":"u2"}]})");
    REQUIRE(u);
    REQUIRE(u->size() == 2);
    CHECK((*u)[0].routing_status == "IDLE");
    CHECK((*u)[0].presence == "AVAILABLE");
    CHECK_FALSE((*u)[1].routing_status);
    auto one = parse_users(R"({"id":"u3","routingStatus":{"status":"OFF_QUEUE"}})");
    REQUIRE(one);
    CHECK(one->at(0).user_id == "u3");
    CHECK_FALSE(parse_users(R"({"nothing":1})"));
}

TEST_CASE("genesys rest: a channel's expiry read back from the channel list", "[genesys]") {
    const char* body = R"({"entities":[{"id":"a","connectUri":"ws://h/channels/a","expires":"2026-12-03T00:00:00Z"},
                                        {"id":"b","connectUri":"ws://h/channels/b"}]})";
    auto a = listed_expiry(body, "a");
    REQUIRE(a);
    CHECK(*a == *parse_rfc3339("2026-12-03T00:00:00Z"));
    CHECK_FALSE(listed_expiry(body, "b"));
    CHECK_FALSE(listed_expiry(body, "c"));
    CHECK_FALSE(listed_expiry("nope", "a"));
}
