// From how a stream ended to the Outcome the decision table judges: the
// server's announced reconnect/disconnect, the transport's result, the
// HTTP status with its Retry-After and message, a certificate failure.
#include "rtwatch/reconnect/ending.hpp"

#include <charconv>

#include <fmt/format.h>
#include <rapidjson/document.h>

#include "rtwatch/auth/token.hpp"

namespace rtwatch::reconnect {

namespace {

using Trigger = Outcome::Trigger;

// Control events and error bodies are small; anything larger is not one.
constexpr std::size_t k_max_control_bytes = 64 * 1024;

}  // namespace

std::string control_field(std::string_view data, const char* name) {
    if (data.size() > k_max_control_bytes) return {};
    rapidjson::Document doc;
    // Iterative: deeply nested server text cannot exhaust the stack.
    doc.Parse<rapidjson::kParseIterativeFlag>(data.data(), data.size());
    if (doc.HasParseError() || !doc.IsObject()) return {};
    auto it = doc.FindMember(name);
    if (it == doc.MemberEnd()) return {};
    if (it->value.IsString()) return std::string(it->value.GetString(), it->value.GetStringLength());
    if (it->value.IsNumber()) return fmt::format("{}", it->value.GetDouble());
    return {};
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
        case Kind::eof: case Kind::closed: o.trigger = Trigger::eof; break;
        case Kind::transport_error: case Kind::redirect_error: o.trigger = Trigger::transport_error; break;
        case Kind::http_status: o.trigger = Trigger::http_status; break;
        case Kind::bad_content_type: o.trigger = Trigger::bad_content_type; break;
        case Kind::idle_timeout: o.trigger = Trigger::idle_timeout; break;
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
