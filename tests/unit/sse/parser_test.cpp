// The WHATWG server-sent events rules, one behaviour per test.
#include <catch2/catch.hpp>

#include "recorder.hpp"

using rtwatch::sse::Parser;
using rtwatch::sse::ParserOptions;
using rtwatch::sse::test::parse_all;
using rtwatch::sse::test::Recorder;
using Lines = std::vector<std::string>;

TEST_CASE("sse parser: a data line and a blank line make a message event", "[sse]") {
    CHECK(parse_all("data: Hello\n\n") == Lines{"event type=message id= data=Hello"});
}

TEST_CASE("sse parser: data lines are joined with LF", "[sse]") {
    CHECK(parse_all("data: Hello\ndata:World\n\n") == Lines{"event type=message id= data=Hello\nWorld"});
}

TEST_CASE("sse parser: LF, CR and CRLF all end lines", "[sse]") {
    Lines want{"event type=message id= data=a", "event type=message id= data=b"};
    CHECK(parse_all("data: a\n\ndata: b\n\n") == want);
    CHECK(parse_all("data: a\r\rdata: b\r\r") == want);
    CHECK(parse_all("data: a\r\n\r\ndata: b\r\n\r\n") == want);
    CHECK(parse_all("data: a\r\n\ndata: b\n\r\n") == want);
}

TEST_CASE("sse parser: CR at the end of a chunk dispatches without waiting", "[sse]") {
    Recorder r;
    Parser p(r);
    p.feed("data: a\r");
    CHECK(r.seen.empty());
    p.feed("\r");
    CHECK(r.seen == Lines{"event type=message id= data=a"});
}

TEST_CASE("sse parser: an LF after a chunk-ending CR is swallowed", "[sse]") {
    Recorder r;
    Parser p(r);
    p.feed("data: a\r");
    p.feed("\ndata: b\r");
    p.feed("\n\r");
    p.feed("\n");
    CHECK(r.seen == Lines{"event type=message id= data=a\nb"});
}

TEST_CASE("sse parser: a leading BOM is stripped", "[sse]") {
    CHECK(parse_all("\xEF\xBB\xBF"
                    "data: a\n\n") == Lines{"event type=message id= data=a"});
}

TEST_CASE("sse parser: a BOM split across chunks is stripped", "[sse]") {
    Recorder r;
    Parser p(r);
    p.feed("\xEF");
    p.feed("\xBB");
    p.feed(
        "\xBF"
        "data: a\n\n");
    CHECK(r.seen == Lines{"event type=message id= data=a"});
}

TEST_CASE("sse parser: only the first BOM is stripped", "[sse]") {
    // The second BOM becomes part of a field name, which is then unknown.
    CHECK(parse_all("\xEF\xBB\xBF\xEF\xBB\xBF"
                    "data: a\n\ndata: b\n\n") == Lines{"event type=message id= data=b"});
}

TEST_CASE("sse parser: a BOM after the start is data", "[sse]") {
    CHECK(parse_all("data: \xEF\xBB\xBFx\n\n") == Lines{"event type=message id= data=\xEF\xBB\xBFx"});
}

TEST_CASE("sse parser: bytes that only begin like a BOM are kept", "[sse]") {
    Recorder r;
    Parser p(r);
    p.feed("\xEF\xBB");
    p.feed(":x\n");
    CHECK(r.seen == Lines{});  // "\xEF\xBB:x" is an unknown field, not a comment
    Recorder r2;
    Parser p2(r2);
    p2.feed("\xEF");
    p2.feed("\xBB\ndata: a\n\n");  // "\xEF\xBB" is a line of its own
    CHECK(r2.seen == Lines{"event type=message id= data=a"});
}

TEST_CASE("sse parser: reset expects a BOM again", "[sse]") {
    Recorder r;
    Parser p(r);
    p.feed(
        "\xEF\xBB\xBF"
        "data: a\n\n");
    p.reset();
    p.feed(
        "\xEF\xBB\xBF"
        "data: b\n\n");
    CHECK(r.seen == Lines{"event type=message id= data=a", "event type=message id= data=b"});
}

TEST_CASE("sse parser: data without a colon is empty data", "[sse]") {
    CHECK(parse_all("data\n\ndata\ndata\n\n") ==
          Lines{"event type=message id= data=", "event type=message id= data=\n"});
}

TEST_CASE("sse parser: only one space after the colon is removed", "[sse]") {
    CHECK(parse_all("event:  greeting\ndata:  Hello\n\n") == Lines{"event type= greeting id= data= Hello"});
    CHECK(parse_all("event:greeting\ndata:Hello\n\n") == Lines{"event type=greeting id= data=Hello"});
}

TEST_CASE("sse parser: event sets the type, which resets after dispatch", "[sse]") {
    CHECK(parse_all("event: greeting\ndata: a\n\ndata: b\n\n") ==
          Lines{"event type=greeting id= data=a", "event type=message id= data=b"});
}

TEST_CASE("sse parser: an empty event field gives the default type", "[sse]") {
    CHECK(parse_all("event:\ndata: a\n\n") == Lines{"event type=message id= data=a"});
}

TEST_CASE("sse parser: the id carries over to later events", "[sse]") {
    CHECK(parse_all("id: abc\ndata: first\n\ndata: second\n\n") ==
          Lines{"event type=message id=abc data=first", "event type=message id=abc data=second"});
}

TEST_CASE("sse parser: an empty id resets the last event id", "[sse]") {
    Recorder r;
    Parser p(r);
    p.feed("id: abc\ndata: first\n\nid:\ndata: second\n\n");
    CHECK(r.seen == Lines{"event type=message id=abc data=first", "event type=message id= data=second"});
    CHECK(p.last_event_id().empty());
}

TEST_CASE("sse parser: an id containing NUL is ignored", "[sse]") {
    using namespace std::string_literals;
    CHECK(parse_all("id: a\0bc\ndata: Hello\n\n"s) == Lines{"event type=message id= data=Hello"});
    CHECK(parse_all("id: x\ndata: 1\n\nid: a\0bc\ndata: 2\n\n"s) ==
          Lines{"event type=message id=x data=1", "event type=message id=x data=2"});
}

TEST_CASE("sse parser: fields may come in any order", "[sse]") {
    CHECK(parse_all("data: Hello\nid: abc\nevent: greeting\n\n") == Lines{"event type=greeting id=abc data=Hello"});
}

TEST_CASE("sse parser: an id without data becomes the last event id", "[sse]") {
    Recorder r;
    Parser p(r);
    p.feed("id: 7\n\n");
    CHECK(r.seen.empty());
    CHECK(p.last_event_id() == "7");
}

TEST_CASE("sse parser: events without data lines are not dispatched but reset the type", "[sse]") {
    CHECK(parse_all("event: x\n\ndata: a\n\n") == Lines{"event type=message id= data=a"});
}

TEST_CASE("sse parser: unknown fields are ignored", "[sse]") {
    CHECK(parse_all("event: greeting\ncolor: blue\ndata: Hello\n\n") == Lines{"event type=greeting id= data=Hello"});
}

TEST_CASE("sse parser: retry takes only ASCII digits", "[sse]") {
    CHECK(parse_all("retry: 1500\n") == Lines{"retry 1500"});
    CHECK(parse_all("retry: 15a\nretry: -1\nretry:\nretry: 1.5\nretry:  10\n").empty());
}

TEST_CASE("sse parser: comments report the text after the colon", "[sse]") {
    CHECK(parse_all(":Hello\n: World\n:\n") == Lines{"comment Hello", "comment  World", "comment "});
}

TEST_CASE("sse parser: a comment inside an event does not end it", "[sse]") {
    CHECK(parse_all("data: a\n:keepalive\ndata: b\n\n") ==
          Lines{"comment keepalive", "event type=message id= data=a\nb"});
}

TEST_CASE("sse parser: multi-byte UTF-8 passes through as bytes", "[sse]") {
    CHECK(parse_all("data: \xE2\x82\xAC\xE8\xB1\x86\n\n") ==
          Lines{"event type=message id= data=\xE2\x82\xAC\xE8\xB1\x86"});
}

TEST_CASE("sse parser: reset drops a half-received event and its id", "[sse]") {
    Recorder r;
    Parser p(r);
    p.feed("id: 1\ndata: a\n\nid: 2\nevent: x\ndata: half");
    p.reset();
    CHECK(p.last_event_id() == "1");
    p.feed("data: b\n\n");
    CHECK(r.seen == Lines{"event type=message id=1 data=a", "event type=message id=1 data=b"});
}

TEST_CASE("sse parser: reset forgets a pending CR", "[sse]") {
    Recorder r;
    Parser p(r);
    p.feed("data: a\r");
    p.reset();
    p.feed("\n");  // a blank line of the new stream, not the end of the old CRLF
    p.feed("data: b\n\n");
    CHECK(r.seen == Lines{"event type=message id= data=b"});
}

TEST_CASE("sse parser: set_last_event_id seeds the id of later events", "[sse]") {
    Recorder r;
    Parser p(r);
    p.set_last_event_id("seed");
    p.feed("data: a\n\n");
    CHECK(r.seen == Lines{"event type=message id=seed data=a"});
}

TEST_CASE("sse parser: an oversize event is reported once and dropped up to the blank line", "[sse]") {
    ParserOptions small{16};
    std::string big(40, 'x');
    CHECK(parse_all("data: a\n\ndata: " + big + "\ndata: more\nid: 9\n\ndata: b\n\n", small) ==
          Lines{"event type=message id= data=a", "oversize 16", "event type=message id= data=b"});
}

TEST_CASE("sse parser: an oversize line split across chunks is dropped", "[sse]") {
    Recorder r;
    Parser p(r, ParserOptions{16});
    p.feed("data: 0123456789");
    p.feed("0123456789");
    p.feed("0123456789\n");
    p.feed("\n");  // ends the dropped event
    p.feed("data: ok\n\n");
    CHECK(r.seen == Lines{"oversize 16", "event type=message id= data=ok"});
}

TEST_CASE("sse parser: many data lines adding up past the limit are dropped", "[sse]") {
    std::string input;
    for (int i = 0; i < 10; ++i) input += "data: 12345\n";
    input += "\ndata: ok\n\n";
    CHECK(parse_all(input, ParserOptions{32}) == Lines{"oversize 32", "event type=message id= data=ok"});
}

TEST_CASE("sse parser: an event of exactly the limit is kept", "[sse]") {
    CHECK(parse_all("data:0123456789\n\n", ParserOptions{15}) == Lines{"event type=message id= data=0123456789"});
}

TEST_CASE("sse parser: reset inside a callback stops the running feed", "[sse]") {
    struct Resetting : Recorder {
        Parser* parser = nullptr;
        void on_event(const rtwatch::sse::Event& e) override {
            Recorder::on_event(e);
            parser->reset();
        }
    } r;
    Parser p(r);
    r.parser = &p;
    p.feed("data: a\n\ndata: b\n\n");
    CHECK(r.seen == Lines{"event type=message id= data=a"});
    p.feed("data: c\n\n");
    CHECK(r.seen == Lines{"event type=message id= data=a", "event type=message id= data=c"});
}
