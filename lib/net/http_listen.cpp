// The HTTP server's listening side: binding the address, accepting what
// the loop can take, and resting when the process is out of descriptors.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "http_conn.hpp"
#include "http_text.hpp"
#include "rtwatch/net/http_server.hpp"

namespace rtwatch::net {

namespace {

constexpr int k_accepts_per_pass = 64;  // a connect flood cannot starve the rest of the loop

}  // namespace

Result<std::unique_ptr<HttpServer>> HttpServer::listen(Loop& loop, std::string_view address,
                                                       HttpServerOptions options) {
    std::string host;
    std::uint16_t port = 0;
    if (!detail::parse_address(address, host, port))
        return make_error(
            ExitCode::usage,
            fmt::format("'{}' is not HOST:PORT; use e.g. 127.0.0.1:8080 (port 0 picks a free one)", address));
    sockaddr_storage ss{};
    socklen_t len = 0;
    bool loopback = false;
    auto* v4 = reinterpret_cast<sockaddr_in*>(&ss);
    auto* v6 = reinterpret_cast<sockaddr_in6*>(&ss);
    if (inet_pton(AF_INET, host.c_str(), &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons(port);
        len = sizeof(*v4);
        loopback = (ntohl(v4->sin_addr.s_addr) >> 24) == 127;
    } else if (inet_pton(AF_INET6, host.c_str(), &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons(port);
        len = sizeof(*v6);
        loopback = IN6_IS_ADDR_LOOPBACK(&v6->sin6_addr);
    } else {
        return make_error(ExitCode::usage,
                          fmt::format("'{}': the host must be an IP address (e.g. 127.0.0.1, 0.0.0.0 or [::1])", host));
    }
    std::unique_ptr<HttpServer> s(new HttpServer(loop, options));
    s->m_host = host;
    s->m_loopback = loopback;
    s->m_listen_fd = ::socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (s->m_listen_fd < 0) return make_error(ExitCode::failure, fmt::format("socket: {}", std::strerror(errno)));
    int one = 1;
    ::setsockopt(s->m_listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (::bind(s->m_listen_fd, reinterpret_cast<sockaddr*>(&ss), len) != 0)
        return make_error(ExitCode::usage, fmt::format("cannot listen on {}: {}; pick another address or port", address,
                                                       std::strerror(errno)));
    if (::listen(s->m_listen_fd, 1024) != 0)
        return make_error(ExitCode::failure, fmt::format("listen on {}: {}", address, std::strerror(errno)));
    ::getsockname(s->m_listen_fd, reinterpret_cast<sockaddr*>(&ss), &len);
    s->m_port = ntohs(ss.ss_family == AF_INET ? v4->sin_port : v6->sin6_port);
    s->m_epoll_fd = ::epoll_create1(EPOLL_CLOEXEC);
    if (s->m_epoll_fd < 0) return make_error(ExitCode::failure, fmt::format("epoll: {}", std::strerror(errno)));
    s->listen_events(true);
    HttpServer* self = s.get();
    loop.watch_fd(s->m_epoll_fd, [self] { self->on_ready(); });
    return s;
}

void HttpServer::accept_some() {
    for (int i = 0; i < k_accepts_per_pass && m_listen_fd >= 0; ++i) {
        int fd = ::accept4(m_listen_fd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) pause_accepting(errno);
            return;  // EAGAIN: none waiting; ECONNABORTED and the like: the next pass
        }
        if (m_conns.size() >= m_options.max_connections) {
            ++m_counters.refused_full;
            ::close(fd);
            continue;
        }
        ++m_counters.accepted;
        int one = 1;
        ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        if (m_options.send_buffer > 0)
            ::setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &m_options.send_buffer, sizeof m_options.send_buffer);
        auto c = std::make_unique<Conn>();
        c->id = m_next_id++;
        c->fd = fd;
        c->deadline = m_loop.now() + m_options.head_timeout;
        c->tls = m_tls != nullptr;
        epoll_event ev{};
        ev.events = EPOLLIN | EPOLLRDHUP;
        ev.data.u64 = c->id;
        ::epoll_ctl(m_epoll_fd, EPOLL_CTL_ADD, fd, &ev);
        m_conns.emplace(c->id, std::move(c));
    }
}

// Level-triggered epoll reports a waiting connection on every pass while
// accept4 cannot take it: without a rest, the loop spins at full CPU. The
// connections wait in the kernel's backlog meanwhile.
void HttpServer::pause_accepting(int error) {
    ++m_counters.accept_paused;
    m_counters.accept_errno = error;
    listen_events(false);
    m_resume_timer = m_loop.add_timer(m_loop.now() + m_options.accept_pause, [this] {
        m_resume_timer.reset();
        if (m_listen_fd >= 0) listen_events(true);
    });
}

void HttpServer::listen_events(bool on) {
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u64 = 0;  // 0: the listening socket
    ::epoll_ctl(m_epoll_fd, on ? EPOLL_CTL_ADD : EPOLL_CTL_DEL, m_listen_fd, &ev);
}

}  // namespace rtwatch::net
