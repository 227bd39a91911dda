// "What the tests enforce on the client" (docs: CONTRACT-TESTS.md), one test
// per rule, driven through the test service exactly as the public suite does.
#include <catch2/catch.hpp>

#include "harness.hpp"

using namespace std::chrono_literals;
using rtwatch::test::event_field;
using rtwatch::test::Harness;
using rtwatch::test::kind;

TEST_CASE("contract: the first request is a GET with the SSE headers and no Last-Event-ID", "[contract]") {
    Harness h;
    h.streams.stream("/s");
    h.create("/s");
    auto c = h.streams.await_connection();
    REQUIRE(c);
    CHECK(c->request.method == "GET");
    CHECK(c->request.header("Accept") == "text/event-stream");
    CHECK(c->request.header("Cache-Control") == "no-cache");
    CHECK(c->request.headers.count("Accept") == 1);
    CHECK_FALSE(c->request.has("Last-Event-ID"));
}

TEST_CASE("contract: headers, method, body and an initial Last-Event-ID go on the request", "[contract]") {
    Harness h;
    h.streams.stream("/s");
    h.create("/s", R"("headers":{"x-one":"1","content-type":"application/json; charset=utf-8"},)"
                   R"("method":"POST","body":"{\"hello\": \"world\"}","lastEventId":"abc",)");
    auto c = h.streams.await_connection();
    REQUIRE(c);
    CHECK(c->request.method == "POST");
    CHECK(c->request.body == "{\"hello\": \"world\"}");
    CHECK(c->request.header("x-one") == "1");
    CHECK(c->request.header("Content-Type") == "application/json; charset=utf-8");
    CHECK(c->request.header("Last-Event-ID") == "abc");
}

TEST_CASE("contract: a charset parameter on the content type is accepted", "[contract]") {
    Harness h;
    h.streams.stream("/s", "text/event-stream; charset=utf-8");
    auto [n, loc] = h.create("/s");
    auto c = h.streams.await_connection();
    REQUIRE(c);
    c->send("data: Hello\n\n");
    auto d = h.callbacks.get(n, 1);
    CHECK(kind(d) == "event");
}

TEST_CASE("contract: event fields follow the SSE rules", "[contract]") {
    Harness h;
    h.streams.stream("/s");
    auto [n, loc] = h.create("/s");
    auto c = h.streams.await_connection();
    REQUIRE(c);
    c->send("data: Hello\n\n");                               // default type message
    c->send("event: greeting\nid: abc\ndata:  two\r\n\r\n");  // one space removed, CRLF
    c->send("data\rdata\r\r");                                // no colon = empty data, CR ends
    c->send(std::string("id: a\0b\ndata: nul\n\n", 19));      // NUL id ignored: abc carries over
    c->send("id:\ndata: reset\n\n");                          // empty id resets
    c->send(":a comment\n");
    struct Want {
        const char *type, *data, *id;
    };
    std::vector<Want> want{{"message", "Hello", ""},
                           {"greeting", " two", "abc"},
                           {"message", "\n", "abc"},
                           {"message", "nul", "abc"},
                           {"message", "reset", ""}};
    for (std::size_t i = 0; i < want.size(); ++i) {
        auto d = h.callbacks.get(n, static_cast<long>(i + 1));
        REQUIRE(kind(d) == "event");
        CHECK(event_field(d, "type") == want[i].type);
        CHECK(event_field(d, "data") == want[i].data);
        CHECK(event_field(d, "id") == want[i].id);
    }
    auto comment = h.callbacks.get(n, 6);
    CHECK(kind(comment) == "comment");
    CHECK(std::string(comment["comment"].GetString()) == "a comment");
}

TEST_CASE("contract: a CR at the end of a chunk dispatches without waiting", "[contract]") {
    Harness h;
    h.streams.stream("/s");
    auto [n, loc] = h.create("/s");
    auto c = h.streams.await_connection();
    REQUIRE(c);
    c->send("data: a\r\r");  // nothing follows: the event must not wait for a possible LF
    CHECK(event_field(h.callbacks.get(n, 1), "data") == "a");
}

TEST_CASE("contract: UTF-8 split across chunks and a split BOM are handled", "[contract]") {
    Harness h;
    h.streams.stream("/s");
    auto [n, loc] = h.create("/s");
    auto c = h.streams.await_connection();
    REQUIRE(c);
    std::string text =
        "\xEF\xBB\xBF"
        "data: \xE2\x82\xAC\xE8\xB1\x86\n\n\xEF\xBB\xBF"
        "data: x\n\n";
    for (char ch : text) c->send(std::string(1, ch));
    c->send("data: after\n\n");
    CHECK(event_field(h.callbacks.get(n, 1), "data") == "\xE2\x82\xAC\xE8\xB1\x86");
    // The second BOM is not at the start: it makes "\xEF\xBB\xBF" "data" an unknown field.
    CHECK(event_field(h.callbacks.get(n, 2), "data") == "after");
}

TEST_CASE("contract: a 10 MB event arrives within 5 s", "[contract]") {
    Harness h;
    h.streams.stream("/s");
    auto [n, loc] = h.create("/s");
    auto c = h.streams.await_connection();
    REQUIRE(c);
    std::string big(10 << 20, 'x');
    auto t0 = std::chrono::steady_clock::now();
    c->send("data: " + big + "\n\n");
    auto d = h.callbacks.get(n, 1, 5000ms);
    CHECK(std::chrono::steady_clock::now() - t0 < 5s);
    CHECK(event_field(d, "data").size() == big.size());
}

TEST_CASE("contract: after the stream ends the half event is dropped and the client reconnects with its id",
          "[contract]") {
    Harness h;
    h.streams.stream("/s");
    auto [n, loc] = h.create("/s", R"("initialDelayMs":300,)");
    auto c1 = h.streams.await_connection();
    REQUIRE(c1);
    c1->send("id: a\ndata: 1\n\nid: b\ndata: half");
    CHECK(event_field(h.callbacks.get(n, 1), "id") == "a");
    c1->cut();
    CHECK(kind(h.callbacks.get(n, 2)) == "error");
    auto t_error = std::chrono::steady_clock::now();
    auto c2 = h.streams.await_connection();
    REQUIRE(c2);
    CHECK(std::chrono::steady_clock::now() - t_error >= 250ms);  // initialDelayMs, less callback latency
    CHECK(c2->request.header("Last-Event-ID") == "a");
    c2->send("data: 2\n\n");
    auto d = h.callbacks.get(n, 3);
    CHECK(event_field(d, "data") == "2");
    CHECK(event_field(d, "id") == "a");
}

TEST_CASE("contract: 301 and 307 redirects are followed", "[contract]") {
    for (int status : {301, 307}) {
        Harness h;
        h.streams.handle("/old", [&](const httplib::Request&, httplib::Response& res) {
            res.status = status;
            res.set_header("Location", "/new");
        });
        h.streams.stream("/new");
        auto [n, loc] = h.create("/old");
        auto c = h.streams.await_connection();
        REQUIRE(c);
        CHECK(c->request.path == "/new");
        c->send("data: moved\n\n");
        CHECK(event_field(h.callbacks.get(n, 1), "data") == "moved");
    }
}

TEST_CASE("contract: a redirect without a Location is an error callback", "[contract]") {
    Harness h;
    h.streams.handle("/old", [](const httplib::Request&, httplib::Response& res) { res.status = 307; });
    auto [n, loc] = h.create("/old", R"("initialDelayMs":5000,)");
    CHECK(kind(h.callbacks.get(n, 1)) == "error");
}

TEST_CASE("contract: a read timeout is an error callback, then a reconnect", "[contract]") {
    Harness h;
    h.streams.stream("/s");
    auto [n, loc] = h.create("/s", R"("readTimeoutMs":300,)");
    auto c1 = h.streams.await_connection();
    REQUIRE(c1);
    c1->send("data: Hello\n\n");
    CHECK(kind(h.callbacks.get(n, 1)) == "event");
    CHECK(kind(h.callbacks.get(n, 2)) == "error");
    REQUIRE(h.streams.await_connection(5s));
}

TEST_CASE("contract: after a 204 the client makes no new request", "[contract]") {
    Harness h;
    h.streams.handle("/s", [](const httplib::Request&, httplib::Response& res) { res.status = 204; });
    auto [n, loc] = h.create("/s");  // initialDelayMs 0: a reconnect would come at once
    REQUIRE(h.streams.await_requests(1));
    CHECK(kind(h.callbacks.get(n, 1)) == "error");
    CHECK_FALSE(h.streams.await_requests(2, 1200ms));
}
