// TopState: rows per (kind, id), columns in first-seen order, change marks
// cleared by a frame, levels, pause freezing the view, records/s.
#include <catch2/catch.hpp>

#include <chrono>
#include <cstdio>

#include "rtwatch/top/render.hpp"
#include "rtwatch/top/state.hpp"
#include "top_fixtures.hpp"

using namespace top_test;
using rtwatch::top::Level;
using rtwatch::top::TopState;

TEST_CASE("top state: one row per kind and id, columns in first-seen order", "[top]") {
    TopState s;
    s.apply(make_record(ResourceKind::queue, "q1", {{"a", "1"}, {"b", "2"}}), t0);
    s.apply(make_record(ResourceKind::agent, "q1", {{"c", "x", false}}), t0);
    s.apply(make_record(ResourceKind::queue, "q1", {{"b", "3"}, {"a", "1"}}), t0);
    REQUIRE(s.rows().size() == 2);
    REQUIRE(s.columns() == std::vector<std::string>{"a", "b", "c"});
    const auto& q = s.rows()[0];
    CHECK(q.cells[0].text == "1");
    CHECK(q.cells[1].text == "3");
    CHECK(q.cells[1].number == 3);
    CHECK(std::isnan(s.rows()[1].cells[2].number));
    CHECK(s.rows()[1].cells[2].text == "x");
}

TEST_CASE("top state: a change is marked until the next frame is drawn, a first value is not", "[top]") {
    TopState s;
    s.apply(make_record(ResourceKind::queue, "q1", {{"a", "1"}, {"b", "2"}}), t0);
    CHECK_FALSE(s.changed(s.rows()[0].cells[0]));  // first values are not changes
    s.apply(make_record(ResourceKind::queue, "q1", {{"a", "0"}}), t0);
    CHECK(s.changed(s.rows()[0].cells[0]));
    s.mark_drawn(t0);
    CHECK_FALSE(s.changed(s.rows()[0].cells[0]));
    s.apply(make_record(ResourceKind::queue, "q1", {{"a", "0"}, {"b", "5"}}), t0);
    CHECK_FALSE(s.changed(s.rows()[0].cells[0]));
    CHECK(s.changed(s.rows()[0].cells[1]));
    s.mark_drawn(t0);
    CHECK_FALSE(s.changed(s.rows()[0].cells[1]));
}

TEST_CASE("top state: null and boolean values have display text", "[top]") {
    TopState s;
    rtwatch::Record r = make_record(ResourceKind::queue, "q1", {{"a", "1"}, {"b", "1"}});
    r.metrics[0].value.type = rtwatch::MetricValue::Type::null;
    r.metrics[1].value.type = rtwatch::MetricValue::Type::boolean;
    r.metrics[1].value.boolean = true;
    s.apply(r, t0);
    CHECK(s.rows()[0].cells[0].text == "-");
    CHECK(s.rows()[0].cells[1].text == "true");
    CHECK(s.rows()[0].cells[1].number == 1);
}

TEST_CASE("top state: the row's level is its worst metric's", "[top]") {
    TopState s;
    s.apply(make_record(ResourceKind::queue, "q1", {{"a", "1"}, {"b", "2"}}), t0);
    CHECK(s.rows()[0].worst() == Level::none);
    s.set_level(ResourceKind::queue, "q1", "a", Level::green);
    s.set_level(ResourceKind::queue, "q1", "b", Level::red);
    CHECK(s.rows()[0].worst() == Level::red);
    s.set_level(ResourceKind::queue, "q1", "b", Level::yellow);
    CHECK(s.rows()[0].worst() == Level::yellow);
}

TEST_CASE("top state: pausing freezes the rows shown, data keeps flowing behind", "[top]") {
    TopState s;
    s.apply(make_record(ResourceKind::queue, "q1", {{"a", "1"}}), t0);
    s.set_paused(true);
    s.apply(make_record(ResourceKind::queue, "q1", {{"a", "2"}}), t0);
    s.apply(make_record(ResourceKind::queue, "q2", {{"a", "3"}}), t0);
    REQUIRE(s.rows().size() == 1);
    CHECK(s.rows()[0].cells[0].text == "1");
    s.set_paused(false);
    REQUIRE(s.rows().size() == 2);
    CHECK(s.rows()[0].cells[0].text == "2");
}

TEST_CASE("top state: records per second over the last second or more", "[top]") {
    TopState s;
    s.mark_drawn(t0);
    for (int i = 0; i < 30; ++i) s.apply(make_record(ResourceKind::queue, "q1", {{"a", std::to_string(i)}}), t0);
    s.mark_drawn(t0 + 500ms);
    CHECK(s.header().records_per_second == 0);  // too short a sample
    s.mark_drawn(t0 + 1500ms);
    CHECK(s.header().records_per_second == Approx(20));
    CHECK(s.header().newest == t0);
}

TEST_CASE("top state: the filter is an ASCII case-insensitive id substring", "[top]") {
    using rtwatch::top::matches_filter;
    CHECK(matches_filter("queue-0001", ""));
    CHECK(matches_filter("queue-0001", "0001"));
    CHECK(matches_filter("Queue-0001", "queue"));
    CHECK_FALSE(matches_filter("queue-0001", "0002"));
    TopState s = contact_center();
    s.view().filter = "SKILL";
    CHECK(s.matching_rows() == 4);
}

TEST_CASE("top state: status record names set the header status", "[top]") {
    using rtwatch::top::Status;
    using rtwatch::top::status_from_name;
    CHECK(status_from_name("connected") == Status::connected);
    CHECK(status_from_name("reconnecting") == Status::reconnecting);
    CHECK(status_from_name("stale") == Status::stale);
    CHECK(status_from_name("gave_up") == Status::gave_up);
    CHECK(status_from_name("stopped") == Status::stopped);
    CHECK_FALSE(status_from_name("token_refreshed"));
}

TEST_CASE("top state: the header shows the upstream's host and port, never credentials", "[top]") {
    using rtwatch::top::url_host;
    CHECK(url_host("https://sim.example.net:8443/v1/stream?queue=q1") == "sim.example.net:8443");
    CHECK(url_host("http://user:secret@127.0.0.1:9000/stream") == "127.0.0.1:9000");
    CHECK(url_host("http://[::1]:8080") == "[::1]:8080");
    CHECK(url_host("sim.local") == "sim.local");
}

// Not a pass/fail test (the machine is shared): how long apply() takes on
// the hot path. Run with: test_top "[.measure]"
TEST_CASE("top state: cost of apply() for 200 resources", "[.measure]") {
    std::vector<Record> records;
    for (int i = 0; i < 200; ++i)
        for (int k = 0; k < 5; ++k)
            records.push_back(make_record(ResourceKind::queue, queue_id(i),
                                          {{"waitDuration", std::to_string(k * 7 + i)},
                                           {"availableAgents", std::to_string(k)},
                                           {"interactionsWaiting", std::to_string(i % 13)},
                                           {"serviceLevel", "0.9" + std::to_string(k)}}));
    TopState s;
    const int rounds = 1000;
    const auto start = std::chrono::steady_clock::now();
    for (int round = 0; round < rounds; ++round)
        for (const Record& r : records) s.apply(r, t0);
    const std::chrono::duration<double, std::nano> took = std::chrono::steady_clock::now() - start;
    std::printf("top state: %.0f ns per apply()\n", took.count() / (rounds * records.size()));
    CHECK(s.rows().size() == 200);
}

TEST_CASE("top state: cost of render() for 50,000 resources", "[.measure]") {
    TopState s;
    for (int i = 0; i < 50000; ++i)
        s.apply(make_record(ResourceKind::agent, agent_id(i),
                            {{"status", i % 3 ? "available" : "on-queue", false},
                             {"interactionsHandled", std::to_string(i % 97)}}),
                t0);
    s.view().sort_column = 2;
    rtwatch::top::Frame f;
    double best = 1e9;
    for (int i = 0; i < 5; ++i) {
        const auto start = std::chrono::steady_clock::now();
        f = rtwatch::top::render(s, {132, 40}, {true, t0});
        const std::chrono::duration<double, std::milli> took = std::chrono::steady_clock::now() - start;
        best = std::min(best, took.count());
    }
    std::printf("top render: %.1f ms for 50,000 rows (best of 5)\n", best);
    CHECK(f.size().rows == 40);
}
