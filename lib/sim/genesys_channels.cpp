// Notification channels: creation within the channel limit (the least
// recently used one is evicted), lifetime and its extension on subscribing,
// subscriptions with per-topic Permitted/Rejected, and the faults that end
// or disturb channels.
#include <rapidjson/document.h>
#include <sys/random.h>

#include <algorithm>
#include <variant>

#include <fmt/format.h>

#include "genesys_frames.hpp"
#include "genesys_hub.hpp"
#include "rtwatch/core/json_text.hpp"

namespace rtwatch::sim::genesys {

namespace {

std::string random_channel_id() {
    unsigned char bytes[16];
    size_t got = 0;
    while (got < sizeof bytes) {
        const ssize_t n = getrandom(bytes + got, sizeof bytes - got, 0);
        if (n > 0) got += static_cast<size_t>(n);
    }
    std::string out = "streaming-";
    for (unsigned char b : bytes) out += fmt::format("{:02x}", b);
    return out;
}

WallTime wall_of(TimePoint t, TimePoint now) {
    return WallClock::now() + std::chrono::duration_cast<WallClock::duration>(t - now);
}

std::string error_body(int status, std::string_view code, std::string_view message) {
    std::string out = fmt::format(R"({{"status":{},"code":"{}","message":)", status, code);
    append_json_string(out, message);
    out += '}';
    return out;
}

// The topics of a subscription body, or an error message.
std::variant<std::vector<std::string>, std::string> parse_topics(std::string_view body) {
    rapidjson::Document doc;
    doc.Parse(body.data(), body.size());
    if (doc.HasParseError() || !doc.IsArray()) return std::string("the body must be a JSON array of {\"id\":topic}");
    std::vector<std::string> topics;
    for (const auto& t : doc.GetArray()) {
        if (!t.IsObject() || !t.HasMember("id") || !t["id"].IsString())
            return std::string("each subscription must be an object with a string \"id\"");
        topics.emplace_back(t["id"].GetString(), t["id"].GetStringLength());
    }
    return topics;
}

}  // namespace

void GenesysHub::touch(Channel& c, TimePoint now, bool extend) {
    c.last_used = ++m_use_counter;
    if (!extend) return;
    c.expires = now + m_o.channel_ttl;
    c.expires_wall = wall_of(c.expires, now);
}

GenesysHub::Channel* GenesysHub::find_locked(const std::string& id, TimePoint now) {
    auto it = m_channels.find(id);
    if (it == m_channels.end() || now >= it->second.expires) return nullptr;
    return &it->second;
}

void GenesysHub::end_channel(Channel& c, std::string_view system, uint16_t code, std::string_view reason) {
    if (!c.socket) return;
    if (!system.empty()) c.socket->send_text(system_frame(system, reason));
    c.socket->close(code, std::string(reason));
}

ChannelView GenesysHub::create_channel(TimePoint now, const std::string& token) {
    std::lock_guard lock(m_mutex);
    if (m_channels.size() >= m_o.max_channels) {
        auto lru = std::min_element(m_channels.begin(), m_channels.end(), [](const auto& a, const auto& b) {
            return a.second.last_used < b.second.last_used;
        });
        end_channel(lru->second, "no_longer_subscribed", 1001, "channel evicted: too many channels for this client");
        m_channels.erase(lru);
        ++stats.channels_evicted;
    }
    Channel c;
    c.id = random_channel_id();
    c.token = token;
    touch(c, now, true);
    ChannelView view{c.id, c.expires_wall};
    if (m_storm == "expired-channel") view.expires = WallClock::now() - std::chrono::hours(1);
    m_channels.emplace(c.id, std::move(c));
    ++stats.channels_created;
    return view;
}

std::vector<ChannelView> GenesysHub::channels(TimePoint now, const std::string& token, bool whole_client) {
    std::lock_guard lock(m_mutex);
    std::vector<ChannelView> out;
    for (const auto& [id, c] : m_channels)
        if (now < c.expires && (whole_client || c.token == token)) out.push_back({id, c.expires_wall});
    return out;
}

bool GenesysHub::channel_exists(const std::string& id, TimePoint now) {
    std::lock_guard lock(m_mutex);
    return find_locked(id, now) != nullptr;
}

// The topics this simulator serves, in the shape of the platform's
// AvailableTopicEntityListing (id, description, requiresPermissions,
// transports, topicParameters, publicApiTemplateUriPaths).
std::string GenesysHub::available_topics_json() const {
    struct Topic {
        std::string_view id, description, permission, parameter, path;
    };
    static constexpr Topic k_topics[] = {
        {"v2.analytics.queues.{id}.observations", "Queue observations", k_queue_permission, "queueId",
         "/api/v2/analytics/queues/observations/query"},
        {"v2.users.{id}.activity", "A user's activity: presence, routing status, queues", k_user_permission, "userId",
         "/api/v2/users/{userId}"},
        {"v2.users.{id}.presence", "A user's presence", k_user_permission, "userId",
         "/api/v2/users/{userId}/presences/purecloud"},
        {"v2.users.{id}.routingStatus", "A user's routing status", k_user_permission, "userId",
         "/api/v2/users/{userId}/routingstatus"},
    };
    std::string out = "{\"entities\":[";
    for (std::size_t i = 0; i < std::size(k_topics); ++i) {
        const Topic& t = k_topics[i];
        out += fmt::format(
            R"({}{{"id":"{}","description":"{}","requiresPermissions":["{}"],"transports":["All"],)"
            R"("topicParameters":["{}"],"publicApiTemplateUriPaths":["{}"],"enforced":false,"visibility":"Public"}})",
            i ? "," : "", t.id, t.description, t.permission, t.parameter, t.path);
    }
    return out + "]}";
}

std::optional<std::string_view> GenesysHub::permission_for(std::string_view topic) const {
    const Model& model = *m_s.model;
    constexpr std::string_view queue_prefix = "v2.analytics.queues.", queue_suffix = ".observations";
    if (topic.starts_with(queue_prefix) && topic.ends_with(queue_suffix) &&
        topic.size() > queue_prefix.size() + queue_suffix.size()) {
        const auto id = topic.substr(queue_prefix.size(), topic.size() - queue_prefix.size() - queue_suffix.size());
        if (model.find(ResourceKind::queue, id)) return k_queue_permission;
        return std::nullopt;
    }
    constexpr std::string_view user_prefix = "v2.users.";
    if (!topic.starts_with(user_prefix)) return std::nullopt;
    const auto rest = topic.substr(user_prefix.size());
    const size_t dot = rest.rfind('.');
    if (dot == std::string_view::npos) return std::nullopt;
    const auto kind = rest.substr(dot + 1);
    if (kind != "activity" && kind != "presence" && kind != "routingStatus") return std::nullopt;
    if (!model.find(ResourceKind::agent, rest.substr(0, dot))) return std::nullopt;
    return k_user_permission;
}

SubscribeAnswer GenesysHub::subscribe(const std::string& channel, std::string_view body, bool ignore_errors,
                                      bool replace, TimePoint now) {
    ++stats.subscription_requests;
    auto parsed = parse_topics(body);
    if (auto* message = std::get_if<std::string>(&parsed)) return {400, error_body(400, "bad.request", *message)};
    auto& topics = std::get<std::vector<std::string>>(parsed);
    std::lock_guard lock(m_mutex);
    Channel* c = find_locked(channel, now);
    if (!c) return {404, error_body(404, "not.found", fmt::format("channel {} not found", channel))};
    std::set<std::string> wanted(topics.begin(), topics.end());
    if (!replace) wanted.insert(c->topics.begin(), c->topics.end());
    if (wanted.size() > m_o.max_topics)
        return {400, error_body(400, "bad.request",
                                fmt::format("a channel holds at most {} topics; this request "
                                            "would make {}",
                                            m_o.max_topics, wanted.size()))};
    std::string entities;
    std::set<std::string> permitted = replace ? std::set<std::string>{} : c->topics;
    for (const std::string& topic : topics) {
        const auto permission = permission_for(topic);
        if (!entities.empty()) entities += ',';
        entities += "{\"id\":";
        append_json_string(entities, topic);
        if (!permission) {
            if (!ignore_errors) return {400, error_body(400, "bad.request", fmt::format("unknown topic {}", topic))};
            entities += R"(,"state":"Rejected","rejectionReason":"Topic not found","missingPermissions":[]})";
        } else if (missing_locked(*permission)) {
            if (!ignore_errors)
                return {403, error_body(403, "missing.permissions",
                                        fmt::format("missing permission {} for topic {}", *permission, topic))};
            entities += fmt::format(R"(,"state":"Rejected","rejectionReason":"Missing permissions",)"
                                    R"("missingPermissions":["{}"]}})",
                                    *permission);
        } else {
            permitted.insert(topic);
            entities += R"(,"state":"Permitted"})";
        }
    }
    c->topics = std::move(permitted);
    touch(*c, now, true);
    return {200, "{\"entities\":[" + entities + "]}"};
}

std::optional<std::vector<std::string>> GenesysHub::subscriptions(const std::string& channel, TimePoint now) {
    std::lock_guard lock(m_mutex);
    Channel* c = find_locked(channel, now);
    if (!c) return std::nullopt;
    return std::vector<std::string>(c->topics.begin(), c->topics.end());
}

bool GenesysHub::unsubscribe_all(const std::string& channel, TimePoint now) {
    std::lock_guard lock(m_mutex);
    Channel* c = find_locked(channel, now);
    if (!c) return false;
    c->topics.clear();
    return true;
}

void GenesysHub::expire_due(TimePoint now) {
    std::lock_guard lock(m_mutex);
    for (auto it = m_channels.begin(); it != m_channels.end();) {
        if (now < it->second.expires) {
            ++it;
            continue;
        }
        end_channel(it->second, "", 1001, "channel expired");
        ++stats.channels_expired;
        it = m_channels.erase(it);
    }
}

bool GenesysHub::missing(std::string_view permission) const {
    std::lock_guard lock(m_mutex);
    return missing_locked(permission);
}

bool GenesysHub::missing_locked(std::string_view permission) const {
    const auto has = [&](const std::vector<std::string>& v) {
        return std::find(v.begin(), v.end(), permission) != v.end();
    };
    return has(m_o.missing_permissions) || has(m_rejected_permissions);
}

std::optional<Throttle> GenesysHub::take_throttle(bool token) {
    std::lock_guard lock(m_mutex);
    if (!m_throttle || m_throttle->token != token || m_throttle->count <= 0) return std::nullopt;
    Throttle out = *m_throttle;
    if (--m_throttle->count <= 0) m_throttle.reset();
    return out;
}

std::string GenesysHub::stats_json() const {
    std::size_t subscribed = 0, channels = 0;
    {
        std::lock_guard lock(m_mutex);
        for (const auto& [id, c] : m_channels) subscribed += c.topics.size();
        channels = m_channels.size();
    }
    const GenesysStats& s = stats;
    return fmt::format(
        R"({{"token_requests":{},"tokens_issued":{},"channels_created":{},"channels":{},"channels_evicted":{},)"
        R"("channels_expired":{},"sockets_opened":{},"sockets_open":{},"sockets_kicked":{},"subscription_requests":{},)"
        R"("topics_subscribed":{},"rest_calls":{},"throttled":{},"frames_sent":{},"heartbeats_sent":{},)"
        R"("observation_messages":{},"aggregate_messages":{},"user_messages":{},"frames_dropped_silent":{},)"
        R"("definition_requests":{}}})",
        s.token_requests.load(), s.tokens_issued.load(), s.channels_created.load(), channels, s.channels_evicted.load(),
        s.channels_expired.load(), s.sockets_opened.load(), s.sockets_open.load(), s.sockets_kicked.load(),
        s.subscription_requests.load(), subscribed, s.rest_calls.load(), s.throttled.load(), s.frames_sent.load(),
        s.heartbeats_sent.load(), s.observation_messages.load(), s.aggregate_messages.load(), s.user_messages.load(),
        s.frames_dropped_silent.load(), s.definition_requests.load());
}

}  // namespace rtwatch::sim::genesys
