// Parses and prints human durations for options like --throttle 250ms.
#include "rtwatch/core/duration.hpp"

#include <charconv>
#include <cmath>

#include <fmt/format.h>

namespace rtwatch {

Result<Millis> parse_duration(std::string_view text) {
    auto bad = [&](std::string_view why) {
        return make_error(ExitCode::usage,
                          fmt::format("invalid duration '{}': {} (use e.g. 250ms, 5s, 1m, 1h)", text, why));
    };
    if (text.empty()) return bad("empty");
    double value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || !std::isfinite(value)) return bad("not a number");
    if (value < 0) return bad("negative");
    std::string_view unit(end, text.data() + text.size() - end);
    double ms_per_unit = 0;
    if (unit.empty() || unit == "s")
        ms_per_unit = 1000;
    else if (unit == "ms")
        ms_per_unit = 1;
    else if (unit == "m" || unit == "min")
        ms_per_unit = 60'000;
    else if (unit == "h")
        ms_per_unit = 3'600'000;
    else
        return bad(fmt::format("unknown unit '{}'", unit));
    double ms = value * ms_per_unit;
    if (ms > static_cast<double>(k_max_duration.count()))
        return bad(fmt::format("longer than {}, the most a duration may be", format_duration(k_max_duration)));
    return Millis(static_cast<long long>(std::llround(ms)));
}

std::string format_duration(Millis d) {
    auto ms = d.count();
    if (ms >= 10'000) ms = (ms + 500) / 1000 * 1000;  // beyond 10 s, milliseconds are noise
    if (ms != 0 && ms % 3'600'000 == 0) return fmt::format("{}h", ms / 3'600'000);
    if (ms != 0 && ms % 60'000 == 0) return fmt::format("{}m", ms / 60'000);
    if (ms % 1000 == 0) return fmt::format("{}s", ms / 1000);
    return fmt::format("{}ms", ms);
}

}  // namespace rtwatch
