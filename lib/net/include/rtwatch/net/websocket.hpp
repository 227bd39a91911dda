// A WebSocket client (RFC 6455) on the run's loop: curl makes the
// connection (CONNECT_ONLY: TLS with --cacert/--insecure, proxies), we send
// the HTTP/1.1 upgrade and check Sec-WebSocket-Accept, and wslay does the
// framing over curl_easy_send/recv. Text messages in, text messages out.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "rtwatch/core/duration.hpp"
#include "rtwatch/net/loop.hpp"
#include "rtwatch/net/websocket_handshake.hpp"

namespace rtwatch::net {

struct WebSocketOptions {
    std::string url;                    // ws:// or wss://
    std::vector<std::string> headers;   // "Name: value", sent with the upgrade
    std::size_t max_message = 1 << 20;  // a larger message closes the socket with 1009
    Millis handshake_timeout{30'000};   // connect, TLS and the upgrade's answer
};

struct WebSocketEnd {
    enum class Kind {
        closed,           // a close frame (close_code, reason) or the peer went away
        upgrade_refused,  // the answer to the upgrade was `status`, not 101
        bad_handshake,    // a 101 that breaks RFC 6455 (detail says how), or an unreadable answer
        transport_error,  // connect, TLS, read or write failure; the handshake timed out
        untrusted_certificate,
    };
    Kind kind = Kind::closed;
    int close_code = 0;  // 0 when the connection ended without a close frame
    std::string reason;
    long status = 0;
    std::string retry_after;  // of a refused upgrade
    std::string detail;
};

class WebSocketHandler {
public:
    virtual ~WebSocketHandler() = default;
    virtual void on_open() = 0;
    virtual void on_message(std::string_view text) = 0;
    // Once per open(); not after close().
    virtual void on_end(const WebSocketEnd& end) = 0;
};

class WebSocket {
public:
    WebSocket(Loop& loop, WebSocketHandler& handler);
    ~WebSocket();
    WebSocket(const WebSocket&) = delete;
    WebSocket& operator=(const WebSocket&) = delete;

    void open(WebSocketOptions options);
    // Queues a text message (after on_open()); false when not open.
    bool send_text(std::string_view text);
    // Sends a close frame when open and drops the connection; no callbacks after.
    void close();
    bool is_open() const;  // between open() and the end
    struct Connection;

private:
    Loop& m_loop;
    WebSocketHandler& m_handler;
    Connection* m_connection = nullptr;  // owned by the loop until it is retired
};

}  // namespace rtwatch::net
