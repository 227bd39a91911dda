// --platform genesys over REST: the token endpoint's bodies, channels and
// their limits, subscriptions' Permitted/Rejected, the observations query,
// the users routes and /sim/state.
#include <catch2/catch.hpp>

#include <algorithm>
#include <map>

#include "genesys_helpers.hpp"

using namespace rtwatch::test;

namespace {

std::vector<std::string> queue_topics(int n) {
    std::vector<std::string> out;
    for (int i = 1; i <= n; ++i) out.push_back(queue_topic("queue-000" + std::to_string(i)));
    return out;
}

}  // namespace

TEST_CASE("genesys token: Genesys bodies, invalid_client with the configured status", "[sim][genesys]") {
    auto sim = genesys_sim({"--bad-client-status", "400", "--token-lifetime", "900"});
    const HttpResponse ok =
        http_post(sim->endpoint(), "/oauth/token", "grant_type=client_credentials", "application/x-www-form-urlencoded",
                  {{"Authorization", basic_auth("rtwatch", "rtwatch-secret")}});
    REQUIRE(ok.status == 200);
    const auto doc = parse_json(ok.body);
    CHECK(doc["token_type"].GetString() == std::string("bearer"));
    CHECK(doc["expires_in"].GetInt() == 900);
    CHECK(doc.HasMember("access_token"));
    const HttpResponse bad =
        http_post(sim->endpoint(), "/oauth/token", "grant_type=client_credentials", "application/x-www-form-urlencoded",
                  {{"Authorization", basic_auth("rtwatch", "wrong")}});
    CHECK(bad.status == 400);
    CHECK(parse_json(bad.body)["error"].GetString() == std::string("invalid_client"));
    auto sim401 = genesys_sim();
    CHECK(http_post(sim401->endpoint(), "/oauth/token", "grant_type=client_credentials",
                    "application/x-www-form-urlencoded", {{"Authorization", basic_auth("x", "y")}})
              .status == 401);
}

TEST_CASE("genesys channel: Bearer checked, connectUri on the same port, expires in 24 h", "[sim][genesys]") {
    auto sim = genesys_sim();
    CHECK(http_post(sim->endpoint(), "/api/v2/notifications/channels", "", "application/json").status == 401);
    CHECK(http_post(sim->endpoint(), "/api/v2/notifications/channels", "", "application/json", bearer("nope")).status ==
          401);
    const HttpResponse r =
        http_post(sim->endpoint(), "/api/v2/notifications/channels", "", "application/json", bearer(sim->token()));
    REQUIRE(r.status == 200);
    const auto doc = parse_json(r.body);
    const std::string id = doc["id"].GetString();
    CHECK(doc["connectUri"].GetString() == "ws://127.0.0.1:" + std::to_string(sim->port()) + "/channels/" + id);
    CHECK(std::string(doc["expires"].GetString()).size() == 24);  // 2026-12-02T14:00:00.000Z
}

TEST_CASE("genesys subscriptions: a missing permission rejects its topics, ignoreErrors keeps the rest",
          "[sim][genesys]") {
    auto sim = genesys_sim({"--missing-permission", "analytics:queueObservation:view"});
    const std::string token = sim->token();
    const Channel c = create_channel(*sim, token);
    const HttpResponse r = subscribe(*sim, token, c.id, {queue_topic("queue-0001"), "v2.users.agent-00001.activity"});
    REQUIRE(r.status == 200);
    const auto doc = parse_json(r.body);
    const auto& e = doc["entities"];
    REQUIRE(e.Size() == 2);
    CHECK(e[0]["state"].GetString() == std::string("Rejected"));
    CHECK(e[0]["missingPermissions"][0].GetString() == std::string("analytics:queueObservation:view"));
    CHECK(e[0].HasMember("rejectionReason"));
    CHECK(e[1]["state"].GetString() == std::string("Permitted"));
    const auto listed = parse_json(
        http_get(sim->endpoint(), "/api/v2/notifications/channels/" + c.id + "/subscriptions", bearer(token)).body);
    REQUIRE(listed["entities"].Size() == 1);
    CHECK(listed["entities"][0]["id"].GetString() == std::string("v2.users.agent-00001.activity"));
}

TEST_CASE("genesys subscriptions: without ignoreErrors a missing permission is a 403 that subscribes nothing",
          "[sim][genesys]") {
    auto sim = genesys_sim({"--missing-permission", "analytics:queueObservation:view"});
    const std::string token = sim->token();
    const Channel c = create_channel(*sim, token);
    const HttpResponse r =
        subscribe(*sim, token, c.id, {"v2.users.agent-00001.activity", queue_topic("queue-0001")}, false);
    CHECK(r.status == 403);
    const auto listed = parse_json(
        http_get(sim->endpoint(), "/api/v2/notifications/channels/" + c.id + "/subscriptions", bearer(token)).body);
    CHECK(listed["entities"].Size() == 0);
    CHECK(subscribe(*sim, token, c.id, {"v2.users.agent-00001.activity"}, false).status == 200);
}

TEST_CASE("genesys subscriptions: 1,000 topics are accepted, 1,001 are a 400", "[sim][genesys]") {
    auto sim = genesys_sim();
    const std::string token = sim->token();
    const Channel c = create_channel(*sim, token);
    // 1,000 distinct topics: unknown ones are Rejected, and still count.
    std::vector<std::string> topics;
    for (int i = 0; i < 1000; ++i) topics.push_back("v2.users.nobody-" + std::to_string(i) + ".activity");
    CHECK(subscribe(*sim, token, c.id, topics).status == 200);
    topics.push_back(queue_topic("queue-0001"));
    const HttpResponse r = subscribe(*sim, token, c.id, topics);
    CHECK(r.status == 400);
    CHECK(r.body.find("1000") != std::string::npos);
}

TEST_CASE("genesys channels: the 21st evicts the least recently used, whose socket is told", "[sim][genesys]") {
    auto sim = genesys_sim();
    const std::string token = sim->token();
    std::vector<Channel> channels;
    for (int i = 0; i < 2; ++i) channels.push_back(create_channel(*sim, token));
    WsClient ws(sim->port(), channels[1].path);
    REQUIRE(ws.upgraded());
    for (int i = 2; i < 20; ++i) channels.push_back(create_channel(*sim, token));
    // Using the oldest makes the second one the least recently used.
    REQUIRE(subscribe(*sim, token, channels[0].id, queue_topics(1)).status == 200);
    create_channel(*sim, token);
    REQUIRE(ws.wait_closed(Millis(3000)));
    bool told = false;
    for (const auto& m : ws.messages()) told = told || topic_of(m) == "v2.system.no_longer_subscribed";
    CHECK(told);
    CHECK(ws.close_code() == 1001);
    const std::string base = "/api/v2/notifications/channels/";
    CHECK(http_get(sim->endpoint(), base + channels[1].id + "/subscriptions", bearer(token)).status == 404);
    CHECK(http_get(sim->endpoint(), base + channels[0].id + "/subscriptions", bearer(token)).status == 200);
    CHECK(http_get(sim->endpoint(), base + channels[2].id + "/subscriptions", bearer(token)).status == 200);
    CHECK(sim->stats()["channels_evicted"].GetInt() == 1);
    CHECK(sim->stats()["channels"].GetInt() == 20);
}

TEST_CASE("genesys channels: --channel-ttl ends a channel, subscribing again extends it", "[sim][genesys]") {
    auto sim = genesys_sim({"--channel-ttl", "1500ms"});
    const std::string token = sim->token();
    const Channel kept = create_channel(*sim, token);
    const Channel left = create_channel(*sim, token);
    WsClient ws(sim->port(), left.path);
    REQUIRE(ws.upgraded());
    ws.read_for(Millis(900));
    REQUIRE(subscribe(*sim, token, kept.id, queue_topics(1)).status == 200);
    REQUIRE(ws.wait_closed(Millis(3000)));
    CHECK(ws.close_code() == 1001);
    const std::string base = "/api/v2/notifications/channels/";
    CHECK(http_get(sim->endpoint(), base + left.id + "/subscriptions", bearer(token)).status == 404);
    CHECK(http_get(sim->endpoint(), base + kept.id + "/subscriptions", bearer(token)).status == 200);
    CHECK(WsClient(sim->port(), left.path).status() == 404);
}

TEST_CASE("genesys query and /sim/state: groups per media type, sums equal the flattened state", "[sim][genesys]") {
    auto sim = genesys_sim({"--speed", "30"});
    const std::string token = sim->token();
    pause_and_settle(*sim);
    const FlatState query = query_snapshot(*sim, token, {"queue-0001", "queue-0002", "queue-0003"});
    const FlatState state = sim_state(*sim);
    REQUIRE(query.size() == 3);
    for (const auto& [queue, metrics] : query) CHECK(metrics == state.at(queue));
    const auto& q1 = state.at("queue-0001");
    for (const char* name : {"oWaiting", "oInteracting", "oAlerting", "oOnQueueUsers", "oOffQueueUsers", "oActiveUsers",
                             "oMemberUsers", "oUserPresences.ON_QUEUE", "oUserRoutingStatuses.IDLE"})
        CHECK(q1.count(name) == 1);
    CHECK(q1.count("oWaiting.voice") == 0);
    const FlatState media = sim_state(*sim, true);
    const auto& m1 = media.at("queue-0001");
    CHECK(std::stol(m1.at("oWaiting.voice")) + std::stol(m1.at("oWaiting.chat")) == std::stol(m1.at("oWaiting")));
    CHECK(m1.count("oUserPresences.ON_QUEUE.voice") == 0);  // user metrics have no media type
    const auto& a1 = state.at("agent-00001");
    CHECK(a1.size() == 2);
    CHECK(a1.count("routingStatus") == 1);
    CHECK(a1.count("presence") == 1);
}

TEST_CASE("genesys users: routing status and presence, one at a time or several", "[sim][genesys]") {
    auto sim = genesys_sim();
    const std::string token = sim->token();
    pause_and_settle(*sim);
    const FlatState state = sim_state(*sim);
    const auto rs =
        parse_json(http_get(sim->endpoint(), "/api/v2/users/agent-00002/routingstatus", bearer(token)).body);
    CHECK(json_text(rs["status"]) == state.at("agent-00002").at("routingStatus"));
    const auto p =
        parse_json(http_get(sim->endpoint(), "/api/v2/users/agent-00002/presences/purecloud", bearer(token)).body);
    CHECK(json_text(p["presenceDefinition"]["systemPresence"]) == state.at("agent-00002").at("presence"));
    const auto many =
        parse_json(http_get(sim->endpoint(), "/api/v2/users?id=agent-00001,agent-00003&expand=presence,routingStatus",
                            bearer(token))
                       .body);
    REQUIRE(many["entities"].Size() == 2);
    CHECK(json_text(many["entities"][1]["routingStatus"]["status"]) == state.at("agent-00003").at("routingStatus"));
    CHECK(http_get(sim->endpoint(), "/api/v2/users/nobody/routingstatus", bearer(token)).status == 404);
}

TEST_CASE("genesys token: an expired token is a 401 on REST, a new one works", "[sim][genesys]") {
    auto sim = genesys_sim({"--token-lifetime", "0.6"});
    const std::string token = sim->token();
    CHECK(http_get(sim->endpoint(), "/api/v2/notifications/channels", bearer(token)).status == 200);
    CHECK(wait_until(
        [&] { return http_get(sim->endpoint(), "/api/v2/notifications/channels", bearer(token)).status == 401; },
        Millis(3000)));
    CHECK(http_get(sim->endpoint(), "/api/v2/notifications/channels", bearer(sim->token())).status == 200);
}

TEST_CASE("genesys stats: tokens, channels, sockets, subscriptions, REST calls and 429s are counted",
          "[sim][genesys]") {
    auto sim = genesys_sim();
    const std::string token = sim->token();
    const Channel c = create_channel(*sim, token);
    REQUIRE(subscribe(*sim, token, c.id, {queue_topic("queue-0001"), queue_topic("queue-0002")}).status == 200);
    WsClient ws(sim->port(), c.path);
    REQUIRE(ws.read_until([](const WsClient& w) { return !w.messages().empty(); }, Millis(3000)));
    REQUIRE(sim->fault(R"({"kind":"throttle","endpoint":"token","retryAfter":3})").status == 200);
    const HttpResponse throttled =
        http_post(sim->endpoint(), "/oauth/token", "grant_type=client_credentials", "application/x-www-form-urlencoded",
                  {{"Authorization", basic_auth("rtwatch", "rtwatch-secret")}});
    CHECK(throttled.status == 429);
    CHECK(throttled.header("Retry-After") == "3");
    const auto s = sim->stats();
    CHECK(s["tokens_issued"].GetInt() == 1);
    CHECK(s["token_requests"].GetInt() == 2);
    CHECK(s["channels_created"].GetInt() == 1);
    CHECK(s["sockets_open"].GetInt() == 1);
    CHECK(s["sockets_opened"].GetInt() == 1);
    CHECK(s["subscription_requests"].GetInt() == 1);
    CHECK(s["topics_subscribed"].GetInt() == 2);
    CHECK(s["rest_calls"].GetInt() == 2);
    CHECK(s["throttled"].GetInt() == 1);
    CHECK(s["heartbeats_sent"].GetInt() >= 1);
}

// As in a real organisation: oUserPresences is qualified by organisation
// presence ids, which the answer's systemToOrganizationMappings and the
// presence definitions name; the same seed gives the same ids.
TEST_CASE("genesys presence: qualifiers are organisation ids, mapped by the answer and the definitions",
          "[sim][genesys]") {
    auto sim = genesys_sim({"--seed", "7"});
    const std::string token = sim->token();
    const std::string query =
        R"({"filter":{"type":"or","predicates":[{"dimension":"queueId","value":"queue-0001"}]},"metrics":["oUserPresences"]})";
    const auto answer = parse_json(http_post(sim->endpoint(), "/api/v2/analytics/queues/observations/query", query,
                                             "application/json", bearer(token))
                                       .body);
    REQUIRE(answer.HasMember("systemToOrganizationMappings"));
    const std::string on_queue = answer["systemToOrganizationMappings"]["ON_QUEUE"][0].GetString();
    CHECK(on_queue.size() == 36);
    CHECK(on_queue[14] == '4');
    bool qualified_by_id = false;
    for (const auto& d : answer["results"][0]["data"].GetArray())
        qualified_by_id |= std::string(d["qualifier"].GetString()) == on_queue;
    CHECK(qualified_by_id);
    const auto defs = parse_json(http_get(sim->endpoint(), "/api/v2/presence/definitions", bearer(token)).body);
    std::map<std::string, std::string> system_of;
    for (const auto& d : defs["entities"].GetArray()) system_of[d["id"].GetString()] = d["systemPresence"].GetString();
    CHECK(system_of.at(on_queue) == "OnQueue");
    CHECK(defs["total"].GetInt() == static_cast<int>(system_of.size()));
    const auto user =
        parse_json(http_get(sim->endpoint(), "/api/v2/users/agent-00002/presences/purecloud", bearer(token)).body);
    CHECK(system_of.count(user["presenceDefinition"]["id"].GetString()) == 1);
    auto again = genesys_sim({"--seed", "7", "--omit-presence-mappings", "--plain-on-queue"});
    const auto defs2 =
        parse_json(http_get(again->endpoint(), "/api/v2/presence/definitions", bearer(again->token())).body);
    CHECK(defs2["entities"][1]["id"].GetString() == std::string(defs["entities"][1]["id"].GetString()));
    const auto plain = parse_json(http_post(again->endpoint(), "/api/v2/analytics/queues/observations/query", query,
                                            "application/json", bearer(again->token()))
                                      .body);
    CHECK(!plain.HasMember("systemToOrganizationMappings"));
    CHECK(sim_state(*again).at("queue-0001").count("oOnQueueUsers.IDLE") == 0);
    CHECK(sim_state(*sim).at("queue-0001").count("oOnQueueUsers.IDLE") == 1);
}

TEST_CASE("genesys channels: HEAD on a channel is 200 while it exists, 404 otherwise; GET is not allowed",
          "[sim][genesys]") {
    auto sim = genesys_sim();
    const std::string token = sim->token();
    const Channel c = create_channel(*sim, token);
    CHECK(http_head(sim->endpoint(), "/api/v2/notifications/channels/" + c.id, bearer(token)).status == 200);
    CHECK(http_head(sim->endpoint(), "/api/v2/notifications/channels/streaming-nope", bearer(token)).status == 404);
    CHECK(http_head(sim->endpoint(), "/api/v2/notifications/channels/" + c.id, {}).status == 401);
    CHECK(http_get(sim->endpoint(), "/api/v2/notifications/channels/" + c.id, bearer(token)).status == 405);
}

TEST_CASE("genesys channels: the listing shows only the calling token's channels", "[sim][genesys]") {
    auto sim = genesys_sim();
    const std::string first = sim->token(), second = sim->token();
    REQUIRE(first != second);
    const Channel a = create_channel(*sim, first);
    const Channel b1 = create_channel(*sim, second);
    const Channel b2 = create_channel(*sim, second);
    auto ids = [&](const std::string& token, const std::string& query = "") {
        std::vector<std::string> out;
        const auto doc =
            parse_json(http_get(sim->endpoint(), "/api/v2/notifications/channels" + query, bearer(token)).body);
        for (const auto& e : doc["entities"].GetArray()) out.emplace_back(e["id"].GetString());
        std::sort(out.begin(), out.end());
        return out;
    };
    CHECK(ids(first) == std::vector<std::string>{a.id});
    std::vector<std::string> both{b1.id, b2.id};
    std::sort(both.begin(), both.end());
    CHECK(ids(second) == both);
    CHECK(ids(second, "?includechannels=token") == both);
    // The whole OAuth client's channels, whichever token made them.
    std::vector<std::string> all{a.id, b1.id, b2.id};
    std::sort(all.begin(), all.end());
    CHECK(ids(first, "?includechannels=oauthclient") == all);
    // A channel of another token still exists for HEAD (the id is the capability).
    CHECK(http_head(sim->endpoint(), "/api/v2/notifications/channels/" + a.id, bearer(second)).status == 200);
}

TEST_CASE("genesys channels: the available topics name each topic the simulator serves and its permission",
          "[sim][genesys]") {
    auto sim = genesys_sim();
    const std::string token = sim->token();
    const HttpResponse r = http_get(sim->endpoint(), "/api/v2/notifications/availabletopics", bearer(token));
    REQUIRE(r.status == 200);
    const auto doc = parse_json(r.body);
    REQUIRE(doc.HasMember("entities"));
    std::map<std::string, std::string> permission;
    for (const auto& e : doc["entities"].GetArray()) {
        REQUIRE(e["requiresPermissions"].IsArray());
        CHECK(e["transports"][0].GetString() == std::string("All"));
        permission[e["id"].GetString()] = e["requiresPermissions"][0].GetString();
    }
    CHECK(permission.at("v2.analytics.queues.{id}.observations") == "analytics:queueObservation:view");
    CHECK(permission.at("v2.users.{id}.activity") == "analytics:userObservation:view");
    CHECK(permission.size() == 4);
    CHECK(http_get(sim->endpoint(), "/api/v2/notifications/availabletopics", {}).status == 401);
}
