// A connection's snapshot: held until the event that carries its id, so
// every snapshot record has that id, a snapshot cut short is never taken
// for a whole one, and --once reports what a snapshot lacks.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "rtwatch/app/pipeline.hpp"
#include "rtwatch/app/snapshot_gate.hpp"

using namespace rtwatch;

namespace {

struct Listener final : app::SourceListener {
    std::vector<std::string> seen;  // "type data id", and "complete"
    void input_begins(WallTime) override {}
    void event(const app::SourceEvent& e) override {
        seen.push_back(std::string(e.type) + " " + std::string(e.data) + " " + std::string(e.id));
    }
    void record(Record&) override {}
    void snapshot_complete() override { seen.push_back("complete"); }
    void oversize(std::size_t) override {}
    void status(const app::StatusChange&) override {}
    void input_ends() override {}
    void source_ended(ExitCode, std::string) override {}
};

app::SourceEvent data(const char* text, const char* id = "") { return {"data", text, id, id}; }

}  // namespace

TEST_CASE("snapshot gate: snapshot events wait for the id of the last one and all carry it", "[app][snapshot]") {
    app::SnapshotGate gate;
    Listener l;
    gate.connection_opened();
    gate.offer(data("a"), false, l);
    gate.offer(data("b"), false, l);
    CHECK(l.seen.empty());
    gate.offer(data("c", "42"), true, l);
    CHECK(l.seen == std::vector<std::string>{"data a 42", "data b 42", "data c 42", "complete"});
    gate.offer(data("d", "43"), true, l);  // live events pass at once
    CHECK(l.seen.back() == "data d 43");
}

TEST_CASE("snapshot gate: a heartbeat in the middle of a snapshot does not complete it", "[app][snapshot]") {
    app::SnapshotGate gate;
    Listener l;
    gate.connection_opened();
    gate.offer(data("a"), false, l);
    gate.comment(l);
    CHECK(l.seen.empty());
    gate.offer({"error", "{}", "", ""}, false, l);  // control events are not held
    CHECK(l.seen == std::vector<std::string>{"error {} "});
}

TEST_CASE("snapshot gate: a snapshot cut by a drop is dropped; the next connection's counts", "[app][snapshot]") {
    app::SnapshotGate gate;
    Listener l;
    gate.connection_opened();
    gate.offer(data("a"), false, l);
    gate.connection_lost();
    CHECK(l.seen.empty());
    gate.connection_opened();
    gate.offer(data("a2"), false, l);
    gate.offer(data("b2", "7"), true, l);
    CHECK(l.seen == std::vector<std::string>{"data a2 7", "data b2 7", "complete"});
}

TEST_CASE("snapshot gate: an empty snapshot completes at the first heartbeat", "[app][snapshot]") {
    app::SnapshotGate gate;
    Listener l;
    gate.connection_opened();
    gate.comment(l);
    CHECK(l.seen == std::vector<std::string>{"complete"});
    gate.comment(l);  // once
    CHECK(l.seen.size() == 1);
}

TEST_CASE("snapshot gate: a resumed stream passes at once; end of input releases what is held", "[app][snapshot]") {
    app::SnapshotGate gate;
    Listener l;
    gate.connection_opened();
    gate.offer(data("r", "10"), true, l);
    CHECK(l.seen == std::vector<std::string>{"data r 10", "complete"});
    app::SnapshotGate replay;
    Listener m;
    replay.connection_opened();
    replay.offer(data("x"), false, m);
    replay.end_of_input(m);
    CHECK(m.seen == std::vector<std::string>{"data x ", "complete"});
}

namespace {

struct Counting final : app::RecordSink {
    int records = 0;
    void metrics(const Record&, std::span<const std::string_view>, WallTime) override { ++records; }
    void status(const app::StatusChange&, WallTime) override {}
};

std::string queue(const char* id) {
    return fmt::format(R"({{"event":"data","queueId":"{}","timestamp":"t","metrics":{{"waiting":1}}}})", id);
}

}  // namespace

TEST_CASE("pipeline: --once with ids names what the snapshot lacks", "[app][snapshot]") {
    app::Config c;
    c.once = true;
    c.queues = {"A", "B", "C"};
    app::Pipeline p(c);
    Counting sink;
    p.add_sink(sink);
    p.on_event("data", queue("A"), "5", TimePoint{});
    CHECK_FALSE(p.done());
    p.on_snapshot_complete();
    CHECK(p.done());
    CHECK(sink.records == 1);
    CHECK_THAT(p.snapshot_problem(), Catch::Contains("lacks 2 of the selected resources (queue B, queue C)"));
}

TEST_CASE("pipeline: --once with an empty snapshot is an error, --raw --once ends after it", "[app][snapshot]") {
    app::Config c;
    c.once = true;
    app::Pipeline empty(c);
    empty.on_snapshot_complete();
    CHECK(empty.done());
    CHECK_THAT(empty.snapshot_problem(), Catch::Contains("snapshot is empty"));
    c.raw = true;
    app::Pipeline raw(c);
    raw.on_event("data", queue("A"), "5", TimePoint{});
    CHECK_FALSE(raw.done());
    raw.on_snapshot_complete();
    CHECK(raw.done());
    CHECK(raw.snapshot_problem().empty());
}

TEST_CASE("pipeline: --once with every id seen is complete without waiting", "[app][snapshot]") {
    app::Config c;
    c.once = true;
    c.queues = {"A", "B"};
    app::Pipeline p(c);
    p.on_event("data", queue("B"), "5", TimePoint{});
    p.on_event("data", queue("A"), "5", TimePoint{});
    CHECK(p.done());
    CHECK(p.snapshot_problem().empty());
}
