// Last-Event-ID replay and reproducibility: a resumed stream has no gap and
// no duplicate, and the same seed gives the same events.
#include <catch2/catch.hpp>

#include "sim_helpers.hpp"

using namespace rtwatch::test;

namespace {

// (id, data) of every event with an id greater than `after`, up to `until`.
std::vector<std::pair<std::string, std::string>> live_after(const SseParse& p, uint64_t after, uint64_t until) {
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& e : p.events) {
        if (!e.has_id) continue;
        const uint64_t id = std::stoull(e.id);
        if (id > after && id <= until) out.emplace_back(e.id, e.data);
    }
    return out;
}

bool reached(const RawStream& s, uint64_t id) { return last_id_of(s.parse()) >= id; }

}  // namespace

TEST_CASE("sim replay: a resumed stream continues with no gap and no duplicate", "[sim][replay]") {
    Sim sim({"--speed", "40", "--queues", "5", "--agents", "30"});
    auto full = open_stream(sim);
    auto first = open_stream(sim);
    REQUIRE(first->read_until([](const RawStream& r) { return r.parse().events.size() > 40; }, Millis(15000)));
    first->close();
    const uint64_t k = last_id_of(first->parse());
    auto resumed = open_stream(sim, "", std::to_string(k));
    REQUIRE(resumed->status() == 200);
    const uint64_t until = k + 30;
    REQUIRE(resumed->read_until([&](const RawStream& r) { return reached(r, until); }, Millis(15000)));
    REQUIRE(full->read_until([&](const RawStream& r) { return reached(r, until); }, Millis(15000)));
    const auto replayed = live_after(resumed->parse(), k, until);
    CHECK(replayed.size() >= 30);
    CHECK(replayed == live_after(full->parse(), k, until));
    CHECK(resumed->parse().events.front().has_id);  // no snapshot: the first event is a replayed one
}

TEST_CASE("sim replay: a Last-Event-ID outside the window gets a fresh snapshot", "[sim][replay]") {
    Sim sim({"--speed", "60", "--queues", "3", "--agents", "15", "--replay-window", "5"});
    REQUIRE(wait_until([&] { return sim.last_event_id() > 20; }, Millis(15000)));
    auto s = open_stream(sim, "", "1");
    REQUIRE(s->read_until(snapshot_done, Millis(5000)));
    const auto events = s->parse().events;
    REQUIRE(events.size() >= 21);  // 3 queues + 3 skills + 15 agents
    CHECK_FALSE(events.front().has_id);
    auto future = open_stream(sim, "", "999999999");
    REQUIRE(future->read_until(snapshot_done, Millis(5000)));
    CHECK_FALSE(future->parse().events.front().has_id);
}

TEST_CASE("sim replay: the same seed gives the same first events, another seed does not", "[sim][replay]") {
    auto first_events = [](const std::string& seed) {
        Sim sim({"--seed", seed, "--speed", "100", "--queues", "5", "--agents", "25"});
        REQUIRE(wait_until([&] { return sim.last_event_id() >= 150; }, Millis(15000)));
        auto s = open_stream(sim, "", "0");
        REQUIRE(s->read_until([](const RawStream& r) { return reached(r, 150); }, Millis(5000)));
        std::vector<std::string> out;
        for (const auto& [id, data] : live_after(s->parse(), 0, 150)) {
            auto doc = parse_json(data);
            doc.RemoveMember("timestamp");
            out.push_back(id + " " + json_text(doc));
        }
        return out;
    };
    const auto a = first_events("11");
    REQUIRE(a.size() == 150);
    CHECK(a == first_events("11"));
    CHECK(a != first_events("12"));
}
