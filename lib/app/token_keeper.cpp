// Token requests, answers and rotation on the run's clock.
#include "token_keeper.hpp"

#include "rtwatch/core/log.hpp"

namespace rtwatch::app {

namespace {

std::string join_url(std::string base, std::string_view path) {
    while (!base.empty() && base.back() == '/') base.pop_back();
    return base + std::string(path);
}

}  // namespace

TokenKeeper::TokenKeeper(const Config& config, Services& services, std::function<double()> jitter, Events events)
    : m_config(config),
      m_services(services),
      m_jitter(std::move(jitter)),
      m_events(std::move(events)),
      m_credentials{config.client_id, config.client_secret, config.scope},
      m_tokens(config.token_grace),
      m_token_url(join_url(config.auth_url, "/oauth/token")) {
    m_policy.max_backoff = config.max_backoff;
}

TokenKeeper::~TokenKeeper() {
    *m_alive = false;
    stop();
}

void TokenKeeper::stop() {
    m_stopped = true;
    cancel(m_rotation_timer);
    cancel(m_retry_timer);
    m_waiting.clear();
}

void TokenKeeper::cancel(std::optional<Services::TimerId>& timer) {
    if (timer) m_services.cancel_timer(*timer);
    timer.reset();
}

void TokenKeeper::with_token(std::function<void()> then) {
    // A valid token serves even when due for rotation; rotate() replaces it.
    if (m_tokens.valid(m_services.now())) return then();
    m_waiting.push_back(std::move(then));
    if (m_tokens.begin_refresh()) request();
}

void TokenKeeper::request() {
    auto req = auth::build_token_request(m_credentials);
    net::Request r;
    r.method = "POST";
    r.url = m_token_url;
    r.headers = {"Content-Type: " + req.content_type, "Authorization: " + req.authorization,
                 "Accept: application/json"};
    r.body = std::move(req.body);
    r.follow_redirects = false;
    r.timeout = m_config.request_timeout;  // the whole exchange: a silent endpoint cannot hang the run
    log::debug("requesting a token from {}", r.url);
    m_services.request(std::move(r), [this, alive = m_alive](net::Response response) {
        if (*alive) on_answer(response);
    });
}

void TokenKeeper::on_answer(const net::Response& response) {
    if (m_stopped) return;
    if (response.untrusted_certificate) {
        m_tokens.end_refresh();
        auto d = reconnect::untrusted_certificate(m_config.auth_url, response.transport_error);
        return m_events.failed(d.exit_code, d.message);
    }
    auth::TokenReply reply{response.status,          response.body, response.retry_after,
                           response.transport_error, m_token_url,   m_config.auth_url_given};
    auto answer = auth::classify_token_response(reply, m_services.now(), WallClock::now());
    using Kind = auth::TokenAnswer::Kind;
    switch (answer.kind) {
        case Kind::token: {
            log::info("got a token, valid for {}", format_duration(answer.token.lifetime));
            if (!answer.note.empty()) log::debug("{}", answer.note);
            m_tokens.end_refresh();
            m_tokens.store(std::move(answer.token));
            m_backoff.attempt = 0;
            schedule_rotation();
            m_events.acquired(!m_had_token);
            m_had_token = true;
            auto waiting = std::move(m_waiting);
            m_waiting.clear();
            for (auto& then : waiting) then();
            return;
        }
        case Kind::fatal:
            m_tokens.end_refresh();
            return m_events.failed(answer.error.code, answer.error.message);
        case Kind::retry_after:
        case Kind::retry_backoff: {
            auto delay = answer.kind == Kind::retry_after ? answer.delay
                                                          : reconnect::next_backoff(m_backoff, m_policy, m_jitter());
            log::warn("{}; asking again in {}", answer.error.message, format_duration(delay));
            m_events.retrying(answer.error.message);
            m_retry_timer = m_services.add_timer(m_services.now() + delay, [this] {
                m_retry_timer.reset();
                request();
            });
            return;
        }
    }
}

void TokenKeeper::schedule_rotation() {
    cancel(m_rotation_timer);
    auto at = m_tokens.refresh_at();
    if (!at) return;
    m_rotation_timer = m_services.add_timer(*at, [this] {
        m_rotation_timer.reset();
        rotate();
    });
}

// A new token before the old one expires; the source reconnects with it
// and resumes where it was, so nothing is lost or repeated.
void TokenKeeper::rotate() {
    log::debug("token expires soon: rotating");
    m_waiting.push_back([this] { m_events.rotated(); });
    if (m_tokens.begin_refresh()) request();
}

}  // namespace rtwatch::app
