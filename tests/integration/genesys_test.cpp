// --platform genesys end to end: the real rtwatch against rtwatch-sim
// --platform genesys. The snapshot equals /sim/state; every fault is
// survived with the final state written and no record repeated; the channel
// limits and missing permissions are refused with the numbers and names.
#include <catch2/catch.hpp>

#include <cstdio>
#include <map>
#include <set>

#include "rtwatch_run.hpp"

using namespace rtwatch::test;
using namespace std::chrono_literals;

namespace {

// Fast: heartbeats every 300 ms, a busy model.
std::vector<std::string> sim_args(std::vector<std::string> extra = {}, const char* queues = "4") {
    std::vector<std::string> a{"--platform", "genesys", "--seed",  "5",   "--queues",    queues,
                               "--agents",   "10",      "--speed", "300", "--heartbeat", "300ms"};
    a.insert(a.end(), extra.begin(), extra.end());
    return a;
}

const std::vector<std::string> k_selection{
    "--platform", "genesys", "--queue", "queue-0001,queue-0002,queue-0003", "--agent", "agent-00001,agent-00004"};
constexpr std::size_t k_resources = 5;

std::vector<std::string> with(std::vector<std::string> extra) {
    auto a = k_selection;
    a.insert(a.end(), extra.begin(), extra.end());
    return a;
}

// The selected resources of /sim/state.
std::map<std::string, std::string> selected_truth(const Sim& sim) {
    std::map<std::string, std::string> out;
    for (auto& [key, metrics] : state_metrics(sim.state()))
        if (key == "queue/queue-0001" || key == "queue/queue-0002" || key == "queue/queue-0003" ||
            key == "agent/agent-00001" || key == "agent/agent-00004")
            out[key] = metrics;
    return out;
}

// Pauses the model, then waits until rtwatch has written the ground truth
// for every selected resource.
bool caught_up(Sim& sim, Process& rt) {
    REQUIRE(sim.fault(R"({"kind":"pause"})").status == 200);
    auto truth = selected_truth(sim);
    REQUIRE(truth.size() == k_resources);
    // Recovery is paced now (backoff floors, snapshot spacing, the request
    // budget): on a loaded machine or under the sanitizers it takes longer.
    std::map<std::string, std::string> got;
    bool same = wait_until(
        [&] {
            got = last_metrics_by_resource(parse_lines(rt.stdout_text()));
            return got == truth;
        },
        30s);
    for (auto& [key, metrics] : truth)
        if (got[key] != metrics) UNSCOPED_INFO(key << " is " << got[key] << "\n  truth " << metrics);
    return same;
}

// No record repeats the one before it for its resource, and each names a change.
std::size_t repeated_records(const std::string& output) {
    std::map<std::string, std::string> last;
    std::size_t repeats = 0;
    for (const auto& r : parse_lines(output)) {
        if (std::string(r["type"].GetString()) != "metrics") continue;
        std::string key = std::string(r["kind"].GetString()) + "/" + r["id"].GetString();
        std::string metrics = json_text(r["metrics"]);
        if (last[key] == metrics || r["changed"].Size() == 0) ++repeats;
        last[key] = metrics;
    }
    return repeats;
}

std::size_t status_lines(const std::string& output, std::string_view status, std::string_view message_part = {}) {
    std::size_t n = 0;
    for (const auto& r : parse_lines(output)) {
        if (std::string(r["type"].GetString()) != "status" || r["status"].GetString() != status) continue;
        if (!message_part.empty() &&
            (!r.HasMember("message") || std::string(r["message"].GetString()).find(message_part) == std::string::npos))
            continue;
        ++n;
    }
    return n;
}

// Connected, and the first snapshot's records written: a gap from now on is one.
bool snapshot_written(Process& rt) {
    return wait_until(
        [&] {
            return status_lines(rt.stdout_text(), "connected", "fresh snapshot") == 1 &&
                   last_metrics_by_resource(parse_lines(rt.stdout_text())).size() == k_resources;
        },
        20s);
}

std::string fmt_queue(int i) {
    char name[32];
    std::snprintf(name, sizeof name, "queue-%04d", i);
    return name;
}

std::uint64_t stat(const Sim& sim, const char* name) { return sim.stats()[name].GetUint64(); }

}  // namespace

TEST_CASE("genesys: --once equals /sim/state for the selected queues and agents", "[integration][genesys]") {
    Sim sim(sim_args());
    REQUIRE(sim.fault(R"({"kind":"pause"})").status == 200);
    auto rt = start_rtwatch(sim, with({"--once"}));
    auto status = rt->wait_for(k_exit_timeout);
    INFO(rt->stderr_text());
    REQUIRE(status);
    CHECK(status->code == 0);
    const auto got = last_metrics_by_resource(parse_lines(rt->stdout_text()));
    CHECK(got == selected_truth(sim));
    CHECK(parse_lines(rt->stdout_text()).size() == k_resources);
    // The sim sends organisation presence ids (UUIDs); /sim/state and the
    // records name their system presences, and oOnQueueUsers by status.
    const std::string& q1 = got.at("queue/queue-0001");
    CHECK(q1.find("\"oUserPresences.ON_QUEUE\":") != std::string::npos);
    CHECK(q1.find("\"oOnQueueUsers.IDLE\":") != std::string::npos);
    CHECK(q1.find("\"oOnQueueUsers\":") != std::string::npos);
    CHECK(q1.find("-4") == std::string::npos);  // no UUID qualifier
    CHECK(stat(sim, "definition_requests") == 0);
    // Never empty: the snapshot's answer time, and this run's sequence.
    std::set<std::string> event_ids;
    for (const auto& r : parse_lines(rt->stdout_text())) {
        CHECK(std::string(r["source_ts"].GetString()).size() == 24);
        event_ids.insert(r["event_id"].GetString());
    }
    CHECK(event_ids == std::set<std::string>{"1", "2", "3", "4", "5"});
}

TEST_CASE("genesys: without systemToOrganizationMappings the presence definitions name the ids, read once",
          "[integration][genesys]") {
    Sim sim(sim_args({"--omit-presence-mappings", "--plain-on-queue"}));
    REQUIRE(sim.fault(R"({"kind":"pause"})").status == 200);
    auto rt = start_rtwatch(sim, with({"--once"}));
    auto status = rt->wait_for(k_exit_timeout);
    INFO(rt->stderr_text());
    REQUIRE(status);
    CHECK(status->code == 0);
    const auto got = last_metrics_by_resource(parse_lines(rt->stdout_text()));
    CHECK(got == selected_truth(sim));
    CHECK(got.at("queue/queue-0001").find("\"oUserPresences.ON_QUEUE\":") != std::string::npos);
    CHECK(got.at("queue/queue-0001").find("oOnQueueUsers.IDLE") == std::string::npos);
    CHECK(stat(sim, "definition_requests") == 1);
    CHECK(rt->stderr_text().find("presence id") == std::string::npos);
}

TEST_CASE("genesys: --media adds per-media names equal to /sim/state?media=1", "[integration][genesys]") {
    Sim sim(sim_args());
    REQUIRE(sim.fault(R"({"kind":"pause"})").status == 200);
    auto rt = start_rtwatch(sim, {"--platform", "genesys", "--queue", "queue-0002", "--media", "voice,chat", "--once"});
    auto status = rt->wait_for(k_exit_timeout);
    INFO(rt->stderr_text());
    REQUIRE(status);
    CHECK(status->code == 0);
    auto state = parse_json(http_get(sim.endpoint(), "/sim/state?media=1").body);
    auto got = last_metrics_by_resource(parse_lines(rt->stdout_text()));
    CHECK(got.at("queue/queue-0002") == json_text(state["queues"]["queue-0002"]));
    CHECK(got.at("queue/queue-0002").find("\"oWaiting.voice\":") != std::string::npos);
}

TEST_CASE("genesys: a live run's last record per resource equals /sim/state after pause", "[integration][genesys]") {
    Sim sim(sim_args());
    auto rt = start_rtwatch(sim, k_selection);
    REQUIRE(rt->wait_for_stdout_lines(k_resources + 10, 20s));
    INFO(rt->stderr_text());
    CHECK(caught_up(sim, *rt));
    CHECK(repeated_records(rt->stdout_text()) == 0);
    rt->kill(SIGTERM);
    auto status = rt->wait_for(k_exit_timeout);
    REQUIRE(status);
    CHECK(status->code == 0);
}

TEST_CASE("genesys: every fault is survived with a resync, the final state and no repeated record",
          "[integration][genesys]") {
    auto [fault, expect_in_status] = GENERATE(table<std::string, std::string>({
        {R"({"kind":"socket-closing","ms":300})", "closing the socket"},
        {R"({"kind":"expire-channel"})", "channel is gone"},
        {R"({"kind":"evict-channel"})", "channel is gone"},
        {R"({"kind":"kick"})", "socket closed"},
        {R"({"kind":"revoke"})", "revoked"},
        {R"({"kind":"silent","ms":3000})", "no data or heartbeat"},
    }));
    INFO(fault);
    Sim sim(sim_args());
    auto rt = start_rtwatch(sim, with({"--status", "--idle-timeout", "1s"}));
    REQUIRE(snapshot_written(*rt));
    REQUIRE(sim.fault(fault).status == 200);
    bool resynced = wait_until([&] { return status_lines(rt->stdout_text(), "connected", "resynced") >= 1; }, 15s);
    INFO(rt->stderr_text() << rt->stdout_text());
    REQUIRE(resynced);
    CHECK(status_lines(rt->stdout_text(), "reconnecting", expect_in_status) >= 1);
    CHECK(caught_up(sim, *rt));
    CHECK(repeated_records(rt->stdout_text()) == 0);
}

TEST_CASE("genesys: a channel expiry makes exactly one new channel and one resync", "[integration][genesys]") {
    Sim sim(sim_args());
    auto rt = start_rtwatch(sim, with({"--status"}));
    REQUIRE(snapshot_written(*rt));
    REQUIRE(stat(sim, "channels_created") == 1);
    REQUIRE(sim.fault(R"({"kind":"expire-channel"})").status == 200);
    bool resynced = wait_until([&] { return status_lines(rt->stdout_text(), "connected", "resynced") == 1; }, 15s);
    INFO(rt->stderr_text());
    REQUIRE(resynced);
    CHECK(caught_up(sim, *rt));
    CHECK(stat(sim, "channels_created") == 2);
    CHECK(status_lines(rt->stdout_text(), "connected", "resynced") == 1);
    CHECK(repeated_records(rt->stdout_text()) == 0);
}

TEST_CASE("genesys: 429 on REST backs off with Retry-After and says so", "[integration][genesys]") {
    Sim sim(sim_args());
    REQUIRE(sim.fault(R"({"kind":"throttle","count":2,"retryAfter":1})").status == 200);
    auto rt = start_rtwatch(sim, with({"--once"}));
    auto status = rt->wait_for(k_exit_timeout);
    INFO(rt->stderr_text());
    REQUIRE(status);
    CHECK(status->code == 0);
    CHECK(rt->stderr_text().find("answered 429 (Retry-After 1s)") != std::string::npos);
    CHECK(parse_lines(rt->stdout_text()).size() == k_resources);
}

TEST_CASE("genesys: rejected topics are named with their permission; none permitted is exit 4",
          "[integration][genesys]") {
    Sim sim(sim_args({"--missing-permission", "analytics:queueObservation:view"}));
    SECTION("nothing permitted") {
        auto rt = start_rtwatch(sim, {"--platform", "genesys", "--queue", "queue-0001,queue-0002"});
        auto status = rt->wait_for(k_exit_timeout);
        REQUIRE(status);
        CHECK(status->code == 4);
        CHECK(rt->stderr_text().find("analytics:queueObservation:view") != std::string::npos);
    }
    SECTION("some permitted: a warning, once, and the rest is watched") {
        auto rt = start_rtwatch(sim, {"--platform", "genesys", "--queue", "queue-0001", "--agent", "agent-00001"});
        REQUIRE(rt->wait_for_stderr("analytics:queueObservation:view", 15s));
        REQUIRE(wait_until(
            [&] { return last_metrics_by_resource(parse_lines(rt->stdout_text())).count("agent/agent-00001"); }, 15s));
        rt->kill(SIGTERM);
        REQUIRE(rt->wait_for(k_exit_timeout));
        const std::string err = rt->stderr_text();
        CHECK(err.find("analytics:queueObservation:view") == err.rfind("analytics:queueObservation:view"));
    }
}

TEST_CASE("genesys: 25 channels' worth of topics is refused at start with the numbers", "[integration][genesys]") {
    std::vector<std::string> args{"--platform", "genesys", "--api-url", "http://127.0.0.1:9", "--client-id", "x"};
    for (int block = 0; block < 25; ++block) {
        std::string ids;
        for (int i = 0; i < 1000; ++i) ids += (i ? "," : "") + std::string("q") + std::to_string(block * 1000 + i);
        args.insert(args.end(), {"--queue", ids});
    }
    auto rt = start_rtwatch_raw(args, {{"RTWATCH_CLIENT_SECRET", "s"}});
    auto status = rt->wait_for(k_exit_timeout);
    REQUIRE(status);
    CHECK(status->code == 2);
    CHECK(rt->stderr_text().find("25000 topics need 25 channels of at most 1000 topics") != std::string::npos);
    CHECK(rt->stderr_text().find("allows 20 channels") != std::string::npos);
}

TEST_CASE("genesys: --skill is a usage error that says Genesys has no skill topic", "[integration][genesys]") {
    auto rt = start_rtwatch_raw(
        {"--platform", "genesys", "--region", "mypurecloud.com", "--client-id", "x", "--queue", "q", "--skill", "s"},
        {{"RTWATCH_CLIENT_SECRET", "s"}});
    auto status = rt->wait_for(k_exit_timeout);
    REQUIRE(status);
    CHECK(status->code == 2);
    CHECK(rt->stderr_text().find("no skill topic") != std::string::npos);
}

TEST_CASE("genesys: 1,001 topics are spread over two channels, and --once has every queue", "[integration][genesys]") {
    Sim sim(sim_args({}, "1001"));
    REQUIRE(sim.fault(R"({"kind":"pause"})").status == 200);
    std::string ids;
    for (int i = 1; i <= 1001; ++i) ids += (i > 1 ? "," : "") + fmt_queue(i);
    auto rt = start_rtwatch(sim, {"--platform", "genesys", "--queue", ids, "--once"});
    auto status = rt->wait_for(k_exit_timeout);
    INFO(rt->stderr_text());
    REQUIRE(status);
    CHECK(status->code == 0);
    CHECK(stat(sim, "channels_created") == 2);
    auto got = last_metrics_by_resource(parse_lines(rt->stdout_text()));
    auto truth = state_metrics(sim.state());
    std::erase_if(truth, [](const auto& e) { return e.first.rfind("queue/", 0) != 0; });
    CHECK(got.size() == 1001);
    CHECK(got == truth);
}

TEST_CASE("genesys: before it expires a channel is subscribed again and kept: no gap, no new channel",
          "[integration][genesys]") {
    Sim sim(sim_args({"--channel-ttl", "2s"}));
    auto rt = start_rtwatch(sim, with({"--status", "-v"}));
    REQUIRE(snapshot_written(*rt));
    // Renewed at 1.8 s, 3.6 s, ...: this simulator moves `expires` on a new subscription.
    REQUIRE(rt->wait_for_stderr("moved its expiry; kept", 10s));
    REQUIRE(wait_until([&] { return sim.stats()["subscription_requests"].GetUint64() >= 3; }, 10s));
    INFO(rt->stderr_text());
    CHECK(stat(sim, "channels_created") == 1);
    CHECK(stat(sim, "channels_expired") == 0);
    CHECK(status_lines(rt->stdout_text(), "reconnecting") == 0);
    CHECK(caught_up(sim, *rt));
    CHECK(repeated_records(rt->stdout_text()) == 0);
}

TEST_CASE("genesys: every storm shape makes a few requests in 5 s, not thousands", "[integration][genesys]") {
    // All five at once, each against its own simulator: the run takes 5 s.
    const std::vector<std::string> shapes{"socket-closing", "no-longer-subscribed", "token-revoked", "close-on-open",
                                          "expired-channel"};
    std::vector<std::unique_ptr<Sim>> sims;
    std::vector<std::unique_ptr<Process>> runs;
    for (const auto& shape : shapes) {
        sims.push_back(std::make_unique<Sim>(sim_args()));
        REQUIRE(sims.back()->fault(R"({"kind":"storm","shape":")" + shape + "\"}").status == 200);
        runs.push_back(start_rtwatch(*sims.back(), with({"--status", "--duration", "5s"})));
    }
    for (std::size_t i = 0; i < shapes.size(); ++i) {
        auto status = runs[i]->wait_for(k_exit_timeout);
        REQUIRE(status);
        const auto& sim = *sims[i];
        const std::string err = runs[i]->stderr_text();
        INFO(shapes[i] << ": sockets " << stat(sim, "sockets_opened") << ", channels " << stat(sim, "channels_created")
                       << ", tokens " << stat(sim, "token_requests") << ", rest " << stat(sim, "rest_calls") << "\n"
                       << err);
        CHECK(status->code == 0);
        // Once at once, then 1 s, 2 s, 4 s apart (jitter within the upper half).
        CHECK(stat(sim, "sockets_opened") <= 6);
        CHECK(stat(sim, "channels_created") <= 6);
        CHECK(stat(sim, "token_requests") <= 6);
        CHECK(stat(sim, "rest_calls") <= 20);
        // The storm is told once with its count, not once per attempt.
        if (shapes[i] != "expired-channel") CHECK(err.find("reopenings without a healthy socket") != std::string::npos);
        if (shapes[i] != "expired-channel") CHECK(status_lines(runs[i]->stdout_text(), "reconnecting") >= 1);
    }
}
