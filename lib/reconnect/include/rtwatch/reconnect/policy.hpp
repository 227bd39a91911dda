// The reconnect decision table in one pure function: how a stream attempt
// ended -> reconnect after N ms, get a new token first, stop cleanly, or
// fail with an exit code. The connection code only carries it out.
#pragma once

#include <optional>
#include <string>

#include "rtwatch/core/clock.hpp"
#include "rtwatch/core/duration.hpp"
#include "rtwatch/core/exit_code.hpp"

namespace rtwatch::reconnect {

struct Outcome {
    enum class Trigger {
        eof,                    // a 200 stream ended
        transport_error,        // network, TLS, connect failure
        http_status,            // non-200 answer: `status`
        bad_content_type,       // 200 that was not an event stream
        idle_timeout,           // nothing at all for the idle timeout
        reconnect_event,        // `reconnect` event: wait `event_delay`
        disconnect_event,       // `disconnect` event: new token first
        untrusted_certificate,  // TLS verification failed: the same every time
        bad_redirect,           // a redirect loop, or one that cannot or must not be followed
    };
    Trigger trigger = Trigger::eof;
    long status = 0;
    std::optional<Millis> retry_after;  // parsed Retry-After
    std::optional<Millis> event_delay;  // reconnect event's retryAfterMs
    std::string detail;                 // server message / reason, for the decision's message
    std::string url;                    // for 404-style and certificate messages
};

struct Policy {
    Millis max_backoff{5'000};
    Millis healthy_after{30'000};       // a connection this long resets the backoff
    int max_auth_rejections = 2;        // 401s in a row, each with a fresh token, before giving up...
    Millis auth_give_up_after{4'000};   // ...and only once they have gone on this long
    Millis fresh_token_spacing{1'000};  // the least wait before another fresh token is tried
    int max_disconnects = 3;            // disconnect events without a healthy connection, likewise
    int max_bad_redirects = 3;          // redirect failures in a row: a configuration error
    std::string scope = "genesyscloud.realtime.data.view";  // the scope requested, named by a 403
};

struct State {
    Millis base{1'000};  // from `retry:`
    int attempt = 0;     // failures since the last healthy connection
    int auth_rejections = 0;
    int disconnects = 0;  // disconnect events since the last healthy connection
    int bad_redirects = 0;
    std::optional<TimePoint> auth_trouble_since;  // the first 401 or disconnect of a run of them
    std::optional<TimePoint> connected_at;
};

struct Decision {
    enum class Action { reconnect, refresh_token, stop, fail };
    Action action = Action::reconnect;
    Millis delay{0};                    // wait this long before acting
    ExitCode exit_code = ExitCode::ok;  // for stop/fail
    std::string message;                // names the cause and, for failures, the fix
};

// `jitter` is uniform in [0, 1): full jitter, delay = jitter * min(cap, base * 2^attempt).
Decision decide(const Outcome& outcome, State& state, const Policy& policy, TimePoint now, double jitter);
// A TLS certificate of `url` failed verification: exit, naming --cacert.
Decision untrusted_certificate(std::string_view url, std::string_view detail);
// The stream opened (200 event-stream).
void on_connected(State& state, TimePoint now);
// A `retry:` field arrived.
void on_retry_field(State& state, Millis base);
// Plain backoff delay for other retries (token endpoint errors), advancing state.attempt.
Millis next_backoff(State& state, const Policy& policy, double jitter);

}  // namespace rtwatch::reconnect
