// The upgrade's answer judged without a socket: every header RFC 6455
// section 4.1 asks of a 101, each failure named.
#include "rtwatch/net/websocket_handshake.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <string_view>

using namespace rtwatch;
using Kind = net::UpgradeVerdict::Kind;

namespace {

// The RFC's own example key and accept.
constexpr const char* k_key = "dGhlIHNhbXBsZSBub25jZQ==";
#define ACCEPT "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="
constexpr const char* k_accept = ACCEPT;

std::string answer(std::string_view status, std::string_view headers) {
    std::string head(status);
    head.append("\r\n").append(headers).append("\r\n");
    return head;
}
std::string good_headers() {
    return "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: " ACCEPT "\r\n";
}
net::UpgradeVerdict judge(const std::string& head) { return net::judge_upgrade_answer(head, k_key); }

}  // namespace

TEST_CASE("websocket handshake: the RFC 6455 example key gives the example accept", "[websocket]") {
    CHECK(net::websocket_accept(k_key) == k_accept);
}

TEST_CASE("websocket handshake: a complete 101 opens", "[websocket]") {
    auto v = judge(answer("HTTP/1.1 101 Switching Protocols", good_headers()));
    CHECK(v.kind == Kind::open);
    CHECK(v.status == 101);
    CHECK(v.problem.empty());
}

TEST_CASE("websocket handshake: header names and the tokens are case-insensitive", "[websocket]") {
    auto v =
        judge(answer("HTTP/1.1 101 Switching Protocols",
                     "upgrade: WebSocket\r\nCONNECTION: keep-alive, UPGRADE\r\nsec-websocket-accept: " ACCEPT "\r\n"));
    CHECK(v.kind == Kind::open);
}

TEST_CASE("websocket handshake: the upgrade token may be in any Connection header", "[websocket]") {
    auto v = judge(answer("HTTP/1.1 101 Switching Protocols",
                          "Upgrade: websocket\r\nConnection: keep-alive\r\nConnection: upgrade\r\n"
                          "Sec-WebSocket-Accept: " ACCEPT "\r\n"));
    CHECK(v.kind == Kind::open);
}

TEST_CASE("websocket handshake: a status other than 101 is a refusal with its Retry-After", "[websocket]") {
    auto v = judge(answer("HTTP/1.1 503 Service Unavailable", "Retry-After: 7\r\n"));
    CHECK(v.kind == Kind::refused);
    CHECK(v.status == 503);
    CHECK(v.retry_after == "7");
    CHECK(v.problem == "the upgrade was answered 503");
}

TEST_CASE("websocket handshake: no status line is malformed", "[websocket]") {
    for (const char* line : {"", "garbage", "HTTP/1.1", "HTTP/1.1 1x1 Switching", "HTTP/1.1 1011 Switching"}) {
        auto v = judge(answer(line, good_headers()));
        CHECK(v.kind == Kind::malformed);
        CHECK(v.problem == "the upgrade's answer has no valid HTTP status line");
    }
}

TEST_CASE("websocket handshake: a 101 without Upgrade is named", "[websocket]") {
    auto v = judge(
        answer("HTTP/1.1 101 Switching Protocols", "Connection: Upgrade\r\nSec-WebSocket-Accept: " ACCEPT "\r\n"));
    CHECK(v.kind == Kind::malformed);
    CHECK(v.problem == "the 101 answer has no Upgrade header");
}

TEST_CASE("websocket handshake: a 101 upgrading to something else is named", "[websocket]") {
    auto v = judge(answer("HTTP/1.1 101 Switching Protocols",
                          "Upgrade: h2c\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: " ACCEPT "\r\n"));
    CHECK(v.kind == Kind::malformed);
    CHECK(v.problem == "the 101 answer's Upgrade is 'h2c', not websocket");
}

TEST_CASE("websocket handshake: a 101 without a Connection header is named", "[websocket]") {
    auto v =
        judge(answer("HTTP/1.1 101 Switching Protocols", "Upgrade: websocket\r\nSec-WebSocket-Accept: " ACCEPT "\r\n"));
    CHECK(v.kind == Kind::malformed);
    CHECK(v.problem == "the 101 answer has no Connection header");
}

TEST_CASE("websocket handshake: a Connection without the upgrade token is named", "[websocket]") {
    auto v =
        judge(answer("HTTP/1.1 101 Switching Protocols",
                     "Upgrade: websocket\r\nConnection: keep-alive, upgraded\r\nSec-WebSocket-Accept: " ACCEPT "\r\n"));
    CHECK(v.kind == Kind::malformed);
    CHECK(v.problem == "the 101 answer's Connection is 'keep-alive, upgraded', without the upgrade token");
}

TEST_CASE("websocket handshake: a missing or wrong Sec-WebSocket-Accept is named", "[websocket]") {
    auto none = judge(answer("HTTP/1.1 101 Switching Protocols", "Upgrade: websocket\r\nConnection: Upgrade\r\n"));
    CHECK(none.kind == Kind::malformed);
    CHECK(none.problem == "the 101 answer has no Sec-WebSocket-Accept header");
    auto wrong = judge(answer("HTTP/1.1 101 Switching Protocols",
                              "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: AAAA=\r\n"));
    CHECK(wrong.kind == Kind::malformed);
    CHECK(wrong.problem ==
          "the 101 answer's Sec-WebSocket-Accept 'AAAA=' does not match the key sent (expected '" ACCEPT "')");
    auto twice = judge(answer("HTTP/1.1 101 Switching Protocols",
                              std::string(good_headers()).append("Sec-WebSocket-Accept: " ACCEPT "\r\n")));
    CHECK(twice.problem == "the 101 answer has more than one Sec-WebSocket-Accept header");
}

TEST_CASE("websocket handshake: an extension or subprotocol not asked for is named", "[websocket]") {
    auto ext = judge(answer("HTTP/1.1 101 Switching Protocols",
                            std::string(good_headers()).append("Sec-WebSocket-Extensions: permessage-deflate\r\n")));
    CHECK(ext.kind == Kind::malformed);
    CHECK(ext.problem == "the 101 answer picks the extension 'permessage-deflate', which was not asked for");
    auto proto = judge(answer("HTTP/1.1 101 Switching Protocols",
                              std::string(good_headers()).append("Sec-WebSocket-Protocol: chat\r\n")));
    CHECK(proto.problem == "the 101 answer picks the subprotocol 'chat', which was not asked for");
}

TEST_CASE("websocket handshake: a server's value is quoted short and printable", "[websocket]") {
    auto v = judge(answer("HTTP/1.1 101 Switching Protocols",
                          std::string("Upgrade: ").append(200, 'x').append("\x01\r\nConnection: Upgrade\r\n")));
    CHECK(v.problem == "the 101 answer's Upgrade is '" + std::string(60, 'x') + "...', not websocket");
    auto ctl = judge(answer("HTTP/1.1 101 Switching Protocols", "Upgrade: a\x1b[2Jb\r\n"));
    CHECK(ctl.problem == "the 101 answer's Upgrade is 'a?[2Jb', not websocket");
}
