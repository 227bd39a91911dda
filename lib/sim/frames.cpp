// Byte-exact SSE frames. Each frame ends with the blank line that
// dispatches it, so frames can be concatenated into one write.
#include "rtwatch/sim/frames.hpp"

#include <fmt/format.h>

namespace rtwatch::sim {

std::string_view id_key(ResourceKind kind) {
    switch (kind) {
        case ResourceKind::queue:
            return "queueId";
        case ResourceKind::agent:
            return "agentId";
        case ResourceKind::skill:
            return "skillId";
    }
    return "queueId";
}

void append_data_frame(std::string& out, std::optional<uint64_t> id, ResourceKind kind, std::string_view resource_id,
                       std::string_view timestamp, std::string_view metrics) {
    if (id) fmt::format_to(std::back_inserter(out), "id: {}\n", *id);
    out += "event: data\ndata: {\"event\":\"data\",\"";
    out += id_key(kind);
    out += "\":\"";
    out += resource_id;
    out += "\",\"timestamp\":\"";
    out += timestamp;
    out += "\",\"metrics\":";
    out += metrics;
    out += "}\n\n";
}

std::string control_frame(std::string_view event, std::string_view json) {
    return fmt::format("event: {}\ndata: {}\n\n", event, json);
}

std::string retry_frame(int retry_ms) { return fmt::format("retry: {}\n\n", retry_ms); }

std::optional<GarbageVariant> parse_garbage_variant(std::string_view name) {
    if (name == "malformed-json") return GarbageVariant::malformed_json;
    if (name == "wrong-shape") return GarbageVariant::wrong_shape;
    if (name == "missing-id") return GarbageVariant::missing_id;
    if (name == "unknown-metric") return GarbageVariant::unknown_metric;
    if (name == "invalid-utf8") return GarbageVariant::invalid_utf8;
    if (name == "oversize") return GarbageVariant::oversize;
    if (name == "nul") return GarbageVariant::nul;
    return std::nullopt;
}

namespace {

std::string payload_frame(uint64_t id, std::string_view payload) {
    std::string out = fmt::format("id: {}\nevent: data\ndata: ", id);
    out += payload;
    out += "\n\n";
    return out;
}

}  // namespace

std::string garbage_frame(GarbageVariant variant, uint64_t id, std::string_view ts) {
    switch (variant) {
        case GarbageVariant::malformed_json:
            return payload_frame(id, R"({"event":"data","queueId":"queue-0001","metrics":{"waiting":)");
        case GarbageVariant::wrong_shape:
            return payload_frame(
                id, fmt::format(R"({{"event":"data","queueId":"queue-0001","timestamp":"{}","metrics":[1,2,3]}})", ts));
        case GarbageVariant::missing_id:
            return payload_frame(id,
                                 fmt::format(R"({{"event":"data","timestamp":"{}","metrics":{{"waiting":1}}}})", ts));
        case GarbageVariant::invalid_utf8:
            return payload_frame(id,
                                 fmt::format("{{\"event\":\"data\",\"queueId\":\"queue-\xff\xfe\",\"timestamp\":\"{}\","
                                             "\"metrics\":{{\"note\":\"bad \xc3\x28 bytes\"}}}}",
                                             ts));
        case GarbageVariant::oversize: {
            std::string payload = fmt::format(
                R"({{"event":"data","queueId":"queue-oversize","timestamp":"{}","metrics":{{"padding":")", ts);
            payload.append(2u << 20, 'x');
            payload += "\"}}";
            return payload_frame(id, payload);
        }
        case GarbageVariant::nul: {
            std::string payload = R"({"event":"data","queueId":"queue-0001)";
            payload += std::string_view("\0\0", 2);
            payload += fmt::format(R"(","timestamp":"{}","metrics":{{"waiting":1}}}})", ts);
            return payload_frame(id, payload);
        }
        case GarbageVariant::unknown_metric:
            break;
    }
    return payload_frame(id, "{}");
}

}  // namespace rtwatch::sim
