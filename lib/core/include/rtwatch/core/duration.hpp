// Durations as users type them: "250ms", "5s", "1m", "1.5s", "2h", "0".
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "rtwatch/core/result.hpp"

namespace rtwatch {

using Millis = std::chrono::milliseconds;

// A bare number is seconds. Negative values and unknown units are errors.
Result<Millis> parse_duration(std::string_view text);
std::string format_duration(Millis d);

}  // namespace rtwatch
