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
// Parses RFC 3339 ("2026-11-27T14:30:00Z", fractional seconds, offsets).
std::optional<WallTime> parse_rfc3339(std::string_view text);

}  // namespace rtwatch
