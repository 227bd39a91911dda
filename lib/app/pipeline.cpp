// The pipeline, stage by stage. This is the hot path: no allocation per
// event once buffers have grown, one serialization per record per sink.
#include "rtwatch/app/pipeline.hpp"

#include <algorithm>
#include <memory>

#include "rtwatch/core/log.hpp"
#include "rtwatch/core/text.hpp"
#include "rtwatch/decode/id_scan.hpp"

namespace rtwatch::app {

std::string_view status_name(UpstreamStatus status) {
    switch (status) {
        case UpstreamStatus::connected:
            return "connected";
        case UpstreamStatus::reconnecting:
            return "reconnecting";
        case UpstreamStatus::stale:
            return "stale";
        case UpstreamStatus::token_acquired:
            return "token_acquired";
        case UpstreamStatus::token_refreshed:
            return "token_refreshed";
        case UpstreamStatus::stopped:
            return "stopped";
        case UpstreamStatus::gave_up:
            return "gave_up";
    }
    return "unknown";
}

Pipeline::Pipeline(const Config& config)
    : m_config(config),
      m_ids{config.queues, config.skills, config.agents},
      m_fields(config.fields),
      m_throttler(config.throttle, m_tracker) {
    if (!config.where.empty()) m_where = filter::Where::parse(config.where).value();
    m_named = config.fields;
    if (m_where)
        for (auto& name : m_where->metric_names())
            if (std::find(m_named.begin(), m_named.end(), name) == m_named.end()) m_named.push_back(name);
    for (const auto& spec : config.levels)
        if (std::find(m_named.begin(), m_named.end(), spec.metric) == m_named.end()) m_named.push_back(spec.metric);
    m_names_checked = m_named.empty();
    if (!config.levels.empty()) m_levels.emplace(config.levels);
    m_expected_ids = config.queues.size() + config.skills.size() + config.agents.size();
    if (!config.once) m_settled = this;
}

void Pipeline::on_event(std::string_view type, std::string_view data, std::string_view id, TimePoint now) {
    if (m_done) return;
    if (m_config.raw) {
        for (RecordSink* sink : m_sinks) sink->raw(type, data, id);
        if (m_config.count && ++m_counters.records >= m_config.count) m_done = true;
        return;
    }
    if (type == "data") on_data(data, id, now);
}

void Pipeline::on_data(std::string_view data, std::string_view id, TimePoint now) {
    ++m_counters.events;
    if (m_ahead_next < m_ahead_count) prefetch_next();
    // decode: JSON -> record
    if (auto r = m_decoder.decode(data, m_record, m_settled); !r) return note_bad_event(id, r.error().message);
    if (m_record.metrics_settled) return;  // the same metrics text as the last committed: nothing changes
    m_record.event_id.assign(id);
    stages(m_record, now);
}

void Pipeline::on_record(Record& record, TimePoint now) {
    if (m_done || m_config.raw) return;
    ++m_counters.events;
    stages(record, now);
}

void Pipeline::stages(Record& record, TimePoint now) {
    if (!m_names_checked) note_metric_names(record);
    // filter: ids again locally (the server filtered already), then --where
    if (!m_ids.matches(record)) return;
    if (m_config.once && !track_snapshot(record)) return;
    const bool selected = !m_where || m_where->matches(record);
    // fields: keep what is tracked
    m_fields.project(record);
    // --where decides what is written, not what is tracked: an unselected
    // state becomes the resource's last state unwritten, so a return to a
    // selected one is a change, and a held record it replaced is not flushed
    if (!selected) return m_throttler.replace_unwritten(record);
    // levels: every change at once, before the throttle can hold the record
    if (m_levels) count_levels(m_levels->observe(record, now, m_wall_now, m_sinks, levels_left()));
    // diff + throttle: the throttler asks the tracker what changed since the
    // resource's last committed record, now or when its window ends, and
    // passes that to emit(), which commits it to the sinks
    m_throttler.offer(record, now, *this);
}

void Pipeline::emit(const Record& record, std::span<const std::string_view> changed) {
    if (m_done && !m_config.once) return;
    // sinks: NDJSON and whatever else is attached
    if (m_levels) {
        auto levels = m_levels->levels_of(record);
        for (RecordSink* sink : m_sinks) sink->leveled_metrics(record, changed, levels, m_wall_now);
    } else {
        for (RecordSink* sink : m_sinks) sink->metrics(record, changed, m_wall_now);
    }
    ++m_counters.records;
    if (m_config.count && !m_config.levels_only && m_counters.records >= m_config.count) m_done = true;
}

// With --levels-only, --count counts level records: they are the output.
void Pipeline::count_levels(std::size_t n) {
    m_counters.levels += n;
    if (m_config.count && m_config.levels_only && m_counters.levels >= m_config.count) m_done = true;
}

std::size_t Pipeline::levels_left() const {
    if (!m_config.levels_only || !m_config.count) return LevelsStage::k_no_limit;
    return m_config.count > m_counters.levels ? m_config.count - m_counters.levels : 0;
}

void Pipeline::on_deadline(TimePoint now) {
    if (m_levels && !m_done) count_levels(m_levels->advance(now, m_wall_now, m_sinks, levels_left()));
    flush_due(now);
}

std::optional<TimePoint> Pipeline::next_deadline() const {
    auto due = m_throttler.next_deadline();
    if (!m_levels) return due;
    auto level_due = m_levels->next_deadline();
    if (!due || (level_due && *level_due < *due)) return level_due;
    return due;
}

void Pipeline::drain(std::function<void()> done) {
    auto left = std::make_shared<std::size_t>(m_sinks.size() + 1);
    auto one_done = [left, done = std::move(done)] {
        if (--*left == 0) done();
    };
    for (RecordSink* sink : m_sinks) sink->drain(one_done);
    one_done();
}

// The text the resource's last committed state was decoded from. An event
// with the same text cannot change anything: the id filter passed it before,
// --where sees the same metrics (so it either drops the event or the diff
// finds nothing new), and --fields projects the same values. Not while the
// throttle holds a newer record of the resource: the latest must replace it.
std::string_view Pipeline::settled_metrics(ResourceKind kind, std::string_view id) {
    diff::ResourceKeyView key{kind, id};
    if (m_throttler.holds(key)) return {};
    return m_tracker.committed_json(key);
}

bool Pipeline::track_snapshot(const Record& record) {
    // A snapshot names each resource once: a repeat means live updates began.
    if (m_snapshot.find(diff::key_of(record)) != m_snapshot.end()) {
        m_done = true;
        return false;
    }
    m_snapshot.emplace(diff::key_of(record));
    if (m_expected_ids && m_snapshot.size() >= m_expected_ids) m_done = true;
    return true;
}

void Pipeline::note_metric_names(const Record& record) {
    for (std::size_t i = 0; i < record.metric_count; ++i) {
        const std::string& name = record.metrics[i].name;
        if (std::find(m_seen_names.begin(), m_seen_names.end(), name) == m_seen_names.end())
            m_seen_names.push_back(name);
    }
}

void Pipeline::warn_unknown_names() {
    m_names_checked = true;
    if (m_seen_names.empty()) return;  // nothing to judge by
    for (const auto& name : m_named) {
        if (std::find(m_seen_names.begin(), m_seen_names.end(), name) != m_seen_names.end()) continue;
        auto near = closest_name(name, m_seen_names);
        log::warn("no event of the snapshot has a metric '{}' (named by --fields, --where or --level){}", name,
                  near ? fmt::format("; did you mean '{}'?", *near) : std::string());
    }
    m_seen_names.clear();
    m_seen_names.shrink_to_fit();
}

void Pipeline::on_snapshot_complete() {
    if (!m_names_checked) warn_unknown_names();
    if (!m_config.once || m_done) return;
    m_done = true;
    if (m_config.raw) return;
    if (m_snapshot.empty()) {
        m_snapshot_problem =
            "the upstream's snapshot is empty: no resource matches the selection; check --queue, "
            "--skill and --agent";
        return;
    }
    if (!m_expected_ids || m_snapshot.size() >= m_expected_ids) return;
    std::string missing;
    auto note = [&](ResourceKind kind, const std::vector<std::string>& ids) {
        for (const auto& id : ids)
            if (!m_snapshot.count(diff::ResourceKey(diff::ResourceKeyView{kind, id})))
                missing += (missing.empty() ? "" : ", ") + std::string(kind_name(kind)) + " " + id;
    };
    note(ResourceKind::queue, m_config.queues);
    note(ResourceKind::skill, m_config.skills);
    note(ResourceKind::agent, m_config.agents);
    m_snapshot_problem = fmt::format("the upstream's snapshot lacks {} of the selected resources ({}): check the ids",
                                     m_expected_ids - m_snapshot.size(), missing);
}

void Pipeline::prefetch(std::string_view bytes) {
    // A few thousand resources' state stays in the core's cache: scanning
    // for ids would cost more than the misses it hides.
    constexpr std::size_t k_cached_resources = 4096;
    m_ahead_next = m_ahead_count = 0;  // the window's events come next: what is left is stale
    if (m_config.raw || m_tracker.resources() < k_cached_resources) return;
    decode::scan_ids(bytes, [&](ResourceKind kind, std::string_view id) {
        m_ahead[m_ahead_count++] = diff::hash_key({kind, id});
        return m_ahead_count < m_ahead.size();
    });
    // The first events of the window get theirs at once; on_data() then
    // keeps k_slot_ahead and k_state_ahead events ahead, a few lines per
    // event, rather than a burst the core's line buffers cannot take.
    const std::size_t slots = std::min(m_ahead_count, k_slot_ahead);
    const std::size_t states = std::min(m_ahead_count, k_state_ahead);
    for (std::size_t i = 0; i < slots; ++i) m_tracker.prefetch_slot(m_ahead[i]);
    for (std::size_t i = 0; i < states; ++i) m_tracker.prefetch_state(m_ahead[i]);
}

// Events and found ids go in step (a lost id costs one position of
// distance, and each window starts afresh).
void Pipeline::prefetch_next() {
    const std::size_t i = m_ahead_next++;
    if (i + k_slot_ahead < m_ahead_count) m_tracker.prefetch_slot(m_ahead[i + k_slot_ahead]);
    if (i + k_state_ahead < m_ahead_count) m_tracker.prefetch_state(m_ahead[i + k_state_ahead]);
}

void Pipeline::on_oversize(std::size_t limit) {
    ++m_counters.bad_events;
    log::warn("skipped an event larger than {} bytes (--max-event-size); the stream goes on", limit);
}

void Pipeline::note_bad_event(std::string_view id, std::string_view why) {
    auto n = ++m_counters.bad_events;
    // Log the first few, then a reminder now and then, so garbage cannot flood stderr.
    if (n <= 10 || n % 1000 == 0)
        log::warn("ignored data event{}{}: {} ({} bad events so far)", id.empty() ? "" : " ", id, why, n);
}

void Pipeline::status(const StatusChange& change) {
    if (m_config.raw) return;
    for (RecordSink* sink : m_sinks) sink->status(change, WallClock::now());
}

}  // namespace rtwatch::app
