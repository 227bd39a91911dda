// The hook runner on a real event loop: runs that wait coalesce per metric
// and start in order, failures are counted, a drain ends once all are done.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <csignal>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "hook_runner.hpp"
#include "rtwatch_test/temp_path.hpp"

using namespace rtwatch;
using namespace std::chrono_literals;

namespace {

struct TempDir {
    std::string path;
    TempDir() {
        std::string tmpl_template = rtwatch::test::temp_template("rtwatch-hooks");
        char* tmpl = tmpl_template.data();
        REQUIRE(::mkdtemp(tmpl));
        path = tmpl;
    }
    ~TempDir() { std::system(("rm -rf '" + path + "'").c_str()); }
    std::vector<std::string> lines(const std::string& name) const {
        std::ifstream in(path + "/" + name);
        std::vector<std::string> out;
        for (std::string line; std::getline(in, line);) out.push_back(line);
        return out;
    }
};

void offer_level(app::HookRunner& runner, const char* id, const char* level, int value) {
    MetricValue v;
    v.type = MetricValue::Type::number;
    v.text = std::to_string(value);
    output::LevelLine l;
    l.id = id;
    l.metric = "waiting";
    l.level = level;
    l.value = &v;
    l.threshold = "10";
    l.op = ">=";
    runner.level(l, WallTime{});
}

// A hook that exits before reading its stdin makes the write EPIPE: rtwatch
// ignores SIGPIPE (SignalWatch), and so does this test.
const bool k_sigpipe_ignored = ::signal(SIGPIPE, SIG_IGN) != SIG_ERR;

// Runs the loop until the runner has drained (or 20 s, a failure).
void drain(net::Loop& loop, app::HookRunner& runner) {
    REQUIRE(k_sigpipe_ignored);
    bool drained = false;
    auto guard = loop.add_timer(SteadyClock::now() + 20s, [&] { loop.stop(); });
    runner.drain([&] {
        drained = true;
        loop.stop();
    });
    if (!drained) loop.run();
    loop.cancel_timer(guard);
    REQUIRE(drained);
}

}  // namespace

TEST_CASE("hook runner: waiting runs coalesce per metric, latest wins, and start in order", "[app][hooks]") {
    TempDir dir;
    net::Loop loop;
    app::HookRunner runner(
        loop, {"echo \"$RTWATCH_ID $RTWATCH_LEVEL $RTWATCH_VALUE$RTWATCH_STATUS\" >> " + dir.path + "/log", 1, 10s});
    // The loop has not turned: the first run cannot have ended, the rest wait.
    offer_level(runner, "q1", "yellow", 6);
    offer_level(runner, "q1", "red", 11);
    offer_level(runner, "q2", "red", 12);
    offer_level(runner, "q1", "green", 1);
    runner.status(app::StatusChange{app::UpstreamStatus::connected, "", {}, false}, WallTime{});
    runner.status(app::StatusChange{app::UpstreamStatus::token_refreshed, "", {}, false},
                  WallTime{});  // routine: no hook
    runner.status(app::StatusChange{app::UpstreamStatus::stale, "no bytes for 30s", {}, false}, WallTime{});
    drain(loop, runner);
    CHECK(dir.lines("log") == std::vector<std::string>{"q1 yellow 6", "q1 green 1", "q2 red 12", "  stale"});
    const auto& c = runner.counters();
    CHECK(c.records == 5);  // the first connection is no news (see status_alerts_test.cpp)
    CHECK(c.runs == 4);
    CHECK(c.coalesced == 1);
    CHECK(c.failed == 0);
}

TEST_CASE("hook runner: runs of one metric never overlap, other metrics run beside them", "[app][hooks]") {
    TempDir dir;
    net::Loop loop;
    // Each run notes its start and end; overlapping runs of q1 would interleave.
    app::HookRunner runner(loop, {"echo \"start $RTWATCH_ID\" >> " + dir.path + "/log; cat > /dev/null; echo \"end " +
                                      "$RTWATCH_ID\" >> " + dir.path + "/log",
                                  4, 10s});
    offer_level(runner, "q1", "red", 11);
    offer_level(runner, "q2", "red", 11);
    drain(loop, runner);
    offer_level(runner, "q1", "green", 1);
    drain(loop, runner);
    auto lines = dir.lines("log");
    REQUIRE(lines.size() == 6);
    CHECK(lines[4] == "start q1");
    CHECK(lines[5] == "end q1");
}

TEST_CASE("hook runner: a failing or missing command is counted, and the runner goes on", "[app][hooks]") {
    net::Loop loop;
    app::HookRunner runner(loop, {"exit 3", 2, 10s});
    offer_level(runner, "q1", "red", 11);
    offer_level(runner, "q2", "red", 11);
    drain(loop, runner);
    CHECK(runner.counters().runs == 2);
    CHECK(runner.counters().failed == 2);
    app::HookRunner missing(loop, {"/nonexistent/page.sh", 1, 10s});
    offer_level(missing, "q1", "red", 11);
    drain(loop, missing);
    CHECK(missing.counters().failed == 1);  // sh reports 127
}

TEST_CASE("hook runner: a drain that runs out of time kills what still runs", "[app][hooks]") {
    net::Loop loop;
    app::HookRunner runner(loop, {"sleep 30", 1, 300ms});
    offer_level(runner, "q1", "red", 11);
    offer_level(runner, "q2", "red", 11);  // waits, then is given up
    auto start = SteadyClock::now();
    drain(loop, runner);
    CHECK(SteadyClock::now() - start < 5s);
    CHECK(runner.counters().failed == 1);
    CHECK(runner.counters().dropped == 1);
}

TEST_CASE("hook runner: a huge value is cut in the environment, so the hook still starts", "[app][hooks]") {
    TempDir dir;
    net::Loop loop;
    app::HookRunner runner(loop, {"printf %s \"$RTWATCH_VALUE\" | wc -c > " + dir.path + "/size", 1, 10s});
    MetricValue v;
    v.type = MetricValue::Type::string;
    v.text.assign(200 * 1024, 'x');
    output::LevelLine l;
    l.id = "agent-1";
    l.metric = "note";
    l.level = "red";
    l.value = &v;
    l.threshold_is_number = false;
    l.threshold = "x";
    l.op = "!=";
    runner.level(l, WallTime{});
    drain(loop, runner);
    CHECK(runner.counters().failed == 0);
    REQUIRE(dir.lines("size").size() == 1);
    CHECK(std::stoul(dir.lines("size")[0]) == app::k_max_env_value);
}

TEST_CASE("hook runner: an outage runs the hook at its start and when the connection has held", "[app][hooks]") {
    TempDir dir;
    net::Loop loop;
    app::HookOptions options{"echo \"$RTWATCH_STATUS $RTWATCH_ATTEMPTS $(cat)\" >> " + dir.path + "/log", 1, 10s};
    options.recovery_hold = 100ms;
    app::HookRunner runner(loop, options);
    auto status = [&](app::UpstreamStatus s, const char* message) {
        runner.status(app::StatusChange{s, message, {}, false}, WallTime{});
    };
    status(app::UpstreamStatus::connected, "");
    for (int i = 0; i < 5; ++i) status(app::UpstreamStatus::reconnecting, "connection refused");
    status(app::UpstreamStatus::connected, "");
    status(app::UpstreamStatus::reconnecting, "closed at once");  // merely opened: the same outage
    status(app::UpstreamStatus::connected, "");
    bool held = false;
    auto guard = loop.add_timer(loop.now() + 5s, [&] { loop.stop(); });
    auto poll = std::function<void()>();
    poll = [&] {
        if (dir.lines("log").size() == 2) {
            held = true;
            return loop.stop();
        }
        (void)loop.add_timer(loop.now() + 10ms, poll);
    };
    (void)loop.add_timer(loop.now() + 10ms, poll);
    loop.run();
    loop.cancel_timer(guard);
    REQUIRE(held);
    auto lines = dir.lines("log");
    CHECK_THAT(lines[0], Catch::StartsWith("reconnecting 1 {\"type\":\"status\""));
    CHECK_THAT(lines[0], Catch::Contains(R"("attempts":1,"down_for_ms":0})"));
    CHECK_THAT(lines[1], Catch::StartsWith("connected 6 "));
    CHECK_THAT(lines[1], Catch::Contains(R"("message":"recovered after 6 failed attempts in )"));
    CHECK(runner.counters().runs == 2);
}
