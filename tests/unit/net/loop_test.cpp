// The event loop: timers, cancellation, cross-thread wakeups, watched fds and
// one-shot requests against a real loopback HTTP server.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <optional>

#include "loop_thread.hpp"
#include "sse_test_server.hpp"

using namespace std::chrono_literals;
using rtwatch::SteadyClock;
using rtwatch::net::Loop;
using rtwatch::net::Request;
using rtwatch::net::Response;
using rtwatch::test::LoopThread;
using rtwatch::test::SseTestServer;
using rtwatch::test::Watched;

TEST_CASE("loop: timers fire in time order", "[net]") {
    Loop loop;
    std::vector<int> order;
    auto t0 = SteadyClock::now();
    loop.add_timer(t0 + 30ms, [&] { order.push_back(3); });
    loop.add_timer(t0 + 10ms, [&] { order.push_back(1); });
    loop.add_timer(t0 + 20ms, [&] { order.push_back(2); });
    loop.add_timer(t0 + 20ms, [&] { order.push_back(22); });  // same time: in the order added
    loop.add_timer(t0 + 40ms, [&] { loop.stop(); });
    loop.run();
    CHECK(order == std::vector<int>{1, 2, 22, 3});
    CHECK(SteadyClock::now() - t0 >= 40ms);
}

TEST_CASE("loop: a cancelled timer never fires", "[net]") {
    Loop loop;
    bool fired = false;
    auto t0 = SteadyClock::now();
    auto id = loop.add_timer(t0 + 10ms, [&] { fired = true; });
    loop.add_timer(t0 + 5ms, [&] { loop.cancel_timer(id); });
    loop.add_timer(t0 + 30ms, [&] { loop.stop(); });
    loop.run();
    CHECK_FALSE(fired);
}

TEST_CASE("loop: now() is the time of the current pass", "[net]") {
    Loop loop;
    rtwatch::TimePoint seen{}, again{};
    loop.add_timer(SteadyClock::now(), [&] {
        seen = loop.now();
        again = loop.now();
        loop.stop();
    });
    loop.run();
    CHECK(seen == again);
    CHECK(seen != rtwatch::TimePoint{});
}

TEST_CASE("loop: post() from another thread wakes a sleeping loop", "[net]") {
    Loop loop;
    // With no timers and no transfers the loop would sleep a minute.
    auto t0 = SteadyClock::now();
    std::thread other([&] { loop.post([&] { loop.stop(); }); });
    loop.run();
    other.join();
    CHECK(SteadyClock::now() - t0 < 5s);
}

TEST_CASE("loop: a watched fd calls back when readable", "[net]") {
    Loop loop;
    int fds[2];
    REQUIRE(pipe(fds) == 0);
    std::string got;
    loop.watch_fd(fds[0], [&] {
        char buf[16];
        auto n = read(fds[0], buf, sizeof buf);
        got.assign(buf, n > 0 ? static_cast<size_t>(n) : 0);
        loop.unwatch_fd(fds[0]);
        loop.stop();
    });
    std::thread writer([&] { CHECK(write(fds[1], "hi", 2) == 2); });
    loop.run();
    writer.join();
    close(fds[0]);
    close(fds[1]);
    CHECK(got == "hi");
}

TEST_CASE("loop: a one-shot request gets status, headers and body", "[net]") {
    SseTestServer server;
    server.handle("/token", [](const httplib::Request& req, httplib::Response& res) {
        res.status = 429;
        res.set_header("Retry-After", "7");
        res.set_content("echo:" + req.body, "application/json");
    });
    LoopThread lt;
    Watched<std::optional<Response>> result;
    lt.sync([&] {
        Request r;
        r.method = "POST";
        r.url = server.url("/token");
        r.headers = {"Content-Type: application/x-www-form-urlencoded"};
        r.body = "grant_type=client_credentials";
        lt.loop.request(r, [&](Response resp) { result.update([&](auto& v) { v = std::move(resp); }); });
    });
    REQUIRE(result.wait([](auto& v) { return v.has_value(); }));
    Response resp = *result.get();
    CHECK(resp.status == 429);
    CHECK(resp.retry_after == "7");
    CHECK(resp.content_type == "application/json");
    CHECK(resp.body == "echo:grant_type=client_credentials");
    CHECK(resp.transport_error.empty());
    auto seen = server.requests();
    REQUIRE(seen.size() == 1);
    CHECK(seen[0].method == "POST");
    CHECK(seen[0].header("Content-Type") == "application/x-www-form-urlencoded");
}

TEST_CASE("loop: an answer over the request's max_body is cut and named as too large", "[net]") {
    SseTestServer server;
    server.handle("/api/v2/big", [](const httplib::Request&, httplib::Response& res) {
        res.set_content(std::string(3000, 'x'), "application/json");
    });
    LoopThread lt;
    Watched<std::optional<Response>> result;
    lt.sync([&] {
        Request r;
        r.url = server.url("/api/v2/big?id=secret-ish");
        r.max_body = 2048;
        lt.loop.request(r, [&](Response resp) { result.update([&](auto& v) { v = std::move(resp); }); });
    });
    REQUIRE(result.wait([](auto& v) { return v.has_value(); }));
    Response resp = *result.get();
    CHECK(resp.body_too_large);
    CHECK(resp.body.size() <= 2048);
    CHECK(resp.transport_error == "the answer to GET /api/v2/big is larger than the 2 KiB limit");
    Watched<std::optional<Response>> fits;
    lt.sync([&] {
        Request r;
        r.url = server.url("/api/v2/big");
        r.max_body = 3000;
        lt.loop.request(r, [&](Response resp) { fits.update([&](auto& v) { v = std::move(resp); }); });
    });
    REQUIRE(fits.wait([](auto& v) { return v.has_value(); }));
    CHECK_FALSE(fits.get()->body_too_large);
    CHECK(fits.get()->body.size() == 3000);
    CHECK(fits.get()->transport_error.empty());
}

TEST_CASE("loop: a one-shot request follows redirects", "[net]") {
    SseTestServer server;
    server.handle("/old", [&](const httplib::Request&, httplib::Response& res) { res.set_redirect("/new", 302); });
    server.handle("/new",
                  [](const httplib::Request&, httplib::Response& res) { res.set_content("moved", "text/plain"); });
    LoopThread lt;
    Watched<std::optional<Response>> result;
    lt.sync([&] {
        lt.loop.request(Request{"GET", server.url("/old"), {}, {}, true, std::nullopt},
                        [&](Response resp) { result.update([&](auto& v) { v = std::move(resp); }); });
    });
    REQUIRE(result.wait([](auto& v) { return v.has_value(); }));
    CHECK(result.get()->status == 200);
    CHECK(result.get()->body == "moved");
    CHECK(result.get()->effective_url == server.url("/new"));
}

TEST_CASE("loop: a refused connection is a transport error", "[net]") {
    int port;
    {
        SseTestServer gone;
        port = gone.port();
    }
    LoopThread lt;
    Watched<std::optional<Response>> result;
    lt.sync([&] {
        lt.loop.request(Request{"GET", "http://127.0.0.1:" + std::to_string(port) + "/", {}, {}, true, std::nullopt},
                        [&](Response resp) { result.update([&](auto& v) { v = std::move(resp); }); });
    });
    REQUIRE(result.wait([](auto& v) { return v.has_value(); }));
    CHECK(result.get()->status == 0);
    CHECK_FALSE(result.get()->transport_error.empty());
}

TEST_CASE("loop: a cancelled request never calls back", "[net]") {
    SseTestServer server;
    Watched<int> released;
    server.handle("/slow", [&](const httplib::Request&, httplib::Response& res) {
        released.wait([](int v) { return v > 0; });
        res.set_content("late", "text/plain");
    });
    server.handle("/fast",
                  [](const httplib::Request&, httplib::Response& res) { res.set_content("ok", "text/plain"); });
    LoopThread lt;
    bool called = false;
    Loop::Id id = 0;
    lt.sync([&] {
        id = lt.loop.request(Request{"GET", server.url("/slow"), {}, {}, true, std::nullopt},
                             [&](Response) { called = true; });
    });
    REQUIRE(server.await_requests(1));
    lt.sync([&] { lt.loop.cancel(id); });
    released.update([](int& v) { v = 1; });
    // A second request on the same loop completes; the cancelled one stays silent.
    Watched<bool> second;
    lt.sync([&] {
        lt.loop.request(Request{"GET", server.url("/fast"), {}, {}, true, std::nullopt},
                        [&](Response) { second.update([](bool& v) { v = true; }); });
    });
    REQUIRE(second.wait([](bool v) { return v; }));
    lt.sync([] {});
    CHECK_FALSE(called);
}
