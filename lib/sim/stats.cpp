// The counters' JSON form for GET /sim/stats.
#include "rtwatch/sim/stats.hpp"

#include <fmt/format.h>

namespace rtwatch::sim {

void Stats::response(Endpoint endpoint, int status) {
    std::lock_guard lock(m_mutex);
    ++m_responses[static_cast<int>(endpoint)][status];
}

std::string Stats::json() const {
    std::string out = fmt::format(
        R"({{"streams_opened":{},"streams_open":{},"token_requests":{},"tokens_issued":{},"events_sent":{},"responses":{{)",
        streams_opened.load(), streams_open.load(), token_requests.load(), tokens_issued.load(), events_sent.load());
    std::lock_guard lock(m_mutex);
    const char* names[] = {"stream", "token"};
    for (int e = 0; e < 2; ++e) {
        out += fmt::format(R"({}"{}":{{)", e ? "," : "", names[e]);
        bool first = true;
        for (const auto& [status, n] : m_responses[e]) {
            out += fmt::format(R"({}"{}":{})", first ? "" : ",", status, n);
            first = false;
        }
        out += '}';
    }
    out += "}}";
    return out;
}

}  // namespace rtwatch::sim
