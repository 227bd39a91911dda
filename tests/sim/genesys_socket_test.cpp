// --platform genesys sockets: the upgrade, heartbeats, ping/pong, one socket
// per channel, the message bound, and observation deltas that rebuild
// /sim/state from a query snapshot.
#include <catch2/catch.hpp>

#include <set>

#include "genesys_helpers.hpp"
#include "rtwatch/core/time_format.hpp"

using namespace rtwatch::test;

namespace {

const std::vector<std::string> k_queues = {"queue-0001", "queue-0002", "queue-0003"};

std::vector<std::string> all_topics() {
    std::vector<std::string> out;
    for (const auto& q : k_queues) out.push_back(queue_topic(q));
    for (int a = 1; a <= 9; ++a) out.push_back("v2.users.agent-0000" + std::to_string(a) + ".activity");
    return out;
}

// Reads until the socket holds every message the simulator published.
bool drain(const Sim& sim, WsClient& ws) {
    const auto s = sim.stats();
    const uint64_t sent =
        s["observation_messages"].GetUint64() + s["aggregate_messages"].GetUint64() + s["user_messages"].GetUint64();
    return ws.read_until(
        [&](const WsClient& w) {
            uint64_t n = 0;
            for (const auto& m : w.messages()) n += is_heartbeat(m) ? 0 : 1;
            return n >= sent;
        },
        Millis(5000));
}

size_t count_if_topic(const WsClient& ws, const std::string& topic) {
    size_t n = 0;
    for (const auto& m : ws.messages()) n += topic_of(m) == topic ? 1 : 0;
    return n;
}

}  // namespace

TEST_CASE("genesys socket: upgrade with the RFC 6455 accept value, 404 for an unknown channel, 426 without upgrade",
          "[sim][genesys]") {
    auto sim = genesys_sim();
    const Channel c = create_channel(*sim, sim->token());
    WsClient ws(sim->port(), c.path);
    CHECK(ws.status() == 101);
    CHECK(ws.accept() == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");  // RFC 6455 §1.3's example key
    CHECK(WsClient(sim->port(), "/channels/streaming-unknown").status() == 404);
    CHECK(http_get(sim->endpoint(), c.path).status == 426);
}

TEST_CASE("genesys socket: heartbeats on a quiet channel, pong for a ping", "[sim][genesys]") {
    auto sim = genesys_sim();
    const Channel c = create_channel(*sim, sim->token());
    WsClient ws(sim->port(), c.path);
    REQUIRE(ws.read_until([](const WsClient& w) { return w.messages().size() >= 2; }, Millis(3000)));
    for (const auto& m : ws.messages()) {
        CHECK(is_heartbeat(m));
        CHECK(topic_of(m) == "channel.metadata");
    }
    ws.send_text(R"({"message":"ping"})");
    REQUIRE(ws.read_until(
        [](const WsClient& w) { return w.messages().back().find(R"("message":"pong")") != std::string::npos; },
        Millis(3000)));
    CHECK(topic_of(ws.messages().back()) == "channel.metadata");
}

TEST_CASE("genesys socket: a second socket on the channel kicks the first", "[sim][genesys]") {
    auto sim = genesys_sim();
    const Channel c = create_channel(*sim, sim->token());
    WsClient first(sim->port(), c.path);
    REQUIRE(first.upgraded());
    WsClient second(sim->port(), c.path);
    REQUIRE(second.upgraded());
    CHECK(first.wait_closed(Millis(3000)));
    CHECK(first.close_code() == 1000);
    CHECK(second.read_until([](const WsClient& w) { return !w.messages().empty(); }, Millis(3000)));
    CHECK_FALSE(second.closed());
}

TEST_CASE("genesys socket: a client message over the bound closes the socket with 1009", "[sim][genesys]") {
    auto sim = genesys_sim();
    const Channel c = create_channel(*sim, sim->token());
    WsClient ws(sim->port(), c.path);
    REQUIRE(ws.upgraded());
    ws.send_text(std::string(70 * 1024, 'x'));
    REQUIRE(ws.wait_closed(Millis(3000)));
    CHECK(ws.close_code() == 1009);
}

TEST_CASE("genesys socket: partial deltas at most once a second per topic, aggregates apart", "[sim][genesys]") {
    auto sim = genesys_sim({"--speed", "40", "--aggregate-every", "700ms"});
    const std::string token = sim->token();
    const Channel c = create_channel(*sim, token);
    REQUIRE(subscribe(*sim, token, c.id, all_topics()).status == 200);
    WsClient ws(sim->port(), c.path);
    REQUIRE(ws.read_until([](const WsClient& w) { return w.messages().size() > 40; }, Millis(8000)));
    ws.read_for(Millis(2500));
    std::map<std::string, std::set<std::string>> flushes;  // topic -> distinct observation instants
    size_t partial = 0, aggregates = 0, observations = 0;
    for (const auto& m : ws.messages()) {
        if (topic_of(m).find(".observations") == std::string::npos) continue;
        const auto doc = parse_json(m);
        const auto& body = doc["eventBody"];
        const std::string interval = body["data"][0]["interval"].GetString();
        const size_t slash = interval.find('/');
        if (interval.substr(0, slash) != interval.substr(slash + 1)) {
            ++aggregates;
            continue;
        }
        ++observations;
        const size_t full = body["group"].HasMember("mediaType") ? 3 : 13;
        if (body["data"][0]["metrics"].Size() < full) ++partial;
        flushes[topic_of(m)].insert(interval.substr(0, slash));
    }
    CHECK(observations > 0);
    CHECK(partial > 0);
    CHECK(aggregates > 0);
    for (const auto& [topic, instants] : flushes) {
        std::optional<rtwatch::WallTime> previous;
        for (const auto& text : instants) {
            const auto t = rtwatch::parse_rfc3339(text);
            REQUIRE(t);
            if (previous) CHECK(*t - *previous >= std::chrono::milliseconds(990));
            previous = t;
        }
    }
}

TEST_CASE("genesys socket: deltas applied to the query snapshot equal /sim/state once paused", "[sim][genesys]") {
    auto sim = genesys_sim({"--speed", "40", "--aggregate-every", "500ms"});
    const std::string token = sim->token();
    const Channel c = create_channel(*sim, token);
    REQUIRE(subscribe(*sim, token, c.id, all_topics()).status == 200);
    WsClient ws(sim->port(), c.path);
    REQUIRE(ws.upgraded());
    // The snapshot is taken with the model paused and every message before
    // it received, so each message after it is newer than the snapshot.
    pause_and_settle(*sim);
    REQUIRE(drain(*sim, ws));
    const size_t skip = ws.messages().size();
    std::string query = R"({"filter":{"type":"or","predicates":[)";
    for (size_t i = 0; i < k_queues.size(); ++i)
        query += std::string(i ? "," : "") + R"({"dimension":"queueId","value":")" + k_queues[i] + "\"}";
    query += "]}}";
    const HttpResponse snapshot = http_post(sim->endpoint(), "/api/v2/analytics/queues/observations/query", query,
                                            "application/json", bearer(token));
    REQUIRE(snapshot.status == 200);
    const FlatState at_snapshot = sim_state(*sim);
    ObservationFold fold;
    fold.seed_query(snapshot.body);
    std::string users = "/api/v2/users?expand=presence,routingStatus";
    for (int a = 1; a <= 9; ++a) users += "&id=agent-0000" + std::to_string(a);
    fold.seed_users(http_get(sim->endpoint(), users, bearer(token)).body);
    REQUIRE(sim->fault(R"({"kind":"restore"})").status == 200);
    ws.read_for(Millis(3000));
    pause_and_settle(*sim);
    REQUIRE(drain(*sim, ws));
    for (size_t i = skip; i < ws.messages().size(); ++i)
        if (!is_heartbeat(ws.messages()[i])) fold.apply(ws.messages()[i]);
    CHECK(fold.aggregates > 0);
    CHECK(fold.applied > 0);
    const FlatState state = sim_state(*sim);
    CHECK(state != at_snapshot);  // the model moved in between
    const FlatState folded = fold.flat();
    for (const auto& q : k_queues) CHECK(folded.at(q) == state.at(q));
    for (int a = 1; a <= 9; ++a) {
        const std::string agent = "agent-0000" + std::to_string(a);
        CHECK(folded.at(agent) == state.at(agent));
    }
    CHECK(count_if_topic(ws, queue_topic("queue-0001")) > 0);
}
