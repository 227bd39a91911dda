// rtwatch relay against rtwatch-sim: what viewers get on connect, live and
// on resume, compared with the simulator's ground truth and plain runs.
#include "relay_support.hpp"

#include <filesystem>
#include <fstream>

using namespace rtwatch::test;

namespace {

struct Selection {
    std::vector<std::string> keys, fields;
};

std::vector<std::string> keys_of_kind(const std::map<std::string, std::string>& all, std::string_view kind) {
    std::vector<std::string> out;
    for (const auto& [key, metrics] : all)
        if (key.starts_with(kind)) out.push_back(key);
    return out;
}

// 50 different selections over queues, skills and agents, some with fields.
std::vector<Selection> fifty_selections(const std::map<std::string, std::string>& all) {
    auto queues = keys_of_kind(all, "queue/"), skills = keys_of_kind(all, "skill/"),
         agents = keys_of_kind(all, "agent/");
    std::vector<Selection> out;
    for (std::size_t i = 0; i < 50; ++i) {
        Selection s;
        s.keys.push_back(queues[i % queues.size()]);
        if (i % 3 == 0) s.keys.push_back(skills[i % skills.size()]);
        if (i % 4 == 0)
            s.fields = {"waiting", "availableAgents"};
        else if (i % 2 == 1)
            s.keys.push_back(agents[i % agents.size()]);
        if (i % 5 == 0) s.keys.push_back(queues[(i + 1) % queues.size()]);
        out.push_back(s);
    }
    return out;
}

bool all_match(std::vector<std::unique_ptr<RawStream>>& viewers, const std::vector<Selection>& selections,
               const rapidjson::Document& truth) {
    for (std::size_t i = 0; i < viewers.size(); ++i) {
        viewers[i]->poll();
        if (last_state(events_of(*viewers[i]).events) != truth_for(truth, selections[i].keys, selections[i].fields))
            return false;
    }
    return true;
}

}  // namespace

TEST_CASE("relay: 50 viewers get /sim/state for their selection, then the records plain runs print", "[relay]") {
    Sim sim(busy_model());
    auto relay = start_relay(sim, {});
    REQUIRE(sim.fault(R"({"kind":"pause"})").status == 200);
    auto truth = sim.state();
    auto all = truth_for(truth, {}, {});
    REQUIRE(wait_until([&] { return state_of(relay.port) == all; }, 10s));

    auto selections = fifty_selections(all);
    std::vector<std::unique_ptr<RawStream>> viewers;
    for (const auto& s : selections)
        viewers.push_back(std::make_unique<RawStream>(relay.port, "/events" + query_of(s.keys, s.fields)));
    for (std::size_t i = 0; i < viewers.size(); ++i) {
        REQUIRE(viewers[i]->read_until(ready_seen, 10s));
        CHECK(viewers[i]->status() == 200);
        CHECK(viewers[i]->header("Content-Type").starts_with("text/event-stream"));
        auto v = events_of(*viewers[i]);
        std::vector<SseEvent> snapshot(v.events.begin(), v.events.begin() + static_cast<long>(v.ready));
        INFO("viewer " << i << ": " << query_of(selections[i].keys, selections[i].fields));
        CHECK(last_state(snapshot) == truth_for(truth, selections[i].keys, selections[i].fields));
        for (const auto& e : snapshot) {
            CHECK(e.has_id);
            if (e.type == "snapshot") CHECK(parse_json(e.data)["changed"].Size() == 0);
        }
    }
    CHECK(sim.stats()["streams_opened"].GetInt() == 1);

    // Plain runs with two of the selections, started while the model is paused.
    const Selection& a = selections[1];  // a queue and an agent
    const Selection& b = selections[0];  // two queues and a skill, two fields
    auto args_of = [](const Selection& s) {
        std::vector<std::string> args;
        for (const auto& key : s.keys)
            args.insert(args.end(), {"--" + key.substr(0, key.find('/')), key.substr(key.find('/') + 1)});
        if (!s.fields.empty()) args.insert(args.end(), {"--fields", "waiting,availableAgents"});
        return args;
    };
    auto plain_a = start_rtwatch(sim, args_of(a));
    auto plain_b = start_rtwatch(sim, args_of(b));
    REQUIRE(plain_a->wait_for_stdout_lines(a.keys.size(), 10s));
    REQUIRE(plain_b->wait_for_stdout_lines(b.keys.size(), 10s));
    const std::uint64_t paused_at = sim.last_event_id();

    REQUIRE(sim.fault(R"({"kind":"restore"})").status == 200);
    REQUIRE(wait_until([&] { return sim.last_event_id() > paused_at + 400; }, 15s));
    REQUIRE(sim.fault(R"({"kind":"pause"})").status == 200);
    auto truth2 = sim.state();
    CHECK(wait_until([&] { return all_match(viewers, selections, truth2); }, 15s));
    CHECK(wait_until(
        [&] {
            return last_metrics_by_resource(parse_lines(plain_b->stdout_text())) == truth_for(truth2, b.keys, b.fields);
        },
        10s));
    CHECK(wait_until(
        [&] {
            return last_metrics_by_resource(parse_lines(plain_a->stdout_text())) == truth_for(truth2, a.keys, a.fields);
        },
        10s));
    auto live_a = live_after(records_of(events_of(*viewers[1]).events), paused_at);
    auto live_b = live_after(records_of(events_of(*viewers[0]).events), paused_at);
    CHECK(!live_a.empty());
    CHECK(!live_b.empty());
    CHECK(live_a == live_after(parse_lines(plain_a->stdout_text()), paused_at));
    CHECK(live_b == live_after(parse_lines(plain_b->stdout_text()), paused_at));
}

TEST_CASE("relay: a viewer reconnecting with Last-Event-ID gets exactly the events after it", "[relay]") {
    Sim sim(busy_model());
    auto relay = start_relay(sim, {});
    const std::string query = "?queueId=queue-0001,queue-0002,queue-0003&agentId=agent-00002";
    RawStream witness(relay.port, "/events" + query);
    REQUIRE(witness.read_until(ready_seen, 10s));
    std::string last_id;
    {
        RawStream first(relay.port, "/events" + query);
        REQUIRE(first.read_until(
            [](const RawStream& s) {
                auto v = events_of(s);
                return v.ready != std::string::npos && v.events.size() > v.ready + 5;
            },
            10s));
        auto v = events_of(first);
        last_id = v.events.back().id;
    }
    // Events go on while it is away.
    auto seq = seq_of(last_id);
    INFO("relay: " << relay.process->stderr_text() << "; last id " << last_id);
    REQUIRE(witness.read_until(
        [&](const RawStream& s) {
            auto v = events_of(s);
            return !v.events.empty() && seq_of(v.events.back().id) > seq + 20;
        },
        10s));
    RawStream again(relay.port, "/events" + query, {{"Last-Event-ID", last_id}});
    REQUIRE(sim.fault(R"({"kind":"pause"})").status == 200);
    auto truth =
        truth_for(sim.state(), {"queue/queue-0001", "queue/queue-0002", "queue/queue-0003", "agent/agent-00002"}, {});
    REQUIRE(wait_until(
        [&] {
            witness.poll();
            again.poll();
            auto w = events_of(witness).events;
            auto a = events_of(again).events;
            return last_state(w) == truth && !a.empty() && !w.empty() && a.back().id == w.back().id;
        },
        15s));
    std::vector<std::string> expected, got;
    for (const auto& e : events_of(witness).events)
        if (e.type != "snapshot" && e.type != "ready" && e.type != "status" && seq_of(e.id) > seq)
            expected.push_back(e.id + " " + e.type + " " + e.data);
    for (const auto& e : events_of(again).events)
        if (e.type != "status") got.push_back(e.id + " " + e.type + " " + e.data);
    CHECK(!got.empty());
    CHECK(got == expected);
    CHECK(sim.stats()["streams_opened"].GetInt() == 1);
}

TEST_CASE("relay: a Last-Event-ID outside the history or of another run gets resync and a snapshot", "[relay]") {
    Sim sim(busy_model());
    auto relay = start_relay(sim, {"--history", "5"});
    std::string old_id;
    {
        RawStream first(relay.port, "/events?queueId=queue-0001");
        REQUIRE(first.read_until(ready_seen, 10s));
        old_id = events_of(first).events.back().id;
    }
    // More than 5 events later the id is out of the history.
    REQUIRE(wait_until(
        [&] { return parse_json(http_get(relay.port, "/state").body)["event_id"].GetString() != std::string(); }, 5s));
    REQUIRE(wait_until(
        [&] {
            std::string now = parse_json(http_get(relay.port, "/state").body)["event_id"].GetString();
            return seq_of(now) > seq_of(old_id) + 10;
        },
        10s));
    for (const std::string& id : {old_id, std::string("0-1")}) {
        RawStream again(relay.port, "/events?queueId=queue-0001", {{"Last-Event-ID", id}});
        REQUIRE(again.read_until(ready_seen, 10s));
        auto v = events_of(again);
        REQUIRE(!v.events.empty());
        CHECK(v.events.front().type == "resync");
        std::size_t snapshots = 0;
        for (std::size_t i = 0; i < v.ready; ++i) snapshots += v.events[i].type == "snapshot";
        CHECK(snapshots == 1);
    }
}

TEST_CASE("relay: relay replay FILE serves the capture's final state and level records", "[relay]") {
    std::vector<std::string> args{"relay",
                                  "--listen",
                                  "127.0.0.1:0",
                                  "--level",
                                  "waiting: yellow >= 3, red >= 6",
                                  "replay",
                                  std::string(RTWATCH_TEST_DATA) + "/levels.sse"};
    auto p = start_rtwatch_raw(args);
    int port = listening_port(*p);
    RawStream viewer(port, "/events");
    REQUIRE(viewer.read_until(ready_seen, 10s));
    auto v = events_of(viewer);
    CHECK(v.ready > 0);
    auto state = state_of(port);
    CHECK(!state.empty());
    CHECK(last_state(v.events) == state);
    CHECK(http_get(port, "/readyz").status == 200);
    p->kill(SIGTERM);
    auto st = p->wait_for(k_exit_timeout);
    REQUIRE(st);
    CHECK(st->code == 0);
    CHECK(p->stdout_lines().size() == 1);  // the listening line, nothing else
}

namespace {

using Names = std::map<std::string, std::string>;

// Written whole, then renamed over the old file, as an editor or a deploy does.
void write_names(const std::string& path, const std::string& text) {
    std::ofstream(path + ".tmp") << text;
    std::filesystem::rename(path + ".tmp", path);
}

// The names of each meta event on a stream, in order.
std::vector<Names> meta_names(const RawStream& s) {
    std::vector<Names> out;
    for (const auto& e : events_of(s).events) {
        if (e.type != "meta") continue;
        auto d = parse_json(e.data);
        Names& names = out.emplace_back();
        for (const auto& m : d["names"].GetObject()) names[m.name.GetString()] = m.value.GetString();
    }
    return out;
}

}  // namespace

TEST_CASE("relay: SIGHUP rereads --names and viewers get the new names; a bad file keeps the old", "[relay]") {
    Sim sim(busy_model());
    const std::string dir = make_temp_dir("rtwatch-names");
    const std::string path = dir + "/names.csv";
    write_names(path, "queue,queue-0001,Billing\nqueue,queue-0002,Sales\n");
    auto relay = start_relay(sim, {"--names", path});
    RawStream viewer(relay.port, "/events?queueId=queue-0001,queue-0002");
    REQUIRE(viewer.read_until(ready_seen, 10s));
    const Names first{{"queue/queue-0001", "Billing"}, {"queue/queue-0002", "Sales"}};
    CHECK(meta_names(viewer) == std::vector<Names>{first});

    // queue-0003 is not in this viewer's selection: its name is not sent.
    write_names(path, "queue,queue-0001,Billing EMEA\nqueue,queue-0003,Retention\n");
    relay.process->kill(SIGHUP);
    const Names second{{"queue/queue-0001", "Billing EMEA"}};
    CHECK(viewer.read_until([&](const RawStream& s) { return meta_names(s).size() >= 2; }, 10s));
    CHECK(meta_names(viewer) == std::vector<Names>{first, second});

    // A bad line: one warning naming the file and line, and no new names.
    write_names(path, "queue,queue-0001,Collections\nteam,t1,Sales\n");
    relay.process->kill(SIGHUP);
    REQUIRE(relay.process->wait_for_stderr(path + ":2:", 10s));
    const std::string err = relay.process->stderr_text();
    CHECK_THAT(err, Catch::Contains("rtwatch: warning: --names " + path + ":2: unknown kind 'team'") &&
                        Catch::Contains("the names in use stay"));
    // A good file again: the next meta event follows the one before the bad file.
    write_names(path, "queue,queue-0002,Sales EMEA\n");
    relay.process->kill(SIGHUP);
    CHECK(viewer.read_until([&](const RawStream& s) { return meta_names(s).size() >= 3; }, 10s));
    CHECK(meta_names(viewer) == std::vector<Names>{first, second, Names{{"queue/queue-0002", "Sales EMEA"}}});
    CHECK(relay.process->stderr_text().find(path + ":2:") == relay.process->stderr_text().rfind(path + ":2:"));
    std::filesystem::remove_all(dir);
}
