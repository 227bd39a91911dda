// Records and a small contact center for the `rtwatch top` tests: 30 queues,
// 4 skills and 8 agents with long UUID ids, some with levels, on a fake clock.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "rtwatch/core/record.hpp"
#include "rtwatch/top/state.hpp"

namespace top_test {

using namespace std::chrono_literals;
using rtwatch::Record;
using rtwatch::ResourceKind;
using rtwatch::TimePoint;

inline const TimePoint t0 = TimePoint{} + 1000h;

struct M {
    std::string name;
    std::string text;  // number text, or the string value when !number
    bool number = true;
};

inline Record make_record(ResourceKind kind, std::string id, const std::vector<M>& metrics) {
    Record r;
    r.kind = kind;
    r.id = std::move(id);
    for (const M& m : metrics) {
        rtwatch::Metric& metric = r.add_metric();
        metric.name = m.name;
        metric.value.type = m.number ? rtwatch::MetricValue::Type::number : rtwatch::MetricValue::Type::string;
        metric.value.text = m.text;
        if (m.number) metric.value.number = std::stod(m.text);
    }
    return r;
}

inline std::string queue_id(int i) {
    std::string n = std::to_string(i);
    return "queue-" + std::string(4 - n.size(), '0') + n;
}

inline std::string agent_id(int i) { return "agent-3f2a9c1e-7b4d-4e21-9a0b-5c6d7e8f9a0" + std::to_string(i); }

inline void add_queue(rtwatch::top::TopState& s, int i, TimePoint at) {
    const std::string level = i % 10 == 3 ? "42" : "9" + std::to_string(i % 10) + ".5";
    s.apply(make_record(ResourceKind::queue, queue_id(i),
                        {{"waitDuration", std::to_string(i * 37 % 211)},
                         {"availableAgents", std::to_string(i % 6)},
                         {"interactionsWaiting", std::to_string(i * 7 % 13)},
                         {"serviceLevel", level}}),
            at);
}

// Levels: queue-0003 red on waitDuration, queue-0005 yellow, queue-0001 and
// queue-0002 green, skill-billing red on interactionsWaiting.
inline rtwatch::top::TopState contact_center() {
    using rtwatch::top::Level;
    rtwatch::top::TopState s;
    s.set_host("sim.example.net:8443");
    s.set_status(rtwatch::top::Status::connected);
    s.mark_drawn(t0);
    const TimePoint at = t0 + 500ms;
    for (int i = 1; i <= 30; ++i) add_queue(s, i, at);
    const char* skills[] = {"skill-billing", "skill-sales", "skill-support", "skill-french"};
    for (int i = 0; i < 4; ++i)
        s.apply(
            make_record(ResourceKind::skill, skills[i],
                        {{"availableAgents", std::to_string(i * 3)}, {"interactionsWaiting", std::to_string(9 - i)}}),
            at);
    for (int i = 1; i <= 8; ++i)
        s.apply(make_record(ResourceKind::agent, agent_id(i),
                            {{"status", i % 3 ? "available" : "on-queue", false},
                             {"interactionsHandled", std::to_string(i * 11)}}),
                at);
    s.set_level(ResourceKind::queue, queue_id(3), "waitDuration", Level::red);
    s.set_level(ResourceKind::queue, queue_id(5), "waitDuration", Level::yellow);
    s.set_level(ResourceKind::queue, queue_id(1), "waitDuration", Level::green);
    s.set_level(ResourceKind::queue, queue_id(2), "serviceLevel", Level::green);
    s.set_level(ResourceKind::skill, "skill-billing", "interactionsWaiting", Level::red);
    s.mark_drawn(t0 + 1s);  // 42 records in the last second; no highlights
    return s;
}

}  // namespace top_test
