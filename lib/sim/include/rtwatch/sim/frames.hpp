// SSE framing of what the simulator sends: data events as PROTOCOL.md §3
// shows them, control events, heartbeats, and deliberately bad events.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "rtwatch/core/record.hpp"

namespace rtwatch::sim {

std::string_view id_key(ResourceKind kind);  // "queueId", "agentId", "skillId"

// Appends `id: N` (when given), `event: data` and the one-line JSON payload.
void append_data_frame(std::string& out, std::optional<uint64_t> id, ResourceKind kind, std::string_view resource_id,
                       std::string_view timestamp, std::string_view metrics);
// `event: <name>` with a JSON payload, e.g. reconnect or disconnect.
std::string control_frame(std::string_view event, std::string_view json);
std::string retry_frame(int retry_ms);
inline constexpr std::string_view k_heartbeat = ": heartbeat\n\n";

enum class GarbageVariant { malformed_json, wrong_shape, missing_id, unknown_metric, invalid_utf8, oversize, nul };
std::optional<GarbageVariant> parse_garbage_variant(std::string_view name);
// One bad event with `id: N`. None of them names a real resource in a valid
// payload, so a client that drops them keeps the ground truth; unknown_metric
// is built by the event log instead, since it is a valid event.
std::string garbage_frame(GarbageVariant variant, uint64_t id, std::string_view timestamp);

}  // namespace rtwatch::sim
