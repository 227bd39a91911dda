// OAuth 2.0 client credentials (RFC 6749 4.4), pure parts: building the
// token request, classifying the token endpoint's answer, and the token
// cache with proactive refresh and single flight. The HTTP call itself is
// made by the caller over the event loop.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "rtwatch/core/clock.hpp"
#include "rtwatch/core/duration.hpp"
#include "rtwatch/core/result.hpp"

namespace rtwatch::auth {

inline constexpr std::string_view k_default_scope = "genesyscloud.realtime.data.view";

struct Credentials {
    std::string client_id;
    std::string client_secret;
    std::string scope{k_default_scope};
};

struct TokenRequest {
    std::string content_type;   // application/x-www-form-urlencoded
    std::string authorization;  // "Basic base64(urlencode(id):urlencode(secret))"
    std::string body;           // grant_type=client_credentials&scope=...
};
TokenRequest build_token_request(const Credentials& credentials);

// application/x-www-form-urlencoded as RFC 6749 Appendix B asks (space -> '+').
std::string form_urlencode(std::string_view text);
std::string base64_encode(std::string_view bytes);

struct Token {
    std::string access_token;
    TimePoint expires_at;  // earliest of expires_in and expires_at, on the steady clock
    Millis lifetime{0};    // expires_at - time received
};

// What the token endpoint's answer means for the client.
struct TokenAnswer {
    enum class Kind {
        token,          // 200 with a usable token
        retry_after,    // 429/503 with Retry-After: wait `delay`
        retry_backoff,  // 5xx, network error, unparseable 200: back off
        fatal,          // 400/401/other 4xx: stop with `error`
    };
    Kind kind = Kind::fatal;
    Token token;
    Millis delay{0};
    Error error;       // message names the cause and the fix; never the secret
    std::string note;  // debug-level remark on a usable token (e.g. the lifetime was assumed)
};

// The token endpoint's answer as the connection saw it.
struct TokenReply {
    long status = 0;  // 0: the request failed before an HTTP status (transport_error says why)
    std::string_view body;
    std::string_view retry_after;  // the Retry-After header, "" when absent
    std::string_view transport_error;
    std::string_view url;         // the token endpoint's URL, named in wrong-URL messages
    bool auth_url_given = false;  // --auth-url was set (else the URL came from --api-url)
};

// The decision table:
//   200 + usable token            token (a lifetime under 1 s is raised to 1 s, noted)
//   200 unusable, 5xx, 408, 0     retry_backoff
//   429/503 + Retry-After > 0     retry_after, delay = max(Retry-After, 1 s)
//   429/503, Retry-After <= 0 or
//   absent or invalid             retry_backoff (never "retry now")
//   400, 401, 403                 fatal, ExitCode::auth
//   404, 405, 410, other 4xx, 3xx fatal, ExitCode::upstream: the URL is wrong
// Bodies are parsed with parse_server_json (64 kB, 16 levels).
TokenAnswer classify_token_response(const TokenReply& reply, TimePoint now, WallTime wall_now);
// The same without a URL to name.
TokenAnswer classify_token_response(long status, std::string_view body, std::string_view retry_after,
                                    std::string_view transport_error, TimePoint now, WallTime wall_now);

// Retry-After as seconds or an HTTP date (RFC 9110 10.2.3, all three date
// forms); nullopt when absent or invalid. A date in the past is 0; values
// are capped at k_max_retry_after.
inline constexpr Millis k_max_retry_after{24 * 3600 * 1000};
std::optional<Millis> parse_retry_after(std::string_view value, WallTime wall_now);

class TokenCache {
public:
    explicit TokenCache(Millis grace = Millis(60'000)) : m_grace(grace) {}

    bool has_token() const { return m_token.has_value(); }
    bool valid(TimePoint now) const;  // present and not expired
    const std::string& access_token() const;
    // When to refresh ahead of expiry: expires_at - min(grace, lifetime/3),
    // so short-lived tokens do not refresh in a loop.
    std::optional<TimePoint> refresh_at() const;
    bool needs_refresh(TimePoint now) const;

    void store(Token token);
    void invalidate();  // after a 401: the token is no good

    // Single flight: true if the caller should start a refresh; false when
    // one is already in flight (its result will serve everyone).
    bool begin_refresh();
    void end_refresh();
    bool refreshing() const { return m_refreshing; }

private:
    Millis m_grace;
    std::optional<Token> m_token;
    bool m_refreshing = false;
};

}  // namespace rtwatch::auth
