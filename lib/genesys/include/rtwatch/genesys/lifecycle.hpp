// The channel lifecycle's decisions in pure functions: how a socket or a
// REST call ended -> reconnect to the same channel, make a new channel
// (with a new token first), back off, or fail with an exit code; when to
// renew a channel before it expires; when to ping and when a quiet socket
// is dead. The source carries the decisions out.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "rtwatch/core/clock.hpp"
#include "rtwatch/core/duration.hpp"
#include "rtwatch/core/exit_code.hpp"
#include "rtwatch/genesys/rest.hpp"

namespace rtwatch::genesys {

// Retry-After beyond this is cut to it, and the log says so: Genesys may
// ask for minutes or hours, and a live view cannot sit that out silently.
inline constexpr Millis k_default_retry_cap{60'000};

struct Backoff {
    int attempt = 0;  // failures since the last good connection
    Millis base{1'000};
    Millis max{5'000};
};
// base * 2^attempt capped at max, then jittered within its upper half
// (`jitter` in [0, 1)); advances attempt.
Millis next_delay(Backoff& backoff, double jitter);

struct SocketEnd {
    enum class Kind {
        socket_closing,         // v2.system.socket_closing: the server closes soon
        channel_gone,           // no_longer_subscribed, {"result":"404"}, close 1001, 404 on the upgrade
        token_revoked,          // token_revoked, 401 on the upgrade
        closed,                 // any other close (a second socket kicked this one, a network drop)
        upgrade_refused,        // the upgrade answered `status` (not 101, 401, 404)
        transport_error,        // connect, TLS or read failure
        idle_timeout,           // no frame for the idle timeout
        untrusted_certificate,  // TLS verification failed: the same every time
    };
    Kind kind = Kind::closed;
    int close_code = 0;
    long status = 0;
    std::optional<Millis> retry_after;
    std::string detail;
    std::string url;  // named by failures
};

struct Step {
    enum class Action {
        reconnect,              // the same connectUri
        new_channel,            // create, subscribe, connect
        new_token_and_channel,  // the token went with the channel
        fail,                   // end the run with exit_code
    };
    Action action = Action::reconnect;
    Millis delay{0};
    ExitCode exit_code = ExitCode::ok;
    std::string message;  // the cause; for failures, the fix too
};

// A socket counts as healthy, and resets the backoff, only once it has been
// open this long and a frame (heartbeat or data) arrives after that: a socket
// that merely opened, and is closed again at once, resets nothing.
inline constexpr Millis k_healthy_after{10'000};
// A channel whose `expires` is already past is renewed this long after it
// was made (the platform's clock or answer is wrong; a loop would not help);
// any other no sooner than k_renew_min.
inline constexpr Millis k_renew_floor{60'000};
inline constexpr Millis k_renew_min{1'000};

// Classifies how a socket ended. Socket closing (the platform's planned
// hand-over) and a channel lost act at once the first time since the last
// healthy socket; repeats back off.
Step decide_socket_end(const SocketEnd& end, Backoff& backoff, double jitter, Millis retry_cap = k_default_retry_cap);

struct RestReply {
    long status = 0;  // 0: no HTTP answer (transport_error says why)
    std::optional<Millis> retry_after;
    std::string transport_error;
    bool untrusted_certificate = false;
    std::string what;  // "creating a channel", "the observations query", ...
    std::string url;
    bool channel_call = false;  // a 404 means the channel is gone, not a wrong URL
    bool names_ids = false;     // the request names --queue/--agent ids: a 400 may be about them
    bool too_large = false;     // the answer was cut at the size limit (transport_error names it)
};
struct RestStep {
    enum class Action { ok, retry, new_token, new_channel, fail };
    Action action = Action::ok;
    Millis delay{0};
    ExitCode exit_code = ExitCode::ok;
    std::string message;
};
// 2xx ok (unless its transfer failed: cut at the size limit is a failure
// with ExitCode::upstream, cut otherwise a retry); 401 a new token (once in a row, then auth failure); 429/5xx/0
// back off, honouring Retry-After up to `retry_cap`; 403 permission; 404
// a new channel for channel calls, else the URL is wrong; other 4xx fail.
RestStep classify_rest(const RestReply& reply, Backoff& backoff, double jitter, int& unauthorized_in_a_row,
                       Millis retry_cap = k_default_retry_cap);

// When to replace a channel that expires at `expires` (24 h from now when
// unknown): a tenth of its life before, at most 5 minutes before; never
// sooner than k_renew_min, and k_renew_floor when `expires` is already past.
TimePoint renew_at(TimePoint now, WallTime wall_now, std::optional<WallTime> expires);

// The heartbeat watchdog: ping after half the idle timeout without a
// frame; the socket is dead after the whole of it.
struct Watchdog {
    Millis idle_timeout{60'000};
    TimePoint last_frame{};
    TimePoint ping_at() const { return last_frame + idle_timeout / 2; }
    TimePoint dead_at() const { return last_frame + idle_timeout; }
};

// The URL a channel's socket would open, judged before anything is sent
// to it: ws:// under an https API or login drops TLS and is refused unless
// `insecure`; any scheme but ws/wss cannot be opened at all.
struct SocketUrl {
    std::string url;     // what would be opened
    std::string origin;  // "the channel's connectUri" or "--stream-url"
    std::string api_url, auth_url;
    bool insecure = false;
};
struct SocketUrlProblem {
    enum class Kind { none, downgrade, bad_scheme };
    Kind kind = Kind::none;
    std::string message;  // what is wrong, naming the URL and where it came from
};
SocketUrlProblem socket_url_problem(const SocketUrl& url);
// A platform may hand out one wrong connectUri by mistake, and a new channel
// brings a new one: so a bad socket URL makes a new channel (at once unless
// `backoff` is already backing off, then backing off), and the k_max_bad_socket_urls-th in a row ends the run with
// ExitCode::upstream. `in_a_row` counts them; a good URL resets it.
inline constexpr int k_max_bad_socket_urls = 3;
Step decide_bad_socket_url(const SocketUrlProblem& problem, int& in_a_row, Backoff& backoff, double jitter);

// The subscription answers of every channel together: ok with a warning
// for the rejected topics (once, naming missingPermissions), or
// ExitCode::permission naming them when nothing was permitted.
struct PermissionVerdict {
    bool ok = true;
    std::string warning;  // empty when nothing was rejected
    std::string error;
};
// A requested topic the answer does not list at all is passed in `rejected`
// with this reason: it is named as missing (an id the platform does not know,
// most likely), and when nothing at all was subscribed the verdict fails.
inline constexpr std::string_view k_left_out = "left out of the subscription answer";
PermissionVerdict judge_subscriptions(std::size_t permitted, std::span<const RejectedTopic> rejected);

}  // namespace rtwatch::genesys
