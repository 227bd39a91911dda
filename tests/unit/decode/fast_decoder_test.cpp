// The decoder's fast path: which inputs it takes, which it leaves to the
// RapidJSON reference, and that it gives the reference's Record when it
// takes one.
#include <catch2/catch.hpp>

#include <cstdint>
#include <cstdlib>
#include <string>

#include "rtwatch/decode/decoder.hpp"

using rtwatch::MetricValue;
using rtwatch::Record;
using rtwatch::decode::Decoder;

namespace {

void require_same(const Record& a, const Record& b) {
    CHECK(a.kind == b.kind);
    CHECK(a.id == b.id);
    CHECK(a.source_ts == b.source_ts);
    REQUIRE(a.metric_count == b.metric_count);
    for (size_t i = 0; i < a.metric_count; ++i) {
        CHECK(a.metrics[i].name == b.metrics[i].name);
        CHECK(a.metrics[i].value == b.metrics[i].value);
    }
}

// The fast path takes `json` and agrees with the reference.
void require_fast(std::string_view json) {
    INFO(json);
    Record fast, reference;
    REQUIRE(Decoder::decode_fast(json, fast));
    Decoder decoder;
    REQUIRE(decoder.decode_reference(json, reference).ok());
    require_same(fast, reference);
}

// The fast path declines `json`; decode() still answers like the reference.
void require_fallback(std::string_view json) {
    INFO(json);
    Record record;
    CHECK_FALSE(Decoder::decode_fast(json, record));
    Decoder decoder;
    Record via_decode, reference;
    auto got = decoder.decode(json, via_decode);
    auto expected = decoder.decode_reference(json, reference);
    REQUIRE(got.ok() == expected.ok());
    if (got.ok())
        require_same(via_decode, reference);
    else
        CHECK(got.error().message == expected.error().message);
}

}  // namespace

TEST_CASE("fast decoder takes the simulator's event shape and matches the reference") {
    require_fast(R"({"event":"data","queueId":"queue-0001","timestamp":"2026-11-27T14:30:00.123Z",)"
                 R"("metrics":{"waitDuration":45,"availableAgents":5,"serviceLevelPercentile":85.5,)"
                 R"("state":"available","paused":false,"online":true,"note":null,"delta":-3}})");
}

TEST_CASE("fast decoder takes whitespace, unknown scalar fields, a null timestamp and empty metrics") {
    require_fast(" \r\n\t{ \"agentId\" : \"a\" , \"extra\" : 1.25 , \"flag\" : true , \"metrics\" : { } }\n ");
    require_fast(R"({"skillId":"s","timestamp":null,"other":"x","nothing":null})");
    require_fast(R"({"queueId":"q"})");
}

TEST_CASE("fast decoder takes valid UTF-8 text and keeps it byte for byte") {
    require_fast("{\"queueId\":\"caf\xC3\xA9\",\"metrics\":{\"\xE2\x82\xAC\":\"\xF0\x9F\x98\x80 ok\"}}");
}

TEST_CASE("fast decoder keeps number text and value, including zero, negatives and fractions") {
    Record r;
    REQUIRE(Decoder::decode_fast(R"({"queueId":"q","metrics":{"a":0,"b":-0.5,"c":123456789012345}})", r));
    REQUIRE(r.metric_count == 3);
    CHECK(r.metrics[1].value.type == MetricValue::Type::number);
    CHECK(r.metrics[1].value.text == "-0.5");
    CHECK(r.metrics[1].value.number == -0.5);
    CHECK(r.metrics[2].value.number == 123456789012345.0);
}

TEST_CASE("fast decoder keeps a repeated metric name twice, as the reference does") {
    require_fast(R"({"queueId":"q","metrics":{"a":1,"a":2}})");
}

TEST_CASE("fast decoder leaves escapes in strings to the reference") {
    require_fallback(R"({"queueId":"q","metrics":{"a":"x\"y"}})");
    require_fallback(R"({"queueId":"q\u0041"})");
    require_fallback(R"({"queueId":"q","metrics":{"a":"\udc00"}})");
}

TEST_CASE("fast decoder leaves exponents and long numbers to the reference") {
    require_fallback(R"({"queueId":"q","metrics":{"a":1e3}})");
    require_fallback(R"({"queueId":"q","metrics":{"a":1e999}})");
    require_fallback(R"({"queueId":"q","metrics":{"a":123456789012345678901234567890}})");
}

TEST_CASE("fast decoder leaves malformed numbers and literals to the reference, which rejects them") {
    for (const char* bad : {"01", "1.", "-", ".5", "+1", "tru", "nulll", "True"}) {
        std::string json = std::string(R"({"queueId":"q","metrics":{"a":)") + bad + "}}";
        require_fallback(json);
    }
}

TEST_CASE("fast decoder leaves nesting beyond metrics and arrays to the reference") {
    require_fallback(R"({"queueId":"q","extra":{"deep":[1,2]},"metrics":{"a":1}})");
    require_fallback(R"({"queueId":"q","extra":[1]})");
    require_fallback(R"({"queueId":"q","metrics":{"a":[1]}})");
    require_fallback(R"({"queueId":"q","metrics":{"a":{"b":1}}})");
    require_fallback(R"([{"queueId":"q"}])");
}

TEST_CASE("fast decoder leaves repeated top-level fields to the reference") {
    require_fallback(R"({"queueId":"q","queueId":"r"})");
    require_fallback(R"({"queueId":"q","agentId":"a"})");
    require_fallback(R"({"queueId":"q","metrics":{"a":1},"metrics":{"b":2}})");
    require_fallback(R"({"queueId":"q","timestamp":"a","timestamp":"b"})");
    require_fallback(R"({"queueId":"q","event":"data","event":"data"})");
}

TEST_CASE("fast decoder leaves wrong field types and values to the reference") {
    require_fallback(R"({"queueId":"q","event":"heartbeat"})");
    require_fallback(R"({"queueId":"q","event":null})");
    require_fallback(R"({"queueId":""})");
    require_fallback(R"({"queueId":7})");
    require_fallback(R"({"queueId":"q","timestamp":5})");
    require_fallback(R"({"queueId":"q","metrics":null})");
    require_fallback(R"({"metrics":{"a":1}})");
}

TEST_CASE("fast decoder leaves control bytes, NUL and invalid UTF-8 to the reference") {
    require_fallback("{\"queueId\":\"q\",\"metrics\":{\"a\":\"tab\there\"}}");
    require_fallback(std::string("{\"queueId\":\"q\0\"}", 16));
    require_fallback("{\"queueId\":\"q\",\"metrics\":{\"a\":\"\xC0\xAF\"}}");
    require_fallback("{\"queueId\":\"q\",\"metrics\":{\"a\":\"\xED\xA0\x80\"}}");
    require_fallback("{\"queueId\":\"q\",\"metrics\":{\"a\":\"\xE2\x82\"}}");
}

TEST_CASE("fast decoder leaves truncated input, trailing bytes and trailing commas to the reference") {
    require_fallback(R"({"queueId":"q","metrics":{"a":1})");
    require_fallback(R"({"queueId":"q","metrics":{"a":1}} x)");
    require_fallback(R"({"queueId":"q","metrics":{"a":1},})");
    require_fallback(R"({"queueId":"q","metrics":{"a":1,}})");
    require_fallback(R"({"queueId":"q",)");
    require_fallback("");
    require_fallback("   ");
}

TEST_CASE("decoded decimals are the correctly rounded double of their text, as strtod gives") {
    // Short decimals take a division shortcut; it must round exactly like
    // the general conversion for every digit count and point position.
    std::uint64_t seed = 12345;
    Decoder decoder;
    Record r;
    for (int i = 0; i < 20000; ++i) {
        seed = seed * 6364136223846793005ull + 1442695040888963407ull;
        std::string digits = std::to_string(seed >> (seed % 40 + 4));
        std::size_t point = (seed >> 8) % (digits.size() + 1);
        std::string text = point == 0 ? "0." + digits : digits.substr(0, point) + "." + digits.substr(point);
        if (text.back() == '.') text += "0";
        if (text.size() > 1 && text[0] == '0' && text[1] != '.') continue;
        if ((seed >> 20) & 1) text = "-" + text;
        std::string json = R"({"queueId":"q","metrics":{"v":)" + text + "}}";
        INFO(text);
        REQUIRE(decoder.decode(json, r).ok());
        REQUIRE(r.metric_count == 1);
        CHECK(r.metrics[0].value.number == std::strtod(text.c_str(), nullptr));
    }
}

namespace {

// Answers with one fixed text for one resource and counts the questions.
struct FixedSettled : rtwatch::decode::SettledMetrics {
    std::string id;
    std::string text;
    int asked = 0;
    std::string_view settled_metrics(rtwatch::ResourceKind, std::string_view for_id) override {
        ++asked;
        return for_id == id ? std::string_view(text) : std::string_view();
    }
};

constexpr std::string_view k_metrics = R"({"waiting":3,"availableAgents":2})";

std::string event_with(std::string_view id, std::string_view metrics, std::string_view tail = "}") {
    return std::string(R"({"event":"data","queueId":")") + std::string(id) +
           R"(","timestamp":"2026-11-27T14:30:00.123Z","metrics":)" + std::string(metrics) + std::string(tail);
}

}  // namespace

TEST_CASE("fast decoder keeps the metrics object's text as received") {
    std::string json = event_with("q1", " { \"waiting\" : 3 } ");
    Record record;
    REQUIRE(Decoder::decode_fast(json, record));
    CHECK(record.metrics_json == R"({ "waiting" : 3 })");
    CHECK_FALSE(record.metrics_settled);
    CHECK(record.metric_count == 1);
}

TEST_CASE("fast decoder skips metrics whose text equals the settled text, still reading the rest") {
    FixedSettled settled;
    settled.id = "q1";
    settled.text = k_metrics;
    std::string json = event_with("q1", k_metrics);
    Record record;
    REQUIRE(Decoder::decode_fast(json, record, &settled));
    CHECK(settled.asked == 1);
    CHECK(record.metrics_settled);
    CHECK(record.metric_count == 0);
    CHECK(record.metrics_json == k_metrics);
    CHECK(record.id == "q1");
    CHECK(record.source_ts == "2026-11-27T14:30:00.123Z");
}

TEST_CASE("fast decoder decodes metrics that differ from the settled text, or belong to another resource") {
    FixedSettled settled;
    settled.id = "q1";
    settled.text = k_metrics;
    Record record;
    for (auto json :
         {event_with("q1", R"({"waiting":4,"availableAgents":2})"), event_with("q2", k_metrics),
          event_with("q1", R"({"waiting":3,"availableAgents":2,"x":1})"), event_with("q1", R"({"waiting":3})")}) {
        INFO(json);
        REQUIRE(Decoder::decode_fast(json, record, &settled));
        CHECK_FALSE(record.metrics_settled);
        CHECK(record.metric_count >= 1);
    }
}

TEST_CASE("fast decoder still rejects an event with settled metrics and a malformed rest") {
    FixedSettled settled;
    settled.id = "q1";
    settled.text = k_metrics;
    Decoder decoder;
    Record record;
    for (auto tail : {"", "}}", "},", ",\"x\":}", "} x"}) {
        std::string json = event_with("q1", k_metrics, tail);
        INFO(json);
        CHECK_FALSE(decoder.decode(json, record, &settled).ok());
        CHECK_FALSE(record.metrics_settled);
    }
}

TEST_CASE("fast decoder does not ask about settled metrics that come before the resource id") {
    FixedSettled settled;
    settled.id = "q1";
    settled.text = k_metrics;
    std::string json = std::string(R"({"metrics":)") + std::string(k_metrics) + R"(,"queueId":"q1"})";
    Record record;
    REQUIRE(Decoder::decode_fast(json, record, &settled));
    CHECK(settled.asked == 0);
    CHECK_FALSE(record.metrics_settled);
    CHECK(record.metric_count == 2);
}
