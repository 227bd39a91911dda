// Level changes from the engine, as level records for the sinks.
#include "rtwatch/app/levels_stage.hpp"

#include "rtwatch/core/log.hpp"

namespace rtwatch::app {

namespace {

output::LevelLine line_of(const levels::Transition& t, std::string_view source_ts, std::string_view event_id) {
    output::LevelLine l;
    l.kind = t.kind;
    l.id = t.id;
    l.metric = t.metric;
    l.level = levels::level_name(t.level);
    if (t.previous) l.previous = levels::level_name(*t.previous);
    l.value = &t.value;
    l.threshold_is_number = t.threshold.is_number;
    l.threshold = t.threshold.text;
    l.op = levels::op_text(t.threshold.op);
    l.since = t.since_wall;
    l.source_ts = source_ts;
    l.event_id = event_id;
    return l;
}

}  // namespace

bool LevelsStage::carries_spec(const Record& record) const {
    for (const auto& spec : m_engine.specs())
        if (record.find(spec.metric)) return true;
    return false;
}

std::size_t LevelsStage::observe(const Record& record, TimePoint now, WallTime wall_now,
                                 std::span<RecordSink* const> sinks, std::size_t limit) {
    auto changes = m_engine.observe(record, now, wall_now);
    auto it = m_last.find(diff::key_of(record));
    std::size_t n = hand_on(changes, it == m_last.end() ? nullptr : &it->second, &record, now, wall_now, sinks, limit);
    if (it == m_last.end() && carries_spec(record))
        it = m_last.try_emplace(diff::ResourceKey(diff::key_of(record))).first;
    if (it != m_last.end()) {
        it->second.source_ts = record.source_ts;
        it->second.event_id = record.event_id;
    }
    log_warnings();
    return n;
}

std::size_t LevelsStage::advance(TimePoint now, WallTime wall_now, std::span<RecordSink* const> sinks,
                                 std::size_t limit) {
    return hand_on(m_engine.advance(now, wall_now), nullptr, nullptr, now, wall_now, sinks, limit);
}

// Changes that took effect before `now` ran out on a timer, on the value of
// an earlier record: they carry that record's ids, the others `record`'s.
std::size_t LevelsStage::hand_on(std::span<const levels::Transition> changes, const LastSeen* last,
                                 const Record* record, TimePoint now, WallTime wall_now,
                                 std::span<RecordSink* const> sinks, std::size_t limit) {
    if (changes.size() > limit) changes = changes.first(limit);
    for (const levels::Transition& t : changes) {
        const LastSeen* seen = last;
        if (!record) {
            auto it = m_last.find(diff::ResourceKeyView{t.kind, t.id});
            seen = it == m_last.end() ? nullptr : &it->second;
        }
        bool earlier = !record || (t.at < now && seen);
        // Views into strings that outlive the call ("" when nothing was seen).
        std::string_view source_ts, event_id;
        if (!earlier) {
            source_ts = record->source_ts;
            event_id = record->event_id;
        } else if (seen) {
            source_ts = seen->source_ts;
            event_id = seen->event_id;
        }
        output::LevelLine line = line_of(t, source_ts, event_id);
        for (RecordSink* sink : sinks) sink->level(line, wall_now);
    }
    return changes.size();
}

std::span<const output::NamedLevel> LevelsStage::levels_of(const Record& record) {
    m_engine.levels_of(record.kind, record.id, m_levels);
    m_named.clear();
    for (const auto& l : m_levels) m_named.push_back({l.metric, levels::level_name(l.level)});
    return m_named;
}

void LevelsStage::log_warnings() {
    for (const std::string& w : m_engine.take_warnings()) log::warn("{}", w);
}

}  // namespace rtwatch::app
