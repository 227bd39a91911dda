// From how a stream ended to the Outcome the decision table judges: the
// server's announced reconnect/disconnect, the transport's result, the
// HTTP status with its Retry-After and message, a certificate failure.
#include "rtwatch/reconnect/ending.hpp"

#include <charconv>

#include "rtwatch/auth/token.hpp"
#include "rtwatch/core/server_json.hpp"

namespace rtwatch::reconnect {

namespace {

using Trigger = Outcome::Trigger;

}  // namespace

std::string control_field(std::string_view data, const char* name) {
    // Bounded in size and depth: hostile server text cannot exhaust the stack.
    auto fields = parse_server_json(data);
    if (!fields) return {};
    const JsonField* f = fields->find(name);
    if (!f || (f->type != JsonField::Type::string && f->type != JsonField::Type::number)) return {};
    return f->text;
}

std::optional<Outcome> announced_by(std::string_view type, std::string_view data) {
    Outcome o;
    if (type == "reconnect") {
        o.trigger = Trigger::reconnect_event;
        auto ms = control_field(data, "retryAfterMs");
        double value = 0;
        auto [end, ec] = std::from_chars(ms.data(), ms.data() + ms.size(), value);
        if (!ms.empty() && ec == std::errc() && end == ms.data() + ms.size() && value >= 0 && value < 864e5)
            o.event_delay = Millis(static_cast<long long>(value));
    } else if (type == "disconnect") {
        o.trigger = Trigger::disconnect_event;
    } else {
        return std::nullopt;
    }
    o.detail = control_field(data, "reason");
    return o;
}

Outcome outcome_of(const StreamEnding& end, const std::optional<Outcome>& announced, std::string_view url,
                   WallTime wall_now) {
    if (announced) return *announced;
    using Kind = StreamEnding::Kind;
    Outcome o;
    switch (end.kind) {
        case Kind::eof:
        case Kind::closed:
            o.trigger = Trigger::eof;
            break;
        case Kind::transport_error:
            o.trigger = Trigger::transport_error;
            break;
        case Kind::redirect_error:
        case Kind::redirect_loop:
            o.trigger = Trigger::bad_redirect;
            break;
        case Kind::http_status:
            o.trigger = Trigger::http_status;
            break;
        case Kind::bad_content_type:
            o.trigger = Trigger::bad_content_type;
            break;
        case Kind::idle_timeout:
            o.trigger = Trigger::idle_timeout;
            break;
    }
    if (end.untrusted_certificate) o.trigger = Trigger::untrusted_certificate;
    o.status = end.status;
    o.retry_after = auth::parse_retry_after(end.retry_after, wall_now);
    o.detail = end.detail;
    if (end.kind == Kind::http_status) {
        auto message = control_field(end.body, "message");
        if (!message.empty()) o.detail = message;
    }
    o.url = std::string(url);
    return o;
}

}  // namespace rtwatch::reconnect
