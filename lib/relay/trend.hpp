// The wallboard's sparklines: per queue and skill, the last value of its
// trend metric in each step of wall time (one point a step, the newest
// value winning), for the last k_trend_points steps. Bounded per resource
// in points and bytes; agents have none.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>

#include "rtwatch/core/clock.hpp"
#include "rtwatch/core/duration.hpp"
#include "rtwatch/core/record.hpp"
#include "rtwatch/core/resource_key.hpp"

namespace rtwatch::relay {

inline constexpr std::size_t k_trend_points = 60;

// The wallboard's default metrics, in order; the first a record has is its
// hero (the tile's big number) and its trend metric.
std::span<const std::string_view> default_fields();

class Trends {
public:
    explicit Trends(Millis step) : m_step_ms(static_cast<std::uint64_t>(step.count())) {}

    // A committed record at wall time `now`.
    void observe(const Record& record, WallTime now);
    // ,"trend":{"metric":...,"step_ms":...,"points":[[step,value],...]} for
    // the resource, or nothing when it has no series. `step` counts steps
    // of step_ms since the Unix epoch.
    void append_json(std::string& out, ResourceKeyView key) const;

    std::size_t resources() const { return m_series.size(); }
    std::uint64_t step_ms() const { return m_step_ms; }

    struct Point {
        std::uint32_t step = 0;
        float value = 0;
    };
    struct Series {
        std::array<Point, k_trend_points> points{};  // a ring: oldest at `head` once full
        std::uint8_t head = 0, size = 0, metric = 0;
    };
    const Series* find(ResourceKeyView key) const;

private:
    std::uint64_t m_step_ms;
    std::unordered_map<ResourceKey, Series, ResourceKeyHash, ResourceKeyEqual> m_series;
};

}  // namespace rtwatch::relay
