// The WebSocket client: curl connects (CONNECT_ONLY, kept in the multi as
// curl_easy_send/recv require), the upgrade is written and its answer read
// here, and wslay frames messages over the same connection. Every wait is on
// the loop: the socket's readiness, and a timer for the handshake.
#include "rtwatch/net/websocket.hpp"

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <wslay/wslay.h>

#include <cctype>
#include <cstdlib>
#include <cstring>
#include <optional>

#include "easy.hpp"
#include "loop_impl.hpp"
#include "rtwatch/core/text.hpp"
#include "rtwatch/net/websocket_handshake.hpp"

namespace rtwatch::net {

namespace {

constexpr std::size_t k_max_upgrade_answer = 16 * 1024;

std::string base64(const unsigned char* data, std::size_t n) {
    std::string out(4 * ((n + 2) / 3), '\0');
    int len = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data, static_cast<int>(n));
    out.resize(static_cast<std::size_t>(len));
    return out;
}

// "ws://h:p/x?y" -> the http(s) URL for curl, the Host header and the target.
struct Target {
    std::string curl_url, host, path;
};
std::optional<Target> target_of(const std::string& url) {
    std::string http, scheme = url.substr(0, 6);
    for (auto& c : scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (scheme.rfind("wss://", 0) == 0)
        http = "https://" + url.substr(6);
    else if (scheme.rfind("ws://", 0) == 0)
        http = "http://" + url.substr(5);
    else
        return std::nullopt;
    CURLU* u = curl_url();
    if (!u) return std::nullopt;
    std::optional<Target> t;
    if (curl_url_set(u, CURLUPART_URL, http.c_str(), 0) == CURLUE_OK) {
        char *host = nullptr, *port = nullptr, *path = nullptr, *query = nullptr;
        curl_url_get(u, CURLUPART_HOST, &host, 0);
        curl_url_get(u, CURLUPART_PORT, &port, 0);
        curl_url_get(u, CURLUPART_PATH, &path, 0);
        curl_url_get(u, CURLUPART_QUERY, &query, 0);
        if (host) {
            t = Target{http, host, path ? path : "/"};
            if (port) t->host += std::string(":") + port;
            if (query) t->path += std::string("?") + query;
        }
        curl_free(host);
        curl_free(port);
        curl_free(path);
        curl_free(query);
    }
    curl_url_cleanup(u);
    return t;
}

}  // namespace

struct WebSocket::Connection final : Transfer {
    enum class Phase { connecting, sending_upgrade, reading_upgrade, open };

    Loop& loop;
    WebSocket* owner;
    WebSocketOptions options;
    detail::Easy easy;
    Phase phase = Phase::connecting;
    curl_socket_t fd = CURL_SOCKET_BAD;
    std::string key;
    std::string out;          // the upgrade request, as far as not yet sent
    std::string in;           // the upgrade's answer; what follows it is the first frames
    std::size_t in_used = 0;  // of `in`, consumed by wslay
    wslay_event_context_ptr ctx = nullptr;
    std::optional<Loop::Id> timer;
    bool in_wslay = false, abandoned = false, eof = false, writing = false;
    std::string error;  // a transport failure seen inside a wslay callback

    Connection(Loop& l, WebSocket* o, WebSocketOptions opts) : loop(l), owner(o), options(std::move(opts)) {}
    ~Connection() override { free_context(); }
    CURL* handle() const override { return easy.handle; }
    bool keeps_connection() const override { return true; }

    void free_context() {
        if (ctx) wslay_event_context_free(ctx);
        ctx = nullptr;
    }

    // No more callbacks: the watches go now, the handle at the next safe point.
    void abandon() {
        abandoned = true;
        if (timer) loop.cancel_timer(*timer);
        timer.reset();
        if (fd != CURL_SOCKET_BAD) {
            loop.unwatch_fd(fd);
            loop.unwatch_writable(fd);
        }
        if (!in_wslay) free_context();
    }

    void end(WebSocketEnd e) {
        if (abandoned) return;
        WebSocket* o = owner;
        abandon();
        o->m_connection = nullptr;
        loop.impl().retire(std::unique_ptr<Transfer>(this));
        o->m_handler.on_end(e);
    }
    void fail(WebSocketEnd::Kind kind, std::string detail) {
        WebSocketEnd e;
        e.kind = kind;
        e.detail = std::move(detail);
        end(std::move(e));
    }

    void start() {
        auto t = target_of(options.url);
        if (!t) return post_failure("not a ws:// or wss:// URL");
        Request r;
        r.url = t->curl_url;
        detail::configure(easy, loop.transport(), r, r.body);
        curl_easy_setopt(easy.handle, CURLOPT_CONNECT_ONLY, 1L);
        key = random_key();
        out =
            "GET " + t->path + " HTTP/1.1\r\nHost: " + t->host +
            "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: " + key +
            "\r\n";
        for (const auto& h : options.headers) out += h + "\r\n";
        out += "\r\n";
        timer = loop.add_timer(loop.now() + options.handshake_timeout, [this] {
            timer.reset();
            fail(WebSocketEnd::Kind::transport_error,
                 "no WebSocket handshake within " + format_duration(options.handshake_timeout));
        });
        loop.impl().start(*this);
    }

    // A failure before the transfer started still reaches the handler from the loop.
    void post_failure(std::string why) {
        timer = loop.add_timer(loop.now(), [this, why] {
            timer.reset();
            fail(WebSocketEnd::Kind::transport_error, why);
        });
    }

    static std::string random_key() {
        unsigned char bytes[16];
        if (RAND_bytes(bytes, sizeof bytes) != 1)
            for (auto& b : bytes) b = static_cast<unsigned char>(std::rand());
        return base64(bytes, sizeof bytes);
    }

    void on_done(CURLcode result) override {
        if (abandoned) return;
        if (result != CURLE_OK)
            return fail(detail::is_untrusted_certificate(result) ? WebSocketEnd::Kind::untrusted_certificate
                                                                 : WebSocketEnd::Kind::transport_error,
                        detail::describe(result, easy));
        curl_easy_getinfo(easy.handle, CURLINFO_ACTIVESOCKET, &fd);
        if (fd == CURL_SOCKET_BAD) return fail(WebSocketEnd::Kind::transport_error, "no socket after connecting");
        phase = Phase::sending_upgrade;
        loop.watch_fd(fd, [this] { on_readable(); });
        send_upgrade();
    }

    void send_upgrade() {
        while (!out.empty()) {
            size_t sent = 0;
            CURLcode rc = curl_easy_send(easy.handle, out.data(), out.size(), &sent);
            if (rc == CURLE_AGAIN) return want_write(true);
            if (rc != CURLE_OK) return fail(WebSocketEnd::Kind::transport_error, detail::describe(rc, easy));
            out.erase(0, sent);
        }
        want_write(false);
        phase = Phase::reading_upgrade;
    }

    void want_write(bool on) {
        if (on == writing || abandoned) return;
        writing = on;
        if (on)
            loop.watch_writable(fd, [this] { on_writable(); });
        else
            loop.unwatch_writable(fd);
    }

    void on_writable() {
        if (phase == Phase::sending_upgrade) return send_upgrade();
        if (phase == Phase::open) pump();
    }

    void on_readable() {
        if (phase == Phase::reading_upgrade) return read_upgrade();
        if (phase == Phase::open) pump();
    }

    void read_upgrade() {
        char buf[4096];
        for (;;) {
            size_t n = 0;
            CURLcode rc = curl_easy_recv(easy.handle, buf, sizeof buf, &n);
            if (rc == CURLE_AGAIN) return;
            if (rc != CURLE_OK) return fail(WebSocketEnd::Kind::transport_error, detail::describe(rc, easy));
            if (n == 0)
                return fail(WebSocketEnd::Kind::transport_error, "the server closed the connection during the upgrade");
            in.append(buf, n);
            auto end_of_head = in.find("\r\n\r\n");
            if (end_of_head != std::string::npos) return upgrade_answered(end_of_head + 4);
            if (in.size() > k_max_upgrade_answer)
                return fail(WebSocketEnd::Kind::bad_handshake,
                            "the upgrade's answer has no end of headers within 16 KiB");
        }
    }

    void upgrade_answered(std::size_t head_size) {
        auto verdict = judge_upgrade_answer(std::string_view(in.data(), head_size), key);
        using V = UpgradeVerdict::Kind;
        if (verdict.kind != V::open) {
            WebSocketEnd e;
            e.kind =
                verdict.kind == V::refused ? WebSocketEnd::Kind::upgrade_refused : WebSocketEnd::Kind::bad_handshake;
            e.status = verdict.status;
            e.retry_after = verdict.retry_after;
            e.detail = verdict.problem;
            return end(std::move(e));
        }
        in_used = head_size;
        if (!make_context()) return fail(WebSocketEnd::Kind::transport_error, "cannot set up the WebSocket framing");
        phase = Phase::open;
        if (timer) loop.cancel_timer(*timer);
        timer.reset();
        owner->m_handler.on_open();
        if (!abandoned && in_used < in.size()) pump();  // frames that came with the answer
    }

    bool make_context() {
        static const wslay_event_callbacks callbacks{
            &Connection::recv_cb,   &Connection::send_cb, &Connection::genmask_cb, nullptr, nullptr, nullptr,
            &Connection::message_cb};
        if (wslay_event_context_client_init(&ctx, &callbacks, this) != 0) return false;
        wslay_event_config_set_max_recv_msg_length(ctx, options.max_message);
        return true;
    }

    // Reads what there is, writes what is queued, and reports the end.
    void pump() {
        if (!ctx || abandoned) return;
        in_wslay = true;
        int rv = wslay_event_want_read(ctx) ? wslay_event_recv(ctx) : 0;
        if (rv == 0 && !abandoned && wslay_event_want_write(ctx)) rv = wslay_event_send(ctx);
        in_wslay = false;
        if (abandoned) return free_context();
        if (rv != 0 || (!wslay_event_want_read(ctx) && !wslay_event_want_write(ctx))) return ended();
        want_write(wslay_event_want_write(ctx));
    }

    void ended() {
        WebSocketEnd e;
        e.close_code = wslay_event_get_close_received(ctx) ? wslay_event_get_status_code_received(ctx) : 0;
        if (e.close_code == WSLAY_CODE_NO_STATUS_RCVD) e.close_code = 0;
        if (wslay_event_get_close_sent(ctx) && wslay_event_get_status_code_sent(ctx) == WSLAY_CODE_MESSAGE_TOO_BIG)
            e.detail = "a message larger than " + std::to_string(options.max_message) + " bytes";
        if (!error.empty() && !eof) {
            e.kind = WebSocketEnd::Kind::transport_error;
            e.detail = error;
        }
        e.reason = close_reason;
        end(std::move(e));
    }

    std::string close_reason;

    static ssize_t recv_cb(wslay_event_context_ptr c, uint8_t* buf, size_t len, int, void* self) {
        auto* s = static_cast<Connection*>(self);
        if (s->in_used < s->in.size()) {
            size_t n = std::min(len, s->in.size() - s->in_used);
            std::memcpy(buf, s->in.data() + s->in_used, n);
            s->in_used += n;
            if (s->in_used == s->in.size()) {
                s->in.clear();
                s->in_used = 0;
            }
            return static_cast<ssize_t>(n);
        }
        size_t n = 0;
        CURLcode rc = curl_easy_recv(s->easy.handle, buf, len, &n);
        if (rc == CURLE_AGAIN) {
            wslay_event_set_error(c, WSLAY_ERR_WOULDBLOCK);
            return -1;
        }
        if (rc != CURLE_OK || n == 0) {
            if (rc != CURLE_OK) s->error = detail::describe(rc, s->easy);
            s->eof = rc == CURLE_OK;
            wslay_event_set_error(c, WSLAY_ERR_CALLBACK_FAILURE);
            return -1;
        }
        return static_cast<ssize_t>(n);
    }

    static ssize_t send_cb(wslay_event_context_ptr c, const uint8_t* data, size_t len, int, void* self) {
        auto* s = static_cast<Connection*>(self);
        size_t n = 0;
        CURLcode rc = curl_easy_send(s->easy.handle, data, len, &n);
        if (rc == CURLE_AGAIN) {
            wslay_event_set_error(c, WSLAY_ERR_WOULDBLOCK);
            return -1;
        }
        if (rc != CURLE_OK) {
            s->error = detail::describe(rc, s->easy);
            wslay_event_set_error(c, WSLAY_ERR_CALLBACK_FAILURE);
            return -1;
        }
        return static_cast<ssize_t>(n);
    }

    static int genmask_cb(wslay_event_context_ptr, uint8_t* buf, size_t len, void*) {
        return RAND_bytes(buf, static_cast<int>(len)) == 1 ? 0 : -1;
    }

    static void message_cb(wslay_event_context_ptr, const wslay_event_on_msg_recv_arg* arg, void* self) {
        auto* s = static_cast<Connection*>(self);
        if (s->abandoned) return;
        if (arg->opcode == WSLAY_TEXT_FRAME || arg->opcode == WSLAY_BINARY_FRAME) {
            s->owner->m_handler.on_message(std::string_view(reinterpret_cast<const char*>(arg->msg), arg->msg_length));
        } else if (arg->opcode == WSLAY_CONNECTION_CLOSE && arg->msg_length > 2) {
            s->close_reason.assign(reinterpret_cast<const char*>(arg->msg) + 2, arg->msg_length - 2);
        }
    }
};

WebSocket::WebSocket(Loop& loop, WebSocketHandler& handler) : m_loop(loop), m_handler(handler) {}

WebSocket::~WebSocket() { close(); }

void WebSocket::open(WebSocketOptions options) {
    close();
    auto c = std::make_unique<Connection>(m_loop, this, std::move(options));
    m_connection = c.release();  // the loop owns it once started; retired on end or close
    m_connection->start();
}

bool WebSocket::send_text(std::string_view text) {
    Connection* c = m_connection;
    if (!c || c->phase != Connection::Phase::open || !c->ctx) return false;
    wslay_event_msg msg{WSLAY_TEXT_FRAME, reinterpret_cast<const uint8_t*>(text.data()), text.size()};
    if (wslay_event_queue_msg(c->ctx, &msg) != 0) return false;
    if (!c->in_wslay) c->pump();
    return true;
}

void WebSocket::close() {
    Connection* c = m_connection;
    if (!c) return;
    m_connection = nullptr;
    if (c->ctx && c->phase == Connection::Phase::open && !c->in_wslay) {
        // A close frame, best effort: the connection goes either way.
        wslay_event_queue_close(c->ctx, WSLAY_CODE_NORMAL_CLOSURE, nullptr, 0);
        c->in_wslay = true;
        wslay_event_send(c->ctx);
        c->in_wslay = false;
    }
    c->abandon();
    m_loop.impl().retire(std::unique_ptr<Transfer>(c));
}

bool WebSocket::is_open() const { return m_connection != nullptr; }

}  // namespace rtwatch::net
