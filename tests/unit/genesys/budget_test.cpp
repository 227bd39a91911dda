// The request budget on exact times: a burst, then an even refill; a 429
// empties it and holds everything for its Retry-After.
#include <catch2/catch.hpp>

#include "rtwatch/genesys/budget.hpp"

using namespace rtwatch;
using namespace std::chrono_literals;

namespace {
const TimePoint t0{std::chrono::seconds(100)};
}

TEST_CASE("request budget: a full burst goes at once, the next waits one refill interval", "[genesys][budget]") {
    genesys::RequestBudget b(120, 10);  // one token per 500 ms
    for (int i = 0; i < 10; ++i) {
        REQUIRE(b.wait(t0) == 0ms);
        b.take(t0);
    }
    CHECK(b.wait(t0) == 500ms);
    CHECK(b.wait(t0 + 200ms) == 300ms);
    CHECK(b.wait(t0 + 500ms) == 0ms);
    CHECK(b.spent() == 10);
}

TEST_CASE("request budget: at most per_minute plus the burst in a minute, however fast they ask", "[genesys][budget]") {
    genesys::RequestBudget b(120, 10);
    int sent = 0;
    for (auto t = t0; t < t0 + 60s; t += 10ms)
        if (b.wait(t) == 0ms) {
            b.take(t);
            ++sent;
        }
    CHECK(sent == 10 + 119);
}

TEST_CASE("request budget: refill never exceeds the burst after a quiet hour", "[genesys][budget]") {
    genesys::RequestBudget b(60, 3);
    b.wait(t0);
    int sent = 0;
    const auto later = t0 + 3600s;
    while (b.wait(later) == 0ms) {
        b.take(later);
        ++sent;
    }
    CHECK(sent == 3);
}

TEST_CASE("request budget: a 429 drains it and holds for Retry-After", "[genesys][budget]") {
    genesys::RequestBudget b(120, 10);
    b.take(t0);
    b.drain(t0, 7s);
    CHECK(b.wait(t0) == 7s);
    CHECK(b.wait(t0 + 6s) == 1s);
    CHECK(b.wait(t0 + 7s) == 0ms);
}

TEST_CASE("request budget: a 429 without Retry-After holds one refill interval", "[genesys][budget]") {
    genesys::RequestBudget b(60, 10);  // one per second
    b.drain(t0, std::nullopt);
    CHECK(b.wait(t0) == 1s);
    CHECK(b.wait(t0 + 1s) == 0ms);
}
