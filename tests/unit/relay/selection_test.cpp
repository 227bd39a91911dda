// A viewer's query parameters: each mirrors an option and is refused with
// the parameter named, as the option would be.
#include <catch2/catch.hpp>

#include "selection.hpp"

using namespace rtwatch;

namespace {

std::optional<relay::ViewerSelection> parse(std::string_view query, relay::SelectionError& error,
                                            const app::Config& config = {}) {
    return relay::parse_selection(query, config, error);
}

}  // namespace

TEST_CASE("relay selection: repeated and comma ids, fields, where, throttle, levelsOnly", "[relay]") {
    relay::SelectionError e;
    auto s = parse(
        "queueId=q1,q2&queueId=q3&skillId=s%2D1&fields=waiting&where=waiting%20%3E%205&throttle=2s&levelsOnly", e);
    REQUIRE(s);
    CHECK(s->queues == std::vector<std::string>{"q1", "q2", "q3"});
    CHECK(s->skills == std::vector<std::string>{"s-1"});
    CHECK(s->fields == std::vector<std::string>{"waiting"});
    CHECK(s->where == "waiting > 5");
    CHECK(s->throttle == Millis(2000));
    CHECK(s->levels_only);
    CHECK(s->staged());
    CHECK(s->wants(ResourceKind::queue, "q2"));
    CHECK_FALSE(s->wants(ResourceKind::queue, "q9"));
    CHECK_FALSE(s->wants(ResourceKind::agent, "a1"));
}

TEST_CASE("relay selection: no parameters select everything and need no stages", "[relay]") {
    relay::SelectionError e;
    auto s = parse("", e);
    REQUIRE(s);
    CHECK_FALSE(s->staged());
    CHECK(s->wants(ResourceKind::agent, "anyone"));
}

TEST_CASE("relay selection: a bad value names its parameter", "[relay]") {
    for (auto [query, parameter] : {std::pair{"nope=1", "nope"},
                                    {"agentId=", "agentId"},
                                    {"where=%3E%3E", "where"},
                                    {"throttle=-1x", "throttle"},
                                    {"levelsOnly=2", "levelsOnly"},
                                    {"fields=a,,b", "fields"}}) {
        relay::SelectionError e;
        INFO(query);
        CHECK_FALSE(parse(query, e));
        CHECK(e.parameter == parameter);
        CHECK(e.message.find(parameter) != std::string::npos);
    }
}

TEST_CASE("relay selection: a throttle past the longest duration is refused, not wrapped", "[relay]") {
    relay::SelectionError e;
    auto longest = parse("throttle=720h", e);
    REQUIRE(longest);
    CHECK(longest->throttle == k_max_duration);
    CHECK_FALSE(parse("throttle=3000000h", e));
    CHECK(e.parameter == "throttle");
    CHECK_THAT(e.message, Catch::Contains("longer than 720h"));
}

TEST_CASE("relay selection: fields must be among the relay's own --fields", "[relay]") {
    app::Config config;
    config.fields = {"waiting", "availableAgents"};
    relay::SelectionError e;
    CHECK(parse("fields=waiting", e, config));
    CHECK_FALSE(parse("fields=talkTime", e, config));
    CHECK(e.parameter == "fields");
    CHECK(e.message.find("talkTime") != std::string::npos);
}
