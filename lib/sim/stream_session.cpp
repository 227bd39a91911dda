// The live stream: retry + snapshot (or replay) as one block, then events
// as the model publishes them, heartbeats when idle, and whatever fault is
// in force. Each stream reads the shared event log by its own cursor.
#include "stream_session.hpp"

#include <thread>

#include "peer_socket.hpp"
#include "rtwatch/core/time_format.hpp"
#include "rtwatch/sim/frames.hpp"

namespace rtwatch::sim {

namespace {

constexpr size_t k_batch_bytes = 256 * 1024;
constexpr auto k_stall_poll = std::chrono::milliseconds(50);

enum class Next { go_on, finish, abort };

class LiveStream {
public:
    LiveStream(SimServer::Impl& s, StreamRequest r) : m_s(s), m_r(std::move(r)), m_seen(s.faults.view()) {}

    bool run(httplib::DataSink& sink) {
        OpenStream counted(m_s.stats);
        m_sink = &sink;
        if (!send(opening(), m_opening_events)) return false;
        for (;;) {
            const Next next = step();
            if (next == Next::abort) return false;
            // A body without a length ends only when the connection closes,
            // and httplib closes it when the provider reports failure.
            if (next == Next::finish) return false;
        }
    }

private:
    // retry, then the snapshot or the replay start, as one write.
    std::string opening() {
        std::string out = retry_frame(m_s.options.retry_ms);
        const auto& k = m_r.last_event_id;
        if (k && m_s.log->can_resume(*k)) {
            m_cursor = *k;
            m_live_from = m_s.log->last_id();
            m_opening_events = 0;
            return out;
        }
        m_cursor = m_live_from = m_s.log->snapshot(m_r.filter, out, m_opening_events);
        return out;
    }

    Next step() {
        if (m_s.stopping) return Next::abort;
        if (const auto next = faults(); next != Next::go_on) return next;
        const TimePoint now = SteadyClock::now();
        if (now >= m_r.token_expiry) return token_expired();
        std::string out;
        const ReadResult read = m_s.log->read(m_cursor, m_live_from, m_r.filter, out, k_batch_bytes);
        if (read.fell_behind)
            return write_and_finish(control_frame(
                "error", R"({"code":"too.slow","message":"the client fell behind the replay window; reconnect"})"));
        if (!out.empty()) return send(out, read.events) ? Next::go_on : Next::abort;
        if (now - m_last_write >= m_s.options.heartbeat) return send(k_heartbeat, 0) ? Next::go_on : Next::abort;
        const TimePoint deadline = std::min(m_last_write + m_s.options.heartbeat, m_r.token_expiry);
        m_s.log->wait(m_cursor, deadline, [&] { return m_s.stopping.load(); });
        return Next::go_on;
    }

    Next faults() {
        const FaultView now = m_s.faults.view();
        if (now.drop != m_seen.drop) return drop();
        if (now.maintenance != m_seen.maintenance)
            return write_and_finish(control_frame("reconnect", R"({"reason":"maintenance","retryAfterMs":)" +
                                                                   std::to_string(now.maintenance_retry_ms) + "}"));
        if (now.revoke != m_seen.revoke) {
            m_seen.revoke = now.revoke;
            if (m_s.tokens.is_revoked(m_r.token))
                return write_and_finish(control_frame("disconnect", R"({"reason":")" + now.revoke_reason + "\"}"));
        }
        if (now.stall != m_seen.stall) {
            m_seen.stall = now.stall;
            if (!stall_until([&] { return m_s.faults.view().stall_until; })) return Next::abort;
        }
        return Next::go_on;
    }

    // Half of a data frame, then the connection is cut.
    Next drop() {
        std::string frame;
        const ResourceIndex r = first_matching();
        append_data_frame(frame, m_s.log->last_id() + 1, m_s.log->model().kind(r), m_s.log->model().id(r),
                          format_rfc3339_ms(WallClock::now()), m_s.log->current_metrics(r));
        m_sink->write(frame.data(), frame.size() / 2);
        return Next::abort;
    }

    Next token_expired() {
        if (m_s.options.expired_token == ExpiredTokenMode::disconnect)
            return write_and_finish(control_frame("disconnect", R"({"reason":"token_expired"})"));
        stall_until([] { return TimePoint::max(); });
        return Next::abort;
    }

    // Sends nothing until `until()` passes; false when the client left or
    // the server stops.
    template <class Until>
    bool stall_until(Until until) {
        while (SteadyClock::now() < until()) {
            if (m_s.stopping || peer_closed(m_r.fd)) return false;
            m_s.log->wait(UINT64_MAX, std::min(until(), SteadyClock::now() + k_stall_poll),
                          [&] { return m_s.stopping.load(); });
        }
        m_last_write = SteadyClock::now();
        return true;
    }

    Next write_and_finish(const std::string& frame) { return send(frame, 0) ? Next::finish : Next::abort; }

    bool send(std::string_view bytes, size_t events) {
        const FaultView view = m_s.faults.view();
        size_t done = 0;
        while (done < bytes.size() && SteadyClock::now() < view.slow_until && !m_s.stopping) {
            if (!m_sink->write(bytes.data() + done, 1)) return false;
            ++done;
            std::this_thread::sleep_for(std::chrono::microseconds(1'000'000 / view.slow_bytes_per_second));
        }
        if (done < bytes.size() && !m_sink->write(bytes.data() + done, bytes.size() - done)) return false;
        m_s.stats.events_sent += events;
        m_last_write = SteadyClock::now();
        return true;
    }

    ResourceIndex first_matching() const {
        for (ResourceIndex r = 0; r < m_r.filter.wanted.size(); ++r)
            if (m_r.filter.wanted[r]) return r;
        return 0;
    }

    SimServer::Impl& m_s;
    StreamRequest m_r;
    FaultView m_seen;
    httplib::DataSink* m_sink = nullptr;
    uint64_t m_cursor = 0;
    uint64_t m_live_from = 0;
    size_t m_opening_events = 0;
    TimePoint m_last_write = SteadyClock::now();
};

}  // namespace

httplib::ContentProviderWithoutLength live_stream(SimServer::Impl& s, StreamRequest request) {
    auto stream = std::make_shared<LiveStream>(s, std::move(request));
    return [stream](size_t, httplib::DataSink& sink) { return stream->run(sink); };
}

}  // namespace rtwatch::sim
