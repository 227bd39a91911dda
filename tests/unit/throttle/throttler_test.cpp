// Throttler on a fake clock: leading edge, one emission per window, latest
// wins, trailing-edge flush, A->B->A, shutdown flush and next_deadline().
#include <catch2/catch.hpp>

#include <malloc.h>

#include <string>
#include <vector>

#include "rtwatch/throttle/throttler.hpp"

using namespace std::chrono_literals;
using rtwatch::Millis;
using rtwatch::Record;
using rtwatch::ResourceKind;
using rtwatch::TimePoint;
using rtwatch::diff::ChangeTracker;
using rtwatch::throttle::Throttler;

namespace {

struct Emitted {
    TimePoint at;
    std::string id, metrics, changed, source_ts, event_id;
};

// Records what was emitted as compact text, with the fake time of emission.
struct RecordingSink : rtwatch::throttle::Sink {
    TimePoint now{};
    std::vector<Emitted> out;

    void emit(const Record& r, std::span<const std::string_view> changed) override {
        Emitted e{now, r.id, {}, {}, r.source_ts, r.event_id};
        for (std::size_t i = 0; i < r.metric_count; ++i)
            e.metrics += (i ? "," : "") + r.metrics[i].name + "=" + r.metrics[i].value.text;
        for (std::size_t i = 0; i < changed.size(); ++i) e.changed += (i ? "," : "") + std::string(changed[i]);
        out.push_back(std::move(e));
    }
};

// A queue record with number metrics from "name=value" pairs.
Record rec(std::string id, std::initializer_list<std::pair<const char*, const char*>> metrics) {
    Record r;
    r.kind = ResourceKind::queue;
    r.id = std::move(id);
    for (auto [name, text] : metrics) {
        auto& m = r.add_metric();
        m.name = name;
        m.value.type = rtwatch::MetricValue::Type::number;
        m.value.text = text;
        m.value.number = std::stod(text);
    }
    return r;
}

// The fixture drives offer/flush_due with one fake clock shared with the sink.
struct Fixture {
    explicit Fixture(Millis interval) : throttler(interval, tracker) {}
    ChangeTracker tracker;
    Throttler throttler;
    RecordingSink sink;
    TimePoint t0{std::chrono::hours(1)};

    void at(Millis ms) { sink.now = t0 + ms; }
    void offer(Millis ms, const Record& r) {
        at(ms);
        throttler.offer(r, sink.now, sink);
    }
    void flush(Millis ms) {
        at(ms);
        throttler.flush_due(sink.now, sink);
    }
    std::vector<std::string> values() const {
        std::vector<std::string> v;
        for (const auto& e : sink.out) v.push_back(e.id + ":" + e.metrics);
        return v;
    }
};

using Strings = std::vector<std::string>;

}  // namespace

TEST_CASE("throttler: interval 0 emits every change at once and holds nothing", "[throttle]") {
    Fixture f(0ms);
    f.offer(0ms, rec("q", {{"a", "1"}}));
    f.offer(0ms, rec("q", {{"a", "1"}}));
    f.offer(1ms, rec("q", {{"a", "2"}}));
    CHECK(f.values() == Strings{"q:a=1", "q:a=2"});
    CHECK(f.sink.out[1].changed == "a");
    CHECK(f.throttler.held() == 0);
    CHECK_FALSE(f.throttler.next_deadline());
}

TEST_CASE("throttler: the first change of a resource is emitted at once", "[throttle]") {
    Fixture f(1000ms);
    f.offer(0ms, rec("q", {{"a", "1"}, {"b", "2"}}));
    REQUIRE(f.sink.out.size() == 1);
    CHECK(f.sink.out[0].changed == "a,b");
    CHECK(f.throttler.held() == 0);
}

TEST_CASE("throttler: unchanged records are not emitted and open no window", "[throttle]") {
    Fixture f(1000ms);
    f.offer(0ms, rec("q", {{"a", "1"}}));
    f.flush(1000ms);
    f.offer(1500ms, rec("q", {{"a", "1"}}));
    f.offer(1600ms, rec("q", {{"a", "2"}}));  // no window was opened at 1500: emitted at once
    CHECK(f.values() == Strings{"q:a=1", "q:a=2"});
    CHECK(f.sink.out[1].at == f.t0 + 1600ms);
}

TEST_CASE("throttler: at most one emission per resource per interval", "[throttle]") {
    Fixture f(100ms);
    for (int ms = 0; ms <= 1000; ms += 7) {
        f.flush(Millis(ms));
        f.offer(Millis(ms), rec("q", {{"a", std::to_string(ms).c_str()}}));
    }
    f.offer(1001ms, rec("q", {{"a", "-1"}}));
    f.flush(2000ms);
    REQUIRE(f.sink.out.size() >= 10);
    for (std::size_t i = 1; i < f.sink.out.size(); ++i) CHECK(f.sink.out[i].at - f.sink.out[i - 1].at >= 100ms);
    CHECK(f.sink.out.back().metrics == "a=-1");  // the last state is always flushed
}

TEST_CASE("throttler: within a window the latest record wins", "[throttle]") {
    Fixture f(1000ms);
    f.offer(0ms, rec("q", {{"a", "1"}}));
    f.offer(100ms, rec("q", {{"a", "2"}}));
    f.offer(200ms, rec("q", {{"a", "3"}}));
    CHECK(f.throttler.held() == 1);
    f.flush(1000ms);
    CHECK(f.values() == Strings{"q:a=1", "q:a=3"});
    CHECK(f.sink.out[1].changed == "a");
}

TEST_CASE("throttler: the held record is flushed exactly at the end of the window", "[throttle]") {
    Fixture f(1000ms);
    f.offer(0ms, rec("q", {{"a", "1"}}));
    f.offer(10ms, rec("q", {{"a", "2"}}));
    f.flush(999ms);
    CHECK(f.sink.out.size() == 1);
    REQUIRE(f.throttler.next_deadline() == f.t0 + 1000ms);
    f.flush(1000ms);
    REQUIRE(f.sink.out.size() == 2);
    CHECK(f.sink.out[1].at == f.t0 + 1000ms);
    CHECK(f.throttler.held() == 0);
}

TEST_CASE("throttler: a trailing emission opens a new window", "[throttle]") {
    Fixture f(1000ms);
    f.offer(0ms, rec("q", {{"a", "1"}}));
    f.offer(10ms, rec("q", {{"a", "2"}}));
    f.flush(1200ms);  // a late flush: the new window runs from the emission
    f.offer(1300ms, rec("q", {{"a", "3"}}));
    CHECK(f.values() == Strings{"q:a=1", "q:a=2"});
    CHECK(f.throttler.next_deadline() == f.t0 + 2200ms);
    f.flush(2199ms);
    CHECK(f.sink.out.size() == 2);
    f.flush(2200ms);
    CHECK(f.values() == Strings{"q:a=1", "q:a=2", "q:a=3"});
}

TEST_CASE("throttler: A then B then A inside one window emits nothing", "[throttle]") {
    Fixture f(1000ms);
    f.offer(0ms, rec("q", {{"a", "1"}}));
    f.offer(100ms, rec("q", {{"a", "2"}}));
    f.offer(200ms, rec("q", {{"a", "1"}}));
    f.flush(1000ms);
    CHECK(f.values() == Strings{"q:a=1"});
    CHECK(f.throttler.held() == 0);
    CHECK_FALSE(f.throttler.next_deadline());
    // The window closed without emitting, so the next change goes out at once.
    f.offer(1100ms, rec("q", {{"a", "5"}}));
    CHECK(f.values() == Strings{"q:a=1", "q:a=5"});
}

TEST_CASE("throttler: changed names are relative to the last emitted state", "[throttle]") {
    Fixture f(1000ms);
    f.offer(0ms, rec("q", {{"a", "1"}, {"b", "1"}, {"c", "1"}}));
    f.offer(100ms, rec("q", {{"a", "2"}, {"b", "1"}, {"c", "1"}}));
    f.offer(200ms, rec("q", {{"a", "2"}, {"b", "2"}}));
    f.flush(1000ms);
    REQUIRE(f.sink.out.size() == 2);
    CHECK(f.sink.out[1].metrics == "a=2,b=2");
    CHECK(f.sink.out[1].changed == "a,b,c");
}

TEST_CASE("throttler: a held record keeps its timestamp, event id and number text", "[throttle]") {
    Fixture f(1000ms);
    f.offer(0ms, rec("q", {{"a", "1"}}));
    auto r = rec("q", {{"a", "85.50"}, {"b", "-0"}});
    r.source_ts = "2026-11-27T14:30:00.123Z";
    r.event_id = "18342";
    f.offer(10ms, r);
    f.flush(1000ms);
    REQUIRE(f.sink.out.size() == 2);
    CHECK(f.sink.out[1].metrics == "a=85.50,b=-0");
    CHECK(f.sink.out[1].source_ts == "2026-11-27T14:30:00.123Z");
    CHECK(f.sink.out[1].event_id == "18342");
}

TEST_CASE("throttler: resources are throttled independently", "[throttle]") {
    Fixture f(1000ms);
    f.offer(0ms, rec("q1", {{"a", "1"}}));
    f.offer(100ms, rec("q1", {{"a", "2"}}));
    f.offer(200ms, rec("q2", {{"a", "1"}}));
    f.offer(300ms, rec("q2", {{"a", "2"}}));
    CHECK(f.values() == Strings{"q1:a=1", "q2:a=1"});
    CHECK(f.throttler.next_deadline() == f.t0 + 1000ms);
    f.flush(1000ms);
    CHECK(f.values() == Strings{"q1:a=1", "q2:a=1", "q1:a=2"});
    CHECK(f.throttler.next_deadline() == f.t0 + 1200ms);
    f.flush(1200ms);
    CHECK(f.values() == Strings{"q1:a=1", "q2:a=1", "q1:a=2", "q2:a=2"});
}

TEST_CASE("throttler: next_deadline ignores windows that hold nothing", "[throttle]") {
    Fixture f(1000ms);
    f.offer(0ms, rec("q1", {{"a", "1"}}));
    f.offer(500ms, rec("q2", {{"a", "1"}}));
    CHECK_FALSE(f.throttler.next_deadline());
    f.offer(600ms, rec("q2", {{"a", "2"}}));
    CHECK(f.throttler.next_deadline() == f.t0 + 1500ms);
    f.offer(700ms, rec("q1", {{"a", "2"}}));
    CHECK(f.throttler.next_deadline() == f.t0 + 1000ms);
    f.flush(1000ms);
    CHECK(f.throttler.next_deadline() == f.t0 + 1500ms);
}

TEST_CASE("throttler: a record after an unflushed window end supersedes the held one", "[throttle]") {
    Fixture f(1000ms);
    f.offer(0ms, rec("q", {{"a", "1"}}));
    f.offer(100ms, rec("q", {{"a", "2"}}));
    f.offer(1500ms, rec("q", {{"a", "3"}}));  // flush_due(1000) was never called
    CHECK(f.values() == Strings{"q:a=1", "q:a=3"});
    CHECK(f.throttler.held() == 0);
    CHECK_FALSE(f.throttler.next_deadline());
    f.flush(2000ms);
    CHECK(f.sink.out.size() == 2);
    f.offer(2100ms, rec("q", {{"a", "4"}}));  // inside the window opened at 1500
    CHECK(f.throttler.next_deadline() == f.t0 + 2500ms);
}

TEST_CASE("throttler: flush_all on shutdown emits what is held and differs", "[throttle]") {
    Fixture f(60'000ms);
    f.offer(0ms, rec("q1", {{"a", "1"}}));
    f.offer(0ms, rec("q2", {{"a", "1"}}));
    f.offer(0ms, rec("q3", {{"a", "1"}}));
    f.offer(10ms, rec("q2", {{"a", "2"}}));
    f.offer(20ms, rec("q1", {{"a", "2"}}));
    f.offer(30ms, rec("q3", {{"a", "1"}}));  // same as emitted: nothing to flush
    CHECK(f.throttler.held() == 3);
    f.throttler.flush_all(f.sink);
    CHECK(f.values() == Strings{"q1:a=1", "q2:a=1", "q3:a=1", "q1:a=2", "q2:a=2"});
    CHECK(f.throttler.held() == 0);
    CHECK_FALSE(f.throttler.next_deadline());
    f.throttler.flush_all(f.sink);
    CHECK(f.sink.out.size() == 5);
}

TEST_CASE("throttler: many staggered resources flush in deadline order", "[throttle]") {
    // Appended rather than "q" + to_string(): the latter trips a false
    // -Wrestrict in g++ 12 at -O3.
    auto q = [](std::size_t i) { return std::string("q").append(std::to_string(i)); };
    Fixture f(1000ms);
    for (int i = 0; i < 2000; ++i) f.offer(Millis(i / 10), rec(q(i), {{"a", "1"}}));
    for (int i = 0; i < 2000; ++i) f.offer(Millis(2000 + i / 10), rec(q(i), {{"a", "2"}}));
    CHECK(f.throttler.held() == 0);  // every window had ended: emitted at once
    for (int i = 0; i < 2000; ++i) f.offer(Millis(2500), rec(q(i), {{"a", "3"}}));
    CHECK(f.throttler.held() == 2000);
    CHECK(f.throttler.next_deadline() == f.t0 + 3000ms);
    f.flush(3099ms);
    CHECK(f.throttler.held() == 1000);
    CHECK(f.throttler.next_deadline() == f.t0 + 3100ms);
    f.flush(4000ms);
    CHECK(f.throttler.held() == 0);
    REQUIRE(f.sink.out.size() == 6000);
    for (std::size_t i = 4000; i < 6000; ++i) CHECK(f.sink.out[i].id == q(i - 4000));
}

#if !defined(__SANITIZE_ADDRESS__)
TEST_CASE("throttler: 50,000 resources each holding a record fit in 40 MiB with their diff state", "[throttle]") {
    struct CountingSink : rtwatch::throttle::Sink {
        std::size_t emitted = 0;
        void emit(const Record&, std::span<const std::string_view>) override { ++emitted; }
    } sink;
    Record r = rec("", {{"waitDuration", "0"},
                        {"availableAgents", "0"},
                        {"totalAgents", "0"},
                        {"serviceLevelPercentile", "0"},
                        {"waiting", "0"},
                        {"talkTime", "0"},
                        {"abandonRate", "0"},
                        {"handled", "0"}});
    r.source_ts = "2026-11-27T14:30:00.123Z";
    r.event_id = "1234567";
    r.id.reserve(64);
    std::size_t before = mallinfo2().uordblks;
    ChangeTracker tracker;
    Throttler throttler(1000ms, tracker);
    for (int round = 0; round < 2; ++round) {
        for (int i = 0; i < 50'000; ++i) {
            // Real ids are UUIDs: too long for the small-string buffer.
            r.id = "5b0e8a1c-4f3d-4e2a-9c1b-";
            r.id += std::to_string(100'000'000'000LL + i);
            for (std::size_t m = 0; m < r.metric_count; ++m)
                r.metrics[m].value.text = std::to_string(i % 997 + m + round);
            throttler.offer(r, TimePoint{} + Millis(round), sink);
        }
    }
    // The tracker's states live in mapped chunks, which the heap's counters miss.
    std::size_t used = mallinfo2().uordblks - before + tracker.arena_bytes();
    CHECK(sink.emitted == 50'000);
    REQUIRE(throttler.held() == 50'000);
    INFO("bytes per resource: " << used / 50'000);
    CHECK(used < 40u * 1024 * 1024);
}
#endif
