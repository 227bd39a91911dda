// The observation merge: partial updates, snapshots replacing, media types,
// qualifiers, agents.
#include <catch2/catch.hpp>

#include <map>

#include "rtwatch/genesys/state.hpp"

using namespace rtwatch;
using namespace rtwatch::genesys;

namespace {

std::map<std::string, std::string> flat(const Record& r) {
    std::map<std::string, std::string> out;
    for (std::size_t i = 0; i < r.metric_count; ++i) out[r.metrics[i].name] = r.metrics[i].value.text;
    return out;
}

QueueObservation obs(std::string q, std::string media, std::vector<MetricCount> m) {
    return QueueObservation{std::move(q), std::move(media), std::move(m), ""};
}

}  // namespace

TEST_CASE("genesys state: a partial update changes only the keys it carries", "[genesys]") {
    ObservationState s;
    std::vector<QueueObservation> snap{obs("q", "", {{"oWaiting", "", 4}, {"oInteracting", "", 2}})};
    s.replace_queue("q", snap);
    CHECK(s.apply(obs("q", "", {{"oWaiting", "", 5}})));
    CHECK_FALSE(s.apply(obs("q", "", {{"oWaiting", "", 5}})));
    Record r;
    REQUIRE(s.queue_record("q", r));
    CHECK(r.kind == ResourceKind::queue);
    CHECK(r.id == "q");
    CHECK(flat(r) == std::map<std::string, std::string>{{"oInteracting", "2"}, {"oWaiting", "5"}});
}

TEST_CASE("genesys state: a snapshot replaces what was known of the queue", "[genesys]") {
    ObservationState s;
    s.apply(obs("q", "voice", {{"oWaiting", "", 7}, {"oAlerting", "", 1}}));
    std::vector<QueueObservation> snap{obs("q", "voice", {{"oWaiting", "", 2}}),
                                       obs("other", "", {{"oWaiting", "", 9}})};
    s.replace_queue("q", snap);
    Record r;
    REQUIRE(s.queue_record("q", r));
    CHECK(flat(r) == std::map<std::string, std::string>{{"oWaiting", "2"}});
    CHECK_FALSE(s.has_queue("other"));
}

TEST_CASE("genesys state: totals sum media types; selected media get their own names", "[genesys]") {
    ObservationState s({"voice"});
    s.apply(obs("q", "voice", {{"oWaiting", "", 3}}));
    s.apply(obs("q", "chat", {{"oWaiting", "", 2}}));
    s.apply(obs("q", "", {{"oUserPresences", "AVAILABLE", 4}, {"oUserRoutingStatuses", "IDLE", 1}}));
    Record r;
    REQUIRE(s.queue_record("q", r));
    CHECK(flat(r) == std::map<std::string, std::string>{{"oUserPresences.AVAILABLE", "4"},
                                                        {"oUserRoutingStatuses.IDLE", "1"},
                                                        {"oWaiting", "5"},
                                                        {"oWaiting.voice", "3"}});
    CHECK(r.find("oWaiting")->value.type == MetricValue::Type::number);
    CHECK(r.find("oWaiting")->value.number == 5);
}

TEST_CASE("genesys state: non-integral counts keep their fraction", "[genesys]") {
    ObservationState s;
    s.apply(obs("q", "", {{"oWaiting", "", 2.5}}));
    Record r;
    REQUIRE(s.queue_record("q", r));
    CHECK(flat(r).at("oWaiting") == "2.5");
}

TEST_CASE("genesys state: agents keep routing status and presence across partial updates", "[genesys]") {
    ObservationState s;
    CHECK(s.apply(AgentUpdate{"u", "IDLE", "AVAILABLE", std::nullopt, ""}));
    CHECK(s.apply(AgentUpdate{"u", std::nullopt, "BUSY", std::nullopt, ""}));
    CHECK_FALSE(s.apply(AgentUpdate{"u", "IDLE", std::nullopt, std::nullopt, ""}));
    Record r;
    REQUIRE(s.agent_record("u", r));
    CHECK(r.kind == ResourceKind::agent);
    CHECK(flat(r) == std::map<std::string, std::string>{{"presence", "BUSY"}, {"routingStatus", "IDLE"}});
    CHECK_FALSE(s.agent_record("nobody", r));
}

TEST_CASE("genesys state: an agent with no presence yet has it null", "[genesys]") {
    ObservationState s;
    s.apply(AgentUpdate{"u", "IDLE", std::nullopt, std::nullopt, ""});
    Record r;
    REQUIRE(s.agent_record("u", r));
    CHECK(r.find("presence")->value.type == MetricValue::Type::null);
}

TEST_CASE("genesys state: a sum that overflows is dropped from the record, never written as inf", "[genesys]") {
    ObservationState s;
    std::vector<QueueObservation> groups{{"q", "voice", {{"oWaiting", "", 1.5e308}, {"oInteracting", "", 2}}, ""},
                                         {"q", "chat", {{"oWaiting", "", 1.5e308}}, ""}};
    s.replace_queue("q", groups);
    Record r;
    REQUIRE(s.queue_record("q", r));
    CHECK(s.dropped() == std::vector<std::string>{"oWaiting"});
    CHECK(r.metric_count == 1);
}

TEST_CASE("genesys state: oOnQueueUsers by routing status is written as each status and their total", "[genesys]") {
    ObservationState s;
    std::vector<QueueObservation> snap{
        obs("q", "", {{"oOnQueueUsers", "IDLE", 2}, {"oOnQueueUsers", "INTERACTING", 3}})};
    s.replace_queue("q", snap);
    Record r;
    REQUIRE(s.queue_record("q", r));
    CHECK(flat(r) == std::map<std::string, std::string>{
                         {"oOnQueueUsers", "5"}, {"oOnQueueUsers.IDLE", "2"}, {"oOnQueueUsers.INTERACTING", "3"}});
    CHECK(s.apply(obs("q", "", {{"oOnQueueUsers", "IDLE", 4}})));
    REQUIRE(s.queue_record("q", r));
    CHECK(flat(r).at("oOnQueueUsers") == "7");
    std::vector<QueueObservation> plain{obs("q", "", {{"oOnQueueUsers", "", 6}})};
    s.replace_queue("q", plain);
    REQUIRE(s.queue_record("q", r));
    CHECK(flat(r) == std::map<std::string, std::string>{{"oOnQueueUsers", "6"}});
}
