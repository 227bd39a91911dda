// The far end of the pipeline: every record it commits goes to each attached
// sink (the NDJSON writer today; hooks, relay viewers, a terminal view
// tomorrow). A sink must not block: what it cannot pass on yet it keeps, and
// it reports a backlog so the run can pause the source instead.
#pragma once

#include <cstddef>
#include <functional>
#include <span>
#include <string_view>

#include "rtwatch/core/clock.hpp"
#include "rtwatch/core/record.hpp"
#include "rtwatch/output/ndjson.hpp"

namespace rtwatch::app {

// The upstream states a run reports; `name` is the status record's word.
enum class UpstreamStatus { connected, reconnecting, stale, token_acquired, token_refreshed, stopped, gave_up };
std::string_view status_name(UpstreamStatus status);

struct StatusChange {
    UpstreamStatus status = UpstreamStatus::connected;
    std::string_view message;
    // connected: the last event id sent as Last-Event-ID ("" for a fresh start)
    std::string_view event_id;
    bool resumed = false;
};

class RecordSink {
public:
    virtual ~RecordSink() = default;
    // A metrics record: `changed` names what differs from the last record of
    // the resource. Both are valid during the call only.
    virtual void metrics(const Record& record, std::span<const std::string_view> changed, WallTime now) = 0;
    // The same with the levels in effect for the record's spec'd metrics
    // (--level); a sink that has no use for them gets metrics().
    virtual void leveled_metrics(const Record& record, std::span<const std::string_view> changed,
                                 std::span<const output::NamedLevel> /*levels*/, WallTime now) {
        metrics(record, changed, now);
    }
    // A resource's level for a metric changed (--level). Valid during the call.
    virtual void level(const output::LevelLine& /*change*/, WallTime /*now*/) {}
    // A change of the upstream's state.
    virtual void status(const StatusChange& change, WallTime now) = 0;
    // --raw: an upstream event passed on undecoded.
    virtual void raw(std::string_view /*type*/, std::string_view /*data*/, std::string_view /*id*/) {}
    // Bytes accepted but not yet passed on.
    virtual std::size_t backlog() const { return 0; }
    // The run is ending and nothing more comes: call `done` once the sink
    // has nothing left in flight (at once when idle). The sink bounds the
    // wait itself; the loop keeps turning until then.
    virtual void drain(std::function<void()> done) { done(); }
    // The run is over, however it ended: give back what the sink holds (the
    // terminal). Nothing follows it.
    virtual void close() {}
    // SIGHUP: read configuration files again (the relay's --names).
    virtual void reload() {}
};

}  // namespace rtwatch::app
