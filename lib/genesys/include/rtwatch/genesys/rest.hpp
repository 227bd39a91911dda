// The REST side of the Notifications API and the snapshot, pure: request
// bodies built, answers parsed. The calls are made by the source.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "rtwatch/core/clock.hpp"
#include "rtwatch/core/result.hpp"
#include "rtwatch/genesys/frame.hpp"

namespace rtwatch::genesys {

inline constexpr std::size_t k_max_rest_body = 8 << 20;

// `text` as one URL path segment or query value: everything but the RFC 3986
// unreserved characters percent-encoded, so an id from a server or the
// command line cannot add a path, a query or a fragment.
std::string url_component(std::string_view text);

// POST /api/v2/notifications/channels -> {id, connectUri, expires}.
struct Channel {
    std::string id;
    std::string connect_uri;
    std::optional<WallTime> expires;  // absent or unparseable: assume 24 h
};
Result<Channel> parse_channel(std::string_view body);
// GET /api/v2/notifications/channels -> {"entities":[{id, connectUri, expires}]}:
// the `expires` of channel `id` now, nullopt when it is not listed or has none.
std::optional<WallTime> listed_expiry(std::string_view body, std::string_view id);

// [{"id":"<topic>"},...] for PUT .../subscriptions?ignoreErrors=true.
std::string subscription_body(std::span<const std::string> topics);

struct RejectedTopic {
    std::string topic;
    std::string reason;
    std::vector<std::string> missing_permissions;
};
struct Subscriptions {
    std::vector<std::string> permitted;
    std::vector<RejectedTopic> rejected;
};
// The answer lists each topic with state Permitted or Rejected, either as
// {"entities":[...]} or as a bare array. A topic without a state is taken
// as permitted (the answer of an API that does not report states).
Result<Subscriptions> parse_subscriptions(std::string_view body);
// Every distinct missing permission of `rejected`, in first-seen order.
std::vector<std::string> missing_permissions(std::span<const RejectedTopic> rejected);

// The observation metrics the snapshot asks for.
std::span<const std::string_view> observation_metrics();
// POST /api/v2/analytics/queues/observations/query for these queues.
std::string observations_query_body(std::span<const std::string> queue_ids);
// {results:[{group:{queueId, mediaType?}, data:[{metric, qualifier, stats:{count}}]}]}
Result<std::vector<QueueObservation>> parse_observations_query(std::string_view body);

// Users with their routing status and presence: {entities:[{id,
// routingStatus:{status}, presence:{presenceDefinition:{systemPresence}}}]},
// a bare array of those, or one such user object.
Result<std::vector<AgentUpdate>> parse_users(std::string_view body);

}  // namespace rtwatch::genesys
