// Replay reads whatever is available, feeds it to the parser, and ends at
// end of input.
#include "replay_source.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

namespace rtwatch::app {

ReplaySource::ReplaySource(const Config& config, net::Loop& loop, int input_fd)
    : m_config(config), m_loop(loop), m_fd(input_fd), m_parser(*this, sse::ParserOptions{config.max_event_size}) {
    m_chunk.resize(256 * 1024);
}

void ReplaySource::start(SourceListener& listener) {
    m_listener = &listener;
    m_gate.connection_opened();
    // The descriptor may be shared (stdin of a shell pipeline): its flags
    // are put back as they were when the replay ends.
    m_saved_flags = ::fcntl(m_fd, F_GETFL);
    if (m_saved_flags >= 0 && !(m_saved_flags & O_NONBLOCK)) ::fcntl(m_fd, F_SETFL, m_saved_flags | O_NONBLOCK);
    resume();
}

void ReplaySource::stop() {
    pause();
    if (m_saved_flags >= 0 && !(m_saved_flags & O_NONBLOCK)) ::fcntl(m_fd, F_SETFL, m_saved_flags);
    m_saved_flags = -1;
}

ReplaySource::~ReplaySource() { stop(); }

void ReplaySource::pause() {
    if (m_watching) m_loop.unwatch_fd(m_fd);
    m_watching = false;
}

void ReplaySource::resume() {
    if (!m_watching) m_loop.watch_fd(m_fd, [this] { on_readable(); });
    m_watching = true;
}

void ReplaySource::on_readable() {
    ssize_t n = ::read(m_fd, m_chunk.data(), m_chunk.size());
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
    if (n < 0) {
        stop();
        return m_listener->source_ended(ExitCode::failure,
                                        fmt::format("reading {}: {}", m_config.replay_input, std::strerror(errno)));
    }
    if (n == 0) {
        stop();
        m_gate.end_of_input(*m_listener);
        return m_listener->source_ended(ExitCode::ok, {});
    }
    m_listener->input_begins(WallClock::now());
    m_parser.feed(std::string_view(m_chunk.data(), static_cast<size_t>(n)));
    // Caught up with a live writer (tail -f): a snapshot held for its id
    // goes on without one rather than wait for more input.
    if (static_cast<size_t>(n) < m_chunk.size()) m_gate.flush_held(*m_listener);
    m_listener->input_ends();
}

void ReplaySource::on_event(const sse::Event& event) {
    m_gate.offer(SourceEvent{event.type, event.data, event.id, event.id}, event.has_id, *m_listener);
}

void ReplaySource::on_comment(std::string_view text) {
    if (text != k_connection_comment) return m_gate.comment(*m_listener);
    // A new connection in the capture: what the last one left half-sent is
    // not an event (live rtwatch dropped it too).
    m_parser.discard_event();
    m_gate.connection_lost();
    m_gate.connection_opened();
}

void ReplaySource::on_oversize(std::size_t limit) { m_listener->oversize(limit); }

}  // namespace rtwatch::app
