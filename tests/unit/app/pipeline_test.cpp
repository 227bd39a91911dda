#include <catch2/catch.hpp>

#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "rtwatch/app/ndjson_sink.hpp"
#include "rtwatch/app/pipeline.hpp"
#include "rtwatch_test/temp_path.hpp"

using namespace rtwatch;
using namespace std::chrono_literals;

namespace {

std::string queue_event(const char* id, int waiting, int agents) {
    return fmt::format(R"({{"event":"data","queueId":"{}","timestamp":"2026-11-27T14:30:00.123Z",)"
                       R"("metrics":{{"waiting":{},"availableAgents":{}}}}})",
                       id, waiting, agents);
}

// A pipeline writing to a scratch file; lines() flushes and reads it back.
struct Harness {
    app::Config config;
    std::string path;
    std::optional<output::Writer> writer;
    std::optional<app::NdjsonSink> sink;
    std::optional<app::Pipeline> pipeline;
    TimePoint now{};

    explicit Harness(app::Config c) : config(std::move(c)) {
        std::string tmpl_template = rtwatch::test::temp_template("rtwatch-pipeline");
        char* tmpl = tmpl_template.data();
        int fd = ::mkstemp(tmpl);
        ::close(fd);
        path = tmpl;
        writer.emplace(std::move(output::Writer::open_file(path).value()));
        sink.emplace(*writer, config.status);
        pipeline.emplace(config);
        pipeline->add_sink(*sink);
    }
    ~Harness() { ::unlink(path.c_str()); }

    void data(const std::string& json, const char* id) { pipeline->on_event("data", json, id, now); }

    std::vector<std::string> lines() {
        REQUIRE(writer->flush() == output::Writer::Status::ok);
        std::ifstream in(path);
        std::vector<std::string> out;
        for (std::string line; std::getline(in, line);) out.push_back(line);
        return out;
    }
};

}  // namespace

TEST_CASE("pipeline: redundant updates are dropped, changes are written once", "[app]") {
    Harness h{app::Config{}};
    h.data(queue_event("q1", 1, 2), "1");
    h.data(queue_event("q1", 1, 2), "2");
    h.data(queue_event("q1", 3, 2), "3");
    auto lines = h.lines();
    REQUIRE(lines.size() == 2);
    CHECK_THAT(lines[0], Catch::Contains(R"("event_id":"1")"));
    CHECK_THAT(lines[0], Catch::Contains(R"("changed":["waiting","availableAgents"])"));
    CHECK_THAT(lines[1], Catch::Contains(R"("event_id":"3")"));
    CHECK_THAT(lines[1], Catch::Contains(R"("changed":["waiting"])"));
}

TEST_CASE("pipeline: --fields tracks only the named metrics", "[app]") {
    app::Config c;
    c.fields = {"availableAgents"};
    Harness h{c};
    h.data(queue_event("q1", 1, 2), "1");
    h.data(queue_event("q1", 5, 2), "2");  // only an untracked metric changed
    auto lines = h.lines();
    REQUIRE(lines.size() == 1);
    CHECK_THAT(lines[0], Catch::Contains(R"("metrics":{"availableAgents":2})"));
}

TEST_CASE("pipeline: --where selects records", "[app]") {
    app::Config c;
    c.where = "waiting > 2";
    Harness h{c};
    h.data(queue_event("q1", 1, 2), "1");
    h.data(queue_event("q1", 3, 2), "2");
    auto lines = h.lines();
    REQUIRE(lines.size() == 1);
    CHECK_THAT(lines[0], Catch::Contains(R"("waiting":3)"));
}

TEST_CASE("pipeline: a bad event is counted, never written, and the stream goes on", "[app]") {
    Harness h{app::Config{}};
    h.data("{not json", "1");
    h.data(R"({"event":"data","metrics":{}})", "2");
    h.data(queue_event("q1", 1, 2), "3");
    CHECK(h.pipeline->counters().bad_events == 2);
    auto lines = h.lines();
    REQUIRE(lines.size() == 1);
    CHECK_THAT(lines[0], Catch::Contains(R"("event_id":"3")"));
}

TEST_CASE("pipeline: --once is done when a resource repeats, without printing the repeat", "[app]") {
    app::Config c;
    c.once = true;
    Harness h{c};
    h.data(queue_event("q1", 1, 2), "");
    h.data(queue_event("q2", 1, 2), "7");
    CHECK_FALSE(h.pipeline->done());
    h.data(queue_event("q1", 9, 9), "8");
    CHECK(h.pipeline->done());
    CHECK(h.lines().size() == 2);
}

TEST_CASE("pipeline: --once with ids is done when each has been seen", "[app]") {
    app::Config c;
    c.once = true;
    c.queues = {"q1", "q2"};
    Harness h{c};
    h.data(queue_event("q1", 1, 2), "");
    CHECK_FALSE(h.pipeline->done());
    h.data(queue_event("q2", 1, 2), "5");
    CHECK(h.pipeline->done());
    CHECK(h.lines().size() == 2);
}

TEST_CASE("pipeline: --count stops after exactly N records", "[app]") {
    app::Config c;
    c.count = 2;
    Harness h{c};
    for (int i = 0; i < 5; ++i) h.data(queue_event("q1", i, 2), "1");
    CHECK(h.pipeline->done());
    CHECK(h.lines().size() == 2);
}

TEST_CASE("pipeline: --throttle holds the latest and writes it at the end of the window", "[app]") {
    app::Config c;
    c.throttle = 1000ms;
    Harness h{c};
    h.data(queue_event("q1", 1, 2), "1");
    h.now += 100ms;
    h.data(queue_event("q1", 2, 2), "2");
    h.data(queue_event("q1", 3, 2), "3");
    CHECK(h.lines().size() == 1);
    REQUIRE(h.pipeline->next_deadline());
    h.pipeline->flush_due(*h.pipeline->next_deadline());
    auto lines = h.lines();
    REQUIRE(lines.size() == 2);
    CHECK_THAT(lines[1], Catch::Contains(R"("waiting":3)"));
}

TEST_CASE("pipeline: --raw writes every event as type, data and id", "[app]") {
    app::Config c;
    c.raw = true;
    Harness h{c};
    h.pipeline->on_event("reconnect", R"({"retryAfterMs":5})", "9", h.now);
    auto lines = h.lines();
    REQUIRE(lines.size() == 1);
    CHECK(lines[0] == R"({"type":"reconnect","data":"{\"retryAfterMs\":5}","id":"9"})");
}

TEST_CASE("pipeline: an event repeating the last written metrics text is dropped, but still validated", "[app]") {
    Harness h{app::Config{}};
    h.data(queue_event("q1", 1, 2), "1");
    std::string again = queue_event("q1", 1, 2);
    h.data(again, "2");
    h.data(again.substr(0, again.size() - 1), "3");  // the closing brace is missing
    h.data(again + " x", "4");
    CHECK(h.pipeline->counters().events == 4);
    CHECK(h.pipeline->counters().bad_events == 2);
    CHECK(h.lines().size() == 1);
}

TEST_CASE("pipeline: --where sees a change that follows events repeating the last written text", "[app]") {
    app::Config c;
    c.where = "waiting > 2";
    Harness h{c};
    h.data(queue_event("q1", 3, 2), "1");
    h.data(queue_event("q1", 3, 2), "2");
    h.data(queue_event("q1", 1, 2), "3");  // no longer matches: not written, but the state is now 1
    h.data(queue_event("q1", 3, 2), "4");  // back to 3: a change from the state last seen
    h.data(queue_event("q1", 4, 2), "5");
    auto lines = h.lines();
    REQUIRE(lines.size() == 3);
    CHECK_THAT(lines[1], Catch::Contains(R"("event_id":"4")"));
    CHECK_THAT(lines[2], Catch::Contains(R"("event_id":"5")"));
}

TEST_CASE("pipeline: --where alerts every time the condition becomes true again", "[app]") {
    app::Config c;
    c.fields = {"availableAgents"};
    c.where = "availableAgents == 0";
    Harness h{c};
    int id = 0;
    for (int drop = 0; drop < 6; ++drop) {
        h.data(queue_event("q1", 1, 2), std::to_string(++id).c_str());
        h.data(queue_event("q1", 1, 0), std::to_string(++id).c_str());
        h.data(queue_event("q1", 4, 0), std::to_string(++id).c_str());  // untracked metric: nothing new
    }
    auto lines = h.lines();
    REQUIRE(lines.size() == 6);
    for (const auto& line : lines) CHECK_THAT(line, Catch::Contains(R"("metrics":{"availableAgents":0})"));
}

TEST_CASE("pipeline: --throttle never flushes a held record whose resource left --where", "[app]") {
    app::Config c;
    c.throttle = 3600'000ms;
    c.where = "waiting > 0";
    Harness h{c};
    h.data(queue_event("q1", 2, 1), "1");  // written, window opens
    h.data(queue_event("q1", 1, 1), "2");  // held
    h.data(queue_event("q1", 0, 1), "3");  // left the filter: the held waiting:1 must not be flushed
    h.pipeline->finish();
    auto lines = h.lines();
    REQUIRE(lines.size() == 1);
    CHECK_THAT(lines[0], Catch::Contains(R"("waiting":2)"));
}

TEST_CASE("pipeline: --throttle, a return to the written state inside a window replaces the held change", "[app]") {
    app::Config c;
    c.throttle = 1000ms;
    Harness h{c};
    h.data(queue_event("q1", 1, 2), "1");
    h.now += 100ms;
    h.data(queue_event("q1", 3, 2), "2");  // held
    h.data(queue_event("q1", 1, 2), "3");  // latest wins: back to what the reader has
    h.now += 2000ms;
    h.pipeline->flush_due(h.now);
    h.pipeline->finish();
    CHECK(h.lines().size() == 1);
}

TEST_CASE("pipeline: the prefetch hint never changes what is written, right or wrong", "[app]") {
    // Past 4,096 resources the hint is used; feed it the true window, a
    // window of other ids, garbage and nothing, and the records are the same.
    constexpr int k_queues = 6000;
    auto id = [](int i) { return fmt::format("q{}", i); };
    auto run = [&](int hint) {
        Harness h{app::Config{}};
        std::vector<std::string> events;
        for (int round = 0; round < 3; ++round)
            for (int i = 0; i < k_queues; ++i)
                events.push_back(queue_event(id(i).c_str(), (i * 7 + round) % (round + 2), i % 3));
        std::string window;
        for (std::size_t e = 0; e < events.size(); ++e) {
            if (e % 50 == 0) {
                window.clear();
                for (std::size_t k = e; k < std::min(events.size(), e + 50); ++k) {
                    if (hint == 1) window.append("data: ").append(events[k]).append("\n\n");
                    if (hint == 2)
                        window.append("data: ")
                            .append(queue_event(id(static_cast<int>(k * 31 % 9000)).c_str(), 1, 1))
                            .append("\n\n");
                }
                if (hint == 3) window.assign(4096, 'I').append("Id\":\"");
                if (hint != 0) h.pipeline->prefetch(window);
            }
            h.data(events[e], std::to_string(e).c_str());
        }
        auto lines = h.lines();
        for (auto& line : lines) line.erase(line.find("\"ts\":"), line.find(",\"source_ts\"") - line.find("\"ts\":"));
        return lines;
    };
    const auto plain = run(0);
    REQUIRE(plain.size() > static_cast<std::size_t>(k_queues));
    CHECK(run(1) == plain);
    CHECK(run(2) == plain);
    CHECK(run(3) == plain);
}
