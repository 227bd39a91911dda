// Shared steps of the Genesys platform's tests: the simulator with
// --platform genesys, its REST calls, sockets on channels, and the
// folding of observation messages into flattened state as a client would.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "rtwatch_test/sim.hpp"
#include "rtwatch_test/ws.hpp"

namespace rtwatch::test {

// Flattened names -> values (numbers as text, strings quoted) per resource.
using FlatState = std::map<std::string, std::map<std::string, std::string>>;

// rtwatch-sim --platform genesys with quick heartbeats, plus `args`.
std::unique_ptr<Sim> genesys_sim(std::vector<std::string> args = {});
Headers bearer(const std::string& token);
struct Channel {
    std::string id;
    std::string path;  // /channels/ID, from connectUri
};
Channel create_channel(const Sim& sim, const std::string& token);
HttpResponse subscribe(const Sim& sim, const std::string& token, const std::string& channel,
                       const std::vector<std::string>& topics, bool ignore_errors = true);
std::string queue_topic(const std::string& queue);
// The query for these queues, flattened (sums over groups).
FlatState query_snapshot(const Sim& sim, const std::string& token, const std::vector<std::string>& queues);
// /sim/state (?media=1 when asked) in the same form.
FlatState sim_state(const Sim& sim, bool media = false);
// Pauses the model and waits until every change has been published.
void pause_and_settle(const Sim& sim);

// Applies the observation and user messages among `messages` to `state`;
// aggregate intervals (start != end) are skipped. Group values are kept
// per (resource, group) so sums stay right under partial updates.
class ObservationFold {
public:
    // Starts from an observations query answer.
    void seed_query(const std::string& query_body);
    // Agents from GET /api/v2/users?id=...&expand=presence,routingStatus.
    void seed_users(const std::string& users_body);
    void apply(const std::string& message);
    FlatState flat() const;
    size_t applied = 0;
    size_t aggregates = 0;

private:
    void put_group(std::map<std::string, std::map<std::string, long>>& groups, const rapidjson::Value& group,
                   const rapidjson::Value& metrics);
    std::map<std::string, std::string> m_presences;  // organisation presence id -> system presence
    // resource -> group media ("" for the user group) -> name -> count
    std::map<std::string, std::map<std::string, std::map<std::string, long>>> m_queues;
    std::map<std::string, std::map<std::string, std::string>> m_agents;
};

std::string topic_of(const std::string& message);
bool is_heartbeat(const std::string& message);

}  // namespace rtwatch::test
