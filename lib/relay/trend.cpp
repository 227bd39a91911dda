// Trend series: one point a step per queue and skill, in a fixed ring.
#include "trend.hpp"

#include <array>
#include <chrono>

#include <fmt/format.h>

#include "rtwatch/core/json_text.hpp"

namespace rtwatch::relay {

namespace {

// The seed's queue and skill metrics, then Genesys' observations.
constexpr std::array<std::string_view, 9> k_default_fields{
    "waiting",  "waitDuration", "availableAgents", "serviceLevelPercentile", "serviceLevelPercentage",
    "oWaiting", "oInteracting", "oServiceLevel",   "oOnQueueUsers"};

}  // namespace

std::span<const std::string_view> default_fields() { return k_default_fields; }

void Trends::observe(const Record& record, WallTime now) {
    if (record.kind == ResourceKind::agent || m_step_ms == 0) return;
    std::uint8_t index = 0;
    const Metric* metric = nullptr;
    for (; index < k_default_fields.size() && !metric; ++index) metric = record.find(k_default_fields[index]);
    if (!metric || metric->value.type != MetricValue::Type::number) return;
    --index;
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
    auto step = static_cast<std::uint32_t>(static_cast<std::uint64_t>(ms) / m_step_ms);
    auto it = m_series.find(key_of(record));
    if (it == m_series.end()) it = m_series.emplace(ResourceKey(key_of(record)), Series{}).first;
    Series& s = it->second;
    if (s.metric != index) s.size = s.head = 0;  // another hero: a new series
    s.metric = index;
    const Point point{step, static_cast<float>(metric->value.number)};
    if (s.size > 0) {
        Point& last = s.points[(s.head + s.size - 1) % k_trend_points];
        if (last.step == step) return void(last.value = point.value);
    }
    if (s.size < k_trend_points) {
        s.points[(s.head + s.size++) % k_trend_points] = point;
    } else {
        s.points[s.head] = point;
        s.head = static_cast<std::uint8_t>((s.head + 1) % k_trend_points);
    }
}

const Trends::Series* Trends::find(ResourceKeyView key) const {
    auto it = m_series.find(key);
    return it == m_series.end() ? nullptr : &it->second;
}

void Trends::append_json(std::string& out, ResourceKeyView key) const {
    const Series* s = find(key);
    if (!s || s->size == 0) return;
    out += ",\"trend\":{\"metric\":";
    append_json_string(out, k_default_fields[s->metric]);
    out += fmt::format(",\"step_ms\":{},\"points\":[", m_step_ms);
    for (std::uint8_t i = 0; i < s->size; ++i) {
        const Point& p = s->points[(s->head + i) % k_trend_points];
        out += fmt::format("{}[{},{}]", i ? "," : "", p.step, p.value);
    }
    out += "]}";
}

}  // namespace rtwatch::relay
