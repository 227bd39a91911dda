// LevelEngine: per (resource, metric) green/yellow/red with hysteresis and
// dwell times, from the values the stream carries. Pure: time comes in as
// `now` (the arrival clock) plus the wall time for the `since` fields, and
// pending `for`/`hold` timers run out through advance(), never by sleeping.
//
// Per (resource, metric): the level is the highest one whose threshold the
// value meets; one already in effect (or above it) is judged with its
// threshold eased by `clear`, so waiting >= 10, clear 2 stays red down to 8.
// `for D`: a higher level takes effect once the value has called for it for
// D without a break; `hold D` likewise for a lower one; a break cancels the
// pending move, and yellow and red each count from their own start. The
// first value with data sets the level at once: there is nothing to debounce
// against. A value the spec cannot compare is no data and changes nothing.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "rtwatch/core/clock.hpp"
#include "rtwatch/core/record.hpp"
#include "rtwatch/core/resource_key.hpp"
#include "rtwatch/levels/spec.hpp"

namespace rtwatch::levels {

// A change of the level in effect: one `level` record.
struct Transition {
    ResourceKind kind = ResourceKind::queue;
    std::string id;
    std::string metric;
    std::optional<Level> previous;  // none: the first observation of this (resource, metric)
    Level level = Level::green;
    MetricValue value;    // the value the new level was decided on (the last one seen)
    Threshold threshold;  // the new level's; on a drop to green, the one of the level left
    TimePoint at{};       // when the new level took effect (a timer's deadline, not when it was noticed)
    WallTime at_wall{};
    TimePoint since{};  // when the previous level took effect; == at when there was none
    WallTime since_wall{};
};

struct MetricLevel {
    std::string_view metric;
    Level level = Level::green;
};

// One (resource, metric) as it stands, for a viewer joining late.
struct CurrentLevel {
    ResourceKind kind = ResourceKind::queue;
    std::string_view id, metric;
    Level level = Level::green;
    const MetricValue* value = nullptr;  // the last value seen
    TimePoint since{};
    WallTime since_wall{};
};

class LevelEngine {
public:
    explicit LevelEngine(std::vector<LevelSpec> specs);
    LevelEngine(const LevelEngine&) = delete;
    LevelEngine& operator=(const LevelEngine&) = delete;
    LevelEngine(LevelEngine&&) = default;
    LevelEngine& operator=(LevelEngine&&) = default;

    const std::vector<LevelSpec>& specs() const { return m_specs; }
    bool watches(std::string_view metric) const { return spec_index(metric) >= 0; }

    // Every spec'd metric the record carries; metrics it does not carry are
    // left as they are. The returned transitions are valid until the next
    // call that changes the engine. `now` must not go backwards.
    std::span<const Transition> observe(const Record& record, TimePoint now, WallTime wall_now);
    // One value. A metric without a spec costs a scan of the (few) specs.
    std::span<const Transition> observe(ResourceKind kind, std::string_view id, std::string_view metric,
                                        const MetricValue& value, TimePoint now, WallTime wall_now);
    // Pending `for`/`hold` timers that ran out by `now`, on the last values
    // seen, in the order they took effect.
    std::span<const Transition> advance(TimePoint now, WallTime wall_now);
    // When advance() next has something to do (nullopt: nothing pending).
    std::optional<TimePoint> next_deadline() const;

    // The level in effect; nullopt before the first value with data.
    std::optional<Level> level(ResourceKind kind, std::string_view id, std::string_view metric) const;
    // The resource's levels in spec order, into `out` (cleared; its capacity
    // is reused, so a warmed-up caller does not allocate). Views live until
    // the engine changes.
    void levels_of(ResourceKind kind, std::string_view id, std::vector<MetricLevel>& out) const;
    // Every (resource, metric) with a level, by kind, id, then spec order.
    std::vector<CurrentLevel> snapshot() const;
    // Values a spec cannot compare (null, boolean, a string for a numeric
    // spec, a number for a string spec), said once per metric, for the log.
    std::vector<std::string> take_warnings();

private:
    struct MetricState {
        MetricValue last;  // the last value with data
        TimePoint since{};
        WallTime since_wall{};
        // Per level: since when the value has called for a move to it
        // (bit L of `calling` says whether it does now).
        std::array<TimePoint, 3> calling_since{};
        unsigned char calling = 0;
        bool known = false;
        bool armed = false;  // `due` (the earliest deadline, between calls) is in m_deadlines
        Level level = Level::green;
        TimePoint due{};
    };
    using Resources = std::unordered_map<ResourceKey, std::vector<MetricState>, ResourceKeyHash, ResourceKeyEqual>;
    using Slot = Resources::value_type;
    struct Deadline {
        TimePoint at;
        Slot* slot;
        std::uint32_t spec;
    };

    int spec_index(std::string_view metric) const;
    Slot& slot_for(ResourceKind kind, std::string_view id);
    void observe_one(Slot& slot, std::size_t i, const MetricValue& value, TimePoint now, WallTime wall_now);
    void first(Slot& slot, std::size_t i, const MetricValue& value, TimePoint now, WallTime wall_now);
    void refresh(std::size_t i, MetricState& st, TimePoint at);
    void settle(Slot& slot, std::size_t i, TimePoint now, WallTime wall_now);
    std::optional<TimePoint> earliest(std::size_t i, const MetricState& st) const;
    Level due_level(std::size_t i, const MetricState& st, TimePoint at) const;
    void change(Slot& slot, std::size_t i, Level to, TimePoint at, WallTime at_wall);
    void rearm(Slot& slot, std::size_t i);
    void drop_stale();
    void warn(std::size_t i, ResourceKind kind, std::string_view id, const MetricValue& value);

    std::vector<LevelSpec> m_specs;
    std::vector<bool> m_warned;  // per spec
    std::vector<std::string> m_warnings;
    Resources m_resources;
    // A min-heap of deadlines. An entry whose state moved on is stale and
    // skipped; the top is never stale, so next_deadline() is exact.
    std::vector<Deadline> m_deadlines;
    std::size_t m_armed = 0;
    std::vector<Transition> m_out;
};

}  // namespace rtwatch::levels
