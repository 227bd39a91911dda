// A raw SSE client for tests: one plain TCP socket, the request written by
// hand, every byte of the answer kept, so tests can see exactly what the
// server sent (half events, heartbeats, silence) and when it closed.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "rtwatch_test/http.hpp"

namespace rtwatch::test {

struct SseEvent {
    std::string type = "message";
    std::string data;
    std::string id;  // the id field of this event, if it had one
    bool has_id = false;
};

struct SseParse {
    std::vector<SseEvent> events;  // complete (dispatched) events only
    std::vector<std::string> comments;
    std::string retry;      // last retry: value
    size_t incomplete = 0;  // bytes after the last complete event
};

// A plain reading of the SSE framing (LF or CRLF line ends).
SseParse parse_sse(std::string_view body);

class RawStream {
public:
    // Connects to 127.0.0.1:port and sends GET `target` with the headers.
    // `receive_buffer` > 0 sets SO_RCVBUF first (a reader that fills up quickly).
    RawStream(int port, const std::string& target, const Headers& headers = {}, int receive_buffer = 0);
    ~RawStream();
    RawStream(const RawStream&) = delete;
    RawStream& operator=(const RawStream&) = delete;

    // Reads until `pred` holds (true), the peer closes or `timeout` passes.
    bool read_until(const std::function<bool(const RawStream&)>& pred, std::chrono::milliseconds timeout);
    void read_for(std::chrono::milliseconds duration);
    bool wait_closed(std::chrono::milliseconds timeout);
    // Reads whatever is available now, without waiting.
    void poll();

    bool headers_done() const { return m_header_end != std::string::npos; }
    int status() const { return m_status; }
    std::string header(const std::string& name) const;
    std::string_view body() const;  // bytes after the headers (valid until the next read)
    bool closed() const { return m_closed; }
    SseParse parse() const { return parse_sse(body()); }
    std::chrono::steady_clock::time_point last_byte_at() const { return m_last_byte; }
    void close();

private:
    bool read_some(int timeout_ms);

    int m_fd = -1;
    std::string m_raw;
    size_t m_header_end = std::string::npos;
    int m_status = 0;
    bool m_closed = false;
    std::chrono::steady_clock::time_point m_last_byte;
};

// "/api/v2/realtime/data?..." with Authorization and Accept headers.
Headers stream_headers(const std::string& token, const std::string& last_event_id = "");

}  // namespace rtwatch::test
