// Publishing, snapshot, replay and the ground-truth state, all under one
// mutex so a snapshot and its `id: L` always agree.
#include "rtwatch/sim/event_log.hpp"

#include <algorithm>

#include "rtwatch/core/time_format.hpp"
#include "rtwatch/sim/frames.hpp"

namespace rtwatch::sim {

// Live delivery also reads from the retained entries, so some are kept even
// when the replay window is tiny; resuming still honours the window.
EventLog::EventLog(const Model& model, size_t window)
    : m_model(model), m_window(window), m_capacity(std::max<size_t>(window, 16384)) {
    const std::string start = format_rfc3339_ms(WallClock::now());
    for (ResourceIndex r = 0; r < model.resource_count(); ++r) {
        m_metrics.push_back(model.metrics(r));
        m_timestamps.push_back(start);
    }
}

void EventLog::append_locked(Entry entry) {
    m_entries.push_back(std::move(entry));
    while (m_entries.size() > m_capacity) m_entries.pop_front();
}

void EventLog::publish(std::span<const ModelEvent> events, WallTime now, bool retain) {
    if (events.empty()) return;
    const std::string ts = format_rfc3339_ms(now);
    {
        std::lock_guard lock(m_mutex);
        for (const ModelEvent& e : events) {
            const uint64_t id = ++m_last_id;
            m_metrics[e.resource] = e.metrics;
            m_timestamps[e.resource] = ts;
            if (!retain) continue;
            Entry entry{id, e.resource, false, {}};
            append_data_frame(entry.frame, id, m_model.kind(e.resource), m_model.id(e.resource), ts, *e.metrics);
            append_locked(std::move(entry));
        }
    }
    m_cv.notify_all();
}

void EventLog::publish_garbage(const std::function<std::string(uint64_t, const std::string&)>& make, WallTime now) {
    const std::string ts = format_rfc3339_ms(now);
    {
        std::lock_guard lock(m_mutex);
        const uint64_t id = ++m_last_id;
        append_locked({id, 0, true, make(id, ts)});
    }
    m_cv.notify_all();
}

uint64_t EventLog::snapshot(const Filter& filter, std::string& out, size_t& events) const {
    std::lock_guard lock(m_mutex);
    size_t last_frame = std::string::npos;
    events = 0;
    for (ResourceIndex r = 0; r < m_metrics.size(); ++r) {
        if (!filter.matches(r)) continue;
        last_frame = out.size();
        append_data_frame(out, std::nullopt, m_model.kind(r), m_model.id(r), m_timestamps[r], *m_metrics[r]);
        ++events;
    }
    if (last_frame != std::string::npos) out.insert(last_frame, "id: " + std::to_string(m_last_id) + "\n");
    return m_last_id;
}

bool EventLog::can_resume(uint64_t id) const {
    std::lock_guard lock(m_mutex);
    uint64_t oldest = m_entries.empty() ? m_last_id + 1 : m_entries.front().id;
    if (m_last_id >= m_window) oldest = std::max(oldest, m_last_id - m_window + 1);
    return id + 1 >= oldest && id <= m_last_id;
}

ReadResult EventLog::read(uint64_t& cursor, uint64_t live_from, const Filter& filter, std::string& out,
                          size_t max_bytes) const {
    ReadResult result;
    std::lock_guard lock(m_mutex);
    if (cursor >= m_last_id) return result;
    const uint64_t oldest = m_entries.empty() ? m_last_id + 1 : m_entries.front().id;
    if (cursor + 1 < oldest) {
        result.fell_behind = true;
        return result;
    }
    for (size_t i = cursor + 1 - oldest; i < m_entries.size(); ++i) {
        const Entry& e = m_entries[i];
        cursor = e.id;
        const bool wanted = e.broadcast ? e.id > live_from : filter.matches(e.resource);
        if (wanted) {
            out += e.frame;
            ++result.events;
        }
        if (out.size() >= max_bytes) break;
    }
    return result;
}

uint64_t EventLog::last_id() const {
    std::lock_guard lock(m_mutex);
    return m_last_id;
}

std::string EventLog::current_metrics(ResourceIndex r) const {
    std::lock_guard lock(m_mutex);
    return *m_metrics[r];
}

std::string EventLog::state_json() const {
    std::string out;
    std::lock_guard lock(m_mutex);
    out.reserve(m_metrics.size() * 128);
    out += "{\"lastEventId\":\"" + std::to_string(m_last_id) + "\"";
    const char* sections[] = {"queues", "skills", "agents"};
    const ResourceKind kinds[] = {ResourceKind::queue, ResourceKind::skill, ResourceKind::agent};
    for (int k = 0; k < 3; ++k) {
        out += ",\"";
        out += sections[k];
        out += "\":{";
        bool first = true;
        for (ResourceIndex r = 0; r < m_metrics.size(); ++r) {
            if (m_model.kind(r) != kinds[k]) continue;
            if (!first) out += ',';
            first = false;
            out += '"';
            out += m_model.id(r);
            out += "\":";
            out += *m_metrics[r];
        }
        out += '}';
    }
    out += '}';
    return out;
}

void EventLog::wait(uint64_t cursor, TimePoint deadline, const std::function<bool()>& stop) const {
    std::unique_lock lock(m_mutex);
    const uint64_t wakes = m_wakes;
    m_cv.wait_until(lock, deadline, [&] { return m_last_id > cursor || m_wakes != wakes || stop(); });
}

void EventLog::wake() {
    {
        std::lock_guard lock(m_mutex);
        ++m_wakes;
    }
    m_cv.notify_all();
}

}  // namespace rtwatch::sim
