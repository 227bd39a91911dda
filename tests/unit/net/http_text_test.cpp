// The request head parser on its own: what it takes, and the shapes a proxy
// in front could read another way (refused, so the server answers 400).
#include <catch2/catch.hpp>

#include "http_text.hpp"

using namespace rtwatch;
using namespace std::string_literals;

namespace {

bool parses(std::string_view head) {
    net::HttpRequest r;
    return net::detail::parse_head(head, r);
}

}  // namespace

TEST_CASE("http head: request line, query, lowercased names and trimmed values", "[http][head]") {
    net::HttpRequest r;
    REQUIRE(
        net::detail::parse_head("GET /state?queueId=q1 HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nX-Test:\tyes \r\n\r\n", r));
    CHECK(r.method == "GET");
    CHECK(r.path == "/state");
    CHECK(r.query == "queueId=q1");
    CHECK(r.header("host") == "127.0.0.1:8080");
    CHECK(r.header("x-test") == "yes");
    CHECK(parses("GET / HTTP/1.0\n\n"));
    CHECK(parses("GET / HTTP/1.1\r\nX-Empty:\r\n\r\n"));
}

TEST_CASE("http head: white space before a header's colon is refused", "[http][head]") {
    CHECK_FALSE(parses("GET / HTTP/1.1\r\nHost : evil.example\r\n\r\n"));
    CHECK_FALSE(parses("GET / HTTP/1.1\r\nHost\t: evil.example\r\n\r\n"));
    CHECK_FALSE(parses("GET / HTTP/1.1\r\nHo st: x\r\n\r\n"));
    CHECK_FALSE(parses("GET / HTTP/1.1\r\n: x\r\n\r\n"));
    CHECK_FALSE(parses("GET / HTTP/1.1\r\nno colon\r\n\r\n"));
}

TEST_CASE("http head: folded lines, two Hosts and control bytes are refused", "[http][head]") {
    CHECK_FALSE(parses("GET / HTTP/1.1\r\nHost: localhost\r\n evil.example\r\n\r\n"));
    CHECK_FALSE(parses("GET / HTTP/1.1\r\nHost: localhost\r\n\tevil\r\n\r\n"));
    CHECK_FALSE(parses("GET / HTTP/1.1\r\nHost: localhost\r\nhost: evil.example\r\n\r\n"));
    CHECK_FALSE(parses("GET / HTTP/1.1\r\nHost: local\0host\r\n\r\n"s));
    CHECK_FALSE(parses("GET / HTTP/1.1\r\nHost: localhost\revil\r\n\r\n"));
}

TEST_CASE("http head: a malformed request line is refused", "[http][head]") {
    CHECK_FALSE(parses("GET /a b HTTP/1.1\r\n\r\n"));
    CHECK_FALSE(parses("GET / HTTP/2.0\r\n\r\n"));
    CHECK_FALSE(parses("GET / HTTP/1.10\r\n\r\n"));
    CHECK_FALSE(parses("GET http://x/ HTTP/1.1\r\n\r\n"));
    CHECK_FALSE(parses("G(T / HTTP/1.1\r\n\r\n"));
    CHECK_FALSE(parses("GET\r\n\r\n"));
    CHECK_FALSE(parses("GET /\x7f HTTP/1.1\r\n\r\n"));
}
