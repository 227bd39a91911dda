// on_ahead: the handler hears, before the events in them, of windows that
// tile each chunk, so it can prefetch for them; events are unchanged.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "recorder.hpp"

using rtwatch::sse::Handler;
using rtwatch::sse::Parser;
using rtwatch::sse::test::parse_all;
using rtwatch::sse::test::Recorder;

namespace {

struct AheadRecorder : Recorder {
    const char* chunk = nullptr;
    std::size_t covered = 0;  // bytes of the current chunk announced so far
    std::vector<std::size_t> windows;
    std::vector<std::size_t> events_at_window;
    void on_ahead(std::string_view bytes) override {
        CHECK(bytes.data() == chunk + covered);  // contiguous, in order
        CHECK(bytes.size() <= Handler::k_ahead_bytes);
        covered += bytes.size();
        windows.push_back(bytes.size());
        events_at_window.push_back(seen.size());
    }
};

std::string events(std::size_t n) {
    std::string s;
    for (std::size_t i = 0; i < n; ++i) s += "data: {\"queueId\":\"q" + std::to_string(i) + "\"}\n\n";
    return s;
}

}  // namespace

TEST_CASE("sse parser: each chunk is announced ahead, window by window, before its events", "[sse]") {
    const std::string input = events(3000);  // several windows
    AheadRecorder r;
    Parser p(r);
    r.chunk = input.data();
    p.feed(input);
    CHECK(r.covered == input.size());
    REQUIRE(r.windows.size() == (input.size() + Handler::k_ahead_bytes - 1) / Handler::k_ahead_bytes);
    // Every event dispatched after the window holding its first byte was announced.
    const std::size_t per_event = events(1).size();
    for (std::size_t w = 0; w < r.windows.size(); ++w)
        CHECK(r.events_at_window[w] <= w * Handler::k_ahead_bytes / per_event + 1);
    CHECK(r.seen == parse_all(input));

    // A second chunk is announced from its own first byte.
    const std::string more = events(2);
    r.chunk = more.data();
    r.covered = 0;
    p.feed(more);
    CHECK(r.covered == more.size());
}
