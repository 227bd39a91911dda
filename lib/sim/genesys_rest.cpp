// The Genesys platform's HTTP side: the token endpoint, the REST API
// (Bearer token checked; 429 when throttled) and the WebSocket upgrade at
// /channels/{id}.
//
// Routes, after Genesys Cloud's public API:
//   POST /oauth/token                                       client credentials
//   POST /api/v2/notifications/channels                     {id, connectUri, expires}
//   GET  /api/v2/notifications/channels                     {entities:[channel]} of the calling token
//   HEAD /api/v2/notifications/channels/{id}                200 when it exists, else 404
//   GET  /api/v2/notifications/availabletopics              {entities:[topic]}
//   GET|PUT|POST|DELETE /api/v2/notifications/channels/{id}/subscriptions
//        PUT replaces, POST adds; answer {entities:[{id, state, rejectionReason?, missingPermissions?}]}
//   POST /api/v2/analytics/queues/observations/query        {results:[{group, data}]}
//   GET  /api/v2/users/{id}/routingstatus                   {userId, status, startTime}
//   GET  /api/v2/users/{id}/presences/purecloud             {userId, source, presenceDefinition, modifiedDate}
//   GET  /api/v2/users?id=A&id=B&expand=presence,routingStatus   several agents at once
//   GET  /api/v2/presence/definitions                       {entities:[{id, systemPresence, ...}], total}
//   GET  /channels/{id}                                     WebSocket (no token: the id is the capability)
#include <rapidjson/document.h>
#include <sys/socket.h>

#include <poll.h>
#include <algorithm>
#include <cctype>
#include <cmath>

#include <fmt/format.h>

#include "genesys_frames.hpp"
#include "genesys_hub.hpp"
#include "peer_socket.hpp"
#include "rtwatch/core/json_text.hpp"
#include "rtwatch/core/time_format.hpp"

namespace rtwatch::sim::genesys {

namespace {

using Handler = std::function<void(const httplib::Request&, httplib::Response&)>;

void json_error(httplib::Response& res, int status, std::string_view code, std::string_view message) {
    res.status = status;
    std::string body = fmt::format(R"({{"status":{},"code":"{}","message":)", status, code);
    append_json_string(body, message);
    res.set_content(body + "}", "application/json");
}

void too_many(httplib::Response& res, const Throttle& t) {
    res.set_header("Retry-After", std::to_string(t.retry_after_s));
    json_error(res, 429, "too.many.requests", fmt::format("rate limit exceeded; retry after {} s", t.retry_after_s));
}

std::string bearer(const httplib::Request& req) {
    const std::string auth = req.get_header_value("Authorization");
    if (auth.size() < 7 || strncasecmp(auth.c_str(), "bearer ", 7) != 0) return {};
    return auth.substr(7);
}

// Every REST call: counted, throttled when a fault says so, token checked.
Handler rest(SimServer::Impl& s, Handler inner) {
    return [&s, inner = std::move(inner)](const httplib::Request& req, httplib::Response& res) {
        GenesysHub& hub = *s.genesys;
        ++hub.stats.rest_calls;
        if (auto t = hub.take_throttle(false)) {
            ++hub.stats.throttled;
            return too_many(res, *t);
        }
        const TokenCheck check = s.tokens.check(bearer(req), SteadyClock::now());
        if (check != TokenCheck::ok) return json_error(res, 401, "bad.credentials", describe(check));
        inner(req, res);
    };
}

void handle_token(SimServer::Impl& s, const httplib::Request& req, httplib::Response& res) {
    GenesysHub& hub = *s.genesys;
    ++hub.stats.token_requests;
    if (auto t = hub.take_throttle(true)) {
        ++hub.stats.throttled;
        return too_many(res, *t);
    }
    const TokenRequest r = read_token_request(req);
    const auto oauth_error = [&](int status, std::string_view error, std::string_view description) {
        res.status = status;
        res.set_content(fmt::format(R"({{"error":"{}","description":"{}","error_description":"{}"}})", error,
                                    description, description),
                        "application/json");
    };
    if (r.malformed) return oauth_error(400, "invalid_request", "the request body is malformed");
    if (r.client_id != s.options.client_id || r.client_secret != s.options.client_secret)
        return oauth_error(s.options.genesys.bad_client_status, "invalid_client", "client not found");
    if (!r.grant_type) return oauth_error(400, "invalid_request", "grant_type is missing");
    if (*r.grant_type != "client_credentials")
        return oauth_error(400, "unsupported_grant_type", "only client_credentials is supported");
    const IssuedToken token = s.tokens.issue(true, SteadyClock::now());
    ++hub.stats.tokens_issued;
    res.set_header("Cache-Control", "no-store");
    res.set_content(fmt::format(R"({{"access_token":"{}","token_type":"bearer","expires_in":{}}})", token.access_token,
                                std::llround(s.options.token_lifetime_s)),
                    "application/json");
}

std::string channel_json(const SimServer::Impl& s, const ChannelView& c) {
    return fmt::format(R"({{"connectUri":"ws://{}:{}/channels/{}","id":"{}","expires":"{}"}})", s.options.host, s.port,
                       c.id, c.id, format_rfc3339_ms(c.expires));
}

void handle_subscriptions(SimServer::Impl& s, const httplib::Request& req, httplib::Response& res) {
    GenesysHub& hub = *s.genesys;
    const std::string id = req.matches[1];
    const TimePoint now = SteadyClock::now();
    if (req.method == "PUT" || req.method == "POST") {
        const bool ignore = req.get_param_value("ignoreErrors") == "true";
        const SubscribeAnswer a = hub.subscribe(id, req.body, ignore, req.method == "PUT", now);
        res.status = a.status;
        return res.set_content(a.body, "application/json");
    }
    if (req.method == "DELETE") {
        if (!hub.unsubscribe_all(id, now)) return json_error(res, 404, "not.found", "channel not found");
        res.status = 204;
        return;
    }
    const auto topics = hub.subscriptions(id, now);
    if (!topics) return json_error(res, 404, "not.found", "channel not found");
    std::string body = "{\"entities\":[";
    for (size_t i = 0; i < topics->size(); ++i) {
        body += i ? ",{\"id\":" : "{\"id\":";
        append_json_string(body, (*topics)[i]);
        body += '}';
    }
    res.set_content(body + "]}", "application/json");
}

// Every {"dimension":"queueId","value":...} predicate, however nested in
// predicates and clauses.
void collect_queue_ids(const rapidjson::Value& v, std::vector<std::string>& out) {
    if (!v.IsObject()) return;
    if (v.HasMember("dimension") && v["dimension"].IsString() &&
        std::string_view(v["dimension"].GetString()) == "queueId" && v.HasMember("value") && v["value"].IsString())
        out.emplace_back(v["value"].GetString());
    for (const char* list : {"predicates", "clauses"})
        if (v.HasMember(list) && v[list].IsArray())
            for (const auto& item : v[list].GetArray()) collect_queue_ids(item, out);
}

void handle_query(SimServer::Impl& s, const httplib::Request& req, httplib::Response& res) {
    if (s.genesys->missing(k_queue_permission))
        return json_error(res, 403, "missing.permissions", fmt::format("missing permission {}", k_queue_permission));
    rapidjson::Document doc;
    doc.Parse(req.body.data(), req.body.size());
    if (doc.HasParseError() || !doc.IsObject() || !doc.HasMember("filter"))
        return json_error(res, 400, "bad.request", "the body must be a JSON object with a \"filter\"");
    std::vector<std::string> ids;
    collect_queue_ids(doc["filter"], ids);
    if (ids.empty()) return json_error(res, 400, "bad.request", "the filter names no queueId predicate");
    std::set<std::string> metrics;
    if (doc.HasMember("metrics") && doc["metrics"].IsArray())
        for (const auto& m : doc["metrics"].GetArray())
            if (m.IsString()) metrics.insert(m.GetString());
    res.set_content(s.genesys->query(ids, metrics), "application/json");
}

void handle_user(SimServer::Impl& s, const httplib::Request& req, httplib::Response& res, bool presence) {
    if (s.genesys->missing(k_user_permission))
        return json_error(res, 403, "missing.permissions", fmt::format("missing permission {}", k_user_permission));
    const std::string id = req.matches[1];
    const auto a = s.genesys->agent(id);
    if (!a) return json_error(res, 404, "not.found", fmt::format("user {} not found", id));
    res.set_content(presence ? presence_body(s.genesys->org(), id, a->first, a->second)
                             : routing_status_body(id, a->first, a->second),
                    "application/json");
}

void handle_users(SimServer::Impl& s, const httplib::Request& req, httplib::Response& res) {
    if (s.genesys->missing(k_user_permission))
        return json_error(res, 403, "missing.permissions", fmt::format("missing permission {}", k_user_permission));
    std::string body = "{\"entities\":[";
    size_t n = 0;
    for (size_t i = 0; i < req.get_param_value_count("id"); ++i) {
        const std::string value = req.get_param_value("id", i);
        for (size_t pos = 0; pos <= value.size();) {
            const size_t end = std::min(value.find(',', pos), value.size());
            const std::string id = value.substr(pos, end - pos);
            pos = end + 1;
            const auto a = id.empty() ? std::nullopt : s.genesys->agent(id);
            if (!a) continue;
            body += fmt::format(R"({}{{"id":"{}","name":"{}","presence":{},"routingStatus":{}}})", n++ ? "," : "", id,
                                id, presence_body(s.genesys->org(), id, a->first, a->second),
                                routing_status_body(id, a->first, a->second));
        }
    }
    res.set_content(body + fmt::format(R"(],"pageSize":{},"pageNumber":1,"total":{}}})", n, n), "application/json");
}

bool header_has(const httplib::Request& req, const char* name, std::string_view token) {
    std::string v = req.get_header_value(name);
    std::transform(v.begin(), v.end(), v.begin(), [](unsigned char c) { return std::tolower(c); });
    return v.find(token) != std::string::npos;
}

bool write_all(int fd, std::string_view data) {
    while (!data.empty()) {
        const ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
        if (n > 0) {
            data.remove_prefix(static_cast<size_t>(n));
            continue;
        }
        pollfd p{fd, POLLOUT, 0};
        if (n < 0 && (errno == EAGAIN || errno == EINTR) && ::poll(&p, 1, 5000) > 0) continue;
        return false;
    }
    return true;
}

// The upgrade is answered on the raw socket, which then belongs to the
// WebSocket until it ends; shutting it down afterwards makes httplib's own
// response fail and the connection close.
void handle_upgrade(SimServer::Impl& s, const httplib::Request& req, httplib::Response& res) {
    const std::string id = req.matches[1];
    const std::string key = req.get_header_value("Sec-WebSocket-Key");
    if (!header_has(req, "Upgrade", "websocket") || !header_has(req, "Connection", "upgrade") || key.empty() ||
        req.get_header_value("Sec-WebSocket-Version") != "13") {
        res.set_header("Sec-WebSocket-Version", "13");
        return json_error(res, 426, "upgrade.required", "a WebSocket upgrade (version 13) is expected here");
    }
    const int fd = find_peer_socket(req);
    if (fd < 0) return json_error(res, 500, "internal", "the connection's socket was not found");
    const auto session = s.genesys->attach_socket(id, fd);
    if (!session) return json_error(res, 404, "not.found", fmt::format("channel {} not found", id));
    const std::string head = fmt::format(
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
        "Connection: Upgrade\r\nSec-WebSocket-Accept: {}\r\n\r\n",
        websocket_accept(key));
    if (!write_all(fd, head)) session->close(1001, "upgrade failed");  // serving it then only detaches it
    s.genesys->serve_socket(session);
    ::shutdown(fd, SHUT_RDWR);
    res.status = 500;
}

}  // namespace

void install_genesys_endpoints(SimServer::Impl& s) {
    auto& http = *s.http;
    http.set_payload_max_length(4 * 1024 * 1024);
    http.Post("/oauth/token", [&s](const httplib::Request& req, httplib::Response& res) { handle_token(s, req, res); });
    http.Post("/api/v2/notifications/channels", rest(s, [&s](const httplib::Request& req, httplib::Response& res) {
                  const auto c = s.genesys->create_channel(SteadyClock::now(), bearer(req));
                  res.set_content(channel_json(s, c), "application/json");
              }));
    http.Get("/api/v2/notifications/channels", rest(s, [&s](const httplib::Request& req, httplib::Response& res) {
                 std::string body = "{\"entities\":[";
                 // includechannels=token (the default) or oauthclient: every channel of the client.
                 const bool whole_client = req.get_param_value("includechannels") == "oauthclient";
                 const auto list = s.genesys->channels(SteadyClock::now(), bearer(req), whole_client);
                 for (size_t i = 0; i < list.size(); ++i) body += (i ? "," : "") + channel_json(s, list[i]);
                 res.set_content(body + "]}", "application/json");
             }));
    // HEAD only (httplib routes HEAD to GET handlers): 200 when the channel exists, else 404.
    http.Get(R"(/api/v2/notifications/channels/([^/]+))", rest(s, [&s](const auto& req, auto& res) {
                 if (req.method != "HEAD") return json_error(res, 405, "method.not.allowed", "use HEAD");
                 const std::string id = req.matches[1];
                 res.status = s.genesys->channel_exists(id, SteadyClock::now()) ? 200 : 404;
             }));
    http.Get("/api/v2/notifications/availabletopics", rest(s, [&s](const auto&, auto& res) {
                 res.set_content(s.genesys->available_topics_json(), "application/json");
             }));
    const char* subscriptions = R"(/api/v2/notifications/channels/([^/]+)/subscriptions)";
    const Handler subs = rest(s, [&s](const auto& req, auto& res) { handle_subscriptions(s, req, res); });
    http.Get(subscriptions, subs);
    http.Put(subscriptions, subs);
    http.Post(subscriptions, subs);
    http.Delete(subscriptions, subs);
    http.Post("/api/v2/analytics/queues/observations/query",
              rest(s, [&s](const auto& req, auto& res) { handle_query(s, req, res); }));
    http.Get(R"(/api/v2/users/([^/]+)/routingstatus)",
             rest(s, [&s](const auto& req, auto& res) { handle_user(s, req, res, false); }));
    http.Get(R"(/api/v2/users/([^/]+)/presences/purecloud)",
             rest(s, [&s](const auto& req, auto& res) { handle_user(s, req, res, true); }));
    http.Get("/api/v2/presence/definitions", rest(s, [&s](const httplib::Request&, httplib::Response& res) {
                 ++s.genesys->stats.definition_requests;
                 res.set_content(s.genesys->org().definitions_json(), "application/json");
             }));
    http.Get("/api/v2/users", rest(s, [&s](const auto& req, auto& res) { handle_users(s, req, res); }));
    http.Get(R"(/channels/([^/]+))", [&s](const auto& req, auto& res) { handle_upgrade(s, req, res); });
}

}  // namespace rtwatch::sim::genesys
