// The WebSocket client against a scripted loopback server: the upgrade and
// its Accept check, text both ways (client frames masked), close codes, a
// refused upgrade, a too-large message. Waits are on conditions with deadlines.
#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <condition_variable>
#include <mutex>
#include <thread>

#include "loop_thread.hpp"
#include "rtwatch/net/websocket.hpp"

using namespace rtwatch;
using namespace std::chrono_literals;

namespace {

// One connection: reads the upgrade, answers with `answer(key)`, then runs `script`.
class ScriptedServer {
public:
    using Script = std::function<void(int fd, ScriptedServer&)>;
    ScriptedServer(std::function<std::string(const std::string& key)> answer, Script script)
        : m_answer(std::move(answer)), m_script(std::move(script)) {
        m_listen = socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        bind(m_listen, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
        listen(m_listen, 4);
        socklen_t len = sizeof addr;
        getsockname(m_listen, reinterpret_cast<sockaddr*>(&addr), &len);
        m_port = ntohs(addr.sin_port);
        m_thread = std::thread([this] { serve(); });
    }
    ~ScriptedServer() {
        shutdown(m_listen, SHUT_RDWR);
        close(m_listen);
        m_thread.join();
    }
    std::string url() const { return "ws://127.0.0.1:" + std::to_string(m_port) + "/channels/c1?x=1"; }
    std::string request;

    static void send_all(int fd, const std::string& s) {
        std::size_t off = 0;
        while (off < s.size()) {
            auto n = write(fd, s.data() + off, s.size() - off);
            if (n <= 0) return;
            off += static_cast<std::size_t>(n);
        }
    }
    static std::string frame(unsigned char opcode, const std::string& payload) {
        std::string f(1, static_cast<char>(0x80 | opcode));
        if (payload.size() < 126) {
            f += static_cast<char>(payload.size());
        } else {
            f += static_cast<char>(126);
            f += static_cast<char>((payload.size() >> 8) & 0xff);
            f += static_cast<char>(payload.size() & 0xff);
        }
        return f + payload;
    }
    // One masked client frame's payload (small frames only).
    static std::string read_client_frame(int fd) {
        unsigned char h[2];
        if (read(fd, h, 2) != 2 || !(h[1] & 0x80)) return "(unmasked or none)";
        std::size_t len = h[1] & 0x7f;
        unsigned char mask[4];
        if (read(fd, mask, 4) != 4) return "";
        std::string p(len, '\0');
        std::size_t got = 0;
        while (got < len) {
            auto n = read(fd, p.data() + got, len - got);
            if (n <= 0) break;
            got += static_cast<std::size_t>(n);
        }
        for (std::size_t i = 0; i < len; ++i) p[i] = static_cast<char>(p[i] ^ mask[i % 4]);
        return p;
    }

private:
    void serve() {
        int c = accept(m_listen, nullptr, nullptr);
        if (c < 0) return;
        char buf[4096];
        while (request.find("\r\n\r\n") == std::string::npos) {
            auto n = read(c, buf, sizeof buf);
            if (n <= 0) break;
            request.append(buf, static_cast<std::size_t>(n));
        }
        auto k = request.find("Sec-WebSocket-Key: ");
        std::string key = k == std::string::npos ? "" : request.substr(k + 19, request.find("\r\n", k) - k - 19);
        send_all(c, m_answer(key));
        if (m_script) m_script(c, *this);
        close(c);
    }
    std::function<std::string(const std::string&)> m_answer;
    Script m_script;
    int m_listen = -1;
    int m_port = 0;
    std::thread m_thread;
};

std::string switching(const std::string& key) {
    return "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: " +
           net::websocket_accept(key) + "\r\n\r\n";
}

net::WebSocketOptions options(std::string url, std::vector<std::string> headers = {}) {
    net::WebSocketOptions o;
    o.url = std::move(url);
    o.headers = std::move(headers);
    return o;
}

struct Recorder final : net::WebSocketHandler {
    std::mutex m;
    std::condition_variable cv;
    bool opened = false;
    std::vector<std::string> messages;
    std::optional<net::WebSocketEnd> ended;
    net::WebSocket* socket = nullptr;
    std::string reply_to_first;  // sent from on_message

    void on_open() override {
        notify([&] { opened = true; });
    }
    void on_message(std::string_view text) override {
        notify([&] { messages.emplace_back(text); });
        if (!reply_to_first.empty() && messages.size() == 1) socket->send_text(reply_to_first);
    }
    void on_end(const net::WebSocketEnd& e) override {
        notify([&] { ended = e; });
    }
    template <class F>
    void notify(F f) {
        std::lock_guard<std::mutex> lock(m);
        f();
        cv.notify_all();
    }
    bool wait_end() {
        std::unique_lock<std::mutex> lock(m);
        return cv.wait_for(lock, 10s, [&] { return ended.has_value(); });
    }
};

}  // namespace

TEST_CASE("websocket: the RFC 6455 example key gives the example accept", "[websocket]") {
    CHECK(net::websocket_accept("dGhlIHNhbXBsZSBub25jZQ==") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
}

TEST_CASE("websocket: upgrade, a text message each way, then the server's close code", "[websocket]") {
    std::string from_client;
    ScriptedServer server(switching, [&](int fd, ScriptedServer&) {
        ScriptedServer::send_all(fd, ScriptedServer::frame(0x1, R"({"topicName":"channel.metadata"})"));
        from_client = ScriptedServer::read_client_frame(fd);
        ScriptedServer::send_all(fd, ScriptedServer::frame(0x8, std::string("\x03\xe9", 2) + "going away"));
        ScriptedServer::read_client_frame(fd);  // the close reply
    });
    Recorder rec;
    rec.reply_to_first = R"({"message":"ping"})";
    test::LoopThread lt;
    net::WebSocket ws(lt.loop, rec);
    rec.socket = &ws;
    lt.sync([&] { ws.open(options(server.url(), {"Authorization: Bearer t"})); });
    REQUIRE(rec.wait_end());
    lt.sync([] {});
    CHECK(rec.opened);
    CHECK(rec.messages == std::vector<std::string>{R"({"topicName":"channel.metadata"})"});
    CHECK(from_client == R"({"message":"ping"})");
    CHECK(rec.ended->kind == net::WebSocketEnd::Kind::closed);
    CHECK(rec.ended->close_code == 1001);
    CHECK(rec.ended->reason == "going away");
    CHECK(server.request.rfind("GET /channels/c1?x=1 HTTP/1.1\r\n", 0) == 0);
    CHECK(server.request.find("Host: 127.0.0.1:") != std::string::npos);
    CHECK(server.request.find("Authorization: Bearer t\r\n") != std::string::npos);
    CHECK(server.request.find("Sec-WebSocket-Version: 13\r\n") != std::string::npos);
}

TEST_CASE("websocket: a wrong Sec-WebSocket-Accept is refused", "[websocket]") {
    ScriptedServer server(
        [](const std::string&) {
            return std::string(
                "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                "Sec-WebSocket-Accept: AAAAAAAAAAAAAAAAAAAAAAAAAAA=\r\n\r\n");
        },
        nullptr);
    Recorder rec;
    test::LoopThread lt;
    net::WebSocket ws(lt.loop, rec);
    lt.sync([&] { ws.open(options(server.url())); });
    REQUIRE(rec.wait_end());
    lt.sync([] {});
    CHECK_FALSE(rec.opened);
    CHECK(rec.ended->kind == net::WebSocketEnd::Kind::bad_handshake);
}

TEST_CASE("websocket: a 101 without Connection: Upgrade is refused and named", "[websocket]") {
    ScriptedServer server(
        [](const std::string& key) {
            return "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nSec-WebSocket-Accept: " +
                   net::websocket_accept(key) + "\r\n\r\n";
        },
        nullptr);
    Recorder rec;
    test::LoopThread lt;
    net::WebSocket ws(lt.loop, rec);
    lt.sync([&] { ws.open(options(server.url())); });
    REQUIRE(rec.wait_end());
    lt.sync([] {});
    CHECK_FALSE(rec.opened);
    CHECK(rec.ended->kind == net::WebSocketEnd::Kind::bad_handshake);
    CHECK(rec.ended->detail == "the 101 answer has no Connection header");
}

TEST_CASE("websocket: a refused upgrade reports its status and Retry-After", "[websocket]") {
    ScriptedServer server(
        [](const std::string&) {
            return std::string("HTTP/1.1 429 Too Many\r\nRetry-After: 7\r\nContent-Length: 0\r\n\r\n");
        },
        nullptr);
    Recorder rec;
    test::LoopThread lt;
    net::WebSocket ws(lt.loop, rec);
    lt.sync([&] { ws.open(options(server.url())); });
    REQUIRE(rec.wait_end());
    lt.sync([] {});
    CHECK(rec.ended->kind == net::WebSocketEnd::Kind::upgrade_refused);
    CHECK(rec.ended->status == 429);
    CHECK(rec.ended->retry_after == "7");
}

TEST_CASE("websocket: a message over the bound closes the socket with 1009", "[websocket]") {
    std::string close_payload;
    Recorder rec;
    {
        ScriptedServer server(switching, [&](int fd, ScriptedServer&) {
            ScriptedServer::send_all(fd, ScriptedServer::frame(0x1, std::string(2000, 'x')));
            close_payload = ScriptedServer::read_client_frame(fd);
        });
        test::LoopThread lt;
        net::WebSocket ws(lt.loop, rec);
        net::WebSocketOptions o = options(server.url());
        o.max_message = 1024;
        lt.sync([&] { ws.open(o); });
        REQUIRE(rec.wait_end());
        lt.sync([] {});
    }  // the server's thread has ended: close_payload is what the client sent
    CHECK(rec.messages.empty());
    CHECK(rec.ended->detail.find("larger than 1024") != std::string::npos);
    // The close frame's payload opens with the code, big-endian: 1009 = 0x03F1.
    REQUIRE(close_payload.size() >= 2);
    CHECK(static_cast<unsigned char>(close_payload[0]) == 0x03);
    CHECK(static_cast<unsigned char>(close_payload[1]) == 0xF1);
}

TEST_CASE("websocket: the peer vanishing without a close frame ends the socket", "[websocket]") {
    ScriptedServer server(switching, [](int fd, ScriptedServer&) { shutdown(fd, SHUT_RDWR); });
    Recorder rec;
    test::LoopThread lt;
    net::WebSocket ws(lt.loop, rec);
    lt.sync([&] { ws.open(options(server.url())); });
    REQUIRE(rec.wait_end());
    lt.sync([] {});
    CHECK(rec.opened);
    CHECK(rec.ended->kind == net::WebSocketEnd::Kind::closed);
    CHECK(rec.ended->close_code == 0);
}
