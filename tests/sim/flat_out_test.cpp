// Benchmark mode: the snapshot, then all N pre-built events, then close;
// a resume at the end gets 204; /sim/state is the state after N events.
#include <catch2/catch.hpp>

#include "sim_helpers.hpp"

using namespace rtwatch::test;

TEST_CASE("sim flat-out: snapshot, N consecutive events, close, and the fold is /sim/state", "[sim][flat-out]") {
    Sim sim({"--flat-out", "20000", "--queues", "20", "--skills", "4", "--agents", "100"});
    auto s = open_stream(sim);
    REQUIRE(s->wait_closed(Millis(20000)));
    const auto parse = s->parse();
    REQUIRE(parse.events.size() == 124 + 20000);
    CHECK(parse.events[123].id == "0");
    size_t changed = 0;
    std::map<std::string, std::string> last;
    for (size_t i = 124; i < parse.events.size(); ++i) {
        REQUIRE(parse.events[i].id == std::to_string(i - 123));
        const auto doc = parse_json(parse.events[i].data);
        std::string& metrics = last[resource_of(doc)];
        if (!metrics.empty() && metrics != json_text(doc["metrics"])) ++changed;
        metrics = json_text(doc["metrics"]);
    }
    CHECK(changed > 1000);
    CHECK(changed < 3000);  // --changed-ratio 0.1 by default
    const auto state = sim.state();
    CHECK(std::string(state["lastEventId"].GetString()) == "20000");
    CHECK(fold(parse) == state_metrics(state));
}

TEST_CASE("sim flat-out: resuming replays the rest, resuming at the end is 204", "[sim][flat-out]") {
    Sim sim({"--flat-out", "500", "--queues", "5"});
    auto rest = open_stream(sim, "", "490");
    REQUIRE(rest->wait_closed(Millis(5000)));
    const auto events = rest->parse().events;
    REQUIRE(events.size() == 10);
    CHECK(events.front().id == "491");
    auto done = open_stream(sim, "", "500");
    CHECK(done->status() == 204);
    auto filtered = open_stream(sim, "?queueId=queue-0003");
    REQUIRE(filtered->wait_closed(Millis(5000)));
    for (const auto& e : filtered->parse().events) CHECK(resource_of(parse_json(e.data)) == "queue-0003");
    CHECK(fold(filtered->parse()).at("queue-0003") == json_text(sim.state()["queues"]["queue-0003"]));
}
