// A live run: tokens, the stream, reconnects and rotation, feeding the
// pipeline. Decisions come from rtwatch/reconnect; this only acts on them.
#pragma once

#include <functional>
#include <optional>
#include <random>
#include <vector>

#include "rtwatch/auth/token.hpp"
#include "rtwatch/net/sse_connection.hpp"
#include "rtwatch/reconnect/policy.hpp"
#include "session.hpp"

namespace rtwatch::app {

class LiveSession final : public Session, private net::StreamHandler {
public:
    LiveSession(const Config& config, output::Writer writer, std::optional<output::Writer> record,
                SignalWatch& signals);

private:
    void start() override;
    void stop_sources() override;

    // auth: one token request at a time; continuations wait for it
    void with_token(std::function<void()> then);
    void request_token();
    void on_token_answer(const net::Response& response);
    void schedule_rotation();
    void rotate();

    // stream
    void connect();
    void open_stream();
    void on_open(const net::Response& response) override;
    void on_event(const sse::Event& event) override;
    void on_comment(std::string_view text) override;
    void on_retry(std::chrono::milliseconds base) override;
    void on_oversize(std::size_t limit) override;
    void on_bytes(std::string_view bytes) override;
    void on_chunk_done() override;
    void on_end(const net::StreamEnd& end) override;
    void on_control_event(const sse::Event& event);
    void act(const reconnect::Decision& decision);
    double jitter();

    std::string stream_url() const;

    auth::Credentials m_credentials;
    auth::TokenCache m_tokens;
    std::vector<std::function<void()>> m_waiting_for_token;
    std::optional<net::Loop::Id> m_rotation_timer;
    std::optional<net::Loop::Id> m_retry_timer;
    reconnect::State m_token_backoff;

    net::SseConnection m_stream;
    reconnect::Policy m_policy;
    reconnect::State m_reconnect;
    std::optional<reconnect::Outcome> m_announced;  // from a reconnect/disconnect event
    bool m_streaming = false;
    std::mt19937_64 m_rng{std::random_device{}()};
};

}  // namespace rtwatch::app
