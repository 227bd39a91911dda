// Builds the synthetic stream: every resource first appears with its
// initial state (the snapshot), then events pick resources round-robin-ish
// and either repeat the state or bump one metric.
#include "workload.hpp"

#include <cstdint>
#include <cstdio>

namespace rtwatch::bench {

namespace {

struct QueueState {
    int wait = 0;
    int available = 5;
    int total = 10;
    double service_level = 85.5;
    int waiting = 3;
};

// Small, fixed PRNG so every run benchmarks the same bytes.
struct Lcg {
    std::uint64_t s = 0x9e3779b97f4a7c15ULL;
    std::uint64_t next() {
        s = s * 6364136223846793005ULL + 1442695040888963407ULL;
        return s >> 33;
    }
};

std::string data_json(std::size_t index, const QueueState& q, std::uint64_t ms) {
    char buf[320];
    int n = std::snprintf(buf, sizeof buf,
                          "{\"event\":\"data\",\"queueId\":\"queue-%04zu\",\"timestamp\":"
                          "\"2026-11-27T14:%02u:%02u.%03uZ\",\"metrics\":{\"waitDuration\":%d,"
                          "\"availableAgents\":%d,\"totalAgents\":%d,\"serviceLevelPercentile\":%.1f,"
                          "\"waiting\":%d}}",
                          index + 1, unsigned(ms / 60000 % 60), unsigned(ms / 1000 % 60), unsigned(ms % 1000), q.wait,
                          q.available, q.total, q.service_level, q.waiting);
    return std::string(buf, static_cast<std::size_t>(n));
}

void append_sse(std::string& stream, const std::string& data, std::size_t id) {
    stream += "event: data\nid: ";
    stream += std::to_string(id);
    stream += "\ndata: ";
    stream += data;
    stream += "\n\n";
}

}  // namespace

Workload make_workload(const WorkloadOptions& options) {
    Workload w;
    std::vector<QueueState> states(options.resources);
    Lcg rng;
    const auto threshold = static_cast<std::uint64_t>(options.changed_ratio * 1'000'000);
    for (std::size_t i = 0; i < options.events; ++i) {
        const std::size_t r = i < options.resources ? i : rng.next() % options.resources;
        if (i >= options.resources && rng.next() % 1'000'000 < threshold) {
            ++states[r].wait;
            ++w.changed;
        }
        w.data.push_back(data_json(r, states[r], i));
        append_sse(w.stream, w.data.back(), i + 1);
        if (i % 50 == 0) w.stream += ":\n";  // a heartbeat now and then
    }
    return w;
}

}  // namespace rtwatch::bench
