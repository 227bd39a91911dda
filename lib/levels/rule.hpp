// The level rules of one spec for one value, without time: which level a
// value calls for given the level in effect (hysteresis), and whether it
// calls for a move to a given level. The engine adds the dwell times.
#pragma once

#include <optional>
#include <string_view>

#include "rtwatch/core/record.hpp"
#include "rtwatch/levels/spec.hpp"

namespace rtwatch::levels::rule {

// A value in the form the spec compares: a number for a numeric spec, a
// string for a string spec. Anything else is no data.
struct Sample {
    double number = 0;
    std::string_view text;
};

inline std::optional<Sample> sample_of(const LevelSpec& spec, const MetricValue& value) {
    if (spec.numeric()) {
        if (value.type != MetricValue::Type::number) return std::nullopt;
        return Sample{value.number, {}};
    }
    if (value.type != MetricValue::Type::string) return std::nullopt;
    return Sample{0, value.text};
}

template <class T>
bool compare(CmpOp op, const T& a, const T& b) {
    switch (op) {
        case CmpOp::lt:
            return a < b;
        case CmpOp::le:
            return a <= b;
        case CmpOp::gt:
            return a > b;
        case CmpOp::ge:
            return a >= b;
        case CmpOp::eq:
            return a == b;
        case CmpOp::ne:
            return a != b;
    }
    return false;
}

// The condition for entering a level.
inline bool enters(const Threshold& t, const Sample& s) {
    return t.is_number ? compare(t.op, s.number, t.number) : compare(t.op, s.text, std::string_view(t.text));
}

// The condition for staying in it: the threshold eased by the band, so a
// value wobbling around it does not flap. == and != have no band.
inline bool stays(const Threshold& t, double clear, const Sample& s) {
    switch (t.op) {
        case CmpOp::gt:
        case CmpOp::ge:
            return compare(t.op, s.number, t.number - clear);
        case CmpOp::lt:
        case CmpOp::le:
            return compare(t.op, s.number, t.number + clear);
        default:
            return enters(t, s);
    }
}

// The highest level whose condition holds: the stay condition for levels at
// or below `current` (the value has been there), the enter one above it.
inline Level target(const LevelSpec& spec, Level current, const Sample& s) {
    for (Level l : {Level::red, Level::yellow}) {
        const Threshold* t = spec.threshold(l);
        if (t && (l <= current ? stays(*t, spec.clear, s) : enters(*t, s))) return l;
    }
    return Level::green;
}

// Whether a value whose target() is `target` calls for leaving `current`
// for `to` or beyond it (higher: at least `to`; lower: at most `to`). A
// level the spec does not name is never a destination.
inline bool calls_for(const LevelSpec& spec, Level current, Level to, Level target) {
    if (to == current || (to != Level::green && !spec.threshold(to))) return false;
    return to > current ? target >= to : target <= to;
}

}  // namespace rtwatch::levels::rule
