// --level end to end: a crafted capture replayed to the exact level
// records, and a live run whose last levels agree with the simulator's
// ground truth judged by the same spec.
#include <catch2/catch.hpp>

#include <map>
#include <thread>

#include "rtwatch_run.hpp"
#include "rtwatch_test/binaries.hpp"

using namespace rtwatch::test;
using namespace std::chrono_literals;

namespace {

const std::string k_levels_sse = std::string(RTWATCH_TEST_DATA) + "/levels.sse";
const std::vector<std::string> k_specs{"--level", "waiting: yellow >= 5, red >= 10, clear 2",
                                       "--level", "serviceLevelPercentile: yellow < 80, red < 60, clear 5",
                                       "--level", "state: red == \"not_responding\""};

// "#2 queue/q2 waiting red<-null 12 >= 10": a level record in short.
std::string brief(const rapidjson::Value& r) {
    return "#" + std::string(r["event_id"].GetString()) + " " + r["kind"].GetString() + "/" + r["id"].GetString() +
           " " + r["metric"].GetString() + " " + r["level"].GetString() + "<-" +
           (r["previous"].IsNull() ? "null" : r["previous"].GetString()) + " " + json_text(r["value"]) + " " +
           r["op"].GetString() + " " + json_text(r["threshold"]);
}

std::vector<std::string> level_briefs(const std::string& text) {
    std::vector<std::string> out;
    for (const auto& r : parse_lines(text))
        if (std::string(r["type"].GetString()) == "level") out.push_back(brief(r));
    return out;
}

}  // namespace

TEST_CASE("levels: a crafted capture replays to exactly one level record per change", "[integration][levels]") {
    auto args = k_specs;
    args.insert(args.begin(), {"replay", k_levels_sse});
    auto p = start_rtwatch_raw(args);
    auto status = p->wait_for(k_exit_timeout);
    REQUIRE(status);
    INFO(p->stderr_text());
    CHECK(status->code == 0);
    CHECK(level_briefs(p->stdout_text()) == std::vector<std::string>{
                                                "#2 queue/q2 waiting red<-null 12 >= 10",
                                                "#2 queue/q2 serviceLevelPercentile red<-null 50 < 60",
                                                "#3 queue/q1 waiting yellow<-green 6 >= 5",
                                                "#6 queue/q1 waiting red<-yellow 10 >= 10",
                                                "#9 queue/q1 waiting yellow<-red 7 >= 5",
                                                "#11 queue/q1 waiting green<-yellow 2 >= 5",
                                                "#11 queue/q1 serviceLevelPercentile yellow<-green 79 < 80",
                                                "#13 queue/q1 serviceLevelPercentile green<-yellow 85 < 80",
                                                "#14 queue/q1 waiting red<-green 11 >= 10",
                                                "#15 agent/a1 state red<-null \"not_responding\" == \"not_responding\"",
                                                "#16 agent/a1 state green<-red \"idle\" == \"not_responding\"",
                                                "#17 queue/q2 waiting yellow<-red 7 >= 5",
                                                "#18 queue/q2 serviceLevelPercentile yellow<-red 66 < 80",
                                            });
    // null is no data: said once, and the level stays.
    CHECK_THAT(p->stderr_text(), Catch::Contains("sent null where the spec compares numbers"));
    // Metrics records carry the levels in effect.
    auto records = parse_lines(p->stdout_text());
    const auto& last = records.back();
    REQUIRE(std::string(last["type"].GetString()) == "metrics");
    CHECK(json_text(last["levels"]) == R"({"waiting":"yellow","serviceLevelPercentile":"yellow"})");
}

TEST_CASE("levels: --levels-only writes level records only, status records with --status", "[integration][levels]") {
    auto args = k_specs;
    args.insert(args.begin(), {"replay", k_levels_sse, "--levels-only", "--status"});
    auto p = start_rtwatch_raw(args);
    REQUIRE(p->wait_for(k_exit_timeout));
    std::map<std::string, int> types;
    for (const auto& r : parse_lines(p->stdout_text())) ++types[r["type"].GetString()];
    CHECK(types == std::map<std::string, int>{{"level", 13}, {"status", 1}});
}

TEST_CASE("levels: --where and --fields keep their meaning next to --level", "[integration][levels]") {
    auto p = start_rtwatch_raw({"replay", k_levels_sse, "--fields", "waiting", "--where", "waiting >= 0", "--level",
                                "waiting: yellow >= 5, red >= 10, clear 2"});
    REQUIRE(p->wait_for(k_exit_timeout));
    auto records = parse_lines(p->stdout_text());
    for (const auto& r : records)
        if (std::string(r["type"].GetString()) == "metrics") CHECK(r["metrics"].MemberCount() == 1);
    // The agent has no waiting and q2's null fails --where: the waiting levels are the same as without them.
    CHECK(level_briefs(p->stdout_text()).size() == 7);
}

TEST_CASE("levels: live, the last level per queue is the spec applied to /sim/state", "[integration][levels]") {
    Sim sim({"--seed", "5", "--queues", "4", "--skills", "2", "--agents", "10", "--speed", "300", "--rate", "1000"});
    // No `for`/`hold` and no band: the level follows from the last value alone.
    auto rt = start_rtwatch(sim, {"--queue", "queue-0001,queue-0002,queue-0003,queue-0004", "--fields", "waiting",
                                  "--level", "waiting: yellow >= 1, red >= 2"});
    REQUIRE(rt->wait_for_stdout_lines(40, 15s));
    REQUIRE(sim.fault(R"({"kind":"pause"})").status == 200);
    auto state = sim.state();
    auto expected = [&](const std::string& id) {
        int waiting = state["queues"][id.c_str()]["waiting"].GetInt();
        return std::string(waiting >= 2 ? "red" : waiting >= 1 ? "yellow" : "green");
    };
    std::map<std::string, std::string> truth;
    for (auto& q : state["queues"].GetObject()) truth[q.name.GetString()] = expected(q.name.GetString());
    // Caught up once each queue's last metrics record shows the truth's waiting.
    std::map<std::string, std::string> by_level_record, by_metrics_record;
    bool caught_up = wait_until(
        [&] {
            by_level_record.clear();
            by_metrics_record.clear();
            for (const auto& r : parse_lines(rt->stdout_text())) {
                std::string type = r["type"].GetString(), id = r["id"].GetString();
                if (type == "level") by_level_record[id] = r["level"].GetString();
                if (type != "metrics") continue;
                by_metrics_record[id] = r["levels"]["waiting"].GetString();
                if (!by_level_record.count(id)) by_level_record[id] = "green";  // a green first value is not written
            }
            return by_metrics_record == truth;
        },
        10s);
    INFO(rt->stderr_text());
    CHECK(caught_up);
    CHECK(by_level_record == truth);
    rt->kill(SIGTERM);
    auto status = rt->wait_for(k_exit_timeout);
    REQUIRE(status);
    CHECK(status->code == 0);
}

TEST_CASE("levels: `for` counts from when a value arrives, also after a quiet spell", "[integration][levels]") {
    ProcessOptions o;
    o.argv = {rtwatch_binary(), "replay", "-", "--levels-only", "--level", "waiting: red >= 10, for 1s"};
    o.stdin_pipe = true;
    Process p(std::move(o));
    auto event = [](int waiting) {
        return "event: data\ndata: {\"event\":\"data\",\"queueId\":\"q1\",\"metrics\":{\"waiting\":" +
               std::to_string(waiting) + "}}\n\n";
    };
    REQUIRE(p.write_stdin(event(1)));
    // The stream is quiet for a while: the quiet must not count towards `for`.
    std::this_thread::sleep_for(1500ms);
    auto sent = std::chrono::steady_clock::now();
    REQUIRE(p.write_stdin(event(12)));
    REQUIRE(p.wait_for_stdout_lines(1, 10s));
    auto took = std::chrono::steady_clock::now() - sent;
    CHECK(took >= 950ms);
    CHECK(took < 5s);
    CHECK_THAT(p.stdout_lines()[0], Catch::Contains(R"("level":"red")"));
    p.close_stdin();
    REQUIRE(p.wait_for(k_exit_timeout));
}
