// The test WebSocket client: handshake by hand over a blocking connect,
// then a non-blocking socket driven by wslay's client context.
#include "rtwatch_test/ws.hpp"

#include <wslay/wslay.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <random>

namespace rtwatch::test {

struct WsClient::Impl {
    WsClient* self = nullptr;
    wslay_event_context_ptr ctx = nullptr;
    std::mt19937 rng{std::random_device{}()};
};

namespace {

using Clock = std::chrono::steady_clock;

ssize_t on_recv(wslay_event_context_ptr ctx, uint8_t* buf, size_t len, int, void* user);
ssize_t on_send(wslay_event_context_ptr ctx, const uint8_t* data, size_t len, int, void* user);
int on_genmask(wslay_event_context_ptr, uint8_t* buf, size_t len, void* user);
void on_message(wslay_event_context_ptr, const wslay_event_on_msg_recv_arg* arg, void* user);

}  // namespace

// The parts of WsClient the wslay callbacks reach.
struct WsAccess {
    static std::string& pending(WsClient& c) { return c.m_pending; }
    static int fd(WsClient& c) { return c.m_fd; }
    static void message(WsClient& c, std::string text) { c.m_messages.push_back(std::move(text)); }
    static void close_code(WsClient& c, int code) { c.m_close_code = code; }
};

namespace {

ssize_t on_recv(wslay_event_context_ptr ctx, uint8_t* buf, size_t len, int, void* user) {
    WsClient& c = *static_cast<WsClient::Impl*>(user)->self;
    std::string& pending = WsAccess::pending(c);
    if (!pending.empty()) {
        const size_t n = std::min(len, pending.size());
        std::memcpy(buf, pending.data(), n);
        pending.erase(0, n);
        return static_cast<ssize_t>(n);
    }
    const ssize_t n = ::recv(WsAccess::fd(c), buf, len, 0);
    if (n > 0) return n;
    wslay_event_set_error(
        ctx, n < 0 && (errno == EAGAIN || errno == EINTR) ? WSLAY_ERR_WOULDBLOCK : WSLAY_ERR_CALLBACK_FAILURE);
    return -1;
}

ssize_t on_send(wslay_event_context_ptr ctx, const uint8_t* data, size_t len, int, void* user) {
    WsClient& c = *static_cast<WsClient::Impl*>(user)->self;
    const ssize_t n = ::send(WsAccess::fd(c), data, len, MSG_NOSIGNAL);
    if (n >= 0) return n;
    wslay_event_set_error(ctx, errno == EAGAIN || errno == EINTR ? WSLAY_ERR_WOULDBLOCK : WSLAY_ERR_CALLBACK_FAILURE);
    return -1;
}

int on_genmask(wslay_event_context_ptr, uint8_t* buf, size_t len, void* user) {
    auto& rng = static_cast<WsClient::Impl*>(user)->rng;
    for (size_t i = 0; i < len; ++i) buf[i] = static_cast<uint8_t>(rng());
    return 0;
}

void on_message(wslay_event_context_ptr, const wslay_event_on_msg_recv_arg* arg, void* user) {
    WsClient& c = *static_cast<WsClient::Impl*>(user)->self;
    if (arg->opcode == WSLAY_TEXT_FRAME)
        WsAccess::message(c, std::string(reinterpret_cast<const char*>(arg->msg), arg->msg_length));
    else if (arg->opcode == WSLAY_CONNECTION_CLOSE)
        WsAccess::close_code(c, arg->status_code);
}

std::string header_value(const std::string& head, const std::string& name) {
    std::string lower = head;
    for (char& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    std::string key = "\r\n" + name + ":";
    for (char& ch : key) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    const size_t at = lower.find(key);
    if (at == std::string::npos) return {};
    size_t start = at + key.size();
    while (start < head.size() && head[start] == ' ') ++start;
    return head.substr(start, head.find("\r\n", start) - start);
}

}  // namespace

WsClient::WsClient(int port, const std::string& target, std::chrono::milliseconds timeout)
    : m_impl(std::make_unique<Impl>()) {
    m_impl->self = this;
    m_fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(m_fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        m_closed = true;
        return;
    }
    const std::string request = "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) +
                                "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                                "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
    send_raw(request);
    ::fcntl(m_fd, F_SETFL, ::fcntl(m_fd, F_GETFL) | O_NONBLOCK);
    std::string head;
    const auto deadline = Clock::now() + timeout;
    while (head.find("\r\n\r\n") == std::string::npos && Clock::now() < deadline) {
        pollfd p{m_fd, POLLIN, 0};
        ::poll(&p, 1, 50);
        char buf[4096];
        const ssize_t n = ::recv(m_fd, buf, sizeof buf, 0);
        if (n == 0) break;
        if (n > 0) head.append(buf, static_cast<size_t>(n));
    }
    const size_t end = head.find("\r\n\r\n");
    if (end == std::string::npos || head.size() < 12) {
        m_closed = true;
        return;
    }
    m_status = std::atoi(head.c_str() + 9);
    m_accept = header_value(head, "Sec-WebSocket-Accept");
    m_pending = head.substr(end + 4);
    if (m_status != 101) {
        m_closed = true;
        return;
    }
    wslay_event_callbacks callbacks{on_recv, on_send, on_genmask, nullptr, nullptr, nullptr, on_message};
    wslay_event_context_client_init(&m_impl->ctx, &callbacks, m_impl.get());
    wslay_event_config_set_max_recv_msg_length(m_impl->ctx, 64 * 1024 * 1024);
}

WsClient::~WsClient() {
    if (m_impl->ctx) wslay_event_context_free(m_impl->ctx);
    if (m_fd >= 0) ::close(m_fd);
}

// One round of reading and writing; false once the socket has ended.
bool WsClient::pump(int timeout_ms) {
    if (m_closed || !m_impl->ctx) return false;
    wslay_event_context_ptr ctx = m_impl->ctx;
    if (!m_pending.empty() && wslay_event_recv(ctx) != 0) m_closed = true;
    if (!m_closed && wslay_event_want_write(ctx) && wslay_event_send(ctx) != 0) m_closed = true;
    if (m_closed || (!wslay_event_want_read(ctx) && !wslay_event_want_write(ctx))) {
        m_closed = true;
        return false;
    }
    pollfd p{m_fd, static_cast<short>(POLLIN | (wslay_event_want_write(ctx) ? POLLOUT : 0)), 0};
    if (::poll(&p, 1, timeout_ms) <= 0) return true;
    if ((p.revents & (POLLIN | POLLHUP | POLLERR)) && wslay_event_recv(ctx) != 0) m_closed = true;
    if (!m_closed && (p.revents & POLLOUT) && wslay_event_send(ctx) != 0) m_closed = true;
    if (!m_closed && !wslay_event_want_read(ctx) && !wslay_event_want_write(ctx)) m_closed = true;
    return !m_closed;
}

bool WsClient::read_until(const std::function<bool(const WsClient&)>& pred, std::chrono::milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    while (!pred(*this)) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
        if (left <= 0 || !pump(static_cast<int>(std::min<long>(left, 50)))) return pred(*this);
    }
    return true;
}

void WsClient::read_for(std::chrono::milliseconds duration) {
    read_until([](const WsClient&) { return false; }, duration);
}

bool WsClient::wait_closed(std::chrono::milliseconds timeout) {
    return read_until([](const WsClient& c) { return c.closed(); }, timeout);
}

void WsClient::send_text(const std::string& text) {
    if (!m_impl->ctx) return;
    wslay_event_msg msg{WSLAY_TEXT_FRAME, reinterpret_cast<const uint8_t*>(text.data()), text.size()};
    wslay_event_queue_msg(m_impl->ctx, &msg);
    pump(0);
}

void WsClient::send_raw(const std::string& bytes) {
    size_t done = 0;
    while (done < bytes.size()) {
        const ssize_t n = ::send(m_fd, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
        if (n > 0) {
            done += static_cast<size_t>(n);
            continue;
        }
        pollfd p{m_fd, POLLOUT, 0};
        if (n < 0 && (errno == EAGAIN || errno == EINTR) && ::poll(&p, 1, 1000) > 0) continue;
        return;
    }
}

void WsClient::close(uint16_t code) {
    if (!m_impl->ctx || m_closed) return;
    wslay_event_queue_close(m_impl->ctx, code, nullptr, 0);
    pump(0);
}

}  // namespace rtwatch::test
