// The test service's own HTTP API: status, creating, commanding and deleting
// clients, as the public suite calls it.
#include <catch2/catch.hpp>

#include "harness.hpp"

using namespace std::chrono_literals;
using rtwatch::test::Harness;
using rtwatch::test::kind;

TEST_CASE("contract service: the status resource names every capability", "[contract]") {
    Harness h;
    auto res = h.http().Get("/");
    REQUIRE(res);
    CHECK(res->status == 200);
    rapidjson::Document d;
    d.Parse(res->body.c_str());
    REQUIRE(d.IsObject());
    CHECK(std::string(d["name"].GetString()) == "rtwatch-sse");
    std::set<std::string> caps;
    for (auto& c : d["capabilities"].GetArray()) caps.insert(c.GetString());
    CHECK(caps == std::set<std::string>{"bom", "comments", "event-type-listeners", "headers", "last-event-id", "post",
                                        "report", "read-timeout", "restart", "server-directed-shutdown-request"});
}

TEST_CASE("contract service: bad client parameters are answered with 400", "[contract]") {
    Harness h;
    for (std::string body : {"", "[]", R"({"callbackUrl":"http://x"})", R"({"streamUrl":"http://x"})",
                             R"({"streamUrl":"http://x","callbackUrl":"http://y","initialDelayMs":"soon"})",
                             R"({"streamUrl":"http://x","callbackUrl":"http://y","headers":{"a":1}})"}) {
        auto res = h.http().Post("/", body, "application/json");
        REQUIRE(res);
        CHECK(res->status == 400);
    }
}

TEST_CASE("contract service: commands to unknown clients get 404, unknown commands 400", "[contract]") {
    Harness h;
    h.streams.stream("/s");
    auto [n, location] = h.create("/s");
    REQUIRE(h.streams.await_connection());
    CHECK(location == "/streams/1");
    CHECK(h.http().Post("/streams/99", R"({"command":"restart"})", "application/json")->status == 404);
    CHECK(h.http().Post(location.c_str(), R"({"command":"dance"})", "application/json")->status == 400);
    CHECK(h.http().Post(location.c_str(), R"({"command":"listen","listen":{"type":"greeting"}})", "application/json")
                  ->status /
              100 ==
          2);
    CHECK(h.http().Delete("/streams/99")->status == 404);
}

TEST_CASE("contract service: a deleted client sends no more callbacks", "[contract]") {
    Harness h;
    h.streams.stream("/s");
    auto [n, location] = h.create("/s");
    auto c = h.streams.await_connection();
    REQUIRE(c);
    c->send("data: one\n\n");
    CHECK(kind(h.callbacks.get(n, 1)) == "event");
    CHECK(h.http().Delete(location.c_str())->status / 100 == 2);
    c->send("data: two\n\n");
    // The connection is dropped: the server sees its stream end.
    CHECK_THROWS(h.callbacks.get(n, 2, 500ms));
}

TEST_CASE("contract service: DELETE / stops the service", "[contract]") {
    rtwatch::contract::TestService service;
    int port = service.bind(0).value();
    std::thread t([&] { service.serve(); });
    httplib::Client c("127.0.0.1", port);
    // Answered 2xx; serve() then returns and the thread ends.
    auto res = c.Delete("/");
    REQUIRE(res);
    CHECK(res->status / 100 == 2);
    t.join();
}

TEST_CASE("contract service: a restart reconnects at once and the next callback is an event", "[contract]") {
    Harness h;
    h.streams.stream("/s");
    auto [n, location] = h.create("/s", R"("initialDelayMs":5000,)");
    auto c1 = h.streams.await_connection();
    REQUIRE(c1);
    c1->send("data: Hello\n\n");
    CHECK(kind(h.callbacks.get(n, 1)) == "event");
    CHECK(h.http().Post(location.c_str(), R"({"command":"restart"})", "application/json")->status / 100 == 2);
    auto c2 = h.streams.await_connection(2s);  // well before the 5 s reconnect delay
    REQUIRE(c2);
    c2->send("data: Thanks\n\n");
    auto d = h.callbacks.get(n, 2);
    CHECK(kind(d) == "event");
    CHECK(rtwatch::test::event_field(d, "data") == "Thanks");
}

TEST_CASE("contract service: callbacks are numbered without gaps when events outpace them", "[contract]") {
    Harness h;
    h.streams.stream("/s");
    h.callbacks.hold.update([](bool& v) { v = true; });
    auto [n, location] = h.create("/s");
    auto c = h.streams.await_connection();
    REQUIRE(c);
    std::string all;
    for (int i = 0; i < 100; ++i) all += "data: m" + std::to_string(i) + "\n\n";
    c->send(all);
    c->send(":done\n");
    h.callbacks.hold.update([](bool& v) { v = false; });
    for (int i = 0; i < 100; ++i) {
        auto d = h.callbacks.get(n, i + 1);
        REQUIRE(kind(d) == "event");
        CHECK(rtwatch::test::event_field(d, "data") == "m" + std::to_string(i));
    }
    CHECK(kind(h.callbacks.get(n, 101)) == "comment");
}

TEST_CASE("contract service: many clients stream at once", "[contract]") {
    Harness h;
    h.streams.stream("/s");
    std::vector<int> ids;
    for (int i = 0; i < 12; ++i) ids.push_back(h.create("/s").first);
    std::vector<std::shared_ptr<rtwatch::test::StreamConn>> conns;
    for (int i = 0; i < 12; ++i) {
        conns.push_back(h.streams.await_connection());
        REQUIRE(conns.back());
    }
    for (std::size_t i = 0; i < conns.size(); ++i) conns[i]->send("data: hi " + std::to_string(i) + "\n\n");
    std::set<std::string> seen;
    for (int id : ids) seen.insert(rtwatch::test::event_field(h.callbacks.get(id, 1), "data"));
    CHECK(seen.size() == 12);
}
