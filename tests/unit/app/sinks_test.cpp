// The sink seam and the committed state: several sinks on one pipeline see
// the same records, and the tracker lists what was committed.
#include <catch2/catch.hpp>

#include <map>
#include <string>
#include <vector>

#include "rtwatch/app/pipeline.hpp"
#include "rtwatch/output/ndjson.hpp"

using namespace rtwatch;
using namespace std::chrono_literals;

namespace {

// Every record as the NDJSON line it would be, with a fixed wall time.
struct CaptureSink final : app::RecordSink {
    std::vector<std::string> lines;
    std::vector<std::string> statuses;
    void metrics(const Record& record, std::span<const std::string_view> changed, WallTime) override {
        std::string line;
        output::append_metrics_line(line, record, changed, WallTime{});
        lines.push_back(line);
    }
    void status(const app::StatusChange& c, WallTime) override {
        statuses.push_back(std::string(app::status_name(c.status)) + ":" + std::string(c.message));
    }
};

std::string event(const char* kind, const std::string& id, int waiting, const char* state = "idle") {
    return fmt::format(R"({{"event":"data","{}Id":"{}","timestamp":"2026-11-27T14:30:{:02}.000Z",)"
                       R"("metrics":{{"waiting":{},"state":"{}"}}}})",
                       kind, id, waiting % 60, waiting, state);
}

// The NDJSON line of a committed state, `changed` empty.
std::string line_of(const Record& record) {
    std::string line;
    output::append_metrics_line(line, record, {}, WallTime{});
    return line;
}

}  // namespace

TEST_CASE("pipeline: two sinks attached to one pipeline receive the same records", "[app][sink]") {
    app::Config c;
    c.throttle = 500ms;
    c.fields = {"waiting"};
    app::Pipeline pipeline(c);
    CaptureSink a, b;
    pipeline.add_sink(a);
    pipeline.add_sink(b);
    TimePoint now{};
    for (int i = 0; i < 40; ++i) {
        pipeline.on_event("data", event("queue", "q" + std::to_string(i % 3), i / 2), std::to_string(i + 1), now);
        now += 100ms;
        pipeline.flush_due(now);
    }
    pipeline.status(app::UpstreamStatus::reconnecting, "stream closed");
    pipeline.finish();
    REQUIRE(a.lines.size() > 10);
    CHECK(a.lines == b.lines);
    CHECK(a.statuses == std::vector<std::string>{"reconnecting:stream closed"});
    CHECK(a.statuses == b.statuses);
}

TEST_CASE("change tracker: the committed state after a replay equals the last record per resource", "[app][diff]") {
    app::Config c;
    app::Pipeline pipeline(c);
    CaptureSink sink;
    pipeline.add_sink(sink);
    TimePoint now{};
    const char* kinds[] = {"queue", "agent", "skill"};
    std::uint64_t x = 12345;  // a fixed pseudo-random walk
    for (int i = 0; i < 500; ++i) {
        x = x * 6364136223846793005ull + 1442695040888963407ull;
        int resource = static_cast<int>(x >> 60) % 7;
        int waiting = static_cast<int>((x >> 40) % 4);
        pipeline.on_event(
            "data",
            event(kinds[resource % 3], "r" + std::to_string(resource), waiting, (x >> 20) % 2 ? "busy" : "idle"),
            std::to_string(i + 1), now);
    }
    // The last line written per resource, with `changed` emptied.
    std::map<std::string, std::string> last;
    for (const auto& line : sink.lines) {
        auto id_at = line.find(R"("id":")");
        auto id = line.substr(id_at, line.find('"', id_at + 6) - id_at);
        auto changed_at = line.find(R"("changed":[)");
        last[id] = line.substr(0, changed_at) + R"("changed":[]})" + "\n";
    }
    Record scratch;
    std::vector<std::string> listed;
    pipeline.committed().for_each_committed(scratch, [&](const Record& r) { listed.push_back(line_of(r)); });
    REQUIRE(listed.size() == 7);
    REQUIRE(last.size() == 7);
    for (const auto& line : listed) {
        auto id_at = line.find(R"("id":")");
        auto id = line.substr(id_at, line.find('"', id_at + 6) - id_at);
        CHECK(line == last[id]);
    }
    // One resource on its own, and an unknown one.
    Record one;
    REQUIRE(pipeline.committed().committed({ResourceKind::agent, "r1"}, one));
    CHECK(line_of(one) == last[R"("id":"r1)"]);
    CHECK_FALSE(pipeline.committed().committed({ResourceKind::queue, "r1"}, one));
}

TEST_CASE("change tracker: listing follows the order resources were first committed", "[app][diff]") {
    app::Config c;
    app::Pipeline pipeline(c);
    CaptureSink sink;
    pipeline.add_sink(sink);
    for (const char* id : {"q3", "q1", "q2", "q1", "q3"})
        pipeline.on_event("data", event("queue", id, static_cast<int>(sink.lines.size())), "1", TimePoint{});
    Record scratch;
    std::vector<std::string> ids;
    pipeline.committed().for_each_committed(scratch, [&](const Record& r) { ids.push_back(r.id); });
    CHECK(ids == std::vector<std::string>{"q3", "q1", "q2"});
}
