// The decoded form of one `data` event: which resource, when, and its
// metrics. Every pure stage after decode works on this. Buffers are reused
// across events (clear() keeps capacity), so the hot path does not allocate.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace rtwatch {

enum class ResourceKind { queue, agent, skill };

inline std::string_view kind_name(ResourceKind kind) {
    switch (kind) {
        case ResourceKind::queue:
            return "queue";
        case ResourceKind::agent:
            return "agent";
        case ResourceKind::skill:
            return "skill";
    }
    return "queue";
}

// A metric value as it came on the wire. Numbers keep their JSON text so
// output reproduces them exactly (85.5 stays 85.5); `number` is for --where.
struct MetricValue {
    enum class Type : unsigned char { null, boolean, number, string };
    Type type = Type::null;
    bool boolean = false;
    double number = 0;
    std::string text;  // number: JSON text; string: decoded UTF-8

    friend bool operator==(const MetricValue& a, const MetricValue& b) {
        if (a.type != b.type) return false;
        switch (a.type) {
            case Type::null:
                return true;
            case Type::boolean:
                return a.boolean == b.boolean;
            case Type::number:
                return a.number == b.number && a.text == b.text;
            case Type::string:
                return a.text == b.text;
        }
        return false;
    }
};

struct Metric {
    std::string name;
    MetricValue value;
};

struct Record {
    ResourceKind kind = ResourceKind::queue;
    std::string id;
    std::string source_ts;  // the event's "timestamp", verbatim
    std::string event_id;   // the SSE last-event-id in effect at dispatch
    std::vector<Metric> metrics;
    size_t metric_count = 0;  // metrics[0, metric_count) are live; the rest are spare buffers
    // The `metrics` object's JSON text as received, when the decoder's fast
    // path read it: a view into the event's data, valid only while that is.
    // Empty when unknown (the reference path, or a record built otherwise).
    std::string_view metrics_json;
    // The decoder found metrics_json byte for byte equal to the text its
    // caller called settled (see decode::SettledMetrics) and did not decode
    // the metrics: metric_count is 0 and the event changes nothing.
    bool metrics_settled = false;

    const Metric* find(std::string_view name) const {
        for (size_t i = 0; i < metric_count; ++i)
            if (metrics[i].name == name) return &metrics[i];
        return nullptr;
    }
    Metric& add_metric() {
        if (metric_count == metrics.size()) metrics.emplace_back();
        return metrics[metric_count++];
    }
    void clear() {
        id.clear();
        source_ts.clear();
        event_id.clear();
        metric_count = 0;
        metrics_json = {};
        metrics_settled = false;
    }
};

}  // namespace rtwatch
