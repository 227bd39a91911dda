// The socket's messages: {topicName, version, eventBody, metadata}. System
// messages are recognised by topic and, as their exact bodies are not
// documented, by the message text too.
#include "rtwatch/genesys/frame.hpp"

#include "json_read.hpp"

namespace rtwatch::genesys {

namespace {

using detail::member;
using detail::string_member;

bool contains(std::string_view text, std::string_view word) { return text.find(word) != std::string_view::npos; }

bool ends_with(std::string_view text, std::string_view suffix) {
    return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

// "v2.analytics.queues.{id}.observations" -> id; "" when not that topic.
std::string_view topic_part(std::string_view topic, std::string_view prefix, std::string_view suffix) {
    if (topic.size() <= prefix.size() + suffix.size() || topic.substr(0, prefix.size()) != prefix) return {};
    if (!ends_with(topic, suffix)) return {};
    return topic.substr(prefix.size(), topic.size() - prefix.size() - suffix.size());
}

Frame malformed(std::string topic, std::string why) {
    Frame f;
    f.kind = Frame::Kind::malformed;
    f.topic = std::move(topic);
    f.detail = std::move(why);
    return f;
}

// The system message a frame is, when it is one: by topic first, then by
// the words of its message (the bodies are not documented exactly).
std::optional<Frame::Kind> system_kind(std::string_view topic, std::string_view message) {
    if (contains(topic, "socket_closing") || contains(message, "socket_closing")) return Frame::Kind::socket_closing;
    if (contains(topic, "no_longer_subscribed") || contains(message, "no_longer_subscribed"))
        return Frame::Kind::no_longer_subscribed;
    if (contains(topic, "token_revoked") || contains(message, "token_revoked")) return Frame::Kind::token_revoked;
    return std::nullopt;
}

void read_agent(const detail::Value& body, AgentUpdate& a) {
    // .activity: {routingStatus:{status}, presence:{presenceDefinition:{systemPresence}}}
    // .routingStatus: {routingStatus:{status}}; .presence: {presenceDefinition:{systemPresence}}
    if (const auto* rs = member(body, "routingStatus")) {
        if (auto s = string_member(*rs, "status"))
            a.routing_status = std::string(*s);
        else if (rs->IsString())
            a.routing_status = std::string(rs->GetString(), rs->GetStringLength());
    }
    // The update's own time: the later of the two it may carry (RFC 3339 UTC
    // text compares in time order).
    auto later = [&a](std::optional<std::string_view> t) {
        if (t && *t > a.time) a.time = std::string(*t);
    };
    if (const auto* rs = member(body, "routingStatus")) later(string_member(*rs, "startTime"));
    const detail::Value* presence = member(body, "presence");
    later(string_member(presence ? *presence : body, "modifiedDate"));
    const detail::Value* def = member(presence ? *presence : body, "presenceDefinition");
    if (def) {
        if (auto s = string_member(*def, "systemPresence")) a.presence = std::string(*s);
        if (auto id = string_member(*def, "id"); id && !id->empty()) a.presence_id = std::string(*id);
    } else if (presence && presence->IsString()) {
        a.presence = std::string(presence->GetString(), presence->GetStringLength());
    }
}

Frame data_frame(std::string topic, const detail::Value* body) {
    Frame f;
    f.topic = topic;
    if (auto queue = topic_part(topic, "v2.analytics.queues.", ".observations"); !queue.empty()) {
        if (!body || !body->IsObject())
            return malformed(std::move(topic), "an observation without an eventBody object");
        if (!detail::read_observation_group(*body, queue, f.queues, f.aggregates_skipped))
            return malformed(std::move(topic), "an observation body without group and data");
        f.kind = Frame::Kind::queue_observations;
        return f;
    }
    std::string_view user;
    for (std::string_view suffix : {".activity", ".presence", ".routingStatus"})
        if (user.empty()) user = topic_part(topic, "v2.users.", suffix);
    if (!user.empty()) {
        if (!body || !body->IsObject())
            return malformed(std::move(topic), "an agent update without an eventBody object");
        f.kind = Frame::Kind::agent_update;
        f.agent.user_id = std::string(user);
        read_agent(*body, f.agent);
        if (!f.agent.routing_status && !f.agent.presence && !f.agent.presence_id)
            return malformed(std::move(topic), "an agent update with neither routing status nor presence");
        return f;
    }
    f.kind = Frame::Kind::other;
    return f;
}

}  // namespace

bool zero_length_interval(std::string_view interval) {
    auto slash = interval.find('/');
    if (slash == std::string_view::npos || slash == 0) return false;
    return interval.substr(0, slash) == interval.substr(slash + 1);
}

Frame decode_frame(std::string_view text, std::size_t max_bytes) {
    rapidjson::Document doc;
    std::string why;
    if (!detail::parse_bounded(text, max_bytes, doc, why)) return malformed("", why);
    if (!doc.IsObject()) return malformed("", "not a JSON object");
    if (auto result = string_member(doc, "result"); result && *result == "404") {
        Frame f;
        f.kind = Frame::Kind::not_found;
        f.detail = "the channel is not found (404)";
        return f;
    }
    auto topic = string_member(doc, "topicName");
    if (!topic) return malformed("", "no topicName");
    const detail::Value* body = member(doc, "eventBody");
    std::string_view message = body ? string_member(*body, "message").value_or("") : std::string_view{};
    if (auto kind = system_kind(*topic, message);
        kind && (topic->substr(0, 10) == "v2.system." || *topic == "channel.metadata")) {
        Frame f;
        f.kind = *kind;
        f.topic = std::string(*topic);
        f.detail = std::string(message);
        return f;
    }
    if (*topic == "channel.metadata") {
        Frame f;
        f.topic = std::string(*topic);
        f.detail = std::string(message);
        if (message == "WebSocket Heartbeat")
            f.kind = Frame::Kind::heartbeat;
        else if (message == "pong")
            f.kind = Frame::Kind::pong;
        else
            f.kind = Frame::Kind::other;
        return f;
    }
    return data_frame(std::string(*topic), body);
}

}  // namespace rtwatch::genesys
