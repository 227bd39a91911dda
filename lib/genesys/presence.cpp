// Organisation presence ids to the system presence names rtwatch writes.
#include "rtwatch/genesys/presence.hpp"

#include <cctype>

#include "json_read.hpp"
#include "rtwatch/genesys/rest.hpp"

namespace rtwatch::genesys {

namespace {

using detail::member;
using detail::string_member;
using detail::Value;

}  // namespace

std::string system_presence_name(std::string_view text) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (std::isalnum(c)) {
            // "OnQueue": a capital after a small letter starts a new word.
            const bool word = i > 0 && std::isupper(c) && std::islower(static_cast<unsigned char>(text[i - 1]));
            if (word && !out.empty() && out.back() != '_') out += '_';
            out += static_cast<char>(std::toupper(c));
        } else if (!out.empty() && out.back() != '_') {
            out += '_';
        }
    }
    while (!out.empty() && out.back() == '_') out.pop_back();
    return out;
}

PresenceIds parse_presence_mappings(std::string_view body) {
    PresenceIds out;
    rapidjson::Document doc;
    std::string why;
    if (!detail::parse_bounded(body, k_max_rest_body, doc, why)) return out;
    const Value* mappings = member(doc, "systemToOrganizationMappings");
    if (!mappings || !mappings->IsObject()) return out;
    for (const auto& m : mappings->GetObject()) {
        if (!m.value.IsArray()) continue;
        const std::string system = system_presence_name({m.name.GetString(), m.name.GetStringLength()});
        for (const auto& id : m.value.GetArray())
            if (id.IsString() && !system.empty()) out[std::string(id.GetString(), id.GetStringLength())] = system;
    }
    return out;
}

Result<PresenceIds> parse_presence_definitions(std::string_view body) {
    rapidjson::Document doc;
    std::string why;
    if (!detail::parse_bounded(body, k_max_rest_body, doc, why))
        return make_error(ExitCode::upstream, "the presence definitions answer: " + why);
    const Value* list = doc.IsArray() ? &doc : member(doc, "entities");
    if (!list || !list->IsArray())
        return make_error(ExitCode::upstream, "the presence definitions answer: no entities");
    PresenceIds out;
    for (const auto& d : list->GetArray()) {
        auto id = string_member(d, "id");
        auto system = string_member(d, "systemPresence");
        if (id && system && !id->empty()) out[std::string(*id)] = system_presence_name(*system);
    }
    return out;
}

void PresenceNames::learn(const PresenceIds& ids) {
    for (const auto& [id, system] : ids) m_ids[id] = system;
}

bool PresenceNames::is_system_name(std::string_view text) {
    if (text.empty()) return false;
    for (char c : text)
        if (!(std::isupper(static_cast<unsigned char>(c)) || c == '_')) return false;
    return true;
}

void PresenceNames::name(QueueObservation& o, std::vector<std::string>& unknown) const {
    for (auto& m : o.metrics) {
        if (m.metric != "oUserPresences" || m.qualifier.empty() || is_system_name(m.qualifier)) continue;
        if (auto it = m_ids.find(m.qualifier); it != m_ids.end())
            m.qualifier = it->second;
        else
            unknown.push_back(m.qualifier);
    }
}

void PresenceNames::name(AgentUpdate& a, std::vector<std::string>& unknown) const {
    if (a.presence) {
        a.presence = system_presence_name(*a.presence);
        return;
    }
    if (!a.presence_id) return;
    if (auto it = m_ids.find(*a.presence_id); it != m_ids.end()) {
        a.presence = it->second;
    } else {
        a.presence = *a.presence_id;
        unknown.push_back(*a.presence_id);
    }
}

}  // namespace rtwatch::genesys
