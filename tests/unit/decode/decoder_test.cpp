// Decoder: every valid shape of a `data` event, and every kind of bad one
// with the message a user will read in the log.
#include <catch2/catch.hpp>

#include <cmath>
#include <string>

#include "rtwatch/decode/decoder.hpp"

using rtwatch::MetricValue;
using rtwatch::Record;
using rtwatch::ResourceKind;
using rtwatch::decode::Decoder;

namespace {

Record decode_ok(std::string_view json) {
    Decoder decoder;
    Record record;
    auto r = decoder.decode(json, record);
    INFO(json);
    REQUIRE(r.ok());
    return record;
}

std::string decode_error(std::string_view json) {
    Decoder decoder;
    Record record;
    auto r = decoder.decode(json, record);
    INFO(json);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == rtwatch::ExitCode::failure);
    return r.error().message;
}

const MetricValue& metric(const Record& r, std::string_view name) {
    const auto* m = r.find(name);
    INFO(name);
    REQUIRE(m != nullptr);
    return m->value;
}

}  // namespace

TEST_CASE("decoder: queue event with every metric type, in wire order", "[decode]") {
    auto r = decode_ok(
        R"({"event":"data","queueId":"queue-0001","timestamp":"2026-11-27T14:30:00.123Z","metrics":)"
        R"({"waitDuration":45,"availableAgents":5,"serviceLevelPercentile":85.5,"state":"available","x":null,"flag":true}})");
    CHECK(r.kind == ResourceKind::queue);
    CHECK(r.id == "queue-0001");
    CHECK(r.source_ts == "2026-11-27T14:30:00.123Z");
    REQUIRE(r.metric_count == 6);
    const char* names[] = {"waitDuration", "availableAgents", "serviceLevelPercentile", "state", "x", "flag"};
    for (size_t i = 0; i < 6; ++i) CHECK(r.metrics[i].name == names[i]);
    CHECK(metric(r, "waitDuration").type == MetricValue::Type::number);
    CHECK(metric(r, "waitDuration").number == 45);
    CHECK(metric(r, "serviceLevelPercentile").number == 85.5);
    CHECK(metric(r, "state").type == MetricValue::Type::string);
    CHECK(metric(r, "state").text == "available");
    CHECK(metric(r, "x").type == MetricValue::Type::null);
    CHECK(metric(r, "flag").type == MetricValue::Type::boolean);
    CHECK(metric(r, "flag").boolean);
}

TEST_CASE("decoder: agent and skill events name their kind", "[decode]") {
    auto a = decode_ok(R"({"event":"data","agentId":"agent-0042","metrics":{"state":"available","flag":false}})");
    CHECK(a.kind == ResourceKind::agent);
    CHECK(a.id == "agent-0042");
    CHECK(metric(a, "flag").type == MetricValue::Type::boolean);
    CHECK_FALSE(metric(a, "flag").boolean);
    auto s = decode_ok(R"({"skillId":"skill-billing","metrics":{"waiting":2}})");
    CHECK(s.kind == ResourceKind::skill);
    CHECK(s.id == "skill-billing");
}

TEST_CASE("decoder: number text is kept exactly as received", "[decode]") {
    auto r = decode_ok(
        R"({"queueId":"q","metrics":{"a":85.5,"b":1e3,"c":-0,"d":12345678901234567890,"e":-1.25E-2,"f":0.1}})");
    CHECK(metric(r, "a").text == "85.5");
    CHECK(metric(r, "b").text == "1e3");
    CHECK(metric(r, "b").number == 1000);
    CHECK(metric(r, "c").text == "-0");
    CHECK(metric(r, "c").number == 0);
    CHECK(std::signbit(metric(r, "c").number));
    CHECK(metric(r, "d").text == "12345678901234567890");
    CHECK(metric(r, "d").number == 12345678901234567890.0);
    CHECK(metric(r, "e").text == "-1.25E-2");
    CHECK(metric(r, "e").number == -0.0125);
    CHECK(metric(r, "f").number == 0.1);
}

TEST_CASE("decoder: integers of 15 digits and longer convert exactly like from_chars", "[decode]") {
    auto r =
        decode_ok(R"({"queueId":"q","metrics":{"a":999999999999999,"b":-123456789012345,"c":9007199254740993,"d":0}})");
    CHECK(metric(r, "a").number == 999999999999999.0);
    CHECK(metric(r, "b").number == -123456789012345.0);
    CHECK(metric(r, "c").number == 9007199254740993.0);
    CHECK(metric(r, "d").number == 0);
    CHECK_FALSE(std::signbit(metric(r, "d").number));
}

TEST_CASE("decoder: a number too small for a double becomes zero", "[decode]") {
    auto r = decode_ok(R"({"queueId":"q","metrics":{"tiny":1e-400}})");
    CHECK(metric(r, "tiny").text == "1e-400");
    CHECK(metric(r, "tiny").number == 0);
}

TEST_CASE("decoder: strings are unescaped, unicode escapes included", "[decode]") {
    auto r = decode_ok(R"({"queueId":"q\"1","metrics":{"s":"a\\b\n\u00e9\ud83d\ude00","n\u0041me":"x"}})");
    CHECK(r.id == "q\"1");
    CHECK(metric(r, "s").text == "a\\b\n\xC3\xA9\xF0\x9F\x98\x80");
    CHECK(metric(r, "nAme").text == "x");
}

TEST_CASE("decoder: unknown top-level fields are ignored, nested ones included", "[decode]") {
    auto r = decode_ok(
        R"({"extra":{"deep":[1,{"metrics":5}],"queueId":7},"queueId":"q","more":[[]],"metrics":{"m":1},"z":"s"})");
    CHECK(r.id == "q");
    REQUIRE(r.metric_count == 1);
    CHECK(r.metrics[0].name == "m");
}

TEST_CASE("decoder: a missing or null timestamp gives an empty source_ts", "[decode]") {
    CHECK(decode_ok(R"({"queueId":"q","metrics":{}})").source_ts.empty());
    CHECK(decode_ok(R"({"queueId":"q","timestamp":null,"metrics":{}})").source_ts.empty());
}

TEST_CASE("decoder: missing or empty metrics give a record without metrics", "[decode]") {
    CHECK(decode_ok(R"({"queueId":"q"})").metric_count == 0);
    CHECK(decode_ok(R"({"queueId":"q","metrics":{}})").metric_count == 0);
}

TEST_CASE("decoder: whitespace around and inside the object is fine", "[decode]") {
    auto r = decode_ok(" \n{ \"queueId\" : \"q\" ,\t\"metrics\" : { \"a\" : 1 } }\r\n ");
    CHECK(metric(r, "a").text == "1");
}

TEST_CASE("decoder: reusing the record leaves nothing from the previous event", "[decode]") {
    Decoder decoder;
    Record record;
    REQUIRE(decoder.decode(R"({"queueId":"q","timestamp":"t","metrics":{"a":1,"b":"x","c":true}})", record).ok());
    REQUIRE(decoder.decode(R"({"agentId":"a","metrics":{"z":2}})", record).ok());
    CHECK(record.kind == ResourceKind::agent);
    CHECK(record.id == "a");
    CHECK(record.source_ts.empty());
    REQUIRE(record.metric_count == 1);
    CHECK(record.metrics[0].name == "z");
    CHECK(record.find("a") == nullptr);
}

TEST_CASE("decoder: the input view is not modified (parsing works on a copy)", "[decode]") {
    std::string json = R"({"queueId":"q","metrics":{"s":"a\"b"}})";
    std::string copy = json;
    decode_ok(json);
    CHECK(json == copy);
}

TEST_CASE("decoder: malformed JSON names the offset and the reason", "[decode]") {
    CHECK(decode_error(R"({"queueId":"q",})") == "malformed JSON at offset 15: Missing a name for object member.");
    CHECK(decode_error(R"({"queueId":"q")") ==
          "malformed JSON at offset 14: Missing a comma or '}' after an object member.");
    CHECK(decode_error(R"({"queueId":"q"} x)") ==
          "malformed JSON at offset 16: The document root must not be followed by other values.");
    CHECK(decode_error("   ") == "malformed JSON at offset 3: The document is empty.");
    CHECK(decode_error(R"({"queueId":"q","metrics":{"a":01}})") ==
          "malformed JSON at offset 31: Missing a comma or '}' after an object member.");
}

TEST_CASE("decoder: invalid UTF-8 in a string is rejected with its offset", "[decode]") {
    CHECK(decode_error("{\"queueId\":\"q\xff\"}") == "invalid UTF-8 in a string at offset 13");
    CHECK(decode_error("{\"queueId\":\"q\",\"metrics\":{\"s\":\"\xc3\"}}") == "invalid UTF-8 in a string at offset 31");
}

TEST_CASE("decoder: a multi-byte UTF-8 lead byte at the very end is rejected without reading past it", "[decode]") {
    // Short inputs live in the string's inline buffer, longer ones on the heap:
    // both must stop at the end of the data.
    CHECK(decode_error("{\"queueId\":\"q\xF4") == "invalid UTF-8 in a string at offset 13");
    CHECK(decode_error("\"\xE4") == "invalid UTF-8 in a string at offset 1");
    std::string longer = "{\"queueId\":\"" + std::string(100, 'q') + "\xF4";
    CHECK(decode_error(longer) == "invalid UTF-8 in a string at offset 112");
}

TEST_CASE("decoder: a lone UTF-16 surrogate escape is rejected as invalid UTF-8", "[decode]") {
    CHECK(decode_error(R"({"queueId":"q","metrics":{"e":"x\ude00"}})") ==
          "invalid UTF-8 in a string: \\u escape of a lone UTF-16 surrogate");
    CHECK(decode_error(R"({"queueId":"q\udbff"})") ==
          "malformed JSON at offset 13: The surrogate pair in string is invalid.");
    CHECK(decode_error(R"({"queueId":"q","metrics":{"\udc00":1}})") ==
          "invalid UTF-8 in a string: \\u escape of a lone UTF-16 surrogate");
    auto ok = decode_ok(R"({"queueId":"q\ud83d\ude00\u00e9\u20ac"})");
    CHECK(ok.id == "q\xF0\x9F\x98\x80\xC3\xA9\xE2\x82\xAC");
}

TEST_CASE("decoder: a root that is not an object is rejected", "[decode]") {
    CHECK(decode_error("[1,2]") == "not a JSON object");
    CHECK(decode_error("\"queueId\"") == "not a JSON object");
    CHECK(decode_error("42") == "not a JSON object");
    CHECK(decode_error("null") == "not a JSON object");
}

TEST_CASE("decoder: an event without a resource id is rejected", "[decode]") {
    CHECK(decode_error(R"({"metrics":{"a":1}})") == "no queueId, agentId or skillId");
    CHECK(decode_error("{}") == "no queueId, agentId or skillId");
}

TEST_CASE("decoder: an event naming several resources is rejected", "[decode]") {
    CHECK(decode_error(R"({"queueId":"q","agentId":"a","metrics":{}})") == "more than one of queueId/agentId/skillId");
    CHECK(decode_error(R"({"skillId":"s","skillId":"t"})") == "more than one of queueId/agentId/skillId");
}

TEST_CASE("decoder: resource ids must be non-empty strings", "[decode]") {
    CHECK(decode_error(R"({"queueId":7})") == "queueId is not a string");
    CHECK(decode_error(R"({"agentId":{"id":"a"}})") == "agentId is not a string");
    CHECK(decode_error(R"({"skillId":""})") == "skillId is empty");
}

TEST_CASE("decoder: metrics that are not an object are rejected", "[decode]") {
    CHECK(decode_error(R"({"queueId":"q","metrics":[1]})") == "metrics is not an object");
    CHECK(decode_error(R"({"queueId":"q","metrics":"a"})") == "metrics is not an object");
    CHECK(decode_error(R"({"queueId":"q","metrics":null})") == "metrics is not an object");
}

TEST_CASE("decoder: a metric that is an object or an array is rejected by name", "[decode]") {
    CHECK(decode_error(R"({"queueId":"q","metrics":{"a":1,"x":{"y":1}}})") ==
          "metric 'x' is an object (only numbers, strings, booleans and null are metric values)");
    CHECK(decode_error(R"({"queueId":"q","metrics":{"arr":[1]}})") ==
          "metric 'arr' is an array (only numbers, strings, booleans and null are metric values)");
}

TEST_CASE("decoder: an event field other than \"data\" is rejected", "[decode]") {
    CHECK(decode_error(R"({"event":"reconnect","queueId":"q"})") == R"("event" is "reconnect", expected "data")");
    CHECK(decode_error(R"({"event":1,"queueId":"q"})") == "event is not a string");
}

TEST_CASE("decoder: a timestamp that is not a string is rejected", "[decode]") {
    CHECK(decode_error(R"({"queueId":"q","timestamp":1700000000})") == "timestamp is not a string");
}

TEST_CASE("decoder: empty data and NUL bytes are rejected", "[decode]") {
    CHECK(decode_error("") == "empty data");
    CHECK(decode_error(std::string_view("{\"queueId\":\"q\"}\0garbage", 24)) == "NUL byte at offset 15");
}

TEST_CASE("decoder: deep nesting is rejected without exhausting the stack", "[decode]") {
    std::string deep = R"({"queueId":"q","x":)" + std::string(100000, '[') + std::string(100000, ']') + "}";
    CHECK(decode_error(deep) == "JSON nested deeper than 32 levels");
}

TEST_CASE("decoder: every truncation of a valid event is an error, never a crash", "[decode]") {
    std::string json = R"({"event":"data","queueId":"queue-0001","timestamp":"2026-11-27T14:30:00.123Z",)"
                       R"("metrics":{"a":45,"b":85.5,"c":"x\u00e9","d":null,"e":true}})";
    Decoder decoder;
    Record record;
    for (size_t n = 0; n < json.size(); ++n) {
        INFO(n);
        CHECK_FALSE(decoder.decode(std::string_view(json).substr(0, n), record).ok());
    }
    CHECK(decoder.decode(json, record).ok());
}

TEST_CASE("decoder: 110 kB of '[' and deep {\"a\": nesting are errors on both paths", "[decode]") {
    std::string brackets(110'000, '[');
    std::string objects;
    for (int i = 0; i < 30'000; ++i) objects += "{\"a\":";
    std::string in_metrics = R"({"queueId":"q","metrics":{"m":)" + brackets;
    std::string in_unknown = R"({"queueId":"q","x":)" + objects;
    CHECK(decode_error(brackets) == "not a JSON object");
    CHECK(decode_error(objects) == "JSON nested deeper than 32 levels");
    CHECK(decode_error(in_metrics) ==
          "metric 'm' is an array (only numbers, strings, booleans and null are metric values)");
    CHECK(decode_error(in_unknown) == "JSON nested deeper than 32 levels");
    Decoder decoder;
    Record record;
    for (const auto* json : {&brackets, &objects, &in_metrics, &in_unknown}) {
        CHECK_FALSE(Decoder::decode_fast(*json, record));
        CHECK_FALSE(decoder.decode_reference(*json, record).ok());
    }
}
