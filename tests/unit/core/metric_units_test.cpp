#include <catch2/catch.hpp>

#include "rtwatch/core/metric_units.hpp"

using rtwatch::format_metric_value;
using rtwatch::MetricUnit;

TEST_CASE("metric units: the seed's metrics have their units", "[core]") {
    CHECK(rtwatch::default_unit("waitDuration") == MetricUnit::seconds);
    CHECK(rtwatch::default_unit("talkTime") == MetricUnit::seconds);
    CHECK(rtwatch::default_unit("serviceLevelPercentile") == MetricUnit::percent);
    CHECK(rtwatch::default_unit("serviceLevelPercentage") == MetricUnit::percent);
    CHECK(rtwatch::default_unit("waiting") == MetricUnit::count);
    CHECK(rtwatch::default_unit("availableAgents") == MetricUnit::count);
    CHECK(rtwatch::default_unit("answered") == MetricUnit::count);
    CHECK(rtwatch::default_unit("state") == MetricUnit::none);
    CHECK(rtwatch::default_unit("somethingElse") == MetricUnit::none);
}

TEST_CASE("metric units: Genesys o..., n... and t... names, with a media suffix", "[core]") {
    CHECK(rtwatch::default_unit("oWaiting") == MetricUnit::count);
    CHECK(rtwatch::default_unit("oInteracting.voice") == MetricUnit::count);
    CHECK(rtwatch::default_unit("oUserRoutingStatuses.IDLE") == MetricUnit::count);
    CHECK(rtwatch::default_unit("oServiceLevel") == MetricUnit::percent);
    CHECK(rtwatch::default_unit("nOffered") == MetricUnit::count);
    CHECK(rtwatch::default_unit("tWait") == MetricUnit::millis);
    CHECK(rtwatch::default_unit("tHandle.chat") == MetricUnit::millis);
    CHECK(rtwatch::default_unit("total") == MetricUnit::none);  // lower case after the t: not Genesys'
    CHECK(rtwatch::default_unit("o") == MetricUnit::none);
}

TEST_CASE("metric units: --unit METRIC=UNIT overrides the default", "[core]") {
    auto a = rtwatch::parse_unit_option("queueTime=ms");
    REQUIRE(a.ok());
    CHECK(a->metric == "queueTime");
    CHECK(a->unit == MetricUnit::millis);
    auto b = rtwatch::parse_unit_option("waiting=%");
    REQUIRE(b.ok());
    rtwatch::MetricUnits units({*a, *b});
    CHECK(units.unit_of("queueTime") == MetricUnit::millis);
    CHECK(units.unit_of("waiting") == MetricUnit::percent);
    CHECK(units.unit_of("waitDuration") == MetricUnit::seconds);
    for (auto text : {"s", "ms", "%", "count"}) CHECK(rtwatch::unit_name(*rtwatch::parse_unit_name(text)) == text);
}

TEST_CASE("metric units: a bad --unit names the cause and the fix", "[core]") {
    for (auto text : {"", "waiting", "=s", "waiting=minutes", "waiting="}) {
        auto r = rtwatch::parse_unit_option(text);
        REQUIRE_FALSE(r.ok());
        CHECK(r.error().code == rtwatch::ExitCode::usage);
        CHECK_THAT(r.error().message, Catch::Contains("s, ms, %, count"));
    }
}

TEST_CASE("metric units: durations read m:ss below an hour, h:mm:ss above", "[core]") {
    CHECK(format_metric_value(0, MetricUnit::seconds) == "0:00");
    CHECK(format_metric_value(9, MetricUnit::seconds) == "0:09");
    CHECK(format_metric_value(75, MetricUnit::seconds) == "1:15");
    CHECK(format_metric_value(59.9, MetricUnit::seconds) == "0:59");
    CHECK(format_metric_value(3599, MetricUnit::seconds) == "59:59");
    CHECK(format_metric_value(3600, MetricUnit::seconds) == "1:00:00");
    CHECK(format_metric_value(3725, MetricUnit::seconds) == "1:02:05");
    CHECK(format_metric_value(90061, MetricUnit::seconds) == "25:01:01");
    CHECK(format_metric_value(-75, MetricUnit::seconds) == "-1:15");
    CHECK(format_metric_value(75'999, MetricUnit::millis) == "1:15");
    CHECK(format_metric_value(999, MetricUnit::millis) == "0:00");
}

TEST_CASE("metric units: percentages with %, counts and the rest plain", "[core]") {
    CHECK(format_metric_value(85.5, MetricUnit::percent) == "85.5%");
    CHECK(format_metric_value(100, MetricUnit::percent) == "100%");
    CHECK(format_metric_value(0, MetricUnit::percent) == "0%");
    CHECK(format_metric_value(33.333, MetricUnit::percent) == "33.3%");
    CHECK(format_metric_value(12, MetricUnit::count) == "12");
    CHECK(format_metric_value(2.5, MetricUnit::count) == "2.5");
    CHECK(format_metric_value(15273, MetricUnit::none) == "15273");
    CHECK(format_metric_value(-0.0, MetricUnit::count) == "0");
}
