// The parser hands out views of the caller's bytes when an event lies in one
// chunk, and copies when it does not. These tests feed from buffers that are
// overwritten and freed after each feed(), so a value left pointing into a
// chunk shows as wrong data here and as a use-after-free under ASan.
#include <catch2/catch.hpp>

#include <memory>
#include <stdexcept>

#include "recorder.hpp"

using rtwatch::sse::Parser;
using rtwatch::sse::ParserOptions;
using rtwatch::sse::test::Recorder;
using Lines = std::vector<std::string>;

namespace {

// Feeds a copy of text that is overwritten and freed once feed() returns.
void feed_and_forget(Parser& p, std::string_view text) {
    auto chunk = std::make_unique<char[]>(text.size() + 1);
    std::copy(text.begin(), text.end(), chunk.get());
    p.feed(std::string_view(chunk.get(), text.size()));
    std::fill(chunk.get(), chunk.get() + text.size(), '#');
}

Lines parse_chunks(const std::vector<std::string>& chunks, ParserOptions options = {}) {
    Recorder r;
    Parser p(r, options);
    for (const auto& c : chunks) feed_and_forget(p, c);
    return r.seen;
}

}  // namespace

TEST_CASE("sse parser: a data line from one chunk joins a data line from the next", "[sse]") {
    CHECK(parse_chunks({"data: first\n", "data: second\n\n"}) == Lines{"event type=message id= data=first\nsecond"});
}

TEST_CASE("sse parser: an event whose blank line comes with the next chunk keeps its fields", "[sse]") {
    CHECK(parse_chunks({"event: tick\nid: 41\ndata: {\"a\":1}\n", "\n"}) ==
          Lines{"event type=tick id=41 data={\"a\":1}"});
    CHECK(parse_chunks({"data: a\r", "\n", "\r\n"}) == Lines{"event type=message id= data=a"});
}

TEST_CASE("sse parser: fields set before a chunk ends survive beside ones set after", "[sse]") {
    CHECK(parse_chunks({"event: old\nid: 1\n", "data: x\nid: 2\n\n", "data: y\n\n"}) ==
          Lines{"event type=old id=2 data=x", "event type=message id=2 data=y"});
    CHECK(parse_chunks({"data: x\nevent: a\n", "event: b\n\n"}) == Lines{"event type=b id= data=x"});
}

TEST_CASE("sse parser: a line completed from a split keeps its value while the next line is split", "[sse]") {
    CHECK(parse_chunks({"data: ab", "c\nevent: lo", "ng\nid: 7", "\n\n"}) == Lines{"event type=long id=7 data=abc"});
}

TEST_CASE("sse parser: an event's views stay readable after reset inside the callback", "[sse]") {
    struct ResetFirst : Recorder {
        Parser* parser = nullptr;
        void on_event(const rtwatch::sse::Event& e) override {
            parser->reset();  // before reading the event
            Recorder::on_event(e);
        }
    } r;
    Parser p(r);
    r.parser = &p;
    feed_and_forget(p, "event: t\ndata: live\n\ndata: dropped\n\n");
    feed_and_forget(p, "data: next\n\n");
    CHECK(r.seen == Lines{"event type=t id= data=live", "event type=message id= data=next"});
}

TEST_CASE("sse parser: a handler that throws leaves no value pointing into the chunk", "[sse]") {
    struct Throwing : Recorder {
        void on_comment(std::string_view) override { throw std::runtime_error("handler failed"); }
    } r;
    Parser p(r);
    CHECK_THROWS(feed_and_forget(p, "event: t\nid: 3\ndata: kept\n:boom\n"));
    feed_and_forget(p, "\n");
    CHECK(r.seen == Lines{"event type=t id=3 data=kept"});
}

TEST_CASE("sse parser: the size limit counts data from earlier chunks and this one", "[sse]") {
    ParserOptions limit{16};
    // The limit counts the data held so far plus the whole line being read:
    // 10 bytes of data and the 6-byte line "data:0" are exactly the limit.
    CHECK(parse_chunks({"data: 0123456789\n", "data:0\n\n"}, limit) ==
          Lines{"event type=message id= data=0123456789\n0"});
    // One byte more is dropped, whether the data lines share a chunk or not.
    Lines dropped{"oversize 16", "event type=message id= data=ok"};
    CHECK(parse_chunks({"data: 0123456789\n", "data:01\n\ndata: ok\n\n"}, limit) == dropped);
    CHECK(parse_chunks({"data: 0123456789\ndata:01\n\ndata: ok\n\n"}, limit) == dropped);
    CHECK(parse_chunks({"data: 0123456789\ndata:0", "1\n\ndata: ok\n\n"}, limit) == dropped);
}

TEST_CASE("sse parser: lines of every length end at LF, CR and CRLF", "[sse]") {
    // Line ends are searched 16 bytes at a time: cover every position of the
    // end within a block and the short tail of a chunk.
    for (const char* end : {"\n", "\r", "\r\n"}) {
        for (std::size_t n = 0; n < 70; ++n) {
            std::string data(n, 'x');
            std::string input = "data:" + data + end + end + ":" + data + end;
            INFO("line end " << (end[0] == '\n' ? "LF" : end[1] ? "CRLF" : "CR") << ", " << n << " bytes");
            CHECK(parse_chunks({input}) == Lines{"event type=message id= data=" + data, "comment " + data});
        }
    }
}
