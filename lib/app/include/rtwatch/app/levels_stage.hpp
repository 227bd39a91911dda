// The levels stage (--level): between fields and diff + throttle, each
// record's spec'd metrics go through the level engine, and every change of
// level is handed to the sinks as a level record at once, never throttled.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "rtwatch/app/sink.hpp"
#include "rtwatch/core/clock.hpp"
#include "rtwatch/core/record.hpp"
#include "rtwatch/diff/resource_key.hpp"
#include "rtwatch/levels/engine.hpp"

namespace rtwatch::app {

class LevelsStage {
public:
    static constexpr std::size_t k_no_limit = static_cast<std::size_t>(-1);

    explicit LevelsStage(std::vector<levels::LevelSpec> specs) : m_engine(std::move(specs)) {}

    // The record's spec'd metrics; returns how many level records went to
    // `sinks`, at most `limit` (what is left of --count with --levels-only).
    std::size_t observe(const Record& record, TimePoint now, WallTime wall_now, std::span<RecordSink* const> sinks,
                        std::size_t limit = k_no_limit);
    // Pending `for`/`hold` moves that are due by `now`.
    std::size_t advance(TimePoint now, WallTime wall_now, std::span<RecordSink* const> sinks,
                        std::size_t limit = k_no_limit);
    std::optional<TimePoint> next_deadline() const { return m_engine.next_deadline(); }
    // The resource's levels, for its metrics record's "levels"; valid until
    // the next call.
    std::span<const output::NamedLevel> levels_of(const Record& record);
    const levels::LevelEngine& engine() const { return m_engine; }

private:
    // A timer-driven change carries the source_ts and event_id of the last
    // record seen for the resource: the value it was decided on came there.
    struct LastSeen {
        std::string source_ts, event_id;
    };
    std::size_t hand_on(std::span<const levels::Transition> changes, const LastSeen* last, const Record* record,
                        TimePoint now, WallTime wall_now, std::span<RecordSink* const> sinks, std::size_t limit);
    bool carries_spec(const Record& record) const;
    void log_warnings();

    levels::LevelEngine m_engine;
    std::unordered_map<diff::ResourceKey, LastSeen, diff::ResourceKeyHash, diff::ResourceKeyEqual> m_last;
    std::vector<levels::MetricLevel> m_levels;  // scratch for levels_of()
    std::vector<output::NamedLevel> m_named;
};

}  // namespace rtwatch::app
