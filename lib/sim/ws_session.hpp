// One server-side WebSocket, framed by wslay, on a connection taken over
// from httplib after its upgrade request. Other threads queue text messages
// and closes; the connection's own thread runs the socket until it ends.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "rtwatch/core/clock.hpp"

namespace rtwatch::sim {

// The Sec-WebSocket-Accept value for a Sec-WebSocket-Key (RFC 6455 §4.2.2).
std::string websocket_accept(std::string_view key);

struct WsLimits {
    size_t max_message_bytes = 64 * 1024;
    size_t max_queued_bytes = 8 * 1024 * 1024;
    std::chrono::milliseconds write_timeout{10000};
};

struct WsHooks {
    std::function<void(std::string_view text)> on_text;  // a complete text message from the client
    // Called at least every `tick`: the place for heartbeats.
    std::function<void(TimePoint now)> on_tick;
    std::chrono::milliseconds tick{100};
    std::function<bool()> stopping;
};

class WsSession {
public:
    WsSession(int fd, WsLimits limits);
    ~WsSession();
    WsSession(const WsSession&) = delete;
    WsSession& operator=(const WsSession&) = delete;

    // Thread-safe. False when the socket is closing or too far behind (it is cut).
    bool send_text(std::string text);
    // Thread-safe: a close frame after what is queued, then the end.
    void close(uint16_t code, std::string reason);
    // Thread-safe: close(code, reason) at `when`.
    void close_at(TimePoint when, uint16_t code, std::string reason);
    bool ended() const;

    // Runs the socket until it ends; on the connection's thread only.
    void run(const WsHooks& hooks);

    struct Context;

private:
    void wake();
    bool take_pending(TimePoint now);

    int m_fd;
    int m_wake_fd;
    WsLimits m_limits;
    mutable std::mutex m_mutex;
    std::deque<std::string> m_outbox;
    size_t m_outbox_bytes = 0;
    std::optional<std::pair<uint16_t, std::string>> m_close;
    std::optional<TimePoint> m_close_at;
    std::pair<uint16_t, std::string> m_close_at_reason;
    bool m_cut = false;
    bool m_ended = false;
    Context* m_ctx = nullptr;
};

}  // namespace rtwatch::sim
