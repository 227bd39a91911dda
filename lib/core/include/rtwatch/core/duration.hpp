// Durations as users type them: "250ms", "5s", "1m", "1.5s", "2h", "0".
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "rtwatch/core/result.hpp"

namespace rtwatch {

using Millis = std::chrono::milliseconds;

// The longest duration anything takes: 30 days. Far below what the clocks'
// nanosecond arithmetic can add to `now` (292 years), so no deadline wraps.
inline constexpr Millis k_max_duration{720LL * 3'600'000};

// A bare number is seconds. Negative values, unknown units and more than
// k_max_duration are errors.
Result<Millis> parse_duration(std::string_view text);
std::string format_duration(Millis d);

}  // namespace rtwatch
