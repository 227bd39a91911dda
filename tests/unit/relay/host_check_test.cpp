// The Host check of a loopback relay: loopback names pass, with or without
// a port; names an attacker can point at 127.0.0.1 do not, however much of
// a loopback name they begin with.
#include <catch2/catch.hpp>

#include "host_check.hpp"

using rtwatch::relay::loopback_host;

TEST_CASE("relay host check: localhost, 127.0.0.0/8 dotted quads and [::1], with a port or not", "[relay][host]") {
    for (const char* host : {"localhost", "LocalHost", "localhost:8080", "127.0.0.1", "127.0.0.1:8080", "127.1.2.3",
                             "127.255.255.255:65535", "127.0.0.0:0", "[::1]", "[::1]:8080", "127.0.0.1:1"}) {
        INFO(host);
        CHECK(loopback_host(host));
    }
}

TEST_CASE("relay host check: rebindable names and malformed hosts are refused", "[relay][host]") {
    for (const char* host : {"",
                             ":8080",
                             "127.0.0.1.evil.example",
                             "127.0.0.1.evil.example:8080",
                             "127.attacker.example",
                             "127.attacker.example:80",
                             "localhost.evil",
                             "localhost.evil:8080",
                             "localhost.",
                             "evil-localhost",
                             "[::1]x",
                             "[::1]:",
                             "[::1]:x",
                             "[::1",
                             "[::2]",
                             "[0:0:0:0:0:0:0:1]",
                             "127.0.0.1:",
                             "127.0.0.1:65536",
                             "127.0.0.1:123456",
                             "127.0.0.1:+80",
                             "127.0.0.1:80:80",
                             "127.0.0.1 ",
                             " 127.0.0.1",
                             "127.0.0",
                             "127.0.0.1.",
                             "127.0.0.1.2",
                             "127.0.0.256",
                             "127.0.00.1",
                             "127.0.0.01",
                             "0127.0.0.1",
                             "127.0.0.-1",
                             "127.0.0.0x1",
                             "128.0.0.1",
                             "10.0.0.1",
                             "0.0.0.0",
                             "2130706433",
                             "0x7f.0.0.1",
                             "127..0.1",
                             "localhost\t",
                             "localhost%00",
                             "user@localhost",
                             "evil.example",
                             "attacker.example:8080"}) {
        INFO("'" << host << "'");
        CHECK_FALSE(loopback_host(host));
    }
}
