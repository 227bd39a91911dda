// Counters behind GET /sim/stats: connections, tokens, events, and every
// response by endpoint and status.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>

#include "rtwatch/sim/faults.hpp"

namespace rtwatch::sim {

class Stats {
public:
    std::atomic<uint64_t> streams_opened{0};
    std::atomic<int64_t> streams_open{0};
    std::atomic<uint64_t> token_requests{0};
    std::atomic<uint64_t> tokens_issued{0};
    std::atomic<uint64_t> events_sent{0};

    void response(Endpoint endpoint, int status);
    // {"streams_opened":N,...,"responses":{"token":{"200":N},"stream":{...}}}
    std::string json() const;

private:
    mutable std::mutex m_mutex;
    std::map<int, uint64_t> m_responses[2];
};

// Counts an open stream for as long as it lives.
class OpenStream {
public:
    explicit OpenStream(Stats& stats) : m_stats(stats) { ++m_stats.streams_open; }
    ~OpenStream() { --m_stats.streams_open; }
    OpenStream(const OpenStream&) = delete;
    OpenStream& operator=(const OpenStream&) = delete;

private:
    Stats& m_stats;
};

}  // namespace rtwatch::sim
