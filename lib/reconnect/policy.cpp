// The reconnect decision table (PROTOCOL.md 2 and 3): how a stream attempt
// ended, plus the backoff state, gives one Decision. Pure: the caller
// passes `now` and the jitter draw.
#include "rtwatch/reconnect/policy.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>

#include <fmt/format.h>

#include "rtwatch/core/json_text.hpp"

namespace rtwatch::reconnect {

namespace {

using Action = Decision::Action;
using Trigger = Outcome::Trigger;

// `retry: 0` would turn every failure into an immediate reconnect.
constexpr Millis k_min_base{100};
// Past this the ceiling is the cap anyway; it only keeps the counter bounded.
constexpr int k_max_attempt = 64;

Millis ceiling(Millis base, int attempt, Millis cap) {
    Millis::rep v = std::max(base, Millis(0)).count();
    for (int i = 0; i < attempt && v < cap.count(); ++i) v *= 2;
    return std::min(Millis(v), cap);
}

// Full jitter: uniform in [0, ceiling). Out-of-range draws are clamped.
Millis jittered(Millis ceiling, double jitter) {
    if (!(jitter > 0)) return Millis(0);
    jitter = std::min(jitter, 1.0);
    auto ms = static_cast<Millis::rep>(std::floor(jitter * static_cast<double>(ceiling.count())));
    return Millis(std::min(ms, std::max<Millis::rep>(ceiling.count() - 1, 0)));
}

Decision make(Action action, Millis delay, ExitCode code, std::string message) {
    return Decision{action, delay, code, std::move(message)};
}

// The message names the cause only: the caller reports the delay.
Decision reconnect_in(Millis delay, std::string cause) {
    return make(Action::reconnect, delay, ExitCode::ok, std::move(cause));
}

Decision fail(ExitCode code, std::string message) { return make(Action::fail, Millis(0), code, std::move(message)); }

// "stream answered 400 (\"unknown queueId q-9\")", or just the head.
std::string with_detail(std::string head, const Outcome& o) {
    return o.detail.empty() ? head : head + " (" + echo_server_text(o.detail) + ")";
}

// Fresh tokens that keep failing: the first is tried at once, the next ones
// spaced out, and the run gives up only when the failures went on for a
// while, so a burst of 401s does not end a service for good.
Millis fresh_token_delay(int failures, State& state, const Policy& policy, double jitter) {
    if (failures == 1) return Millis(0);
    return std::max(next_backoff(state, policy, jitter), policy.fresh_token_spacing);
}

bool auth_trouble_lasted(State& state, const Policy& policy, TimePoint now) {
    if (!state.auth_trouble_since) state.auth_trouble_since = now;
    return now - *state.auth_trouble_since >= policy.auth_give_up_after;
}

Decision on_unauthorized(const Outcome& o, State& state, const Policy& policy, TimePoint now, double jitter) {
    ++state.auth_rejections;
    bool lasted = auth_trouble_lasted(state, policy, now);
    if (state.auth_rejections > policy.max_auth_rejections && lasted) {
        int fresh = std::max(state.auth_rejections - 1, 0);
        return fail(ExitCode::auth,
                    fmt::format("the stream rejected {} fresh token{} in a row ({}): the credentials may have "
                                "been revoked; check the client's permissions",
                                fresh, fresh == 1 ? "" : "s", with_detail("401", o)));
    }
    // The first 401 usually means an expired token: refresh at once.
    return make(Action::refresh_token, fresh_token_delay(state.auth_rejections, state, policy, jitter), ExitCode::ok,
                with_detail("stream answered 401", o) + ": getting a new token");
}

Decision on_throttled(const Outcome& o, State& state, const Policy& policy, double jitter) {
    Millis delay = next_backoff(state, policy, jitter);
    if (!o.retry_after) return reconnect_in(delay, fmt::format("stream answered {}", o.status));
    delay = std::max(delay, *o.retry_after);
    return reconnect_in(delay,
                        fmt::format("stream answered {} (Retry-After {})", o.status, format_duration(*o.retry_after)));
}

Decision on_forbidden(const Outcome& o, const Policy& policy) {
    return fail(ExitCode::permission,
                fmt::format("stream answered 403 {}: the token lacks the scope {}; grant it to the OAuth client "
                            "or pass --scope",
                            o.detail.empty() ? std::string("missing.scope") : echo_server_text(o.detail),
                            echo_server_text(policy.scope)));
}

Decision on_wrong_url(const Outcome& o) {
    return fail(ExitCode::upstream,
                fmt::format("stream answered {} for {}: check --api-url", o.status,
                            o.url.empty() ? std::string("the stream URL") : echo_server_text(o.url)));
}

Decision on_status(const Outcome& o, State& state, const Policy& policy, TimePoint now, double jitter) {
    const long s = o.status;
    if (s == 401) return on_unauthorized(o, state, policy, now, jitter);
    if (s == 429 || s == 503) return on_throttled(o, state, policy, jitter);
    if (s == 403) return on_forbidden(o, policy);
    if (s == 400)
        return fail(ExitCode::bad_request, with_detail("stream answered 400", o) +
                                               ": a filter id was rejected; check --queue/--skill/--agent");
    if (s == 204) return make(Action::stop, Millis(0), ExitCode::ok, "server asked not to reconnect (204)");
    if (s == 408 || s >= 500 || s < 300)
        return reconnect_in(next_backoff(state, policy, jitter), fmt::format("stream answered {}", s));
    return on_wrong_url(o);  // 3xx not followed, 404, 405, 410, other 4xx
}

Decision on_disconnect_event(const Outcome& o, State& state, const Policy& policy, TimePoint now, double jitter) {
    // Each one asks for a new token; a run of them (tokens that work for a
    // moment only, or are revoked as soon as they are used) ends the run.
    ++state.disconnects;
    bool lasted = auth_trouble_lasted(state, policy, now);
    if (state.disconnects > policy.max_disconnects && lasted)
        return fail(
            ExitCode::auth,
            fmt::format("the server ended {} connections in a row with disconnect ({}): new tokens do not "
                        "last; check the client's credentials and permissions",
                        state.disconnects, o.detail.empty() ? std::string("no reason") : echo_server_text(o.detail)));
    return make(Action::refresh_token, fresh_token_delay(state.disconnects, state, policy, jitter), ExitCode::ok,
                with_detail("server sent disconnect", o) + ": getting a new token");
}

// The server's delay is a floor on top of the backoff, never below it:
// `retryAfterMs: 0` on every connection must not become a busy loop.
Decision on_reconnect_event(const Outcome& o, State& state, const Policy& policy, double jitter) {
    std::string cause = with_detail("server sent reconnect", o);
    Millis backoff = next_backoff(state, policy, jitter);
    if (!o.event_delay) return reconnect_in(backoff, cause);
    return reconnect_in(std::max(*o.event_delay, backoff), cause);
}

Decision on_bad_redirect(const Outcome& o, State& state, const Policy& policy, double jitter) {
    if (++state.bad_redirects >= policy.max_bad_redirects)
        return fail(ExitCode::upstream,
                    fmt::format("{} ({} times in a row): check --api-url",
                                o.detail.empty() ? std::string("a bad redirect") : echo_server_text(o.detail),
                                state.bad_redirects));
    return reconnect_in(next_backoff(state, policy, jitter), with_detail("bad redirect", o));
}

std::string_view cause_of(Trigger trigger) {
    switch (trigger) {
        case Trigger::eof:
            return "stream closed by the server";
        case Trigger::transport_error:
            return "connection failed";
        case Trigger::bad_content_type:
            return "stream answered 200 but not with text/event-stream";
        case Trigger::idle_timeout:
            return "no bytes, not even a heartbeat, within the idle timeout";
        default:
            return "stream ended";
    }
}

}  // namespace

// A certificate that fails verification fails the same way every time:
// retrying would only hide the cause.
Decision untrusted_certificate(std::string_view url, std::string_view detail) {
    return fail(ExitCode::upstream,
                fmt::format("cannot verify the TLS certificate of {} ({}): pass the CA certificate that signed it "
                            "with --cacert FILE (or, for a test server only, --insecure)",
                            url.empty() ? std::string_view("the server") : url, detail));
}

Millis next_backoff(State& state, const Policy& policy, double jitter) {
    Millis delay = jittered(ceiling(state.base, state.attempt, policy.max_backoff), jitter);
    state.attempt = std::min(state.attempt + 1, k_max_attempt);
    return delay;
}

Decision decide(const Outcome& outcome, State& state, const Policy& policy, TimePoint now, double jitter) {
    // A connection that stayed up long enough proves the upstream healthy:
    // the next retry starts again from the base delay.
    if (state.connected_at && now - *state.connected_at >= policy.healthy_after) {
        state.attempt = 0;
        state.disconnects = 0;
        state.auth_trouble_since.reset();
    }
    state.connected_at.reset();
    switch (outcome.trigger) {
        case Trigger::http_status:
            return on_status(outcome, state, policy, now, jitter);
        case Trigger::reconnect_event:
            return on_reconnect_event(outcome, state, policy, jitter);
        case Trigger::disconnect_event:
            return on_disconnect_event(outcome, state, policy, now, jitter);
        case Trigger::bad_redirect:
            return on_bad_redirect(outcome, state, policy, jitter);
        case Trigger::untrusted_certificate:
            return untrusted_certificate(outcome.url, outcome.detail);
        default:
            break;
    }
    return reconnect_in(next_backoff(state, policy, jitter),
                        with_detail(std::string(cause_of(outcome.trigger)), outcome));
}

void on_connected(State& state, TimePoint now) {
    state.connected_at = now;
    state.auth_rejections = 0;
    state.bad_redirects = 0;
    if (state.disconnects == 0) state.auth_trouble_since.reset();
}

void on_retry_field(State& state, Millis base) { state.base = std::max(base, k_min_base); }

}  // namespace rtwatch::reconnect
