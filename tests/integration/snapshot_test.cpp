// --once against a frozen simulator: the snapshot equals the ground truth.
#include <catch2/catch.hpp>

#include "rtwatch_run.hpp"

using namespace rtwatch::test;

namespace {
// A paused model does not move: the snapshot and /sim/state compare exactly.
struct FrozenSim : Sim {
    FrozenSim() : Sim({"--seed", "11", "--queues", "6", "--skills", "3", "--agents", "12", "--speed", "60"}) {
        REQUIRE(fault(R"({"kind":"pause"})").status == 200);
    }
};
}  // namespace

TEST_CASE("once: the snapshot of selected resources equals /sim/state", "[integration]") {
    FrozenSim sim;
    auto rt = start_rtwatch(sim, {"--once", "--queue", "queue-0001,queue-0004", "--agent", "agent-00002"});
    auto status = rt->wait_for(k_exit_timeout);
    REQUIRE(status);
    INFO(rt->stderr_text());
    CHECK(status->code == 0);
    auto got = last_metrics_by_resource(parse_lines(rt->stdout_text()));
    auto truth = state_metrics(sim.state());
    REQUIRE(got.size() == 3);
    for (const auto& [key, metrics] : got) {
        INFO(key);
        CHECK(metrics == truth.at(key));
    }
    CHECK(got.count("queue/queue-0001"));
    CHECK(got.count("queue/queue-0004"));
    CHECK(got.count("agent/agent-00002"));
}

TEST_CASE("once: without filters every resource is printed once, with a warning", "[integration]") {
    FrozenSim sim;
    auto rt = start_rtwatch(sim, {"--once"});
    auto status = rt->wait_for(k_exit_timeout);
    REQUIRE(status);
    CHECK(status->code == 0);
    auto records = parse_lines(rt->stdout_text());
    auto got = last_metrics_by_resource(records);
    CHECK(records.size() == got.size());
    CHECK(got == state_metrics(sim.state()));
    CHECK_THAT(rt->stderr_text(), Catch::Contains("streaming every resource"));
}

TEST_CASE("once: --fields prints only the tracked metrics", "[integration]") {
    FrozenSim sim;
    auto rt = start_rtwatch(sim, {"--once", "--queue", "queue-0002", "--fields", "waiting,availableAgents"});
    REQUIRE(rt->wait_for(k_exit_timeout));
    auto records = parse_lines(rt->stdout_text());
    REQUIRE(records.size() == 1);
    const auto& m = records[0]["metrics"];
    CHECK(m.MemberCount() == 2);
    CHECK(m.HasMember("waiting"));
    CHECK(m.HasMember("availableAgents"));
    auto state = sim.state();
    CHECK(m["waiting"] == state["queues"]["queue-0002"]["waiting"]);
}

TEST_CASE("once: --where prints only matching records", "[integration]") {
    FrozenSim sim;
    auto state = sim.state();
    auto rt = start_rtwatch(sim, {"--once", "--where", "totalAgents >= 0 and not (waiting < 0)"});
    REQUIRE(rt->wait_for(k_exit_timeout));
    auto records = parse_lines(rt->stdout_text());
    // Agents and skills have no totalAgents: only queues can match.
    REQUIRE(records.size() == state["queues"].MemberCount());
    for (const auto& r : records) CHECK(std::string(r["kind"].GetString()) == "queue");
}

TEST_CASE("once: an unknown queue id stops with the bad-request code naming it", "[integration]") {
    FrozenSim sim;
    auto rt = start_rtwatch(sim, {"--once", "--queue", "queue-9999"});
    auto status = rt->wait_for(k_exit_timeout);
    REQUIRE(status);
    CHECK(status->code == 5);
    CHECK_THAT(rt->stderr_text(), Catch::Contains("queue-9999"));
    CHECK(rt->stdout_text().empty());
}

TEST_CASE("auth: a wrong secret ends with the auth code and says what to check", "[integration]") {
    FrozenSim sim;
    auto rt = start_rtwatch(sim, {"--once", "--queue", "queue-0001"}, {{"RTWATCH_CLIENT_SECRET", "wrong-secret"}});
    auto status = rt->wait_for(k_exit_timeout);
    REQUIRE(status);
    CHECK(status->code == 3);
    auto err = rt->stderr_text();
    CHECK_THAT(err, Catch::Contains("401"));
    CHECK_THAT(err, Catch::Contains("RTWATCH_CLIENT_SECRET"));
    CHECK(err.find("wrong-secret") == std::string::npos);
}

TEST_CASE("once: a snapshot that cannot be had within --duration fails instead of passing as complete",
          "[integration]") {
    FrozenSim sim;
    REQUIRE(sim.fault(R"({"kind":"status","status":503,"count":1000,"retryAfter":1})").status == 200);
    auto rt = start_rtwatch(sim, {"--once", "--queue", "queue-0001", "--duration", "1500ms"});
    auto status = rt->wait_for(k_exit_timeout);
    REQUIRE(status);
    CHECK(status->code == 7);
    CHECK_THAT(rt->stderr_text(), Catch::Contains("before the snapshot"));
    CHECK(rt->stdout_text().empty());
}
