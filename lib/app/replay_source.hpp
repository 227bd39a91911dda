// Replay as a Source: recorded raw SSE bytes through the same parser and
// pipeline, read incrementally so `tail -n +1 -f capture.sse | rtwatch
// replay -` works live. No network.
#pragma once

#include <string>

#include "rtwatch/app/config.hpp"
#include "rtwatch/app/snapshot_gate.hpp"
#include "rtwatch/app/source.hpp"
#include "rtwatch/net/loop.hpp"
#include "rtwatch/sse/parser.hpp"

namespace rtwatch::app {

class ReplaySource final : public Source, private sse::Handler {
public:
    ReplaySource(const Config& config, net::Loop& loop, int input_fd);
    ~ReplaySource() override;

    void start(SourceListener& listener) override;
    void stop() override;
    void pause() override;
    void resume() override;

private:
    void on_readable();
    void on_event(const sse::Event& event) override;
    void on_comment(std::string_view text) override;
    void on_oversize(std::size_t limit) override;
    void on_ahead(std::string_view bytes) override { m_listener->ahead(bytes); }

    const Config& m_config;
    net::Loop& m_loop;
    int m_fd;
    SourceListener* m_listener = nullptr;
    sse::Parser m_parser;
    std::string m_chunk;
    bool m_watching = false;
    int m_saved_flags = -1;  // the input's flags before the replay
    SnapshotGate m_gate;
};

}  // namespace rtwatch::app
