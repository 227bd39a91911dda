// The near end of the pipeline: an upstream is a Source (a live SSE stream,
// a replayed capture; later other platforms and brokers) that reports what
// it receives through one narrow interface and never sees the stages.
#pragma once

#include <string>
#include <string_view>

#include "rtwatch/app/sink.hpp"
#include "rtwatch/core/clock.hpp"
#include "rtwatch/core/exit_code.hpp"
#include "rtwatch/core/record.hpp"

namespace rtwatch::app {

// An event as the upstream framed it: `data` events carry a record's JSON.
struct SourceEvent {
    std::string_view type;
    std::string_view data;
    std::string_view id;      // the id of the record: for a held snapshot, that of its last event
    std::string_view raw_id;  // the last event id in effect when it was dispatched (--raw)
};

class SourceListener {
public:
    virtual ~SourceListener() = default;
    // A batch of input begins at wall time `now` (stamped on its records).
    virtual void input_begins(WallTime now) = 0;
    virtual void event(const SourceEvent& event) = 0;
    // A record the source decoded itself.
    virtual void record(Record& record) = 0;
    // The connection's snapshot is complete (every resource it names has
    // been passed on), or was empty.
    virtual void snapshot_complete() = 0;
    // An event was skipped for its size.
    virtual void oversize(std::size_t limit) = 0;
    virtual void status(const StatusChange& change) = 0;
    void status(UpstreamStatus status, std::string_view message) {
        this->status(StatusChange{status, message, {}, false});
    }
    // Stream bytes the next events will be parsed from: a hint, to start
    // loading the state they will need (sse::Handler::on_ahead).
    virtual void ahead(std::string_view /*bytes*/) {}
    // Raw upstream bytes as received, for --record.
    virtual void bytes(std::string_view /*bytes*/) {}
    // The batch is over: a good moment to pass output on.
    virtual void input_ends() = 0;
    // The source is done for good: the run ends with `code`.
    virtual void source_ended(ExitCode code, std::string message) = 0;
};

class Source {
public:
    virtual ~Source() = default;
    virtual void start(SourceListener& listener) = 0;
    // No callbacks after stop().
    virtual void stop() = 0;
    // Stop reading for a while (sinks are backlogged), then go on; nothing
    // is lost, and a paused source is not stale.
    virtual void pause() = 0;
    virtual void resume() = 0;
};

}  // namespace rtwatch::app
