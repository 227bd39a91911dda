// The JSON of what the Genesys simulator sends on a notification socket
// ({topicName, version, eventBody, metadata}) and in its REST answers.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "rtwatch/core/clock.hpp"
#include "rtwatch/sim/genesys_metrics.hpp"

namespace rtwatch::sim::genesys {

std::string queue_topic(std::string_view queue_id);  // v2.analytics.queues.{id}.observations
std::string heartbeat_frame();
std::string pong_frame();
// v2.system.<name> (socket_closing, no_longer_subscribed, token_revoked).
std::string system_frame(std::string_view name, std::string_view message);

// "START/END" in RFC 3339 UTC with milliseconds.
std::string interval_text(WallTime start, WallTime end);
// One observation message: the group's metrics over `interval`.
std::string observation_frame(std::string_view queue_id, const Group& group, std::string_view interval);
// The query's group entry: {"group":{...},"data":[{metric, qualifier?, stats}]}.
void append_query_result(std::string& out, std::string_view queue_id, const Group& group);

// The agent topics; `since` is when the status last changed.
std::string activity_frame(std::string_view user_id, const AgentStatus& s, WallTime since);
std::string presence_frame(std::string_view user_id, const AgentStatus& s, WallTime since);
std::string routing_status_frame(std::string_view user_id, const AgentStatus& s, WallTime since);
// REST bodies: GET /api/v2/users/{id}/presences/purecloud and /routingstatus.
std::string presence_body(std::string_view user_id, const AgentStatus& s, WallTime since);
std::string routing_status_body(std::string_view user_id, const AgentStatus& s, WallTime since);

}  // namespace rtwatch::sim::genesys
