// The notification socket as the Genesys channel sees it: open, send, close,
// with the ends told to a net::WebSocketHandler. An interface, so tests run
// the channel's lifecycle over a scripted socket on a fake clock.
#pragma once

#include <functional>
#include <memory>
#include <string_view>

#include "rtwatch/genesys/lifecycle.hpp"
#include "rtwatch/net/websocket.hpp"

namespace rtwatch::app {

class ChannelSocket {
public:
    virtual ~ChannelSocket() = default;
    virtual void open(net::WebSocketOptions options) = 0;
    virtual bool send_text(std::string_view text) = 0;
    // No callbacks after.
    virtual void close() = 0;
};

using SocketFactory = std::function<std::unique_ptr<ChannelSocket>(net::WebSocketHandler&)>;

// Real sockets on the run's loop.
SocketFactory loop_sockets(net::Loop& loop);

// How the WebSocket ended, in the lifecycle's terms.
genesys::SocketEnd socket_end_of(const net::WebSocketEnd& end, const std::string& url);

}  // namespace rtwatch::app
