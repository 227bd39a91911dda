// The decision tables of the Genesys lifecycle, one function each.
#include "rtwatch/genesys/lifecycle.hpp"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

namespace rtwatch::genesys {

namespace {

Step fail(ExitCode code, std::string message) { return Step{Step::Action::fail, Millis{0}, code, std::move(message)}; }

// Retry-After, capped, and said so when it was.
Millis retry_wait(std::optional<Millis> retry_after, Millis backoff, Millis cap, std::string& message) {
    if (!retry_after) return backoff;
    if (*retry_after > cap) {
        message += fmt::format(" (Retry-After {} is more than rtwatch waits: waiting {})",
                               format_duration(*retry_after), format_duration(cap));
        return cap;
    }
    message += fmt::format(" (Retry-After {})", format_duration(*retry_after));
    return std::max(backoff, *retry_after);
}

}  // namespace

Millis next_delay(Backoff& b, double jitter) {
    Millis full = b.base;
    for (int i = 0; i < b.attempt && full < b.max; ++i) full *= 2;
    full = std::min(full, b.max);
    ++b.attempt;
    auto half = full / 2;
    return half + Millis(static_cast<Millis::rep>(static_cast<double>(half.count()) * std::clamp(jitter, 0.0, 1.0)));
}

Step decide_socket_end(const SocketEnd& end, Backoff& backoff, double jitter, Millis retry_cap) {
    using K = SocketEnd::Kind;
    using A = Step::Action;
    // The first of a kind acts at once; a repeat without a good connection
    // in between backs off, so a server that keeps refusing is not hammered.
    auto at_once_then_backoff = [&](A action, std::string message) {
        Millis delay = backoff.attempt == 0 ? Millis{0} : next_delay(backoff, jitter);
        if (backoff.attempt == 0) ++backoff.attempt;
        return Step{action, delay, ExitCode::ok, std::move(message)};
    };
    switch (end.kind) {
        case K::socket_closing:
            return at_once_then_backoff(A::reconnect, "the server is closing the socket (maintenance)");
        case K::channel_gone:
            return at_once_then_backoff(A::new_channel,
                                        "the channel is gone" + (end.detail.empty() ? "" : " (" + end.detail + ")"));
        case K::token_revoked:
            return at_once_then_backoff(A::new_token_and_channel,
                                        "the token was revoked" + (end.detail.empty() ? "" : " (" + end.detail + ")"));
        case K::closed:
            return at_once_then_backoff(A::reconnect, fmt::format("the socket closed (code {}{}{})", end.close_code,
                                                                  end.detail.empty() ? "" : ": ", end.detail));
        case K::idle_timeout:
            return at_once_then_backoff(A::reconnect, "no frame or heartbeat for the idle timeout");
        case K::transport_error:
            return Step{A::reconnect, next_delay(backoff, jitter), ExitCode::ok, "the socket failed: " + end.detail};
        case K::untrusted_certificate:
            return fail(ExitCode::upstream,
                        fmt::format("the TLS certificate of {} is not trusted ({}); pass --cacert FILE "
                                    "with the CA that signed it",
                                    end.url, end.detail));
        case K::upgrade_refused: {
            if (end.status == 403)
                return fail(ExitCode::permission,
                            fmt::format("the socket upgrade at {} answered 403: the OAuth client may not use "
                                        "notifications; grant its role the notification permissions",
                                        end.url));
            if (end.status == 429 || end.status >= 500) {
                std::string message = fmt::format("the socket upgrade answered {}", end.status);
                Millis delay = retry_wait(end.retry_after, next_delay(backoff, jitter), retry_cap, message);
                return Step{A::reconnect, delay, ExitCode::ok, message};
            }
            return fail(ExitCode::upstream,
                        fmt::format("the socket upgrade at {} answered {}: check --stream-url or --region", end.url,
                                    end.status));
        }
    }
    return fail(ExitCode::failure, "unknown socket ending");
}

RestStep classify_rest(const RestReply& r, Backoff& backoff, double jitter, int& unauthorized, Millis retry_cap) {
    using A = RestStep::Action;
    if (r.untrusted_certificate)
        return RestStep{
            A::fail, Millis{0}, ExitCode::upstream,
            fmt::format("the TLS certificate of {} is not trusted ({}); pass --cacert FILE with the CA that "
                        "signed it",
                        r.url, r.transport_error)};
    if (r.too_large)
        return RestStep{A::fail, Millis{0}, ExitCode::upstream,
                        fmt::format("{}: {}, which rtwatch does not read past; is --api-url the Genesys Cloud API? "
                                    "(a snapshot that large: watch fewer --queue or --agent ids per run)",
                                    r.what, r.transport_error)};
    if (r.status >= 200 && r.status < 300 && r.transport_error.empty()) {
        unauthorized = 0;
        return RestStep{};
    }
    if (r.status == 401) {
        if (++unauthorized >= 3)
            return RestStep{A::fail, Millis{0}, ExitCode::auth,
                            fmt::format("{} answered 401 with fresh tokens {} times in a row; check the OAuth client "
                                        "and its roles",
                                        r.what, unauthorized)};
        return RestStep{A::new_token, unauthorized > 1 ? next_delay(backoff, jitter) : Millis{0}, ExitCode::ok,
                        r.what + " answered 401: the token is no longer good"};
    }
    if (r.status == 0 || (r.status >= 200 && r.status < 300) || r.status == 408 || r.status == 429 || r.status >= 500) {
        std::string message = r.status < 300 ? fmt::format("{} failed: {}", r.what, r.transport_error)
                                             : fmt::format("{} answered {}", r.what, r.status);
        Millis delay = retry_wait(r.retry_after, next_delay(backoff, jitter), retry_cap, message);
        return RestStep{A::retry, delay, ExitCode::ok, message};
    }
    if (r.status == 403)
        return RestStep{A::fail, Millis{0}, ExitCode::permission,
                        fmt::format("{} answered 403: the OAuth client's roles lack the permission it needs", r.what)};
    if (r.status == 404 && r.channel_call)
        return RestStep{A::new_channel, Millis{0}, ExitCode::ok, r.what + " answered 404: the channel is gone"};
    if (r.status == 404 || r.status == 405 || r.status == 410)
        return RestStep{A::fail, Millis{0}, ExitCode::upstream,
                        fmt::format("{} at {} answered {}: check --region or --api-url", r.what, r.url, r.status)};
    if (r.status >= 300 && r.status < 400)
        return RestStep{A::fail, Millis{0}, ExitCode::upstream,
                        fmt::format("{} at {} answered {}, a redirect, which rtwatch does not follow with a token: "
                                    "check --region or --api-url (the API host itself, not a proxy or portal)",
                                    r.what, r.url, r.status)};
    if (r.names_ids && (r.status == 400 || r.status == 422))
        return RestStep{A::fail, Millis{0}, ExitCode::bad_request,
                        fmt::format("{} at {} answered {}: the platform refused the request; check the --queue "
                                    "and --agent ids (Genesys ids are UUIDs)",
                                    r.what, r.url, r.status)};
    return RestStep{A::fail, Millis{0}, r.status >= 400 && r.status < 500 ? ExitCode::bad_request : ExitCode::upstream,
                    fmt::format("{} at {} answered {}, which rtwatch does not expect there", r.what, r.url, r.status)};
}

TimePoint renew_at(TimePoint now, WallTime wall_now, std::optional<WallTime> expires) {
    Millis life = expires ? std::chrono::duration_cast<Millis>(*expires - wall_now) : Millis{24LL * 3600 * 1000};
    if (life <= Millis{0}) return now + k_renew_floor;
    Millis margin = std::min(life / 10, Millis{5 * 60 * 1000});
    return now + std::max(k_renew_min, life - margin);
}

namespace {

bool starts_with_nocase(std::string_view s, std::string_view prefix) {
    if (s.size() < prefix.size()) return false;
    for (std::size_t i = 0; i < prefix.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(s[i])) != prefix[i]) return false;
    return true;
}

// A server's URL as a message may quote it: printable, cut short.
std::string quoted_url(std::string_view url) {
    constexpr std::size_t k_limit = 160;
    std::string out;
    for (char c : url.substr(0, k_limit)) out += (c > 0x20 && c < 0x7f) ? c : '?';
    return url.size() > k_limit ? out + "..." : out;
}

}  // namespace

SocketUrlProblem socket_url_problem(const SocketUrl& u) {
    using K = SocketUrlProblem::Kind;
    const bool ws = starts_with_nocase(u.url, "ws://"), wss = starts_with_nocase(u.url, "wss://");
    if (!ws && !wss)
        return {K::bad_scheme, fmt::format("{} '{}' is not a ws:// or wss:// URL", u.origin, quoted_url(u.url))};
    if (!ws || u.insecure) return {};
    const std::string_view tls_from = starts_with_nocase(u.api_url, "https://")    ? u.api_url
                                      : starts_with_nocase(u.auth_url, "https://") ? u.auth_url
                                                                                   : std::string_view();
    if (tls_from.empty()) return {};
    return {K::downgrade, fmt::format("refused the socket at {} ({}) under {}: it would drop TLS", quoted_url(u.url),
                                      u.origin, tls_from)};
}

Step decide_bad_socket_url(const SocketUrlProblem& problem, int& in_a_row, Backoff& backoff, double jitter) {
    if (++in_a_row >= k_max_bad_socket_urls) {
        const bool downgrade = problem.kind == SocketUrlProblem::Kind::downgrade;
        return fail(ExitCode::upstream,
                    fmt::format("{} ({} channels in a row): {}", problem.message, in_a_row,
                                downgrade ? "check --api-url and --stream-url, or pass --insecure for a test server"
                                          : "the platform keeps answering a socket URL rtwatch cannot open; check "
                                            "--api-url or --region, or set --stream-url"));
    }
    // At once only when nothing else is backing off: a bad URL between lost
    // channels is paced with them.
    Millis delay = in_a_row == 1 && backoff.attempt == 0 ? Millis{0} : next_delay(backoff, jitter);
    return Step{Step::Action::new_channel, delay, ExitCode::ok, problem.message};
}

namespace {

// "a, b, c and 4 more"
std::string some_topics(std::span<const RejectedTopic> topics) {
    std::string out;
    const std::size_t shown = std::min<std::size_t>(topics.size(), 3);
    for (std::size_t i = 0; i < shown; ++i) out += (i ? ", " : "") + topics[i].topic;
    if (topics.size() > shown) out += fmt::format(" and {} more", topics.size() - shown);
    return out;
}

}  // namespace

PermissionVerdict judge_subscriptions(std::size_t permitted, std::span<const RejectedTopic> rejected) {
    PermissionVerdict v;
    if (rejected.empty()) return v;
    std::vector<RejectedTopic> refused, left_out;
    for (const auto& r : rejected) (r.reason == k_left_out ? left_out : refused).push_back(r);
    const std::size_t total = rejected.size() + permitted;
    std::string missing_text;
    if (!left_out.empty())
        missing_text = fmt::format(
            "{} of {} requested topics are missing from the subscription answer ({}): check the --queue and "
            "--agent ids (Genesys ids are UUIDs) and the OAuth client's roles",
            left_out.size(), total, some_topics(left_out));
    if (refused.empty()) {
        if (permitted == 0) {
            v.ok = false;
            v.error = "no topic was subscribed: " + missing_text + "; there is nothing to watch";
        } else {
            v.warning = missing_text + "; those resources are not watched";
        }
        return v;
    }
    auto missing = missing_permissions(refused);
    std::string names =
        missing.empty() ? std::string("(the answer names none)") : fmt::format("{}", fmt::join(missing, ", "));
    std::string first = refused.front().topic;
    std::string topics = refused.size() == 1 ? first : fmt::format("{} and {} more", first, refused.size() - 1);
    std::string reason = refused.front().reason.empty() ? "" : " (" + refused.front().reason + ")";
    std::string also = missing_text.empty() ? "" : "; " + missing_text;
    if (permitted == 0) {
        v.ok = false;
        v.error = fmt::format(
            "no topic was permitted: {} rejected{}; the OAuth client lacks {}: add the permission to "
            "its roles{}",
            topics, reason, names, also);
        return v;
    }
    v.warning = fmt::format(
        "{} of {} topics rejected{}, e.g. {}: the OAuth client lacks {}; those resources are not "
        "watched{}",
        refused.size(), total, reason, first, names, also);
    return v;
}

}  // namespace rtwatch::genesys
