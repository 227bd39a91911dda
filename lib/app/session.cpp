// The shared run loop around the pipeline.
#include "session.hpp"

#include "rtwatch/core/log.hpp"

namespace rtwatch::app {

namespace {
net::TransportOptions transport_of(const Config& c) {
    net::TransportOptions t;
    t.cacert = c.cacert;
    t.insecure = c.insecure;
    return t;
}
}  // namespace

Session::Session(const Config& config, output::Writer writer, std::optional<output::Writer> record,
                 SignalWatch& signals)
    : m_config(config),
      m_loop(transport_of(config)),
      m_writer(std::move(writer)),
      m_record(std::move(record)),
      m_pipeline(config, m_writer),
      m_signals(signals) {}

ExitCode Session::run() {
    m_loop.watch_fd(m_signals.fd(), [this] { on_signal(); });
    if (m_config.duration)
        m_loop.add_timer(m_loop.now() + *m_config.duration, [this] {
            // A partial snapshot must not pass for a complete one in a cron job.
            if (m_config.once && !m_pipeline.done())
                return finish(ExitCode::upstream, "--duration reached before the snapshot (--once) was complete");
            finish(ExitCode::ok, "--duration reached");
        });
    start();
    if (!m_finished) m_loop.run();
    return m_exit;
}

void Session::on_signal() {
    switch (m_signals.take()) {
        case SignalAction::stop: finish(ExitCode::ok, "stopped by signal"); break;
        case SignalAction::reopen:
            if (auto r = m_writer.reopen(); !r) finish(ExitCode::output, r.error().message);
            else log::info("reopened {}", m_writer.path().empty() ? "stdout" : m_writer.path());
            if (m_record)
                if (auto r = m_record->reopen(); !r) finish(ExitCode::output, r.error().message);
            break;
        case SignalAction::none: break;
    }
}

void Session::after_input() {
    if (m_finished) return;
    if (!flush_output()) return;
    if (m_pipeline.done()) return finish(ExitCode::ok);
    arm_throttle_timer();
}

void Session::arm_throttle_timer() {
    auto due = m_pipeline.next_deadline();
    if (!due || (m_throttle_at && *m_throttle_at <= *due)) return;
    if (m_throttle_timer) m_loop.cancel_timer(*m_throttle_timer);
    m_throttle_at = due;
    m_throttle_timer = m_loop.add_timer(*due, [this] {
        m_throttle_timer.reset();
        m_throttle_at.reset();
        m_pipeline.begin_batch(WallClock::now());
        m_pipeline.flush_due(m_loop.now());
        after_input();
    });
}

bool Session::flush_output() {
    if (m_record && !m_record->buffer().empty() && m_record->flush() != output::Writer::Status::ok) {
        finish(ExitCode::output, m_record->error());
        return false;
    }
    // A stuck reader must not make rtwatch deaf to SIGTERM: the wait for it
    // ends when a signal is pending.
    switch (m_writer.flush(m_signals.fd())) {
        case output::Writer::Status::ok: return true;
        case output::Writer::Status::interrupted:
            on_signal();
            return false;
        case output::Writer::Status::closed:  // the reader went away (| head): a normal end
            finish(ExitCode::ok);
            return false;
        case output::Writer::Status::failed:
            finish(ExitCode::output, m_writer.error());
            return false;
    }
    return true;
}

void Session::finish(ExitCode code, std::string message) {
    if (m_finished) return;
    m_finished = true;
    m_exit = code;
    stop_sources();
    m_pipeline.begin_batch(WallClock::now());
    if (code == ExitCode::ok) {
        if (!message.empty()) log::info("{}", message);
        m_pipeline.finish();  // what the throttle holds is written before exit
        m_pipeline.status("stopped", message);
    } else {
        log::error("{}", message);
        if (code != ExitCode::output) {
            m_pipeline.finish();
            m_pipeline.status("gave_up", message);
        }
    }
    if (code != ExitCode::output && !m_writer.buffer().empty()) {
        // Bounded: a reader that stopped reading cannot hold the exit hostage.
        auto s = m_writer.flush(m_signals.fd(), Millis(2000));
        if (s == output::Writer::Status::failed) {
            log::error("{}", m_writer.error());
            m_exit = ExitCode::output;
        } else if (s == output::Writer::Status::interrupted) {
            log::warn("{}; the last records were not written", m_writer.error());
        }
    }
    if (m_record && !m_record->buffer().empty()) (void)m_record->flush();
    m_loop.stop();
}

void Session::status(std::string_view status, std::string_view message) { m_pipeline.status(status, message); }

void Session::record_bytes(std::string_view bytes) {
    if (m_record) m_record->buffer().append(bytes);
}

}  // namespace rtwatch::app
