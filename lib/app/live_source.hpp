// The live SSE upstream as a Source: a token from the TokenKeeper, the
// stream, and every way it ends turned into the reconnect policy's decision.
// Decisions come from rtwatch/reconnect; this only carries them out.
#pragma once

#include <optional>
#include <random>

#include "rtwatch/app/config.hpp"
#include "rtwatch/app/source.hpp"
#include "rtwatch/net/sse_connection.hpp"
#include "rtwatch/reconnect/policy.hpp"
#include "services.hpp"
#include "rtwatch/app/snapshot_gate.hpp"
#include "token_keeper.hpp"

namespace rtwatch::app {

class LiveSseSource final : public Source, private net::StreamHandler {
public:
    LiveSseSource(const Config& config, net::Loop& loop);

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
    void act(const reconnect::Decision& decision);
    void end_run(ExitCode code, std::string message);
    double jitter();
    std::string stream_url() const;

    const Config& m_config;
    net::Loop& m_loop;
    LoopServices m_services;
    SourceListener* m_listener = nullptr;
    std::mt19937_64 m_rng{std::random_device{}()};
    TokenKeeper m_tokens;
    net::SseConnection m_stream;
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
