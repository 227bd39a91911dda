// Notification frames and REST bodies in Genesys Cloud's shapes, as its
// public developer documentation shows them.
#include "genesys_frames.hpp"

#include <atomic>

#include <fmt/format.h>

#include "rtwatch/core/json_text.hpp"
#include "rtwatch/core/time_format.hpp"

namespace rtwatch::sim::genesys {

namespace {

std::string quoted(std::string_view s) {
    std::string out;
    append_json_string(out, s);
    return out;
}

std::string metadata() {
    static std::atomic<uint64_t> next{1};
    return fmt::format(R"({{"CorrelationId":"sim-{:012x}"}})", next++);
}

std::string frame(std::string_view topic, std::string_view version, std::string_view body) {
    return fmt::format(R"({{"topicName":{},"version":"{}","eventBody":{},"metadata":{}}})", quoted(topic), version,
                       body, metadata());
}

// Stable made-up ids of the system presence definitions.
std::string presence_id(std::string_view presence) {
    for (size_t i = 0; i < k_presences.size(); ++i)
        if (k_presences[i] == presence) return fmt::format("00000000-0000-4000-8000-0000000000{:02d}", i + 1);
    return "00000000-0000-4000-8000-000000000000";
}

std::string presence_json(const AgentStatus& s, WallTime since) {
    return fmt::format(R"({{"presenceDefinition":{{"id":"{}","systemPresence":{}}},"message":"","modifiedDate":"{}"}})",
                       presence_id(s.presence), quoted(s.presence), format_rfc3339_ms(since));
}

std::string routing_json(const AgentStatus& s, WallTime since) {
    return fmt::format(R"({{"status":{},"startTime":"{}"}})", quoted(s.routing_status), format_rfc3339_ms(since));
}

void append_metric(std::string& out, const Metric& m) {
    out += R"({"metric":)";
    append_json_string(out, m.metric);
    if (!m.qualifier.empty()) {
        out += R"(,"qualifier":)";
        append_json_string(out, m.qualifier);
    }
    out += fmt::format(R"(,"stats":{{"count":{}}}}})", m.count);
}

void append_group(std::string& out, std::string_view queue_id, const Group& group) {
    out += R"("group":{"queueId":)";
    append_json_string(out, queue_id);
    if (!group.media.empty()) {
        out += R"(,"mediaType":)";
        append_json_string(out, group.media);
    }
    out += '}';
}

}  // namespace

std::string queue_topic(std::string_view queue_id) {
    return fmt::format("v2.analytics.queues.{}.observations", queue_id);
}

std::string heartbeat_frame() { return frame("channel.metadata", "1", R"({"message":"WebSocket Heartbeat"})"); }

std::string pong_frame() { return frame("channel.metadata", "1", R"({"message":"pong"})"); }

std::string system_frame(std::string_view name, std::string_view message) {
    return frame(fmt::format("v2.system.{}", name), "2", fmt::format(R"({{"message":{}}})", quoted(message)));
}

std::string interval_text(WallTime start, WallTime end) {
    return format_rfc3339_ms(start) + "/" + format_rfc3339_ms(end);
}

std::string observation_frame(std::string_view queue_id, const Group& group, std::string_view interval) {
    std::string body = "{";
    append_group(body, queue_id, group);
    body += R"(,"data":[{"interval":)";
    append_json_string(body, interval);
    body += R"(,"metrics":[)";
    for (size_t i = 0; i < group.metrics.size(); ++i) {
        if (i) body += ',';
        append_metric(body, group.metrics[i]);
    }
    body += "]}]}";
    return frame(queue_topic(queue_id), "2", body);
}

void append_query_result(std::string& out, std::string_view queue_id, const Group& group) {
    out += '{';
    append_group(out, queue_id, group);
    out += R"(,"data":[)";
    for (size_t i = 0; i < group.metrics.size(); ++i) {
        if (i) out += ',';
        append_metric(out, group.metrics[i]);
    }
    out += "]}";
}

std::string activity_frame(std::string_view user_id, const AgentStatus& s, WallTime since) {
    const std::string body = fmt::format(R"({{"id":{},"routingStatus":{},"presence":{}}})", quoted(user_id),
                                         routing_json(s, since), presence_json(s, since));
    return frame(fmt::format("v2.users.{}.activity", user_id), "2", body);
}

std::string presence_frame(std::string_view user_id, const AgentStatus& s, WallTime since) {
    return frame(fmt::format("v2.users.{}.presence", user_id), "2", presence_json(s, since));
}

std::string routing_status_frame(std::string_view user_id, const AgentStatus& s, WallTime since) {
    return frame(fmt::format("v2.users.{}.routingStatus", user_id), "2",
                 fmt::format(R"({{"routingStatus":{}}})", routing_json(s, since)));
}

std::string presence_body(std::string_view user_id, const AgentStatus& s, WallTime since) {
    std::string p = presence_json(s, since);
    return fmt::format(R"({{"userId":{},"source":"PURECLOUD","primary":true,{})", quoted(user_id), p.substr(1));
}

std::string routing_status_body(std::string_view user_id, const AgentStatus& s, WallTime since) {
    return fmt::format(R"({{"userId":{},{})", quoted(user_id), routing_json(s, since).substr(1));
}

}  // namespace rtwatch::sim::genesys
