// Bodies of the channel, subscription, observations-query and users
// answers. Shapes follow Genesys' public API reference; members we do not
// use are ignored, and what we need but is missing is an error naming it.
#include "rtwatch/genesys/rest.hpp"

#include <algorithm>
#include <array>

#include "json_read.hpp"
#include "rtwatch/core/json_text.hpp"
#include "rtwatch/core/time_format.hpp"

namespace rtwatch::genesys {

std::string url_component(std::string_view text) {
    static constexpr char k_hex[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(text.size());
    // "." and ".." would be dot segments, which URL parsers remove.
    const bool dots = text.find_first_not_of('.') == std::string_view::npos;
    for (unsigned char c : text) {
        bool plain = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
                     c == '_' || (c == '.' && !dots) || c == '~';
        if (plain) {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += k_hex[c >> 4];
            out += k_hex[c & 15];
        }
    }
    return out;
}

namespace {

using detail::member;
using detail::string_member;
using detail::Value;

Error bad(std::string_view what, std::string_view why) {
    return make_error(ExitCode::upstream, std::string(what) + ": " + std::string(why));
}

// The array an answer lists: {"entities":[...]}, {"results":[...]} or bare.
const Value* listed(const Value& doc, std::string_view key) {
    if (doc.IsArray()) return &doc;
    const Value* v = member(doc, key);
    return v && v->IsArray() ? v : nullptr;
}

std::optional<AgentUpdate> read_user(const Value& u) {
    auto id = string_member(u, "id");
    if (!id || id->empty()) return std::nullopt;
    AgentUpdate a;
    a.user_id = std::string(*id);
    if (const Value* rs = member(u, "routingStatus"))
        if (auto s = string_member(*rs, "status")) a.routing_status = std::string(*s);
    if (const Value* p = member(u, "presence"))
        if (const Value* def = member(*p, "presenceDefinition")) {
            if (auto s = string_member(*def, "systemPresence")) a.presence = std::string(*s);
            if (auto pid = string_member(*def, "id"); pid && !pid->empty()) a.presence_id = std::string(*pid);
        }
    return a;
}

}  // namespace

Result<Channel> parse_channel(std::string_view body) {
    rapidjson::Document doc;
    std::string why;
    if (!detail::parse_bounded(body, k_max_rest_body, doc, why)) return bad("the channel answer", why);
    Channel c;
    c.id = std::string(string_member(doc, "id").value_or(""));
    c.connect_uri = std::string(string_member(doc, "connectUri").value_or(""));
    if (c.id.empty() || c.connect_uri.empty()) return bad("the channel answer", "no id or connectUri");
    if (auto e = string_member(doc, "expires")) c.expires = parse_rfc3339(*e);
    return c;
}

std::optional<WallTime> listed_expiry(std::string_view body, std::string_view id) {
    rapidjson::Document doc;
    std::string why;
    if (!detail::parse_bounded(body, k_max_rest_body, doc, why)) return std::nullopt;
    const Value* list = listed(doc, "entities");
    if (!list) return std::nullopt;
    for (const auto& c : list->GetArray())
        if (string_member(c, "id") == id)
            if (auto e = string_member(c, "expires")) return parse_rfc3339(*e);
    return std::nullopt;
}

std::string subscription_body(std::span<const std::string> topics) {
    std::string out = "[";
    for (const auto& t : topics) {
        if (out.size() > 1) out += ',';
        out += R"({"id":)";
        append_json_string(out, t);
        out += '}';
    }
    out += ']';
    return out;
}

Result<Subscriptions> parse_subscriptions(std::string_view body) {
    rapidjson::Document doc;
    std::string why;
    if (!detail::parse_bounded(body, k_max_rest_body, doc, why)) return bad("the subscription answer", why);
    const Value* list = listed(doc, "entities");
    if (!list) return bad("the subscription answer", "no list of topics");
    Subscriptions s;
    for (const auto& t : list->GetArray()) {
        auto id = string_member(t, "id");
        if (!id) continue;
        auto state = string_member(t, "state").value_or("Permitted");
        if (state != "Rejected") {
            s.permitted.emplace_back(*id);
            continue;
        }
        RejectedTopic r;
        r.topic = std::string(*id);
        r.reason = std::string(string_member(t, "rejectionReason").value_or(""));
        if (const Value* m = member(t, "missingPermissions"); m && m->IsArray())
            for (const auto& p : m->GetArray())
                if (p.IsString()) r.missing_permissions.emplace_back(p.GetString(), p.GetStringLength());
        s.rejected.push_back(std::move(r));
    }
    return s;
}

std::vector<std::string> missing_permissions(std::span<const RejectedTopic> rejected) {
    std::vector<std::string> out;
    for (const auto& r : rejected)
        for (const auto& p : r.missing_permissions)
            if (std::find(out.begin(), out.end(), p) == out.end()) out.push_back(p);
    return out;
}

std::span<const std::string_view> observation_metrics() {
    static constexpr std::array<std::string_view, 9> k_metrics{
        "oWaiting",     "oInteracting", "oAlerting",      "oOnQueueUsers",       "oOffQueueUsers",
        "oActiveUsers", "oMemberUsers", "oUserPresences", "oUserRoutingStatuses"};
    return k_metrics;
}

std::string observations_query_body(std::span<const std::string> queue_ids) {
    std::string out = R"({"filter":{"type":"or","predicates":[)";
    bool first = true;
    for (const auto& id : queue_ids) {
        if (!first) out += ',';
        first = false;
        out += R"({"type":"dimension","dimension":"queueId","operator":"matches","value":)";
        append_json_string(out, id);
        out += '}';
    }
    out += R"(]},"metrics":[)";
    first = true;
    for (auto m : observation_metrics()) {
        if (!first) out += ',';
        first = false;
        append_json_string(out, m);
    }
    out += "]}";
    return out;
}

Result<std::vector<QueueObservation>> parse_observations_query(std::string_view body) {
    rapidjson::Document doc;
    std::string why;
    if (!detail::parse_bounded(body, k_max_rest_body, doc, why)) return bad("the observations answer", why);
    std::vector<QueueObservation> out;
    const Value* results = listed(doc, "results");
    if (!results) {
        if (doc.IsObject() && doc.MemberCount() == 0) return out;  // no data for any queue
        return bad("the observations answer", "no results");
    }
    std::size_t aggregates = 0;
    for (const auto& r : results->GetArray())
        if (!detail::read_observation_group(r, "", out, aggregates))
            return bad("the observations answer", "a result without group.queueId and data");
    return out;
}

Result<std::vector<AgentUpdate>> parse_users(std::string_view body) {
    rapidjson::Document doc;
    std::string why;
    if (!detail::parse_bounded(body, k_max_rest_body, doc, why)) return bad("the users answer", why);
    std::vector<AgentUpdate> out;
    if (const Value* list = listed(doc, "entities")) {
        for (const auto& u : list->GetArray())
            if (auto a = read_user(u)) out.push_back(std::move(*a));
        return out;
    }
    if (auto a = read_user(doc)) {
        out.push_back(std::move(*a));
        return out;
    }
    return bad("the users answer", "no users");
}

}  // namespace rtwatch::genesys
