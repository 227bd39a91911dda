// The live SSE upstream as a Source: a token from the TokenKeeper, the
// stream, and every way it ends turned into the reconnect policy's decision.
// Decisions come from rtwatch/reconnect; this only carries them out.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <random>

#include "event_stream.hpp"
#include "rtwatch/app/config.hpp"
#include "rtwatch/app/snapshot_gate.hpp"
#include "rtwatch/app/source.hpp"
#include "rtwatch/reconnect/policy.hpp"
#include "services.hpp"
#include "token_keeper.hpp"

namespace rtwatch::app {

class LiveSseSource final : public Source, private net::StreamHandler {
public:
    using StreamFactory = std::function<std::unique_ptr<EventStream>(net::StreamHandler&)>;
    using Jitter = std::function<double()>;  // uniform in [0, 1)

    // The real source: the loop's clock, timers and requests, and libcurl.
    LiveSseSource(const Config& config, net::Loop& loop);
    // The same rules over `services` and the streams `make_stream` gives
    // (tests: a fake clock and a scripted stream).
    LiveSseSource(const Config& config, Services& services, const StreamFactory& make_stream, Jitter jitter);

    void start(SourceListener& listener) override;
    void stop() override;
    void pause() override;
    void resume() override;

private:
    void connect();
    void open_stream();
    void on_open(const net::Response& response) override;
    void on_event(const sse::Event& event) override;
    void on_comment(std::string_view text) override;
    void on_retry(std::chrono::milliseconds base) override;
    void on_oversize(std::size_t limit) override;
    void on_ahead(std::string_view bytes) override { m_listener->ahead(bytes); }
    void on_bytes(std::string_view bytes) override;
    void on_chunk_done() override;
    void on_end(const net::StreamEnd& end) override;
    LiveSseSource(const Config& config, std::unique_ptr<Services> owned, Services* services,
                  const StreamFactory& make_stream, Jitter jitter);
    void act(const reconnect::Decision& decision);
    void end_run(ExitCode code, std::string message);
    double jitter();
    std::string stream_url() const;

    const Config& m_config;
    std::unique_ptr<Services> m_owned_services;
    Services& m_services;
    SourceListener* m_listener = nullptr;
    Jitter m_jitter;
    TokenKeeper m_tokens;
    std::unique_ptr<EventStream> m_stream;
    reconnect::Policy m_policy;
    reconnect::State m_reconnect;
    std::optional<reconnect::Outcome> m_announced;  // from a reconnect/disconnect event
    std::optional<Services::TimerId> m_reconnect_timer;
    SnapshotGate m_gate;
    std::uint64_t m_error_events = 0;
    std::optional<char> m_last_byte;  // of the stream so far, for --record's markers
    bool m_stopped = false;
};

}  // namespace rtwatch::app
