// Notification frames and REST bodies in Genesys Cloud's shapes, as its
// public developer documentation shows them.
#include "genesys_frames.hpp"

#include <atomic>

#include <fmt/format.h>

#include "rtwatch/core/json_text.hpp"
#include "rtwatch/core/time_format.hpp"
#include "rtwatch/sim/prng.hpp"

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

// A version 4 UUID made of the seed's random numbers.
std::string uuid(Prng& prng) {
    const uint64_t a = prng.next(), b = prng.next();
    return fmt::format("{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}", a >> 32, (a >> 16) & 0xffff, a & 0xfff,
                       0x8000 | ((b >> 48) & 0x3fff), b & 0xffffffffffffULL);
}

std::string presence_json(const OrgPresences& org, const AgentStatus& s, WallTime since) {
    return fmt::format(R"({{"presenceDefinition":{{"id":"{}","systemPresence":{}}},"message":"","modifiedDate":"{}"}})",
                       org.id(s.presence), quoted(s.presence), format_rfc3339_ms(since));
}

std::string routing_json(const AgentStatus& s, WallTime since) {
    return fmt::format(R"({{"status":{},"startTime":"{}"}})", quoted(s.routing_status), format_rfc3339_ms(since));
}

// An oUserPresences qualifier goes out as the organisation presence id.
void append_metric(const OrgPresences& org, std::string& out, const Metric& m) {
    out += R"({"metric":)";
    append_json_string(out, m.metric);
    if (!m.qualifier.empty()) {
        out += R"(,"qualifier":)";
        const std::string_view id = m.metric == "oUserPresences" ? org.id(m.qualifier) : std::string_view{};
        append_json_string(out, id.empty() ? m.qualifier : id);
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

OrgPresences::OrgPresences(uint64_t seed) {
    Prng prng(seed ^ 0x5052455345ULL);
    static constexpr std::pair<std::string_view, std::string_view> k_defined[] = {
        {"AVAILABLE", "Available"}, {"ON_QUEUE", "OnQueue"}, {"BREAK", "Break"},
        {"OFFLINE", "Offline"},     {"MEAL", "Meal"},        {"TRAINING", "Training"}};
    for (const auto& [system, label] : k_defined) m_definitions.push_back({uuid(prng), system, label});
}

std::string_view OrgPresences::id(std::string_view system) const {
    for (const auto& d : m_definitions)
        if (d.system == system) return d.id;
    return {};
}

std::string OrgPresences::mappings_json() const {
    std::string out = R"("systemToOrganizationMappings":{)";
    for (size_t i = 0; i < m_definitions.size(); ++i)
        out += fmt::format(R"({}"{}":["{}"])", i ? "," : "", m_definitions[i].system, m_definitions[i].id);
    return out + "}";
}

std::string OrgPresences::definitions_json() const {
    std::string out = R"({"entities":[)";
    for (size_t i = 0; i < m_definitions.size(); ++i) {
        const Definition& d = m_definitions[i];
        out += fmt::format(R"({}{{"id":"{}","type":"System","languageLabels":{{"en_US":"{}"}},"systemPresence":"{}",)"
                           R"("deactivated":false,"selfUri":"/api/v2/presence/definitions/{}"}})",
                           i ? "," : "", d.id, d.label, d.label, d.id);
    }
    return out + fmt::format(R"(],"total":{}}})", m_definitions.size());
}

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

std::string observation_frame(const OrgPresences& org, std::string_view queue_id, const Group& group,
                              std::string_view interval) {
    std::string body = "{";
    append_group(body, queue_id, group);
    body += R"(,"data":[{"interval":)";
    append_json_string(body, interval);
    body += R"(,"metrics":[)";
    for (size_t i = 0; i < group.metrics.size(); ++i) {
        if (i) body += ',';
        append_metric(org, body, group.metrics[i]);
    }
    body += "]}]}";
    return frame(queue_topic(queue_id), "2", body);
}

void append_query_result(const OrgPresences& org, std::string& out, std::string_view queue_id, const Group& group) {
    out += '{';
    append_group(out, queue_id, group);
    out += R"(,"data":[)";
    for (size_t i = 0; i < group.metrics.size(); ++i) {
        if (i) out += ',';
        append_metric(org, out, group.metrics[i]);
    }
    out += "]}";
}

std::string activity_frame(const OrgPresences& org, std::string_view user_id, const AgentStatus& s, WallTime since) {
    const std::string body = fmt::format(R"({{"id":{},"routingStatus":{},"presence":{}}})", quoted(user_id),
                                         routing_json(s, since), presence_json(org, s, since));
    return frame(fmt::format("v2.users.{}.activity", user_id), "2", body);
}

std::string presence_frame(const OrgPresences& org, std::string_view user_id, const AgentStatus& s, WallTime since) {
    return frame(fmt::format("v2.users.{}.presence", user_id), "2", presence_json(org, s, since));
}

std::string routing_status_frame(std::string_view user_id, const AgentStatus& s, WallTime since) {
    return frame(fmt::format("v2.users.{}.routingStatus", user_id), "2",
                 fmt::format(R"({{"routingStatus":{}}})", routing_json(s, since)));
}

std::string presence_body(const OrgPresences& org, std::string_view user_id, const AgentStatus& s, WallTime since) {
    std::string p = presence_json(org, s, since);
    return fmt::format(R"({{"userId":{},"source":"PURECLOUD","primary":true,{})", quoted(user_id), p.substr(1));
}

std::string routing_status_body(std::string_view user_id, const AgentStatus& s, WallTime since) {
    return fmt::format(R"({{"userId":{},{})", quoted(user_id), routing_json(s, since).substr(1));
}

}  // namespace rtwatch::sim::genesys
