// Classifies the token endpoint's answer (RFC 6749 5.1/5.2, PROTOCOL.md 1)
// into use / retry / stop. Messages echo only the `error` fields, escaped
// and capped, never the body: a body may carry the token.
#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <string>

#include <fmt/format.h>
#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include "rtwatch/auth/token.hpp"
#include "rtwatch/core/json_text.hpp"
#include "rtwatch/core/time_format.hpp"

namespace rtwatch::auth {

namespace {

using Kind = TokenAnswer::Kind;

constexpr size_t k_max_echo = 200;
constexpr Millis k_default_lifetime{3'600'000};
constexpr Millis k_max_lifetime{366LL * 24 * 3'600'000};
constexpr std::string_view k_fix_credentials =
    "check RTWATCH_CLIENT_ID / --client-id and the secret (RTWATCH_CLIENT_SECRET or --client-secret-file)";

// A server-supplied string as a JSON-quoted, capped snippet: it cannot
// break a log line or carry control characters.
std::string quoted(std::string_view text) {
    std::string out;
    append_json_string(out, text.substr(0, k_max_echo));
    if (text.size() > k_max_echo) out += "...";
    return out;
}

// RFC 6749 error codes are short and plain; anything else is quoted.
std::string error_code_text(std::string_view code) {
    bool plain = !code.empty() && code.size() <= 64;
    for (char c : code) plain = plain && ((c >= 'a' && c <= 'z') || c == '_' || c == '.' || c == '-');
    return plain ? std::string(code) : quoted(code);
}

TokenAnswer answer(Kind kind, ExitCode code, std::string message) {
    TokenAnswer a;
    a.kind = kind;
    a.error = make_error(code, std::move(message));
    return a;
}

TokenAnswer fatal(std::string message) { return answer(Kind::fatal, ExitCode::auth, std::move(message)); }
TokenAnswer backoff(std::string message) { return answer(Kind::retry_backoff, ExitCode::upstream, std::move(message)); }

// Parsed iteratively so a deeply nested body cannot exhaust the stack.
bool parse_json(std::string_view body, rapidjson::Document& doc) {
    constexpr unsigned flags = rapidjson::kParseIterativeFlag | rapidjson::kParseValidateEncodingFlag;
    doc.Parse<flags>(body.data(), body.size());
    return !doc.HasParseError();
}

std::string_view string_member(const rapidjson::Value& obj, const char* name) {
    if (!obj.IsObject()) return {};
    auto it = obj.FindMember(name);
    if (it == obj.MemberEnd() || !it->value.IsString()) return {};
    return {it->value.GetString(), it->value.GetStringLength()};
}

struct OAuthError {
    std::string code;         // "" when the body named none
    std::string description;  // already quoted, or ""
};

OAuthError oauth_error(std::string_view body) {
    rapidjson::Document doc;
    OAuthError e;
    if (!parse_json(body, doc)) return e;
    auto code = string_member(doc, "error");
    auto description = string_member(doc, "error_description");
    if (!code.empty()) e.code = error_code_text(code);
    if (!description.empty()) e.description = quoted(description);
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

TokenAnswer classify_client_error(long status, std::string_view body) {
    OAuthError e = oauth_error(body);
    std::string head = "token endpoint answered " + status_text(status, e);
    if (status == 400) return fatal(fmt::format("{}: {}", head, fix_for_400(e.code)));
    if (status == 401) {
        if (e.code.empty()) head += " invalid_client";
        return fatal(fmt::format("{}: {}", head, k_fix_credentials));
    }
    if (status == 403)
        return fatal(head + ": the OAuth client is not allowed to get tokens: check its permissions");
    return fatal(head + ": check --auth-url");
}

TokenAnswer classify_throttled(long status, std::string_view retry_after, WallTime wall_now) {
    auto delay = parse_retry_after(retry_after, wall_now);
    if (!delay) return backoff(fmt::format("token endpoint answered {} without a usable Retry-After", status));
    TokenAnswer a = answer(Kind::retry_after, ExitCode::upstream,
                           fmt::format("token endpoint answered {} (Retry-After {})", status, format_duration(*delay)));
    a.delay = *delay;
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

std::optional<double> number_value(const rapidjson::Value& v) {
    if (v.IsNumber()) return v.GetDouble();
    if (!v.IsString()) return std::nullopt;
    std::string_view s{v.GetString(), v.GetStringLength()};
    double d = 0;
    auto r = std::from_chars(s.data(), s.data() + s.size(), d);
    if (s.empty() || r.ec != std::errc() || r.ptr != s.data() + s.size()) return std::nullopt;
    return d;
}

std::optional<Millis> lifetime_from_expires_in(const rapidjson::Value& v) {
    auto secs = number_value(v);
    return secs ? seconds_to_millis(*secs) : std::nullopt;
}

std::optional<Millis> lifetime_from_expires_at(const rapidjson::Value& v, WallTime wall_now) {
    using namespace std::chrono;
    double now_secs = duration<double>(wall_now.time_since_epoch()).count();
    if (auto epoch = number_value(v)) return seconds_to_millis(*epoch - now_secs);
    if (!v.IsString()) return std::nullopt;
    std::string_view text{v.GetString(), v.GetStringLength()};
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
Lifetime token_lifetime(const rapidjson::Value& doc, WallTime wall_now) {
    std::optional<Millis> best;
    std::string note;
    auto consider = [&](const char* name, auto parse) {
        auto it = doc.FindMember(name);
        if (it == doc.MemberEnd()) return;
        auto ms = parse(it->value);
        if (!ms) note += fmt::format("ignored an {} that is not a number or a date; ", name);
        else if (!best || *ms < *best) best = ms;
    };
    consider("expires_in", [](const rapidjson::Value& v) { return lifetime_from_expires_in(v); });
    consider("expires_at", [&](const rapidjson::Value& v) { return lifetime_from_expires_at(v, wall_now); });
    if (best) return {*best, note};
    return {k_default_lifetime, note + "token answer has no usable expires_in or expires_at: assuming 3600 s"};
}

// RFC 6750 b64token is visible ASCII; anything else could split a header.
bool header_safe(std::string_view token) {
    for (unsigned char c : token)
        if (c < 0x21 || c > 0x7e) return false;
    return true;
}

bool bearer_type(const rapidjson::Value& doc) {
    auto it = doc.FindMember("token_type");
    if (it == doc.MemberEnd()) return true;  // tolerated: many servers omit it
    if (!it->value.IsString()) return false;
    std::string_view t{it->value.GetString(), it->value.GetStringLength()};
    if (t.size() != 6) return false;
    for (size_t i = 0; i < 6; ++i)
        if (std::tolower(static_cast<unsigned char>(t[i])) != "bearer"[i]) return false;
    return true;
}

TokenAnswer classify_ok(std::string_view body, TimePoint now, WallTime wall_now) {
    rapidjson::Document doc;
    if (!parse_json(body, doc))
        return backoff(fmt::format("token endpoint answered 200 with a body that is not JSON ({} at offset {})",
                                   rapidjson::GetParseError_En(doc.GetParseError()), doc.GetErrorOffset()));
    if (!doc.IsObject()) return backoff("token endpoint answered 200 with JSON that is not an object");
    auto token = string_member(doc, "access_token");
    if (token.empty()) return backoff("token endpoint answered 200 without an access_token");
    if (!header_safe(token))
        return backoff("token endpoint answered 200 with an access_token that cannot go in an HTTP header");
    if (!bearer_type(doc))
        return fatal("token endpoint issued a token whose token_type is not bearer: check --auth-url");
    Lifetime life = token_lifetime(doc, wall_now);
    if (life.value <= Millis(0))
        return backoff(fmt::format("token endpoint issued a token that had already expired ({} ago by this "
                                   "machine's clock): check the clock (NTP) here and on the server",
                                   format_duration(-life.value)));
    TokenAnswer a;
    a.kind = Kind::token;
    a.token = Token{std::string(token), now + life.value, life.value};
    a.note = std::move(life.note);
    return a;
}

}  // namespace

TokenAnswer classify_token_response(long status, std::string_view body, std::string_view retry_after,
                                    std::string_view transport_error, TimePoint now, WallTime wall_now) {
    if (status == 0)
        return backoff("token request failed before an HTTP answer: " +
                       quoted(transport_error.empty() ? "unknown transport error" : transport_error));
    if (status == 200) return classify_ok(body, now, wall_now);
    if (status == 429 || status == 503) return classify_throttled(status, retry_after, wall_now);
    // 408 is the server timing out the request: transient, like a 5xx.
    if (status == 408 || (status >= 500 && status <= 599))
        return backoff(fmt::format("token endpoint answered {}", status));
    if (status >= 400 && status <= 499) return classify_client_error(status, body);
    return fatal(fmt::format("token endpoint answered an unexpected status {}: check --auth-url", status));
}

}  // namespace rtwatch::auth
