// One run: the loop, signals, the source feeding the pipeline, the output
// passed on without ever waiting for a reader, the throttle timer,
// --duration, and an orderly finish.
#pragma once

#include <algorithm>
#include <functional>
#include <optional>
#include <string>

#include "rtwatch/app/config.hpp"
#include "rtwatch/app/pipeline.hpp"
#include "rtwatch/app/signals.hpp"
#include "rtwatch/app/source.hpp"
#include "rtwatch/net/loop.hpp"
#include "rtwatch/notify/notifier.hpp"
#include "rtwatch/output/ndjson.hpp"

namespace rtwatch::app {

class Session final : public SourceListener {
public:
    // `record` (--record) may be null. All must outlive the session.
    Session(const Config& config, net::Loop& loop, SignalWatch& signals, Source& source, Pipeline& pipeline,
            output::Writer& writer, output::Writer* record);

    ExitCode run();
    // Ends the run from outside the source (the terminal view's quit key).
    void end(ExitCode code, std::string message = {}) { finish(code, std::move(message)); }
    // SIGWINCH: the terminal view redraws at the new size.
    void on_resize(std::function<void()> fn) { m_on_resize = std::move(fn); }
    // A source that ends well leaves the run open until end(): the terminal
    // view keeps the last state on screen (rtwatch top replay FILE).
    void hold_at_end() { m_hold_at_end = true; }
    // When upstream bytes last arrived (heartbeats included).
    std::optional<TimePoint> last_input() const { return m_last_input; }

private:
    // What the source reports, handed to the pipeline.
    void input_begins(WallTime now) override {
        m_batch_at = SteadyClock::now();
        m_pipeline.begin_batch(now);
        m_last_input = m_batch_at;
    }
    void event(const SourceEvent& e) override {
        m_pipeline.on_event(e.type, e.data, m_config.raw ? e.raw_id : e.id, arrival());
    }
    void record(Record& record) override { m_pipeline.on_record(record, arrival()); }
    void snapshot_complete() override;
    void oversize(std::size_t limit) override { m_pipeline.on_oversize(limit); }
    void ahead(std::string_view bytes) override { m_pipeline.prefetch(bytes); }
    void status(const StatusChange& change) override;
    void bytes(std::string_view bytes) override;
    void input_ends() override { after_input(); }
    void source_ended(ExitCode code, std::string message) override {
        if (m_hold_at_end && code == ExitCode::ok) return hold(std::move(message));
        finish(code, std::move(message));
    }

    // When input arrived: the loop's pass time predates a wait in poll (where
    // a replayed pipe's input is read), and `for`/`hold` count from arrival.
    TimePoint arrival() const { return std::max(m_loop.now(), m_batch_at); }
    void on_signal();
    // After a batch of input: pass output on, end the run when it is
    // complete, re-arm the deadline timer (throttle and levels).
    void after_input();
    bool pass_on();
    void watch_writer(bool on);
    void arm_throttle_timer();
    void finish(ExitCode code, std::string message = {});
    void finish_done();
    void hold(std::string message);
    // systemd: readiness, STATUS= (upstream state and data age), watchdog.
    void start_notify();
    void notify_status();
    void arm_notify_status();
    void watchdog_tick();

    const Config& m_config;
    net::Loop& m_loop;
    SignalWatch& m_signals;
    Source& m_source;
    Pipeline& m_pipeline;
    output::Writer& m_writer;
    output::Writer* m_record;
    std::function<void()> m_on_resize;
    std::optional<net::Loop::Id> m_throttle_timer;
    std::optional<TimePoint> m_throttle_at;
    notify::Notifier m_notify = notify::Notifier::from_environment();
    std::string m_upstream = "starting";
    std::optional<TimePoint> m_last_input;
    std::optional<net::Loop::Id> m_status_timer;
    bool m_snapshot_done = false;
    bool m_ready = false;
    TimePoint m_batch_at{};  // read when the current batch of input began
    bool m_watching_writer = false;
    bool m_source_paused = false;
    bool m_hold_at_end = false;
    ExitCode m_exit = ExitCode::ok;
    bool m_finished = false;
    bool m_drained = false;  // finished, and every sink is done
};

}  // namespace rtwatch::app
