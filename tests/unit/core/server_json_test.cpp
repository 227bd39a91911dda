// Bounded parsing of server JSON: top-level fields, and hostile text
// (deep nesting, huge input, bad UTF-8) as an error value, never a crash.
#include <catch2/catch.hpp>

#include "rtwatch/core/server_json.hpp"

using rtwatch::JsonField;
using rtwatch::JsonLimits;
using rtwatch::parse_server_json;

TEST_CASE("server json: top-level strings, numbers and other types", "[core]") {
    auto r = parse_server_json(R"({"reason":"maintenance","retryAfterMs":30000,"ok":true,"x":null,)"
                               R"("nested":{"reason":"inner"},"list":[1,2],"half":0.5,"text":"12"})");
    REQUIRE(r);
    CHECK(r->string("reason") == "maintenance");  // the nested "reason" is not top-level
    CHECK(r->number("retryAfterMs") == 30000.0);
    CHECK(r->find("retryAfterMs")->text == "30000");
    CHECK(r->number("half") == 0.5);
    CHECK(r->find("ok")->type == JsonField::Type::boolean);
    CHECK(r->find("ok")->boolean);
    CHECK(r->find("x")->type == JsonField::Type::null);
    CHECK(r->find("nested")->type == JsonField::Type::object);
    CHECK(r->find("list")->type == JsonField::Type::array);
    CHECK_FALSE(r->string("retryAfterMs"));
    CHECK_FALSE(r->number("reason"));
    CHECK_FALSE(r->number("text"));
    CHECK(r->number_or_numeric_string("text") == 12.0);
    CHECK_FALSE(r->number_or_numeric_string("reason"));
    CHECK(r->find("absent") == nullptr);
}

TEST_CASE("server json: escapes are decoded and the last duplicate wins", "[core]") {
    auto r = parse_server_json(R"({"message":"a\nb \u00e9","code":"one","code":"two"})");
    REQUIRE(r);
    CHECK(r->string("message") == "a\nb \xC3\xA9");
    CHECK(r->string("code") == "two");
    CHECK(r->size() == 2);
}

TEST_CASE("server json: 110 kB of '[' is an error, not a stack overflow", "[core]") {
    auto r = parse_server_json(std::string(110'000, '['), JsonLimits{1 << 20, 16});
    REQUIRE_FALSE(r);
    CHECK(r.error().message == "not a JSON object");
    auto deep_in_object = parse_server_json("{\"a\":" + std::string(110'000, '['), JsonLimits{1 << 20, 16});
    REQUIRE_FALSE(deep_in_object);
    CHECK(deep_in_object.error().message == "JSON nested deeper than 16 levels");
}

TEST_CASE("server json: deep {\"a\": nesting stops at the depth limit", "[core]") {
    std::string deep;
    for (int i = 0; i < 50'000; ++i) deep += "{\"a\":";
    auto r = parse_server_json(deep, JsonLimits{1 << 20, 16});
    REQUIRE_FALSE(r);
    CHECK(r.error().message == "JSON nested deeper than 16 levels");
    std::string fits = "1";
    for (int i = 0; i < 16; ++i) fits = "{\"a\":" + fits + "}";
    CHECK(parse_server_json(fits, JsonLimits{1 << 20, 16}));
    CHECK_FALSE(parse_server_json("{\"a\":" + fits + "}", JsonLimits{1 << 20, 16}));
}

TEST_CASE("server json: text over the size cap is refused before parsing", "[core]") {
    std::string big = "{\"a\":\"" + std::string(70'000, 'x') + "\"}";
    auto r = parse_server_json(big);
    REQUIRE_FALSE(r);
    CHECK(r.error().message == "JSON text of 70008 bytes is over the 65536-byte limit");
    CHECK(parse_server_json(big, JsonLimits{100'000, 16}));
}

TEST_CASE("server json: malformed text, bad UTF-8 and non-objects are errors without the text", "[core]") {
    for (std::string_view text : {"", "not json", "{\"a\":1", "{\"a\":1} trailing", "[]", "\"tok\"", "42"}) {
        INFO(text);
        auto r = parse_server_json(text);
        REQUIRE_FALSE(r);
        CHECK_FALSE(r.error().message.empty());
        if (text.size() > 3) CHECK(r.error().message.find(text) == std::string::npos);
    }
    auto bad = parse_server_json("{\"a\":\"\xE2\x82\"}");
    REQUIRE_FALSE(bad);
    CHECK_THAT(bad.error().message, Catch::StartsWith("invalid UTF-8 at offset"));
    CHECK_THAT(parse_server_json("{\"a\":1").error().message, Catch::StartsWith("malformed JSON at offset 6"));
    CHECK(parse_server_json("[1]").error().message == "not a JSON object");
}

TEST_CASE("server json: an object with too many members is refused", "[core]") {
    std::string many = "{";
    for (int i = 0; i < 300; ++i) many += "\"k" + std::to_string(i) + "\":1,";
    many.back() = '}';
    auto r = parse_server_json(many);
    REQUIRE_FALSE(r);
    CHECK(r.error().message == "JSON object with more than 256 members");
    auto numbers = parse_server_json(R"({"big":1e300,"neg":-2.5e-3})");
    REQUIRE(numbers);
    CHECK(numbers->number("neg") == -0.0025);
    CHECK(numbers->find("big")->text == "1e300");
    CHECK(numbers->number("big") == 1e300);
}
