// The output contract: one JSON object per line. Serializers append whole
// lines to a buffer; the Writer writes whole buffers and reports why not.
#pragma once

#include <chrono>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "rtwatch/core/clock.hpp"
#include "rtwatch/core/record.hpp"
#include "rtwatch/core/result.hpp"

namespace rtwatch::output {

// One entry of a metrics record's "levels" object (--level).
struct NamedLevel {
    std::string_view metric;
    std::string_view level;
};

// A change of a resource's level for one metric (--level): one `level`
// record. Views, valid during the call that hands it on.
struct LevelLine {
    ResourceKind kind = ResourceKind::queue;
    std::string_view id, metric;
    std::string_view level;
    std::string_view previous;           // empty: the first observation (written as null)
    const MetricValue* value = nullptr;  // the value the level was decided on
    bool threshold_is_number = true;
    std::string_view threshold;            // number: as typed in the spec; string: decoded
    std::string_view op;                   // ">=", "==", ...
    WallTime since{};                      // when the previous level began
    std::string_view source_ts, event_id;  // of the record the change was decided on
};

// {"type":"metrics","kind":..,"id":..,"ts":..,"source_ts":..,"event_id":..,"metrics":{..},"changed":[..]}\n
// ts is `now`; source_ts and event_id are always strings ("" when unknown);
// numbers are written as the JSON text they arrived as; metrics and changed
// keep their order.
void append_metrics_line(std::string& out, const Record& record, std::span<const std::string_view> changed,
                         WallTime now);
// The same with ,"levels":{"<metric>":"<level>",..} after "changed" (--level:
// the levels in effect when the record is written).
void append_metrics_line(std::string& out, const Record& record, std::span<const std::string_view> changed,
                         std::span<const NamedLevel> levels, WallTime now);
// {"type":"level","kind":..,"id":..,"metric":..,"level":..,"previous":..|null,"value":..,
//  "threshold":..,"op":..,"since":..,"ts":..,"source_ts":..,"event_id":..}\n
// value as it arrived (number text or string); threshold a number or a string
// as the spec gives it; since and ts RFC 3339 UTC with milliseconds.
void append_level_line(std::string& out, const LevelLine& level, WallTime now);
// Labelled fields of a `connected` status record.
struct ConnectedFields {
    std::string_view event_id;  // the last event id it resumed after; "" for a fresh snapshot
    bool resumed = false;
};
// {"type":"status","ts":..,"status":..,"message":..}\n  (message omitted when empty);
// with `connected`, also "event_id":..,"resumed":true|false.
void append_status_line(std::string& out, WallTime now, std::string_view status, std::string_view message,
                        const ConnectedFields* connected = nullptr);
// {"type":"<event type>","data":"<data>","id":"<last event id>"}\n  (--raw)
void append_raw_line(std::string& out, std::string_view type, std::string_view data, std::string_view id);

class Writer {
public:
    enum class Status {
        ok,
        closed,       // EPIPE: the reader went away
        failed,       // see error()
        interrupted,  // the reader is not reading and a signal (or the time limit) came first
        pending,      // write_ready(): the reader is not taking more now; the rest stays buffered
    };

    // fd 1, not owned; path() is empty.
    static Result<Writer> open_stdout();
    // Appends (O_APPEND|O_CREAT, 0644). Error names the path and errno text.
    static Result<Writer> open_file(std::string path);
    Writer(Writer&&) noexcept;
    Writer& operator=(Writer&&) noexcept;
    // Closes an owned file. It does not flush: flush() first and check.
    ~Writer();

    // Lines waiting to be written; append only whole lines.
    std::string& buffer() { return m_buffer; }
    const std::string& buffer() const { return m_buffer; }
    // Writes the whole buffer (retrying EINTR and short writes, waiting out
    // EAGAIN); on failure error() names the cause ("writing to out.ndjson: No
    // space left on device"). Written bytes leave the buffer; the rest stay.
    // EPIPE (and ECONNRESET) mean the reader went away: Status::closed.
    Status flush();
    // The same, but a wait for a stuck reader ends when `interrupt_fd` turns
    // readable (a pending signal) or after `limit`; the line being written is
    // still completed when the reader allows it within that time.
    Status flush(int interrupt_fd, std::optional<std::chrono::milliseconds> limit = std::nullopt);
    // Writes what the reader takes now, never waiting: ok once the buffer is
    // empty, pending while bytes remain (poll fd() for writability), else
    // as flush(). Whole pieces only on a pipe, as flush() writes them.
    Status write_ready();
    int fd() const { return m_fd; }
    // SIGHUP: close and reopen the same path (no-op for stdout). The new
    // file is opened first: on error the old one stays in use.
    Result<void> reopen();
    const std::string& error() const { return m_error; }
    const std::string& path() const { return m_path; }

private:
    Writer() = default;
    Status drain(bool wait, int interrupt_fd, int timeout_ms);
    Status interrupted(std::size_t done);
    std::size_t next_piece(std::size_t done) const;
    int m_fd = -1;
    bool m_owned = false;
    bool m_pipe = false;  // write whole lines of at most PIPE_BUF: all or nothing
    std::string m_path;
    std::string m_buffer;
    std::string m_error;
};

}  // namespace rtwatch::output
