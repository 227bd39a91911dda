// The relay: a sink of the run that numbers every committed record, level
// and status change, keeps the last --history of them for resume, and fans
// them out to the viewers. The HTTP endpoints are in relay_http.cpp.
#include "rtwatch/relay/relay.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>

#include "relay_impl.hpp"

namespace rtwatch::relay {

namespace detail {

Relay::Relay(app::RunContext& context, std::unique_ptr<HttpServer> server, bool viewers, Board board)
    : m_config(context.config),
      m_loop(context.loop),
      m_pipeline(context.pipeline),
      m_last_input(context.last_input),
      m_server(std::move(server)),
      m_serves_viewers(viewers),
      m_history(context.config.history, context.config.history_bytes),
      m_started(context.loop.now()),
      m_last_heartbeat(context.loop.now()),
      m_board(std::move(board)) {
    auto wall_ms = std::chrono::duration_cast<std::chrono::milliseconds>(WallClock::now().time_since_epoch()).count();
    m_epoch = fmt::format("{:x}{:04x}", wall_ms, static_cast<unsigned>(::getpid()) & 0xffff);
    m_broker = !context.config.broker_urls.empty();
    if (m_broker) m_epoch = "b" + context.config.tenant;
    m_broker_stats = context.broker;
    m_server->on_request([this](ConnId c, const net::HttpRequest& r) { on_request(c, r); });
    m_server->on_closed([this](ConnId c) { on_closed(c); });
    m_server->on_drained([this](ConnId c) {
        if (auto it = m_viewers.find(c); it != m_viewers.end()) it->second->pump();
    });
    m_tick = m_loop.add_timer(m_loop.now() + k_tick, [this] { tick(); });
}

Relay::~Relay() {
    if (m_tick) m_loop.cancel_timer(*m_tick);
    if (m_drain_timer) m_loop.cancel_timer(*m_drain_timer);
    for (auto& [conn, v] : m_viewers)
        if (v->timer) m_loop.cancel_timer(*v->timer);
}

// --- what the run commits --------------------------------------------------

void Relay::publish_metrics(const Record& record, std::span<const std::string_view> changed,
                            std::span<const output::NamedLevel> levels, WallTime now) {
    if (!m_serves_viewers || m_config.levels_only) return;  // --levels-only: level and status records only
    m_line.clear();
    if (levels.empty())
        output::append_metrics_line(m_line, record, changed, now);
    else
        output::append_metrics_line(m_line, record, changed, levels, now);
    m_line.pop_back();  // the newline: an SSE data line has none
    next_seq(record.event_id);
    std::string text = sse_event("metrics", event_id(m_seq), m_line);
    auto key = diff::key_of(record);
    for (auto& [conn, v] : m_viewers) {
        if (v->selection().levels_only || !v->selection().wants(record.kind, record.id)) continue;
        if (v->staged())
            feed_staged(*v, record, false);
        else
            v->push(text, &key);  // keyed: conflated, never overflows
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
        case UpstreamStatus::connected:
            m_upstream_connected = true;
            break;
        case UpstreamStatus::token_refreshed:
            ++m_stats.token_refreshes;
            break;
        case UpstreamStatus::token_acquired:
            break;
        case UpstreamStatus::reconnecting:
            ++m_stats.reconnects;
            [[fallthrough]];
        default:
            m_upstream_connected = false;
            break;
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
    m_history.push(HistoryEntry{m_seq, kind, resource, std::string(id), text});
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
            if (levels.empty())
                output::append_metrics_line(m_line, r, {}, wall);
            else
                output::append_metrics_line(m_line, r, {}, levels, wall);
            m_line.pop_back();
            m_board.annotate(m_line, r);
            auto key = diff::key_of(r);
            v.push(sse_event("snapshot", id, m_line), &key);
        });
    }
    v.push(sse_event("meta", id, m_board.meta(v.selection())), nullptr);
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
    if (!m_history.covers(seq, m_seq)) {
        reason = "outside_history";
        return false;
    }
    if (v.staged()) {
        // Its own stages' state at that id is not kept: a fresh picture is the honest answer.
        reason = "staged_selection";
        return false;
    }
    // Every event after the id, none conflated with a newer one: more than
    // a viewer may have waiting is a resync, never a gap.
    std::vector<const HistoryEntry*> replay;
    auto wanted = [&](const HistoryEntry& e) { return wants(v, e.kind, e.resource, e.id); };
    if (!m_history.after(seq, wanted, k_max_pending_unkeyed, replay)) {
        reason = "too_far_behind";
        return false;
    }
    for (const HistoryEntry* e : replay) v.push(e->text, nullptr);
    return true;
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
        m_log.warn(now, "head_timeout",
                   "closed a connection that did not send its request head within {} (--header-timeout)",
                   format_duration(m_config.header_timeout));
    warn_descriptors(now);
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

// Accepting paused for lack of descriptors since the last tick: said once
// per k_log_every with the counts, never once per failing accept.
void Relay::warn_descriptors(TimePoint now) {
    const auto& after = m_server->counters();
    const std::uint64_t since = after.accept_paused - m_accept_paused_seen;
    m_accept_paused_seen = after.accept_paused;
    if (since == 0) return;
    rlimit files{};
    ::getrlimit(RLIMIT_NOFILE, &files);
    m_log.warn(now, "descriptors",
               "out of file descriptors ({}): stopped accepting connections for {} {} times in the last {}s "
               "({} connections open, open-files limit {}, {} times in all); raise the limit (ulimit -n, "
               "LimitNOFILE=) or lower --max-viewers",
               std::strerror(after.accept_errno), format_duration(m_server->accept_pause()), since,
               k_tick.count() / 1000, m_server->connections(), static_cast<unsigned long long>(files.rlim_cur),
               after.accept_paused);
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
    m_drain_until = m_loop.now() + Millis(2500);
    m_drain_done = std::move(done);
    drain_step();
}

void Relay::drain_step() {
    m_server->sweep(m_loop.now());
    if (m_server->connections() == 0 || m_loop.now() >= m_drain_until) {
        auto done = std::move(m_drain_done);
        m_drain_done = nullptr;
        if (done) done();
        return;
    }
    m_drain_timer = m_loop.add_timer(m_loop.now() + Millis(20), [this] {
        m_drain_timer.reset();
        drain_step();
    });
}

std::string url_of(const HttpServer& server) {
    bool v6 = server.host().find(':') != std::string::npos;
    return fmt::format("{}://{}{}{}:{}", server.tls() ? "https" : "http", v6 ? "[" : "", server.host(), v6 ? "]" : "",
                       server.port());
}

net::HttpServerOptions server_options(const app::Config& config) {
    net::HttpServerOptions o;
    // Viewers, plus room for the short requests around them (/state, /metrics, a 503).
    o.max_connections = config.max_viewers + 256;
    o.head_timeout = config.header_timeout;
    o.send_buffer = 32 * 1024;
    return o;
}

}  // namespace detail

using detail::HttpServer;
using detail::Relay;
using detail::server_options;
using detail::url_of;

Result<std::unique_ptr<app::RecordSink>> make_relay(app::RunContext& context) {
    auto board = Board::make(context.config);
    if (!board) return board.error();
    // One descriptor per viewer: the soft limit (often 1024) goes up to the hard one.
    rlimit files{};
    if (::getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur < files.rlim_max) {
        files.rlim_cur = files.rlim_max;
        ::setrlimit(RLIMIT_NOFILE, &files);
    }
    auto server = HttpServer::listen(context.loop, context.config.listen, server_options(context.config));
    if (!server) return make_error(server.error().code, fmt::format("--listen: {}", server.error().message));
    if (!context.config.tls_cert.empty()) {
        auto tls = net::TlsServerContext::load(context.config.tls_cert, context.config.tls_key);
        if (!tls) return tls.error();
        log::info("relay: TLS with the certificate of {}", (*tls)->subject());
        (*server)->use_tls(std::move(*tls));
    }
    std::string line = fmt::format(R"({{"type":"listening","url":"{}"}})"
                                   "\n",
                                   url_of(**server));
    if (::write(STDOUT_FILENO, line.data(), line.size()) != static_cast<ssize_t>(line.size()))
        return make_error(ExitCode::output, "cannot write the listening line to stdout");
    log::info("relay: serving viewers on {}", url_of(**server));
    return std::unique_ptr<app::RecordSink>(new Relay(context, std::move(*server), true, std::move(*board)));
}

Result<std::unique_ptr<app::RecordSink>> make_metrics_server(app::RunContext& context) {
    auto board = Board::make(app::Config{});
    auto server = HttpServer::listen(context.loop, context.config.metrics_listen, net::HttpServerOptions{});
    if (!server) return make_error(server.error().code, fmt::format("--metrics-listen: {}", server.error().message));
    log::info("serving /metrics on {}/metrics", url_of(**server));
    return std::unique_ptr<app::RecordSink>(new Relay(context, std::move(*server), false, std::move(*board)));
}

}  // namespace rtwatch::relay