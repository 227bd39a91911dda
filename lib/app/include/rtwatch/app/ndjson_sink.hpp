// The first sink: records as NDJSON lines into a Writer's buffer. Writing
// the buffer out is the run's job (Session), which never waits for a reader.
#pragma once

#include "rtwatch/app/sink.hpp"
#include "rtwatch/output/ndjson.hpp"

namespace rtwatch::app {

class NdjsonSink final : public RecordSink {
public:
    // `with_status`: status records go into the stream too (--status);
    // `with_metrics` false: only level and status records (--levels-only).
    NdjsonSink(output::Writer& writer, bool with_status, bool with_metrics = true)
        : m_writer(writer), m_with_status(with_status), m_with_metrics(with_metrics) {}

    void metrics(const Record& record, std::span<const std::string_view> changed, WallTime now) override {
        if (m_with_metrics) output::append_metrics_line(m_writer.buffer(), record, changed, now);
        spill();
    }
    void leveled_metrics(const Record& record, std::span<const std::string_view> changed,
                         std::span<const output::NamedLevel> levels, WallTime now) override {
        if (m_with_metrics) output::append_metrics_line(m_writer.buffer(), record, changed, levels, now);
        spill();
    }
    void level(const output::LevelLine& change, WallTime now) override {
        output::append_level_line(m_writer.buffer(), change, now);
        spill();
    }
    void status(const StatusChange& c, WallTime now) override {
        if (!m_with_status) return;
        output::ConnectedFields fields{c.event_id, c.resumed};
        output::append_status_line(m_writer.buffer(), now, status_name(c.status), c.message,
                                   c.status == UpstreamStatus::connected ? &fields : nullptr);
    }
    void raw(std::string_view type, std::string_view data, std::string_view id) override {
        output::append_raw_line(m_writer.buffer(), type, data, id);
        spill();
    }
    std::size_t backlog() const override { return m_writer.buffer().size(); }

private:
    // A burst (the snapshot of 50,000 resources goes out in one pass) is
    // written as it grows instead of being held whole: what the reader does
    // not take now stays buffered, and the session deals with how the
    // writing ends (a closed pipe, a full disk) as it does after any input.
    static constexpr std::size_t k_spill_bytes = 256 * 1024;
    void spill() {
        if (m_writer.buffer().size() >= k_spill_bytes) (void)m_writer.write_ready();
    }

    output::Writer& m_writer;
    bool m_with_status;
    bool m_with_metrics;
};

}  // namespace rtwatch::app
