// Leading-edge emission, then a window per resource in which the latest
// record is held and decided on at the window's end. All decisions compare
// against the ChangeTracker's last emitted state.
#include "rtwatch/throttle/throttler.hpp"

#include <algorithm>

#include "rtwatch/diff/packed_metrics.hpp"

namespace rtwatch::throttle {

Throttler::Throttler(Millis interval, diff::ChangeTracker& tracker) : m_interval(interval), m_tracker(tracker) {}

void Throttler::offer(const Record& record, TimePoint now, Sink& sink) {
    if (m_interval.count() <= 0) {
        if (m_tracker.compare(record, m_changed)) {
            sink.emit(record, m_changed);
            m_tracker.commit(record);
        }
        return;
    }
    auto it = m_slots.find(diff::key_of(record));
    if (it != m_slots.end() && it->second.open && now < it->second.window_end) return hold(*it, record);
    if (it != m_slots.end() && it->second.open) {
        // The window ended but flush_due() has not run yet: this record is
        // the latest, so it supersedes whatever was held.
        Slot& slot = it->second;
        slot.open = false;
        if (slot.has_held) {
            slot.has_held = false;
            --m_held;
            drop_stale_deadlines();
        }
    }
    if (!m_tracker.compare(record, m_changed)) return;
    sink.emit(record, m_changed);
    m_tracker.commit(record);
    if (it == m_slots.end()) it = m_slots.try_emplace(diff::ResourceKey(diff::key_of(record))).first;
    open_window(*it, now);
}

void Throttler::replace_unwritten(const Record& record) {
    if (m_held) {
        auto it = m_slots.find(diff::key_of(record));
        if (it != m_slots.end() && it->second.has_held) {
            it->second.has_held = false;
            --m_held;
            drop_stale_deadlines();
        }
    }
    if (m_tracker.compare(record, m_changed)) m_tracker.commit(record);
}

bool Throttler::holds(diff::ResourceKeyView key) const {
    if (m_held == 0) return false;
    auto it = m_slots.find(key);
    return it != m_slots.end() && it->second.has_held;
}

void Throttler::hold(Slots::value_type& entry, const Record& record) {
    Slot& slot = entry.second;
    // Packed into scratch, then assigned: the slot's buffer is sized exactly
    // and reused, so replacing a held record does not allocate.
    m_packing.clear();
    diff::pack_text(m_packing, record.source_ts);
    diff::pack_text(m_packing, record.event_id);
    diff::pack_metrics(m_packing, record);
    slot.held.assign(m_packing);
    if (slot.has_held) return;
    slot.has_held = true;
    ++m_held;
    m_held_deadlines.emplace_back(slot.window_end, &entry);
    std::push_heap(m_held_deadlines.begin(), m_held_deadlines.end(), Later{});
}

bool Throttler::release(Slots::value_type& entry, Sink& sink) {
    Slot& slot = entry.second;
    slot.has_held = false;
    --m_held;
    m_unpacked.clear();
    m_unpacked.kind = entry.first.kind;
    m_unpacked.id.assign(entry.first.id);
    diff::PackedReader reader(slot.held);
    std::string_view text;
    if (reader.next_text(text)) m_unpacked.source_ts.assign(text);
    if (reader.next_text(text)) m_unpacked.event_id.assign(text);
    diff::PackedMetric metric;
    while (reader.next(metric)) diff::unpack_metric(metric, m_unpacked.add_metric());
    if (!m_tracker.compare(m_unpacked, m_changed)) return false;
    sink.emit(m_unpacked, m_changed);
    m_tracker.commit(m_unpacked);
    return true;
}

void Throttler::open_window(Slots::value_type& entry, TimePoint now) {
    entry.second.open = true;
    entry.second.window_end = now + m_interval;
    m_windows.emplace_back(entry.second.window_end, &entry);
}

void Throttler::flush_due(TimePoint now, Sink& sink) {
    while (m_windows_head < m_windows.size() && m_windows[m_windows_head].first <= now) {
        auto [deadline, entry] = m_windows[m_windows_head++];
        Slot& slot = entry->second;
        if (!slot.open || slot.window_end != deadline) continue;  // superseded by a later window
        slot.open = false;
        // Emitting starts a new window: the next record within it is held.
        if (slot.has_held && release(*entry, sink)) open_window(*entry, now);
    }
    if (m_windows_head == m_windows.size()) {
        m_windows.clear();
        m_windows_head = 0;
    } else if (m_windows_head >= 4096 && m_windows_head * 2 >= m_windows.size()) {
        m_windows.erase(m_windows.begin(), m_windows.begin() + static_cast<std::ptrdiff_t>(m_windows_head));
        m_windows_head = 0;
    }
    drop_stale_deadlines();
}

void Throttler::drop_stale_deadlines() {
    while (!m_held_deadlines.empty()) {
        const auto& [deadline, entry] = m_held_deadlines.front();
        const Slot& slot = entry->second;
        if (slot.has_held && slot.open && slot.window_end == deadline) return;
        std::pop_heap(m_held_deadlines.begin(), m_held_deadlines.end(), Later{});
        m_held_deadlines.pop_back();
    }
}

std::optional<TimePoint> Throttler::next_deadline() const {
    if (m_held_deadlines.empty()) return std::nullopt;
    return m_held_deadlines.front().first;
}

void Throttler::flush_all(Sink& sink) {
    // In window order, so records leave in the order they would have anyway.
    for (std::size_t i = m_windows_head; i < m_windows.size(); ++i) {
        auto [deadline, entry] = m_windows[i];
        Slot& slot = entry->second;
        if (!slot.open || slot.window_end != deadline) continue;
        slot.open = false;
        if (slot.has_held) release(*entry, sink);
    }
    m_windows.clear();
    m_windows_head = 0;
    m_held_deadlines.clear();
}

}  // namespace rtwatch::throttle
