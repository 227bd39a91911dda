// The state of every watched queue and agent, as snapshots and deltas left
// it, and its flattened form as records: oWaiting, oUserPresences.AVAILABLE,
// oWaiting.voice (per media type asked for); routingStatus and presence.
#pragma once

#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "rtwatch/core/record.hpp"
#include "rtwatch/genesys/frame.hpp"

namespace rtwatch::genesys {

// "oUserRoutingStatuses" + "IDLE" -> "oUserRoutingStatuses.IDLE".
std::string metric_key(std::string_view metric, std::string_view qualifier);

class ObservationState {
public:
    // `media`: the media types whose own names (oWaiting.voice) are written.
    explicit ObservationState(std::vector<std::string> media = {}) : m_media(std::move(media)) {}

    // What a snapshot says of `queue_id` replaces all that was known of it.
    void replace_queue(std::string_view queue_id, std::span<const QueueObservation> groups);
    // A delta: the keys it carries are updated, the others keep their values.
    // False when it changed nothing.
    bool apply(const QueueObservation& observation);
    // The agent's routing status and presence; a snapshot or a delta (a
    // delta may carry one of the two). False when it changed nothing.
    bool apply(const AgentUpdate& update);

    bool has_queue(std::string_view id) const { return m_queues.count(std::string(id)) != 0; }
    bool has_agent(std::string_view id) const { return m_agents.count(std::string(id)) != 0; }
    // The flattened record of a known resource into `out` (buffers reused).
    bool queue_record(std::string_view id, Record& out) const;
    bool agent_record(std::string_view id, Record& out) const;
    // The metrics the last queue_record() left out because their value was
    // not finite (a sum that overflowed).
    const std::vector<std::string>& dropped() const { return m_dropped; }

private:
    // Per queue: media type ("" for none) -> metric key -> count.
    using Counts = std::map<std::string, std::map<std::string, double>>;
    struct Agent {
        std::string routing_status, presence;
    };
    std::vector<std::string> m_media;
    std::map<std::string, Counts, std::less<>> m_queues;
    std::map<std::string, Agent, std::less<>> m_agents;
    mutable std::vector<std::string> m_dropped;
};

}  // namespace rtwatch::genesys
