// The relay's HTTP server: level-triggered epoll over nonblocking sockets,
// one epoll fd watched by the loop. A connection is in one of three states:
// reading its head (bounded in bytes and time), answering (a whole response,
// then close) or streaming (bytes go out as the socket takes them; what it
// sends is only discarded).
#include "rtwatch/net/http_server.hpp"

#include "http_conn.hpp"
#include "http_text.hpp"

#include <openssl/ssl.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <fmt/format.h>

namespace rtwatch::net {

namespace {

constexpr std::size_t k_read_chunk = 4096;

}  // namespace

using detail::State;

HttpServer::HttpServer(Loop& loop, HttpServerOptions options) : m_loop(loop), m_options(options) {}

HttpServer::~HttpServer() {
    if (m_gone_timer) m_loop.cancel_timer(*m_gone_timer);
    if (m_flush_timer) m_loop.cancel_timer(*m_flush_timer);
    if (m_resume_timer) m_loop.cancel_timer(*m_resume_timer);
    for (auto& [id, c] : m_conns) {
        SSL_free(c->ssl);
        ::close(c->fd);
    }
    if (m_epoll_fd >= 0) {
        m_loop.unwatch_fd(m_epoll_fd);
        ::close(m_epoll_fd);
    }
    if (m_listen_fd >= 0) ::close(m_listen_fd);
}

void HttpServer::stop_listening() {
    if (m_listen_fd < 0) return;
    if (m_resume_timer) m_loop.cancel_timer(*m_resume_timer);
    m_resume_timer.reset();
    listen_events(false);
    ::close(m_listen_fd);
    m_listen_fd = -1;
}

HttpServer::Conn* HttpServer::find(ConnId id) const {
    auto it = m_conns.find(id);
    return it == m_conns.end() ? nullptr : it->second.get();
}

std::size_t HttpServer::connections() const { return m_conns.size(); }

std::size_t HttpServer::streams() const {
    return static_cast<std::size_t>(
        std::count_if(m_conns.begin(), m_conns.end(), [](auto& e) { return e.second->state == State::streaming; }));
}

std::size_t HttpServer::closing() const {
    return static_cast<std::size_t>(std::count_if(m_conns.begin(), m_conns.end(), [](auto& e) {
        return e.second->state == State::closing || e.second->state == State::answering;
    }));
}

void HttpServer::on_ready() {
    epoll_event events[256];
    int n = ::epoll_wait(m_epoll_fd, events, 256, 0);
    for (int i = 0; i < n; ++i) {
        if (events[i].data.u64 == 0) {
            accept_some();
            continue;
        }
        // Looked up again: an earlier event's handler may have closed it.
        if (Conn* c = find(events[i].data.u64)) on_conn_event(*c, events[i].events);
    }
}

void HttpServer::on_conn_event(Conn& c, std::uint32_t events) {
    const ConnId id = c.id;
    if (events & (EPOLLERR | EPOLLHUP)) return destroy(id, true);
    // A TLS handshake that waited for the socket to take its bytes.
    if ((events & EPOLLOUT) && c.ssl && c.state == State::head) {
        want_write(c, false);
        return read_head(c);
    }
    if (events & EPOLLOUT) {
        flush(c);
        // Only here, not from send(): the caller refills from its pending set.
        Conn* after = find(id);
        if (after && after->state == State::streaming && after->out.empty() && m_drained) m_drained(id);
    }
    Conn* again = find(id);
    if (!again || !(events & (EPOLLIN | EPOLLRDHUP))) return;
    if (again->state == State::head)
        read_head(*again);
    else
        read_discard(*again);
}

void HttpServer::read_head(Conn& c) {
    if (!start_tls(c)) return;
    char buf[k_read_chunk];
    // Until the socket is empty: TLS may hold decrypted bytes the socket no
    // longer signals. Bounded: past max_head the head is refused.
    for (;;) {
        const long n = read_some(c, buf, sizeof buf);
        if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) return destroy(c.id, false);
        if (n < 0) return;
        c.in.append(buf, static_cast<std::size_t>(n));
        if (head_read(c)) return;
    }
}

// True when the head is complete (and handled) or refused.
bool HttpServer::head_read(Conn& c) {
    auto end = c.in.find("\r\n\r\n");
    auto end_lf = c.in.find("\n\n");
    std::size_t head_end = std::min(end == std::string::npos ? std::string::npos : end + 4,
                                    end_lf == std::string::npos ? std::string::npos : end_lf + 2);
    if (head_end == std::string::npos) {
        if (c.in.size() <= m_options.max_head) return false;
        ++m_counters.head_too_large;
        bool line_too_long = c.in.find('\n') == std::string::npos;
        respond(c.id, line_too_long ? 414 : 431, "application/json",
                line_too_long ? R"({"error":"request line too long"})"
                                "\n"
                              : R"({"error":"request headers too large"})"
                                "\n");
        return true;
    }
    if (head_end > m_options.max_head) {
        ++m_counters.head_too_large;
        respond(c.id, 431, "application/json",
                R"({"error":"request headers too large"})"
                "\n");
        return true;
    }
    c.in.resize(head_end);
    handle_head(c);
    return true;
}

void HttpServer::handle_head(Conn& c) {
    HttpRequest r;
    if (!detail::parse_head(c.in, r)) {
        ++m_counters.bad_request;
        return respond(c.id, 400, "application/json",
                       R"({"error":"not a well-formed HTTP/1.x request head"})"
                       "\n");
    }
    c.in.clear();
    c.in.shrink_to_fit();
    c.state = State::answering;  // until the handler says otherwise
    if (r.method != "GET")
        return respond(c.id, 405, "application/json",
                       R"({"error":"only GET is served"})"
                       "\n",
                       "Allow: GET\r\n");
    if (m_handler)
        m_handler(c.id, r);
    else
        respond(c.id, 404, "application/json", "{}\n");
}

// Bytes a stream's peer sends are not for us: read and dropped, so the
// socket's receive buffer cannot fill and EOF is seen.
void HttpServer::read_discard(Conn& c) {
    char buf[k_read_chunk];
    for (int i = 0; i < 16; ++i) {
        const long n = read_some(c, buf, sizeof buf);
        if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) return destroy(c.id, c.state == State::streaming);
        if (n < 0 || !c.ssl || SSL_pending(c.ssl) == 0) return;
    }
}

void HttpServer::respond(ConnId id, int status, std::string_view content_type, std::string_view body,
                         std::string_view extra_headers) {
    Conn* c = find(id);
    if (!c) return;
    c->state = State::closing;
    c->progress = m_loop.now();
    c->out = fmt::format(
        "HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\nCache-Control: no-store\r\n"
        "X-Content-Type-Options: nosniff\r\nConnection: close\r\n{}\r\n",
        status, reason_phrase(status), content_type, body.size(), extra_headers);
    c->out.append(body);
    c->out_pos = 0;
    flush(*c);
}

void HttpServer::start_stream(ConnId id, std::string_view content_type, std::string_view headers) {
    Conn* c = find(id);
    if (!c) return;
    c->state = State::streaming;
    c->progress = m_loop.now();
    c->out = fmt::format(
        "HTTP/1.1 200 OK\r\nContent-Type: {}\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\n"
        "Connection: close\r\n{}\r\n",
        content_type, headers);
    c->out_pos = 0;
    flush(*c);
}

void HttpServer::send(ConnId id, std::string_view bytes) {
    Conn* c = find(id);
    if (!c || c->state != State::streaming) return;
    if (c->out_pos == c->out.size()) {
        c->out.clear();
        c->out_pos = 0;
    }
    c->out.append(bytes);
    // Written once per turn of the loop, not once per event: a record fanned
    // out to 1,000 viewers costs 1,000 appends, and each viewer one send(2)
    // for all the records of the turn. A socket that was full is written
    // when epoll says it takes bytes again.
    if (!c->writing && !c->queued) {
        c->queued = true;
        m_dirty.push_back(id);
    }
    if (!m_flush_timer) m_flush_timer = m_loop.add_timer(m_loop.now(), [this] { flush_dirty(); });
}

void HttpServer::flush_dirty() {
    m_flush_timer.reset();
    std::vector<ConnId> dirty;
    dirty.swap(m_dirty);
    for (ConnId id : dirty) {
        Conn* c = find(id);
        if (!c) continue;
        c->queued = false;
        flush(*c);
        // All out: the caller may refill from its pending set (its sends
        // then wait for the next pass).
        Conn* after = find(id);
        if (after && after->state == State::streaming && after->out.empty() && m_drained) m_drained(id);
    }
}

std::size_t HttpServer::unsent(ConnId id) const {
    Conn* c = find(id);
    return c ? c->out.size() - c->out_pos : 0;
}

TimePoint HttpServer::last_progress(ConnId id) const {
    Conn* c = find(id);
    return c ? c->progress : TimePoint{};
}

void HttpServer::close_stream(ConnId id) {
    Conn* c = find(id);
    if (!c) return;
    c->state = State::closing;
    c->progress = m_loop.now();
    flush(*c);
}

void HttpServer::abort(ConnId id) { destroy(id, false); }

// Writes what the socket takes; a closing connection ends once all is out.
void HttpServer::flush(Conn& c) {
    while (c.out_pos < c.out.size()) {
        const long n = write_some(c, c.out.data() + c.out_pos, c.out.size() - c.out_pos);
        if (n > 0) {
            c.out_pos += static_cast<std::size_t>(n);
            c.progress = m_loop.now();
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && errno == EAGAIN) return want_write(c, true);
        return destroy(c.id, c.state == State::streaming);  // EPIPE, ECONNRESET
    }
    // An idle stream keeps no more than a small buffer (a snapshot can be large).
    if (c.out.capacity() > 16 * 1024)
        std::string().swap(c.out);
    else
        c.out.clear();
    c.out_pos = 0;
    c.progress = m_loop.now();
    want_write(c, false);
    if (c.state == State::closing) {
        end_tls(c);
        ::shutdown(c.fd, SHUT_WR);
        return destroy(c.id, false);
    }
}

void HttpServer::want_write(Conn& c, bool on) {
    if (c.writing == on) return;
    c.writing = on;
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLRDHUP | (on ? EPOLLOUT : 0u);
    ev.data.u64 = c.id;
    ::epoll_ctl(m_epoll_fd, EPOLL_CTL_MOD, c.fd, &ev);
}

void HttpServer::destroy(ConnId id, bool notify) {
    auto it = m_conns.find(id);
    if (it == m_conns.end()) return;
    bool was_stream = it->second->state == State::streaming;
    ::epoll_ctl(m_epoll_fd, EPOLL_CTL_DEL, it->second->fd, nullptr);
    SSL_free(it->second->ssl);
    ::close(it->second->fd);
    m_conns.erase(it);
    if (!notify || !was_stream || !m_closed) return;
    // Told at the next turn of the loop, never from inside send(): the
    // caller may be walking its viewers when a write finds the peer gone.
    m_gone.push_back(id);
    if (!m_gone_timer)
        m_gone_timer = m_loop.add_timer(m_loop.now(), [this] {
            m_gone_timer.reset();
            auto gone = std::move(m_gone);
            m_gone.clear();
            for (ConnId c : gone)
                if (m_closed) m_closed(c);
        });
}

void HttpServer::sweep(TimePoint now) {
    std::vector<ConnId> overdue;
    std::vector<ConnId> slow_heads;
    for (auto& [id, c] : m_conns) {
        if (c->state == State::head && now >= c->deadline)
            slow_heads.push_back(id);
        else if (c->state == State::answering && now >= c->deadline)
            overdue.push_back(id);
        // However long the answer, it drains while the reader takes bytes:
        // only a stall of drain_timeout ends it.
        else if (c->state == State::closing && now - c->progress >= m_options.drain_timeout)
            overdue.push_back(id);
    }
    for (ConnId id : slow_heads) {
        ++m_counters.head_timeout;
        respond(id, 408, "application/json",
                R"({"error":"request head not complete in time"})"
                "\n");
    }
    for (ConnId id : overdue) destroy(id, false);
}

}  // namespace rtwatch::net
