// net::WebSocket behind ChannelSocket, and the mapping of its ends.
#include "genesys_socket.hpp"

#include "rtwatch/auth/token.hpp"

namespace rtwatch::app {

namespace {

class LoopSocket final : public ChannelSocket {
public:
    LoopSocket(net::Loop& loop, net::WebSocketHandler& handler) : m_socket(loop, handler) {}
    void open(net::WebSocketOptions options) override { m_socket.open(std::move(options)); }
    bool send_text(std::string_view text) override { return m_socket.send_text(text); }
    void close() override { m_socket.close(); }

private:
    net::WebSocket m_socket;
};

}  // namespace

SocketFactory loop_sockets(net::Loop& loop) {
    return [&loop](net::WebSocketHandler& handler) { return std::make_unique<LoopSocket>(loop, handler); };
}

genesys::SocketEnd socket_end_of(const net::WebSocketEnd& e, const std::string& url) {
    using In = net::WebSocketEnd::Kind;
    using Out = genesys::SocketEnd::Kind;
    genesys::SocketEnd out;
    out.close_code = e.close_code;
    out.status = e.status;
    out.detail = e.detail.empty() ? e.reason : e.detail;
    out.url = url;
    out.retry_after = auth::parse_retry_after(e.retry_after, WallClock::now());
    switch (e.kind) {
        case In::closed:
            out.kind = e.close_code == 1001 ? Out::channel_gone : Out::closed;
            break;
        case In::upgrade_refused:
            out.kind = e.status == 401   ? Out::token_revoked
                       : e.status == 404 ? Out::channel_gone
                                         : Out::upgrade_refused;
            break;
        case In::bad_handshake:
        case In::transport_error:
            out.kind = Out::transport_error;
            break;
        case In::untrusted_certificate:
            out.kind = Out::untrusted_certificate;
            break;
    }
    return out;
}

}  // namespace rtwatch::app
