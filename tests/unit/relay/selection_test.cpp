// A viewer's query parameters: each mirrors an option and is refused with
// the parameter named, as the option would be.
#include <catch2/catch.hpp>

#include "rtwatch/filter/filter.hpp"
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

// 300 viewers with 800-term expressions once held the relay at 100% CPU.
TEST_CASE("relay selection: a viewer's where is capped in bytes, comparisons and depth, naming the cap", "[relay]") {
    relay::SelectionError e;
    auto terms = [](int n) {
        std::string w = "a%3E1";
        for (int i = 1; i < n; ++i) w += "%20or%20a%3E" + std::to_string(i);
        return w;
    };
    CHECK(parse("where=" + terms(32), e));
    CHECK_FALSE(parse("where=" + terms(33), e));
    CHECK(e.parameter == "where");
    CHECK(e.message == "where: 33 comparisons; a viewer's expression may have at most 32");

    auto nested = [](int n) {
        std::string w;
        for (int i = 0; i < n; ++i) w += "not%20";
        return w + "a%3E1";
    };
    CHECK(parse("where=" + nested(7), e));
    CHECK_FALSE(parse("where=" + nested(8), e));
    CHECK(e.message == "where: nested 9 deep; a viewer's expression may nest at most 8");

    CHECK_FALSE(parse("where=a%3E" + std::string(1100, '1'), e));
    CHECK(e.message == "where: 1102 bytes; a viewer's expression may have at most 1024");
}

TEST_CASE("where cost: comparisons and depth of the tree", "[filter]") {
    auto w = filter::Where::parse("a > 1 and (b < 2 or not c == 'x')");
    REQUIRE(w);
    CHECK(w->cost().comparisons == 3);
    CHECK(w->cost().depth == 4);  // and > or > not > c == 'x'
}
