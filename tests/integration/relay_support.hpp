// rtwatch relay under test: started against a simulator (or a capture) on
// port 0, its listening line read for the port; viewers are raw SSE streams.
#pragma once

#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "rtwatch_run.hpp"
#include "rtwatch_test/http.hpp"
#include "rtwatch_test/sse.hpp"

namespace rtwatch::test {

using namespace std::chrono_literals;

struct RelayProcess {
    std::unique_ptr<Process> process;
    int port = 0;
};

// The value of an unlabelled sample in Prometheus text, or nullopt when the
// metric is missing: a test of "counter moved" must fail when it is absent.
inline std::optional<double> prom_value(const std::string& text, const std::string& name) {
    std::size_t at = 0;
    while ((at = text.find(name + " ", at)) != std::string::npos) {
        if (at == 0 || text[at - 1] == '\n') return std::stod(text.substr(at + name.size() + 1));
        at += name.size();
    }
    return std::nullopt;
}

inline int listening_port(Process& p) {
    INFO(p.stderr_text());
    REQUIRE(p.wait_for_stdout_lines(1, 15s));
    auto line = p.stdout_lines().front();
    auto doc = parse_json(line);
    REQUIRE(std::string(doc["type"].GetString()) == "listening");
    std::string url = doc["url"].GetString();
    REQUIRE(url.starts_with("http://127.0.0.1:"));
    return std::stoi(url.substr(url.rfind(':') + 1));
}

inline RelayProcess start_relay(const Sim& sim, std::vector<std::string> args) {
    std::vector<std::string> all{"relay", "--listen", "127.0.0.1:0"};
    all.insert(all.end(), args.begin(), args.end());
    RelayProcess r;
    r.process = start_rtwatch(sim, all);
    r.port = listening_port(*r.process);
    return r;
}

// A busy model: 10 queues, 4 skills, 20 agents, changing many times a second.
inline std::vector<std::string> busy_model() {
    return {"--seed", "11",      "--queues", "10",     "--skills", "4",           "--agents",
            "20",     "--speed", "300",      "--rate", "1000",     "--heartbeat", "200ms"};
}

inline std::string key_of(const rapidjson::Value& record) {
    return std::string(record["kind"].GetString()) + "/" + record["id"].GetString();
}

// Events of a stream, in order, and where its ready marker is.
struct ViewerEvents {
    std::vector<SseEvent> events;
    std::size_t ready = std::string::npos;  // index of the ready event
    std::size_t incomplete = 0;
};

inline ViewerEvents events_of(const RawStream& s) {
    auto parsed = s.parse();
    ViewerEvents v;
    v.events = std::move(parsed.events);
    v.incomplete = parsed.incomplete;
    for (std::size_t i = 0; i < v.events.size(); ++i)
        if (v.events[i].type == "ready") {
            v.ready = i;
            break;
        }
    return v;
}

inline bool ready_seen(const RawStream& s) { return events_of(s).ready != std::string::npos; }

// The last metrics per resource over snapshot and metrics events.
inline std::map<std::string, std::string> last_state(const std::vector<SseEvent>& events) {
    std::map<std::string, std::string> out;
    for (const auto& e : events) {
        if (e.type != "snapshot" && e.type != "metrics") continue;
        auto d = parse_json(e.data);
        out[key_of(d)] = json_text(d["metrics"]);
    }
    return out;
}

// /sim/state narrowed to the ids and fields given (empty: all).
inline std::map<std::string, std::string> truth_for(const rapidjson::Document& state,
                                                    const std::vector<std::string>& keys,
                                                    const std::vector<std::string>& fields) {
    std::map<std::string, std::string> out;
    for (auto [group, kind] : {std::pair{"queues", "queue"}, {"skills", "skill"}, {"agents", "agent"}}) {
        for (const auto& m : state[group].GetObject()) {
            std::string key = std::string(kind) + "/" + m.name.GetString();
            if (!keys.empty() && std::find(keys.begin(), keys.end(), key) == keys.end()) continue;
            if (fields.empty()) {
                out[key] = json_text(m.value);
                continue;
            }
            rapidjson::Document projected;
            projected.SetObject();
            for (const auto& metric : m.value.GetObject())
                if (std::find(fields.begin(), fields.end(), metric.name.GetString()) != fields.end())
                    projected.AddMember(rapidjson::Value(metric.name, projected.GetAllocator()),
                                        rapidjson::Value(metric.value, projected.GetAllocator()),
                                        projected.GetAllocator());
            out[key] = json_text(projected);
        }
    }
    return out;
}

inline std::uint64_t seq_of(const std::string& event_id) {
    return std::stoull(event_id.substr(event_id.rfind('-') + 1));
}

}  // namespace rtwatch::test

namespace rtwatch::test {

// A connection that sends `bytes` and then nothing; returns the fd.
inline int raw_connect(int port, const std::string& bytes) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    std::size_t sent = 0;
    while (sent < bytes.size()) {
        ssize_t n = send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
        if (n <= 0) break;  // the server may answer and close before all is sent
        sent += static_cast<std::size_t>(n);
    }
    return fd;
}

// What the server sends until it closes (or `timeout`): "" on timeout.
inline std::string read_to_close(int fd, std::chrono::milliseconds timeout) {
    std::string out;
    auto until = std::chrono::steady_clock::now() + timeout;
    timeval tv{0, 100'000};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    while (std::chrono::steady_clock::now() < until) {
        char buf[4096];
        ssize_t n = recv(fd, buf, sizeof buf, 0);
        if (n == 0 || (n < 0 && errno == ECONNRESET)) return out.empty() ? "closed" : out;
        if (n > 0) out.append(buf, static_cast<std::size_t>(n));
    }
    return "";
}

// /state's resources as resource -> metrics.
inline std::map<std::string, std::string> state_of(int port, const std::string& query = {}) {
    auto r = http_get(port, "/state" + query);
    if (r.status != 200) return {};
    auto doc = parse_json(r.body);
    std::map<std::string, std::string> out;
    for (const auto& rec : doc["resources"].GetArray()) out[key_of(rec)] = json_text(rec["metrics"]);
    return out;
}

// "queue/queue-0001" -> the query parameter it selects by.
inline std::string query_of(const std::vector<std::string>& keys, const std::vector<std::string>& fields) {
    std::map<std::string, std::string> lists;
    for (const auto& key : keys) {
        auto kind = key.substr(0, key.find('/'));
        auto& list = lists[kind + "Id"];
        list += (list.empty() ? "" : ",") + key.substr(key.find('/') + 1);
    }
    std::string q;
    for (const auto& [name, list] : lists) q += (q.empty() ? "?" : "&") + name + "=" + list;
    if (!fields.empty()) {
        std::string f;
        for (const auto& x : fields) f += (f.empty() ? "" : ",") + x;
        q += (q.empty() ? "?" : "&") + std::string("fields=") + f;
    }
    return q;
}

// Live metrics records after upstream event `after`, as comparable text.
inline std::vector<std::string> live_after(const std::vector<rapidjson::Document>& records, std::uint64_t after) {
    std::vector<std::string> out;
    for (const auto& r : records) {
        if (std::string(r["type"].GetString()) != "metrics") continue;
        std::string id = r["event_id"].GetString();
        if (id.empty() || std::stoull(id) <= after) continue;
        out.push_back(key_of(r) + " " + id + " " + json_text(r["metrics"]) + " " + json_text(r["changed"]));
    }
    return out;
}

inline std::vector<rapidjson::Document> records_of(const std::vector<SseEvent>& events) {
    std::vector<rapidjson::Document> out;
    for (const auto& e : events)
        if (e.type == "metrics") out.push_back(parse_json(e.data));
    return out;
}

}  // namespace rtwatch::test
