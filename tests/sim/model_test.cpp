// The contact-center model on its own: reproducible from the seed, metrics
// computed from state, redundant events at the asked ratio.
#include <catch2/catch.hpp>

#include <rapidjson/document.h>

#include <set>

#include "rtwatch/sim/model.hpp"

using namespace rtwatch;
using namespace rtwatch::sim;

namespace {

std::vector<ModelEvent> run(Model& model, int ticks) {
    std::vector<ModelEvent> out;
    for (int i = 0; i < ticks; ++i) model.step(out);
    return out;
}

rapidjson::Document parse(const std::string& text) {
    rapidjson::Document d;
    d.Parse(text.c_str(), text.size());  // the sized form never reads past the end
    REQUIRE_FALSE(d.HasParseError());
    return d;
}

}  // namespace

TEST_CASE("sim model: the same seed gives the same events, another seed different ones", "[sim][model]") {
    ModelOptions o{.seed = 42, .queues = 8, .skills = 3, .agents = 40, .redundant_ratio = 0.5};
    Model a(o), b(o);
    const auto ea = run(a, 3000), eb = run(b, 3000);
    REQUIRE(ea.size() > 100);
    REQUIRE(ea.size() == eb.size());
    for (size_t i = 0; i < ea.size(); ++i) {
        REQUIRE(ea[i].resource == eb[i].resource);
        REQUIRE(*ea[i].metrics == *eb[i].metrics);
    }
    o.seed = 43;
    Model c(o);
    const auto ec = run(c, 3000);
    bool differs = ec.size() != ea.size();
    for (size_t i = 0; !differs && i < ea.size(); ++i) differs = *ea[i].metrics != *ec[i].metrics;
    CHECK(differs);
}

TEST_CASE("sim model: resource ids are zero-padded and widen for large counts", "[sim][model]") {
    CHECK(queue_id(0, 10) == "queue-0001");
    CHECK(queue_id(11999, 12000) == "queue-12000");
    CHECK(agent_id(41, 50) == "agent-00042");
    CHECK(skill_id(0, 4) == "skill-billing");
    CHECK(skill_id(99, 100) == "skill-0100");
    Model m(ModelOptions{.seed = 1, .queues = 3, .skills = 2, .agents = 5});
    REQUIRE(m.resource_count() == 10);
    CHECK(m.find(ResourceKind::agent, "agent-00005").has_value());
    CHECK_FALSE(m.find(ResourceKind::queue, "agent-00005").has_value());
}

TEST_CASE("sim model: queue metrics are consistent with each other", "[sim][model]") {
    Model m(ModelOptions{.seed = 7, .queues = 4, .skills = 2, .agents = 12});
    run(m, 20000);  // 2000 simulated seconds
    uint64_t answered = 0;
    for (ResourceIndex q = 0; q < m.queue_count(); ++q) {
        const auto d = parse(*m.metrics(q));
        const auto& metrics = d.GetObject();
        CHECK(metrics["availableAgents"].GetInt() <= metrics["totalAgents"].GetInt());
        CHECK(metrics["serviceLevelPercentile"].GetDouble() >= 0);
        CHECK(metrics["serviceLevelPercentile"].GetDouble() <= 100);
        if (metrics["waiting"].GetInt() == 0) CHECK(metrics["waitDuration"].GetInt() == 0);
        answered += metrics["answered"].GetUint64();
    }
    CHECK(answered > 0);
}

TEST_CASE("sim model: a redundant event repeats the resource's state at that point", "[sim][model]") {
    Model m(ModelOptions{.seed = 3, .queues = 5, .skills = 2, .agents = 25, .redundant_ratio = 0.5});
    std::vector<std::string> state;
    for (ResourceIndex r = 0; r < m.resource_count(); ++r) state.push_back(*m.metrics(r));
    size_t redundant = 0, total = 0;
    for (const ModelEvent& e : run(m, 5000)) {
        ++total;
        if (e.redundant) {
            ++redundant;
            REQUIRE(*e.metrics == state[e.resource]);
        } else {
            REQUIRE(*e.metrics != state[e.resource]);
        }
        state[e.resource] = *e.metrics;
    }
    const double ratio = static_cast<double>(redundant) / static_cast<double>(total);
    CHECK(ratio == Approx(0.5).margin(0.01));
    for (ResourceIndex r = 0; r < m.resource_count(); ++r) CHECK(state[r] == *m.metrics(r));
}

TEST_CASE("sim model: agent states are one of the documented values", "[sim][model]") {
    Model m(ModelOptions{.seed = 9, .queues = 2, .skills = 1, .agents = 20});
    std::set<std::string> seen;
    for (const ModelEvent& e : run(m, 30000))
        if (m.kind(e.resource) == ResourceKind::agent) seen.insert(parse(*e.metrics)["state"].GetString());
    CHECK(seen == std::set<std::string>{"available", "busy", "wrapup", "offline"});
}
