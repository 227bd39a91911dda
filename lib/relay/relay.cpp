// The relay: a sink of the run that numbers every committed record, level
// and status change, keeps the last --history of them for resume, and fans
// them out to the viewers; plus the HTTP endpoints around that state.
#include "rtwatch/relay/relay.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <deque>
#include <unordered_map>

#include <fmt/format.h>

#include "metrics_text.hpp"
#include "rtwatch/core/json_text.hpp"
#include "rtwatch/core/log.hpp"
#include "rtwatch/core/version.hpp"
#include "rtwatch/net/http_server.hpp"
#include "rtwatch/net/loop.hpp"
#include "rtwatch/output/ndjson.hpp"
#include "selection.hpp"
#include "viewer.hpp"

namespace rtwatch::relay {

namespace {

using net::HttpServer;
using ConnId = HttpServer::ConnId;

constexpr Millis k_tick{1000};
constexpr Millis k_log_every{10'000};
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

// The same message at most once per k_log_every, with a count of the rest:
// a flood of bad requests cannot flood the log.
class LogLimiter {
public:
    template <class... Args>
    void warn(TimePoint now, std::string_view key, fmt::format_string<Args...> f, Args&&... args) {
        auto& e = m_entries[std::string(key)];
        if (e.logged && now - *e.logged < k_log_every) {
            ++e.suppressed;
            return;
        }
        std::string text = fmt::format(f, std::forward<Args>(args)...);
        if (e.suppressed) text += fmt::format(" ({} more like it in the last {}s)", e.suppressed, k_log_every.count() / 1000);
        log::warn("{}", text);
        e.logged = now;
        e.suppressed = 0;
    }

private:
    struct Entry {
        std::optional<TimePoint> logged;
        std::uint64_t suppressed = 0;
    };
    std::unordered_map<std::string, Entry> m_entries;
};

enum class Kind { metrics, level, status };

struct HistoryEntry {
    std::uint64_t seq = 0;
    Kind kind = Kind::metrics;
    ResourceKind resource = ResourceKind::queue;
    std::string id;
    std::string text;  // the SSE event
};

// A /state answer for a selection with stages: the committed records through them.
class StateCollector final : public app::RecordSink {
public:
    std::string lines;
    std::size_t count = 0;
    void metrics(const Record& record, std::span<const std::string_view>, WallTime now) override {
        if (count++) lines += ',';
        output::append_metrics_line(lines, record, {}, now);
        if (!lines.empty() && lines.back() == '\n') lines.pop_back();
    }
    void status(const app::StatusChange&, WallTime) override {}
};

class Relay final : public app::RecordSink {
public:
    Relay(app::RunContext& context, std::unique_ptr<HttpServer> server, bool viewers);
    ~Relay() override;

    void metrics(const Record& record, std::span<const std::string_view> changed, WallTime now) override {
        publish_metrics(record, changed, {}, now);
    }
    void leveled_metrics(const Record& record, std::span<const std::string_view> changed,
                         std::span<const output::NamedLevel> levels, WallTime now) override {
        remember_levels(record, levels);
        publish_metrics(record, changed, levels, now);
    }
    void level(const output::LevelLine& change, WallTime now) override;
    void status(const app::StatusChange& change, WallTime now) override;
    void drain(std::function<void()> done) override;

private:
    std::string event_id(std::uint64_t seq) const { return fmt::format("{}-{}", m_epoch, seq); }
    void publish_metrics(const Record& record, std::span<const std::string_view> changed,
                         std::span<const output::NamedLevel> levels, WallTime now);
    void remember(Kind kind, ResourceKind resource, std::string_view id, const std::string& text);
    void remember_levels(const Record& record, std::span<const output::NamedLevel> levels);
    std::span<const output::NamedLevel> levels_of(const Record& record);

    void on_request(ConnId conn, const net::HttpRequest& r);
    bool origin_allowed(ConnId conn, const net::HttpRequest& r, std::string& cors);
    bool authorized(const net::HttpRequest& r) const;
    void serve_events(ConnId conn, const net::HttpRequest& r, const std::string& cors);
    void serve_state(ConnId conn, const net::HttpRequest& r, const std::string& cors);
    void serve_readyz(ConnId conn);
    std::optional<ViewerSelection> selection_of(ConnId conn, const net::HttpRequest& r);
    void send_snapshot(Viewer& v);
    bool resume(Viewer& v, std::string_view last_event_id, std::string& reason);
    void deliver(Viewer& v, const HistoryEntry& e);
    bool wants(const Viewer& v, Kind kind, ResourceKind resource, std::string_view id) const;
    void feed_staged(Viewer& v, const Record& record, bool snapshot);
    void arm_viewer_timer(Viewer& v);
    void cut(ConnId conn, std::uint64_t& counter);
    void on_closed(ConnId conn);
    void tick();
    RunStats stats() const;
    double data_age_seconds() const;
    std::optional<std::string> not_ready_reason() const;

    const app::Config& m_config;
    net::Loop& m_loop;
    app::Pipeline& m_pipeline;
    std::function<std::optional<TimePoint>()> m_last_input;
    std::unique_ptr<HttpServer> m_server;
    bool m_serves_viewers;
    std::string m_epoch;
    std::uint64_t m_seq = 0;
    // --broker: ids are the tenant's stream sequences, the same on every
    // relay, so a viewer resumes on any of them; history entries are
    // sparse, and complete after the last one trimmed
    bool m_broker = false;
    std::uint64_t m_history_floor = 0;
    std::function<bool()> m_upstream_holder;
    void next_seq(std::string_view stream_seq);
    std::deque<HistoryEntry> m_history;
    std::unordered_map<ConnId, std::unique_ptr<Viewer>> m_viewers;
    std::unordered_map<diff::ResourceKey, std::vector<std::pair<std::string, std::string>>, diff::ResourceKeyHash,
                       diff::ResourceKeyEqual>
        m_levels;
    std::vector<output::NamedLevel> m_level_view;
    std::string m_status_line;  // the latest status record, for new viewers
    bool m_upstream_connected = false;
    TimePoint m_started;
    TimePoint m_last_heartbeat;
    std::optional<net::Loop::Id> m_tick;
    bool m_draining = false;
    RunStats m_stats;
    LogLimiter m_log;
    Record m_scratch, m_copy;
    std::string m_line;
};

Relay::Relay(app::RunContext& context, std::unique_ptr<HttpServer> server, bool viewers)
    : m_config(context.config),
      m_loop(context.loop),
      m_pipeline(context.pipeline),
      m_last_input(context.last_input),
      m_server(std::move(server)),
      m_serves_viewers(viewers),
      m_started(context.loop.now()),
      m_last_heartbeat(context.loop.now()) {
    auto wall_ms = std::chrono::duration_cast<std::chrono::milliseconds>(WallClock::now().time_since_epoch()).count();
    m_epoch = fmt::format("{:x}{:04x}", wall_ms, static_cast<unsigned>(::getpid()) & 0xffff);
    m_broker = !context.config.broker_urls.empty();
    if (m_broker) m_epoch = "b" + context.config.tenant;
    m_upstream_holder = context.upstream_holder;
    m_server->on_request([this](ConnId c, const net::HttpRequest& r) { on_request(c, r); });
    m_server->on_closed([this](ConnId c) { on_closed(c); });
    m_server->on_drained([this](ConnId c) {
        if (auto it = m_viewers.find(c); it != m_viewers.end()) it->second->pump();
    });
    m_tick = m_loop.add_timer(m_loop.now() + k_tick, [this] { tick(); });
}

Relay::~Relay() {
    if (m_tick) m_loop.cancel_timer(*m_tick);
    for (auto& [conn, v] : m_viewers)
        if (v->timer) m_loop.cancel_timer(*v->timer);
}

// --- what the run commits --------------------------------------------------

void Relay::publish_metrics(const Record& record, std::span<const std::string_view> changed,
                            std::span<const output::NamedLevel> levels, WallTime now) {
    if (!m_serves_viewers || m_config.levels_only) return;  // --levels-only: level and status records only
    m_line.clear();
    if (levels.empty()) output::append_metrics_line(m_line, record, changed, now);
    else output::append_metrics_line(m_line, record, changed, levels, now);
    m_line.pop_back();  // the newline: an SSE data line has none
    next_seq(record.event_id);
    std::string text = sse_event("metrics", event_id(m_seq), m_line);
    auto key = diff::key_of(record);
    for (auto& [conn, v] : m_viewers) {
        if (v->selection().levels_only || !v->selection().wants(record.kind, record.id)) continue;
        if (v->staged()) feed_staged(*v, record, false);
        else v->push(text, &key);  // keyed: conflated, never overflows
    }
    remember(Kind::metrics, record.kind, record.id, text);
}

void Relay::level(const output::LevelLine& change, WallTime now) {
    if (!m_serves_viewers) return;
    m_line.clear();
    output::append_level_line(m_line, change, now);
    m_line.pop_back();
    next_seq({});
    std::string text = sse_event("level", event_id(m_seq), m_line);
    std::vector<ConnId> overflow;
    for (auto& [conn, v] : m_viewers)
        if (v->selection().wants(change.kind, change.id) && !v->push(text, nullptr)) overflow.push_back(conn);
    for (ConnId c : overflow) cut(c, m_stats.disconnect_overflow);
    remember(Kind::level, change.kind, change.id, text);
}

void Relay::status(const app::StatusChange& change, WallTime now) {
    using app::UpstreamStatus;
    switch (change.status) {
        case UpstreamStatus::connected: m_upstream_connected = true; break;
        case UpstreamStatus::token_refreshed: ++m_stats.token_refreshes; break;
        case UpstreamStatus::token_acquired: break;
        case UpstreamStatus::reconnecting: ++m_stats.reconnects; [[fallthrough]];
        default: m_upstream_connected = false; break;
    }
    if (!m_serves_viewers) return;
    m_line.clear();
    output::ConnectedFields fields{change.event_id, change.resumed};
    output::append_status_line(m_line, now, app::status_name(change.status), change.message,
                               change.status == UpstreamStatus::connected ? &fields : nullptr);
    m_line.pop_back();
    m_status_line = m_line;
    next_seq({});
    std::string text = sse_event("status", event_id(m_seq), m_line);
    std::vector<ConnId> overflow;
    for (auto& [conn, v] : m_viewers)
        if (!v->push(text, nullptr, true)) overflow.push_back(conn);
    for (ConnId c : overflow) cut(c, m_stats.disconnect_overflow);
    remember(Kind::status, ResourceKind::queue, {}, text);
}

void Relay::remember(Kind kind, ResourceKind resource, std::string_view id, const std::string& text) {
    m_history.push_back(HistoryEntry{m_seq, kind, resource, std::string(id), text});
    while (m_history.size() > m_config.history) {
        m_history_floor = m_history.front().seq;
        m_history.pop_front();
    }
}

// A broker's record carries its stream sequence; other events (levels,
// local status) share the id of the record before them.
void Relay::next_seq(std::string_view stream_seq) {
    if (!m_broker) {
        ++m_seq;
        return;
    }
    std::uint64_t seq = 0;
    for (char c : stream_seq) {
        if (c < '0' || c > '9') return;
        seq = seq * 10 + static_cast<std::uint64_t>(c - '0');
    }
    m_seq = std::max(m_seq, seq);
}

void Relay::remember_levels(const Record& record, std::span<const output::NamedLevel> levels) {
    auto& stored = m_levels[diff::ResourceKey(diff::key_of(record))];
    stored.clear();
    for (const auto& l : levels) stored.emplace_back(std::string(l.metric), std::string(l.level));
}

std::span<const output::NamedLevel> Relay::levels_of(const Record& record) {
    m_level_view.clear();
    auto it = m_levels.find(diff::key_of(record));
    if (it == m_levels.end()) return {};
    for (const auto& [metric, level] : it->second) m_level_view.push_back(output::NamedLevel{metric, level});
    return m_level_view;
}

// --- viewers ---------------------------------------------------------------

bool Relay::wants(const Viewer& v, Kind kind, ResourceKind resource, std::string_view id) const {
    if (kind == Kind::status) return true;
    if (kind == Kind::metrics && v.selection().levels_only) return false;
    return v.selection().wants(resource, id);
}

void Relay::feed_staged(Viewer& v, const Record& record, bool snapshot) {
    m_copy = record;
    v.feed(m_copy, m_seq, m_loop.now(), WallClock::now(), snapshot);
    arm_viewer_timer(v);
}

// A staged viewer's throttle releases held records at its window's end.
void Relay::arm_viewer_timer(Viewer& v) {
    auto due = v.next_deadline();
    if (!due || (v.timer_at && *v.timer_at <= *due)) return;
    if (v.timer) m_loop.cancel_timer(*v.timer);
    v.timer_at = due;
    ConnId conn = v.conn();
    v.timer = m_loop.add_timer(*due, [this, conn] {
        auto it = m_viewers.find(conn);
        if (it == m_viewers.end()) return;
        Viewer& viewer = *it->second;
        viewer.timer.reset();
        viewer.timer_at.reset();
        viewer.on_deadline(m_loop.now(), WallClock::now());
        arm_viewer_timer(viewer);
    });
}

void Relay::send_snapshot(Viewer& v) {
    const std::string id = event_id(m_seq);
    const WallTime wall = WallClock::now();
    if (!v.selection().levels_only && !m_config.levels_only) {
        m_pipeline.committed().for_each_committed(m_scratch, [&](const Record& r) {
            if (!v.selection().wants(r.kind, r.id)) return;
            if (v.staged()) return feed_staged(v, r, true);
            m_line.clear();
            auto levels = levels_of(r);
            if (levels.empty()) output::append_metrics_line(m_line, r, {}, wall);
            else output::append_metrics_line(m_line, r, {}, levels, wall);
            m_line.pop_back();
            auto key = diff::key_of(r);
            v.push(sse_event("snapshot", id, m_line), &key);
        });
    }
    if (!m_status_line.empty()) v.push(sse_event("status", id, m_status_line), nullptr, true);
    v.push(sse_event("ready", id, fmt::format(R"({{"type":"ready","event_id":"{}"}})", id)), nullptr);
}

// Last-Event-ID inside the history of this epoch: the events after it.
bool Relay::resume(Viewer& v, std::string_view last, std::string& reason) {
    auto dash = last.rfind('-');
    if (dash == std::string_view::npos || last.substr(0, dash) != m_epoch) {
        reason = "unknown_epoch";
        return false;
    }
    std::uint64_t seq = 0;
    auto digits = last.substr(dash + 1);
    if (digits.empty() || digits.size() > 19 ||
        !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        reason = "bad_id";
        return false;
    }
    for (char c : digits) seq = seq * 10 + static_cast<std::uint64_t>(c - '0');
    if (m_broker ? seq > m_seq || seq < m_history_floor : seq > m_seq || seq + m_history.size() < m_seq) {
        reason = "outside_history";
        return false;
    }
    if (v.staged()) {
        // Its own stages' state at that id is not kept: a fresh picture is the honest answer.
        reason = "staged_selection";
        return false;
    }
    for (const auto& e : m_history)
        if (e.seq > seq) deliver(v, e);
    return true;
}

void Relay::deliver(Viewer& v, const HistoryEntry& e) {
    if (!wants(v, e.kind, e.resource, e.id)) return;
    diff::ResourceKeyView key{e.resource, e.id};
    v.push(e.text, e.kind == Kind::metrics ? &key : nullptr, e.kind == Kind::status);
}

void Relay::cut(ConnId conn, std::uint64_t& counter) {
    auto it = m_viewers.find(conn);
    if (it == m_viewers.end()) return;
    if (it->second->timer) m_loop.cancel_timer(*it->second->timer);
    m_viewers.erase(it);
    m_server->abort(conn);
    ++counter;
}

void Relay::on_closed(ConnId conn) {
    auto it = m_viewers.find(conn);
    if (it == m_viewers.end()) return;
    if (it->second->timer) m_loop.cancel_timer(*it->second->timer);
    m_viewers.erase(it);
    ++m_stats.disconnect_closed;
}

// Once a second: heads and closes that overran, viewers that stopped
// reading, heartbeats.
void Relay::tick() {
    m_tick.reset();
    TimePoint now = m_loop.now();
    auto before = m_server->counters();
    m_server->sweep(now);
    if (m_server->counters().head_timeout > before.head_timeout)
        m_log.warn(now, "head_timeout", "closed a connection that did not send its request head within {} (--header-timeout)",
                   format_duration(m_config.header_timeout));
    std::vector<ConnId> stuck;
    for (auto& [conn, v] : m_viewers)
        if (m_server->unsent(conn) > 0 && now - m_server->last_progress(conn) >= m_config.viewer_timeout)
            stuck.push_back(conn);
    for (ConnId conn : stuck) {
        m_log.warn(now, "viewer_timeout", "disconnected a viewer that read nothing for {} (--viewer-timeout)",
                   format_duration(m_config.viewer_timeout));
        cut(conn, m_stats.disconnect_timeout);
    }
    if (now - m_last_heartbeat >= m_config.heartbeat) {
        m_last_heartbeat = now;
        for (auto& [conn, v] : m_viewers)
            if (v->pending() == 0 && m_server->unsent(conn) == 0) m_server->send(conn, ": heartbeat\n\n");
    }
    if (!m_draining) m_tick = m_loop.add_timer(now + k_tick, [this] { tick(); });
}

void Relay::drain(std::function<void()> done) {
    m_draining = true;
    m_server->stop_listening();
    for (auto& [conn, v] : m_viewers) {
        if (v->timer) m_loop.cancel_timer(*v->timer);
        v->flush_all();
        m_server->close_stream(conn);
        ++m_stats.disconnect_shutdown;
    }
    m_viewers.clear();
    // Each close is bounded by the server's drain timeout; check until all are gone.
    auto until = m_loop.now() + Millis(2500);
    auto check = std::make_shared<std::function<void()>>();
    *check = [this, until, done = std::move(done), check]() mutable {
        m_server->sweep(m_loop.now());
        if (m_server->connections() == 0 || m_loop.now() >= until) {
            auto finish = std::move(done);
            *check = nullptr;  // breaks the cycle
            return finish();
        }
        m_loop.add_timer(m_loop.now() + Millis(20), [check] {
            if (*check) (*check)();
        });
    };
    (*check)();
}

// --- HTTP ------------------------------------------------------------------

// A loopback relay answers only to loopback names: a page whose DNS name
// was rebound to 127.0.0.1 sends its own name as Host, and is refused.
bool loopback_host(std::string_view host) {
    auto colon = host.rfind(':');
    if (colon != std::string_view::npos && host.find(']') != std::string_view::npos && colon < host.find(']'))
        colon = std::string_view::npos;  // [::1] without a port
    auto name = host.substr(0, colon);
    return name == "localhost" || name.starts_with("127.") || name == "[::1]";
}

bool Relay::origin_allowed(ConnId conn, const net::HttpRequest& r, std::string& cors) {
    if (m_server->loopback() && !loopback_host(r.header("host"))) {
        ++m_stats.rejected_origin;
        m_log.warn(m_loop.now(), "host", "refused a request for host {} on a loopback --listen",
                   log::sanitize(r.header("host").substr(0, 200)));
        m_server->respond(conn, 403, k_json,
                          json_error("forbidden_host", "a loopback relay answers to 127.0.0.1, [::1] or localhost only"));
        return false;
    }
    std::string_view origin = r.header("origin");
    if (origin.empty()) return true;
    if (origin == "http://" + std::string(r.header("host"))) return true;
    if (std::find(m_config.allow_origins.begin(), m_config.allow_origins.end(), origin) !=
        m_config.allow_origins.end()) {
        cors = fmt::format("Access-Control-Allow-Origin: {}\r\nAccess-Control-Allow-Credentials: true\r\nVary: Origin\r\n",
                           origin);
        return true;
    }
    ++m_stats.rejected_origin;
    m_log.warn(m_loop.now(), "origin", "refused a request from origin {} (allow it with --allow-origin)",
               log::sanitize(origin.substr(0, 200)));
    m_server->respond(conn, 403, k_json,
                      json_error("forbidden_origin", "cross-origin requests are refused; the relay's operator can "
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
    if (m_serves_viewers && (r.path == "/" || r.path == "/index.html"))
        return m_server->respond(conn, 200, "text/html; charset=utf-8", wallboard_html(),
                                 "Content-Security-Policy: default-src 'self'; style-src 'self' 'unsafe-inline'; "
                                 "script-src 'self' 'unsafe-inline'\r\nReferrer-Policy: no-referrer\r\n");
    bool known = r.path == "/metrics" || r.path == "/readyz" ||
                 (m_serves_viewers && (r.path == "/events" || r.path == "/state"));
    if (!known) return m_server->respond(conn, 404, k_json, json_error("not_found", "no such endpoint"), cors);
    if (!authorized(r)) {
        ++m_stats.rejected_auth;
        m_log.warn(m_loop.now(), "auth", "refused a request without the viewer token");
        return m_server->respond(conn, 401, k_json,
                                 json_error("unauthorized", "present the viewer token as Authorization: Bearer TOKEN "
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
        m_log.warn(m_loop.now(), "max_viewers", "refused a viewer: {} are connected (--max-viewers)",
                   m_viewers.size());
        return m_server->respond(conn, 503, k_json,
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
        return fmt::format("no upstream bytes for {:.1f}s (--stale-after {})", age, format_duration(m_config.stale_after));
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
    if (m_upstream_holder) s.upstream_holder = m_upstream_holder() ? 1 : 0;
    const auto& http = m_server->counters();
    s.rejected_head = http.head_too_large;
    s.rejected_head_timeout = http.head_timeout;
    s.rejected_full = http.refused_full;
    return s;
}

std::string url_of(const HttpServer& server) {
    bool v6 = server.host().find(':') != std::string::npos;
    return fmt::format("http://{}{}{}:{}", v6 ? "[" : "", server.host(), v6 ? "]" : "", server.port());
}

net::HttpServerOptions server_options(const app::Config& config) {
    net::HttpServerOptions o;
    // Viewers, plus room for the short requests around them (/state, /metrics, a 503).
    o.max_connections = config.max_viewers + 256;
    o.head_timeout = config.header_timeout;
    o.send_buffer = 32 * 1024;
    return o;
}

}  // namespace

Result<std::unique_ptr<app::RecordSink>> make_relay(app::RunContext& context) {
    // One descriptor per viewer: the soft limit (often 1024) goes up to the hard one.
    rlimit files{};
    if (::getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur < files.rlim_max) {
        files.rlim_cur = files.rlim_max;
        ::setrlimit(RLIMIT_NOFILE, &files);
    }
    auto server = HttpServer::listen(context.loop, context.config.listen, server_options(context.config));
    if (!server) return make_error(server.error().code, fmt::format("--listen: {}", server.error().message));
    std::string line = fmt::format(R"({{"type":"listening","url":"{}"}})"
                                   "\n",
                                   url_of(**server));
    if (::write(STDOUT_FILENO, line.data(), line.size()) != static_cast<ssize_t>(line.size()))
        return make_error(ExitCode::output, "cannot write the listening line to stdout");
    log::info("relay: serving viewers on {}", url_of(**server));
    return std::unique_ptr<app::RecordSink>(new Relay(context, std::move(*server), true));
}

Result<std::unique_ptr<app::RecordSink>> make_metrics_server(app::RunContext& context) {
    auto server = HttpServer::listen(context.loop, context.config.metrics_listen, net::HttpServerOptions{});
    if (!server) return make_error(server.error().code, fmt::format("--metrics-listen: {}", server.error().message));
    log::info("serving /metrics on {}/metrics", url_of(**server));
    return std::unique_ptr<app::RecordSink>(new Relay(context, std::move(*server), false));
}

}  // namespace rtwatch::relay
