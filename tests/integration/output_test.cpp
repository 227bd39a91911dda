// Output faults users meet: logrotate, a closed pipe, a full disk.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>

#include "rtwatch_run.hpp"
#include "rtwatch_test/binaries.hpp"

using namespace rtwatch::test;
using namespace std::chrono_literals;

namespace {
std::vector<std::string> busy_sim() {
    return {"--seed", "9", "--queues", "3", "--skills", "1", "--agents", "4", "--speed", "300", "--rate", "1000"};
}
size_t line_count(const std::string& path) {
    auto text = read_file(path);
    return static_cast<size_t>(std::count(text.begin(), text.end(), '\n'));
}
}  // namespace

TEST_CASE("output: SIGHUP after a rename sends later lines to the new file, none lost", "[integration]") {
    Sim sim(busy_sim());
    auto dir = make_temp_dir();
    auto path = dir + "/out.ndjson";
    auto rt = start_rtwatch(sim, {"--queue", "queue-0001,queue-0002,queue-0003", "-o", path});
    REQUIRE(wait_until([&] { return line_count(path) >= 10; }, 15s));
    REQUIRE(std::rename(path.c_str(), (path + ".1").c_str()) == 0);
    rt->kill(SIGHUP);
    REQUIRE(wait_until([&] { return line_count(path) >= 5; }, 15s));
    REQUIRE(sim.fault(R"({"kind":"pause"})").status == 200);
    auto truth = state_metrics(sim.state());
    auto both = [&] { return read_file(path + ".1") + read_file(path); };
    CHECK(wait_until(
        [&] {
            auto got = last_metrics_by_resource(parse_lines(both()));
            for (const auto& [key, metrics] : got)
                if (truth.at(key) != metrics) return false;
            return got.size() == 3;
        },
        10s));
    rt->kill(SIGTERM);
    auto status = rt->wait_for(k_exit_timeout);
    REQUIRE(status);
    CHECK(status->code == 0);
    // Across the two files each resource's event ids only go up: nothing repeated.
    std::map<std::string, long long> last_id;
    for (const auto& r : parse_lines(both())) {
        std::string key = r["id"].GetString();
        std::string event_id = r["event_id"].GetString();
        if (event_id.empty()) continue;  // snapshot events before the one that carries the id
        long long id = std::stoll(event_id);
        if (last_id.count(key)) CHECK(id > last_id[key]);
        last_id[key] = id;
    }
}

TEST_CASE("output: a closed pipe (| head -1) ends rtwatch with 0 and nothing on stderr", "[integration]") {
    Sim sim(busy_sim());
    ProcessOptions o;
    o.argv = {
        "/bin/bash", "-c",
        "set -o pipefail; \"$RT\" --api-url \"$URL\" --client-id rtwatch --queue queue-0001,queue-0002 | head -1"};
    o.env = {{"RT", rtwatch_binary()}, {"URL", sim.url()}, {"RTWATCH_CLIENT_SECRET", "rtwatch-secret"}};
    Process p(std::move(o));
    auto status = p.wait_for(k_exit_timeout);
    REQUIRE(status);
    CHECK(status->code == 0);
    CHECK(p.stderr_text().empty());
    REQUIRE(p.stdout_lines().size() == 1);
    CHECK_THAT(p.stdout_lines()[0], Catch::StartsWith(R"({"type":"metrics")"));
}

TEST_CASE("output: a full disk gives the output exit code and a clear message", "[integration]") {
    Sim sim(busy_sim());
    auto rt = start_rtwatch(sim, {"--queue", "queue-0001", "-o", "/dev/full"});
    auto status = rt->wait_for(k_exit_timeout);
    REQUIRE(status);
    CHECK(status->code == 6);
    CHECK_THAT(rt->stderr_text(), Catch::Contains("No space left on device"));
}

TEST_CASE("output: an unwritable output path is refused before connecting", "[integration]") {
    Sim sim(busy_sim());
    auto rt = start_rtwatch(sim, {"--queue", "queue-0001", "-o", "/nonexistent-dir/out.ndjson"});
    auto status = rt->wait_for(k_exit_timeout);
    REQUIRE(status);
    CHECK(status->code == 6);
    CHECK_THAT(rt->stderr_text(), Catch::Contains("/nonexistent-dir/out.ndjson"));
    CHECK(sim.stats()["streams_opened"].GetUint64() == 0);
}

TEST_CASE("output: SIGTERM ends rtwatch even when the reader of its pipe stopped reading", "[integration]") {
    Sim sim({"--seed", "9", "--queues", "50", "--skills", "5", "--agents", "200", "--speed", "300", "--rate", "5000"});
    auto dir = make_temp_dir();
    auto fifo = dir + "/out.fifo";
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    int reader = ::open(fifo.c_str(), O_RDONLY | O_NONBLOCK);  // opened, never read until the end
    REQUIRE(reader >= 0);
    auto rt = start_rtwatch(sim, {"-o", fifo});
    auto queued = [&] {
        int n = 0;
        ::ioctl(reader, FIONREAD, &n);
        return n;
    };
    // The pipe (64 KiB by default) is about full: rtwatch will soon wait on it.
    REQUIRE(wait_until([&] { return queued() >= 48 * 1024; }, 20s));
    rt->kill(SIGTERM);
    auto status = rt->wait_for(10s);
    REQUIRE(status);
    CHECK(status->code == 0);
    CHECK_THAT(rt->stderr_text(), Catch::Contains("not reading"));
    std::string got(static_cast<size_t>(queued()), '\0');
    REQUIRE(::read(reader, got.data(), got.size()) == static_cast<ssize_t>(got.size()));
    ::close(reader);
    CHECK(got.back() == '\n');  // the line in flight was completed or not started
    parse_lines(got);
}
