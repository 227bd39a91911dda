// Classifies the token endpoint's answer (RFC 6749 5.1/5.2, PROTOCOL.md 1)
// into use / retry / stop. Messages echo only the `error` fields, escaped
// and capped, never the body: a body may carry the token.
#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <string>

#include <fmt/format.h>

#include "rtwatch/auth/token.hpp"
#include "rtwatch/core/json_text.hpp"
#include "rtwatch/core/server_json.hpp"
#include "rtwatch/core/time_format.hpp"

namespace rtwatch::auth {

namespace {

using Kind = TokenAnswer::Kind;

constexpr Millis k_default_lifetime{3'600'000};
constexpr Millis k_max_lifetime{366LL * 24 * 3'600'000};
// A token that lives less than this is used for this long anyway: with the
// cache's refresh at two thirds of the lifetime, at most about 1.5 token
// requests a second however short the server makes them.
constexpr Millis k_min_lifetime{1'000};
// A positive Retry-After is waited at least this long.
constexpr Millis k_min_retry_after{1'000};
// Token answers are small; a JWT is a few kB.
constexpr JsonLimits k_body_limits{64 * 1024, 16};
constexpr std::string_view k_fix_credentials =
    "check RTWATCH_CLIENT_ID / --client-id and the secret (RTWATCH_CLIENT_SECRET or --client-secret-file)";

TokenAnswer answer(Kind kind, ExitCode code, std::string message) {
    TokenAnswer a;
    a.kind = kind;
    a.error = make_error(code, std::move(message));
    return a;
}

TokenAnswer fatal(std::string message) { return answer(Kind::fatal, ExitCode::auth, std::move(message)); }
TokenAnswer backoff(std::string message) { return answer(Kind::retry_backoff, ExitCode::upstream, std::move(message)); }

struct OAuthError {
    std::string code;         // "" when the body named none
    std::string description;  // already quoted, or ""
};

OAuthError oauth_error(std::string_view body) {
    OAuthError e;
    auto fields = parse_server_json(body, k_body_limits);
    if (!fields) return e;
    auto code = fields->string("error").value_or("");
    auto description = fields->string("error_description").value_or("");
    if (!code.empty()) e.code = echo_server_text(code);
    if (!description.empty()) e.description = quoted_snippet(description);
    return e;
}

// "400 invalid_scope (\"unknown scope\")", or just "400".
std::string status_text(long status, const OAuthError& e) {
    std::string s = std::to_string(status);
    if (!e.code.empty()) s += " " + e.code;
    if (!e.description.empty()) s += " (" + e.description + ")";
    return s;
}

std::string_view fix_for_400(std::string_view code) {
    if (code == "invalid_scope") return "check --scope";
    if (code == "invalid_client") return k_fix_credentials;
    if (code == "unauthorized_client")
        return "the OAuth client may not use the client credentials grant: enable it for the client";
    if (code == "unsupported_grant_type" || code == "invalid_request" || code == "invalid_grant")
        return "the server rejected the request: check --auth-url (is it an OAuth 2.0 token endpoint?)";
    return "the server rejected the request: check --auth-url and --scope";
}

// The answer came from something that is not a token endpoint (404, 405,
// 410, a redirect, ...): the URL is wrong, which no credential fixes.
TokenAnswer wrong_url(std::string head, const TokenReply& reply) {
    std::string fix = "check --auth-url";
    if (!reply.url.empty())
        fix = reply.auth_url_given
                  ? "check --auth-url (the base URL: rtwatch adds /oauth/token)"
                  : "check --auth-url: it defaults to --api-url, and the token endpoint may live elsewhere";
    return answer(Kind::fatal, ExitCode::upstream, head + ": " + fix);
}

std::string answered(const TokenReply& reply, std::string_view what) {
    if (reply.url.empty()) return fmt::format("token endpoint answered {}", what);
    return fmt::format("token endpoint {} answered {}", quoted_snippet(reply.url), what);
}

TokenAnswer classify_client_error(const TokenReply& reply) {
    long status = reply.status;
    OAuthError e = oauth_error(reply.body);
    std::string head = "token endpoint answered " + status_text(status, e);
    if (status == 400) return fatal(fmt::format("{}: {}", head, fix_for_400(e.code)));
    if (status == 401) {
        if (e.code.empty()) head += " invalid_client";
        return fatal(fmt::format("{}: {}", head, k_fix_credentials));
    }
    if (status == 403) return fatal(head + ": the OAuth client is not allowed to get tokens: check its permissions");
    return wrong_url(answered(reply, status_text(status, e)), reply);
}

// Retry-After 0 or a date already past would mean "ask again now", and a
// server that keeps saying so would get a request loop: back off instead.
TokenAnswer classify_throttled(long status, std::string_view retry_after, WallTime wall_now) {
    auto delay = parse_retry_after(retry_after, wall_now);
    if (!delay) return backoff(fmt::format("token endpoint answered {} without a usable Retry-After", status));
    if (*delay <= Millis(0))
        return backoff(fmt::format("token endpoint answered {} with a Retry-After of 0 or in the past", status));
    TokenAnswer a = answer(Kind::retry_after, ExitCode::upstream,
                           fmt::format("token endpoint answered {} (Retry-After {})", status, format_duration(*delay)));
    a.delay = std::max(*delay, k_min_retry_after);
    return a;
}

// --- 200: the token and its lifetime -------------------------------------

// Seconds (possibly fractional) as a lifetime; nullopt if not a finite number.
std::optional<Millis> seconds_to_millis(double secs) {
    if (!std::isfinite(secs)) return std::nullopt;
    double ms = std::floor(secs * 1000.0);
    if (ms >= static_cast<double>(k_max_lifetime.count())) return k_max_lifetime;
    if (ms <= -static_cast<double>(k_max_lifetime.count())) return -k_max_lifetime;
    return Millis(static_cast<long long>(ms));
}

std::optional<Millis> lifetime_from_expires_in(const JsonFields& body) {
    auto secs = body.number_or_numeric_string("expires_in");
    return secs ? seconds_to_millis(*secs) : std::nullopt;
}

std::optional<Millis> lifetime_from_expires_at(const JsonFields& body, WallTime wall_now) {
    using namespace std::chrono;
    double now_secs = duration<double>(wall_now.time_since_epoch()).count();
    if (auto epoch = body.number_or_numeric_string("expires_at")) return seconds_to_millis(*epoch - now_secs);
    auto string = body.string("expires_at");
    if (!string) return std::nullopt;
    std::string_view text = *string;
    // parse_rfc3339 would overflow the nanosecond WallTime past ~2262 (or before 1678).
    int year = 0;
    auto r = std::from_chars(text.data(), text.data() + std::min<size_t>(text.size(), 4), year);
    if (r.ec != std::errc() || r.ptr != text.data() + 4 || year < 1900 || year > 2200) return std::nullopt;
    auto when = parse_rfc3339(text);
    if (!when) return std::nullopt;
    return seconds_to_millis(duration<double>(*when - wall_now).count());
}

struct Lifetime {
    Millis value = k_default_lifetime;
    std::string note;
};

// The earliest of expires_in and expires_at; fields that do not parse are
// ignored (and noted) rather than failing a token that is otherwise fine.
Lifetime token_lifetime(const JsonFields& body, WallTime wall_now) {
    std::optional<Millis> best;
    std::string note;
    auto consider = [&](const char* name, std::optional<Millis> ms) {
        if (!body.find(name)) return;
        if (!ms)
            note += fmt::format("ignored an {} that is not a number or a date; ", name);
        else if (!best || *ms < *best)
            best = ms;
    };
    consider("expires_in", lifetime_from_expires_in(body));
    consider("expires_at", lifetime_from_expires_at(body, wall_now));
    if (best && *best > Millis(0) && *best < k_min_lifetime) {
        note += fmt::format("the token's lifetime of {} ms is under 1 s: using it for 1 s; ", best->count());
        best = k_min_lifetime;
    }
    if (best) return {*best, note};
    return {k_default_lifetime, note + "token answer has no usable expires_in or expires_at: assuming 3600 s"};
}

// RFC 6750 b64token is visible ASCII; anything else could split a header.
bool header_safe(std::string_view token) {
    for (unsigned char c : token)
        if (c < 0x21 || c > 0x7e) return false;
    return true;
}

bool bearer_type(const JsonFields& body) {
    if (!body.find("token_type")) return true;  // tolerated: many servers omit it
    auto type = body.string("token_type");
    if (!type) return false;
    std::string_view t = *type;
    if (t.size() != 6) return false;
    for (size_t i = 0; i < 6; ++i)
        if (std::tolower(static_cast<unsigned char>(t[i])) != "bearer"[i]) return false;
    return true;
}

TokenAnswer classify_ok(std::string_view body, TimePoint now, WallTime wall_now) {
    auto parsed = parse_server_json(body, k_body_limits);
    if (!parsed)
        return backoff("token endpoint answered 200 with a body that is not a JSON object (" + parsed.error().message +
                       ")");
    const JsonFields& doc = *parsed;
    auto token = doc.string("access_token").value_or("");
    if (token.empty()) return backoff("token endpoint answered 200 without an access_token");
    if (!header_safe(token))
        return backoff("token endpoint answered 200 with an access_token that cannot go in an HTTP header");
    if (!bearer_type(doc))
        return fatal("token endpoint issued a token whose token_type is not bearer: check --auth-url");
    Lifetime life = token_lifetime(doc, wall_now);
    if (life.value <= Millis(0))
        return backoff(
            fmt::format("token endpoint issued a token that had already expired ({} ago by this "
                        "machine's clock): check the clock (NTP) here and on the server",
                        format_duration(-life.value)));
    TokenAnswer a;
    a.kind = Kind::token;
    a.token = Token{std::string(token), now + life.value, life.value};
    a.note = std::move(life.note);
    return a;
}

}  // namespace

TokenAnswer classify_token_response(const TokenReply& reply, TimePoint now, WallTime wall_now) {
    long status = reply.status;
    if (status == 0)
        return backoff("token request failed before an HTTP answer: " + quoted_snippet(reply.transport_error.empty()
                                                                                           ? "unknown transport error"
                                                                                           : reply.transport_error));
    if (status == 200) return classify_ok(reply.body, now, wall_now);
    if (status == 429 || status == 503) return classify_throttled(status, reply.retry_after, wall_now);
    // 408 is the server timing out the request: transient, like a 5xx.
    if (status == 408 || (status >= 500 && status <= 599))
        return backoff(fmt::format("token endpoint answered {}", status));
    if (status >= 400 && status <= 499) return classify_client_error(reply);
    return wrong_url(answered(reply, fmt::format("an unexpected status {}", status)), reply);
}

TokenAnswer classify_token_response(long status, std::string_view body, std::string_view retry_after,
                                    std::string_view transport_error, TimePoint now, WallTime wall_now) {
    return classify_token_response(TokenReply{status, body, retry_after, transport_error, {}, false}, now, wall_now);
}

}  // namespace rtwatch::auth
