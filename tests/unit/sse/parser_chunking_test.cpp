// Chunking must never change what the parser reports: every input is also fed
// split at every byte offset, in three pieces, and one byte at a time.
#include <catch2/catch.hpp>

#include "recorder.hpp"

using rtwatch::sse::Parser;
using rtwatch::sse::ParserOptions;
using rtwatch::sse::test::parse_all;
using rtwatch::sse::test::Recorder;

namespace {

const std::vector<std::string> k_inputs = {
    "data: Hello\n\n",
    "\xEF\xBB\xBF"
    "data: bom\r\n\r\n",
    "event: greeting\r\nid: 42\r\ndata: a\r\ndata:b\r\n\r\n: comment\r\nretry: 250\r\n",
    "data: one\r\rdata: two\r\r:c\rid\rdata\r\r",
    "data: \xE2\x82\xAC\xE8\xB1\x86\n\ndata\ndata\n\nid: x\ndata: y\n\nid:\ndata: z\n\n",
    "data: a\r\n\ndata: b\n\r\nevent:  spaced\ndata:  two spaces\n\n",
    std::string("id: a\0b\ndata: nul\n\nunknown: 1\ndata: q\n\n", 40),
    "data: 0123456789012345678901234567890123456789\n\ndata: small\n\n",
    "\xEF\xBB\ndata: not a bom\n\n",
};

std::vector<std::string> parse_split(const std::string& input, std::size_t a, std::size_t b) {
    Recorder r;
    Parser p(r, ParserOptions{32});
    p.feed(std::string_view(input).substr(0, a));
    p.feed(std::string_view(input).substr(a, b - a));
    p.feed(std::string_view(input).substr(b));
    return r.seen;
}

}  // namespace

TEST_CASE("sse parser: a split at every byte offset gives the same events", "[sse]") {
    for (const auto& input : k_inputs) {
        auto whole = parse_all(input, ParserOptions{32});
        REQUIRE_FALSE(whole.empty());
        for (std::size_t cut = 0; cut <= input.size(); ++cut) {
            INFO("input " << input << " cut at " << cut);
            CHECK(parse_split(input, cut, cut) == whole);
        }
    }
}

TEST_CASE("sse parser: every two-cut split gives the same events", "[sse]") {
    for (const auto& input : k_inputs) {
        auto whole = parse_all(input, ParserOptions{32});
        for (std::size_t a = 0; a <= input.size(); ++a) {
            for (std::size_t b = a; b <= input.size(); ++b) {
                if (parse_split(input, a, b) != whole) FAIL("input " << input << " cut at " << a << "," << b);
            }
        }
    }
}

TEST_CASE("sse parser: feeding byte by byte gives the same events", "[sse]") {
    for (const auto& input : k_inputs) {
        Recorder r;
        Parser p(r, ParserOptions{32});
        for (char c : input) p.feed(std::string_view(&c, 1));
        CHECK(r.seen == parse_all(input, ParserOptions{32}));
    }
}

TEST_CASE("sse parser: large events split into big chunks arrive whole", "[sse]") {
    std::string payload(3 << 20, 'p');
    std::string input = "data: " + payload + "\n\n";
    Recorder r;
    Parser p(r, ParserOptions{8 << 20});
    for (std::size_t pos = 0; pos < input.size(); pos += 65536) p.feed(std::string_view(input).substr(pos, 65536));
    REQUIRE(r.seen.size() == 1);
    CHECK(r.seen[0] == "event type=message id= data=" + payload);
}
