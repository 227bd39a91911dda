// Which status changes run a hook, on a fake clock: an outage is one alert
// at its start, one at its end (once the connection has held), whatever the
// number of attempts in between.
#include <catch2/catch.hpp>

#include "status_alerts.hpp"

using namespace rtwatch;
using namespace std::chrono_literals;
using app::UpstreamStatus;

namespace {

const TimePoint t0{};

TimePoint at(Millis ms) { return t0 + ms; }

}  // namespace

TEST_CASE("status alerts: an upstream that refuses for 30 s alerts once, and once when it is back", "[app][hooks]") {
    app::StatusAlerts alerts;
    CHECK_FALSE(alerts.on_status(UpstreamStatus::token_acquired, "", at(0ms)));
    // The attempts of a capped exponential backoff: 0.5, 1, 2, 4, 5, 5 ... s apart.
    std::vector<Millis> attempts;
    Millis t{0}, wait{500};
    while (t < 30'000ms) {
        attempts.push_back(t);
        t += wait;
        wait = std::min<Millis>(wait * 2, 5'000ms);
    }
    REQUIRE(attempts.size() == 9);
    auto first = alerts.on_status(UpstreamStatus::reconnecting, "connection refused", at(attempts[0]));
    REQUIRE(first);
    CHECK(first->status == UpstreamStatus::reconnecting);
    CHECK(first->message == "connection refused");
    CHECK(first->attempts == 1);
    CHECK(first->down_for == 0ms);
    for (size_t i = 1; i < attempts.size(); ++i)
        CHECK_FALSE(alerts.on_status(UpstreamStatus::reconnecting, "connection refused", at(attempts[i])));
    CHECK_FALSE(alerts.on_status(UpstreamStatus::token_acquired, "", at(31'000ms)));
    CHECK_FALSE(alerts.on_status(UpstreamStatus::connected, "", at(31'000ms)));
    REQUIRE(alerts.due() == at(41'000ms));
    CHECK_FALSE(alerts.on_due(at(40'999ms)));
    auto back = alerts.on_due(at(41'000ms));
    REQUIRE(back);
    CHECK(back->status == UpstreamStatus::connected);
    CHECK(back->attempts == 9);
    CHECK(back->down_for == 31'000ms);
    CHECK(back->message == "recovered after 9 failed attempts in 31s");
    CHECK_FALSE(alerts.on_due(at(50'000ms)));
    CHECK_FALSE(alerts.in_outage());
    // The next outage is news again.
    auto next = alerts.on_status(UpstreamStatus::reconnecting, "reset", at(60'000ms));
    REQUIRE(next);
    CHECK(next->attempts == 1);
}

TEST_CASE("status alerts: the first connection and token statuses run nothing", "[app][hooks]") {
    app::StatusAlerts alerts;
    CHECK_FALSE(alerts.on_status(UpstreamStatus::token_acquired, "", at(0ms)));
    CHECK_FALSE(alerts.on_status(UpstreamStatus::connected, "", at(10ms)));
    CHECK_FALSE(alerts.due());
    CHECK_FALSE(alerts.on_status(UpstreamStatus::token_refreshed, "", at(60'000ms)));
    CHECK_FALSE(alerts.on_due(at(100'000ms)));
}

TEST_CASE("status alerts: a connection that merely opens does not end the outage", "[app][hooks]") {
    app::StatusAlerts alerts(10'000ms);
    REQUIRE(alerts.on_status(UpstreamStatus::reconnecting, "refused", at(0ms)));
    // Accepted, then closed within the hold, five times over.
    for (int i = 1; i <= 5; ++i) {
        CHECK_FALSE(alerts.on_status(UpstreamStatus::connected, "", at(Millis(i * 3'000))));
        CHECK_FALSE(alerts.on_status(UpstreamStatus::reconnecting, "closed", at(Millis(i * 3'000 + 9'999))));
        CHECK_FALSE(alerts.due());
        CHECK_FALSE(alerts.on_due(at(Millis(i * 3'000 + 10'000))));
    }
    CHECK(alerts.in_outage());
    CHECK_FALSE(alerts.on_status(UpstreamStatus::connected, "resumed", at(100'000ms)));
    auto back = alerts.on_due(at(110'000ms));
    REQUIRE(back);
    CHECK(back->attempts == 6);
    CHECK(back->down_for == 100'000ms);
    CHECK(back->message == "recovered after 6 failed attempts in 100s; resumed");
}

TEST_CASE("status alerts: stale begins an outage, and the reconnect after it is the same one", "[app][hooks]") {
    app::StatusAlerts alerts;
    CHECK_FALSE(alerts.on_status(UpstreamStatus::connected, "", at(0ms)));
    auto stale = alerts.on_status(UpstreamStatus::stale, "no data or heartbeat for 30s", at(40'000ms));
    REQUIRE(stale);
    CHECK(stale->status == UpstreamStatus::stale);
    CHECK(stale->attempts == 0);
    CHECK_FALSE(alerts.on_status(UpstreamStatus::reconnecting, "idle", at(40'000ms)));
    CHECK_FALSE(alerts.on_status(UpstreamStatus::stale, "again", at(45'000ms)));
}

TEST_CASE("status alerts: giving up and stopping always run, with the outage's numbers", "[app][hooks]") {
    app::StatusAlerts alerts;
    REQUIRE(alerts.on_status(UpstreamStatus::reconnecting, "401", at(0ms)));
    CHECK_FALSE(alerts.on_status(UpstreamStatus::reconnecting, "401", at(1'000ms)));
    auto gave_up = alerts.on_status(UpstreamStatus::gave_up, "credentials refused", at(2'500ms));
    REQUIRE(gave_up);
    CHECK(gave_up->status == UpstreamStatus::gave_up);
    CHECK(gave_up->attempts == 2);
    CHECK(gave_up->down_for == 2'500ms);

    app::StatusAlerts quiet;
    CHECK_FALSE(quiet.on_status(UpstreamStatus::connected, "", at(0ms)));
    auto stopped = quiet.on_status(UpstreamStatus::stopped, "SIGTERM", at(5'000ms));
    REQUIRE(stopped);
    CHECK(stopped->attempts == 0);
    CHECK(stopped->down_for == 0ms);
}
