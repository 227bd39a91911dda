// The pipeline, stage by stage. This is the hot path: no allocation per
// event once buffers have grown, one serialization per emitted record.
#include "rtwatch/app/pipeline.hpp"

#include "rtwatch/core/log.hpp"

namespace rtwatch::app {

Pipeline::Pipeline(const Config& config, output::Writer& writer)
    : m_config(config),
      m_writer(writer),
      m_ids{config.queues, config.skills, config.agents},
      m_fields(config.fields),
      m_throttler(config.throttle, m_tracker) {
    if (!config.where.empty()) m_where = filter::Where::parse(config.where).value();
    m_expected_ids = config.queues.size() + config.skills.size() + config.agents.size();
    if (!config.once) m_settled = this;
}

void Pipeline::on_event(std::string_view type, std::string_view data, std::string_view id, TimePoint now) {
    if (m_done) return;
    if (m_config.raw) {
        output::append_raw_line(m_writer.buffer(), type, data, id);
        if (m_config.count && ++m_counters.records >= m_config.count) m_done = true;
        return;
    }
    if (type == "data") on_data(data, id, now);
}

void Pipeline::on_data(std::string_view data, std::string_view id, TimePoint now) {
    ++m_counters.events;
    // decode: JSON -> record
    if (auto r = m_decoder.decode(data, m_record, m_settled); !r) return note_bad_event(id, r.error().message);
    if (m_record.metrics_settled) return;  // the same metrics text as the last emitted: nothing changes
    m_record.event_id.assign(id);
    // filter: ids again locally (the server filtered already), then --where
    if (!m_ids.matches(m_record)) return;
    if (m_config.once && !track_snapshot(m_record)) return;
    if (m_where && !m_where->matches(m_record)) return;
    // fields: keep what is tracked
    m_fields.project(m_record);
    // diff + throttle: emit() is called for what changed, now or later
    m_throttler.offer(m_record, now, *this);
}

void Pipeline::emit(const Record& record, std::span<const std::string_view> changed) {
    if (m_done && !m_config.once) return;
    // ndjson: one whole line into the output buffer
    output::append_metrics_line(m_writer.buffer(), record, changed, m_wall_now);
    ++m_counters.records;
    if (m_config.count && m_counters.records >= m_config.count) m_done = true;
}

// The text the resource's last emitted state was decoded from. An event with
// the same text cannot change anything: the id filter passed it before,
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

void Pipeline::on_quiet() {
    if (m_config.once && !m_snapshot.empty()) m_done = true;
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

void Pipeline::status(std::string_view status, std::string_view message) {
    if (!m_config.status || m_config.raw) return;
    output::append_status_line(m_writer.buffer(), WallClock::now(), status, message);
}

}  // namespace rtwatch::app
