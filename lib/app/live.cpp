// Live run: keeps a token, keeps the stream open, and turns every way a
// stream can end into the reconnect policy's decision.
#include "live.hpp"

#include <charconv>

#include <rapidjson/document.h>

#include "rtwatch/core/log.hpp"

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
                if (std::isalnum(ch) || ch == '-' || ch == '_' || ch == '.' || ch == '~') q += static_cast<char>(ch);
                else q += fmt::format("%{:02X}", ch);
            }
        }
    };
    add("queueId", c.queues);
    add("skillId", c.skills);
    add("agentId", c.agents);
    return q;
}

std::string join_url(std::string base, std::string_view path) {
    while (!base.empty() && base.back() == '/') base.pop_back();
    return base + std::string(path);
}

// A JSON field of a control event's data, or "".
std::string json_field(std::string_view data, const char* name) {
    rapidjson::Document doc;
    doc.Parse(data.data(), data.size());
    if (doc.HasParseError() || !doc.IsObject()) return {};
    auto it = doc.FindMember(name);
    if (it == doc.MemberEnd()) return {};
    if (it->value.IsString()) return it->value.GetString();
    if (it->value.IsNumber()) return fmt::format("{}", it->value.GetDouble());
    return {};
}

// A certificate that fails verification fails the same way every time:
// retrying would only hide the cause.
std::string untrusted_message(const std::string& url, const std::string& detail) {
    return fmt::format("cannot verify the TLS certificate of {} ({}): pass the CA certificate that signed it with "
                       "--cacert FILE (or, for a test server only, --insecure)",
                       url, detail);
}

}  // namespace

LiveSession::LiveSession(const Config& config, output::Writer writer, std::optional<output::Writer> record,
                         SignalWatch& signals)
    : Session(config, std::move(writer), std::move(record), signals),
      m_credentials{config.client_id, config.client_secret, config.scope},
      m_tokens(config.token_grace),
      m_stream(m_loop, *this) {
    m_policy.max_backoff = config.max_backoff;
}

void LiveSession::start() { connect(); }

void LiveSession::stop_sources() {
    m_stream.close();
    m_streaming = false;
}

double LiveSession::jitter() { return std::uniform_real_distribution<double>(0.0, 1.0)(m_rng); }

// --- auth -------------------------------------------------------------------

void LiveSession::with_token(std::function<void()> then) {
    // A valid token serves even when due for rotation; rotate() replaces it.
    if (m_tokens.valid(m_loop.now())) return then();
    m_waiting_for_token.push_back(std::move(then));
    if (m_tokens.begin_refresh()) request_token();
}

void LiveSession::request_token() {
    auto req = auth::build_token_request(m_credentials);
    net::Request r;
    r.method = "POST";
    r.url = join_url(m_config.auth_url, "/oauth/token");
    r.headers = {"Content-Type: " + req.content_type, "Authorization: " + req.authorization,
                 "Accept: application/json"};
    r.body = std::move(req.body);
    r.follow_redirects = false;
    log::debug("requesting a token from {}", r.url);
    m_loop.request(std::move(r), [this](net::Response response) { on_token_answer(response); });
}

void LiveSession::on_token_answer(const net::Response& response) {
    if (finished()) return;
    if (response.untrusted_certificate) {
        m_tokens.end_refresh();
        return finish(ExitCode::upstream, untrusted_message(m_config.auth_url, response.transport_error));
    }
    auto answer = auth::classify_token_response(response.status, response.body, response.retry_after,
                                                response.transport_error, m_loop.now(), WallClock::now());
    switch (answer.kind) {
        case auth::TokenAnswer::Kind::token: {
            log::info("got a token, valid for {}", format_duration(answer.token.lifetime));
            if (!answer.note.empty()) log::debug("{}", answer.note);
            m_tokens.end_refresh();
            m_tokens.store(std::move(answer.token));
            m_token_backoff.attempt = 0;
            status("token_refreshed", "");
            schedule_rotation();
            auto waiting = std::move(m_waiting_for_token);
            m_waiting_for_token.clear();
            for (auto& then : waiting) then();
            return after_input();
        }
        case auth::TokenAnswer::Kind::fatal:
            m_tokens.end_refresh();
            return finish(answer.error.code, answer.error.message);
        case auth::TokenAnswer::Kind::retry_after:
        case auth::TokenAnswer::Kind::retry_backoff: {
            auto delay = answer.kind == auth::TokenAnswer::Kind::retry_after
                             ? answer.delay
                             : reconnect::next_backoff(m_token_backoff, m_policy, jitter());
            log::warn("{}; asking again in {}", answer.error.message, format_duration(delay));
            m_retry_timer = m_loop.add_timer(m_loop.now() + delay, [this] {
                m_retry_timer.reset();
                request_token();
            });
            return;
        }
    }
}

void LiveSession::schedule_rotation() {
    if (m_rotation_timer) m_loop.cancel_timer(*m_rotation_timer);
    auto at = m_tokens.refresh_at();
    if (!at) return;
    m_rotation_timer = m_loop.add_timer(*at, [this] {
        m_rotation_timer.reset();
        rotate();
    });
}

// A new token before the old one expires; the stream is reopened with it
// and resumes from Last-Event-ID, so nothing is lost or repeated.
void LiveSession::rotate() {
    log::debug("token expires soon: rotating");
    m_waiting_for_token.push_back([this] {
        if (!m_streaming) return;
        m_stream.close();
        m_streaming = false;
        open_stream();
    });
    if (m_tokens.begin_refresh()) request_token();
}

// --- stream -----------------------------------------------------------------

std::string LiveSession::stream_url() const {
    return join_url(m_config.api_url, "/api/v2/realtime/data") + query_string(m_config);
}

void LiveSession::connect() {
    with_token([this] { open_stream(); });
}

void LiveSession::open_stream() {
    if (finished() || m_streaming) return;
    net::StreamOptions o;
    o.request.url = stream_url();
    o.request.headers.push_back("Authorization: Bearer " + m_tokens.access_token());
    o.idle_timeout = m_config.idle_timeout;
    o.parser.max_event_bytes = m_config.max_event_size;
    m_announced.reset();
    m_streaming = true;
    log::debug("opening {}", o.request.url);
    m_stream.open(o);
}

void LiveSession::on_open(const net::Response&) {
    reconnect::on_connected(m_reconnect, m_loop.now());
    log::info("connected to {}", stream_url());
    status("connected", m_stream.parser().last_event_id());
}

void LiveSession::on_event(const sse::Event& event) {
    m_pipeline.on_event(event.type, event.data, event.id, m_loop.now());
    if (event.type != "data") on_control_event(event);
}

void LiveSession::on_control_event(const sse::Event& event) {
    using Trigger = reconnect::Outcome::Trigger;
    if (event.type == "reconnect") {
        reconnect::Outcome o;
        o.trigger = Trigger::reconnect_event;
        auto ms = json_field(event.data, "retryAfterMs");
        double value = 0;
        auto [end, ec] = std::from_chars(ms.data(), ms.data() + ms.size(), value);
        if (!ms.empty() && ec == std::errc() && end == ms.data() + ms.size() && value >= 0 && value < 864e5)
            o.event_delay = Millis(static_cast<long long>(value));
        o.detail = json_field(event.data, "reason");
        m_announced = o;
    } else if (event.type == "disconnect") {
        reconnect::Outcome o;
        o.trigger = Trigger::disconnect_event;
        o.detail = json_field(event.data, "reason");
        m_announced = o;
    } else if (event.type == "error") {
        log::warn("the server reports {}: {}", json_field(event.data, "code"), json_field(event.data, "message"));
    }
}

void LiveSession::on_comment(std::string_view) { m_pipeline.on_quiet(); }

void LiveSession::on_retry(std::chrono::milliseconds base) { reconnect::on_retry_field(m_reconnect, base); }

void LiveSession::on_oversize(std::size_t limit) { m_pipeline.on_oversize(limit); }

void LiveSession::on_bytes(std::string_view bytes) {
    m_pipeline.begin_batch(WallClock::now());
    record_bytes(bytes);
}

void LiveSession::on_chunk_done() {
    after_input();
    // The server closes right after these events; do not wait for it.
    if (m_announced && !finished()) {
        m_stream.close();
        on_end(net::StreamEnd{});
    }
}

void LiveSession::on_end(const net::StreamEnd& end) {
    m_streaming = false;
    if (finished()) return;
    if (end.untrusted_certificate) return finish(ExitCode::upstream, untrusted_message(m_config.api_url, end.detail));
    m_pipeline.on_quiet();
    after_input();
    if (finished()) return;
    using Kind = net::StreamEnd::Kind;
    using Trigger = reconnect::Outcome::Trigger;
    reconnect::Outcome o;
    if (m_announced) {
        o = *m_announced;
        m_announced.reset();
    } else {
        switch (end.kind) {
            case Kind::eof: case Kind::closed: o.trigger = Trigger::eof; break;
            case Kind::transport_error: case Kind::redirect_error: o.trigger = Trigger::transport_error; break;
            case Kind::http_status: o.trigger = Trigger::http_status; break;
            case Kind::bad_content_type: o.trigger = Trigger::bad_content_type; break;
            case Kind::idle_timeout:
                o.trigger = Trigger::idle_timeout;
                status("stale", "no data or heartbeat for " + format_duration(m_config.idle_timeout));
                break;
        }
        o.status = end.status;
        o.retry_after = auth::parse_retry_after(end.retry_after, WallClock::now());
        o.detail = end.detail;
        if (end.kind == Kind::http_status) {
            auto msg = json_field(end.body, "message");
            if (!msg.empty()) o.detail = msg;
        }
        o.url = stream_url();
    }
    act(reconnect::decide(o, m_reconnect, m_policy, m_loop.now(), jitter()));
}

void LiveSession::act(const reconnect::Decision& d) {
    using Action = reconnect::Decision::Action;
    switch (d.action) {
        case Action::stop: return finish(d.exit_code, d.message);
        case Action::fail: return finish(d.exit_code, d.message);
        case Action::refresh_token:
            m_tokens.invalidate();
            [[fallthrough]];
        case Action::reconnect:
            log::warn("{}; reconnecting in {}", d.message, format_duration(d.delay));
            status("reconnecting", d.message);
            after_input();
            m_retry_timer = m_loop.add_timer(m_loop.now() + d.delay, [this] {
                m_retry_timer.reset();
                connect();
            });
            return;
    }
}

}  // namespace rtwatch::app
