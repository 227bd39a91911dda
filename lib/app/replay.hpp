// Replay: the same pipeline over recorded raw SSE bytes, read incrementally
// so `tail -f capture.sse | rtwatch replay -` works live. No network.
#pragma once

#include "rtwatch/sse/parser.hpp"
#include "session.hpp"

namespace rtwatch::app {

class ReplaySession final : public Session, private sse::Handler {
public:
    ReplaySession(const Config& config, output::Writer writer, SignalWatch& signals, int input_fd);

private:
    void start() override;
    void stop_sources() override;
    void on_readable();
    void on_event(const sse::Event& event) override;
    void on_comment(std::string_view text) override;
    void on_oversize(std::size_t limit) override;

    int m_fd;
    sse::Parser m_parser;
    std::string m_chunk;
};

}  // namespace rtwatch::app
