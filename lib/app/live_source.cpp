// Live run: keeps a token, keeps the stream open, and hands every event to
// the listener; how a stream ended is classified by rtwatch/reconnect.
#include "live_source.hpp"

#include <cctype>

#include "rtwatch/core/log.hpp"
#include "rtwatch/reconnect/ending.hpp"

namespace rtwatch::app {

namespace {

std::string query_string(const Config& c) {
    std::string q;
    auto add = [&](std::string_view key, const std::vector<std::string>& ids) {
        for (const auto& id : ids) {
            q += q.empty() ? '?' : '&';
            q += key;
            q += '=';
            for (unsigned char ch : id) {
                if (std::isalnum(ch) || ch == '-' || ch == '_' || ch == '.' || ch == '~')
                    q += static_cast<char>(ch);
                else
                    q += fmt::format("%{:02X}", ch);
            }
        }
    };
    add("queueId", c.queues);
    add("skillId", c.skills);
    add("agentId", c.agents);
    return q;
}

reconnect::StreamEnding ending_of(const net::StreamEnd& end) {
    using In = net::StreamEnd::Kind;
    using Out = reconnect::StreamEnding::Kind;
    Out kind = Out::eof;
    switch (end.kind) {
        case In::eof:
            kind = Out::eof;
            break;
        case In::closed:
            kind = Out::closed;
            break;
        case In::transport_error:
            kind = Out::transport_error;
            break;
        case In::redirect_error:
            kind = Out::redirect_error;
            break;
        case In::redirect_loop:
            kind = Out::redirect_loop;
            break;
        case In::http_status:
            kind = Out::http_status;
            break;
        case In::bad_content_type:
            kind = Out::bad_content_type;
            break;
        case In::idle_timeout:
            kind = Out::idle_timeout;
            break;
    }
    return {kind, end.status, end.retry_after, end.body, end.detail, end.untrusted_certificate};
}

}  // namespace

LiveSseSource::LiveSseSource(const Config& config, net::Loop& loop)
    : LiveSseSource(
          config, std::make_unique<LoopServices>(loop), nullptr,
          [&loop](net::StreamHandler& handler) { return std::make_unique<SseEventStream>(loop, handler); },
          [rng = std::make_shared<std::mt19937_64>(std::random_device{}())] {
              return std::uniform_real_distribution<double>(0.0, 1.0)(*rng);
          }) {}

LiveSseSource::LiveSseSource(const Config& config, Services& services, const StreamFactory& make_stream, Jitter jitter)
    : LiveSseSource(config, nullptr, &services, make_stream, std::move(jitter)) {}

LiveSseSource::LiveSseSource(const Config& config, std::unique_ptr<Services> owned, Services* services,
                             const StreamFactory& make_stream, Jitter jitter)
    : m_config(config),
      m_owned_services(std::move(owned)),
      m_services(services ? *services : *m_owned_services),
      m_jitter(std::move(jitter)),
      m_tokens(
          config, m_services, [this] { return this->jitter(); },
          TokenKeeper::Events{[this](bool first) {
                                  m_listener->status(
                                      first ? UpstreamStatus::token_acquired : UpstreamStatus::token_refreshed, "");
                                  m_listener->input_ends();
                              },
                              [this](const std::string& why) {
                                  m_listener->status(UpstreamStatus::reconnecting, why);
                                  m_listener->input_ends();
                              },
                              [this] {
                                  if (!m_stream->is_open()) return;
                                  m_stream->close();
                                  open_stream();
                              },
                              [this](ExitCode code, std::string message) { end_run(code, std::move(message)); }}),
      m_stream(make_stream(*this)) {
    m_policy.max_backoff = config.max_backoff;
    m_policy.scope = config.scope;
}

void LiveSseSource::start(SourceListener& listener) {
    m_listener = &listener;
    connect();
}

void LiveSseSource::stop() {
    m_stopped = true;
    m_tokens.stop();
    m_stream->close();
    if (m_reconnect_timer) m_services.cancel_timer(*m_reconnect_timer);
    m_reconnect_timer.reset();
}

void LiveSseSource::pause() { m_stream->pause(); }
void LiveSseSource::resume() { m_stream->resume(); }

void LiveSseSource::end_run(ExitCode code, std::string message) {
    if (m_stopped) return;
    stop();
    m_listener->source_ended(code, std::move(message));
}

double LiveSseSource::jitter() { return m_jitter(); }

std::string LiveSseSource::stream_url() const {
    std::string base = m_config.api_url;
    while (!base.empty() && base.back() == '/') base.pop_back();
    return base + "/api/v2/realtime/data" + query_string(m_config);
}

void LiveSseSource::connect() {
    m_tokens.with_token([this] { open_stream(); });
}

void LiveSseSource::open_stream() {
    if (m_stopped || m_stream->is_open()) return;
    net::StreamOptions o;
    o.request.url = stream_url();
    o.request.headers.push_back("Authorization: Bearer " + m_tokens.access_token());
    o.idle_timeout = m_config.idle_timeout;
    o.response_timeout = m_config.request_timeout;
    o.parser.max_event_bytes = m_config.max_event_size;
    m_announced.reset();
    log::debug("opening {}", o.request.url);
    m_stream->open(o);
}

void LiveSseSource::on_open(const net::Response&) {
    reconnect::on_connected(m_reconnect, m_services.now());
    m_gate.connection_opened();
    // A capture (--record) marks where each later connection starts, so a
    // replay drops an event the previous connection cut short.
    if (m_last_byte) {
        if (*m_last_byte != '\n' && *m_last_byte != '\r') m_listener->bytes("\n");
        m_listener->bytes(k_connection_marker);
        m_last_byte = '\n';
    }
    log::info("connected to {}", stream_url());
    const std::string& resumed_after = m_stream->last_event_id();
    // The message outlives the change that views it.
    const std::string message =
        resumed_after.empty() ? std::string("fresh snapshot") : "resuming after event " + resumed_after;
    StatusChange change{UpstreamStatus::connected, message, resumed_after, !resumed_after.empty()};
    m_listener->status(change);
}

void LiveSseSource::on_event(const sse::Event& event) {
    m_gate.offer(SourceEvent{event.type, event.data, event.id, event.id}, event.has_id, *m_listener);
    if (event.type == "data") return;
    if (auto announced = reconnect::announced_by(event.type, event.data))
        m_announced = std::move(announced);
    else if (event.type == "error" && (++m_error_events <= 10 || m_error_events % 1000 == 0))
        // Rate-limited like bad events: a server cannot flood the log.
        log::warn("the server reports {}: {} ({} error events so far)", reconnect::control_field(event.data, "code"),
                  reconnect::control_field(event.data, "message"), m_error_events);
}

void LiveSseSource::on_comment(std::string_view) { m_gate.comment(*m_listener); }

void LiveSseSource::on_retry(std::chrono::milliseconds base) { reconnect::on_retry_field(m_reconnect, base); }

void LiveSseSource::on_oversize(std::size_t limit) { m_listener->oversize(limit); }

void LiveSseSource::on_bytes(std::string_view bytes) {
    m_listener->input_begins(WallClock::now());
    m_listener->bytes(bytes);
    if (!bytes.empty()) m_last_byte = bytes.back();
}

void LiveSseSource::on_chunk_done() {
    m_listener->input_ends();
    // The server closes right after these events; do not wait for it.
    if (m_announced && !m_stopped) {
        m_stream->close();
        on_end(net::StreamEnd{});
    }
}

void LiveSseSource::on_end(const net::StreamEnd& end) {
    if (m_stopped) return;
    m_gate.connection_lost();
    m_listener->input_ends();
    if (m_stopped) return;
    if (end.kind == net::StreamEnd::Kind::idle_timeout && !m_announced)
        m_listener->status(UpstreamStatus::stale, "no data or heartbeat for " + format_duration(m_config.idle_timeout));
    auto outcome = reconnect::outcome_of(ending_of(end), m_announced, stream_url(), WallClock::now());
    // A certificate failure names the URL the user configured.
    if (outcome.trigger == reconnect::Outcome::Trigger::untrusted_certificate) outcome.url = m_config.api_url;
    m_announced.reset();
    act(reconnect::decide(outcome, m_reconnect, m_policy, m_services.now(), jitter()));
}

void LiveSseSource::act(const reconnect::Decision& d) {
    using Action = reconnect::Decision::Action;
    switch (d.action) {
        case Action::stop:
        case Action::fail:
            return end_run(d.exit_code, d.message);
        case Action::refresh_token:
            m_tokens.invalidate();
            [[fallthrough]];
        case Action::reconnect:
            log::warn("{}; reconnecting in {}", d.message, format_duration(d.delay));
            m_listener->status(UpstreamStatus::reconnecting, d.message);
            m_listener->input_ends();
            m_reconnect_timer = m_services.add_timer(m_services.now() + d.delay, [this] {
                m_reconnect_timer.reset();
                connect();
            });
            return;
    }
}

}  // namespace rtwatch::app
