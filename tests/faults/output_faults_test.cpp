// Output faults not covered by the integration suite: a reader that drains
// the pipe one byte at a time with pauses only ever assembles whole lines,
// and nothing is lost while rtwatch waits for it.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <thread>

#include "fault_run.hpp"
#include "rtwatch_test/binaries.hpp"

using namespace rtwatch::test;
using namespace std::chrono_literals;

namespace {

// Reads `fd` one byte per read(), pausing every few bytes, until EOF.
std::string read_slowly(int fd) {
    std::string all;
    char c;
    for (;;) {
        ssize_t n = ::read(fd, &c, 1);
        if (n == 0) break;
        if (n < 0) {
            if (errno == EINTR) continue;
            break;
        }
        all.push_back(c);
        if (all.size() % 16 == 0) std::this_thread::sleep_for(1ms);  // ~10 KB/s at most
    }
    return all;
}

}  // namespace

TEST_CASE("output: a slow reader of the pipe only ever sees whole NDJSON lines", "[faults][output]") {
    Sim sim(fault_sim_args());
    auto dir = make_temp_dir();
    auto fifo = dir + "/out";
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    ProcessOptions o;
    o.argv = {"/bin/sh",     "-c",     "exec \"$RT\" \"$@\" > \"$FIFO\"", "sh", "--api-url", sim.url(),
              "--client-id", "rtwatch"};
    for (const auto& a : watch_args({"--duration", "2s", "--log-level", "trace"})) o.argv.push_back(a);
    o.env = {{"RT", rtwatch_binary()}, {"FIFO", fifo}, {"RTWATCH_CLIENT_SECRET", "rtwatch-secret"}};
    Process rt(std::move(o));
    int fd = ::open(fifo.c_str(), O_RDONLY | O_CLOEXEC);
    REQUIRE(fd >= 0);
    // The smallest pipe: the writer meets a full pipe within a second.
    (void)::fcntl(fd, F_SETPIPE_SZ, 4096);
    auto text = read_slowly(fd);
    ::close(fd);
    auto status = rt.wait_for(k_exit_timeout);
    INFO(rt.stderr_text());
    REQUIRE(status);
    CHECK(status->code == 0);
    REQUIRE_FALSE(text.empty());
    CHECK(text.back() == '\n');
    auto lines = parse_lines(text);  // every assembled line is a whole JSON object
    CHECK(lines.size() > 20);
    CHECK(lines.back()["status"].GetString() == std::string("stopped"));
    CHECK(rt.stderr_text().find("rtwatch-secret") == std::string::npos);
    CHECK(last_metrics_by_resource(lines).size() == k_watched);
    check_event_ids(lines);
    ::unlink(fifo.c_str());
}
