// Presence as a real organisation sends it: oUserPresences is qualified by
// the organisation's presence ids (UUIDs) and a user's presence carries
// presenceDefinition.id. The observations answer's
// systemToOrganizationMappings and GET /api/v2/presence/definitions name the
// system presence of each id; rtwatch writes those names (ON_QUEUE, ...).
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "rtwatch/core/result.hpp"
#include "rtwatch/genesys/frame.hpp"

namespace rtwatch::genesys {

// A system presence as the man page writes it, whatever the spelling:
// "On Queue", "OnQueue", "on_queue" and "ON_QUEUE" are all ON_QUEUE.
std::string system_presence_name(std::string_view text);

// Organisation presence id -> system presence name.
using PresenceIds = std::map<std::string, std::string, std::less<>>;

// The systemToOrganizationMappings ({SYSTEM:[id,...]}) of an observations
// answer; empty when it has none or the body is not JSON.
PresenceIds parse_presence_mappings(std::string_view body);
// GET /api/v2/presence/definitions: {"entities":[{id, systemPresence}]}.
Result<PresenceIds> parse_presence_definitions(std::string_view body);

class PresenceNames {
public:
    void learn(const PresenceIds& ids);
    // Rewrites the oUserPresences qualifiers of `o` that are known ids to
    // their system presence; appends the ids it does not know to `unknown`
    // (and leaves them as they are).
    void name(QueueObservation& o, std::vector<std::string>& unknown) const;
    // The agent's presence: its systemPresence when sent, else what its
    // presence id names; an unknown id is kept and appended to `unknown`.
    void name(AgentUpdate& a, std::vector<std::string>& unknown) const;
    std::size_t size() const { return m_ids.size(); }

private:
    // A qualifier that is already a system presence (ON_QUEUE), not an id.
    static bool is_system_name(std::string_view text);
    PresenceIds m_ids;
};

}  // namespace rtwatch::genesys
