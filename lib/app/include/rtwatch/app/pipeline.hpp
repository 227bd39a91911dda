// The stages between a source and the sinks, shared by every mode:
// decode -> filter -> fields -> levels -> diff + throttle -> sinks. It takes
// `now` and hands records to the attached sinks; it does no IO, and reads
// the wall clock only to stamp status records.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "rtwatch/app/config.hpp"
#include "rtwatch/app/levels_stage.hpp"
#include "rtwatch/app/sink.hpp"
#include "rtwatch/core/clock.hpp"
#include "rtwatch/core/record.hpp"
#include "rtwatch/decode/decoder.hpp"
#include "rtwatch/diff/change_tracker.hpp"
#include "rtwatch/diff/resource_key.hpp"
#include "rtwatch/filter/filter.hpp"
#include "rtwatch/throttle/throttler.hpp"

namespace rtwatch::app {

struct PipelineCounters {
    std::uint64_t events = 0;      // data events seen
    std::uint64_t bad_events = 0;  // data events that could not be decoded
    std::uint64_t records = 0;     // metric records written
    std::uint64_t levels = 0;      // level records written
};

class Pipeline : private throttle::Sink, private decode::SettledMetrics {
public:
    // `where` must already have been validated (the command line does).
    explicit Pipeline(const Config& config);

    // Every committed record goes to each sink, in the order attached.
    void add_sink(RecordSink& sink) { m_sinks.push_back(&sink); }

    // The wall time stamped on records written until the next call: read
    // once per batch of input, not once per line.
    void begin_batch(WallTime now) { m_wall_now = now; }

    // An upstream event. Control events (reconnect, disconnect, error) are
    // the source's business; this handles `data` (and everything with --raw).
    void on_event(std::string_view type, std::string_view data, std::string_view id, TimePoint now);
    // A record a source decoded itself; it goes through the same stages.
    void on_record(Record& record, TimePoint now);
    // The upstream's snapshot is complete: with --once, the run is.
    void on_snapshot_complete();
    void on_oversize(std::size_t limit);
    // Raw stream bytes whose events come next: the per-resource state their
    // resources will be looked up in is loaded a few events ahead of each,
    // so the cache misses overlap with work (a hint; changes nothing).
    void prefetch(std::string_view bytes);
    void status(const StatusChange& change);
    void status(UpstreamStatus status, std::string_view message) {
        this->status(StatusChange{status, message, {}, false});
    }

    void flush_due(TimePoint now) { m_throttler.flush_due(now, *this); }
    // What is due by `now`: pending level moves (--level), then what the
    // throttle holds, so a throttled record carries the level just taken.
    void on_deadline(TimePoint now);
    // The earlier of the throttle's and the levels' next deadline.
    std::optional<TimePoint> next_deadline() const;
    // Shutdown: what the throttle holds is written.
    void finish() { m_throttler.flush_all(*this); }
    // The run is over: every sink is told, last.
    void close_sinks() {
        for (RecordSink* sink : m_sinks) sink->close();
    }

    // SIGHUP: every sink reads its files again.
    void reload_sinks() {
        for (RecordSink* sink : m_sinks) sink->reload();
    }

    // --count reached, or --once has its snapshot.
    bool done() const { return m_done; }
    // --once: why the snapshot cannot pass for a complete one ("" if it can).
    const std::string& snapshot_problem() const { return m_snapshot_problem; }
    const PipelineCounters& counters() const { return m_counters; }
    // What the sinks have been given, per resource (for late joiners).
    const diff::ChangeTracker& committed() const { return m_tracker; }
    // The run is ending: `done` runs once every sink has nothing in flight.
    void drain(std::function<void()> done);

private:
    void on_data(std::string_view data, std::string_view id, TimePoint now);
    void stages(Record& record, TimePoint now);
    void emit(const Record& record, std::span<const std::string_view> changed) override;
    std::string_view settled_metrics(ResourceKind kind, std::string_view id) override;
    void note_bad_event(std::string_view id, std::string_view why);
    void prefetch_next();
    // --once: false when `record` is past the snapshot.
    bool track_snapshot(const Record& record);
    // Metric names the options name but the snapshot never had: a typo
    // would otherwise mean "never fires".
    void note_metric_names(const Record& record);
    void warn_unknown_names();
    void count_levels(std::size_t n);
    std::size_t levels_left() const;

    const Config& m_config;
    std::vector<RecordSink*> m_sinks;
    decode::Decoder m_decoder;             // data JSON -> Record
    filter::IdFilter m_ids;                // --queue/--skill/--agent, checked again locally
    std::optional<filter::Where> m_where;  // --where
    filter::FieldSet m_fields;             // --fields
    diff::ChangeTracker m_tracker;         // last committed state per resource
    throttle::Throttler m_throttler;       // --throttle, deciding against m_tracker
    std::optional<LevelsStage> m_levels;   // --level
    Record m_record;                       // reused for every event
    PipelineCounters m_counters;
    std::unordered_set<diff::ResourceKey, diff::ResourceKeyHash, diff::ResourceKeyEqual> m_snapshot;  // --once
    std::size_t m_expected_ids = 0;  // --once with ids: how many to wait for
    WallTime m_wall_now = WallClock::now();
    // Redundant events may skip decoding (see settled_metrics()); not with
    // --once, which must see every resource of the snapshot.
    decode::SettledMetrics* m_settled = nullptr;
    bool m_done = false;
    std::string m_snapshot_problem;
    std::vector<std::string> m_named;       // by --fields, --where and --level; checked once
    std::vector<std::string> m_seen_names;  // in the first snapshot, until checked
    bool m_names_checked = false;
    // prefetch(): the id hashes of the window being parsed, in event order.
    static constexpr std::size_t k_slot_ahead = 16;
    static constexpr std::size_t k_state_ahead = 8;
    std::array<std::uint64_t, 128> m_ahead{};
    std::size_t m_ahead_count = 0;
    std::size_t m_ahead_next = 0;  // the entry of the next data event
};

}  // namespace rtwatch::app
