// rtwatch relay against hostile peers on the network: Host names that a
// rebound DNS name would send, malformed heads.
#include "relay_support.hpp"

using namespace rtwatch::test;

namespace {

// The status code of the answer to `head` sent whole on a fresh connection.
int status_of(int port, const std::string& head) {
    int fd = raw_connect(port, head);
    auto answer = read_to_close(fd, 5s);
    ::close(fd);
    if (!answer.starts_with("HTTP/1.1 ")) return 0;
    return std::stoi(answer.substr(9, 3));
}

std::string get_with_host(const std::string& path, const std::string& host) {
    return "GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n";
}

}  // namespace

TEST_CASE("relay: a loopback relay refuses every Host that is not a loopback name", "[relay][host]") {
    Sim sim(busy_model());
    auto relay = start_relay(sim, {});
    const std::string port = std::to_string(relay.port);
    for (const std::string& host : std::vector<std::string>{"127.0.0.1:" + port, "localhost:" + port, "[::1]:" + port,
                                                            "127.0.0.1", "127.9.8.7:" + port}) {
        INFO("Host: " << host);
        CHECK(status_of(relay.port, get_with_host("/state", host)) == 200);
    }
    for (const std::string& host : std::vector<std::string>{
             "127.0.0.1.evil.example:" + port, "127.attacker.example", "localhost.evil", "localhost.evil:" + port,
             "[::1]x", "", "127.0.0.1:" + port + "x", "127.0.0.01:" + port, "evil.example:" + port}) {
        INFO("Host: '" << host << "'");
        CHECK(status_of(relay.port, get_with_host("/state", host)) == 403);
        CHECK(status_of(relay.port, get_with_host("/events", host)) == 403);
    }
    // No Host at all is no loopback name either.
    CHECK(status_of(relay.port, "GET /state HTTP/1.1\r\nConnection: close\r\n\r\n") == 403);
}

TEST_CASE("relay: white space before a header's colon, a folded line or two Hosts are a 400", "[relay][host]") {
    Sim sim(busy_model());
    auto relay = start_relay(sim, {});
    CHECK(status_of(relay.port, "GET /state HTTP/1.1\r\nHost : evil.example\r\n\r\n") == 400);
    CHECK(status_of(relay.port, "GET /state HTTP/1.1\r\nHost: 127.0.0.1\r\nHost : evil.example\r\n\r\n") == 400);
    CHECK(status_of(relay.port, "GET /state HTTP/1.1\r\nHost: 127.0.0.1\r\n .evil.example\r\n\r\n") == 400);
    CHECK(status_of(relay.port, "GET /state HTTP/1.1\r\nHost: 127.0.0.1\r\nHost: evil.example\r\n\r\n") == 400);
    CHECK(status_of(relay.port, "GET /state HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n") == 200);
}

TEST_CASE("relay: a duration past 720h is a 400 in a query and exit 2 as an option", "[relay][duration]") {
    Sim sim(busy_model());
    auto relay = start_relay(sim, {});
    auto r = http_get(relay.port, "/events?throttle=3000000h");
    CHECK(r.status == 400);
    CHECK(parse_json(r.body)["parameter"].GetString() == std::string("throttle"));
    CHECK(http_get(relay.port, "/state?throttle=721h").status == 400);
    for (const auto& args :
         std::vector<std::vector<std::string>>{{"--throttle", "3000000h"}, {"relay", "--viewer-timeout", "3000000h"}}) {
        auto all = args;
        all.insert(all.end(), {"--api-url", "http://127.0.0.1:1", "--client-id", "x"});
        auto p = start_rtwatch_raw(all, {{"RTWATCH_CLIENT_SECRET", "s"}});
        auto st = p->wait_for(10s);
        REQUIRE(st);
        INFO(p->stderr_text());
        CHECK(st->code == 2);
        CHECK(p->stderr_text().find("longer than 720h") != std::string::npos);
    }
}
