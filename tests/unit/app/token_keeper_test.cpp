// The token keeper on a fake clock: one request however many wait, rotation
// ahead of expiry, backoff and Retry-After on failures, and nothing after
// stop(). Exact times, no waiting on a real clock.
#include <catch2/catch.hpp>

#include <map>

#include "fake_services.hpp"
#include "token_keeper.hpp"

using namespace rtwatch;
using namespace std::chrono_literals;

namespace {

using test::FakeServices;

struct Keeper {
    app::Config config;
    FakeServices services;
    int acquired_first = 0, acquired_again = 0, rotated = 0, retrying = 0;
    std::optional<ExitCode> failed;
    std::optional<app::TokenKeeper> keeper;

    Keeper() {
        config.auth_url = "http://127.0.0.1:9";
        config.client_id = "id";
        config.client_secret = "secret";
        config.token_grace = 60s;
        config.max_backoff = 5s;
        keeper.emplace(
            config, services, [] { return 0.5; },
            app::TokenKeeper::Events{[this](bool first) { ++(first ? acquired_first : acquired_again); },
                                     [this](const std::string&) { ++retrying; }, [this] { ++rotated; },
                                     [this](ExitCode c, std::string) { failed = c; }});
    }
};

const char* k_token_300s = R"({"access_token":"tok-1","token_type":"bearer","expires_in":300})";

}  // namespace

TEST_CASE("token keeper: one request however many wait, and all of them go on with the token", "[app][token]") {
    Keeper k;
    int ran = 0;
    for (int i = 0; i < 3; ++i) k.keeper->with_token([&] { ++ran; });
    REQUIRE(k.services.requests.size() == 1);
    CHECK(k.services.requests[0].first.timeout == k.config.request_timeout);
    k.services.answer(0, 200, k_token_300s);
    CHECK(ran == 3);
    CHECK(k.acquired_first == 1);
    CHECK(k.keeper->access_token() == "tok-1");
    k.keeper->with_token([&] { ++ran; });  // held: at once, no request
    CHECK(ran == 4);
    CHECK(k.services.requests.size() == 1);
}

TEST_CASE("token keeper: rotation asks for a new token before expiry, then the source reconnects", "[app][token]") {
    Keeper k;
    k.keeper->with_token([] {});
    k.services.answer(0, 200, k_token_300s);
    const TimePoint got = k.services.clock;
    REQUIRE(k.services.timers.size() == 1);
    const TimePoint rotation = k.services.timers.begin()->first;
    CHECK(rotation > got);
    CHECK(rotation <= got + 240s);  // at least the grace before the 300 s expiry
    k.services.advance_to(rotation);
    REQUIRE(k.services.requests.size() == 2);
    CHECK(k.rotated == 0);  // not before the new token is there
    k.services.answer(1, 200, R"({"access_token":"tok-2","token_type":"bearer","expires_in":300})");
    CHECK(k.rotated == 1);
    CHECK(k.acquired_again == 1);
    CHECK(k.keeper->access_token() == "tok-2");
}

TEST_CASE("token keeper: a failing token endpoint is retried with backoff, and says so", "[app][token]") {
    Keeper k;
    int ran = 0;
    k.keeper->with_token([&] { ++ran; });
    k.services.answer(0, 500, "oops");
    CHECK(k.retrying == 1);
    REQUIRE(k.services.timers.size() == 1);
    auto delay = k.services.timers.begin()->first - k.services.clock;
    CHECK(delay == 500ms);  // full jitter 0.5 of the 1 s base
    k.services.advance_to(k.services.clock + delay);
    REQUIRE(k.services.requests.size() == 2);
    k.services.answer(1, 500, "oops");
    delay = k.services.timers.begin()->first - k.services.clock;
    CHECK(delay == 1'000ms);  // doubled
    k.services.advance_to(k.services.clock + delay);
    k.services.answer(2, 200, k_token_300s);
    CHECK(ran == 1);
}

TEST_CASE("token keeper: Retry-After is waited out, and a zero one still backs off", "[app][token]") {
    Keeper k;
    k.keeper->with_token([] {});
    k.services.answer(0, 429, "", "3");
    REQUIRE(k.services.timers.size() == 1);
    CHECK(k.services.timers.begin()->first - k.services.clock == 3s);
    k.services.advance_to(k.services.clock + 3s);
    REQUIRE(k.services.requests.size() == 2);
    k.services.answer(1, 429, "", "0");
    REQUIRE(k.services.timers.size() == 1);
    CHECK(k.services.timers.begin()->first - k.services.clock > 0ms);
}

TEST_CASE("token keeper: rejected credentials end the run; after stop() nothing happens", "[app][token]") {
    Keeper k;
    k.keeper->with_token([] {});
    k.services.answer(0, 401, R"({"error":"invalid_client"})");
    REQUIRE(k.failed);
    CHECK(*k.failed == ExitCode::auth);
    Keeper s;
    int ran = 0;
    s.keeper->with_token([&] { ++ran; });
    s.keeper->stop();
    s.services.answer(0, 200, k_token_300s);
    CHECK(ran == 0);
    CHECK(s.acquired_first == 0);
    CHECK(s.services.timers.empty());
}
