// Queue observations and agent statuses computed from the model, their
// deltas, and the flattened names of /sim/state.
#include "rtwatch/sim/genesys_metrics.hpp"

#include <map>
#include <span>

#include <fmt/format.h>

#include "rtwatch/core/json_text.hpp"

namespace rtwatch::sim::genesys {

namespace {

using Activity = Model::Activity;

size_t index_of(std::span<const std::string_view> names, std::string_view name) {
    for (size_t i = 0; i < names.size(); ++i)
        if (names[i] == name) return i;
    return 0;
}

Group user_group(const Model& model, uint32_t q, bool plain_on_queue) {
    std::array<int64_t, k_presences.size()> presences{};
    std::array<int64_t, k_routing_statuses.size()> statuses{}, on_queue_by_status{};
    int64_t on_queue = 0, off_queue = 0, members = 0;
    for (uint32_t a : model.queue_members(q)) {
        const AgentStatus s = observe_agent(model, a);
        ++members;
        ++presences[index_of(k_presences, s.presence)];
        ++statuses[index_of(k_routing_statuses, s.routing_status)];
        if (s.presence == "ON_QUEUE") {
            ++on_queue;
            ++on_queue_by_status[index_of(k_routing_statuses, s.routing_status)];
        } else if (s.presence != "OFFLINE") {
            ++off_queue;
        }
    }
    Group g{"", {}};
    if (plain_on_queue)
        g.metrics.push_back({"oOnQueueUsers", "", on_queue});
    else
        for (size_t i = 0; i < k_routing_statuses.size(); ++i)
            g.metrics.push_back({"oOnQueueUsers", k_routing_statuses[i], on_queue_by_status[i]});
    g.metrics.push_back({"oOffQueueUsers", "", off_queue});
    g.metrics.push_back({"oActiveUsers", "", on_queue + off_queue});
    g.metrics.push_back({"oMemberUsers", "", members});
    for (size_t i = 0; i < k_presences.size(); ++i)
        g.metrics.push_back({"oUserPresences", k_presences[i], presences[i]});
    for (size_t i = 0; i < k_routing_statuses.size(); ++i)
        g.metrics.push_back({"oUserRoutingStatuses", k_routing_statuses[i], statuses[i]});
    return g;
}

Group media_group(const Model& model, uint32_t q, Media media) {
    int64_t interacting = 0;
    for (uint32_t a : model.queue_members(q))
        if (model.agent_activity(a) == Activity::busy && model.agent_queue(a) == q && model.agent_media(a) == media)
            ++interacting;
    Group g{k_media_names[static_cast<size_t>(media)], {}};
    g.metrics.push_back({"oWaiting", "", static_cast<int64_t>(model.queue_waiting(q, media))});
    g.metrics.push_back({"oInteracting", "", interacting});
    g.metrics.push_back({"oAlerting", "", 0});  // the model answers at once: nothing rings
    return g;
}

std::string flat_name(const Metric& m) {
    return m.qualifier.empty() ? std::string(m.metric) : fmt::format("{}.{}", m.metric, m.qualifier);
}

}  // namespace

QueueObservation observe_queue(const Model& model, uint32_t q, bool plain_on_queue) {
    QueueObservation o;
    o.groups.push_back(user_group(model, q, plain_on_queue));
    for (size_t m = 0; m < k_media_count; ++m) o.groups.push_back(media_group(model, q, static_cast<Media>(m)));
    return o;
}

AgentStatus observe_agent(const Model& model, uint32_t a) {
    switch (model.agent_activity(a)) {
        case Activity::available:
            return {"IDLE", "ON_QUEUE"};
        case Activity::busy:
            return {"INTERACTING", "ON_QUEUE"};
        case Activity::wrapup:
            return {a % 2 == 1 ? "COMMUNICATING" : "INTERACTING", "ON_QUEUE"};
        case Activity::offline:
            break;
    }
    return {"OFF_QUEUE", model.agent_signed_out(a) ? "OFFLINE" : "BREAK"};
}

void mark_changes(const QueueObservation& before, const QueueObservation& now, ChangeMask& mask) {
    mask.metrics.resize(now.groups.size());
    for (size_t g = 0; g < now.groups.size(); ++g) {
        const Group& n = now.groups[g];
        const Group* b = g < before.groups.size() ? &before.groups[g] : nullptr;
        mask.metrics[g].resize(n.metrics.size());
        for (size_t m = 0; m < n.metrics.size(); ++m)
            if (!b || m >= b->metrics.size() || !(b->metrics[m] == n.metrics[m])) {
                mask.metrics[g][m] = true;
                mask.any = true;
            }
    }
}

std::vector<Group> masked_groups(const QueueObservation& now, const ChangeMask& mask) {
    std::vector<Group> out;
    for (size_t g = 0; g < now.groups.size() && g < mask.metrics.size(); ++g) {
        const Group& n = now.groups[g];
        Group delta{n.media, {}};
        for (size_t m = 0; m < n.metrics.size() && m < mask.metrics[g].size(); ++m)
            if (mask.metrics[g][m]) delta.metrics.push_back(n.metrics[m]);
        if (!delta.metrics.empty()) out.push_back(std::move(delta));
    }
    return out;
}

std::string flat_queue_json(const QueueObservation& o, bool per_media) {
    std::map<std::string, int64_t> flat;
    for (const Group& g : o.groups)
        for (const Metric& m : g.metrics) {
            const std::string name = flat_name(m);
            flat[name] += m.count;
            // oOnQueueUsers by routing status: the total too.
            if (m.metric == "oOnQueueUsers" && !m.qualifier.empty()) flat[std::string(m.metric)] += m.count;
            if (per_media && !g.media.empty()) flat[fmt::format("{}.{}", name, g.media)] += m.count;
        }
    std::string out = "{";
    for (const auto& [name, value] : flat) {
        if (out.size() > 1) out += ',';
        append_json_string(out, name);
        out += fmt::format(":{}", value);
    }
    out += '}';
    return out;
}

std::string flat_agent_json(const AgentStatus& a) {
    std::string out = "{\"presence\":";
    append_json_string(out, a.presence);
    out += ",\"routingStatus\":";
    append_json_string(out, a.routing_status);
    out += '}';
    return out;
}

}  // namespace rtwatch::sim::genesys
