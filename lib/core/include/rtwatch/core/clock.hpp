// Time is a parameter: pure stages take `now` rather than reading a clock,
// so tests drive them with a fake one.
#pragma once

#include <chrono>

namespace rtwatch {

using SteadyClock = std::chrono::steady_clock;
using TimePoint = SteadyClock::time_point;
using WallClock = std::chrono::system_clock;
using WallTime = WallClock::time_point;

}  // namespace rtwatch
