// Metric units: the default table, --unit parsing and the screen formats.
#include "rtwatch/core/metric_units.hpp"

#include <array>
#include <cmath>
#include <utility>

#include <fmt/format.h>

namespace rtwatch {

namespace {

constexpr std::array<std::pair<std::string_view, MetricUnit>, 16> k_known{{
    {"waitDuration", MetricUnit::seconds},
    {"talkTime", MetricUnit::seconds},
    {"handleTime", MetricUnit::seconds},
    {"holdTime", MetricUnit::seconds},
    {"wrapupTime", MetricUnit::seconds},
    {"longestWait", MetricUnit::seconds},
    {"serviceLevelPercentile", MetricUnit::percent},
    {"serviceLevelPercentage", MetricUnit::percent},
    {"serviceLevel", MetricUnit::percent},
    {"abandonRate", MetricUnit::percent},
    {"oServiceLevel", MetricUnit::percent},
    {"waiting", MetricUnit::count},
    {"availableAgents", MetricUnit::count},
    {"totalAgents", MetricUnit::count},
    {"answered", MetricUnit::count},
    {"abandoned", MetricUnit::count},
}};

bool upper(char c) { return c >= 'A' && c <= 'Z'; }

// Genesys' naming: oX observations and nX counts are counts, tX durations in ms.
MetricUnit genesys_unit(std::string_view name) {
    if (name.size() < 2 || !upper(name[1])) return MetricUnit::none;
    if (name[0] == 'o' || name[0] == 'n') return MetricUnit::count;
    if (name[0] == 't') return MetricUnit::millis;
    return MetricUnit::none;
}

std::string clock_text(double seconds) {
    const bool negative = seconds < 0;
    auto total = static_cast<long long>(std::trunc(std::fabs(seconds)));
    const long long h = total / 3600, m = total / 60 % 60, s = total % 60;
    std::string out = negative && total > 0 ? "-" : "";
    if (h > 0) return out + fmt::format("{}:{:02}:{:02}", h, m, s);
    return out + fmt::format("{}:{:02}", m, s);
}

// Up to `places` decimals, without trailing zeros: 85.5, 100, 0.25.
std::string plain_number(double value, int places) {
    std::string out = fmt::format("{:.{}f}", value, places);
    if (out.find('.') != std::string::npos) {
        while (out.back() == '0') out.pop_back();
        if (out.back() == '.') out.pop_back();
    }
    return out == "-0" ? "0" : out;
}

}  // namespace

std::string_view unit_name(MetricUnit unit) {
    switch (unit) {
        case MetricUnit::seconds:
            return "s";
        case MetricUnit::millis:
            return "ms";
        case MetricUnit::percent:
            return "%";
        case MetricUnit::count:
            return "count";
        case MetricUnit::none:
            break;
    }
    return "";
}

std::optional<MetricUnit> parse_unit_name(std::string_view text) {
    for (auto unit : {MetricUnit::seconds, MetricUnit::millis, MetricUnit::percent, MetricUnit::count})
        if (text == unit_name(unit)) return unit;
    return std::nullopt;
}

MetricUnit default_unit(std::string_view metric) {
    auto base = metric.substr(0, metric.find('.'));
    for (const auto& [name, unit] : k_known)
        if (name == base) return unit;
    return genesys_unit(base);
}

Result<UnitOption> parse_unit_option(std::string_view text) {
    auto eq = text.find('=');
    if (eq == std::string_view::npos || eq == 0)
        return make_error(ExitCode::usage, fmt::format("--unit '{}' is not METRIC=UNIT; write it as e.g. "
                                                       "--unit tHandle=ms (units: s, ms, %, count)",
                                                       text));
    auto unit = parse_unit_name(text.substr(eq + 1));
    if (!unit)
        return make_error(ExitCode::usage, fmt::format("--unit '{}': unknown unit '{}'; use one of s, ms, %, count",
                                                       text, text.substr(eq + 1)));
    return UnitOption{std::string(text.substr(0, eq)), *unit};
}

MetricUnits::MetricUnits(const std::vector<UnitOption>& options) {
    for (const auto& o : options) m_overrides[o.metric] = o.unit;
}

MetricUnit MetricUnits::unit_of(std::string_view metric) const {
    if (auto it = m_overrides.find(metric); it != m_overrides.end()) return it->second;
    return default_unit(metric);
}

std::string format_metric_value(double value, MetricUnit unit) {
    if (!std::isfinite(value)) return plain_number(value, 0);
    switch (unit) {
        case MetricUnit::seconds:
            return clock_text(value);
        case MetricUnit::millis:
            return clock_text(value / 1000);
        case MetricUnit::percent:
            return plain_number(value, 1) + "%";
        case MetricUnit::count:
            return plain_number(value, 2);
        case MetricUnit::none:
            break;
    }
    return plain_number(value, 3);
}

}  // namespace rtwatch
