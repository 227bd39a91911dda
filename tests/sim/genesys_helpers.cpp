// Genesys test steps over real HTTP and WebSockets.
#include "genesys_helpers.hpp"

#include <stdexcept>
#include <thread>

#include "rtwatch_test/process.hpp"

namespace rtwatch::test {

namespace {

// An oUserPresences qualifier is an organisation presence id: named by the
// system presence the query answer maps it to.
std::string metric_name(const rapidjson::Value& m, const std::map<std::string, std::string>& presences) {
    std::string name = m["metric"].GetString();
    if (!m.HasMember("qualifier")) return name;
    std::string qualifier = m["qualifier"].GetString();
    if (name == "oUserPresences") {
        const auto it = presences.find(qualifier);
        if (it == presences.end()) throw std::runtime_error("presence id without a mapping: " + qualifier);
        qualifier = it->second;
    }
    return name + "." + qualifier;
}

}  // namespace

void ObservationFold::put_group(std::map<std::string, std::map<std::string, long>>& groups,
                                const rapidjson::Value& group, const rapidjson::Value& metrics) {
    const std::string media = group.HasMember("mediaType") ? group["mediaType"].GetString() : "";
    for (const auto& m : metrics.GetArray())
        groups[media][metric_name(m, m_presences)] = m["stats"]["count"].GetInt64();
}

std::unique_ptr<Sim> genesys_sim(std::vector<std::string> args) {
    std::vector<std::string> all = {"--platform", "genesys", "--heartbeat", "200ms", "--queues", "3", "--agents", "9"};
    all.insert(all.end(), args.begin(), args.end());
    return std::make_unique<Sim>(all);
}

Headers bearer(const std::string& token) { return {{"Authorization", "Bearer " + token}}; }

Channel create_channel(const Sim& sim, const std::string& token) {
    const HttpResponse r =
        http_post(sim.endpoint(), "/api/v2/notifications/channels", "", "application/json", bearer(token));
    if (r.status != 200) throw std::runtime_error("channel: " + std::to_string(r.status) + " " + r.body);
    const auto doc = parse_json(r.body);
    const std::string uri = doc["connectUri"].GetString();
    return {doc["id"].GetString(), uri.substr(uri.find("/channels/"))};
}

HttpResponse subscribe(const Sim& sim, const std::string& token, const std::string& channel,
                       const std::vector<std::string>& topics, bool ignore_errors) {
    std::string body = "[";
    for (size_t i = 0; i < topics.size(); ++i) body += (i ? ",{\"id\":\"" : "{\"id\":\"") + topics[i] + "\"}";
    body += "]";
    return http_put(
        sim.endpoint(),
        "/api/v2/notifications/channels/" + channel + "/subscriptions" + (ignore_errors ? "?ignoreErrors=true" : ""),
        body, "application/json", bearer(token));
}

std::string queue_topic(const std::string& queue) { return "v2.analytics.queues." + queue + ".observations"; }

FlatState query_snapshot(const Sim& sim, const std::string& token, const std::vector<std::string>& queues) {
    std::string body = R"({"filter":{"type":"or","predicates":[)";
    for (size_t i = 0; i < queues.size(); ++i)
        body += (i ? "," : "") +
                std::string(R"({"type":"dimension","dimension":"queueId","operator":"matches","value":")") + queues[i] +
                "\"}";
    body += "]}}";
    const HttpResponse r = http_post(sim.endpoint(), "/api/v2/analytics/queues/observations/query", body,
                                     "application/json", bearer(token));
    if (r.status != 200) throw std::runtime_error("query: " + std::to_string(r.status) + " " + r.body);
    ObservationFold fold;
    fold.seed_query(r.body);
    return fold.flat();
}

FlatState sim_state(const Sim& sim, bool media) {
    const auto doc = parse_json(http_get(sim.endpoint(), media ? "/sim/state?media=1" : "/sim/state").body);
    FlatState out;
    for (const char* section : {"queues", "agents"})
        for (const auto& r : doc[section].GetObject())
            for (const auto& m : r.value.GetObject()) out[r.name.GetString()][m.name.GetString()] = json_text(m.value);
    return out;
}

void pause_and_settle(const Sim& sim) {
    sim.fault(R"({"kind":"pause"})");
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (parse_json(http_get(sim.endpoint(), "/sim/state").body)["pending"].GetInt() != 0) {
        if (std::chrono::steady_clock::now() > deadline) throw std::runtime_error("changes still pending after 5 s");
        std::this_thread::sleep_for(std::chrono::milliseconds(20));  // polling a condition, with a deadline
    }
}

void ObservationFold::seed_query(const std::string& query_body) {
    const auto doc = parse_json(query_body);
    if (doc.HasMember("systemToOrganizationMappings"))
        for (const auto& m : doc["systemToOrganizationMappings"].GetObject())
            for (const auto& id : m.value.GetArray()) m_presences[id.GetString()] = m.name.GetString();
    for (const auto& r : doc["results"].GetArray())
        put_group(m_queues[r["group"]["queueId"].GetString()], r["group"], r["data"]);
}

void ObservationFold::seed_users(const std::string& users_body) {
    const auto doc = parse_json(users_body);
    for (const auto& u : doc["entities"].GetArray()) {
        auto& agent = m_agents[u["id"].GetString()];
        agent["routingStatus"] = json_text(u["routingStatus"]["status"]);
        agent["presence"] = json_text(u["presence"]["presenceDefinition"]["systemPresence"]);
    }
}

void ObservationFold::apply(const std::string& message) {
    const auto doc = parse_json(message);
    const std::string topic = doc["topicName"].GetString();
    const auto& body = doc["eventBody"];
    if (topic.rfind("v2.analytics.queues.", 0) == 0) {
        for (const auto& d : body["data"].GetArray()) {
            const std::string interval = d["interval"].GetString();
            const size_t slash = interval.find('/');
            if (interval.substr(0, slash) != interval.substr(slash + 1)) {
                ++aggregates;
                continue;
            }
            put_group(m_queues[body["group"]["queueId"].GetString()], body["group"], d["metrics"]);
            ++applied;
        }
    } else if (topic.rfind("v2.users.", 0) == 0 && topic.size() > 9 && topic.substr(topic.rfind('.')) == ".activity") {
        auto& agent = m_agents[body["id"].GetString()];
        agent["routingStatus"] = json_text(body["routingStatus"]["status"]);
        agent["presence"] = json_text(body["presence"]["presenceDefinition"]["systemPresence"]);
        ++applied;
    }
}

FlatState ObservationFold::flat() const {
    FlatState out;
    for (const auto& [queue, groups] : m_queues) {
        std::map<std::string, long> sums;
        for (const auto& [media, metrics] : groups)
            for (const auto& [name, count] : metrics) {
                sums[name] += count;
                if (name.rfind("oOnQueueUsers.", 0) == 0) sums["oOnQueueUsers"] += count;  // by routing status
            }
        for (const auto& [name, count] : sums) out[queue][name] = std::to_string(count);
    }
    for (const auto& [agent, values] : m_agents) out[agent] = values;
    return out;
}

std::string topic_of(const std::string& message) { return parse_json(message)["topicName"].GetString(); }

bool is_heartbeat(const std::string& message) { return message.find("\"WebSocket Heartbeat\"") != std::string::npos; }

}  // namespace rtwatch::test
