// One run: the loop, signals, the source feeding the pipeline, the output
// passed on without ever waiting for a reader, the throttle timer,
// --duration, and an orderly finish.
#pragma once

#include <algorithm>
#include <optional>
#include <string>

#include "rtwatch/app/config.hpp"
#include "rtwatch/app/pipeline.hpp"
#include "rtwatch/app/signals.hpp"
#include "rtwatch/app/source.hpp"
#include "rtwatch/net/loop.hpp"
#include "rtwatch/output/ndjson.hpp"

namespace rtwatch::app {

class Session final : public SourceListener {
public:
    // `record` (--record) may be null. All must outlive the session.
    Session(const Config& config, net::Loop& loop, SignalWatch& signals, Source& source, Pipeline& pipeline,
            output::Writer& writer, output::Writer* record);

    ExitCode run();

private:
    // What the source reports, handed to the pipeline.
    void input_begins(WallTime now) override {
        m_batch_at = SteadyClock::now();
        m_pipeline.begin_batch(now);
    }
    void event(const SourceEvent& e) override { m_pipeline.on_event(e.type, e.data, e.id, arrival()); }
    void record(Record& record) override { m_pipeline.on_record(record, arrival()); }
    void quiet() override { m_pipeline.on_quiet(); }
    void oversize(std::size_t limit) override { m_pipeline.on_oversize(limit); }
    void status(UpstreamStatus status, std::string_view message) override { m_pipeline.status(status, message); }
    void bytes(std::string_view bytes) override;
    void input_ends() override { after_input(); }
    void source_ended(ExitCode code, std::string message) override { finish(code, std::move(message)); }

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

    const Config& m_config;
    net::Loop& m_loop;
    SignalWatch& m_signals;
    Source& m_source;
    Pipeline& m_pipeline;
    output::Writer& m_writer;
    output::Writer* m_record;
    std::optional<net::Loop::Id> m_throttle_timer;
    std::optional<TimePoint> m_throttle_at;
    TimePoint m_batch_at{};  // read when the current batch of input began
    bool m_watching_writer = false;
    bool m_source_paused = false;
    ExitCode m_exit = ExitCode::ok;
    bool m_finished = false;
    bool m_drained = false;  // finished, and every sink is done
};

}  // namespace rtwatch::app
