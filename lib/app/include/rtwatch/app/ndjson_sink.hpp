// The first sink: records as NDJSON lines into a Writer's buffer. Writing
// the buffer out is the run's job (Session), which never waits for a reader.
#pragma once

#include "rtwatch/app/sink.hpp"
#include "rtwatch/output/ndjson.hpp"

namespace rtwatch::app {

class NdjsonSink final : public RecordSink {
public:
    // `with_status`: status records go into the stream too (--status).
    NdjsonSink(output::Writer& writer, bool with_status) : m_writer(writer), m_with_status(with_status) {}

    void metrics(const Record& record, std::span<const std::string_view> changed, WallTime now) override {
        output::append_metrics_line(m_writer.buffer(), record, changed, now);
    }
    void status(const StatusChange& c, WallTime now) override {
        if (!m_with_status) return;
        output::ConnectedFields fields{c.event_id, c.resumed};
        output::append_status_line(m_writer.buffer(), now, status_name(c.status), c.message,
                                   c.status == UpstreamStatus::connected ? &fields : nullptr);
    }
    void raw(std::string_view type, std::string_view data, std::string_view id) override {
        output::append_raw_line(m_writer.buffer(), type, data, id);
    }
    std::size_t backlog() const override { return m_writer.buffer().size(); }

private:
    output::Writer& m_writer;
    bool m_with_status;
};

}  // namespace rtwatch::app
