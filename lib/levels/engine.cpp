// LevelEngine: for each level other than the one in effect, the engine keeps
// since when the value has called for a move to it. A move takes effect
// once that has lasted the dwell time (`for` up, `hold` down), at exactly
// that moment, whether the engine learns of it from a later value or from
// advance(). Deadlines wait in a heap so next_deadline() costs O(1).
#include "rtwatch/levels/engine.hpp"

#include <algorithm>
#include <tuple>

#include <fmt/format.h>

#include "rule.hpp"

namespace rtwatch::levels {

namespace {

constexpr Level k_levels[] = {Level::green, Level::yellow, Level::red};

unsigned char bit(Level l) { return static_cast<unsigned char>(1u << static_cast<unsigned>(l)); }

std::string_view type_name(MetricValue::Type type) {
    switch (type) {
        case MetricValue::Type::null:
            return "null";
        case MetricValue::Type::boolean:
            return "a boolean";
        case MetricValue::Type::number:
            return "a number";
        case MetricValue::Type::string:
            return "a string";
    }
    return "null";
}

}  // namespace

LevelEngine::LevelEngine(std::vector<LevelSpec> specs) : m_specs(std::move(specs)), m_warned(m_specs.size()) {}

int LevelEngine::spec_index(std::string_view metric) const {
    for (std::size_t i = 0; i < m_specs.size(); ++i)
        if (m_specs[i].metric == metric) return static_cast<int>(i);
    return -1;
}

LevelEngine::Slot& LevelEngine::slot_for(ResourceKind kind, std::string_view id) {
    auto it = m_resources.find(ResourceKeyView{kind, id});
    if (it == m_resources.end())
        it =
            m_resources.emplace(ResourceKey(ResourceKeyView{kind, id}), std::vector<MetricState>(m_specs.size())).first;
    return *it;
}

std::span<const Transition> LevelEngine::observe(const Record& record, TimePoint now, WallTime wall_now) {
    m_out.clear();
    Slot* slot = nullptr;  // looked up once, and only if the record carries a spec'd metric
    for (std::size_t i = 0; i < m_specs.size(); ++i) {
        const Metric* m = record.find(m_specs[i].metric);
        if (!m) continue;
        if (!rule::sample_of(m_specs[i], m->value)) {
            warn(i, record.kind, record.id, m->value);
            continue;
        }
        if (!slot) slot = &slot_for(record.kind, record.id);
        observe_one(*slot, i, m->value, now, wall_now);
    }
    if (slot) drop_stale();
    return m_out;
}

std::span<const Transition> LevelEngine::observe(ResourceKind kind, std::string_view id, std::string_view metric,
                                                 const MetricValue& value, TimePoint now, WallTime wall_now) {
    m_out.clear();
    int i = spec_index(metric);
    if (i < 0) return {};
    if (!rule::sample_of(m_specs[i], value)) {
        warn(i, kind, id, value);
        return {};
    }
    observe_one(slot_for(kind, id), i, value, now, wall_now);
    drop_stale();
    return m_out;
}

// Timers that ran out before this value are applied first, on the value
// they ran on, so the outcome does not depend on how often advance() runs.
void LevelEngine::observe_one(Slot& slot, std::size_t i, const MetricValue& value, TimePoint now, WallTime wall_now) {
    MetricState& st = slot.second[i];
    if (!st.known) return first(slot, i, value, now, wall_now);
    bool timer_ran_out = st.armed && st.due <= now;
    // The common case: same value, no timer due, so nothing can change.
    if (!timer_ran_out && st.last == value) return;
    if (timer_ran_out) settle(slot, i, now, wall_now);
    st.last = value;  // copy-assign: reuses the string's capacity
    refresh(i, st, now);
    settle(slot, i, now, wall_now);
    rearm(slot, i);
}

// Nothing to debounce against yet: the first value sets the level at once.
void LevelEngine::first(Slot& slot, std::size_t i, const MetricValue& value, TimePoint now, WallTime wall_now) {
    MetricState& st = slot.second[i];
    st.known = true;
    st.last = value;
    st.level = rule::target(m_specs[i], Level::green, *rule::sample_of(m_specs[i], value));
    st.since = now;
    st.since_wall = wall_now;
    st.calling = 0;
    refresh(i, st, now);
    if (st.level != Level::green) {
        Transition& t = m_out.emplace_back();
        t.kind = slot.first.kind;
        t.id = slot.first.id;
        t.metric = m_specs[i].metric;
        t.level = st.level;
        t.value = value;
        t.threshold = *m_specs[i].threshold(st.level);
        t.at = t.since = now;
        t.at_wall = t.since_wall = wall_now;
    }
    rearm(slot, i);
}

// Recomputes which moves the last value calls for; a call that goes on
// keeps its start, one that stops is forgotten (a pending move is cancelled).
void LevelEngine::refresh(std::size_t i, MetricState& st, TimePoint at) {
    Level target = rule::target(m_specs[i], st.level, *rule::sample_of(m_specs[i], st.last));
    for (Level l : k_levels) {
        if (!rule::calls_for(m_specs[i], st.level, l, target)) {
            st.calling &= static_cast<unsigned char>(~bit(l));
        } else if (!(st.calling & bit(l))) {
            st.calling |= bit(l);
            st.calling_since[static_cast<std::size_t>(l)] = at;
        }
    }
}

std::optional<TimePoint> LevelEngine::earliest(std::size_t i, const MetricState& st) const {
    std::optional<TimePoint> best;
    for (Level l : k_levels) {
        if (!(st.calling & bit(l))) continue;
        TimePoint d = st.calling_since[static_cast<std::size_t>(l)] +
                      (l > st.level ? m_specs[i].raise_after : m_specs[i].lower_after);
        if (!best || d < *best) best = d;
    }
    return best;
}

// Of the moves due at `at`: the highest raise, else the lowest drop. Raises
// and drops are never called for at once (the value is above or below).
Level LevelEngine::due_level(std::size_t i, const MetricState& st, TimePoint at) const {
    std::optional<Level> up, down;
    for (Level l : k_levels) {
        if (!(st.calling & bit(l))) continue;
        bool higher = l > st.level;
        if (st.calling_since[static_cast<std::size_t>(l)] + (higher ? m_specs[i].raise_after : m_specs[i].lower_after) >
            at)
            continue;
        if (higher)
            up = l;
        else if (!down)
            down = l;
    }
    return up ? *up : *down;
}

// Applies every move due by `now`, each at its own deadline, in time order.
void LevelEngine::settle(Slot& slot, std::size_t i, TimePoint now, WallTime wall_now) {
    MetricState& st = slot.second[i];
    for (auto d = earliest(i, st); d && *d <= now; d = earliest(i, st)) {
        WallTime at_wall = wall_now - std::chrono::duration_cast<WallClock::duration>(now - *d);
        change(slot, i, due_level(i, st, *d), *d, at_wall);
        refresh(i, st, *d);
    }
}

void LevelEngine::change(Slot& slot, std::size_t i, Level to, TimePoint at, WallTime at_wall) {
    MetricState& st = slot.second[i];
    const LevelSpec& spec = m_specs[i];
    Transition& t = m_out.emplace_back();
    t.kind = slot.first.kind;
    t.id = slot.first.id;
    t.metric = spec.metric;
    t.previous = st.level;
    t.level = to;
    t.value = st.last;
    t.threshold = *spec.threshold(to == Level::green ? st.level : to);
    t.at = at;
    t.at_wall = at_wall;
    t.since = st.since;
    t.since_wall = st.since_wall;
    st.level = to;
    st.since = at;
    st.since_wall = at_wall;
}

constexpr auto k_later = [](const auto& a, const auto& b) { return a.at > b.at; };

// Registers the state's next deadline. Entries left behind by earlier
// deadlines go stale; the heap is rebuilt when they outnumber live ones.
void LevelEngine::rearm(Slot& slot, std::size_t i) {
    MetricState& st = slot.second[i];
    auto d = earliest(i, st);
    if (st.armed && d && *d == st.due) return;
    if (st.armed) --m_armed;
    st.armed = d.has_value();
    if (!d) return;
    ++m_armed;
    st.due = *d;
    m_deadlines.push_back({*d, &slot, static_cast<std::uint32_t>(i)});
    std::push_heap(m_deadlines.begin(), m_deadlines.end(), k_later);
    if (m_deadlines.size() <= 2 * m_armed + 64) return;
    std::erase_if(m_deadlines, [](const Deadline& e) {
        const MetricState& s = e.slot->second[e.spec];
        return !s.armed || s.due != e.at;
    });
    std::make_heap(m_deadlines.begin(), m_deadlines.end(), k_later);
}

void LevelEngine::drop_stale() {
    while (!m_deadlines.empty()) {
        const Deadline& top = m_deadlines.front();
        const MetricState& st = top.slot->second[top.spec];
        if (st.armed && st.due == top.at) return;
        std::pop_heap(m_deadlines.begin(), m_deadlines.end(), k_later);
        m_deadlines.pop_back();
    }
}

std::span<const Transition> LevelEngine::advance(TimePoint now, WallTime wall_now) {
    m_out.clear();
    while (!m_deadlines.empty() && m_deadlines.front().at <= now) {
        Deadline top = m_deadlines.front();
        std::pop_heap(m_deadlines.begin(), m_deadlines.end(), k_later);
        m_deadlines.pop_back();
        MetricState& st = top.slot->second[top.spec];
        if (!st.armed || st.due != top.at) continue;
        st.armed = false;
        --m_armed;
        settle(*top.slot, top.spec, now, wall_now);
        rearm(*top.slot, top.spec);
    }
    drop_stale();
    // One state's moves come out together; across states, order by time.
    auto earlier = [](const Transition& a, const Transition& b) { return a.at < b.at; };
    if (!std::is_sorted(m_out.begin(), m_out.end(), earlier)) std::stable_sort(m_out.begin(), m_out.end(), earlier);
    return m_out;
}

std::optional<TimePoint> LevelEngine::next_deadline() const {
    if (m_deadlines.empty()) return std::nullopt;
    return m_deadlines.front().at;
}

std::optional<Level> LevelEngine::level(ResourceKind kind, std::string_view id, std::string_view metric) const {
    int i = spec_index(metric);
    if (i < 0) return std::nullopt;
    auto it = m_resources.find(ResourceKeyView{kind, id});
    if (it == m_resources.end() || !it->second[i].known) return std::nullopt;
    return it->second[i].level;
}

void LevelEngine::levels_of(ResourceKind kind, std::string_view id, std::vector<MetricLevel>& out) const {
    out.clear();
    auto it = m_resources.find(ResourceKeyView{kind, id});
    if (it == m_resources.end()) return;
    for (std::size_t i = 0; i < m_specs.size(); ++i)
        if (it->second[i].known) out.push_back({m_specs[i].metric, it->second[i].level});
}

std::vector<CurrentLevel> LevelEngine::snapshot() const {
    std::vector<std::pair<const Slot*, std::size_t>> known;
    for (const Slot& slot : m_resources)
        for (std::size_t i = 0; i < m_specs.size(); ++i)
            if (slot.second[i].known) known.emplace_back(&slot, i);
    std::sort(known.begin(), known.end(), [](const auto& a, const auto& b) {
        return std::tie(a.first->first.kind, a.first->first.id, a.second) <
               std::tie(b.first->first.kind, b.first->first.id, b.second);
    });
    std::vector<CurrentLevel> out;
    out.reserve(known.size());
    for (auto [slot, i] : known) {
        const MetricState& st = slot->second[i];
        out.push_back(
            {slot->first.kind, slot->first.id, m_specs[i].metric, st.level, &st.last, st.since, st.since_wall});
    }
    return out;
}

void LevelEngine::warn(std::size_t i, ResourceKind kind, std::string_view id, const MetricValue& value) {
    if (m_warned[i]) return;
    m_warned[i] = true;
    const LevelSpec& spec = m_specs[i];
    m_warnings.push_back(
        fmt::format("--level {}: {} {} sent {} where the spec compares {}; such values are no "
                    "data and leave the level as it was (said once per metric)",
                    spec.metric, kind_name(kind), id, type_name(value.type), spec.numeric() ? "numbers" : "strings"));
}

std::vector<std::string> LevelEngine::take_warnings() { return std::exchange(m_warnings, {}); }

}  // namespace rtwatch::levels
