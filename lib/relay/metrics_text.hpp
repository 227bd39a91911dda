// The Prometheus text exposition (version 0.0.4) of a run: a HELP and a
// TYPE line for every metric, counters named *_total, seconds as the unit.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace rtwatch::relay {

struct RunStats {
    std::uint64_t viewers = 0;
    std::uint64_t viewers_connected = 0;
    bool upstream_connected = false;
    std::uint64_t upstream_events = 0;
    std::uint64_t records = 0;
    std::uint64_t bad_events = 0;
    std::uint64_t reconnects = 0;
    std::uint64_t token_refreshes = 0;
    std::uint64_t conflated = 0;
    // rtwatch_viewer_disconnects_total{reason}
    std::uint64_t disconnect_closed = 0, disconnect_timeout = 0, disconnect_overflow = 0, disconnect_shutdown = 0;
    // rtwatch_http_rejected_total{reason}
    std::uint64_t rejected_max_viewers = 0, rejected_auth = 0, rejected_origin = 0, rejected_parameter = 0,
                  rejected_head = 0, rejected_head_timeout = 0, rejected_full = 0;
    std::uint64_t accept_paused = 0;  // rtwatch_accept_paused_total: out of descriptors on accept
    double data_age_seconds = 0;
    std::uint64_t history = 0;
    std::uint64_t history_bytes = 0;
    int upstream_holder = -1;  // --broker: 1 while this relay holds the upstream lease, else 0; -1 = no broker
    // --broker: rtwatch_broker_publications_total{result}, rtwatch_broker_stale_dropped_total
    std::uint64_t broker_stored = 0, broker_refused = 0, broker_unconfirmed = 0, broker_stale_dropped = 0;
};

std::string metrics_text(const RunStats& stats, std::string_view version);

}  // namespace rtwatch::relay
