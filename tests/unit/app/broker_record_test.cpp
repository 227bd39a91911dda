// A broker message back into a Record: the metrics record line the holder
// published (output::append_metrics_line) gives the same kind, id, source
// timestamp and metrics, with number texts kept; anything else is refused.
#include <catch2/catch.hpp>

#include "broker_source.hpp"
#include "rtwatch/output/ndjson.hpp"

using namespace rtwatch;

namespace {

Record sample() {
    Record r;
    r.kind = ResourceKind::agent;
    r.id = "agent \"7\" \xC3\xA9";
    r.source_ts = "2026-12-02T10:00:00.000Z";
    auto add = [&](const char* name, MetricValue::Type type, std::string text, bool b = false) {
        Metric& m = r.add_metric();
        m.name = name;
        m.value.type = type;
        m.value.text = std::move(text);
        m.value.boolean = b;
        if (type == MetricValue::Type::number) m.value.number = std::stod(m.value.text);
    };
    add("waiting", MetricValue::Type::number, "1.50e2");
    add("status", MetricValue::Type::string, "on queue\n");
    add("onBreak", MetricValue::Type::boolean, "", true);
    add("wrapup", MetricValue::Type::null, "");
    return r;
}

std::string line_of(const Record& r) {
    std::string out;
    std::string_view changed[] = {"waiting"};
    output::append_metrics_line(out, r, changed, WallClock::now());
    if (!out.empty() && out.back() == '\n') out.pop_back();
    return out;
}

}  // namespace

TEST_CASE("broker record: a published line reads back as the record it came from", "[broker]") {
    Record in = sample();
    Record out;
    REQUIRE(app::parse_metrics_line(line_of(in), out));
    CHECK(out.kind == in.kind);
    CHECK(out.id == in.id);
    CHECK(out.source_ts == in.source_ts);
    REQUIRE(out.metric_count == in.metric_count);
    for (std::size_t i = 0; i < in.metric_count; ++i) {
        INFO(in.metrics[i].name);
        CHECK(out.metrics[i].name == in.metrics[i].name);
        CHECK(out.metrics[i].value == in.metrics[i].value);
    }
    CHECK(out.metrics[0].value.text == "1.50e2");  // the number's text, as the upstream wrote it
    CHECK(app::metrics_key(out) == app::metrics_key(in));
    // a reused record holds nothing of the previous line
    Record small;
    small.kind = ResourceKind::queue;
    small.id = "q";
    small.add_metric() = Metric{"n", MetricValue{MetricValue::Type::number, false, 1, "1"}};
    REQUIRE(app::parse_metrics_line(line_of(small), out));
    CHECK(out.metric_count == 1);
    CHECK(out.id == "q");
    CHECK(out.source_ts.empty());
}

TEST_CASE("broker record: the metrics key tells values, types and order apart", "[broker]") {
    Record a = sample(), b = sample();
    CHECK(app::metrics_key(a) == app::metrics_key(b));
    b.metrics[0].value.text = "150";  // the same number, other text: a change, as the stream's diff treats it
    CHECK(app::metrics_key(a) != app::metrics_key(b));
    b = sample();
    b.metrics[1].value.type = MetricValue::Type::number;  // "1" the string vs 1 the number
    CHECK(app::metrics_key(a) != app::metrics_key(b));
    b = sample();
    std::swap(b.metrics[0], b.metrics[1]);
    CHECK(app::metrics_key(a) != app::metrics_key(b));
    b = sample();
    b.metrics[2].value.boolean = false;
    CHECK(app::metrics_key(a) != app::metrics_key(b));
}

TEST_CASE("broker record: what is not a metrics record line is refused", "[broker]") {
    Record out;
    for (std::string bad : {
             std::string(R"({"type":"status","status":"connected","message":"","holder":"h/1"})"),
             std::string(R"({"type":"metrics","id":"q1","metrics":{}})"),                        // no kind
             std::string(R"({"type":"metrics","kind":"queue","metrics":{}})"),                   // no id
             std::string(R"({"type":"metrics","kind":"table","id":"q1","metrics":{}})"),         // unknown kind
             std::string(R"({"type":"metrics","kind":"queue","id":"q1","metrics":{"a":[1]}})"),  // a list as value
             std::string(R"({"type":"metrics","kind":"queue","id":"q1","metrics":{"a":1})"),     // cut short
             std::string("{\"type\":\"metrics\",\"kind\":\"queue\",\"id\":\"\xFF\",\"metrics\":{}}"),  // not UTF-8
             std::string("not json"),
         }) {
        INFO(bad);
        CHECK_FALSE(app::parse_metrics_line(bad, out));
    }
    // changed and levels are the writer's annotations: skipped, not metrics
    REQUIRE(app::parse_metrics_line(
        R"({"type":"metrics","kind":"skill","id":"s","metrics":{"a":1},"changed":["a"],"levels":{"a":"red"}})", out));
    CHECK(out.kind == ResourceKind::skill);
    REQUIRE(out.metric_count == 1);
    CHECK(out.metrics[0].name == "a");
}
