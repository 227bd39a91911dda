// Seeded random walks against a slow reference that re-reads the whole
// history at every 100 ms tick and applies the rules as the man page states
// them. The engine, driven three ways (advance() at every deadline, only
// values, advance() at random times), must give the reference's transitions
// exactly, and never two closer than the dwell times allow.
#include <map>
#include <random>

#include "engine_helpers.hpp"

using namespace levels_test;
using rtwatch::levels::CmpOp;
using rtwatch::levels::Threshold;

namespace {

struct Event {
    long long ms = 0;
    MetricValue value;  // null: no data
};

struct Seen {
    std::optional<Level> previous;
    Level level;
    long long at, since;
};

// ---- the reference: the rules written out, nothing shared with the engine

bool ref_compare(CmpOp op, const MetricValue& v, const Threshold& t, double shift) {
    if (!t.is_number) return op == CmpOp::eq ? v.text == t.text : v.text != t.text;
    double x = v.number, y = t.number + shift;
    switch (op) {
        case CmpOp::lt:
            return x < y;
        case CmpOp::le:
            return x <= y;
        case CmpOp::gt:
            return x > y;
        case CmpOp::ge:
            return x >= y;
        case CmpOp::eq:
            return x == y;
        case CmpOp::ne:
            return x != y;
    }
    return false;
}

// Level `l` holds for value v while `current` is in effect: the threshold
// itself to get there, eased by `clear` (away from the bad side) to stay.
bool ref_holds(const LevelSpec& s, Level l, Level current, const MetricValue& v) {
    const Threshold* t = l == Level::red ? (s.red ? &*s.red : nullptr) : (s.yellow ? &*s.yellow : nullptr);
    if (!t) return false;
    double shift = 0;
    if (l <= current && (t->op == CmpOp::ge || t->op == CmpOp::gt)) shift = -s.clear;
    if (l <= current && (t->op == CmpOp::le || t->op == CmpOp::lt)) shift = s.clear;
    return ref_compare(t->op, v, *t, shift);
}

Level ref_target(const LevelSpec& s, Level current, const MetricValue& v) {
    if (ref_holds(s, Level::red, current, v)) return Level::red;
    if (ref_holds(s, Level::yellow, current, v)) return Level::yellow;
    return Level::green;
}

bool ref_calls_for(const LevelSpec& s, Level current, Level to, const MetricValue& v) {
    Level t = ref_target(s, current, v);
    return to > current ? t >= to : to < current && t <= to;
}

class Reference {
public:
    Reference(const LevelSpec& spec, std::vector<Event> events) : m_spec(spec) {
        for (auto& e : events)
            if (e.value.type != MetricValue::Type::null) m_values[e.ms] = e.value;
    }

    std::vector<Seen> run(long long end) {
        if (m_values.empty()) return m_out;
        long long first = m_values.begin()->first;
        m_level = ref_target(m_spec, Level::green, m_values.begin()->second);
        m_since = first;
        if (m_level != Level::green) m_out.push_back({std::nullopt, m_level, first, first});
        for (long long t = first + 100; t <= end; t += 100) {
            while (timer_move(t)) {
            }
            if (m_values.count(t))
                while (immediate_move(t)) {
                }
        }
        return m_out;
    }

private:
    const MetricValue& value_at(long long t) const { return std::prev(m_values.upper_bound(t))->second; }
    long long delay(Level to) const { return (to > m_level ? m_spec.raise_after : m_spec.lower_after).count(); }

    // Did the value call for `to` at every tick of [t - delay, t)?
    bool held(Level to, long long t) const {
        long long d = delay(to);
        if (d == 0 || t - d < m_values.begin()->first) return false;
        for (long long u = t - d; u < t; u += 100)
            if (!ref_calls_for(m_spec, m_level, to, value_at(u))) return false;
        return true;
    }

    bool pick(long long t, bool (Reference::*ok)(Level, long long) const) {
        for (Level to : {Level::red, Level::yellow})
            if (to > m_level && (this->*ok)(to, t)) return move(to, t);
        for (Level to : {Level::green, Level::yellow})
            if (to < m_level && (this->*ok)(to, t)) return move(to, t);
        return false;
    }
    bool timer_move(long long t) { return pick(t, &Reference::held); }

    bool now_calls(Level to, long long t) const {
        return delay(to) == 0 && ref_calls_for(m_spec, m_level, to, value_at(t));
    }
    bool immediate_move(long long t) { return pick(t, &Reference::now_calls); }

    bool move(Level to, long long t) {
        m_out.push_back({m_level, to, t, m_since});
        m_level = to;
        m_since = t;
        return true;
    }

    const LevelSpec& m_spec;
    std::map<long long, MetricValue> m_values;
    Level m_level = Level::green;
    long long m_since = 0;
    std::vector<Seen> m_out;
};

// ---- walks

struct Walk {
    const char* spec;
    enum { level_walk, small_ints, strings } values;
};

const Walk k_walks[] = {
    {"m: yellow >= 50, red >= 80, clear 10, for 700ms, hold 1500ms", Walk::level_walk},
    {"m: yellow < 40, red <= 20, clear 5, hold 500ms", Walk::level_walk},
    {"m: red > 60, for 300ms", Walk::level_walk},
    {"m: yellow >= 30, red >= 70", Walk::level_walk},
    {"m: yellow >= 50, red > 50, clear 20, for 1s, hold 1s", Walk::level_walk},
    {"m: yellow == 3, red == 5, hold 200ms", Walk::small_ints},
    {"m: yellow != 'a', red == 'c', for 400ms, hold 800ms", Walk::strings},
};

std::vector<Event> make_walk(const Walk& w, unsigned seed, int steps) {
    std::mt19937 rng(seed);
    auto uniform = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
    std::vector<Event> out;
    long long t = 100 * uniform(0, 5);
    double level = uniform(0, 100);
    for (int i = 0; i < steps; ++i, t += 100 * uniform(1, 15)) {
        Event e{t, {}};
        if (uniform(0, 29) == 0) {  // now and then no data
            out.push_back(e);
            continue;
        }
        if (w.values == Walk::level_walk) {
            level = std::clamp(level + uniform(-15, 15), 0.0, 100.0);
            e.value = num(level);
        } else if (w.values == Walk::small_ints) {
            e.value = num(uniform(0, 6));
        } else {
            e.value = str(std::string(1, static_cast<char>('a' + uniform(0, 2))));
        }
        out.push_back(std::move(e));
    }
    return out;
}

// ---- driving the engine

enum class Drive { every_deadline, values_only, random_advance };

std::map<std::string, std::vector<Transition>> run_engine(const LevelSpec& spec,
                                                          const std::map<std::string, std::vector<Event>>& walks,
                                                          long long end, Drive drive, unsigned seed) {
    std::vector<std::pair<std::string, Event>> merged;
    for (auto& [id, events] : walks)
        for (auto& e : events) merged.emplace_back(id, e);
    std::stable_sort(merged.begin(), merged.end(), [](auto& a, auto& b) { return a.second.ms < b.second.ms; });
    Harness h({spec});
    std::mt19937 rng(seed);
    std::map<std::string, std::vector<Transition>> out;
    auto keep = [&](const std::vector<Transition>& ts) {
        for (auto& t : ts) out[t.id].push_back(t);
    };
    long long last = 0;  // `now` never goes backwards
    for (auto& [id, e] : merged) {
        for (auto d = h.engine.next_deadline(); drive == Drive::every_deadline && d && ms_of(*d) <= e.ms;
             d = h.engine.next_deadline())
            keep(h.advance(ms_of(*d)));
        if (drive == Drive::random_advance && rng() % 3 == 0)
            keep(h.advance(std::max(last, e.ms - static_cast<long long>(rng() % 700))));
        keep(h.put(e.ms, id, "m", e.value));
        last = e.ms;
    }
    keep(h.advance(end));
    return out;
}

std::string show(const std::vector<Seen>& ts) {
    std::string s;
    for (auto& t : ts)
        s += (t.previous ? std::string(level_name(*t.previous)) : "none") + "->" + std::string(level_name(t.level)) +
             "@" + std::to_string(t.at) + " ";
    return s;
}

std::vector<Seen> seen(const std::vector<Transition>& ts) {
    std::vector<Seen> out;
    for (auto& t : ts) out.push_back({t.previous, t.level, ms_of(t.at), ms_of(t.since)});
    return out;
}

// Property (a): a raise after a drop comes at least `for` later, a drop after
// a raise at least `hold` later, and every transition starts where the last
// one ended.
void check_dwell(const LevelSpec& spec, const std::vector<Seen>& ts) {
    for (std::size_t i = 1; i < ts.size(); ++i) {
        INFO("transition " << i << ": " << show(ts));
        REQUIRE(ts[i].previous == ts[i - 1].level);
        CHECK(ts[i].since == ts[i - 1].at);
        bool up = ts[i].level > *ts[i].previous;
        bool was_up = !ts[i - 1].previous || ts[i - 1].level > *ts[i - 1].previous;
        long long gap = ts[i].at - ts[i - 1].at;
        if (up && !was_up) CHECK(gap >= spec.raise_after.count());
        if (!up && was_up) CHECK(gap >= spec.lower_after.count());
    }
}

}  // namespace

TEST_CASE("levels: random walks match the reference and respect the dwell times", "[levels][walk]") {
    int transitions = 0;
    for (const Walk& w : k_walks) {
        LevelSpec s = spec(w.spec);
        for (unsigned seed = 1; seed <= 25; ++seed) {
            std::map<std::string, std::vector<Event>> walks{{"q1", make_walk(w, seed, 300)},
                                                            {"q2", make_walk(w, seed + 1000, 300)}};
            long long end = 0;
            for (auto& [id, events] : walks) end = std::max(end, events.back().ms + 5000);
            auto precise = run_engine(s, walks, end, Drive::every_deadline, seed);
            auto lazy = run_engine(s, walks, end, Drive::values_only, seed);
            auto random = run_engine(s, walks, end, Drive::random_advance, seed);
            for (auto& [id, events] : walks) {
                INFO(w.spec << " seed " << seed << " " << id);
                auto expected = Reference(s, events).run(end);
                auto got = seen(precise[id]);
                CHECK(show(got) == show(expected));
                CHECK(show(seen(lazy[id])) == show(expected));
                CHECK(show(seen(random[id])) == show(expected));
                check_dwell(s, got);
                transitions += static_cast<int>(got.size());
            }
        }
    }
    INFO("a walk that never moves tests nothing");
    CHECK(transitions > 2000);
}
