// The unit of a metric and how its value reads on a screen: durations as
// m:ss or h:mm:ss, percentages with %, counts plain. Defaults for the names
// the simulator and Genesys Cloud send; --unit METRIC=UNIT for the rest.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rtwatch/core/result.hpp"

namespace rtwatch {

enum class MetricUnit { none, seconds, millis, percent, count };

// "s", "ms", "%", "count"; "" for none.
std::string_view unit_name(MetricUnit unit);
std::optional<MetricUnit> parse_unit_name(std::string_view text);

// The unit a metric name has without --unit: the seed's names, Genesys'
// o... observations (counts; oServiceLevel a percentage) and t... durations
// (milliseconds). A ".media" suffix (oWaiting.voice) has its base's unit.
MetricUnit default_unit(std::string_view metric);

struct UnitOption {
    std::string metric;
    MetricUnit unit = MetricUnit::none;
};
// "METRIC=s|ms|%|count"; a usage error naming the cause and the fix.
Result<UnitOption> parse_unit_option(std::string_view text);

// --unit options over the defaults.
class MetricUnits {
public:
    MetricUnits() = default;
    explicit MetricUnits(const std::vector<UnitOption>& options);
    MetricUnit unit_of(std::string_view metric) const;
    const std::map<std::string, MetricUnit, std::less<>>& overrides() const { return m_overrides; }

private:
    std::map<std::string, MetricUnit, std::less<>> m_overrides;
};

// 75 s -> "1:15", 3725 s -> "1:02:05", 85.5 % -> "85.5%", 12 -> "12".
// Durations are truncated to whole seconds; negative ones keep their sign.
std::string format_metric_value(double value, MetricUnit unit);

}  // namespace rtwatch
