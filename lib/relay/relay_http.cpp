// The relay's endpoints: /events, /state, /metrics, /healthz, /readyz and
// the wallboard page, behind the Host, Origin and token checks.
#include <algorithm>
#include <chrono>

#include "host_check.hpp"
#include "relay_impl.hpp"
#include "rtwatch/core/json_text.hpp"
#include "rtwatch/core/version.hpp"
#include "rtwatch/relay/relay.hpp"

namespace rtwatch::relay::detail {

namespace {

constexpr const char* k_json = "application/json";
constexpr std::string_view k_cookie = "rtwatch_viewer_token";

std::string json_error(std::string_view error, std::string_view message, std::string_view parameter = {}) {
    std::string out = "{\"error\":";
    append_json_string(out, error);
    if (!parameter.empty()) {
        out += ",\"parameter\":";
        append_json_string(out, parameter);
    }
    out += ",\"message\":";
    append_json_string(out, message);
    out += "}\n";
    return out;
}

// Equal without an early exit, so a token cannot be guessed by timing.
bool same_secret(std::string_view a, std::string_view b) {
    unsigned char diff = a.size() == b.size() ? 0 : 1;
    for (std::size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i % (b.size() + 1)]);
    return diff == 0;
}

std::string_view cookie_value(std::string_view header, std::string_view name) {
    while (!header.empty()) {
        auto semi = header.find(';');
        auto part = header.substr(0, semi);
        header = semi == std::string_view::npos ? std::string_view() : header.substr(semi + 1);
        while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
        if (part.size() > name.size() && part.starts_with(name) && part[name.size()] == '=')
            return part.substr(name.size() + 1);
    }
    return {};
}

}  // namespace

bool Relay::origin_allowed(ConnId conn, const net::HttpRequest& r, std::string& cors) {
    if (m_server->loopback() && !loopback_host(r.header("host"))) {
        ++m_stats.rejected_origin;
        m_log.warn(m_loop.now(), "host", "refused a request for host {} on a loopback --listen",
                   log::sanitize(r.header("host").substr(0, 200)));
        m_server->respond(
            conn, 403, k_json,
            json_error("forbidden_host", "a loopback relay answers to 127.0.0.1, [::1] or localhost only"));
        return false;
    }
    std::string_view origin = r.header("origin");
    if (origin.empty()) return true;
    if (origin == (m_server->tls() ? "https://" : "http://") + std::string(r.header("host"))) return true;
    if (std::find(m_config.allow_origins.begin(), m_config.allow_origins.end(), origin) !=
        m_config.allow_origins.end()) {
        cors = fmt::format(
            "Access-Control-Allow-Origin: {}\r\nAccess-Control-Allow-Credentials: true\r\nVary: Origin\r\n", origin);
        return true;
    }
    ++m_stats.rejected_origin;
    m_log.warn(m_loop.now(), "origin", "refused a request from origin {} (allow it with --allow-origin)",
               log::sanitize(origin.substr(0, 200)));
    m_server->respond(conn, 403, k_json,
                      json_error("forbidden_origin",
                                 "cross-origin requests are refused; the relay's operator can "
                                 "allow this origin with --allow-origin"),
                      "Vary: Origin\r\n");
    return false;
}

bool Relay::authorized(const net::HttpRequest& r) const {
    if (m_config.viewer_token.empty()) return true;
    std::string_view auth = r.header("authorization");
    if (auth.size() > 7 && (auth.starts_with("Bearer ") || auth.starts_with("bearer ")))
        return same_secret(auth.substr(7), m_config.viewer_token);
    std::string_view cookie = cookie_value(r.header("cookie"), k_cookie);
    return !cookie.empty() && same_secret(cookie, m_config.viewer_token);
}

void Relay::on_request(ConnId conn, const net::HttpRequest& r) {
    std::string cors;
    if (!origin_allowed(conn, r, cors)) return;
    if (r.path == "/healthz") return m_server->respond(conn, 200, k_json, "{\"status\":\"ok\"}\n", cors);
    if (m_serves_viewers && serve_page(conn, r.path)) return;
    bool known = r.path == "/metrics" || r.path == "/readyz" ||
                 (m_serves_viewers && (r.path == "/events" || r.path == "/state"));
    if (!known) return m_server->respond(conn, 404, k_json, json_error("not_found", "no such endpoint"), cors);
    if (!authorized(r)) {
        ++m_stats.rejected_auth;
        m_log.warn(m_loop.now(), "auth", "refused a request without the viewer token");
        return m_server->respond(conn, 401, k_json,
                                 json_error("unauthorized",
                                            "present the viewer token as Authorization: Bearer TOKEN "
                                            "or in the rtwatch_viewer_token cookie"),
                                 cors + "WWW-Authenticate: Bearer\r\n");
    }
    if (r.path == "/metrics")
        return m_server->respond(conn, 200, "text/plain; version=0.0.4; charset=utf-8",
                                 metrics_text(stats(), k_version), cors);
    if (r.path == "/readyz") return serve_readyz(conn);
    if (r.path == "/state") return serve_state(conn, r, cors);
    serve_events(conn, r, cors);
}

std::optional<ViewerSelection> Relay::selection_of(ConnId conn, const net::HttpRequest& r) {
    SelectionError error;
    auto selection = parse_selection(r.query, m_config, error);
    if (!selection) {
        ++m_stats.rejected_parameter;
        m_server->respond(conn, 400, k_json, json_error("bad_parameter", error.message, error.parameter));
    }
    return selection;
}

void Relay::serve_events(ConnId conn, const net::HttpRequest& r, const std::string& cors) {
    auto selection = selection_of(conn, r);
    if (!selection) return;
    if (m_draining || m_viewers.size() >= m_config.max_viewers) {
        ++m_stats.rejected_max_viewers;
        m_log.warn(m_loop.now(), "max_viewers", "refused a viewer: {} are connected (--max-viewers)", m_viewers.size());
        return m_server->respond(
            conn, 503, k_json,
            json_error("too_many_viewers", "the relay serves its --max-viewers already; retry later"),
            cors + "Retry-After: 5\r\n");
    }
    m_server->start_stream(conn, "text/event-stream; charset=utf-8", cors + "X-Accel-Buffering: no\r\n");
    ViewerContext context{[this](std::uint64_t seq) { return event_id(seq); },
                          [this](const Record& record) { return levels_of(record); }, &m_stats.conflated};
    auto viewer = std::make_unique<Viewer>(conn, std::move(*selection), *m_server, std::move(context));
    Viewer& v = *viewer;
    m_viewers.emplace(conn, std::move(viewer));
    ++m_stats.viewers_connected;
    m_server->send(conn, "retry: 2000\n\n");
    std::string_view last = r.header("last-event-id");
    std::string reason;
    if (!last.empty() && resume(v, last, reason)) return;
    if (!last.empty())
        v.push(sse_event("resync", event_id(m_seq),
                         fmt::format(R"({{"type":"resync","reason":"{}","event_id":"{}"}})", reason, event_id(m_seq))),
               nullptr);
    send_snapshot(v);
}

void Relay::serve_state(ConnId conn, const net::HttpRequest& r, const std::string& cors) {
    auto selection = selection_of(conn, r);
    if (!selection) return;
    const WallTime wall = WallClock::now();
    std::string body = fmt::format(R"({{"type":"state","event_id":"{}","upstream":)", event_id(m_seq));
    append_json_string(body, m_upstream_connected ? "connected" : "disconnected");
    body += fmt::format(R"(,"data_age_ms":{},"resources":[)", static_cast<long long>(data_age_seconds() * 1000));
    StateCollector collected;
    std::optional<app::Config> config;
    std::optional<app::Pipeline> stages;
    if (selection->staged()) {
        config.emplace(stage_config(*selection));
        stages.emplace(*config);
        stages->add_sink(collected);
        stages->begin_batch(wall);
    }
    if (!selection->levels_only)
        m_pipeline.committed().for_each_committed(m_scratch, [&](const Record& rec) {
            if (!selection->wants(rec.kind, rec.id)) return;
            if (stages) {
                m_copy = rec;
                return stages->on_record(m_copy, m_loop.now());
            }
            collected.metrics(rec, {}, wall);
        });
    body += collected.lines;
    body += "]}\n";
    m_server->respond(conn, 200, k_json, body, cors);
}

double Relay::data_age_seconds() const {
    auto last = m_last_input();
    return std::chrono::duration<double>(m_loop.now() - (last ? *last : m_started)).count();
}

std::optional<std::string> Relay::not_ready_reason() const {
    if (m_config.mode == app::Mode::replay) return std::nullopt;  // no upstream to wait for
    if (!m_upstream_connected) return std::string("the upstream is not connected");
    auto age = data_age_seconds();
    if (age * 1000 > static_cast<double>(m_config.stale_after.count()))
        return fmt::format("no upstream bytes for {:.1f}s (--stale-after {})", age,
                           format_duration(m_config.stale_after));
    return std::nullopt;
}

void Relay::serve_readyz(ConnId conn) {
    auto reason = not_ready_reason();
    if (!reason) return m_server->respond(conn, 200, k_json, "{\"status\":\"ready\"}\n");
    std::string body = "{\"status\":\"not_ready\",\"reason\":";
    append_json_string(body, *reason);
    body += "}\n";
    m_server->respond(conn, 503, k_json, body, "Retry-After: 1\r\n");
}

RunStats Relay::stats() const {
    RunStats s = m_stats;
    s.viewers = m_viewers.size();
    s.upstream_connected = m_upstream_connected;
    const auto& counters = m_pipeline.counters();
    s.upstream_events = counters.events;
    s.records = counters.records;
    s.bad_events = counters.bad_events;
    s.data_age_seconds = data_age_seconds();
    s.history = m_history.size();
    s.history_bytes = m_history.bytes();
    if (m_broker_stats) {
        auto b = m_broker_stats();
        s.upstream_holder = b.holder ? 1 : 0;
        s.broker_stored = b.stored;
        s.broker_refused = b.refused;
        s.broker_unconfirmed = b.unconfirmed;
        s.broker_stale_dropped = b.stale_dropped;
    }
    const auto& http = m_server->counters();
    s.rejected_head = http.head_too_large;
    s.rejected_head_timeout = http.head_timeout;
    s.rejected_full = http.refused_full;
    s.accept_paused = http.accept_paused;
    return s;
}

}  // namespace rtwatch::relay::detail
