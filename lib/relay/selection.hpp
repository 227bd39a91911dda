// What one viewer asks for: the query parameters of /events and /state
// (queueId, skillId, agentId, fields, where, throttle, levelsOnly), checked
// with the same rules as the options they mirror.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rtwatch/app/config.hpp"
#include "rtwatch/core/record.hpp"

namespace rtwatch::relay {

struct ViewerSelection {
    std::vector<std::string> queues, skills, agents, fields;
    std::string where;
    Millis throttle{0};
    bool levels_only = false;
    // Needs stages of its own (fields, where, throttle); ids and levelsOnly
    // are filters on the relay's own records.
    bool staged() const { return !fields.empty() || !where.empty() || throttle.count() > 0; }
    bool wants(ResourceKind kind, std::string_view id) const;
};

struct SelectionError {
    std::string parameter;
    std::string message;
};

// `relay` is the relay's own configuration: fields must be among its
// --fields when it has any.
std::optional<ViewerSelection> parse_selection(std::string_view query, const app::Config& relay, SelectionError& error);

// The relay's config narrowed to the viewer's stages (fields, where,
// throttle, ids), for a pipeline of its own.
app::Config stage_config(const ViewerSelection& selection);

}  // namespace rtwatch::relay
