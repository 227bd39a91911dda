// Hosts per region, topics, and the split over channels with its limits.
#include <catch2/catch.hpp>

#include "rtwatch/genesys/plan.hpp"

using namespace rtwatch;
using namespace rtwatch::genesys;

namespace {
std::vector<std::string> ids(std::size_t n, const char* prefix) {
    std::vector<std::string> out;
    for (std::size_t i = 0; i < n; ++i) out.push_back(prefix + std::to_string(i));
    return out;
}
}  // namespace

TEST_CASE("genesys plan: the three hosts follow from the region domain", "[genesys]") {
    auto h = hosts_for_region("mypurecloud.ie");
    CHECK(h.auth_url == "https://login.mypurecloud.ie");
    CHECK(h.api_url == "https://api.mypurecloud.ie");
    CHECK(h.stream_url == "wss://streaming.mypurecloud.ie");
    CHECK(region_problem("usw2.pure.cloud").empty());
    CHECK_FALSE(region_problem("https://api.mypurecloud.com").empty());
    CHECK_FALSE(region_problem("localhost").empty());
    CHECK_FALSE(region_problem("").empty());
}

TEST_CASE("genesys plan: topics per queue and agent, each once", "[genesys]") {
    std::vector<std::string> q{"q1", "q1"}, a{"u1"};
    CHECK(topics_for(q, a) == std::vector<std::string>{"v2.analytics.queues.q1.observations", "v2.users.u1.activity"});
}

TEST_CASE("genesys plan: 1,000 topics per channel", "[genesys]") {
    auto topics = topics_for(ids(1500, "q"), ids(501, "u"));
    auto plan = plan_channels(topics);
    REQUIRE(plan);
    REQUIRE(plan->size() == 3);
    CHECK((*plan)[0].size() == 1000);
    CHECK((*plan)[1].size() == 1000);
    CHECK((*plan)[2].size() == 1);
    CHECK(plan_channels(topics_for(ids(1000, "q"), {}))->size() == 1);
    CHECK(plan_channels(std::vector<std::string>{})->empty());
}

TEST_CASE("genesys plan: exactly 20 channels' worth is accepted, one topic more is a usage error", "[genesys]") {
    CHECK(plan_channels(topics_for(ids(20000, "q"), {}))->size() == 20);
    auto over = plan_channels(topics_for(ids(20000, "q"), ids(1, "u")));
    REQUIRE_FALSE(over);
    CHECK(over.error().code == ExitCode::usage);
    CHECK(over.error().message.find("20001 topics need 21 channels") != std::string::npos);
    CHECK(over.error().message.find("allows 20 channels") != std::string::npos);
    auto big = plan_channels(topics_for(ids(25000, "q"), {}));
    REQUIRE_FALSE(big);
    CHECK(big.error().message.find("25000 topics need 25 channels of at most 1000") != std::string::npos);
}
