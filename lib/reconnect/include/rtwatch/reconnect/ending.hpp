// How a stream attempt ended, as the transport saw it, and what the server
// announced before it closed, mapped to the Outcome that decide() judges.
// Pure: no transport types, the caller passes the wall clock for dates.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "rtwatch/core/clock.hpp"
#include "rtwatch/reconnect/policy.hpp"

namespace rtwatch::reconnect {

struct StreamEnding {
    enum class Kind {
        eof,               // the server closed a 200 stream
        closed,            // closed by rtwatch
        transport_error,   // connect/TLS/read failure
        redirect_error,    // a redirect that cannot or must not be followed
        redirect_loop,     // too many redirects
        http_status,       // a non-200 answer
        bad_content_type,  // 200 but not an event stream
        idle_timeout,      // nothing at all for the idle timeout
    };
    Kind kind = Kind::eof;
    long status = 0;
    std::string retry_after;  // the raw Retry-After header
    std::string body;         // the start of an error body
    std::string detail;       // the transport's description
    bool untrusted_certificate = false;
};

// A `reconnect` or `disconnect` event announces the end of the stream; any
// other event type announces nothing. A `retryAfterMs` outside [0, 1 day)
// or not a number is ignored (the backoff applies).
std::optional<Outcome> announced_by(std::string_view type, std::string_view data);

// The outcome to judge: what the server announced wins over how the
// transport ended. `url` is the stream URL, for messages.
Outcome outcome_of(const StreamEnding& end, const std::optional<Outcome>& announced, std::string_view url,
                   WallTime wall_now);

// A top-level string or number field of a control event's JSON `data`, or
// "" when the data is not a JSON object, is too large or too deep, or lacks it.
std::string control_field(std::string_view data, const char* name);

}  // namespace rtwatch::reconnect
