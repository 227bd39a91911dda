// A WebSocket message of the Notifications API, decoded: what it means for
// the channel (heartbeat, pong, socket closing, channel gone) or the data it
// carries (queue observations, an agent's routing status and presence).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rtwatch::genesys {

// One observation metric: `metric` with its optional qualifier (a routing
// status or presence for oUserRoutingStatuses / oUserPresences).
struct MetricCount {
    std::string metric;
    std::string qualifier;
    double count = 0;
};

// The metrics one group carries: a queue, and a media type when the group
// has one. A message may carry only some metrics: each is an update of
// those keys only.
struct QueueObservation {
    std::string queue_id;
    std::string media_type;  // "" when the group has none
    std::vector<MetricCount> metrics;
    std::string time;  // the observation interval's end, as sent; "" in query answers
};

struct AgentUpdate {
    std::string user_id;
    std::optional<std::string> routing_status;  // OFF_QUEUE, IDLE, INTERACTING, ...
    std::optional<std::string> presence;        // systemPresence: AVAILABLE, BUSY, ...
    std::optional<std::string> presence_id;     // presenceDefinition.id: the organisation presence
    std::string time;                           // the latest routingStatus.startTime or presence modifiedDate sent
};

struct Frame {
    enum class Kind {
        heartbeat,             // channel.metadata "WebSocket Heartbeat"
        pong,                  // channel.metadata "pong", the answer to our ping
        socket_closing,        // v2.system.socket_closing: reconnect to the same connectUri
        no_longer_subscribed,  // the channel is gone (expired, evicted)
        token_revoked,         // the channel is gone with the token
        not_found,             // {"result":"404"}: the channel is gone
        queue_observations,    // data: `queues` (zero-length intervals only)
        agent_update,          // data: `agent`
        other,                 // well-formed, nothing for us (another metadata message, an unknown topic)
        malformed,             // not JSON, not an object, too large, or a data topic with a bad body
    };
    Kind kind = Kind::other;
    std::string topic;
    std::string detail;  // malformed: why; system messages: their message text
    std::vector<QueueObservation> queues;
    std::size_t aggregates_skipped = 0;  // intervals that were not observations (30-minute aggregates)
    AgentUpdate agent;
};

inline constexpr std::size_t k_default_max_frame = 1 << 20;

// Decodes one complete text message. Never throws; anything unexpected is
// `malformed` or `other`, never a crash (fuzzed).
Frame decode_frame(std::string_view text, std::size_t max_bytes = k_default_max_frame);

// True for an ISO 8601 interval "start/end" whose two ends are the same
// instant as written (the observation interval); false for aggregates.
bool zero_length_interval(std::string_view interval);

}  // namespace rtwatch::genesys
