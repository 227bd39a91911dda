// SseConnection and HTTP: status and Content-Type checks, redirects, and the
// request method and body on every attempt.
#include <catch2/catch.hpp>

#include "stream_fixture.hpp"

using namespace std::chrono_literals;
using Kind = rtwatch::net::StreamEnd::Kind;
using rtwatch::test::StreamFixture;

TEST_CASE("sse connection: a charset parameter on the content type is accepted", "[net]") {
    StreamFixture f;
    f.server.stream("/s", "Text/Event-Stream; charset=utf-8");
    f.open("/s");
    auto c = f.server.await_connection();
    REQUIRE(c);
    c->send("data: \xE2\x82\xAC\n\n");
    REQUIRE(f.wait_events(1));
    CHECK(f.log.get().events[0] == "message|\xE2\x82\xAC|");
}

TEST_CASE("sse connection: a wrong content type ends with bad_content_type", "[net]") {
    StreamFixture f;
    f.server.stream("/s", "text/event-streamer");
    f.open("/s");
    auto end = f.wait_end();
    REQUIRE(end);
    CHECK(end->kind == Kind::bad_content_type);
    CHECK(end->content_type == "text/event-streamer");
    CHECK(f.log.get().opens == 0);
}

TEST_CASE("sse connection: a non-200 status ends with the status, Retry-After and body", "[net]") {
    StreamFixture f;
    f.server.handle("/s", [](const httplib::Request&, httplib::Response& res) {
        res.status = 503;
        res.set_header("Retry-After", "30");
        res.set_content("{\"code\":\"maintenance\"}", "application/json");
    });
    f.open("/s");
    auto end = f.wait_end();
    REQUIRE(end);
    CHECK(end->kind == Kind::http_status);
    CHECK(end->status == 503);
    CHECK(end->retry_after == "30");
    CHECK(end->content_type == "application/json");
    CHECK(end->body == "{\"code\":\"maintenance\"}");
}

TEST_CASE("sse connection: a 204 ends with status 204", "[net]") {
    StreamFixture f;
    f.server.handle("/s", [](const httplib::Request&, httplib::Response& res) { res.status = 204; });
    f.open("/s");
    auto end = f.wait_end();
    REQUIRE(end);
    CHECK(end->kind == Kind::http_status);
    CHECK(end->status == 204);
}

TEST_CASE("sse connection: a refused connection is a transport error", "[net]") {
    StreamFixture f;
    int port;
    {
        rtwatch::test::SseTestServer gone;
        port = gone.port();
    }
    rtwatch::net::StreamOptions o;
    o.request.url = "http://127.0.0.1:" + std::to_string(port) + "/s";
    f.open(o);
    auto end = f.wait_end();
    REQUIRE(end);
    CHECK(end->kind == Kind::transport_error);
    CHECK_FALSE(end->detail.empty());
}

TEST_CASE("sse connection: a body without a content type is sent as text/plain", "[net]") {
    StreamFixture f;
    f.server.stream("/s");
    auto o = f.options("/s");
    o.request.method = "POST";
    o.request.body = "hello";
    f.open(o);
    auto c = f.server.await_connection();
    REQUIRE(c);
    CHECK(c->request.method == "POST");
    CHECK(c->request.body == "hello");
    CHECK(c->request.header("Content-Type") == "text/plain");
}

TEST_CASE("sse connection: 307 and 308 redirects keep method, body and headers", "[net]") {
    for (int status : {307, 308}) {
        StreamFixture f;
        f.server.handle("/old", [status](const httplib::Request&, httplib::Response& res) {
            res.status = status;
            res.set_header("Location", "/new");
        });
        f.server.stream("/new");
        auto o = f.options("/old");
        o.request.method = "POST";
        o.request.body = "{\"a\":1}";
        o.request.headers = {"Content-Type: application/json", "Authorization: Bearer x"};
        f.open(o);
        auto c = f.server.await_connection();
        REQUIRE(c);
        CHECK(c->request.path == "/new");
        CHECK(c->request.method == "POST");
        CHECK(c->request.body == "{\"a\":1}");
        CHECK(c->request.header("Authorization") == "Bearer x");
        CHECK(c->request.header("Accept") == "text/event-stream");
    }
}

TEST_CASE("sse connection: a 301 redirect is followed", "[net]") {
    StreamFixture f;
    f.server.handle("/old", [&](const httplib::Request&, httplib::Response& res) {
        res.status = 301;
        res.set_header("Location", f.server.url("/new"));
    });
    f.server.stream("/new");
    f.open("/old");
    auto c = f.server.await_connection();
    REQUIRE(c);
    CHECK(c->request.method == "GET");
    c->send("data: moved\n\n");
    REQUIRE(f.wait_events(1));
    CHECK(f.log.get().ends.empty());
}

TEST_CASE("sse connection: a redirect without a Location is a redirect error", "[net]") {
    StreamFixture f;
    f.server.handle("/old", [](const httplib::Request&, httplib::Response& res) { res.status = 307; });
    f.open("/old");
    auto end = f.wait_end();
    REQUIRE(end);
    CHECK(end->kind == Kind::redirect_error);
    CHECK(end->status == 307);
}

TEST_CASE("sse connection: a redirect loop ends as a redirect loop", "[net]") {
    StreamFixture f;
    f.server.handle("/loop", [](const httplib::Request&, httplib::Response& res) {
        res.status = 302;
        res.set_header("Location", "/loop");
    });
    f.open("/loop");
    auto end = f.wait_end();
    REQUIRE(end);
    CHECK(end->kind == Kind::redirect_loop);
    CHECK(f.server.requests().size() == 11);
}
