// The published side of the model: one server-wide sequence of event ids,
// the replay window of recent frames, and the published state of every
// resource (what its last event carried). Streams read it by cursor, so a
// slow stream never holds up the model or another stream.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include "rtwatch/core/clock.hpp"
#include "rtwatch/sim/model.hpp"

namespace rtwatch::sim {

// Which resources a stream asked for; empty means all of them.
struct Filter {
    std::vector<uint8_t> wanted;  // by ResourceIndex, or empty for everything
    bool matches(ResourceIndex r) const { return wanted.empty() || wanted[r]; }
};

struct ReadResult {
    size_t events = 0;         // data frames appended
    bool fell_behind = false;  // the cursor is older than the replay window
};

class EventLog {
public:
    EventLog(const Model& model, size_t window);

    // Assigns ids and timestamps, updates the published state, and wakes
    // the streams. With retain=false nothing enters the replay window.
    void publish(std::span<const ModelEvent> events, WallTime now, bool retain = true);
    // Publishes a deliberately bad frame to every stream that is live now.
    void publish_garbage(const std::function<std::string(uint64_t id, const std::string& ts)>& make, WallTime now);

    // The snapshot block (one data frame per matching resource, the last one
    // carrying `id: L`) and L.
    uint64_t snapshot(const Filter& filter, std::string& out, size_t& events) const;
    // True when a stream resuming after `id` can be served from the window.
    bool can_resume(uint64_t id) const;
    // Appends frames after `cursor` that match, up to about `max_bytes`;
    // broadcast frames with ids up to `live_from` were not live for this
    // stream and are skipped.
    ReadResult read(uint64_t& cursor, uint64_t live_from, const Filter& filter, std::string& out,
                    size_t max_bytes) const;

    uint64_t last_id() const;
    std::string state_json() const;
    const Model& model() const { return m_model; }
    std::string current_metrics(ResourceIndex r) const;

    // Streams sleep here until an event after `cursor`, `wake()` or `deadline`.
    void wait(uint64_t cursor, TimePoint deadline, const std::function<bool()>& stop) const;
    void wake();

private:
    struct Entry {
        uint64_t id;
        ResourceIndex resource;
        bool broadcast;
        std::string frame;
    };
    void append_locked(Entry entry);

    const Model& m_model;
    size_t m_window;
    size_t m_capacity;
    mutable std::mutex m_mutex;
    mutable std::condition_variable m_cv;
    uint64_t m_last_id = 0;
    uint64_t m_wakes = 0;
    std::deque<Entry> m_entries;  // consecutive ids, oldest first
    std::vector<MetricsText> m_metrics;
    std::vector<std::string> m_timestamps;
};

}  // namespace rtwatch::sim
