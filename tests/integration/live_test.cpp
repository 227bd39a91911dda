// Live runs: nothing lost (the last record per resource equals the ground
// truth once the model pauses), throttling, bounded runs.
#include <catch2/catch.hpp>

#include <map>

#include "rtwatch_run.hpp"

using namespace rtwatch::test;
using namespace std::chrono_literals;

namespace {

std::vector<std::string> busy_sim() {
    return {"--seed", "5", "--queues", "4", "--skills", "2", "--agents", "10", "--speed", "300", "--rate", "1000"};
}

const std::vector<std::string> k_selection{"--queue", "queue-0001,queue-0002,queue-0003", "--skill", "skill-billing",
                                           "--agent", "agent-00001,agent-00004"};

// Pauses the model, then waits until rtwatch has written the ground truth
// for every resource it printed.
bool caught_up(Sim& sim, Process& rt) {
    REQUIRE(sim.fault(R"({"kind":"pause"})").status == 200);
    auto truth = state_metrics(sim.state());
    return wait_until(
        [&] {
            auto got = last_metrics_by_resource(parse_lines(rt.stdout_text()));
            if (got.size() != 6) return false;
            for (const auto& [key, metrics] : got)
                if (truth.at(key) != metrics) return false;
            return true;
        },
        10s);
}

}  // namespace

TEST_CASE("live: after a run the last record per resource equals /sim/state", "[integration]") {
    Sim sim(busy_sim());
    auto rt = start_rtwatch(sim, k_selection);
    REQUIRE(rt->wait_for_stdout_lines(40, 15s));
    INFO(rt->stderr_text());
    CHECK(caught_up(sim, *rt));
    rt->kill(SIGTERM);
    auto status = rt->wait_for(k_exit_timeout);
    REQUIRE(status);
    CHECK(status->code == 0);
    // Every line is a changed record: its changed list is never empty.
    for (const auto& r : parse_lines(rt->stdout_text())) CHECK(r["changed"].Size() > 0);
}

TEST_CASE("throttle: at most one record per resource per interval, final state flushed", "[integration]") {
    Sim sim(busy_sim());
    auto rt = start_rtwatch(sim, [] {
        auto a = k_selection;
        a.insert(a.end(), {"--throttle", "400ms"});
        return a;
    }());
    REQUIRE(rt->wait_for_stdout_lines(20, 15s));
    CHECK(caught_up(sim, *rt));
    rt->kill(SIGTERM);
    REQUIRE(rt->wait_for(k_exit_timeout));
    std::map<std::string, long long> last_ts;
    for (const auto& r : parse_lines(rt->stdout_text())) {
        std::string key = std::string(r["kind"].GetString()) + "/" + r["id"].GetString();
        std::string ts = r["ts"].GetString();  // 2026-11-27T14:30:00.412Z
        long long ms = std::stoll(ts.substr(11, 2)) * 3'600'000 + std::stoll(ts.substr(14, 2)) * 60'000 +
                       std::stoll(ts.substr(17, 2)) * 1000 + std::stoll(ts.substr(20, 3));
        if (last_ts.count(key)) {
            INFO(key << " printed twice within the throttle interval at " << ts);
            CHECK(ms - last_ts[key] >= 395);  // wall-clock ms stamps vs a steady-clock window
        }
        last_ts[key] = ms;
    }
}

TEST_CASE("throttle: SIGTERM during a window writes the held state before exit", "[integration]") {
    Sim sim(busy_sim());
    auto args = k_selection;
    args.insert(args.end(), {"--throttle", "30s"});
    auto rt = start_rtwatch(sim, args);
    REQUIRE(rt->wait_for_stdout_lines(6, 15s));  // first record of each resource opens its window
    // Let updates pile up inside the windows, then freeze the truth.
    auto before = sim.last_event_id();
    REQUIRE(wait_until([&] { return sim.last_event_id() > before + 50; }, 15s));
    REQUIRE(sim.fault(R"({"kind":"pause"})").status == 200);
    auto truth = state_metrics(sim.state());
    rt->kill(SIGTERM);
    auto status = rt->wait_for(k_exit_timeout);
    REQUIRE(status);
    CHECK(status->code == 0);
    auto got = last_metrics_by_resource(parse_lines(rt->stdout_text()));
    REQUIRE(got.size() == 6);
    for (const auto& [key, metrics] : got) {
        INFO(key);
        CHECK(metrics == truth.at(key));
    }
}

TEST_CASE("bounds: --count N writes exactly N records and exits 0", "[integration]") {
    Sim sim(busy_sim());
    auto rt = start_rtwatch(sim, {"--queue", "queue-0001,queue-0002", "--count", "7"});
    auto status = rt->wait_for(k_exit_timeout);
    REQUIRE(status);
    CHECK(status->code == 0);
    CHECK(parse_lines(rt->stdout_text()).size() == 7);
}

TEST_CASE("bounds: --duration ends the run with status 0", "[integration]") {
    Sim sim(busy_sim());
    auto start = std::chrono::steady_clock::now();
    auto rt = start_rtwatch(sim, {"--queue", "queue-0001", "--duration", "1500ms"});
    auto status = rt->wait_for(k_exit_timeout);
    REQUIRE(status);
    CHECK(status->code == 0);
    CHECK(std::chrono::steady_clock::now() - start >= 1500ms);
    CHECK(parse_lines(rt->stdout_text()).size() >= 1);
}

TEST_CASE("status: --status writes connected and stopped records into the stream", "[integration]") {
    Sim sim(busy_sim());
    auto rt = start_rtwatch(sim, {"--queue", "queue-0001", "--status", "--duration", "1s"});
    REQUIRE(rt->wait_for(k_exit_timeout));
    std::vector<std::string> statuses;
    for (const auto& r : parse_lines(rt->stdout_text()))
        if (std::string(r["type"].GetString()) == "status") statuses.push_back(r["status"].GetString());
    REQUIRE(statuses.size() >= 2);
    CHECK(std::find(statuses.begin(), statuses.end(), "connected") != statuses.end());
    CHECK(statuses.back() == "stopped");
}
