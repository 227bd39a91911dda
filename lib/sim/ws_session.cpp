// The WebSocket's event loop: poll the socket and a wake-up eventfd, feed
// wslay, and move queued messages and closes into it. wslay does the RFC 6455
// framing, masking checks, fragmentation, control frames and the close
// handshake; this file only moves bytes and enforces the bounds.
#include "ws_session.hpp"

#include <openssl/evp.h>
#include <openssl/sha.h>
#include <wslay/wslay.h>

#include <fcntl.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

namespace rtwatch::sim {

namespace {

constexpr auto k_close_grace = std::chrono::milliseconds(2000);

}  // namespace

std::string websocket_accept(std::string_view key) {
    static constexpr std::string_view k_guid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    std::string joined(key);
    joined += k_guid;
    unsigned char digest[SHA_DIGEST_LENGTH];
    SHA1(reinterpret_cast<const unsigned char*>(joined.data()), joined.size(), digest);
    unsigned char out[4 * ((SHA_DIGEST_LENGTH + 2) / 3) + 1];
    const int n = EVP_EncodeBlock(out, digest, SHA_DIGEST_LENGTH);
    return std::string(reinterpret_cast<const char*>(out), static_cast<size_t>(n));
}

struct WsSession::Context {
    wslay_event_context_ptr ctx = nullptr;
    int fd = -1;
    const WsHooks* hooks = nullptr;
};

namespace {

ssize_t on_recv(wslay_event_context_ptr ctx, uint8_t* buf, size_t len, int, void* user) {
    auto* c = static_cast<WsSession::Context*>(user);
    const ssize_t n = ::recv(c->fd, buf, len, 0);
    if (n > 0) return n;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
        wslay_event_set_error(ctx, WSLAY_ERR_WOULDBLOCK);
    else
        wslay_event_set_error(ctx, WSLAY_ERR_CALLBACK_FAILURE);
    return -1;
}

ssize_t on_send(wslay_event_context_ptr ctx, const uint8_t* data, size_t len, int flags, void* user) {
    auto* c = static_cast<WsSession::Context*>(user);
    const ssize_t n = ::send(c->fd, data, len, MSG_NOSIGNAL | ((flags & WSLAY_MSG_MORE) ? MSG_MORE : 0));
    if (n >= 0) return n;
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
        wslay_event_set_error(ctx, WSLAY_ERR_WOULDBLOCK);
    else
        wslay_event_set_error(ctx, WSLAY_ERR_CALLBACK_FAILURE);
    return -1;
}

void on_message(wslay_event_context_ptr, const wslay_event_on_msg_recv_arg* arg, void* user) {
    auto* c = static_cast<WsSession::Context*>(user);
    if (arg->opcode == WSLAY_TEXT_FRAME && c->hooks->on_text)
        c->hooks->on_text(std::string_view(reinterpret_cast<const char*>(arg->msg), arg->msg_length));
}

}  // namespace

WsSession::WsSession(int fd, WsLimits limits)
    : m_fd(fd), m_wake_fd(eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)), m_limits(limits) {}

WsSession::~WsSession() {
    if (m_wake_fd >= 0) ::close(m_wake_fd);
}

void WsSession::wake() {
    const uint64_t one = 1;
    [[maybe_unused]] const ssize_t n = ::write(m_wake_fd, &one, sizeof one);
}

bool WsSession::send_text(std::string text) {
    {
        std::lock_guard lock(m_mutex);
        if (m_ended || m_close || m_cut) return false;
        if (m_outbox_bytes + text.size() > m_limits.max_queued_bytes) {
            m_cut = true;  // a client this far behind is cut, never waited for
        } else {
            m_outbox_bytes += text.size();
            m_outbox.push_back(std::move(text));
        }
    }
    wake();
    return !m_cut;
}

void WsSession::close(uint16_t code, std::string reason) {
    {
        std::lock_guard lock(m_mutex);
        if (!m_close) m_close.emplace(code, std::move(reason));
    }
    wake();
}

void WsSession::close_at(TimePoint when, uint16_t code, std::string reason) {
    {
        std::lock_guard lock(m_mutex);
        if (!m_close_at || when < *m_close_at) {
            m_close_at = when;
            m_close_at_reason = {code, std::move(reason)};
        }
    }
    wake();
}

bool WsSession::ended() const {
    std::lock_guard lock(m_mutex);
    return m_ended;
}

// Moves queued messages and a due close into wslay. False when the socket
// must end now (cut for falling behind).
bool WsSession::take_pending(TimePoint now) {
    std::deque<std::string> out;
    std::optional<std::pair<uint16_t, std::string>> close;
    {
        std::lock_guard lock(m_mutex);
        if (m_cut) return false;
        out.swap(m_outbox);
        m_outbox_bytes = 0;
        if (m_close_at && now >= *m_close_at && !m_close) m_close = m_close_at_reason;
        close = m_close;
    }
    wslay_event_context_ptr ctx = m_ctx->ctx;
    for (const std::string& text : out) {
        wslay_event_msg msg{WSLAY_TEXT_FRAME, reinterpret_cast<const uint8_t*>(text.data()), text.size()};
        wslay_event_queue_msg(ctx, &msg);  // refused only once a close is queued
    }
    // wslay sends control frames before queued data, so the close waits
    // until everything before it is out.
    if (close && !wslay_event_get_close_sent(ctx) && wslay_event_get_queued_msg_count(ctx) == 0)
        wslay_event_queue_close(ctx, close->first, reinterpret_cast<const uint8_t*>(close->second.data()),
                                close->second.size());
    return wslay_event_get_queued_msg_length(ctx) <= m_limits.max_queued_bytes;
}

void WsSession::run(const WsHooks& hooks) {
    Context c;
    c.fd = m_fd;
    c.hooks = &hooks;
    wslay_event_callbacks callbacks{on_recv, on_send, nullptr, nullptr, nullptr, nullptr, on_message};
    if (m_wake_fd < 0 || wslay_event_context_server_init(&c.ctx, &callbacks, &c) != 0) return;
    wslay_event_config_set_max_recv_msg_length(c.ctx, m_limits.max_message_bytes);
    m_ctx = &c;
    ::fcntl(m_fd, F_SETFL, ::fcntl(m_fd, F_GETFL) | O_NONBLOCK);
    TimePoint last_progress = SteadyClock::now();
    std::optional<TimePoint> close_deadline;
    for (;;) {
        const TimePoint now = SteadyClock::now();
        if (hooks.stopping && hooks.stopping()) break;
        if (hooks.on_tick) hooks.on_tick(now);
        if (!take_pending(now)) break;
        if (wslay_event_get_close_sent(c.ctx) && !close_deadline) close_deadline = now + k_close_grace;
        if (close_deadline && now >= *close_deadline) break;
        const bool want_write = wslay_event_want_write(c.ctx);
        if (!wslay_event_want_read(c.ctx) && !want_write) break;
        if (!want_write) last_progress = now;
        if (now - last_progress > m_limits.write_timeout) break;  // the client takes no bytes
        pollfd fds[2] = {{m_fd, static_cast<short>(POLLIN | (want_write ? POLLOUT : 0)), 0}, {m_wake_fd, POLLIN, 0}};
        if (::poll(fds, 2, static_cast<int>(hooks.tick.count())) < 0 && errno != EINTR) break;
        if (fds[1].revents & POLLIN) {
            uint64_t v;
            [[maybe_unused]] const ssize_t n = ::read(m_wake_fd, &v, sizeof v);
        }
        if ((fds[0].revents & (POLLIN | POLLHUP | POLLERR)) && wslay_event_recv(c.ctx) != 0) break;
        if ((fds[0].revents & POLLOUT)) {
            if (wslay_event_send(c.ctx) != 0) break;
            last_progress = now;
        }
    }
    {
        std::lock_guard lock(m_mutex);
        m_ended = true;
        m_outbox.clear();
    }
    m_ctx = nullptr;
    wslay_event_context_free(c.ctx);
}

}  // namespace rtwatch::sim
