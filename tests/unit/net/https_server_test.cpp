// The relay's HTTP server over TLS on a real loop and real sockets: a
// verified handshake and answer, plain HTTP to the TLS port refused in
// plain text, a stream far larger than the socket buffers written whole
// through partial TLS writes, a broken handshake costing only its own
// connection, a reload that changes new connections only, and load errors
// that name the file.
#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <string>

#include "loop_thread.hpp"
#include "rtwatch/net/http_server.hpp"
#include "tls_fixture.hpp"

using namespace rtwatch;
using namespace std::chrono_literals;

namespace {

struct Served {
    test::LoopThread thread;
    std::unique_ptr<net::HttpServer> server;
    std::atomic<net::HttpServer::ConnId> stream{0};

    explicit Served(const test::TestCertificate& cert) {
        auto tls = net::TlsServerContext::load(cert.cert_file, cert.key_file);
        REQUIRE(tls);
        thread.sync([&] {
            auto s = net::HttpServer::listen(thread.loop, "127.0.0.1:0", {});
            REQUIRE(s);
            server = std::move(*s);
            server->use_tls(std::move(*tls));
            server->on_request([this](net::HttpServer::ConnId id, const net::HttpRequest& r) {
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
    net::HttpServerCounters counters() {
        net::HttpServerCounters c;
        thread.sync([&] { c = server->counters(); });
        return c;
    }
};

int connect_plain(std::uint16_t port) {
    int fd = test::connect_loopback(port);
    REQUIRE(fd >= 0);
    return fd;
}

std::string read_plain(int fd) {
    std::string out;
    char buf[4096];
    for (ssize_t n; (n = ::recv(fd, buf, sizeof buf, 0)) > 0;) out.append(buf, static_cast<std::size_t>(n));
    return out;
}

}  // namespace

TEST_CASE("https server: a verified handshake, then the answer, then the end", "[http][tls]") {
    test::TestCertificate cert("relay.test");
    Served s(cert);
    test::TlsClient client(s.server->port(), cert.cert);
    REQUIRE(client.ok());
    CHECK(client.peer_name() == "relay.test");
    REQUIRE(client.send("GET /x?q=1 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
    const std::string answer = client.read();
    CHECK(answer.starts_with("HTTP/1.1 200 OK\r\n"));
    CHECK(answer.ends_with("\r\n\r\nhello q=1"));
}

TEST_CASE("https server: plain HTTP to the TLS port gets a plain 400 saying so", "[http][tls]") {
    test::TestCertificate cert("relay.test");
    Served s(cert);
    int fd = connect_plain(s.server->port());
    const std::string request = "GET /events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    REQUIRE(::send(fd, request.data(), request.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(request.size()));
    const std::string answer = read_plain(fd);
    ::close(fd);
    CHECK(answer.starts_with("HTTP/1.1 400 "));
    CHECK(answer.find("This port speaks HTTPS: use an https:// address.") != std::string::npos);
    CHECK(s.counters().plain_on_tls == 1);
}

TEST_CASE("https server: a stream much larger than the socket buffers arrives whole and in order", "[http][tls]") {
    test::TestCertificate cert("relay.test");
    Served s(cert);
    test::TlsClient client(s.server->port(), cert.cert);
    REQUIRE(client.ok());
    REQUIRE(client.send("GET /stream HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
    const std::string head = client.read(1);
    REQUIRE(head == "H");
    REQUIRE(s.stream != 0);
    // 4 MiB in 64 KiB pieces over several turns of the loop, so TLS writes
    // stop half way and go on from a buffer that has grown and moved since.
    std::string expected;
    for (int i = 0; i < 64; ++i) {
        std::string piece(65536, static_cast<char>('a' + i % 26));
        expected += piece;
        s.thread.sync([&] { s.server->send(s.stream, piece); });
    }
    s.thread.sync([&] { s.server->close_stream(s.stream); });
    const std::string got = client.read();
    const auto body = got.find("\r\n\r\n");
    REQUIRE(body != std::string::npos);
    CHECK(got.size() - body - 4 == expected.size());
    CHECK(got.substr(body + 4) == expected);
}

TEST_CASE("https server: a broken handshake ends its own connection only", "[http][tls]") {
    test::TestCertificate cert("relay.test");
    Served s(cert);
    int fd = connect_plain(s.server->port());
    // A TLS record header, then nonsense for a ClientHello.
    std::string junk(37, '\xff');
    junk.replace(0, 5, "\x16\x03\x01\x00\x20", 5);
    REQUIRE(::send(fd, junk.data(), junk.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(junk.size()));
    read_plain(fd);  // the server ends it (an alert, then the close)
    ::close(fd);
    CHECK(s.counters().tls_failed == 1);
    test::TlsClient client(s.server->port(), cert.cert);
    REQUIRE(client.ok());
    REQUIRE(client.send("GET /after HTTP/1.1\r\n\r\n"));
    CHECK(client.read().ends_with("hello "));
}

TEST_CASE("https server: a new certificate serves new connections; an open stream keeps its session", "[http][tls]") {
    test::TestCertificate first("first.test");
    test::TestCertificate second("second.test");
    Served s(first);
    test::TlsClient open(s.server->port(), first.cert);
    REQUIRE(open.ok());
    REQUIRE(open.send("GET /stream HTTP/1.1\r\n\r\n"));
    REQUIRE(open.read(1) == "H");
    auto tls = net::TlsServerContext::load(second.cert_file, second.key_file);
    REQUIRE(tls);
    s.thread.sync([&] { s.server->use_tls(std::move(*tls)); });
    test::TlsClient after(s.server->port(), second.cert);
    REQUIRE(after.ok());
    CHECK(after.peer_name() == "second.test");
    s.thread.sync([&] {
        s.server->send(s.stream, "data: still here\n\n");
        s.server->close_stream(s.stream);
    });
    CHECK(open.read().ends_with("data: still here\n\n"));
}

TEST_CASE("tls context: errors name the file and the fix", "[http][tls]") {
    test::TestCertificate a("a.test");
    test::TestCertificate b("b.test");
    SECTION("a missing certificate") {
        auto r = net::TlsServerContext::load(a.dir + "/none.pem", a.key_file);
        REQUIRE_FALSE(r);
        CHECK(r.error().code == ExitCode::usage);
        CHECK(r.error().message.find("--tls-cert " + a.dir + "/none.pem: cannot read a PEM certificate") == 0);
    }
    SECTION("a key that is not the certificate's") {
        auto r = net::TlsServerContext::load(a.cert_file, b.key_file);
        REQUIRE_FALSE(r);
        CHECK(r.error().message.find("--tls-key " + b.key_file + " is not the key of the certificate") == 0);
    }
    SECTION("a certificate given as the key") {
        auto r = net::TlsServerContext::load(a.cert_file, a.cert_file);
        REQUIRE_FALSE(r);
        CHECK(r.error().message.find("--tls-key " + a.cert_file + ": cannot read a PEM private key") == 0);
    }
}
