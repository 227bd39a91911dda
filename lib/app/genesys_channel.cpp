// A channel's lifecycle on the run's loop. Decisions come from
// rtwatch/genesys (decide_socket_end, classify_rest, renew_at); this only
// carries them out and keeps at most one step of its own pending.
#include "genesys_channel.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "rtwatch/auth/token.hpp"
#include "rtwatch/core/log.hpp"
#include "rtwatch/core/time_format.hpp"

namespace rtwatch::app {

namespace {

std::string trimmed(std::string base) {
    while (!base.empty() && base.back() == '/') base.pop_back();
    return base;
}

}  // namespace

GenesysChannel::GenesysChannel(const Config& config, Services& services, const SocketFactory& sockets,
                               TokenKeeper& tokens, std::vector<std::string> topics, Owner& owner,
                               std::function<double()> jitter)
    : m_config(config),
      m_services(services),
      m_tokens(tokens),
      m_topics(std::move(topics)),
      m_owner(owner),
      m_jitter(std::move(jitter)),
      m_socket(sockets(*this)) {
    m_backoff.max = config.max_backoff;
    m_rest_backoff.max = config.max_backoff;
    m_renew_backoff.max = config.max_backoff;
    m_watchdog.idle_timeout = config.idle_timeout;
}

GenesysChannel::~GenesysChannel() { stop(); }

void GenesysChannel::stop() {
    m_stopped = true;
    m_open = false;
    m_socket->close();
    for (auto* t : {&m_timer, &m_watch_timer, &m_renew_timer}) {
        if (*t) m_services.cancel_timer(**t);
        t->reset();
    }
}

std::string GenesysChannel::api(std::string_view path) const { return trimmed(m_config.api_url) + std::string(path); }

void GenesysChannel::later(Millis delay, std::function<void()> fn) {
    if (m_timer) m_services.cancel_timer(*m_timer);
    m_timer = m_services.add_timer(m_services.now() + delay, [this, fn = std::move(fn)] {
        m_timer.reset();
        if (!m_stopped) fn();
    });
}

void GenesysChannel::call(net::Request request, std::string what, bool channel_call,
                          std::function<void(const net::Response&)> ok) {
    m_tokens.with_token([this, request, what, channel_call, ok]() mutable {
        if (m_stopped) return;
        net::Request r = request;
        r.headers.push_back("Authorization: Bearer " + m_tokens.access_token());
        r.headers.push_back("Accept: application/json");
        r.follow_redirects = false;
        r.timeout = m_config.request_timeout;
        m_services.request(std::move(r), [this, request, what, channel_call, ok](net::Response response) {
            if (m_stopped) return;
            genesys::RestReply reply{response.status,
                                     auth::parse_retry_after(response.retry_after, WallClock::now()),
                                     response.transport_error,
                                     response.untrusted_certificate,
                                     what,
                                     request.url,
                                     channel_call,
                                     false,
                                     response.body_too_large};
            auto step = genesys::classify_rest(reply, m_rest_backoff, m_jitter(), m_unauthorized);
            using A = genesys::RestStep::Action;
            switch (step.action) {
                case A::ok:
                    m_rest_backoff.attempt = 0;
                    return ok(response);
                case A::fail:
                    return m_owner.channel_failed(step.exit_code, step.message);
                case A::new_channel:
                    log::warn("{}; making a new channel", step.message);
                    m_owner.channel_lost(*this, step.message);
                    return create();
                case A::new_token:
                    m_tokens.invalidate();
                    [[fallthrough]];
                case A::retry:
                    log::warn("{}; trying again in {}", step.message, format_duration(step.delay));
                    return later(step.delay,
                                 [this, request, what, channel_call, ok] { call(request, what, channel_call, ok); });
            }
        });
    });
}

void GenesysChannel::create() {
    m_open = false;
    m_socket->close();
    net::Request r;
    r.method = "POST";
    r.url = api("/api/v2/notifications/channels");
    r.headers = {"Content-Type: application/json"};
    r.body = "{}";
    call(std::move(r), "creating a notification channel", false, [this](const net::Response& response) {
        auto channel = genesys::parse_channel(response.body);
        if (!channel) return m_owner.channel_failed(channel.error().code, channel.error().message);
        m_channel = std::move(*channel);
        ++m_created;
        log::info("notification channel {} created ({} topics)", m_channel.id, m_topics.size());
        if (!socket_url_usable()) return;
        if (m_channel.expires && *m_channel.expires <= WallClock::now() && !m_warned_past_expiry) {
            m_warned_past_expiry = true;
            log::warn(
                "channel {} was created with an expiry already past ({}); is this host's clock right? "
                "renewing it in {} instead of at once",
                m_channel.id, format_rfc3339_ms(*m_channel.expires), format_duration(genesys::k_renew_floor));
        }
        arm_renewal();
        subscribe();
    });
}

// Judged before subscribing, so a channel whose socket cannot be opened
// costs one call; the platform may err once, so a new channel is tried.
bool GenesysChannel::socket_url_usable() {
    genesys::SocketUrl u{socket_url(), m_config.stream_url.empty() ? "the channel's connectUri" : "--stream-url",
                         m_config.api_url, m_config.auth_url, m_config.insecure};
    auto problem = genesys::socket_url_problem(u);
    if (problem.kind == genesys::SocketUrlProblem::Kind::none) {
        m_bad_socket_urls = 0;
        return true;
    }
    auto step = genesys::decide_bad_socket_url(problem, m_bad_socket_urls, m_backoff, m_jitter());
    if (step.action == genesys::Step::Action::fail) {
        m_owner.channel_failed(step.exit_code, step.message);
        return false;
    }
    log::warn("{}; making a new channel in {} ({} of {} tries)", step.message, format_duration(step.delay),
              m_bad_socket_urls, genesys::k_max_bad_socket_urls);
    later(step.delay, [this] { create(); });
    return false;
}

void GenesysChannel::subscribe() {
    net::Request r;
    r.method = "PUT";
    r.url = api("/api/v2/notifications/channels/" + genesys::url_component(m_channel.id) +
                "/subscriptions?ignoreErrors=true");
    r.headers = {"Content-Type: application/json"};
    r.body = genesys::subscription_body(m_topics);
    call(std::move(r), "subscribing to the channel's topics", true, [this](const net::Response& response) {
        auto answer = genesys::parse_subscriptions(response.body);
        if (!answer) return m_owner.channel_failed(answer.error().code, answer.error().message);
        // Requested topics the answer does not list: named, never silent.
        for (const auto& topic : m_topics) {
            auto listed = [&](const auto& list, auto id) {
                return std::any_of(list.begin(), list.end(), [&](const auto& t) { return id(t) == topic; });
            };
            if (!listed(answer->permitted, [](const std::string& t) { return t; }) &&
                !listed(answer->rejected, [](const genesys::RejectedTopic& t) { return t.topic; }))
                answer->rejected.push_back(genesys::RejectedTopic{topic, std::string(genesys::k_left_out), {}});
        }
        m_owner.channel_subscribed(*this, *answer);
        if (!m_stopped) connect();
    });
}

std::string GenesysChannel::socket_url() const {
    if (m_config.stream_url.empty()) return m_channel.connect_uri;
    // --stream-url replaces the scheme and host; the channel's path stays.
    const std::string& uri = m_channel.connect_uri;
    auto scheme = uri.find("://");
    auto path = scheme == std::string::npos ? std::string::npos : uri.find('/', scheme + 3);
    return trimmed(m_config.stream_url) +
           (path == std::string::npos ? "/channels/" + genesys::url_component(m_channel.id) : uri.substr(path));
}

void GenesysChannel::connect() {
    net::WebSocketOptions o;
    o.url = socket_url();
    o.max_message = m_config.max_event_size;
    o.handshake_timeout = m_config.request_timeout;
    log::debug("opening the socket of channel {}", m_channel.id);
    m_socket->open(std::move(o));
}

// Open is not yet healthy: the backoff stays until a frame arrives after
// k_healthy_after (seen_frame), so a socket closed right after it opened
// still backs off.
void GenesysChannel::on_open() {
    m_open = true;
    m_healthy = false;
    m_opened_at = m_services.now();
    m_watchdog.last_frame = m_services.now();
    m_pinged = false;
    arm_watchdog();
    log::info("socket of channel {} open", m_channel.id);
    m_owner.channel_open(*this);
}

void GenesysChannel::on_message(std::string_view text) {
    if (m_stopped) return;
    seen_frame();
    auto frame = genesys::decode_frame(text, m_config.max_event_size);
    using K = genesys::Frame::Kind;
    using S = genesys::SocketEnd::Kind;
    switch (frame.kind) {
        case K::heartbeat:
        case K::pong:
        case K::other:
            return;
        case K::socket_closing:
            return ended(genesys::SocketEnd{S::socket_closing, 0, 0, {}, frame.detail, {}});
        case K::no_longer_subscribed:
        case K::not_found:
            return ended(genesys::SocketEnd{S::channel_gone, 0, 0, {}, frame.topic + " " + frame.detail, {}});
        case K::token_revoked:
            return ended(genesys::SocketEnd{S::token_revoked, 0, 0, {}, frame.detail, {}});
        case K::malformed:
            // Rate-limited: a server cannot flood the log.
            if (++m_malformed <= 10 || m_malformed % 1000 == 0)
                log::warn("skipped a socket message: {} ({} so far)", frame.detail, m_malformed);
            return;
        case K::queue_observations:
        case K::agent_update:
            return m_owner.channel_frame(*this, frame);
    }
}

void GenesysChannel::seen_frame() {
    const TimePoint now = m_services.now();
    m_watchdog.last_frame = now;
    m_pinged = false;
    if (m_healthy || !m_open || now - m_opened_at < genesys::k_healthy_after) return;
    m_healthy = true;
    m_backoff.attempt = 0;
    if (m_storm > 2)
        log::info("channel {} is healthy again after {} reopenings in {}", m_channel.id, m_storm,
                  format_duration(std::chrono::duration_cast<Millis>(now - m_storm_began)));
    m_storm = 0;
}

void GenesysChannel::on_end(const net::WebSocketEnd& end) {
    if (m_stopped) return;
    ended(socket_end_of(end, socket_url()));
}

void GenesysChannel::ended(const genesys::SocketEnd& end) {
    m_open = false;
    m_socket->close();
    if (m_watch_timer) m_services.cancel_timer(*m_watch_timer);
    m_watch_timer.reset();
    act(genesys::decide_socket_end(end, m_backoff, m_jitter()));
}

void GenesysChannel::act(const genesys::Step& step) {
    using A = genesys::Step::Action;
    if (step.action == A::fail) return m_owner.channel_failed(step.exit_code, step.message);
    const bool same = step.action == A::reconnect;
    const std::string what =
        fmt::format("{}; {} in {}", step.message,
                    same ? "reconnecting to channel " + m_channel.id : std::string("making a new channel"),
                    format_duration(step.delay));
    m_owner.channel_lost(*this, what);
    if (m_stopped) return;
    // A storm is told once with its count, not once per attempt.
    if (m_storm++ == 0) m_storm_began = m_services.now();
    if (m_storm == 1)
        log::warn("{}", what);
    else if (m_storm == 3)
        log::warn(
            "channel {}: {} reopenings without a healthy socket in between (now: {}); backing off up to {}, "
            "told again once it is healthy",
            m_channel.id, m_storm, what, format_duration(m_backoff.max));
    else
        log::debug("{}", what);
    switch (step.action) {
        case A::reconnect:
            return later(step.delay, [this] { connect(); });
        case A::new_token_and_channel:
            m_tokens.invalidate();
            [[fallthrough]];
        case A::new_channel:
            return later(step.delay, [this] { create(); });
        case A::fail:
            return;
    }
}

void GenesysChannel::arm_watchdog() {
    if (m_watch_timer) m_services.cancel_timer(*m_watch_timer);
    TimePoint at = m_pinged ? m_watchdog.dead_at() : m_watchdog.ping_at();
    m_watch_timer = m_services.add_timer(at, [this] {
        m_watch_timer.reset();
        watchdog();
    });
}

// Quiet for half the idle timeout: a ping, which the server answers with a
// pong. Quiet for all of it: the socket is dead.
void GenesysChannel::watchdog() {
    if (!m_open || m_stopped) return;
    TimePoint now = m_services.now();
    if (now >= m_watchdog.dead_at()) {
        m_owner.channel_lost(*this, "no data or heartbeat for " + format_duration(m_config.idle_timeout));
        return ended(genesys::SocketEnd{genesys::SocketEnd::Kind::idle_timeout, 0, 0, {}, {}, {}});
    }
    if (!m_pinged && now >= m_watchdog.ping_at()) {
        log::debug("channel {} quiet: ping", m_channel.id);
        m_socket->send_text(R"({"message":"ping"})");
        m_pinged = true;
    }
    arm_watchdog();
}

void GenesysChannel::arm_renewal() {
    if (m_renew_timer) m_services.cancel_timer(*m_renew_timer);
    m_renew_timer =
        m_services.add_timer(genesys::renew_at(m_services.now(), WallClock::now(), m_channel.expires), [this] {
            m_renew_timer.reset();
            renew();
        });
}

// Before `expires`: subscribing again is documented to extend a channel, but
// whether `expires` moves is not. So subscribe again, read the channel's
// `expires` back, and keep the channel when it moved; else replace it.
void GenesysChannel::renew() {
    if (m_stopped) return;
    const auto before = m_channel.expires;
    net::Request put;
    put.method = "PUT";
    put.url = api("/api/v2/notifications/channels/" + genesys::url_component(m_channel.id) +
                  "/subscriptions?ignoreErrors=true");
    put.headers = {"Content-Type: application/json"};
    put.body = genesys::subscription_body(m_topics);
    call(std::move(put), "subscribing again before the channel expires", true, [this, before](const net::Response&) {
        net::Request get;
        // The whole client's channels: by default only those of the token in
        // use are listed, and the channel may have been made with an older one.
        get.url = api("/api/v2/notifications/channels?includechannels=oauthclient");
        call(std::move(get), "listing the notification channels", false, [this, before](const net::Response& r) {
            auto now_expires = genesys::listed_expiry(r.body, m_channel.id);
            if (now_expires && (!before || *now_expires > *before)) {
                log::info("channel {}: subscribing again moved its expiry; kept", m_channel.id);
                m_channel.expires = now_expires;
                m_renew_backoff.attempt = 0;
                return arm_renewal();
            }
            // The first replacement goes at once; a channel whose renewal
            // never moves `expires` is not replaced in a loop.
            const Millis delay =
                m_renew_backoff.attempt == 0 ? Millis{0} : genesys::next_delay(m_renew_backoff, m_jitter());
            if (m_renew_backoff.attempt == 0) ++m_renew_backoff.attempt;
            later(delay, [this] { replace_channel(); });
        });
    });
}

// The old channel is given up first, so no more channels exist than the
// plan needs; the resync that follows covers the moment between.
void GenesysChannel::replace_channel() {
    if (m_stopped) return;
    log::info("channel {} expires soon and subscribing again did not extend it: replacing it", m_channel.id);
    m_owner.channel_lost(*this, "renewing channel " + m_channel.id + " before it expires");
    if (m_watch_timer) m_services.cancel_timer(*m_watch_timer);
    m_watch_timer.reset();
    create();
}

}  // namespace rtwatch::app
