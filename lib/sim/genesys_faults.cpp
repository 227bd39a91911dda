// The Genesys platform's faults through POST /sim/fault, and its /sim/state
// and /sim/stats. Faults that target channels take an optional "channel"
// (default: every channel) and answer how many they touched.
#include <rapidjson/document.h>

#include <fmt/format.h>

#include "genesys_frames.hpp"
#include "genesys_hub.hpp"
#include "rtwatch/core/json_text.hpp"
#include "rtwatch/core/log.hpp"

namespace rtwatch::sim::genesys {

namespace {

constexpr std::string_view k_kinds =
    "socket-closing, expire-channel, evict-channel, kick, silent, revoke, throttle, reject-topics, storm, pause or "
    "restore";
constexpr std::string_view k_storms =
    "socket-closing, no-longer-subscribed, token-revoked, close-on-open or expired-channel";

std::optional<std::string> string_field(const rapidjson::Value& doc, const char* name) {
    if (!doc.HasMember(name) || !doc[name].IsString()) return std::nullopt;
    return std::string(doc[name].GetString(), doc[name].GetStringLength());
}

// An optional number >= 0; false when present with another type.
bool number_field(const rapidjson::Value& doc, const char* name, std::optional<int64_t>& out) {
    if (!doc.HasMember(name)) return true;
    if (!doc[name].IsNumber() || doc[name].GetDouble() < 0) return false;
    out = static_cast<int64_t>(doc[name].GetDouble());
    return true;
}

void answer(httplib::Response& res, int status, const std::string& body) {
    res.status = status;
    res.set_content(body, "application/json");
}

std::string bad_fault(std::string_view message) {
    std::string out = R"({"error":"bad_fault","message":)";
    append_json_string(out, message);
    return out + "}";
}

// Applies one fault; the number of channels touched, or an error message.
std::variant<size_t, std::string> apply(SimServer::Impl& s, GenesysHub& hub, const rapidjson::Document& doc) {
    const std::string kind = string_field(doc, "kind").value_or("");
    const std::optional<std::string> channel = string_field(doc, "channel");
    std::optional<int64_t> ms, count, retry_after;
    if (!number_field(doc, "ms", ms) || !number_field(doc, "count", count) ||
        !number_field(doc, "retryAfter", retry_after))
        return std::string("ms, count and retryAfter are numbers >= 0");
    if (kind == "socket-closing")
        return hub.socket_closing(channel,
                                  ms ? std::chrono::milliseconds(*ms) : s.options.genesys.socket_closing_delay);
    if (kind == "expire-channel") return hub.expire_channel(channel);
    if (kind == "evict-channel") return hub.evict_channel(channel);
    if (kind == "kick") return hub.kick(channel);
    if (kind == "revoke") return hub.revoke();
    if (kind == "silent") {
        hub.silent(ms ? std::optional(std::chrono::milliseconds(*ms)) : std::nullopt);
        return size_t{0};
    }
    if (kind == "throttle") {
        const std::string endpoint = string_field(doc, "endpoint").value_or("api");
        if (endpoint != "api" && endpoint != "token") return std::string("\"endpoint\" must be \"api\" or \"token\"");
        hub.throttle({static_cast<int>(count.value_or(1)), retry_after.value_or(1), endpoint == "token"});
        return size_t{0};
    }
    if (kind == "reject-topics") {
        hub.reject_permission(string_field(doc, "permission").value_or(std::string(k_queue_permission)));
        return size_t{0};
    }
    if (kind == "storm") {
        const std::string shape = string_field(doc, "shape").value_or("");
        if (k_storms.find(shape) == std::string_view::npos || shape.empty() || shape.find(',') != std::string::npos)
            return fmt::format("storm \"shape\" '{}': use {}", shape, k_storms);
        hub.storm(shape);
        return size_t{0};
    }
    if (kind == "pause" || kind == "restore") {
        Fault f;
        f.kind = kind == "pause" ? Fault::Kind::pause : Fault::Kind::restore;
        s.faults.apply(f, SteadyClock::now());
        if (kind == "restore") hub.restore();
        return size_t{0};
    }
    return fmt::format("unknown fault kind '{}' for --platform genesys; use {}", kind, k_kinds);
}

void handle_fault(SimServer::Impl& s, const httplib::Request& req, httplib::Response& res) {
    rapidjson::Document doc;
    doc.Parse(req.body.data(), req.body.size());
    if (doc.HasParseError() || !doc.IsObject() || !string_field(doc, "kind"))
        return answer(res, 400, bad_fault("fault body must be a JSON object with a string \"kind\""));
    auto applied = apply(s, *s.genesys, doc);
    if (auto* message = std::get_if<std::string>(&applied)) return answer(res, 400, bad_fault(*message));
    log::info("fault applied: {}", req.body);
    answer(res, 200, fmt::format(R"({{"ok":true,"channels":{}}})", std::get<size_t>(applied)));
}

}  // namespace

size_t GenesysHub::socket_closing(std::optional<std::string> channel, std::chrono::milliseconds delay) {
    std::lock_guard lock(m_mutex);
    size_t n = 0;
    const TimePoint at = SteadyClock::now() + delay;
    for (auto& [id, c] : m_channels) {
        if ((channel && id != *channel) || !c.socket) continue;
        c.socket->send_text(system_frame("socket_closing", "the socket closes soon for maintenance; reconnect"));
        c.socket->close_at(at, 1000, "closed for maintenance");
        ++n;
    }
    return n;
}

size_t GenesysHub::expire_channel(std::optional<std::string> channel) {
    std::lock_guard lock(m_mutex);
    size_t n = 0;
    const TimePoint now = SteadyClock::now();
    for (auto& [id, c] : m_channels) {
        if (channel && id != *channel) continue;
        c.expires = now;  // expire_due ends it on the driver's next pass
        ++n;
    }
    return n;
}

size_t GenesysHub::evict_channel(std::optional<std::string> channel) {
    std::lock_guard lock(m_mutex);
    size_t n = 0;
    for (auto it = m_channels.begin(); it != m_channels.end();) {
        if (channel && it->first != *channel) {
            ++it;
            continue;
        }
        end_channel(it->second, "no_longer_subscribed", 1001, "channel evicted: too many channels for this client");
        ++stats.channels_evicted;
        ++n;
        it = m_channels.erase(it);
    }
    return n;
}

size_t GenesysHub::kick(std::optional<std::string> channel) {
    std::lock_guard lock(m_mutex);
    size_t n = 0;
    for (auto& [id, c] : m_channels) {
        if ((channel && id != *channel) || !c.socket) continue;
        c.socket->close(1000, "another socket connected to this channel");
        c.socket.reset();
        ++stats.sockets_kicked;
        ++n;
    }
    return n;
}

// Every token so far is revoked, and with them the channels they made.
size_t GenesysHub::revoke() {
    m_s.tokens.revoke_all();
    std::lock_guard lock(m_mutex);
    const size_t n = m_channels.size();
    for (auto& [id, c] : m_channels) end_channel(c, "token_revoked", 1001, "the access token was revoked");
    m_channels.clear();
    return n;
}

void GenesysHub::silent(std::optional<std::chrono::milliseconds> for_ms) {
    std::lock_guard lock(m_mutex);
    m_silent_until = for_ms ? SteadyClock::now() + *for_ms : TimePoint::max();
}

void GenesysHub::throttle(Throttle t) {
    std::lock_guard lock(m_mutex);
    if (t.count > 0) m_throttle = t;
}

void GenesysHub::reject_permission(std::string permission) {
    std::lock_guard lock(m_mutex);
    m_rejected_permissions.push_back(std::move(permission));
}

void GenesysHub::storm(std::string shape) {
    std::lock_guard lock(m_mutex);
    m_storm = std::move(shape);
}

void GenesysHub::storm_socket(const std::shared_ptr<WsSession>& session) {
    if (m_storm.empty() || m_storm == "expired-channel") return;
    if (m_storm == "close-on-open") return session->close(1000, "closed right after it opened");
    if (m_storm == "socket-closing") {
        session->send_text(system_frame("socket_closing", "the socket closes soon for maintenance; reconnect"));
        return session->close_at(SteadyClock::now() + std::chrono::seconds(2), 1000, "closed for maintenance");
    }
    for (auto it = m_channels.begin(); it != m_channels.end(); ++it) {
        if (it->second.socket != session) continue;
        const bool revoked = m_storm == "token-revoked";
        if (revoked) m_s.tokens.revoke_all();
        end_channel(it->second, revoked ? "token_revoked" : "no_longer_subscribed", 1001,
                    revoked ? "the access token was revoked" : "channel evicted");
        m_channels.erase(it);
        return;
    }
}

void GenesysHub::restore() {
    std::lock_guard lock(m_mutex);
    m_storm.clear();
    m_silent_until = TimePoint{};
    m_throttle.reset();
    m_rejected_permissions.clear();
}

void install_genesys_controls(SimServer::Impl& s) {
    s.http->Get("/sim/state", [&s](const httplib::Request& req, httplib::Response& res) {
        const std::string media = req.get_param_value("media");
        res.set_content(s.genesys->state_json(!media.empty() && media != "0"), "application/json");
    });
    s.http->Get("/sim/stats", [&s](const httplib::Request&, httplib::Response& res) {
        res.set_content(s.genesys->stats_json(), "application/json");
    });
    s.http->Post("/sim/fault",
                 [&s](const httplib::Request& req, httplib::Response& res) { handle_fault(s, req, res); });
}

}  // namespace rtwatch::sim::genesys
