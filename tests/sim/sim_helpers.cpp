// Folding streams into state, as a client's diff stage would.
#include "sim_helpers.hpp"

namespace rtwatch::test {

std::unique_ptr<RawStream> open_stream(const Sim& sim, const std::string& query, const std::string& last_id) {
    auto s = std::make_unique<RawStream>(sim.port(), std::string(k_stream_path) + query,
                                         stream_headers(sim.token(), last_id));
    s->read_until([](const RawStream& r) { return r.headers_done(); }, Millis(5000));
    return s;
}

int stream_status(const Sim& sim, const std::string& token, const std::string& query) {
    RawStream s(sim.port(), std::string(k_stream_path) + query, stream_headers(token));
    s.read_until([](const RawStream& r) { return r.headers_done(); }, Millis(5000));
    return s.status();
}

bool snapshot_done(const RawStream& s) {
    for (const auto& e : s.parse().events)
        if (e.has_id) return true;
    return false;
}

std::string resource_of(const rapidjson::Value& data) {
    for (const char* key : {"queueId", "skillId", "agentId"})
        if (data.HasMember(key)) return data[key].GetString();
    return {};
}

std::map<std::string, std::string> fold(const SseParse& parse, uint64_t max_id) {
    std::map<std::string, std::string> out;
    for (const auto& e : parse.events) {
        if (e.type != "data") continue;
        if (e.has_id && std::stoull(e.id) > max_id) break;
        const auto doc = parse_json(e.data);
        out[resource_of(doc)] = json_text(doc["metrics"]);
    }
    return out;
}

std::map<std::string, std::string> state_metrics(const rapidjson::Document& state) {
    std::map<std::string, std::string> out;
    for (const char* section : {"queues", "skills", "agents"})
        for (const auto& m : state[section].GetObject()) out[m.name.GetString()] = json_text(m.value);
    return out;
}

uint64_t last_id_of(const SseParse& parse) {
    uint64_t last = 0;
    for (const auto& e : parse.events)
        if (e.has_id) last = std::stoull(e.id);
    return last;
}

}  // namespace rtwatch::test
