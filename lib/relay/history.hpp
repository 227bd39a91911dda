// The relay's recent events, for Last-Event-ID resume: bounded by a count
// and by bytes, oldest out first. A resume inside it replays exactly the
// events after its id, or is told to resync when that is more than a viewer
// may have waiting.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <string>
#include <vector>

#include "rtwatch/core/record.hpp"

namespace rtwatch::relay {

enum class Kind { metrics, level, status };

struct HistoryEntry {
    std::uint64_t seq = 0;
    Kind kind = Kind::metrics;
    ResourceKind resource = ResourceKind::queue;
    std::string id;
    std::string text;  // the SSE event
};

class History {
public:
    History(std::size_t max_events, std::size_t max_bytes) : m_max_events(max_events), m_max_bytes(max_bytes) {}

    void push(HistoryEntry entry);
    std::size_t size() const { return m_entries.size(); }
    std::size_t bytes() const { return m_bytes; }
    // The seq of the last entry trimmed (0: none): events after it are all here.
    std::uint64_t floor() const { return m_floor; }
    // Whether every event after `seq` up to `last` (the newest seq given)
    // is kept: `seq` is the floor or later.
    bool covers(std::uint64_t seq, std::uint64_t last) const { return seq <= last && seq >= m_floor; }

    // The events after `seq` that `wanted` selects, in order; false (and
    // none) when they are more than `max`.
    bool after(std::uint64_t seq, const std::function<bool(const HistoryEntry&)>& wanted, std::size_t max,
               std::vector<const HistoryEntry*>& out) const;

private:
    std::size_t m_max_events;
    std::size_t m_max_bytes;
    std::deque<HistoryEntry> m_entries;
    std::size_t m_bytes = 0;
    std::uint64_t m_floor = 0;
};

}  // namespace rtwatch::relay
