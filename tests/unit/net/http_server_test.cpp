// The relay's HTTP server on a real loop and real sockets: heads split
// across writes, bounds on the head, methods, and a stream that keeps what
// a reader does not take.
#include <catch2/catch.hpp>
#include <chrono>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

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

// The sanitizers' runtime needs descriptors of its own, which this takes away.
#if !defined(__SANITIZE_ADDRESS__)
TEST_CASE("http server: out of descriptors, accepting rests between tries, then serves the backlog", "[http][emfile]") {
    net::HttpServerOptions options;
    options.accept_pause = 100ms;
    Served s(options);
    std::vector<int> clients;
    for (int i = 0; i < 3; ++i) clients.push_back(::socket(AF_INET, SOCK_STREAM, 0));
    // The lowest free descriptor becomes the limit: every new one is EMFILE.
    int probe = ::dup(0);
    REQUIRE(probe >= 0);
    ::close(probe);
    rlimit saved{};
    REQUIRE(::getrlimit(RLIMIT_NOFILE, &saved) == 0);
    rlimit low = saved;
    low.rlim_cur = static_cast<rlim_t>(probe);
    REQUIRE(::setrlimit(RLIMIT_NOFILE, &low) == 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(s.server->port());
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    for (int fd : clients) {
        REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);  // into the backlog
        send_all(fd, "GET /x HTTP/1.1\r\n\r\n");
    }
    auto paused = [&] {
        std::uint64_t n = 0;
        s.thread.sync([&] { n = s.server->counters().accept_paused; });
        return n;
    };
    auto wait_for_pauses = [&](std::uint64_t n) {
        auto until = std::chrono::steady_clock::now() + 5s;
        while (paused() < n && std::chrono::steady_clock::now() < until) std::this_thread::sleep_for(5ms);
        return paused();
    };
    // Seen at `first`, rest number `seen` had begun and the next had not:
    // three more take at least two whole rests after `first`.
    const auto seen = wait_for_pauses(1);
    const auto first = std::chrono::steady_clock::now();
    wait_for_pauses(seen + 3);
    auto elapsed = std::chrono::steady_clock::now() - first;
    int error = 0;
    s.thread.sync([&] { error = s.server->counters().accept_errno; });
    ::setrlimit(RLIMIT_NOFILE, &saved);
    CHECK(paused() >= seen + 3);
    CHECK(error == EMFILE);
    CHECK(elapsed >= 200ms);  // no spinning
    for (int fd : clients) {
        CHECK(read_all(fd).starts_with("HTTP/1.1 200"));
        ::close(fd);
    }
}

#endif
namespace {

// Reads `chunk` bytes at a time with a pause between, sweeping the server
// on each; returns what came before the server closed.
std::string read_slowly(Served& s, int fd, std::size_t chunk, std::chrono::milliseconds pause) {
    timeval tv{5, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    std::string out;
    std::vector<char> buf(chunk);
    while (true) {
        s.thread.sync([&] { s.server->sweep(s.thread.loop.now()); });
        ssize_t n = ::recv(fd, buf.data(), buf.size(), 0);
        if (n <= 0) return out;
        out.append(buf.data(), static_cast<std::size_t>(n));
        std::this_thread::sleep_for(pause);  // the reader's pace, not a wait for the server
    }
}

}  // namespace

TEST_CASE("http server: a large answer drains whole to a slow reader that keeps reading", "[http][drain]") {
    net::HttpServerOptions options;
    options.drain_timeout = 300ms;
    options.send_buffer = 16 * 1024;
    Served s(options);
    const std::string body(1 << 20, 'x');
    s.thread.sync([&] {
        s.server->on_request([&](net::HttpServer::ConnId id, const net::HttpRequest&) {
            s.server->respond(id, 200, "text/plain", body);
        });
    });
    int fd = s.connect_raw(16 * 1024);
    send_all(fd, "GET /big HTTP/1.1\r\n\r\n");
    auto start = std::chrono::steady_clock::now();
    auto got = read_slowly(s, fd, 32 * 1024, 40ms);  // about 0.8 MB/s: far longer than 300 ms in all
    ::close(fd);
    CHECK(std::chrono::steady_clock::now() - start > 600ms);
    auto head_end = got.find("\r\n\r\n");
    REQUIRE(head_end != std::string::npos);
    CHECK(got.find("Content-Length: 1048576\r\n") != std::string::npos);
    CHECK(got.size() - head_end - 4 == body.size());
}

TEST_CASE("http server: an answer whose reader stops is dropped one drain_timeout after the stall", "[http][drain]") {
    net::HttpServerOptions options;
    options.drain_timeout = 300ms;
    options.send_buffer = 16 * 1024;
    Served s(options);
    const std::string body(4 << 20, 'x');
    s.thread.sync([&] {
        s.server->on_request([&](net::HttpServer::ConnId id, const net::HttpRequest&) {
            s.server->respond(id, 200, "text/plain", body);
        });
    });
    int fd = s.connect_raw(16 * 1024);
    send_all(fd, "GET /big HTTP/1.1\r\n\r\n");
    std::size_t connections = 1;
    auto start = std::chrono::steady_clock::now();
    while (connections > 0 && std::chrono::steady_clock::now() - start < 5s) {
        s.thread.sync([&] {
            s.server->sweep(s.thread.loop.now());
            connections = s.server->connections();
        });
        std::this_thread::sleep_for(20ms);
    }
    CHECK(connections == 0);
    CHECK(std::chrono::steady_clock::now() - start >= 300ms);
    ::close(fd);
}
