// Fault JSON parsing (every mistake named in the 400 answer) and the
// standing fault state.
#include "rtwatch/sim/faults.hpp"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <fmt/format.h>

namespace rtwatch::sim {

namespace {

using Json = rapidjson::Value;

Error bad(std::string message) { return make_error(ExitCode::usage, std::move(message)); }

std::optional<Fault::Kind> kind_from(std::string_view k) {
    static const std::pair<std::string_view, Fault::Kind> kinds[] = {{"drop", Fault::Kind::drop},
                                                                     {"stall", Fault::Kind::stall},
                                                                     {"maintenance", Fault::Kind::maintenance},
                                                                     {"revoke", Fault::Kind::revoke},
                                                                     {"expire-scope", Fault::Kind::expire_scope},
                                                                     {"garbage", Fault::Kind::garbage},
                                                                     {"status", Fault::Kind::status},
                                                                     {"empty", Fault::Kind::empty},
                                                                     {"slow", Fault::Kind::slow},
                                                                     {"pause", Fault::Kind::pause},
                                                                     {"restore", Fault::Kind::restore}};
    for (const auto& [name, kind] : kinds)
        if (name == k) return kind;
    return std::nullopt;
}

// Reads an optional non-negative integer field; false on a wrong type.
bool read_count(const Json& doc, const char* name, std::optional<int64_t>& out) {
    if (!doc.HasMember(name)) return true;
    const Json& v = doc[name];
    if (!v.IsNumber() || v.GetDouble() < 0) return false;
    out = static_cast<int64_t>(v.GetDouble());
    return true;
}

bool read_string(const Json& doc, const char* name, std::string& out) {
    if (!doc.HasMember(name)) return true;
    if (!doc[name].IsString()) return false;
    out.assign(doc[name].GetString(), doc[name].GetStringLength());
    return true;
}

Result<Fault> parse_status(const Json& doc, Fault fault) {
    std::optional<int64_t> status, count, retry_after;
    std::string endpoint = "stream";
    if (!read_count(doc, "status", status) || !read_count(doc, "count", count) ||
        !read_count(doc, "retryAfter", retry_after) || !read_string(doc, "body", fault.canned.body) ||
        !read_string(doc, "contentType", fault.canned.content_type) || !read_string(doc, "endpoint", endpoint))
        return bad("fault fields: status, count and retryAfter are numbers >= 0; body, contentType, endpoint strings");
    if (fault.kind == Fault::Kind::status && (!status || *status < 200 || *status > 599))
        return bad("a status fault needs \"status\" between 200 and 599");
    if (endpoint != "stream" && endpoint != "token") return bad("\"endpoint\" must be \"stream\" or \"token\"");
    fault.endpoint = endpoint == "token" ? Endpoint::token : Endpoint::stream;
    fault.canned.status = fault.kind == Fault::Kind::empty ? 200 : static_cast<int>(*status);
    fault.canned.count = static_cast<int>(count.value_or(1));
    if (retry_after) fault.canned.retry_after_s = static_cast<double>(*retry_after);
    if (fault.kind == Fault::Kind::empty) fault.canned.content_type = "text/event-stream; charset=utf-8";
    return fault;
}

Result<Fault> parse_fields(const Json& doc, Fault fault) {
    std::optional<int64_t> retry_after, bps;
    std::string variant = "malformed-json";
    if (!read_count(doc, "ms", fault.ms) || !read_count(doc, "retryAfterMs", retry_after) ||
        !read_count(doc, "bytesPerSecond", bps) || !read_string(doc, "variant", variant) ||
        !read_string(doc, "resource", fault.resource))
        return bad("fault fields: ms, retryAfterMs, bytesPerSecond are numbers >= 0; variant, resource strings");
    if (doc.HasMember("credentials")) {
        if (!doc["credentials"].IsBool()) return bad("\"credentials\" must be true or false");
        fault.credentials = doc["credentials"].GetBool();
    }
    if (retry_after) fault.retry_after_ms = *retry_after;
    if (bps) fault.bytes_per_second = static_cast<int>(std::max<int64_t>(1, *bps));
    auto v = parse_garbage_variant(variant);
    if (!v)
        return bad(
            fmt::format("unknown garbage variant '{}'; use malformed-json, wrong-shape, missing-id, "
                        "unknown-metric, invalid-utf8, oversize or nul",
                        variant));
    fault.variant = *v;
    if (fault.kind == Fault::Kind::status || fault.kind == Fault::Kind::empty) return parse_status(doc, fault);
    return fault;
}

}  // namespace

Result<Fault> parse_fault(std::string_view json) {
    rapidjson::Document doc;
    doc.Parse(json.data(), json.size());
    if (doc.HasParseError())
        return bad(fmt::format("fault body is not JSON: {} at offset {}",
                               rapidjson::GetParseError_En(doc.GetParseError()), doc.GetErrorOffset()));
    if (!doc.IsObject() || !doc.HasMember("kind") || !doc["kind"].IsString())
        return bad("fault body must be a JSON object with a string \"kind\"");
    const std::string_view name(doc["kind"].GetString(), doc["kind"].GetStringLength());
    auto kind = kind_from(name);
    if (!kind)
        return bad(
            fmt::format("unknown fault kind '{}'; use drop, stall, maintenance, revoke, expire-scope, garbage, "
                        "status, empty, slow, pause or restore",
                        name));
    Fault fault;
    fault.kind = *kind;
    return parse_fields(doc, fault);
}

void FaultState::apply(const Fault& fault, TimePoint now) {
    std::lock_guard lock(m_mutex);
    const auto ms = [](int64_t v) { return std::chrono::milliseconds(v); };
    switch (fault.kind) {
        case Fault::Kind::drop:
            ++m_view.drop;
            break;
        case Fault::Kind::stall:
            ++m_view.stall;
            m_view.stall_until = fault.ms ? now + ms(*fault.ms) : TimePoint::max();
            break;
        case Fault::Kind::maintenance:
            ++m_view.maintenance;
            m_view.maintenance_retry_ms = fault.retry_after_ms;
            m_maintenance_until = now + ms(fault.ms.value_or(fault.retry_after_ms));
            break;
        case Fault::Kind::revoke:
            ++m_view.revoke;
            m_view.revoke_reason = fault.credentials ? "credentials_rotated" : "token_revoked";
            if (fault.credentials) m_credentials_rotated = true;
            break;
        case Fault::Kind::expire_scope:
            m_scope_expired = true;
            break;
        case Fault::Kind::status:
        case Fault::Kind::empty:
            if (fault.canned.count > 0) m_canned[static_cast<int>(fault.endpoint)].push_back(fault.canned);
            break;
        case Fault::Kind::slow:
            m_view.slow_until = now + ms(fault.ms.value_or(5000));
            m_view.slow_bytes_per_second = fault.bytes_per_second;
            break;
        case Fault::Kind::pause:
            m_paused = true;
            break;
        case Fault::Kind::restore:
            m_paused = false;
            m_view.stall_until = now;
            m_view.slow_until = now;
            m_maintenance_until = now;
            m_scope_expired = false;
            m_credentials_rotated = false;
            m_canned[0].clear();
            m_canned[1].clear();
            break;
        case Fault::Kind::garbage:
            break;
    }
}

bool FaultState::paused() const {
    std::lock_guard lock(m_mutex);
    return m_paused;
}

FaultView FaultState::view() const {
    std::lock_guard lock(m_mutex);
    return m_view;
}

std::optional<CannedResponse> FaultState::take_canned(Endpoint endpoint) {
    std::lock_guard lock(m_mutex);
    auto& queue = m_canned[static_cast<int>(endpoint)];
    if (queue.empty()) return std::nullopt;
    CannedResponse out = queue.front();
    if (--queue.front().count <= 0) queue.pop_front();
    return out;
}

std::optional<std::chrono::milliseconds> FaultState::maintenance_left(TimePoint now) const {
    std::lock_guard lock(m_mutex);
    if (now >= m_maintenance_until) return std::nullopt;
    return std::chrono::ceil<std::chrono::milliseconds>(m_maintenance_until - now);
}

bool FaultState::scope_expired() const {
    std::lock_guard lock(m_mutex);
    return m_scope_expired;
}

bool FaultState::credentials_rotated() const {
    std::lock_guard lock(m_mutex);
    return m_credentials_rotated;
}

}  // namespace rtwatch::sim
