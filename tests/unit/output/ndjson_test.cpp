// The output contract, byte for byte, and checked with a JSON parser.
#include <catch2/catch.hpp>

#include <rapidjson/document.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "rtwatch/core/json_text.hpp"
#include "rtwatch/core/time_format.hpp"
#include "rtwatch/decode/decoder.hpp"
#include "rtwatch/output/ndjson.hpp"

using namespace rtwatch;
using namespace std::chrono;

namespace {

const WallTime k_now{milliseconds(1'795'789'800'412LL)};  // 2026-11-27T14:30:00.412Z

Metric& add(Record& r, const char* name, MetricValue::Type type, std::string text = {}, bool b = false) {
    Metric& m = r.add_metric();
    m.name = name;
    m.value.type = type;
    m.value.text = std::move(text);
    m.value.boolean = b;
    return m;
}

rapidjson::Document parse_line(const std::string& line) {
    REQUIRE(!line.empty());
    CHECK(line.back() == '\n');
    CHECK(line.find('\n') == line.size() - 1);
    rapidjson::Document doc;
    doc.Parse(line.data(), line.size() - 1);
    INFO(line);
    REQUIRE_FALSE(doc.HasParseError());
    REQUIRE(doc.IsObject());
    return doc;
}

}  // namespace

TEST_CASE("ndjson: the metrics line of the output contract, byte for byte", "[output]") {
    Record r;
    r.kind = ResourceKind::queue;
    r.id = "queue-0001";
    r.source_ts = "2026-11-27T14:30:00.123Z";
    r.event_id = "18342";
    add(r, "waitDuration", MetricValue::Type::number, "61");
    add(r, "availableAgents", MetricValue::Type::number, "2");
    std::vector<std::string_view> changed{"waitDuration"};
    std::string out;
    output::append_metrics_line(out, r, changed, k_now);
    CHECK(out == R"({"type":"metrics","kind":"queue","id":"queue-0001","ts":"2026-11-27T14:30:00.412Z",)"
                 R"("source_ts":"2026-11-27T14:30:00.123Z","event_id":"18342",)"
                 R"("metrics":{"waitDuration":61,"availableAgents":2},"changed":["waitDuration"]})"
                 "\n");
    auto doc = parse_line(out);
    CHECK(doc["metrics"]["waitDuration"].GetInt() == 61);
}

TEST_CASE("ndjson: every value type, numbers exactly as received, in record order", "[output]") {
    Record r;
    r.kind = ResourceKind::agent;
    r.id = "agent-0042";
    add(r, "z", MetricValue::Type::number, "85.5");
    add(r, "big", MetricValue::Type::number, "12345678901234567890");
    add(r, "exp", MetricValue::Type::number, "1e3");
    add(r, "negzero", MetricValue::Type::number, "-0");
    add(r, "state", MetricValue::Type::string, "available");
    add(r, "x", MetricValue::Type::null);
    add(r, "t", MetricValue::Type::boolean, {}, true);
    add(r, "f", MetricValue::Type::boolean, {}, false);
    std::string out;
    output::append_metrics_line(out, r, {}, k_now);
    CHECK(out.find(R"("kind":"agent","id":"agent-0042")") != std::string::npos);
    CHECK(out.find(R"("metrics":{"z":85.5,"big":12345678901234567890,"exp":1e3,"negzero":-0,)"
                   R"("state":"available","x":null,"t":true,"f":false},"changed":[]})") != std::string::npos);
    auto doc = parse_line(out);
    CHECK(doc["metrics"]["z"].GetDouble() == 85.5);
    CHECK(doc["metrics"]["state"] == "available");
    CHECK(doc["source_ts"] == "");
    CHECK(doc["event_id"] == "");
    std::vector<std::string> names;
    for (auto& m : doc["metrics"].GetObject()) names.emplace_back(m.name.GetString());
    CHECK(names == std::vector<std::string>{"z", "big", "exp", "negzero", "state", "x", "t", "f"});
}

TEST_CASE("ndjson: strings are escaped and bad UTF-8 repaired, so the line stays one valid line", "[output]") {
    Record r;
    r.kind = ResourceKind::skill;
    r.id = "sk\"ill\n1";
    r.source_ts = "t\\s";
    add(r, "na\"me", MetricValue::Type::string, "l1\nl2\t\x01 bad\xff");
    std::vector<std::string_view> changed{"na\"me"};
    std::string out;
    output::append_metrics_line(out, r, changed, k_now);
    auto doc = parse_line(out);
    CHECK(doc["id"] == "sk\"ill\n1");
    CHECK(doc["source_ts"] == "t\\s");
    CHECK(doc["metrics"]["na\"me"] == "l1\nl2\t\x01 bad\xEF\xBF\xBD");
    CHECK(doc["changed"][0] == "na\"me");
}

TEST_CASE("ndjson: changed lists names in the order given, even ones without a value", "[output]") {
    Record r;
    r.id = "q";
    add(r, "a", MetricValue::Type::number, "1");
    std::vector<std::string_view> changed{"a", "gone"};
    std::string out;
    output::append_metrics_line(out, r, changed, k_now);
    CHECK(out.find(R"("metrics":{"a":1},"changed":["a","gone"]})") != std::string::npos);
    parse_line(out);
}

TEST_CASE("ndjson: a number without its text is printed from its value", "[output]") {
    Record r;
    r.id = "q";
    add(r, "n", MetricValue::Type::number).value.number = 2.5;
    add(r, "inf", MetricValue::Type::number).value.number = HUGE_VAL;
    std::string out;
    output::append_metrics_line(out, r, {}, k_now);
    CHECK(out.find(R"("metrics":{"n":2.5,"inf":null})") != std::string::npos);
    parse_line(out);
}

TEST_CASE("ndjson: lines append to the buffer one after another", "[output]") {
    Record r;
    r.id = "q";
    std::string out = "previous\n";
    output::append_metrics_line(out, r, {}, k_now);
    output::append_metrics_line(out, r, {}, k_now);
    CHECK(out.rfind("previous\n{", 0) == 0);
    CHECK(std::count(out.begin(), out.end(), '\n') == 3);
}

TEST_CASE("ndjson: status lines, with and without a message", "[output]") {
    std::string out;
    output::append_status_line(out, k_now, "connected", "");
    CHECK(out == R"({"type":"status","ts":"2026-11-27T14:30:00.412Z","status":"connected"})"
                 "\n");
    out.clear();
    output::append_status_line(out, k_now, "reconnecting", "in 250 ms \"after\" EOF");
    CHECK(out == R"({"type":"status","ts":"2026-11-27T14:30:00.412Z","status":"reconnecting",)"
                 R"("message":"in 250 ms \"after\" EOF"})"
                 "\n");
    parse_line(out);
}

TEST_CASE("ndjson: raw lines carry the event type, data and id as strings", "[output]") {
    std::string out;
    output::append_raw_line(out, "data", R"({"queueId":"q","metrics":{}})", "7");
    CHECK(out == R"({"type":"data","data":"{\"queueId\":\"q\",\"metrics\":{}}","id":"7"})"
                 "\n");
    auto doc = parse_line(out);
    CHECK(doc["data"] == R"({"queueId":"q","metrics":{}})");
}

TEST_CASE("ndjson: a byte needing escape is found at any position of any length", "[output]") {
    const char specials[] = {'"', '\\', '\n', '\x01', '\x1f', '\x7f', '\xC3', '\xFF'};
    for (std::size_t len = 1; len <= 20; ++len) {
        for (std::size_t pos = 0; pos < len; ++pos) {
            for (char special : specials) {
                std::string s(len, 'a');
                s[pos] = special;
                std::string expected = R"({"type":)";
                append_json_string(expected, s);
                expected += R"(,"data":"","id":"")"
                            "}\n";
                std::string out;
                output::append_raw_line(out, s, "", "");
                INFO(len << " " << pos << " " << int(static_cast<unsigned char>(special)));
                CHECK(out == expected);
            }
        }
    }
}

TEST_CASE("ndjson: timestamps are right across seconds, days and back in time", "[output]") {
    const long long base = 1'795'789'800'412LL;
    for (long long offset : {0LL, 1LL, 587LL, 588LL, 1000LL, 86'400'000LL, -1LL, -1'000'000LL, 999LL, 5LL}) {
        WallTime t{milliseconds(base + offset)};
        std::string out;
        output::append_status_line(out, t, "s", "");
        INFO(offset);
        CHECK(out == R"({"type":"status","ts":")" + format_rfc3339_ms(t) +
                         R"(","status":"s"})"
                         "\n");
    }
}

TEST_CASE("ndjson: a record the fast decoder read is written as the escaping path writes it", "[output]") {
    // Text from the decoder's fast path skips the escape check; the bytes
    // must be the same as when every string is checked.
    for (
        std::string json : {
            std::string(
                R"({"queueId":"q-1","timestamp":"2026-11-27T14:30:00Z","metrics":{"waiting":3,"s":"on call"}})"),
            std::string(
                R"({"agentId":"agent-é","timestamp":null,"metrics":{"état":"en pause ✓","n":-0.5,"b":true,"z":null}})"),
            std::string(R"({"skillId":"技能","metrics":{"名前":"𝄞 clef","":""}})"),
        }) {
        INFO(json);
        Record fast;
        REQUIRE(decode::Decoder::decode_fast(json, fast));
        REQUIRE_FALSE(fast.metrics_json.empty());
        Record checked = fast;
        checked.metrics_json = {};
        std::vector<std::string_view> changed;
        for (std::size_t i = 0; i < fast.metric_count; ++i) changed.push_back(fast.metrics[i].name);
        std::string a, b;
        output::append_metrics_line(a, fast, changed, k_now);
        output::append_metrics_line(b, checked, changed, k_now);
        CHECK(a == b);
        parse_line(a);
    }
}

TEST_CASE("ndjson: a level line of the output contract, byte for byte", "[output][levels]") {
    MetricValue v;
    v.type = MetricValue::Type::number;
    v.text = "11";
    v.number = 11;
    output::LevelLine l;
    l.kind = ResourceKind::queue;
    l.id = "queue-0001";
    l.metric = "waiting";
    l.level = "red";
    l.previous = "yellow";
    l.value = &v;
    l.threshold = "10";
    l.op = ">=";
    l.since = k_now - milliseconds(61'000);
    l.source_ts = "2026-11-27T14:30:00.123Z";
    l.event_id = "18342";
    std::string out;
    output::append_level_line(out, l, k_now);
    CHECK(out ==
          R"({"type":"level","kind":"queue","id":"queue-0001","metric":"waiting","level":"red","previous":"yellow",)"
          R"("value":11,"threshold":10,"op":">=","since":"2026-11-27T14:28:59.412Z","ts":"2026-11-27T14:30:00.412Z",)"
          R"("source_ts":"2026-11-27T14:30:00.123Z","event_id":"18342"})"
          "\n");
    parse_line(out);
}

TEST_CASE("ndjson: a first level has previous null, strings are escaped and odd numbers made JSON",
          "[output][levels]") {
    MetricValue v;
    v.type = MetricValue::Type::string;
    v.text = "not \"responding\"\n";
    output::LevelLine l;
    l.kind = ResourceKind::agent;
    l.id = "agent-00001";
    l.metric = "state";
    l.level = "red";
    l.value = &v;
    l.threshold_is_number = false;
    l.threshold = "not \"responding\"\n";
    l.op = "==";
    std::string out;
    output::append_level_line(out, l, k_now);
    auto doc = parse_line(out);
    CHECK(doc["previous"].IsNull());
    CHECK(std::string(doc["value"].GetString()) == "not \"responding\"\n");
    CHECK(std::string(doc["threshold"].GetString()) == "not \"responding\"\n");
    CHECK(std::string(doc["event_id"].GetString()).empty());

    // A spec may say 007 or -0.50; JSON has no leading zeros.
    MetricValue n;
    n.type = MetricValue::Type::number;
    n.text = "7";
    l.value = &n;
    l.threshold_is_number = true;
    for (auto [typed, written] : {std::pair{"007", "7"}, {"-0.50", "-0.50"}, {"-012", "-12"}, {"0", "0"}}) {
        out.clear();
        l.threshold = typed;
        output::append_level_line(out, l, k_now);
        auto d = parse_line(out);
        CHECK_THAT(out, Catch::Contains(std::string(R"("threshold":)") + written + ","));
    }
}

TEST_CASE("ndjson: a metrics line with levels ends with them, after changed", "[output][levels]") {
    Record r;
    r.kind = ResourceKind::queue;
    r.id = "queue-0001";
    add(r, "waiting", MetricValue::Type::number, "11");
    add(r, "serviceLevelPercentile", MetricValue::Type::number, "55.5");
    std::string_view changed[] = {"waiting"};
    output::NamedLevel levels[] = {{"waiting", "red"}, {"serviceLevelPercentile", "yellow"}};
    std::string out;
    output::append_metrics_line(out, r, changed, levels, k_now);
    CHECK_THAT(out,
               Catch::EndsWith(R"("changed":["waiting"],"levels":{"waiting":"red","serviceLevelPercentile":"yellow"}})"
                               "\n"));
    parse_line(out);
    out.clear();
    output::append_metrics_line(out, r, changed, {}, k_now);
    CHECK_THAT(out, Catch::EndsWith(R"("changed":["waiting"],"levels":{}})"
                                    "\n"));
    out.clear();
    output::append_metrics_line(out, r, changed, k_now);
    CHECK_THAT(out, Catch::EndsWith(R"("changed":["waiting"]})"
                                    "\n"));
}
