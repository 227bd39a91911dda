// The run loop around the pipeline. Output is written as far as the reader
// takes it and the rest waits in the buffer; a reader that falls far behind
// pauses the source (nothing is lost), and signals are heard throughout.
#include "session.hpp"

#include "rtwatch/core/log.hpp"

namespace rtwatch::app {

namespace {

// Past this much unwritten output the source pauses until the reader has
// taken it all: memory stays bounded, as it did when writes blocked.
constexpr std::size_t k_pause_backlog = 4 << 20;

}  // namespace

Session::Session(const Config& config, net::Loop& loop, SignalWatch& signals, Source& source, Pipeline& pipeline,
                 output::Writer& writer, output::Writer* record)
    : m_config(config),
      m_loop(loop),
      m_signals(signals),
      m_source(source),
      m_pipeline(pipeline),
      m_writer(writer),
      m_record(record) {}

ExitCode Session::run() {
    m_loop.watch_fd(m_signals.fd(), [this] { on_signal(); });
    if (m_config.duration)
        m_loop.add_timer(m_loop.now() + *m_config.duration, [this] {
            // A partial snapshot must not pass for a complete one in a cron job.
            if (m_config.once && !m_pipeline.done())
                return finish(ExitCode::upstream, "--duration reached before the snapshot (--once) was complete");
            finish(ExitCode::ok, "--duration reached");
        });
    start_notify();
    m_source.start(*this);
    if (!m_drained) m_loop.run();
    return m_exit;
}

void Session::start_notify() {
    if (!m_notify.enabled()) return;
    // A replay has no upstream to wait for.
    if (m_config.mode == Mode::replay) m_snapshot_done = true;
    if (m_notify.watchdog_interval()) watchdog_tick();
}

// While the loop turns, also when the upstream is away: the watchdog
// catches a hung rtwatch, not a quiet upstream (that is in STATUS=).
void Session::watchdog_tick() {
    m_notify.watchdog();
    notify_status();
    m_loop.add_timer(m_loop.now() + *m_notify.watchdog_interval(), [this] { watchdog_tick(); });
}

void Session::snapshot_complete() {
    m_pipeline.on_snapshot_complete();
    m_snapshot_done = true;
}

void Session::status(const StatusChange& change) {
    m_pipeline.status(change);
    if (change.status != UpstreamStatus::token_refreshed && change.status != UpstreamStatus::token_acquired)
        m_upstream = std::string(status_name(change.status));
    notify_status();
}

void Session::notify_status() {
    if (!m_notify.enabled()) return;
    std::string text = m_upstream;
    if (m_last_input)
        text += fmt::format(", data {:.1f}s old", std::chrono::duration<double>(m_loop.now() - *m_last_input).count());
    else
        text += ", no data yet";
    m_notify.status(text, m_loop.now());
    arm_notify_status();
}

// A status held back by the once-a-second limit goes out when its second is up.
void Session::arm_notify_status() {
    auto due = m_notify.status_due();
    if (!due || m_status_timer) return;
    m_status_timer = m_loop.add_timer(*due, [this] {
        m_status_timer.reset();
        m_notify.flush_status(m_loop.now());
        arm_notify_status();
    });
}

void Session::on_signal() {
    switch (m_signals.take()) {
        case SignalAction::stop:
            finish(ExitCode::ok, "stopped by signal");
            break;
        case SignalAction::reopen:
            m_notify.reloading(m_loop.now());
            if (auto r = m_writer.reopen(); !r)
                finish(ExitCode::output, r.error().message);
            else
                log::info("reopened {}", m_writer.path().empty() ? "stdout" : m_writer.path());
            if (m_record)
                if (auto r = m_record->reopen(); !r) finish(ExitCode::output, r.error().message);
            m_pipeline.reload_sinks();
            if (!m_finished) m_notify.reloaded();
            break;
        case SignalAction::resize:
            if (m_on_resize) m_on_resize();
            break;
        case SignalAction::none:
            break;
    }
}

void Session::bytes(std::string_view bytes) {
    if (m_record) m_record->buffer().append(bytes);
}

void Session::after_input() {
    if (m_finished) return;
    if (!pass_on()) return;
    // Ready once the first snapshot has been passed on to the output.
    if (m_snapshot_done && !m_ready) {
        m_ready = true;
        m_notify.ready();
    }
    if (m_pipeline.done()) return finish_done();
    arm_throttle_timer();
}

// The pipeline's next deadline: a throttle window's end or a pending level move.
void Session::arm_throttle_timer() {
    auto due = m_pipeline.next_deadline();
    if (!due || (m_throttle_at && *m_throttle_at <= *due)) return;
    if (m_throttle_timer) m_loop.cancel_timer(*m_throttle_timer);
    m_throttle_at = due;
    m_throttle_timer = m_loop.add_timer(*due, [this] {
        m_throttle_timer.reset();
        m_throttle_at.reset();
        m_pipeline.begin_batch(WallClock::now());
        m_pipeline.on_deadline(m_loop.now());
        after_input();
    });
}

// Writes what the reader takes now; false when the run ended.
bool Session::pass_on() {
    if (m_record && !m_record->buffer().empty() && m_record->flush() != output::Writer::Status::ok) {
        finish(ExitCode::output, m_record->error());
        return false;
    }
    switch (m_writer.write_ready()) {
        case output::Writer::Status::ok:
            watch_writer(false);
            if (m_source_paused) m_source.resume();
            m_source_paused = false;
            return true;
        case output::Writer::Status::pending:
            watch_writer(true);
            if (!m_source_paused && m_writer.buffer().size() > k_pause_backlog) {
                log::debug("the reader of the output is {} bytes behind: pausing the upstream",
                           m_writer.buffer().size());
                m_source.pause();
                m_source_paused = true;
            }
            return true;
        case output::Writer::Status::closed:  // the reader went away (| head): a normal end
            finish(ExitCode::ok);
            return false;
        case output::Writer::Status::failed:
        case output::Writer::Status::interrupted:
            finish(ExitCode::output, m_writer.error());
            return false;
    }
    return true;
}

void Session::watch_writer(bool on) {
    if (on == m_watching_writer) return;
    m_watching_writer = on;
    if (!on) return m_loop.unwatch_writable(m_writer.fd());
    m_loop.watch_writable(m_writer.fd(), [this] {
        if (pass_on() && m_pipeline.done()) finish_done();
    });
}

// --count reached or --once complete; a snapshot that is not whole is not success.
void Session::finish_done() {
    const std::string& problem = m_pipeline.snapshot_problem();
    if (!problem.empty()) return finish(ExitCode::upstream, problem);
    finish(ExitCode::ok);
}

// The source is done, the sinks stay: what the throttle holds and the final
// status reach them, and the run waits for end() or a signal.
void Session::hold(std::string message) {
    if (m_finished) return;
    m_source.stop();
    m_pipeline.begin_batch(WallClock::now());
    m_pipeline.finish();
    m_pipeline.status(UpstreamStatus::stopped, message);
}

void Session::finish(ExitCode code, std::string message) {
    if (m_finished) return;
    m_finished = true;
    m_exit = code;
    m_notify.stopping();
    m_source.stop();
    watch_writer(false);
    if (m_throttle_timer) m_loop.cancel_timer(*m_throttle_timer);  // nothing more is decided while sinks drain
    m_throttle_timer.reset();
    m_pipeline.begin_batch(WallClock::now());
    if (code == ExitCode::ok) {
        if (!message.empty()) log::info("{}", message);
        m_pipeline.finish();  // what the throttle holds is written before exit
        m_pipeline.status(UpstreamStatus::stopped, message);
    } else {
        log::error("{}", message);
        if (code != ExitCode::output) {
            m_pipeline.finish();
            m_pipeline.status(UpstreamStatus::gave_up, message);
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
    // Sinks with work in flight (hooks still running) bound their own wait;
    // the loop turns until they are done.
    m_pipeline.drain([this] {
        m_drained = true;
        m_pipeline.close_sinks();
        m_loop.stop();
    });
}

}  // namespace rtwatch::app
