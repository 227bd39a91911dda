// Replay reads whatever is available, feeds it to the parser, and ends at
// end of input with the throttle flushed.
#include "replay.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace rtwatch::app {

ReplaySession::ReplaySession(const Config& config, output::Writer writer, SignalWatch& signals, int input_fd)
    : Session(config, std::move(writer), std::nullopt, signals),
      m_fd(input_fd),
      m_parser(*this, sse::ParserOptions{config.max_event_size}) {
    m_chunk.resize(256 * 1024);
}

void ReplaySession::start() {
    int flags = ::fcntl(m_fd, F_GETFL);
    if (flags >= 0) ::fcntl(m_fd, F_SETFL, flags | O_NONBLOCK);
    m_loop.watch_fd(m_fd, [this] { on_readable(); });
}

void ReplaySession::stop_sources() { m_loop.unwatch_fd(m_fd); }

void ReplaySession::on_readable() {
    ssize_t n = ::read(m_fd, m_chunk.data(), m_chunk.size());
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
    if (n < 0) return finish(ExitCode::failure, fmt::format("reading {}: {}", m_config.replay_input,
                                                            std::strerror(errno)));
    if (n == 0) {
        m_pipeline.on_quiet();
        return finish(ExitCode::ok);
    }
    m_pipeline.begin_batch(WallClock::now());
    m_parser.feed(std::string_view(m_chunk.data(), static_cast<size_t>(n)));
    after_input();
}

void ReplaySession::on_event(const sse::Event& event) {
    m_pipeline.on_event(event.type, event.data, event.id, m_loop.now());
}

void ReplaySession::on_comment(std::string_view) { m_pipeline.on_quiet(); }

void ReplaySession::on_oversize(std::size_t limit) { m_pipeline.on_oversize(limit); }

}  // namespace rtwatch::app
