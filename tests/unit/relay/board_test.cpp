#include <malloc.h>

#include <fmt/format.h>
#include <catch2/catch.hpp>
#include <chrono>

#include "trend.hpp"

using rtwatch::Record;
using rtwatch::ResourceKind;
using rtwatch::relay::Trends;

namespace {

Record queue(std::string id, double waiting) {
    Record r;
    r.kind = ResourceKind::queue;
    r.id = std::move(id);
    auto& m = r.add_metric();
    m.name = "waiting";
    m.value.type = rtwatch::MetricValue::Type::number;
    m.value.number = waiting;
    m.value.text = fmt::format("{}", waiting);
    return r;
}

rtwatch::WallTime at_ms(long long ms) { return rtwatch::WallTime(std::chrono::milliseconds(ms)); }

}  // namespace

TEST_CASE("trend: one point a step, the newest value winning, the last 60 steps", "[relay]") {
    Trends trends(std::chrono::seconds(1));
    trends.observe(queue("q1", 1), at_ms(10'000));
    trends.observe(queue("q1", 4), at_ms(10'900));  // same step: replaces
    trends.observe(queue("q1", 2), at_ms(12'100));
    std::string out;
    trends.append_json(out, {ResourceKind::queue, "q1"});
    CHECK(out == R"(,"trend":{"metric":"waiting","step_ms":1000,"points":[[10,4],[12,2]]})");
    for (int i = 0; i < 100; ++i) trends.observe(queue("q1", i), at_ms(20'000 + i * 1000));
    const auto* s = trends.find({ResourceKind::queue, "q1"});
    REQUIRE(s);
    CHECK(s->size == rtwatch::relay::k_trend_points);
    out.clear();
    trends.append_json(out, {ResourceKind::queue, "q1"});
    CHECK_THAT(out, Catch::StartsWith(R"(,"trend":{"metric":"waiting","step_ms":1000,"points":[[60,40],)") &&
                        Catch::EndsWith("[119,99]]}"));
    Record agent = queue("a1", 1);
    agent.kind = ResourceKind::agent;
    trends.observe(agent, at_ms(1000));
    CHECK(trends.resources() == 1);  // agents have no sparkline
}

// The memory the trend series take at 10,000 queues, as the allocator
// counts it; printed for the README and bounded here.
TEST_CASE("trend: memory per resource at 10,000 queues", "[relay]") {
    const auto before = mallinfo2().uordblks;
    auto trends = std::make_unique<Trends>(std::chrono::seconds(15));
    for (int step = 0; step < 70; ++step)
        for (int q = 0; q < 10'000; ++q)
            trends->observe(queue(fmt::format("queue-{:05}", q), q + step), at_ms(step * 15'000LL));
    const auto used = mallinfo2().uordblks - before;
    const double per = static_cast<double>(used) / 10'000;
    WARN(fmt::format("trend series: {} bytes for 10,000 queues, {:.0f} bytes per queue", used, per));
    CHECK(trends->resources() == 10'000);
    CHECK(per < 700);
}
