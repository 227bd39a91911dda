// A WebSocket client for tests: a plain TCP socket, the upgrade request
// written by hand, wslay for the framing. It keeps every text message and
// the close code, so tests see what the server sent and how it ended.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace rtwatch::test {

struct WsAccess;

class WsClient {
public:
    // Connects to 127.0.0.1:port and asks to upgrade `target`; waits for
    // the answer's headers (status() is 0 when none came).
    WsClient(int port, const std::string& target, std::chrono::milliseconds timeout = std::chrono::milliseconds(5000));
    ~WsClient();
    WsClient(const WsClient&) = delete;
    WsClient& operator=(const WsClient&) = delete;

    int status() const { return m_status; }  // 101 once upgraded
    bool upgraded() const { return m_status == 101; }
    const std::string& accept() const { return m_accept; }  // Sec-WebSocket-Accept as sent

    // Reads until `pred` holds (true), the socket ends or `timeout` passes.
    bool read_until(const std::function<bool(const WsClient&)>& pred, std::chrono::milliseconds timeout);
    void read_for(std::chrono::milliseconds duration);
    bool wait_closed(std::chrono::milliseconds timeout);
    void send_text(const std::string& text);
    void send_raw(const std::string& bytes);  // bytes straight onto the socket
    void close(uint16_t code = 1000);

    const std::vector<std::string>& messages() const { return m_messages; }
    bool closed() const { return m_closed; }
    int close_code() const { return m_close_code; }  // 0 when no close frame came

    struct Impl;
    friend struct WsAccess;

private:
    bool pump(int timeout_ms);

    int m_fd = -1;
    int m_status = 0;
    std::string m_accept;
    std::string m_pending;  // bytes read with the headers, for wslay first
    std::vector<std::string> m_messages;
    bool m_closed = false;
    int m_close_code = 0;
    std::unique_ptr<Impl> m_impl;
};

}  // namespace rtwatch::test
