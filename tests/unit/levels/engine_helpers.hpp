// A LevelEngine on a fake clock for the tests: values by number or string,
// time moved by hand, transitions copied out as compact text.
#pragma once

#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "rtwatch/levels/engine.hpp"

namespace levels_test {

using namespace std::chrono_literals;
using rtwatch::MetricValue;
using rtwatch::ResourceKind;
using rtwatch::TimePoint;
using rtwatch::WallTime;
using rtwatch::levels::Level;
using rtwatch::levels::LevelEngine;
using rtwatch::levels::LevelSpec;
using rtwatch::levels::Transition;

inline LevelSpec spec(std::string_view text) {
    auto s = rtwatch::levels::parse_level_spec(text);
    INFO(text);
    if (!s) FAIL(s.error().message);
    return std::move(*s);
}

inline MetricValue num(double v) {
    MetricValue m;
    m.type = MetricValue::Type::number;
    m.number = v;
    m.text = std::to_string(v);
    return m;
}

inline MetricValue str(std::string_view s) {
    MetricValue m;
    m.type = MetricValue::Type::string;
    m.text = s;
    return m;
}

// Fake time in milliseconds since an arbitrary origin; wall time runs 1:1.
inline TimePoint at_ms(long long ms) { return TimePoint{} + std::chrono::milliseconds(ms); }
inline WallTime wall_ms(long long ms) {
    return WallTime{} + std::chrono::hours(24 * 20000) + std::chrono::milliseconds(ms);
}
inline long long ms_of(TimePoint t) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(t - TimePoint{}).count();
}

// "queue q1 waiting none->red @0" etc.
inline std::string text(const Transition& t) {
    std::string s = std::string(rtwatch::kind_name(t.kind)) + " " + t.id + " " + t.metric + " ";
    s += t.previous ? std::string(level_name(*t.previous)) : "none";
    s += "->" + std::string(level_name(t.level)) + " @" + std::to_string(ms_of(t.at));
    return s;
}

struct Harness {
    explicit Harness(std::vector<LevelSpec> specs) : engine(std::move(specs)) {}

    std::vector<Transition> copy(std::span<const Transition> ts) { return {ts.begin(), ts.end()}; }

    std::vector<Transition> put(long long ms, std::string_view id, std::string_view metric, const MetricValue& v,
                                ResourceKind kind = ResourceKind::queue) {
        return copy(engine.observe(kind, id, metric, v, at_ms(ms), wall_ms(ms)));
    }
    std::vector<Transition> put(long long ms, std::string_view id, std::string_view metric, double v) {
        return put(ms, id, metric, num(v));
    }
    std::vector<Transition> advance(long long ms) { return copy(engine.advance(at_ms(ms), wall_ms(ms))); }

    // Level of queue `id`'s metric as a name, "unknown" before any data.
    std::string level(std::string_view id, std::string_view metric) {
        auto l = engine.level(ResourceKind::queue, id, metric);
        return l ? std::string(level_name(*l)) : "unknown";
    }

    LevelEngine engine;
};

inline std::vector<std::string> texts(const std::vector<Transition>& ts) {
    std::vector<std::string> out;
    for (const auto& t : ts) out.push_back(text(t));
    return out;
}

using Texts = std::vector<std::string>;

}  // namespace levels_test
