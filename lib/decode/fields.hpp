// The top-level fields of a `data` event that the decoder keeps, shared by
// the fast scanner and the RapidJSON path. Private to the decode layer.
#pragma once

#include <string_view>

namespace rtwatch::decode::detail {

enum class Field { other, event, queue_id, agent_id, skill_id, timestamp, metrics };

inline Field field_of(std::string_view key) {
    if (key == "queueId") return Field::queue_id;
    if (key == "agentId") return Field::agent_id;
    if (key == "skillId") return Field::skill_id;
    if (key == "timestamp") return Field::timestamp;
    if (key == "metrics") return Field::metrics;
    if (key == "event") return Field::event;
    return Field::other;
}

}  // namespace rtwatch::decode::detail
