// Organisation presence ids named by their system presence: the mappings of
// the observations answer, the presence definitions, and what stays raw.
#include <catch2/catch.hpp>

#include "rtwatch/genesys/frame.hpp"
#include "rtwatch/genesys/presence.hpp"
#include "rtwatch/genesys/rest.hpp"

using namespace rtwatch;
using namespace rtwatch::genesys;

namespace {

constexpr const char* k_on_queue_id = "6a2b8c1e-0d4f-4a7b-9c3e-2f1d0e9b8a71";
constexpr const char* k_break_id = "0f3e2d1c-4b5a-4968-8776-5a4b3c2d1e0f";

}  // namespace

TEST_CASE("genesys presence: system presences in any spelling are written as the man page names them", "[genesys]") {
    CHECK(system_presence_name("ON_QUEUE") == "ON_QUEUE");
    CHECK(system_presence_name("OnQueue") == "ON_QUEUE");
    CHECK(system_presence_name("On Queue") == "ON_QUEUE");
    CHECK(system_presence_name("Available") == "AVAILABLE");
    CHECK(system_presence_name("on_queue") == "ON_QUEUE");
    CHECK(system_presence_name(" Break ") == "BREAK");
}

TEST_CASE("genesys presence: the observations answer's mappings name each organisation id", "[genesys]") {
    const std::string body = std::string(R"({"systemToOrganizationMappings":{"ON_QUEUE":[")") + k_on_queue_id +
                             R"("],"BREAK":[")" + k_break_id + R"(","b2"],"OFFLINE":7},"results":[]})";
    const PresenceIds ids = parse_presence_mappings(body);
    CHECK(ids.size() == 3);
    CHECK(ids.at(k_on_queue_id) == "ON_QUEUE");
    CHECK(ids.at("b2") == "BREAK");
    CHECK(parse_presence_mappings(R"({"results":[]})").empty());
    CHECK(parse_presence_mappings("not json").empty());
}

TEST_CASE("genesys presence: the definitions endpoint lists ids with their system presence", "[genesys]") {
    auto ids = parse_presence_definitions(std::string(R"({"entities":[{"id":")") + k_on_queue_id +
                                          R"(","systemPresence":"OnQueue","languageLabels":{"en_US":"On Queue"}},)"
                                          R"({"id":"x"},{"systemPresence":"Break"}],"total":3})");
    REQUIRE(ids);
    CHECK(ids->size() == 1);
    CHECK(ids->at(k_on_queue_id) == "ON_QUEUE");
    auto bad = parse_presence_definitions(R"({"total":0})");
    REQUIRE_FALSE(bad);
    CHECK(bad.error().message.find("presence definitions") != std::string::npos);
}

TEST_CASE("genesys presence: oUserPresences qualifiers become system names, unknown ids stay and are listed",
          "[genesys]") {
    PresenceNames names;
    names.learn({{k_on_queue_id, "ON_QUEUE"}});
    QueueObservation o{"q",
                       "",
                       {{"oUserPresences", k_on_queue_id, 3},
                        {"oUserPresences", k_break_id, 1},
                        {"oUserPresences", "AVAILABLE", 2},
                        {"oUserRoutingStatuses", "IDLE", 4}},
                       ""};
    std::vector<std::string> unknown;
    names.name(o, unknown);
    CHECK(o.metrics[0].qualifier == "ON_QUEUE");
    CHECK(o.metrics[1].qualifier == k_break_id);
    CHECK(o.metrics[2].qualifier == "AVAILABLE");
    CHECK(o.metrics[3].qualifier == "IDLE");
    CHECK(unknown == std::vector<std::string>{k_break_id});
}

TEST_CASE("genesys presence: an agent's presence is its system presence, else what its id names", "[genesys]") {
    PresenceNames names;
    names.learn({{k_on_queue_id, "ON_QUEUE"}});
    std::vector<std::string> unknown;
    AgentUpdate sent{"u", std::nullopt, "On Queue", k_break_id, ""};
    names.name(sent, unknown);
    CHECK(sent.presence == "ON_QUEUE");
    AgentUpdate by_id{"u", std::nullopt, std::nullopt, k_on_queue_id, ""};
    names.name(by_id, unknown);
    CHECK(by_id.presence == "ON_QUEUE");
    CHECK(unknown.empty());
    AgentUpdate raw{"u", std::nullopt, std::nullopt, k_break_id, ""};
    names.name(raw, unknown);
    CHECK(raw.presence == k_break_id);
    CHECK(unknown == std::vector<std::string>{k_break_id});
}

TEST_CASE("genesys presence: frames and user answers carry presenceDefinition.id", "[genesys]") {
    const Frame f =
        decode_frame(std::string(R"({"topicName":"v2.users.u1.presence","eventBody":{"presenceDefinition":{"id":")") +
                     k_on_queue_id + R"("}}})");
    REQUIRE(f.kind == Frame::Kind::agent_update);
    CHECK(f.agent.presence_id == k_on_queue_id);
    CHECK_FALSE(f.agent.presence);
    auto users = parse_users(std::string(R"({"entities":[{"id":"u1","presence":{"presenceDefinition":{"id":")") +
                             k_on_queue_id + R"(","systemPresence":"ON_QUEUE"}}}]})");
    REQUIRE(users);
    CHECK(users->at(0).presence_id == k_on_queue_id);
}
