// A small HTTP/1.1 GET server on the run's loop, for the relay's viewers:
// one epoll set watched by net::Loop, nonblocking sockets, no thread. Every
// connection is bounded: the request head in size and time, the count of
// connections, and what it may hold unsent (the caller decides what to keep
// back). Each response ends its connection (no keep-alive), except streams.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "rtwatch/core/duration.hpp"
#include "rtwatch/core/result.hpp"
#include "rtwatch/net/loop.hpp"
#include "rtwatch/net/tls_server.hpp"

namespace rtwatch::net {

struct HttpRequest {
    std::string method;
    std::string target;  // as sent: path?query
    std::string path;
    std::string query;                                         // after '?', undecoded
    std::vector<std::pair<std::string, std::string>> headers;  // names lowercased
    // The value of header `name` (lowercase), "" when absent.
    std::string_view header(std::string_view name) const;
};

struct HttpServerOptions {
    std::size_t max_head = 8192;           // request line + headers
    Millis head_timeout{10'000};           // to send the whole head
    std::size_t max_connections = 10'240;  // beyond: accepted and closed at once
    // Closing: an answer drains while its reader takes bytes; one that
    // takes none for this long is dropped.
    Millis drain_timeout{2'000};
    // SO_SNDBUF of accepted sockets (0: the kernel's autotuning): what a
    // reader that stopped can make the kernel hold, and how stale it gets.
    int send_buffer = 0;
    // Out of descriptors: accepting stops this long, so a full backlog does
    // not spin the loop on a failing accept4.
    Millis accept_pause{250};
};

struct HttpServerCounters {
    std::uint64_t accepted = 0;
    std::uint64_t refused_full = 0;    // over max_connections
    std::uint64_t head_too_large = 0;  // 431 / 414
    std::uint64_t head_timeout = 0;    // 408
    std::uint64_t bad_request = 0;     // 400 (not HTTP)
    std::uint64_t plain_on_tls = 0;    // 400: plain HTTP to the TLS port
    std::uint64_t tls_failed = 0;      // handshakes that failed (closed without a word)
    // Out of descriptors or memory (EMFILE, ENFILE, ENOBUFS, ENOMEM) on
    // accept: the listening socket rested for accept_pause each time.
    std::uint64_t accept_paused = 0;
    int accept_errno = 0;  // the last such error
};

class HttpServer {
public:
    using ConnId = std::uint64_t;
    // A complete request head: answer it with respond() or start_stream().
    using Handler = std::function<void(ConnId, const HttpRequest&)>;
    // A stream ended: the peer closed or a write failed (reported at the
    // next turn of the loop, never from inside a call of ours).
    using Closed = std::function<void(ConnId)>;
    // A stream's unsent bytes all went out after the socket was full.
    using Drained = std::function<void(ConnId)>;

    // Binds "HOST:PORT" (an IPv4 address or [IPv6]; port 0 picks one).
    static Result<std::unique_ptr<HttpServer>> listen(Loop& loop, std::string_view address, HttpServerOptions options);
    ~HttpServer();
    HttpServer(const HttpServer&) = delete;
    HttpServer& operator=(const HttpServer&) = delete;

    void on_request(Handler handler) { m_handler = std::move(handler); }
    // Connections accepted from now on speak TLS with `context` (nullptr:
    // plain HTTP); those already open keep what they have.
    void use_tls(std::shared_ptr<TlsServerContext> context) { m_tls = std::move(context); }
    bool tls() const { return m_tls != nullptr; }
    void on_closed(Closed closed) { m_closed = std::move(closed); }
    void on_drained(Drained drained) { m_drained = std::move(drained); }

    // The bound port and the origin viewers see ("http://127.0.0.1:PORT").
    std::uint16_t port() const { return m_port; }
    const std::string& host() const { return m_host; }
    bool loopback() const { return m_loopback; }

    // A whole response, then the connection closes once it is written.
    void respond(ConnId id, int status, std::string_view content_type, std::string_view body,
                 std::string_view extra_headers = {});
    // A 200 whose body goes on: `headers` are the header lines ("Name: v\r\n").
    void start_stream(ConnId id, std::string_view content_type, std::string_view headers = {});
    // Stream bytes: written at the end of this turn of the loop as far as the
    // socket takes them, the rest kept.
    void send(ConnId id, std::string_view bytes);
    // Unsent bytes of a stream.
    std::size_t unsent(ConnId id) const;
    // When the stream last got bytes out, or became empty.
    TimePoint last_progress(ConnId id) const;
    // Ends a stream: unsent bytes go out first (while the reader takes them), then
    // the connection closes. No on_closed for it.
    void close_stream(ConnId id);
    // Closes at once, dropping unsent bytes. No on_closed for it.
    void abort(ConnId id);

    std::size_t connections() const;
    std::size_t streams() const;
    // Connections still being written out after close.
    std::size_t closing() const;
    const HttpServerCounters& counters() const { return m_counters; }
    Millis accept_pause() const { return m_options.accept_pause; }
    // Ends what overran its time: heads not sent in time, closing streams.
    void sweep(TimePoint now);
    // Stops listening; streams stay until closed.
    void stop_listening();

    struct Conn;

private:
    explicit HttpServer(Loop& loop, HttpServerOptions options);
    void on_ready();
    void accept_some();
    void pause_accepting(int error);
    void listen_events(bool on);
    void on_conn_event(Conn& c, std::uint32_t events);
    void read_head(Conn& c);
    bool head_read(Conn& c);
    void read_discard(Conn& c);
    // recv(2)/send(2) semantics, over TLS when the connection has it:
    // > 0 bytes, 0 the peer's end, < 0 with errno (EAGAIN: try later).
    long read_some(Conn& c, char* buf, std::size_t size);
    long write_some(Conn& c, const char* data, std::size_t size);
    // A TLS connection's first byte: a handshake starts the session; plain
    // HTTP is answered 400 in plain text. False: nothing to read yet, or answered.
    bool start_tls(Conn& c);
    void end_tls(Conn& c);
    void handle_head(Conn& c);
    void flush(Conn& c);
    void flush_dirty();
    void want_write(Conn& c, bool on);
    void destroy(ConnId id, bool notify);
    Conn* find(ConnId id) const;

    Loop& m_loop;
    HttpServerOptions m_options;
    int m_listen_fd = -1;
    int m_epoll_fd = -1;
    std::uint16_t m_port = 0;
    std::string m_host;
    bool m_loopback = true;
    ConnId m_next_id = 1;
    std::unordered_map<ConnId, std::unique_ptr<Conn>> m_conns;
    Handler m_handler;
    Closed m_closed;
    Drained m_drained;
    HttpServerCounters m_counters;
    std::vector<ConnId> m_gone;  // closed streams not yet reported
    std::optional<Loop::Id> m_gone_timer;
    std::vector<ConnId> m_dirty;  // streams with bytes to write this turn
    std::optional<Loop::Id> m_flush_timer;
    std::optional<Loop::Id> m_resume_timer;  // accepting paused until it fires
    std::shared_ptr<TlsServerContext> m_tls;
};

// Status line reason phrases for the codes the relay uses.
std::string_view reason_phrase(int status);
// Percent-decoding of a query component ('+' is a space); nullopt-free: bad
// escapes stay as they are.
std::string url_decode(std::string_view text);

}  // namespace rtwatch::net
