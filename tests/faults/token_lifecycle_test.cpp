// Token rotation under live traffic: short-lived tokens are replaced before
// they expire, the stream resumes by Last-Event-ID, and the --raw output
// holds every event id exactly once. Both ways the simulator treats an
// expired token (a disconnect event, a silent stall) are covered.
#include <catch2/catch.hpp>

#include <fmt/format.h>

#include "fault_run.hpp"

using namespace rtwatch::test;
using namespace std::chrono_literals;

namespace {

struct RotationRun {
    uint64_t first = 0, last = 0;  // first and last event id seen
    uint64_t tokens = 0, opened = 0, rejected = 0;
    size_t disconnects = 0;  // disconnect events rtwatch logged
};

// Every event id in the --raw output: strictly consecutive from the first
// to the last (the stream is unfiltered, so no id belongs to someone else).
void check_consecutive(const std::vector<rapidjson::Document>& lines, RotationRun& run) {
    uint64_t prev = 0;
    size_t gaps = 0, repeats = 0;
    for (const auto& r : lines) {
        std::string_view id = r["id"].GetString();
        if (std::string_view(r["type"].GetString()) != "data" || id.empty()) continue;
        uint64_t v = std::stoull(std::string(id));
        if (prev && v <= prev) ++repeats;
        if (prev && v > prev + 1) {
            ++gaps;
            UNSCOPED_INFO("ids missing between " << prev << " and " << v);
        }
        if (!run.first) run.first = v;
        prev = std::max(prev, v);
    }
    run.last = prev;
    CHECK(gaps == 0);
    CHECK(repeats == 0);
}

RotationRun rotate_for(std::vector<std::string> sim_extra, std::string duration,
                       std::vector<std::string> rt_extra = {}) {
    Sim sim(fault_sim_args(std::move(sim_extra)));
    std::vector<std::string> args{"--raw", "--duration", duration};
    args.insert(args.end(), rt_extra.begin(), rt_extra.end());
    auto rt = start_rtwatch(sim, args);
    auto status = rt->wait_for(60s);
    INFO(rt->stderr_text());
    REQUIRE(status);
    CHECK(status->code == 0);
    RotationRun run;
    check_consecutive(parse_lines(rt->stdout_text()), run);
    auto stats = sim.stats();
    run.tokens = stats["tokens_issued"].GetUint64();
    run.opened = stats["streams_opened"].GetUint64();
    run.rejected = stream_responses(stats, 401);
    run.disconnects = count_of(rt->stderr_text(), "server sent disconnect");
    CHECK(run.rejected == 0);
    CHECK(run.last > run.first + 100);  // live traffic all along
    return run;
}

std::string summary(const RotationRun& r) {
    return fmt::format("{} tokens, {} streams, {} disconnect events, ids {}..{}, {} x 401", r.tokens, r.opened,
                       r.disconnects, r.first, r.last, r.rejected);
}

}  // namespace

TEST_CASE("token rotation: 2 s tokens over 30 s, >= 10 rotations, no id missing or repeated, no 401",
          "[faults][token]") {
    auto run = rotate_for({"--token-lifetime", "2"}, "30s");
    CHECK(run.tokens >= 11);
    CHECK(run.opened >= 11);  // each rotation reopens the stream with the new token
    report("token rotation 2 s x 30 s (sim: disconnect)", ">= 10 rotations, no gap, no 401", summary(run));
}

TEST_CASE("token rotation: a simulator that stalls expired streams never gets the chance", "[faults][token]") {
    auto run = rotate_for({"--token-lifetime", "2", "--expired-token", "stall"}, "8s");
    CHECK(run.tokens >= 4);
    report("token rotation 2 s x 8 s (sim: stall)", "rotates before expiry, no gap, no 401", summary(run));
}

TEST_CASE("token expiry: with no grace the disconnect event arrives, a new token follows, nothing lost",
          "[faults][token]") {
    auto run = rotate_for({"--token-lifetime", "2"}, "8s", {"--token-grace", "0s"});
    // One token per lifetime: repeated expiry must not pile up backoff.
    CHECK(run.tokens >= 4);
    report("token expiry, --token-grace 0 (sim: disconnect)", "new token at once each time, no gap", summary(run));
}

TEST_CASE("token expiry: with no grace and a stalling simulator, nothing is lost", "[faults][token]") {
    auto run = rotate_for({"--token-lifetime", "2", "--expired-token", "stall"}, "8s", {"--token-grace", "0s"});
    CHECK(run.tokens >= 4);
    report("token expiry, --token-grace 0 (sim: stall)", "rotates at expiry, no gap", summary(run));
}
