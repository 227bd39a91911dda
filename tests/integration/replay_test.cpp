// Record a live stream, replay it offline through the same pipeline.
#include <catch2/catch.hpp>

#include "rtwatch_run.hpp"
#include "rtwatch_test/binaries.hpp"

using namespace rtwatch::test;
using namespace std::chrono_literals;

namespace {
// The records without the write time, for comparing two runs.
std::vector<std::string> without_ts(const std::string& text) {
    std::vector<std::string> out;
    for (auto& r : parse_lines(text)) {
        if (std::string(r["type"].GetString()) != "metrics") continue;
        r.RemoveMember("ts");
        out.push_back(json_text(r));
    }
    return out;
}
}  // namespace

TEST_CASE("replay: a recorded stream replays to the same records", "[integration]") {
    Sim sim({"--seed", "4", "--queues", "3", "--agents", "6", "--skills", "1", "--speed", "300", "--rate", "1000"});
    auto dir = make_temp_dir();
    auto capture = dir + "/capture.sse";
    auto rt = start_rtwatch(sim, {"--queue", "queue-0001,queue-0002", "--record", capture, "--count", "30"});
    auto status = rt->wait_for(k_exit_timeout);
    REQUIRE(status);
    REQUIRE(status->code == 0);
    auto live = without_ts(rt->stdout_text());
    REQUIRE(live.size() == 30);

    auto replay = start_rtwatch_raw({"replay", capture});
    auto rs = replay->wait_for(k_exit_timeout);
    REQUIRE(rs);
    CHECK(rs->code == 0);
    auto replayed = without_ts(replay->stdout_text());
    // The capture may hold events past the 30th record: compare the prefix.
    REQUIRE(replayed.size() >= live.size());
    replayed.resize(live.size());
    CHECK(replayed == live);
}

TEST_CASE("replay: stdin is processed as it arrives, not at end of input", "[integration]") {
    ProcessOptions o;
    o.argv = {rtwatch::test::rtwatch_binary(), "replay", "-"};
    o.stdin_pipe = true;
    Process p(std::move(o));
    std::string event =
        "id: 1\nevent: data\ndata: {\"event\":\"data\",\"queueId\":\"q1\",\"metrics\":{\"waiting\":1}}\n\n";
    REQUIRE(p.write_stdin(event.substr(0, 30)));
    REQUIRE(p.write_stdin(event.substr(30)));
    REQUIRE(p.wait_for_stdout_lines(1, 10s));
    CHECK_THAT(p.stdout_lines()[0], Catch::Contains(R"("id":"q1")"));
    p.close_stdin();
    auto status = p.wait_for(k_exit_timeout);
    REQUIRE(status);
    CHECK(status->code == 0);
}

TEST_CASE("replay: --raw prints each event as type, data and the id in effect", "[integration]") {
    std::string input = "\xEF\xBB\xBFid: 7\nevent: reconnect\ndata: {\"retryAfterMs\":5}\n\ndata: a\ndata: b\n\n";
    auto p = start_rtwatch_raw({"replay", "-", "--raw"}, {}, input);
    auto status = p->wait_for(k_exit_timeout);
    REQUIRE(status);
    CHECK(status->code == 0);
    auto lines = p->stdout_lines();
    REQUIRE(lines.size() == 2);
    CHECK(lines[0] == R"({"type":"reconnect","data":"{\"retryAfterMs\":5}","id":"7"})");
    CHECK(lines[1] == R"({"type":"message","data":"a\nb","id":"7"})");
}

TEST_CASE("replay: a missing file is a clear error", "[integration]") {
    auto p = start_rtwatch_raw({"replay", "/nonexistent/capture.sse"});
    auto status = p->wait_for(k_exit_timeout);
    REQUIRE(status);
    CHECK(status->code == 2);
    CHECK_THAT(p->stderr_text(), Catch::Contains("/nonexistent/capture.sse"));
}
