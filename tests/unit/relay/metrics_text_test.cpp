// The Prometheus text of a run, line by line: each family has its HELP and
// TYPE before its samples, and the values are the stats given.
#include <catch2/catch.hpp>

#include "metrics_text.hpp"

using rtwatch::relay::metrics_text;
using rtwatch::relay::RunStats;

namespace {

bool has_line(const std::string& text, const std::string& line) {
    return ("\n" + text).find("\n" + line + "\n") != std::string::npos;
}

}  // namespace

TEST_CASE("relay metrics text: accepting paused for lack of descriptors is a counter", "[relay][metrics]") {
    RunStats stats;
    stats.accept_paused = 7;
    auto text = metrics_text(stats, "1.2.3");
    auto help = text.find("# HELP rtwatch_accept_paused_total ");
    auto type = text.find("# TYPE rtwatch_accept_paused_total counter\n");
    auto sample = text.find("\nrtwatch_accept_paused_total 7\n");
    REQUIRE(help != std::string::npos);
    REQUIRE(type != std::string::npos);
    REQUIRE(sample != std::string::npos);
    CHECK(help < type);
    CHECK(type < sample);
}

TEST_CASE("relay metrics text: labelled counters and the build info", "[relay][metrics]") {
    RunStats stats;
    stats.disconnect_timeout = 2;
    stats.rejected_origin = 5;
    stats.history = 42;
    auto text = metrics_text(stats, "1.2.3 \"x\"");
    CHECK(has_line(text, "rtwatch_viewer_disconnects_total{reason=\"timeout\"} 2"));
    CHECK(has_line(text, "rtwatch_http_rejected_total{reason=\"origin\"} 5"));
    CHECK(has_line(text, "rtwatch_history_events 42"));
    CHECK(has_line(text, "rtwatch_build_info{version=\"1.2.3 \\\"x\\\"\"} 1"));
    CHECK(text.find("rtwatch_upstream_holder") == std::string::npos);  // no --broker: no lease gauge
}
