// The model seen as Genesys Cloud queue observations and user statuses, and
// the flattened metric names that /sim/state lists (and rtwatch writes).
//
// Observations of a queue come in groups, as the observations query and the
// v2.analytics.queues.{id}.observations topic carry them:
//   - one group {queueId} without mediaType holds the user metrics, which do
//     not depend on media: oOnQueueUsers (qualified by routing status, or
//     plain when the simulator is told so), oOffQueueUsers, oActiveUsers,
//     oMemberUsers, oUserPresences (qualified by presence) and
//     oUserRoutingStatuses (qualified by routing status);
//   - on the wire (frames, query answers) an oUserPresences qualifier is
//     the organisation's presence id (a UUID, see OrgPresences); here, and
//     in /sim/state, it is the system presence that id maps to;
//   - one group {queueId, mediaType} per media type (voice, chat) holds
//     oWaiting, oInteracting, oAlerting.
// Every metric and qualifier is always present, zero counts included.
//
// Flattening (one name per value; counts are integers):
//   - NAME = metric for an unqualified metric, metric "." qualifier for a
//     qualified one: oWaiting, oOnQueueUsers, oUserRoutingStatuses.IDLE,
//     oUserPresences.ON_QUEUE; oOnQueueUsers by routing status is also
//     written as its total, oOnQueueUsers, beside oOnQueueUsers.IDLE, ...;
//   - its value is the sum of that metric over every group of the queue,
//     i.e. over the media types (a user metric has one group only);
//   - per media (rtwatch --media; /sim/state?media=1): NAME "." mediaType
//     for each metric of a group that has a mediaType, beside the sums:
//     oWaiting.voice, oInteracting.chat;
//   - agents: routingStatus = routingStatus.status (OFF_QUEUE, IDLE,
//     INTERACTING, NOT_RESPONDING, COMMUNICATING) and presence =
//     presenceDefinition.systemPresence (ON_QUEUE, AVAILABLE, BREAK,
//     OFFLINE, ...), both strings as sent.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "rtwatch/sim/model.hpp"

namespace rtwatch::sim::genesys {

inline constexpr std::array<std::string_view, k_media_count> k_media_names = {"voice", "chat"};
inline constexpr std::array<std::string_view, 5> k_routing_statuses = {"OFF_QUEUE", "IDLE", "INTERACTING",
                                                                       "NOT_RESPONDING", "COMMUNICATING"};
inline constexpr std::array<std::string_view, 4> k_presences = {"AVAILABLE", "ON_QUEUE", "BREAK", "OFFLINE"};

struct Metric {
    std::string_view metric;
    std::string_view qualifier;  // empty when unqualified
    int64_t count = 0;
    bool operator==(const Metric&) const = default;
};

// mediaType is empty for the user-metric group.
struct Group {
    std::string_view media;
    std::vector<Metric> metrics;
    bool operator==(const Group&) const = default;
};

// Always the same groups and metrics in the same order, so two observations
// of a queue compare metric by metric.
struct QueueObservation {
    std::vector<Group> groups;
    bool operator==(const QueueObservation&) const = default;
};

struct AgentStatus {
    std::string_view routing_status;
    std::string_view presence;
    bool operator==(const AgentStatus&) const = default;
};

// `plain_on_queue`: oOnQueueUsers as one count, not one per routing status.
QueueObservation observe_queue(const Model& model, uint32_t queue, bool plain_on_queue = false);
// available: IDLE/ON_QUEUE; busy: INTERACTING/ON_QUEUE; wrap-up:
// INTERACTING (odd-numbered agents: COMMUNICATING, a non-ACD follow-up);
// break: OFF_QUEUE/BREAK; not logged in yet: OFF_QUEUE/OFFLINE.
AgentStatus observe_agent(const Model& model, uint32_t agent);

// Which metrics changed since a topic was last published, by group and
// metric index. A metric that changes and changes back is still marked: a
// client that read the observation in between must hear the value again.
struct ChangeMask {
    std::vector<std::vector<bool>> metrics;
    bool any = false;
};

// Marks in `mask` the metrics of `now` that differ from `before`.
void mark_changes(const QueueObservation& before, const QueueObservation& now, ChangeMask& mask);
// The groups of `now` restricted to the marked metrics; groups with none are
// left out.
std::vector<Group> masked_groups(const QueueObservation& now, const ChangeMask& mask);

// {"NAME":VALUE,...} by the flattening rules above.
std::string flat_queue_json(const QueueObservation& o, bool per_media);
std::string flat_agent_json(const AgentStatus& a);

}  // namespace rtwatch::sim::genesys
