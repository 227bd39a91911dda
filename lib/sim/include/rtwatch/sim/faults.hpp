// Faults the tests inject through POST /sim/fault: parsed from JSON into a
// Fault, then applied to the standing FaultState that the endpoints and the
// open streams consult.
#pragma once

#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "rtwatch/core/clock.hpp"
#include "rtwatch/core/result.hpp"
#include "rtwatch/sim/frames.hpp"

namespace rtwatch::sim {

enum class Endpoint { stream, token };

// A canned answer for the next requests to an endpoint.
struct CannedResponse {
    int status = 500;
    int count = 1;
    std::optional<double> retry_after_s;
    std::string body;
    std::string content_type;
};

struct Fault {
    enum class Kind { drop, stall, maintenance, revoke, expire_scope, garbage, status, empty, slow, pause, restore };
    Kind kind = Kind::restore;
    std::optional<int64_t> ms;       // stall, maintenance, slow
    int64_t retry_after_ms = 30000;  // maintenance
    bool credentials = false;        // revoke: the client's credentials were rotated
    GarbageVariant variant = GarbageVariant::malformed_json;
    std::string resource = "queue-0001";  // garbage unknown-metric target
    CannedResponse canned;                // status, empty
    Endpoint endpoint = Endpoint::stream;
    int bytes_per_second = 200;  // slow
};

Result<Fault> parse_fault(std::string_view json);

// What an open stream compares against the view it took when it opened.
struct FaultView {
    uint64_t drop = 0;
    uint64_t maintenance = 0;
    uint64_t revoke = 0;
    uint64_t stall = 0;
    TimePoint stall_until{};  // TimePoint::max(): until the client goes away
    TimePoint slow_until{};
    int slow_bytes_per_second = 200;
    int64_t maintenance_retry_ms = 0;
    std::string revoke_reason;
};

class FaultState {
public:
    // Applies a fault that is not carried out by the event log.
    void apply(const Fault& fault, TimePoint now);
    FaultView view() const;
    // The canned answer for this request, if one is pending.
    std::optional<CannedResponse> take_canned(Endpoint endpoint);
    // Remaining maintenance, or nullopt when stream requests are served.
    std::optional<std::chrono::milliseconds> maintenance_left(TimePoint now) const;
    bool scope_expired() const;
    bool credentials_rotated() const;
    // The model is frozen: no events, /sim/state stands still (until restore).
    bool paused() const;

private:
    mutable std::mutex m_mutex;
    FaultView m_view;
    TimePoint m_maintenance_until{};
    bool m_scope_expired = false;
    bool m_credentials_rotated = false;
    bool m_paused = false;
    std::deque<CannedResponse> m_canned[2];
};

}  // namespace rtwatch::sim
