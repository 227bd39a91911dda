// The relay's HTTP server on a real loop and real sockets: heads split
// across writes, bounds on the head, methods, and a stream that keeps what
// a reader does not take.
#include <chrono>
#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <string>

#include "loop_thread.hpp"
#include "rtwatch/net/http_server.hpp"

using namespace rtwatch;
using namespace std::chrono_literals;

namespace {

struct Served {
    test::LoopThread thread;
    std::unique_ptr<net::HttpServer> server;
    test::Watched<std::vector<std::string>> requests;  // "METHOD path?query header-x"
    std::atomic<net::HttpServer::ConnId> stream{0};

    explicit Served(net::HttpServerOptions options = {}) {
        thread.sync([&] {
            auto s = net::HttpServer::listen(thread.loop, "127.0.0.1:0", options);
            REQUIRE(s);
            server = std::move(*s);
            server->on_request([this](net::HttpServer::ConnId id, const net::HttpRequest& r) {
                requests.update(
                    [&](auto& v) { v.push_back(r.method + " " + r.target + " " + std::string(r.header("x-test"))); });
                if (r.path == "/stream") {
                    server->start_stream(id, "text/event-stream");
                    stream = id;
                    return;
                }
                server->respond(id, 200, "text/plain", "hello " + r.query);
            });
        });
    }
    ~Served() {
        thread.sync([&] { server.reset(); });
    }
    int connect_raw(int receive_buffer = 0) const {
        int fd = ::socket(AF_INET, SOCK_STREAM, 0);
        if (receive_buffer) ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof receive_buffer);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_port = htons(server->port());
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
        return fd;
    }
};

void send_all(int fd, std::string_view s) {
    REQUIRE(::send(fd, s.data(), s.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(s.size()));
}

std::string read_all(int fd) {
    timeval tv{5, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    std::string out;
    char buf[4096];
    for (ssize_t n; (n = ::recv(fd, buf, sizeof buf, 0)) > 0;) out.append(buf, static_cast<std::size_t>(n));
    return out;
}

}  // namespace

TEST_CASE("http server: a head split across writes is one request, answered and closed", "[http]") {
    Served s;
    int fd = s.connect_raw();
    send_all(fd, "GET /a?b=1 HT");
    send_all(fd, "TP/1.1\r\nX-Test: yes\r\n");
    send_all(fd, "\r\n");
    auto answer = read_all(fd);
    ::close(fd);
    CHECK(answer.starts_with("HTTP/1.1 200 OK\r\n"));
    CHECK(answer.find("Content-Length: 9\r\n") != std::string::npos);
    CHECK(answer.ends_with("\r\n\r\nhello b=1"));
    CHECK(s.requests.wait([](auto& v) { return v.size() == 1 && v[0] == "GET /a?b=1 yes"; }));
}

TEST_CASE("http server: a head past max_head is 431, a line past it 414, and not HTTP is 400", "[http]") {
    net::HttpServerOptions o;
    o.max_head = 1024;
    Served s(o);
    int line = s.connect_raw();
    send_all(line, "GET /" + std::string(2000, 'a'));
    CHECK(read_all(line).starts_with("HTTP/1.1 414 "));
    ::close(line);
    int headers = s.connect_raw();
    send_all(headers, "GET / HTTP/1.1\r\n" + std::string(600, 'h') + ": 1\r\n" + std::string(600, 'i') + ": 2\r\n");
    CHECK(read_all(headers).starts_with("HTTP/1.1 431 "));
    ::close(headers);
    int junk = s.connect_raw();
    send_all(junk, "HELLO\r\n\r\n");
    CHECK(read_all(junk).starts_with("HTTP/1.1 400 "));
    ::close(junk);
    int post = s.connect_raw();
    send_all(post, "POST / HTTP/1.1\r\n\r\n");
    CHECK(read_all(post).starts_with("HTTP/1.1 405 "));
    ::close(post);
    CHECK(s.requests.get().empty());
    s.thread.sync([&] { CHECK(s.server->counters().head_too_large == 2); });
}

TEST_CASE("http server: a stream keeps what its reader does not take, and close_stream delivers it", "[http]") {
    net::HttpServerOptions o;
    o.send_buffer = 4096;
    Served s(o);
    int fd = s.connect_raw(4096);
    send_all(fd, "GET /stream HTTP/1.1\r\n\r\n");
    REQUIRE(s.requests.wait([](auto& v) { return v.size() == 1; }));
    s.thread.sync([] {});  // the handler that started the stream has returned
    REQUIRE(s.stream.load() != 0);
    std::string chunk(1000, 'x');
    chunk += '\n';
    const std::size_t total = 1000 * chunk.size();
    s.thread.sync([&] {
        for (int i = 0; i < 1000; ++i) s.server->send(s.stream, chunk);
    });
    // send() only queues; the write happens at the end of the turn. Wait for
    // it (the socket's buffers take some bytes), then see what stayed here.
    std::size_t unsent = total;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (unsent == total && std::chrono::steady_clock::now() < deadline)
        s.thread.sync([&] { unsent = s.server->unsent(s.stream); });
    // A reader that has not read holds only its buffers; the rest waits here.
    CHECK(unsent < total);
    CHECK(unsent > 500'000);
    s.thread.sync([&] { s.server->close_stream(s.stream); });
    auto got = read_all(fd);
    ::close(fd);
    auto body = got.substr(got.find("\r\n\r\n") + 4);
    CHECK(body.size() == 1000 * chunk.size());
    s.thread.sync([&] { CHECK(s.server->connections() == 0); });
}

TEST_CASE("http server: url_decode", "[http]") {
    CHECK(net::url_decode("a%20b+c%2Cd") == "a b c,d");
    CHECK(net::url_decode("bad%2") == "bad%2");
    CHECK(net::url_decode("%zz") == "%zz");
}
