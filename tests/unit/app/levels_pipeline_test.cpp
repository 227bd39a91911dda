// The levels stage in the pipeline: level records at once and in order,
// the levels field of metrics records, the throttle never holding a level
// back, pending moves taking effect on the pipeline's deadline.
#include <catch2/catch.hpp>

#include <rapidjson/document.h>

#include <string>
#include <vector>

#include "rtwatch/app/pipeline.hpp"
#include "rtwatch/output/ndjson.hpp"

using namespace rtwatch;
using namespace std::chrono_literals;

namespace {

const WallTime k_wall{std::chrono::milliseconds(1'795'789'800'000LL)};  // 2026-11-27T14:30:00.000Z

// Each record as its NDJSON line, in the order the sink got them.
struct CaptureSink final : app::RecordSink {
    std::vector<std::string> lines;
    void metrics(const Record& record, std::span<const std::string_view> changed, WallTime now) override {
        output::append_metrics_line(lines.emplace_back(), record, changed, now);
    }
    void leveled_metrics(const Record& record, std::span<const std::string_view> changed,
                         std::span<const output::NamedLevel> levels, WallTime now) override {
        output::append_metrics_line(lines.emplace_back(), record, changed, levels, now);
    }
    void level(const output::LevelLine& change, WallTime now) override {
        output::append_level_line(lines.emplace_back(), change, now);
    }
    void status(const app::StatusChange&, WallTime) override {}
};

// A record in short: "level q1 waiting yellow<-green 6 >=5 #2" or "metrics q1 6 {waiting:yellow}".
std::string brief(const std::string& line) {
    rapidjson::Document d;
    d.Parse(line.data(), line.size() - 1);
    REQUIRE_FALSE(d.HasParseError());
    std::string type = d["type"].GetString();
    if (type == "level")
        return fmt::format("level {} {} {}<-{} {} {}{} #{}", d["id"].GetString(), d["metric"].GetString(),
                           d["level"].GetString(), d["previous"].IsNull() ? "null" : d["previous"].GetString(),
                           d["value"].GetInt(), d["op"].GetString(), d["threshold"].GetInt(),
                           d["event_id"].GetString());
    std::string levels;
    for (auto& m : d["levels"].GetObject())
        levels += fmt::format("{}{}:{}", levels.empty() ? "" : ",", m.name.GetString(), m.value.GetString());
    return fmt::format("metrics {} {} {{{}}}", d["id"].GetString(), d["metrics"]["waiting"].GetInt(), levels);
}

std::string waiting_event(const char* id, int waiting, int agents = 1) {
    return fmt::format(R"({{"event":"data","queueId":"{}","timestamp":"2026-11-27T14:30:00.123Z",)"
                       R"("metrics":{{"waiting":{},"availableAgents":{}}}}})",
                       id, waiting, agents);
}

struct Run {
    app::Config config;
    app::Pipeline pipeline;
    CaptureSink sink;
    TimePoint start{}, now{};
    int next_id = 1;

    explicit Run(app::Config c) : config(std::move(c)), pipeline(config) { pipeline.add_sink(sink); }
    void at(std::chrono::milliseconds t) {
        now = start + t;
        pipeline.begin_batch(k_wall + t);
    }
    void data(const std::string& json) { pipeline.on_event("data", json, std::to_string(next_id++), now); }
    std::vector<std::string> briefs() const {
        std::vector<std::string> out;
        for (const auto& l : sink.lines) out.push_back(brief(l));
        return out;
    }
};

app::Config with_levels(std::initializer_list<const char*> specs) {
    app::Config c;
    std::vector<std::string> texts(specs.begin(), specs.end());
    std::vector<std::string> errors;
    c.levels = levels::parse_level_specs(texts, errors);
    REQUIRE(errors.empty());
    return c;
}

}  // namespace

TEST_CASE("levels stage: values crossing, hovering and recrossing thresholds give one record per change",
          "[app][levels]") {
    Run r(with_levels({"waiting: yellow >= 5, red >= 10, clear 2"}));
    int values[] = {3, 6, 9, 6, 10, 8, 7, 4, 3, 2, 11};
    for (int i = 0; i < 11; ++i) {
        r.at(std::chrono::seconds(i));
        r.data(waiting_event("q1", values[i]));
    }
    CHECK(r.briefs() == std::vector<std::string>{
                            "metrics q1 3 {waiting:green}",  // green first: no level record
                            "level q1 waiting yellow<-green 6 >=5 #2",
                            "metrics q1 6 {waiting:yellow}",
                            "metrics q1 9 {waiting:yellow}",  // hovers below red
                            "metrics q1 6 {waiting:yellow}",
                            "level q1 waiting red<-yellow 10 >=10 #5",
                            "metrics q1 10 {waiting:red}",
                            "metrics q1 8 {waiting:red}",  // within the band: 10 - 2
                            "level q1 waiting yellow<-red 7 >=5 #7",
                            "metrics q1 7 {waiting:yellow}",
                            "metrics q1 4 {waiting:yellow}",  // yellow's band: 5 - 2
                            "metrics q1 3 {waiting:yellow}",
                            "level q1 waiting green<-yellow 2 >=5 #10",  // the threshold of the level left
                            "metrics q1 2 {waiting:green}",
                            "level q1 waiting red<-green 11 >=10 #11",
                            "metrics q1 11 {waiting:red}",
                        });
    CHECK(r.pipeline.counters().levels == 5);
    // since: when the level left began; ts: when written.
    rapidjson::Document d;
    d.Parse(r.sink.lines[5].data());
    CHECK(std::string(d["since"].GetString()) == "2026-11-27T14:30:01.000Z");
    CHECK(std::string(d["ts"].GetString()) == "2026-11-27T14:30:04.000Z");
}

TEST_CASE("levels stage: a first value that is not green is written with previous null", "[app][levels]") {
    Run r(with_levels({"waiting: red >= 10"}));
    r.at(0s);
    r.data(waiting_event("q1", 12));
    r.data(waiting_event("q2", 1));
    CHECK(r.briefs() == std::vector<std::string>{"level q1 waiting red<-null 12 >=10 #1", "metrics q1 12 {waiting:red}",
                                                 "metrics q2 1 {waiting:green}"});
}

TEST_CASE("levels stage: the throttle holds metrics records but never a level record", "[app][levels]") {
    app::Config c = with_levels({"waiting: yellow >= 5, red >= 10"});
    c.throttle = 10s;
    Run r(c);
    r.at(0s);
    r.data(waiting_event("q1", 3));  // written, opens the window
    r.at(1s);
    r.data(waiting_event("q1", 12));
    r.at(2s);
    r.data(waiting_event("q1", 6));
    CHECK(r.briefs() == std::vector<std::string>{"metrics q1 3 {waiting:green}",
                                                 "level q1 waiting red<-green 12 >=10 #2",
                                                 "level q1 waiting yellow<-red 6 >=5 #3"});
    REQUIRE(r.pipeline.next_deadline() == r.start + 10s);
    r.at(10s);
    r.pipeline.on_deadline(r.now);
    // The held record carries the level in effect when it is written.
    CHECK(r.briefs().back() == "metrics q1 6 {waiting:yellow}");
    CHECK(r.sink.lines.size() == 4);
}

TEST_CASE("levels stage: a pending move takes effect on the deadline, repeats skipped or not", "[app][levels]") {
    Run r(with_levels({"waiting: yellow >= 5, for 10s, hold 5s"}));
    r.at(0s);
    r.data(waiting_event("q1", 3));
    r.at(1s);
    r.data(waiting_event("q1", 6));  // yellow pending until 11 s
    CHECK(r.pipeline.next_deadline() == r.start + 11s);
    for (int s = 2; s < 11; ++s) {
        r.at(std::chrono::seconds(s));
        r.data(waiting_event("q1", 6));  // the same text as committed: not even decoded
    }
    CHECK(r.pipeline.counters().levels == 0);
    CHECK(r.pipeline.counters().records == 2);
    // Later than due (the loop was late): the move is still made.
    r.at(12s);
    r.pipeline.on_deadline(r.now);
    auto b = r.briefs();
    REQUIRE(b.size() == 3);
    CHECK(b[2] == "level q1 waiting yellow<-green 6 >=5 #2");  // the ids of the record that brought the 6
    CHECK_FALSE(r.pipeline.next_deadline().has_value());
    // Repeats after the change are still skipped and change nothing.
    r.data(waiting_event("q1", 6));
    CHECK(r.sink.lines.size() == 3);
    // A dip shorter than `hold` does not lower the level; a longer one does, on time.
    r.at(13s);
    r.data(waiting_event("q1", 2));
    r.at(15s);
    r.data(waiting_event("q1", 7));
    r.at(16s);
    r.data(waiting_event("q1", 1));
    CHECK(r.pipeline.next_deadline() == r.start + 21s);
    r.at(21s);
    r.pipeline.on_deadline(r.now);
    CHECK(r.briefs().back() == "level q1 waiting green<-yellow 1 >=5 #15");
}

TEST_CASE("levels stage: the deadline is the earlier of the throttle's and the levels'", "[app][levels]") {
    app::Config c = with_levels({"waiting: red >= 10, for 3s"});
    c.throttle = 10s;
    Run r(c);
    r.at(0s);
    r.data(waiting_event("q1", 1));
    r.at(1s);
    r.data(waiting_event("q1", 12));
    CHECK(r.pipeline.next_deadline() == r.start + 4s);
    r.at(4s);
    r.pipeline.on_deadline(r.now);
    CHECK(r.briefs().back() == "level q1 waiting red<-green 12 >=10 #2");
    CHECK(r.pipeline.next_deadline() == r.start + 10s);
    r.at(10s);
    r.pipeline.on_deadline(r.now);
    CHECK(r.briefs().back() == "metrics q1 12 {waiting:red}");
}

TEST_CASE("levels stage: levels of metrics the record lacks stay, other metrics have none", "[app][levels]") {
    Run r(with_levels({"waiting: red >= 10", "availableAgents: red < 1"}));
    r.at(0s);
    r.data(waiting_event("q1", 12, 0));
    r.data(R"({"event":"data","queueId":"q1","metrics":{"waiting":2}})");
    auto b = r.briefs();
    REQUIRE(b.size() == 5);
    CHECK(b[0] == "level q1 waiting red<-null 12 >=10 #1");
    CHECK(b[1] == "level q1 availableAgents red<-null 0 <1 #1");
    CHECK(b[2] == "metrics q1 12 {waiting:red,availableAgents:red}");
    CHECK(b[3] == "level q1 waiting green<-red 2 >=10 #2");
    CHECK(b[4] == "metrics q1 2 {waiting:green,availableAgents:red}");
}

TEST_CASE("levels stage: --levels-only counts level records for --count", "[app][levels]") {
    app::Config c = with_levels({"waiting: red >= 10"});
    c.levels_only = true;
    c.count = 2;
    Run r(c);
    r.at(0s);
    for (int v : {1, 12, 13, 2, 3, 11}) r.data(waiting_event("q1", v));
    CHECK(r.pipeline.done());
    CHECK(r.pipeline.counters().levels == 2);
}

TEST_CASE("levels stage: --count is exact when one record changes several levels", "[app][levels]") {
    app::Config c = with_levels({"waiting: red >= 10", "availableAgents: red < 1"});
    c.levels_only = true;
    c.count = 1;
    Run r(c);
    r.at(0s);
    r.data(waiting_event("q1", 12, 0));  // two changes at once
    CHECK(r.pipeline.done());
    CHECK(r.pipeline.counters().levels == 1);
    CHECK(r.briefs() == std::vector<std::string>{"level q1 waiting red<-null 12 >=10 #1"});
}
