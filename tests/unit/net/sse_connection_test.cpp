// SseConnection: the request it sends, how the body reaches the parser, and
// how a stream ends (EOF, idle timeout, close inside a callback).
#include <catch2/catch.hpp>

#include <algorithm>

#include <fmt/format.h>

#include "raw_http_server.hpp"
#include "stream_fixture.hpp"

using namespace std::chrono_literals;
using Kind = rtwatch::net::StreamEnd::Kind;
using rtwatch::test::StreamFixture;
using rtwatch::test::StreamLog;

TEST_CASE("sse connection: sends the SSE headers and no Last-Event-ID at first", "[net]") {
    StreamFixture f;
    f.server.stream("/s");
    auto o = f.options("/s");
    o.request.headers = {"Authorization: Bearer t0k", "X-Extra: 1"};
    f.open(o);
    auto c = f.server.await_connection();
    REQUIRE(c);
    CHECK(c->request.method == "GET");
    CHECK(c->request.header("Accept") == "text/event-stream");
    CHECK(c->request.header("Cache-Control") == "no-cache");
    CHECK(c->request.header("Authorization") == "Bearer t0k");
    CHECK(c->request.header("X-Extra") == "1");
    CHECK_FALSE(c->request.has("Last-Event-ID"));
}

TEST_CASE("sse connection: reopening sends the last event id received", "[net]") {
    StreamFixture f;
    f.server.stream("/s");
    f.open("/s");
    auto c1 = f.server.await_connection();
    REQUIRE(c1);
    c1->send("id: 41\ndata: a\n\nid: 42\ndata: half");  // the half event's id is dropped
    REQUIRE(f.wait_events(1));
    c1->end();
    REQUIRE(f.wait_end());
    f.open("/s");
    auto c2 = f.server.await_connection();
    REQUIRE(c2);
    CHECK(c2->request.header("Last-Event-ID") == "41");
}

TEST_CASE("sse connection: events are parsed as each chunk arrives", "[net]") {
    StreamFixture f;
    f.server.stream("/s");
    f.open("/s");
    auto c = f.server.await_connection();
    REQUIRE(c);
    c->send("event: greeting\ndata: Hel");
    REQUIRE(f.log.wait([](const StreamLog& l) { return l.calls.find('d') != std::string::npos; }));
    CHECK(f.log.get().events.empty());
    c->send("lo\n\n:ping\n");
    REQUIRE(f.wait_events(1));
    REQUIRE(f.log.wait([](const StreamLog& l) { return l.calls.size() >= 6; }));  // o b d b e d
    auto log = f.log.get();
    CHECK(log.opens == 1);
    CHECK(log.events == std::vector<std::string>{"greeting|Hello|"});
    CHECK(log.comments == std::vector<std::string>{"ping"});
    CHECK(log.calls.substr(0, 3) == "obd");
    INFO("calls " << log.calls);
    CHECK(log.calls.find("bed") != std::string::npos);  // bytes, then events, then chunk done
}

TEST_CASE("sse connection: a CR at the end of a chunk dispatches at once", "[net]") {
    StreamFixture f;
    f.server.stream("/s");
    f.open("/s");
    auto c = f.server.await_connection();
    REQUIRE(c);
    c->send("data: a\r\r");
    REQUIRE(f.wait_events(1));
}

TEST_CASE("sse connection: the server closing the stream is EOF", "[net]") {
    StreamFixture f;
    f.server.stream("/s");
    f.open("/s");
    auto c = f.server.await_connection();
    REQUIRE(c);
    c->send("data: last\n\n");
    c->end();
    auto end = f.wait_end();
    REQUIRE(end);
    CHECK(end->kind == Kind::eof);
    CHECK(f.log.get().events.size() == 1);
}

TEST_CASE("sse connection: a broken connection ends the stream", "[net]") {
    StreamFixture f;
    f.server.stream("/s");
    f.open("/s");
    auto c = f.server.await_connection();
    REQUIRE(c);
    c->send("data: x\n\n");
    REQUIRE(f.wait_events(1));
    c->cut();
    auto end = f.wait_end();
    REQUIRE(end);
    CHECK((end->kind == Kind::transport_error || end->kind == Kind::eof));
}

TEST_CASE("sse connection: silence longer than the idle timeout ends the stream", "[net]") {
    StreamFixture f;
    f.server.stream("/s");
    auto o = f.options("/s");
    o.idle_timeout = rtwatch::Millis(200);
    auto t0 = rtwatch::SteadyClock::now();
    f.open(o);
    auto c = f.server.await_connection();
    REQUIRE(c);
    c->send("data: a\n\n");
    auto end = f.wait_end();
    REQUIRE(end);
    CHECK(end->kind == Kind::idle_timeout);
    CHECK(rtwatch::SteadyClock::now() - t0 >= 200ms);
    CHECK(f.log.get().events.size() == 1);
}

TEST_CASE("sse connection: bytes keep an idle-watched stream alive", "[net]") {
    StreamFixture f;
    f.server.stream("/s");
    auto o = f.options("/s");
    o.idle_timeout = rtwatch::Millis(300);
    f.open(o);
    auto c = f.server.await_connection();
    REQUIRE(c);
    // Each comment is sent once the previous one arrived, for about 3 idle periods.
    auto t0 = rtwatch::SteadyClock::now();
    for (std::size_t i = 1; rtwatch::SteadyClock::now() - t0 < 900ms; ++i) {
        c->send(":beat\n");
        REQUIRE(f.log.wait([&](const StreamLog& l) { return l.comments.size() >= i; }));
        f.log.wait([](const StreamLog& l) { return !l.ends.empty(); }, 100ms);  // pacing; fails the test if it ends
        REQUIRE(f.log.get().ends.empty());
    }
}

TEST_CASE("sse connection: close() inside on_event stops all callbacks", "[net]") {
    StreamFixture f;
    f.server.stream("/s");
    f.handler.after_event = [&](const rtwatch::sse::Event&) { f.conn->close(); };
    f.open("/s");
    auto c = f.server.await_connection();
    REQUIRE(c);
    c->send("data: 1\n\ndata: 2\n\ndata: 3\n\n");
    REQUIRE(f.wait_events(1));
    // The handler ran inside the chunk's callback: once the loop runs this,
    // the rest of that chunk has been dealt with.
    f.lt.sync([&] { CHECK_FALSE(f.conn->is_open()); });
    auto log = f.log.get();
    CHECK(log.events.size() == 1);
    CHECK(log.ends.empty());
    CHECK(log.calls == "obe");  // no chunk-done after close
}

TEST_CASE("sse connection: open() inside on_event reconnects at once", "[net]") {
    StreamFixture f;
    f.server.stream("/s");
    int reopened = 0;
    f.handler.after_event = [&](const rtwatch::sse::Event&) {
        if (reopened++ == 0) f.conn->open(f.options("/s"));
    };
    f.open("/s");
    auto c1 = f.server.await_connection();
    REQUIRE(c1);
    c1->send("id: 5\ndata: 1\n\ndata: dropped\n\n");
    auto c2 = f.server.await_connection();
    REQUIRE(c2);
    CHECK(c2->request.header("Last-Event-ID") == "5");
    c2->send("data: 2\n\n");
    REQUIRE(f.wait_events(2));
    auto log = f.log.get();
    CHECK(log.events == std::vector<std::string>{"message|1|5", "message|2|5"});
    CHECK(log.ends.empty());
}

TEST_CASE("sse connection: a REPORT request carries its body", "[net]") {
    rtwatch::test::RawHttpServer raw(
        "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n\r\ndata: ok\n\n");
    StreamFixture f;
    rtwatch::net::StreamOptions o;
    o.request.url = raw.url("/r");
    o.request.method = "REPORT";
    o.request.body = "{\"q\":1}";
    o.request.headers = {"Content-Type: application/json"};
    f.open(o);
    auto end = f.wait_end();
    REQUIRE(end);
    CHECK(end->kind == Kind::eof);
    CHECK(f.log.get().events == std::vector<std::string>{"message|ok|"});
    CHECK(raw.request().rfind("REPORT /r HTTP/1.1\r\n", 0) == 0);
    CHECK(raw.request().find("Content-Type: application/json\r\n") != std::string::npos);
    CHECK(raw.request().find("\r\n\r\n{\"q\":1}") != std::string::npos);
}

TEST_CASE("sse connection: the HTTP chunks of one read end in one chunk-done, after their events", "[net]") {
    // Eight chunks in one write: one read on the client. Output is flushed
    // per read, so a stream of small HTTP chunks is not a write per chunk.
    std::string answer = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n";
    for (int i = 0; i < 8; ++i) {
        const std::string event = "data: " + std::to_string(i) + "\n\n";
        answer += fmt::format("{:x}\r\n{}\r\n", event.size(), event);
    }
    answer += "0\r\n\r\n";
    rtwatch::test::RawHttpServer raw(answer);
    StreamFixture f;
    rtwatch::net::StreamOptions o;
    o.request.url = raw.url("/s");
    f.open(o);
    REQUIRE(f.wait_end());
    const auto log = f.log.get();
    INFO("calls " << log.calls);
    CHECK(log.events.size() == 8);
    const auto count = [&](char c) { return std::count(log.calls.begin(), log.calls.end(), c); };
    CHECK(count('b') == 8);  // one write callback per HTTP chunk
    CHECK(count('d') >= 1);
    CHECK(count('d') < count('b'));
    CHECK(log.calls.rfind('e') < log.calls.rfind('d'));  // events first, then the end of the batch
}
