// Injected answers on the stream endpoint: every status of PROTOCOL.md §2,
// wrong content types and empty streams, each used for `count` requests.
#include <catch2/catch.hpp>

#include "sim_helpers.hpp"

using namespace rtwatch::test;

namespace {

std::unique_ptr<RawStream> answered(const Sim& sim) {
    auto s = std::make_unique<RawStream>(sim.port(), k_stream_path, stream_headers(sim.token()));
    s->read_until([](const RawStream& r) { return r.headers_done(); }, Millis(5000));
    return s;
}

}  // namespace

TEST_CASE("sim fault status: each stream status is answered once, then streaming resumes", "[sim][fault]") {
    Sim sim({"--speed", "0.0001"});
    for (int status : {204, 400, 401, 403, 404, 405, 408, 410, 429, 500, 502, 503}) {
        REQUIRE(sim.fault(R"({"kind":"status","status":)" + std::to_string(status) + R"(,"retryAfter":3})").status ==
                200);
        auto s = answered(sim);
        CHECK(s->status() == status);
        CHECK(s->header("Retry-After") == "3");
    }
    CHECK(answered(sim)->status() == 200);
    const auto stats = sim.stats();
    CHECK(stats["responses"]["stream"]["429"].GetInt() == 1);
    CHECK(stats["responses"]["stream"]["200"].GetInt() == 1);
}

TEST_CASE("sim fault status: count, body and content type are honoured", "[sim][fault]") {
    Sim sim({"--speed", "0.0001"});
    REQUIRE(
        sim.fault(R"({"kind":"status","status":500,"count":2,"body":"<html>oops</html>","contentType":"text/html"})")
            .status == 200);
    for (int i = 0; i < 2; ++i) {
        auto s = answered(sim);
        s->wait_closed(Millis(3000));
        CHECK(s->status() == 500);
        CHECK(s->header("Content-Type") == "text/html");
        CHECK(s->body() == "<html>oops</html>");
    }
    CHECK(answered(sim)->status() == 200);
}

TEST_CASE("sim fault status: a 200 with the wrong content type", "[sim][fault]") {
    Sim sim({"--speed", "0.0001"});
    REQUIRE(sim.fault(R"({"kind":"status","status":200,"contentType":"application/json","body":"{}"})").status == 200);
    auto s = answered(sim);
    s->wait_closed(Millis(3000));
    CHECK(s->status() == 200);
    CHECK(s->header("Content-Type") == "application/json");
}

TEST_CASE("sim fault empty: 200 text/event-stream with no body, closed at once", "[sim][fault]") {
    Sim sim({"--speed", "0.0001"});
    REQUIRE(sim.fault(R"({"kind":"empty","count":1})").status == 200);
    auto s = answered(sim);
    CHECK(s->wait_closed(Millis(3000)));
    CHECK(s->status() == 200);
    CHECK(s->header("Content-Type").rfind("text/event-stream", 0) == 0);
    CHECK(s->body().empty());
}

TEST_CASE("sim fault restore: pending injected answers and maintenance are cleared", "[sim][fault]") {
    Sim sim({"--speed", "0.0001"});
    REQUIRE(sim.fault(R"({"kind":"status","status":503,"count":5})").status == 200);
    REQUIRE(sim.fault(R"({"kind":"maintenance","retryAfterMs":60000})").status == 200);
    REQUIRE(sim.fault(R"({"kind":"restore"})").status == 200);
    CHECK(answered(sim)->status() == 200);
}
