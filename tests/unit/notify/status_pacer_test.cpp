// StatusPacer on a fake clock: first status at once, then at most one a
// second, the latest held text wins, repeats are dropped.
#include <catch2/catch.hpp>

#include "rtwatch/notify/status_pacer.hpp"

using namespace std::chrono_literals;
using rtwatch::TimePoint;
using rtwatch::notify::StatusPacer;

TEST_CASE("status pacer: the first status goes at once", "[notify]") {
    StatusPacer p;
    TimePoint t0{10s};
    CHECK(p.offer("connected", t0) == "connected");
    CHECK_FALSE(p.due());
}

TEST_CASE("status pacer: within a second the latest text is held, then sent once", "[notify]") {
    StatusPacer p;
    TimePoint t0{10s};
    REQUIRE(p.offer("a", t0));
    CHECK_FALSE(p.offer("b", t0 + 100ms));
    CHECK_FALSE(p.offer("c", t0 + 200ms));
    REQUIRE(p.due());
    CHECK(*p.due() == t0 + 1s);
    CHECK_FALSE(p.take_due(t0 + 999ms));
    CHECK(p.take_due(t0 + 1s) == "c");
    CHECK_FALSE(p.due());
    CHECK_FALSE(p.take_due(t0 + 5s));
}

TEST_CASE("status pacer: after a quiet second a new text goes at once", "[notify]") {
    StatusPacer p;
    TimePoint t0{10s};
    REQUIRE(p.offer("a", t0));
    CHECK(p.offer("b", t0 + 1500ms) == "b");
    CHECK_FALSE(p.offer("c", t0 + 2s));
    CHECK(*p.due() == t0 + 2500ms);
}

TEST_CASE("status pacer: a repeat of the last text sent is dropped, and cancels a held one", "[notify]") {
    StatusPacer p;
    TimePoint t0{10s};
    REQUIRE(p.offer("a", t0));
    CHECK_FALSE(p.offer("a", t0 + 5s));
    CHECK_FALSE(p.offer("b", t0 + 5s + 10ms) == std::nullopt);
    CHECK_FALSE(p.offer("c", t0 + 5s + 20ms));
    CHECK_FALSE(p.offer("b", t0 + 5s + 30ms));  // back to what systemd shows already
    CHECK_FALSE(p.due());
}
