// The packed metric encoding round-trips every value type and long texts.
#include <catch2/catch.hpp>

#include <cmath>
#include <string>

#include "rtwatch/diff/packed_metrics.hpp"
#include "test_records.hpp"

using namespace rtwatch;
using namespace rtwatch::diff;

TEST_CASE("packed metrics: every value type round-trips", "[diff]") {
    auto r = testing::make_record(ResourceKind::queue, "q",
                                  {{"n", "null"},
                                   {"t", "true"},
                                   {"f", "false"},
                                   {"x", "-0"},
                                   {"y", "1e3"},
                                   {"s", "\"caf\xC3\xA9\""},
                                   {"e", "\"\""}});
    std::string packed;
    pack_text(packed, "2026-11-27T14:30:00.123Z");
    pack_metrics(packed, r);
    PackedReader reader(packed);
    std::string_view ts;
    REQUIRE(reader.next_text(ts));
    CHECK(ts == "2026-11-27T14:30:00.123Z");
    Record back;
    PackedMetric m;
    while (reader.next(m)) {
        CHECK(same_value(m, r.metrics[back.metric_count].value));
        unpack_metric(m, back.add_metric());
    }
    REQUIRE(back.metric_count == r.metric_count);
    for (std::size_t i = 0; i < r.metric_count; ++i) {
        CHECK(back.metrics[i].name == r.metrics[i].name);
        CHECK(back.metrics[i].value == r.metrics[i].value);
    }
    CHECK(std::signbit(back.find("x")->value.number));
    CHECK(back.find("y")->value.number == 1000);
}

TEST_CASE("packed metrics: names and values longer than 127 bytes use multi-byte lengths", "[diff]") {
    Record r;
    auto& m = r.add_metric();
    m.name = std::string(300, 'n');
    m.value.type = MetricValue::Type::string;
    m.value.text = std::string(70'000, 'v');
    std::string packed;
    pack_metrics(packed, r);
    PackedMetric found;
    REQUIRE(find_packed(packed, std::string(300, 'n'), found));
    CHECK(found.text.size() == 70'000);
    CHECK(same_value(found, m.value));
    CHECK_FALSE(find_packed(packed, "other", found));
}

TEST_CASE("packed metrics: a value differs in type, text or truth", "[diff]") {
    auto r = testing::make_record(ResourceKind::queue, "q", {{"a", "1"}, {"b", "true"}, {"c", "\"1\""}});
    std::string packed;
    pack_metrics(packed, r);
    auto other = testing::make_record(ResourceKind::queue, "q", {{"a", "1.0"}, {"b", "false"}, {"c", "1"}});
    PackedReader reader(packed);
    PackedMetric m;
    for (std::size_t i = 0; i < 3; ++i) {
        REQUIRE(reader.next(m));
        CHECK_FALSE(same_value(m, other.metrics[i].value));
    }
    CHECK_FALSE(reader.next(m));
}

TEST_CASE("packed metrics: truncated bytes end the reading instead of overrunning", "[diff]") {
    auto r = testing::make_record(ResourceKind::queue, "q", {{"alpha", "\"some text\""}, {"beta", "12.5"}});
    std::string packed;
    pack_metrics(packed, r);
    for (std::size_t n = 0; n < packed.size(); ++n) {
        PackedReader reader(std::string_view(packed).substr(0, n));
        PackedMetric m;
        int read = 0;
        while (reader.next(m)) ++read;
        CHECK(read < 2);
    }
}
