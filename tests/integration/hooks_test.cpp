// --exec end to end: every level record reaches the hook once and in order,
// with its fields in the environment and never the secret; a slow hook
// neither delays the stream nor outlives --exec-timeout; a burst coalesces
// to the latest level per metric; an upstream that refuses runs the hook
// once for the outage, not once per attempt.
#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "rtwatch_run.hpp"
#include "rtwatch_test/binaries.hpp"

using namespace rtwatch::test;
using namespace std::chrono_literals;

namespace {

const std::string k_levels_sse = std::string(RTWATCH_TEST_DATA) + "/levels.sse";
const char* k_secret = "hook-must-never-see-this";

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
}

// The capture's events, one string each.
std::vector<std::string> events_of(const std::string& capture) {
    std::vector<std::string> out;
    std::string text = read_file(capture);
    for (size_t start = 0; start < text.size();) {
        size_t end = text.find("\n\n", start);
        if (end == std::string::npos) end = text.size();
        if (text.compare(start, 3, "id:") == 0) out.push_back(text.substr(start, end + 2 - start));
        start = end + 2;
    }
    return out;
}

std::vector<std::string> files_named(const std::string& dir, const std::string& prefix) {
    std::vector<std::string> out;
    DIR* d = ::opendir(dir.c_str());
    REQUIRE(d);
    while (dirent* e = ::readdir(d))
        if (std::string(e->d_name).rfind(prefix, 0) == 0) out.push_back(dir + "/" + e->d_name);
    ::closedir(d);
    return out;
}

// Level lines grouped by "kind/id/metric", in their order.
std::map<std::string, std::vector<std::string>> by_metric(const std::vector<std::string>& lines) {
    std::map<std::string, std::vector<std::string>> out;
    for (const auto& line : lines) {
        auto doc = parse_lines(line);
        const auto& r = doc.at(0);
        out[std::string(r["kind"].GetString()) + "/" + r["id"].GetString() + "/" + r["metric"].GetString()].push_back(
            line);
    }
    return out;
}

// `ls -l /proc/PID/fd` as fd -> what it points at.
std::map<int, std::string> fds_of(const std::string& listing) {
    std::map<int, std::string> out;
    for (const auto& line : lines_of(listing)) {
        auto arrow = line.find(" -> ");
        if (arrow == std::string::npos) continue;
        auto name_at = line.rfind(' ', arrow - 1) + 1;
        out[std::stoi(line.substr(name_at, arrow - name_at))] = line.substr(arrow + 4);
    }
    return out;
}

std::vector<std::string> level_lines(const std::string& text) {
    std::vector<std::string> out;
    for (const auto& l : lines_of(text))
        if (l.find(R"({"type":"level")") == 0) out.push_back(l);
    return out;
}

std::unique_ptr<Process> start_replay_stdin(std::vector<std::string> args) {
    ProcessOptions o;
    o.argv = {rtwatch_binary(), "replay", "-"};
    o.argv.insert(o.argv.end(), args.begin(), args.end());
    o.env = {{"RTWATCH_CLIENT_SECRET", k_secret}};
    o.stdin_pipe = true;
    return std::make_unique<Process>(std::move(o));
}

}  // namespace

TEST_CASE("hooks: every level record reaches the hook once, in order, with its fields and without the secret",
          "[integration][hooks]") {
    auto dir = make_temp_dir("rtwatch-hooks");
    // The hook lists its descriptors and environment before anything else
    // opens a file, then appends one line per run: its variables and stdin.
    std::string hook =
        "ls -l /proc/$$/fd > " + dir + "/fd.$$; tr '\\0' '\\n' < /proc/$$/environ > " + dir +
        "/env.$$; r=$(cat); echo hook-noise; printf '%s|%s|%s|%s|%s|%s|%s|%s\\n' \"$RTWATCH_KIND\" "
        "\"$RTWATCH_ID\" \"$RTWATCH_METRIC\" \"$RTWATCH_LEVEL\" \"$RTWATCH_PREVIOUS\" \"$RTWATCH_VALUE\" "
        "\"$RTWATCH_STATUS\" \"$r\" >> " +
        dir + "/hook.log";
    auto p = start_replay_stdin({"--level", "waiting: yellow >= 5, red >= 10, clear 2", "--level",
                                 "serviceLevelPercentile: yellow < 80, red < 60, clear 5", "--level",
                                 "state: red == \"not_responding\"", "--exec", hook});
    // One event at a time, each level record's hook done before the next
    // event: nothing waits, so nothing coalesces. The capture's level
    // records per event id (see levels_test.cpp):
    std::map<int, size_t> changes{{2, 2},  {3, 1},  {6, 1},  {9, 1},  {11, 2}, {13, 1},
                                  {14, 1}, {15, 1}, {16, 1}, {17, 1}, {18, 1}};
    size_t expected = 0;
    auto events = events_of(k_levels_sse);
    REQUIRE(events.size() == 18);
    for (int id = 1; id <= 18; ++id) {
        REQUIRE(p->write_stdin(events[id - 1]));
        expected += changes[id];
        auto written = [&] { return level_lines(p->stdout_text()).size(); };
        auto hooked = [&] { return lines_of(read_file(dir + "/hook.log")).size(); };
        REQUIRE(wait_until([&] { return written() == expected && hooked() == expected; }, 10s));
    }
    p->close_stdin();
    auto status = p->wait_for(k_exit_timeout);
    REQUIRE(status);
    INFO(p->stderr_text());
    CHECK(status->code == 0);

    auto records = level_lines(p->stdout_text());
    REQUIRE(records.size() == 13);
    std::vector<std::string> hooked_records, status_runs;
    for (const auto& line : lines_of(read_file(dir + "/hook.log"))) {
        auto record = line.substr(line.rfind('|') + 1);
        if (line.find("|stopped|") != std::string::npos) {
            status_runs.push_back(record);
            continue;
        }
        hooked_records.push_back(record);
        auto doc = parse_lines(record);
        REQUIRE(doc.size() == 1);
        const auto& r = doc[0];
        std::string env = std::string(r["kind"].GetString()) + "|" + r["id"].GetString() + "|" +
                          r["metric"].GetString() + "|" + r["level"].GetString() + "|" +
                          (r["previous"].IsNull() ? "" : r["previous"].GetString()) + "|" +
                          (r["value"].IsString() ? r["value"].GetString() : json_text(r["value"])) + "||";
        CHECK(line.substr(0, env.size()) == env);
    }
    // The same lines, once each, in order per (resource, metric); hooks of
    // different metrics run side by side.
    CHECK(by_metric(hooked_records) == by_metric(records));
    CHECK(hooked_records.size() == records.size());
    REQUIRE(status_runs.size() == 1);  // the end of the run is a status change too
    CHECK_THAT(status_runs[0], Catch::Contains(R"("status":"stopped")"));

    // The hook's stdout is not the data stream.
    CHECK(p->stdout_text().find("hook-noise") == std::string::npos);
    CHECK_THAT(p->stderr_text(), Catch::Contains("hook-noise"));
    // Neither the secret nor any descriptor of rtwatch besides stdin, stdout and stderr.
    auto envs = files_named(dir, "env.");
    REQUIRE(envs.size() == 14);
    for (const auto& f : envs) {
        auto env = read_file(f);
        CHECK(env.find("RTWATCH_CLIENT_SECRET") == std::string::npos);
        CHECK(env.find(k_secret) == std::string::npos);
        CHECK_THAT(env, Catch::Contains("RTWATCH_LEVEL=") || Catch::Contains("RTWATCH_STATUS="));
    }
    auto fd_lists = files_named(dir, "fd.");
    REQUIRE(fd_lists.size() == 14);
    for (const auto& f : fd_lists) {
        auto fds = fds_of(read_file(f));
        INFO(read_file(f));
        REQUIRE(fds.count(0));
        CHECK(fds[0].rfind("pipe:", 0) == 0);
        CHECK(fds.count(1));
        CHECK(fds.count(2));
        // dash keeps the stdout it redirected away from as fd 10: a copy of fd 2, its own.
        for (const auto& [fd, target] : fds)
            if (fd > 2) CHECK((fd >= 10 && target == fds[2]));
    }
}

TEST_CASE("hooks: a hook that sleeps does not delay the stream and is ended at --exec-timeout",
          "[integration][hooks]") {
    auto p = start_replay_stdin({"--level", "waiting: red >= 10", "--exec", "sleep 60", "--exec-timeout", "2s"});
    auto start = std::chrono::steady_clock::now();
    auto event = [](int id, int waiting) {
        return "id: " + std::to_string(id) +
               "\nevent: data\ndata: {\"event\":\"data\",\"queueId\":\"q1\",\"metrics\":"
               "{\"waiting\":" +
               std::to_string(waiting) + "}}\n\n";
    };
    REQUIRE(p->write_stdin(event(1, 12)));  // red: the hook starts and sleeps
    REQUIRE(p->wait_for_stdout_lines(2, 10s));
    // Records keep flowing while it sleeps (the level and metrics lines of each).
    for (int i = 2; i <= 6; ++i) {
        REQUIRE(p->write_stdin(event(i, i)));
        REQUIRE(p->wait_for_stdout_lines(static_cast<size_t>(i) + 1, 10s));
    }
    auto flowed = std::chrono::steady_clock::now() - start;
    CHECK(p->stderr_text().find("--exec-timeout") == std::string::npos);  // all before the timeout
    CHECK(flowed < 2s);
    REQUIRE(p->wait_for_stderr("still running after --exec-timeout 2s: sending SIGTERM", 10s));
    REQUIRE(p->wait_for_stderr("was ended by signal 15 (TERM) after --exec-timeout 2s", 10s));
    CHECK(std::chrono::steady_clock::now() - start >= 2s);
    p->close_stdin();
    auto status = p->wait_for(k_exit_timeout);
    REQUIRE(status);
    CHECK(status->code == 0);
}

TEST_CASE("hooks: on SIGTERM rtwatch waits at most --exec-timeout for hooks, then kills them", "[integration][hooks]") {
    auto p = start_replay_stdin(
        {"--level", "waiting: red >= 10", "--exec", "sleep 60", "--exec-timeout", "1500ms", "--log-level", "info"});
    REQUIRE(
        p->write_stdin("event: data\ndata: {\"event\":\"data\",\"queueId\":\"q1\",\"metrics\":{\"waiting\":12}}\n\n"));
    REQUIRE(p->wait_for_stdout_lines(2, 10s));
    auto start = std::chrono::steady_clock::now();
    p->kill(SIGTERM);
    auto status = p->wait_for(k_exit_timeout);
    REQUIRE(status);
    auto took = std::chrono::steady_clock::now() - start;
    INFO(p->stderr_text());
    CHECK(status->code == 0);
    CHECK(took >= 1400ms);
    CHECK(took < 10s);
    CHECK_THAT(p->stderr_text(), Catch::Contains("still running and"));
    CHECK_THAT(p->stderr_text(), Catch::Contains("killing them"));
}

TEST_CASE("hooks: 1,000 level changes in a burst end with the latest level of each metric delivered",
          "[integration][hooks]") {
    auto dir = make_temp_dir("rtwatch-hooks");
    auto capture = dir + "/burst.sse";
    std::map<std::string, std::string> last_level;  // queue -> the level of its last value
    {
        std::ofstream out(capture);
        const int values[] = {12, 6, 1};
        const char* level_of[] = {"red", "yellow", "green"};
        int id = 0;
        for (int round = 0; round < 21; ++round)
            for (int q = 0; q < 50; ++q) {
                int v = (round + q) % 3;
                out << "id: " << ++id << "\nevent: data\ndata: {\"event\":\"data\",\"queueId\":\"q" << q
                    << "\",\"metrics\":{\"waiting\":" << values[v] << "}}\n\n";
                last_level["q" + std::to_string(q)] = level_of[v];
            }
    }
    auto p =
        start_rtwatch_raw({"replay", capture, "--levels-only", "--level", "waiting: yellow >= 5, red >= 10", "--exec",
                           "printf '%s %s\\n' \"$RTWATCH_ID\" \"$RTWATCH_LEVEL\" >> " + dir + "/hook.log",
                           "--exec-jobs", "2", "--log-level", "info"});
    auto status = p->wait_for(60'000ms);
    REQUIRE(status);
    INFO(p->stderr_text());
    CHECK(status->code == 0);
    auto records = level_lines(p->stdout_text());
    CHECK(records.size() >= 1000);
    std::map<std::string, std::string> delivered;
    for (const auto& line : lines_of(read_file(dir + "/hook.log"))) {
        auto space = line.find(' ');
        if (space == 0) continue;  // the run's end: a status record, no resource
        delivered[line.substr(0, space)] = line.substr(space + 1);
    }
    CHECK(delivered == last_level);
    // Bounded: one waiting run per metric at most, never the whole burst.
    auto log = p->stderr_text();
    auto at = log.find("at most ");
    REQUIRE(at != std::string::npos);
    CHECK(std::stoi(log.substr(at + 8)) <= 51);
    CHECK_THAT(log, Catch::Contains("0 dropped"));
}

TEST_CASE("hooks: an upstream that refuses runs the hook once for the outage, not per attempt",
          "[integration][hooks]") {
    // A bound socket that does not listen: every connection to it is refused.
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    REQUIRE(fd >= 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    socklen_t len = sizeof addr;
    REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
    const std::string url = "http://127.0.0.1:" + std::to_string(ntohs(addr.sin_port));
    auto dir = make_temp_dir("rtwatch-hooks-refused");
    std::string hook =
        "printf '%s|%s|%s|%s\\n' \"$RTWATCH_STATUS\" \"$RTWATCH_ATTEMPTS\" \"$RTWATCH_DOWN_FOR_MS\" "
        "\"$(cat)\" >> " +
        dir + "/hook.log";
    auto p = start_rtwatch_raw({"--api-url", url, "--client-id", "dash", "--queue", "queue-0001", "--status",
                                "--max-backoff", "300ms", "--duration", "4s", "--exec", hook},
                               {{"RTWATCH_CLIENT_SECRET", k_secret}});
    auto status = p->wait_for(k_exit_timeout);
    ::close(fd);
    REQUIRE(status);
    INFO(p->stderr_text());
    CHECK(status->code == 0);
    size_t attempts = 0;
    for (const auto& line : lines_of(p->stdout_text()))
        attempts += line.find(R"("status":"reconnecting")") != std::string::npos;
    CHECK(attempts >= 5);  // each attempt is a status record in the output...
    auto runs = lines_of(read_file(dir + "/hook.log"));
    REQUIRE(runs.size() == 2);  // ...and the hook ran at the outage's start and at the end of the run
    CHECK_THAT(runs[0], Catch::StartsWith("reconnecting|1|0|{\"type\":\"status\""));
    CHECK_THAT(runs[1], Catch::StartsWith("stopped|" + std::to_string(attempts) + "|"));
    auto down_for = std::stol(runs[1].substr(runs[1].find('|', 8) + 1));
    CHECK(down_for >= 3'000);
    CHECK(down_for <= 5'000);
    CHECK_THAT(runs[1], Catch::Contains(R"("attempts":)" + std::to_string(attempts) + ","));
}
