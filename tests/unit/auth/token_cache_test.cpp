// The token cache: validity, proactive refresh timing for long and short
// lifetimes, invalidation and single flight, on a fake clock.
#include <catch2/catch.hpp>

#include "rtwatch/auth/token.hpp"
#include "rtwatch/core/log.hpp"

using namespace rtwatch;
using namespace rtwatch::auth;
using namespace std::chrono;

namespace {

const TimePoint k_t0{seconds(10'000)};

Token token_for(Millis lifetime) { return Token{"tok", k_t0 + lifetime, lifetime}; }

}  // namespace

TEST_CASE("token cache: empty cache needs a refresh and is not valid", "[auth]") {
    TokenCache cache;
    CHECK_FALSE(cache.has_token());
    CHECK_FALSE(cache.valid(k_t0));
    CHECK(cache.needs_refresh(k_t0));
    CHECK_FALSE(cache.refresh_at());
    CHECK(cache.access_token().empty());
}

TEST_CASE("token cache: an hour-long token refreshes 60 s before expiry", "[auth]") {
    TokenCache cache;
    cache.store(token_for(seconds(3600)));
    REQUIRE(cache.refresh_at());
    CHECK(*cache.refresh_at() == k_t0 + seconds(3540));
    CHECK_FALSE(cache.needs_refresh(k_t0 + seconds(3539)));
    CHECK(cache.needs_refresh(k_t0 + seconds(3540)));
    CHECK(cache.valid(k_t0 + seconds(3599)));
    CHECK_FALSE(cache.valid(k_t0 + seconds(3600)));
    CHECK(cache.access_token() == "tok");
}

TEST_CASE("token cache: a 2 s token refreshes after two thirds of its life, not at once", "[auth]") {
    TokenCache cache;
    cache.store(token_for(seconds(2)));
    REQUIRE(cache.refresh_at());
    CHECK(*cache.refresh_at() == k_t0 + milliseconds(1'334));
    CHECK_FALSE(cache.needs_refresh(k_t0));
    CHECK_FALSE(cache.needs_refresh(k_t0 + milliseconds(1'333)));
    CHECK(cache.needs_refresh(k_t0 + milliseconds(1'334)));
    CHECK(cache.valid(k_t0 + milliseconds(1'999)));
}

TEST_CASE("token cache: the grace period is configurable", "[auth]") {
    TokenCache cache(seconds(300));
    cache.store(token_for(seconds(3600)));
    CHECK(*cache.refresh_at() == k_t0 + seconds(3300));
}

TEST_CASE("token cache: invalidate drops the token after a 401", "[auth]") {
    TokenCache cache;
    cache.store(token_for(seconds(3600)));
    cache.invalidate();
    CHECK_FALSE(cache.has_token());
    CHECK(cache.needs_refresh(k_t0));
    CHECK(cache.access_token().empty());
}

TEST_CASE("token cache: a newer token replaces the old one", "[auth]") {
    TokenCache cache;
    cache.store(token_for(seconds(10)));
    cache.store(Token{"tok2", k_t0 + seconds(3600), seconds(3600)});
    CHECK(cache.access_token() == "tok2");
    CHECK(*cache.refresh_at() == k_t0 + seconds(3540));
}

TEST_CASE("token cache: only one refresh is in flight at a time", "[auth]") {
    TokenCache cache;
    CHECK_FALSE(cache.refreshing());
    CHECK(cache.begin_refresh());
    CHECK(cache.refreshing());
    CHECK_FALSE(cache.begin_refresh());
    CHECK_FALSE(cache.begin_refresh());
    cache.store(token_for(seconds(3600)));
    cache.end_refresh();
    CHECK_FALSE(cache.refreshing());
    CHECK(cache.begin_refresh());
}

TEST_CASE("token cache: a stored token is masked in every later log message", "[auth]") {
    rtwatch::log::clear_secrets();
    TokenCache cache;
    cache.store(Token{"stored-access-token-123", k_t0 + seconds(60), seconds(60)});
    CHECK(rtwatch::log::sanitize("sent stored-access-token-123") == "sent ***");
    rtwatch::log::clear_secrets();
}
