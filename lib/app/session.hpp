// What live runs and replays share: the loop, the pipeline and its output,
// signals, the throttle timer, --duration, and an orderly finish.
#pragma once

#include <optional>
#include <string>

#include "rtwatch/app/config.hpp"
#include "rtwatch/app/pipeline.hpp"
#include "rtwatch/app/signals.hpp"
#include "rtwatch/net/loop.hpp"
#include "rtwatch/output/ndjson.hpp"

namespace rtwatch::app {

class Session {
public:
    Session(const Config& config, output::Writer writer, std::optional<output::Writer> record, SignalWatch& signals);
    virtual ~Session() = default;

    ExitCode run();

protected:
    virtual void start() = 0;
    // Called once when the run ends, before the final flush.
    virtual void stop_sources() {}

    // After a batch of input: write what the pipeline produced, end the run
    // when it is complete, re-arm the throttle timer.
    void after_input();
    void finish(ExitCode code, std::string message = {});
    bool finished() const { return m_finished; }
    void status(std::string_view status, std::string_view message);
    void record_bytes(std::string_view bytes);

    const Config& m_config;
    net::Loop m_loop;
    output::Writer m_writer;
    std::optional<output::Writer> m_record;
    Pipeline m_pipeline;

private:
    void on_signal();
    bool flush_output();
    void arm_throttle_timer();

    SignalWatch& m_signals;
    std::optional<net::Loop::Id> m_throttle_timer;
    std::optional<TimePoint> m_throttle_at;
    ExitCode m_exit = ExitCode::ok;
    bool m_finished = false;
};

}  // namespace rtwatch::app
