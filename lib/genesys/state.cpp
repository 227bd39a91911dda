// Merging observations into per-queue counts, and flattening: a metric's
// total is the sum over media types; a selected media type also gets its own.
#include "rtwatch/genesys/state.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace rtwatch::genesys {

namespace {

constexpr std::string_view k_on_queue = "oOnQueueUsers";

void set_number(Record& out, const std::string& name, double value) {
    Metric& m = out.add_metric();
    m.name = name;
    m.value.type = MetricValue::Type::number;
    m.value.number = value;
    // Counts are whole numbers: written as 3, not 3.0.
    if (std::floor(value) == value && std::fabs(value) < 1e15)
        m.value.text = fmt::format("{}", static_cast<long long>(value));
    else
        m.value.text = fmt::format("{}", value);
}

void set_string(Record& out, std::string_view name, const std::string& value) {
    Metric& m = out.add_metric();
    m.name = std::string(name);
    m.value.type = value.empty() ? MetricValue::Type::null : MetricValue::Type::string;
    m.value.text = value;
}

}  // namespace

std::string metric_key(std::string_view metric, std::string_view qualifier) {
    std::string key(metric);
    if (!qualifier.empty()) {
        key += '.';
        key += qualifier;
    }
    return key;
}

void ObservationState::replace_queue(std::string_view queue_id, std::span<const QueueObservation> groups) {
    Counts& counts = m_queues[std::string(queue_id)];
    counts.clear();
    for (const auto& g : groups)
        if (g.queue_id == queue_id)
            for (const auto& m : g.metrics) counts[g.media_type][metric_key(m.metric, m.qualifier)] = m.count;
}

bool ObservationState::apply(const QueueObservation& observation) {
    auto& media = m_queues[observation.queue_id][observation.media_type];
    bool changed = false;
    for (const auto& m : observation.metrics) {
        auto [it, added] = media.try_emplace(metric_key(m.metric, m.qualifier), m.count);
        if (!added && it->second != m.count)
            it->second = m.count;
        else if (!added)
            continue;
        changed = true;
    }
    return changed;
}

bool ObservationState::apply(const AgentUpdate& update) {
    auto [it, added] = m_agents.try_emplace(update.user_id);
    bool changed = added;
    if (update.routing_status && it->second.routing_status != *update.routing_status) {
        it->second.routing_status = *update.routing_status;
        changed = true;
    }
    if (update.presence && it->second.presence != *update.presence) {
        it->second.presence = *update.presence;
        changed = true;
    }
    return changed;
}

bool ObservationState::queue_record(std::string_view id, Record& out) const {
    auto q = m_queues.find(id);
    if (q == m_queues.end()) return false;
    out.clear();
    out.kind = ResourceKind::queue;
    out.id = std::string(id);
    std::map<std::string, double> flat;
    for (const auto& [media, counts] : q->second) {
        bool own = !media.empty() && std::find(m_media.begin(), m_media.end(), media) != m_media.end();
        // oOnQueueUsers by routing status (oOnQueueUsers.IDLE, ...) is also
        // written as its total, unless the group sends the total itself.
        const bool plain_on_queue = counts.count(std::string(k_on_queue)) != 0;
        for (const auto& [key, count] : counts) {
            flat[key] += count;
            if (own) flat[key + "." + media] = count;
            if (!plain_on_queue && key.size() > k_on_queue.size() &&
                key.compare(0, k_on_queue.size(), k_on_queue) == 0 && key[k_on_queue.size()] == '.')
                flat[std::string(k_on_queue)] += count;
        }
    }
    m_dropped.clear();
    for (const auto& [name, value] : flat) {
        // Counts that overflow a double (1.5e308 on two media types) are not
        // numbers JSON can carry: dropped from this record, and said so.
        if (!std::isfinite(value)) {
            m_dropped.push_back(name);
            continue;
        }
        set_number(out, name, value);
    }
    return true;
}

bool ObservationState::agent_record(std::string_view id, Record& out) const {
    auto a = m_agents.find(id);
    if (a == m_agents.end()) return false;
    out.clear();
    out.kind = ResourceKind::agent;
    out.id = std::string(id);
    set_string(out, "presence", a->second.presence);
    set_string(out, "routingStatus", a->second.routing_status);
    return true;
}

}  // namespace rtwatch::genesys
