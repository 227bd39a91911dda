// The Genesys view of the model without a server: observation groups,
// deltas between two observations, and the flattened names.
#include <catch2/catch.hpp>

#include <algorithm>

#include "rtwatch/sim/genesys_metrics.hpp"

using namespace rtwatch::sim;
using namespace rtwatch::sim::genesys;

TEST_CASE("genesys metrics: a user group without media type, then one group per media type", "[sim][genesys]") {
    Model model(ModelOptions{.seed = 3, .queues = 2, .skills = 1, .agents = 8});
    const QueueObservation o = observe_queue(model, 0);
    REQUIRE(o.groups.size() == 1 + k_media_count);
    CHECK(o.groups[0].media.empty());
    CHECK(o.groups[1].media == "voice");
    CHECK(o.groups[2].media == "chat");
    int64_t members = 0, by_presence = 0, by_status = 0;
    for (const Metric& m : o.groups[0].metrics) {
        if (m.metric == "oMemberUsers") members = m.count;
        if (m.metric == "oUserPresences") by_presence += m.count;
        if (m.metric == "oUserRoutingStatuses") by_status += m.count;
    }
    CHECK(members == static_cast<int64_t>(model.queue_members(0).size()));
    CHECK(by_presence == members);
    CHECK(by_status == members);
}

TEST_CASE("genesys metrics: a delta holds only the changed metrics of the changed groups", "[sim][genesys]") {
    Model model(ModelOptions{.seed = 3, .queues = 2, .skills = 1, .agents = 8});
    QueueObservation before = observe_queue(model, 0);
    QueueObservation after = before;
    after.groups[1].metrics[0].count += 2;  // voice oWaiting
    ChangeMask mask;
    mark_changes(before, after, mask);
    CHECK(mask.any);
    const auto delta = masked_groups(after, mask);
    REQUIRE(delta.size() == 1);
    CHECK(delta[0].media == "voice");
    REQUIRE(delta[0].metrics.size() == 1);
    CHECK(delta[0].metrics[0].metric == "oWaiting");
    ChangeMask none;
    mark_changes(after, after, none);
    CHECK(!none.any);
    CHECK(masked_groups(after, none).empty());
}

// A snapshot read between the two changes saw the middle value; only a
// frame with the value again brings that client back.
TEST_CASE("genesys metrics: a metric that changes and changes back is still published", "[sim][genesys]") {
    Model model(ModelOptions{.seed = 3, .queues = 2, .skills = 1, .agents = 8});
    QueueObservation first = observe_queue(model, 0);
    QueueObservation middle = first;
    middle.groups[1].metrics[0].count += 1;
    ChangeMask mask;
    mark_changes(first, middle, mask);
    mark_changes(middle, first, mask);
    const auto delta = masked_groups(first, mask);
    REQUIRE(delta.size() == 1);
    REQUIRE(delta[0].metrics.size() == 1);
    CHECK(delta[0].metrics[0] == first.groups[1].metrics[0]);
}

TEST_CASE("genesys metrics: flattened names sum over media types, per media names only when asked", "[sim][genesys]") {
    QueueObservation o;
    o.groups.push_back({"", {{"oOnQueueUsers", "", 4}, {"oUserRoutingStatuses", "IDLE", 3}}});
    o.groups.push_back({"voice", {{"oWaiting", "", 2}}});
    o.groups.push_back({"chat", {{"oWaiting", "", 5}}});
    CHECK(flat_queue_json(o, false) == R"({"oOnQueueUsers":4,"oUserRoutingStatuses.IDLE":3,"oWaiting":7})");
    CHECK(flat_queue_json(o, true) ==
          R"({"oOnQueueUsers":4,"oUserRoutingStatuses.IDLE":3,"oWaiting":7,"oWaiting.chat":5,"oWaiting.voice":2})");
    CHECK(flat_agent_json({"IDLE", "ON_QUEUE"}) == R"({"presence":"ON_QUEUE","routingStatus":"IDLE"})");
}

TEST_CASE("genesys metrics: oOnQueueUsers by routing status flattens to its total and each status", "[sim][genesys]") {
    QueueObservation o;
    o.groups.push_back({"", {{"oOnQueueUsers", "IDLE", 2}, {"oOnQueueUsers", "INTERACTING", 3}}});
    CHECK(flat_queue_json(o, false) == R"({"oOnQueueUsers":5,"oOnQueueUsers.IDLE":2,"oOnQueueUsers.INTERACTING":3})");
    Model model(ModelOptions{.seed = 3, .queues = 2, .skills = 1, .agents = 8});
    int64_t qualified = 0, plain = -1;
    const QueueObservation by_status = observe_queue(model, 0), total = observe_queue(model, 0, true);
    for (const Metric& m : by_status.groups[0].metrics)
        if (m.metric == "oOnQueueUsers") qualified += m.qualifier.empty() ? 1000 : m.count;
    for (const Metric& m : total.groups[0].metrics)
        if (m.metric == "oOnQueueUsers") plain = m.qualifier.empty() ? m.count : -2;
    CHECK(qualified == plain);
}

TEST_CASE("genesys metrics: every routing status and presence an agent takes is a known qualifier", "[sim][genesys]") {
    Model model(ModelOptions{.seed = 5, .queues = 3, .skills = 1, .agents = 30});
    std::vector<ModelEvent> events;
    for (int tick = 0; tick < 20000; ++tick) {
        events.clear();
        model.step(events);
        if (tick % 100 != 0) continue;
        for (uint32_t a = 0; a < model.agent_count(); ++a) {
            const AgentStatus s = observe_agent(model, a);
            CHECK(std::find(k_routing_statuses.begin(), k_routing_statuses.end(), s.routing_status) !=
                  k_routing_statuses.end());
            CHECK(std::find(k_presences.begin(), k_presences.end(), s.presence) != k_presences.end());
        }
    }
}
