// RFC 3339 UTC timestamps with milliseconds, as the output contract shows:
// 2026-11-27T14:30:00.412Z.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "rtwatch/core/clock.hpp"

namespace rtwatch {

void append_rfc3339_ms(std::string& out, WallTime t);
std::string format_rfc3339_ms(WallTime t);
// A UTC calendar time; nullopt when a field is out of range or the year is
// outside 1900..2200 (WallTime counts nanoseconds in 64 bits).
std::optional<WallTime> utc_time(int year, int month, int day, int hour, int minute, int second);
// Parses RFC 3339 ("2026-11-27T14:30:00Z", fractional seconds, offsets).
std::optional<WallTime> parse_rfc3339(std::string_view text);

}  // namespace rtwatch
