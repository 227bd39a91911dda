// Private to the relay: its state and the parts both halves use (the fan-out
// in relay.cpp, the HTTP endpoints in relay_http.cpp).
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <fmt/format.h>

#include "board.hpp"
#include "history.hpp"
#include "metrics_text.hpp"
#include "rtwatch/app/run.hpp"
#include "rtwatch/app/sink.hpp"
#include "rtwatch/core/log.hpp"
#include "rtwatch/net/http_server.hpp"
#include "rtwatch/net/loop.hpp"
#include "rtwatch/output/ndjson.hpp"
#include "selection.hpp"
#include "viewer.hpp"

namespace rtwatch::relay::detail {

using net::HttpServer;
using ConnId = HttpServer::ConnId;

inline constexpr Millis k_tick{1000};
inline constexpr Millis k_log_every{10'000};

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
        if (e.suppressed)
            text += fmt::format(" ({} more like it in the last {}s)", e.suppressed, k_log_every.count() / 1000);
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
    Relay(app::RunContext& context, std::unique_ptr<HttpServer> server, bool viewers, Board board);
    ~Relay() override;

    void metrics(const Record& record, std::span<const std::string_view> changed, WallTime now) override {
        if (m_serves_viewers) m_board.observe(record, now);
        publish_metrics(record, changed, {}, now);
    }
    void leveled_metrics(const Record& record, std::span<const std::string_view> changed,
                         std::span<const output::NamedLevel> levels, WallTime now) override {
        if (m_serves_viewers) m_board.observe(record, now);
        remember_levels(record, levels);
        publish_metrics(record, changed, levels, now);
    }
    void level(const output::LevelLine& change, WallTime now) override;
    void status(const app::StatusChange& change, WallTime now) override;
    void drain(std::function<void()> done) override;
    void reload() override;

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
    bool serve_page(ConnId conn, std::string_view path);
    std::optional<ViewerSelection> selection_of(ConnId conn, const net::HttpRequest& r);
    void send_snapshot(Viewer& v);
    bool resume(Viewer& v, std::string_view last_event_id, std::string& reason);
    bool wants(const Viewer& v, Kind kind, ResourceKind resource, std::string_view id) const;
    void feed_staged(Viewer& v, const Record& record, bool snapshot);
    void arm_viewer_timer(Viewer& v);
    void cut(ConnId conn, std::uint64_t& counter);
    void on_closed(ConnId conn);
    void tick();
    void warn_descriptors(TimePoint now);
    void drain_step();
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
    std::function<app::BrokerStats()> m_broker_stats;
    void next_seq(std::string_view stream_seq);
    History m_history;
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
    TimePoint m_drain_until{};
    std::function<void()> m_drain_done;
    std::optional<net::Loop::Id> m_drain_timer;
    RunStats m_stats;
    std::uint64_t m_accept_paused_seen = 0;
    LogLimiter m_log;
    Board m_board;  // the wallboard's units, names and trends
    Record m_scratch, m_copy;
    std::string m_line;
};

}  // namespace rtwatch::relay::detail
