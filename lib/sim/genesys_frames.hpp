// The JSON of what the Genesys simulator sends on a notification socket
// ({topicName, version, eventBody, metadata}) and in its REST answers.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "rtwatch/core/clock.hpp"
#include "rtwatch/sim/genesys_metrics.hpp"

namespace rtwatch::sim::genesys {

// The organisation's presence definitions. Each system presence the model
// uses has one organisation presence, whose id (a UUID, the same for the
// same seed) is what the platform sends: as the oUserPresences qualifier
// and as a user's presenceDefinition.id. Two more (Meal, Training) are
// defined but never taken.
class OrgPresences {
public:
    explicit OrgPresences(uint64_t seed);
    // The id of a system presence's organisation presence; "" when none.
    std::string_view id(std::string_view system) const;
    // The observations answer's "systemToOrganizationMappings":{SYSTEM:[id]}.
    std::string mappings_json() const;
    // GET /api/v2/presence/definitions: {"entities":[{id, name, type,
    // languageLabels, systemPresence, deactivated, selfUri}],"total":N}
    // (the Genesys SDK's OrganizationPresenceDefinitionEntityListing).
    std::string definitions_json() const;

private:
    struct Definition {
        std::string id;
        std::string_view system;  // as /sim/state and the mappings name it: ON_QUEUE
        std::string_view label;   // the definition's systemPresence and label: OnQueue
    };
    std::vector<Definition> m_definitions;
};

std::string queue_topic(std::string_view queue_id);  // v2.analytics.queues.{id}.observations
std::string heartbeat_frame();
std::string pong_frame();
// v2.system.<name> (socket_closing, no_longer_subscribed, token_revoked).
std::string system_frame(std::string_view name, std::string_view message);

// "START/END" in RFC 3339 UTC with milliseconds.
std::string interval_text(WallTime start, WallTime end);
// One observation message: the group's metrics over `interval`.
std::string observation_frame(const OrgPresences& org, std::string_view queue_id, const Group& group,
                              std::string_view interval);
// The query's group entry: {"group":{...},"data":[{metric, qualifier?, stats}]}.
void append_query_result(const OrgPresences& org, std::string& out, std::string_view queue_id, const Group& group);

// The agent topics; `since` is when the status last changed.
std::string activity_frame(const OrgPresences& org, std::string_view user_id, const AgentStatus& s, WallTime since);
std::string presence_frame(const OrgPresences& org, std::string_view user_id, const AgentStatus& s, WallTime since);
std::string routing_status_frame(std::string_view user_id, const AgentStatus& s, WallTime since);
// REST bodies: GET /api/v2/users/{id}/presences/purecloud and /routingstatus.
std::string presence_body(const OrgPresences& org, std::string_view user_id, const AgentStatus& s, WallTime since);
std::string routing_status_body(std::string_view user_id, const AgentStatus& s, WallTime since);

}  // namespace rtwatch::sim::genesys
