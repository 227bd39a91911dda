// Per-resource minimum interval between output records. Within the
// interval updates coalesce and the latest wins; the held state is flushed
// at the end of the interval (trailing edge) and on shutdown. Emission is
// decided against the last emitted state, so A->B->A inside one window
// emits nothing.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "rtwatch/core/clock.hpp"
#include "rtwatch/core/duration.hpp"
#include "rtwatch/core/record.hpp"
#include "rtwatch/diff/change_tracker.hpp"
#include "rtwatch/diff/resource_key.hpp"

namespace rtwatch::throttle {

class Sink {
public:
    virtual ~Sink() = default;
    // `changed` is valid during the call only. The sink must not call back
    // into the Throttler.
    virtual void emit(const Record& record, std::span<const std::string_view> changed) = 0;
};

class Throttler {
public:
    // interval 0 = off: every changed record is emitted at once.
    Throttler(Millis interval, diff::ChangeTracker& tracker);

    // A record that changed since the last emission is emitted now if its
    // resource has no open window, else held until the window ends. `now`
    // must not go backwards between calls.
    void offer(const Record& record, TimePoint now, Sink& sink);
    // `record` is the resource's state now, but not to be written: it
    // becomes the state later records are compared with, and a record held
    // for the resource is dropped. Any open window stays open.
    void replace_unwritten(const Record& record);
    // Emits held records whose window has ended.
    void flush_due(TimePoint now, Sink& sink);
    // When flush_due() next has something to emit (nullopt: nothing held).
    std::optional<TimePoint> next_deadline() const;
    // Shutdown: emit everything held, whatever the windows.
    void flush_all(Sink& sink);
    std::size_t held() const { return m_held; }
    // A record of this resource is held for its window's end.
    bool holds(diff::ResourceKeyView key) const;

private:
    // A resource that has emitted while throttling. Slots live as long as the
    // Throttler, so queue entries can point at them and nothing is allocated
    // once every resource has been seen.
    struct Slot {
        TimePoint window_end{};
        bool open = false;
        bool has_held = false;
        std::string held;  // the held record: source_ts, event_id, packed metrics
    };
    using Slots = std::unordered_map<diff::ResourceKey, Slot, diff::ResourceKeyHash, diff::ResourceKeyEqual>;
    using Entry = std::pair<TimePoint, Slots::value_type*>;
    struct Later {
        bool operator()(const Entry& a, const Entry& b) const { return a.first > b.first; }
    };

    void emit_now(const Record& record, TimePoint now, Sink& sink);
    void hold(Slots::value_type& slot, const Record& record);
    // Emits the held record of `slot` if it still differs; true if emitted.
    bool release(Slots::value_type& slot, Sink& sink);
    void open_window(Slots::value_type& slot, TimePoint now);
    void drop_stale_deadlines();

    Millis m_interval;
    diff::ChangeTracker& m_tracker;
    Slots m_slots;
    // Window ends in the order they were opened. Every window has the same
    // length and `now` only moves forward, so this FIFO is sorted and
    // flush_due() costs O(windows due). Entries whose slot moved on are stale.
    std::vector<Entry> m_windows;
    std::size_t m_windows_head = 0;
    // Window ends that have a held record: a min-heap, stale entries dropped
    // lazily, so next_deadline() is O(1) after a flush.
    std::vector<Entry> m_held_deadlines;
    std::size_t m_held = 0;
    std::vector<std::string_view> m_changed;  // scratch, reused
    Record m_unpacked;                        // scratch for held records, reused
    std::string m_packing;                    // scratch for packing, reused
};

}  // namespace rtwatch::throttle
