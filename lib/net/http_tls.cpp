// The HTTP server's byte transport: plain sockets, or TLS over them with
// OpenSSL's nonblocking calls on the same loop. A TLS connection's first
// byte decides: a handshake record starts the session (the handshake runs
// inside SSL_read, under the head's size and time limits); anything else is
// plain HTTP sent to the TLS port, answered 400 in plain text.
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <sys/socket.h>

#include <cerrno>

#include "http_conn.hpp"
#include "rtwatch/net/http_server.hpp"

namespace rtwatch::net {

namespace {

constexpr unsigned char k_tls_handshake_record = 0x16;

// An SSL call that did not move bytes, as recv(2)/send(2) would say it.
long tls_failure(SSL* ssl, int result, bool& want_write) {
    switch (SSL_get_error(ssl, result)) {
        case SSL_ERROR_WANT_READ:
            errno = EAGAIN;
            return -1;
        case SSL_ERROR_WANT_WRITE:
            want_write = true;
            errno = EAGAIN;
            return -1;
        case SSL_ERROR_ZERO_RETURN:
            return 0;
        case SSL_ERROR_SYSCALL:
            ERR_clear_error();
            if (errno == 0) return 0;  // the peer closed without a close_notify
            return -1;
        default:
            ERR_clear_error();
            errno = EPROTO;
            return -1;
    }
}

}  // namespace

long HttpServer::read_some(Conn& c, char* buf, std::size_t size) {
    if (!c.ssl) return ::recv(c.fd, buf, size, 0);
    ERR_clear_error();
    errno = 0;
    const int n = SSL_read(c.ssl, buf, static_cast<int>(size));
    if (n > 0) return n;
    bool want_write = false;
    const long r = tls_failure(c.ssl, n, want_write);
    // The handshake has bytes for the peer the socket would not take.
    if (want_write) this->want_write(c, true);
    if (r < 0 && errno == EPROTO) ++m_counters.tls_failed;
    return r;
}

long HttpServer::write_some(Conn& c, const char* data, std::size_t size) {
    if (!c.ssl) return ::send(c.fd, data, size, MSG_NOSIGNAL);
    ERR_clear_error();
    errno = 0;
    const int n = SSL_write(c.ssl, data, static_cast<int>(std::min<std::size_t>(size, 1 << 30)));
    if (n > 0) return n;
    bool want_write = false;
    const long r = tls_failure(c.ssl, n, want_write);
    if (r == 0) {
        errno = EPIPE;
        return -1;
    }
    return r;
}

bool HttpServer::start_tls(Conn& c) {
    if (c.ssl || !c.tls) return true;
    unsigned char first = 0;
    const ssize_t n = ::recv(c.fd, &first, 1, MSG_PEEK);
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
        destroy(c.id, false);
        return false;
    }
    if (n < 0) return false;
    if (first != k_tls_handshake_record) {
        c.tls = false;  // the answer goes out in plain text
        // Read what was sent, so closing does not reset the connection
        // before the peer reads the answer.
        char head[4096];
        for (int i = 0; i < 4 && ::recv(c.fd, head, sizeof head, 0) > 0; ++i) {
        }
        ++m_counters.plain_on_tls;
        respond(c.id, 400, "text/plain; charset=utf-8", "This port speaks HTTPS: use an https:// address.\n");
        return false;
    }
    c.ssl = SSL_new(static_cast<SSL_CTX*>(m_tls->native()));
    if (!c.ssl || SSL_set_fd(c.ssl, c.fd) != 1) {
        ERR_clear_error();
        destroy(c.id, false);
        return false;
    }
    SSL_set_accept_state(c.ssl);
    return true;
}

// One close_notify, not waited for: the connection ends either way.
void HttpServer::end_tls(Conn& c) {
    if (!c.ssl) return;
    if (SSL_is_init_finished(c.ssl)) SSL_shutdown(c.ssl);
    ERR_clear_error();
}

}  // namespace rtwatch::net
