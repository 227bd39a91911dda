#include <catch2/catch.hpp>

#include "rtwatch/core/json_text.hpp"

static std::string quoted(std::string_view s) {
    std::string out;
    rtwatch::append_json_string(out, s);
    return out;
}

TEST_CASE("json text: escapes quotes, backslashes and control bytes", "[core]") {
    CHECK(quoted("plain") == "\"plain\"");
    CHECK(quoted("a\"b\\c") == "\"a\\\"b\\\\c\"");
    CHECK(quoted("l1\nl2\t\r") == "\"l1\\nl2\\t\\r\"");
    CHECK(quoted(std::string_view("\0\x1f", 2)) == "\"\\u0000\\u001f\"");
}

TEST_CASE("json text: valid UTF-8 passes, invalid bytes become U+FFFD", "[core]") {
    CHECK(quoted("caf\xC3\xA9 \xF0\x9F\x98\x80") == "\"caf\xC3\xA9 \xF0\x9F\x98\x80\"");
    CHECK(quoted("a\xFF"
                 "b") ==
          "\"a\xEF\xBF\xBD"
          "b\"");
    CHECK(quoted("\xC3") == "\"\xEF\xBF\xBD\"");
    CHECK(quoted("\xED\xA0\x80") == "\"\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\"");
    CHECK(rtwatch::is_valid_utf8("caf\xC3\xA9"));
    CHECK_FALSE(rtwatch::is_valid_utf8("\xC0\xAF"));
}

namespace {

// Bytes -> the decoded text with each U+FFFD shown as '?', for readable tables.
std::string decoded(std::string_view bytes) {
    std::string q = quoted(bytes);
    std::string out;
    for (size_t i = 1; i + 1 < q.size();) {
        if (q.compare(i, 3, "\xEF\xBF\xBD") == 0) {
            out += '?';
            i += 3;
        } else {
            out += q[i++];
        }
    }
    return out;
}

}  // namespace

TEST_CASE("json text: one U+FFFD per maximal subpart, as the WHATWG UTF-8 decoder gives", "[core]") {
    struct Case {
        std::string_view bytes, expected;
    };
    // Unicode 15 section 3.9 (table 3-8 and the examples after it) and the
    // WHATWG Encoding Standard's UTF-8 decoder agree on every row.
    const Case cases[] = {
        {"\x61\xF1\x80\x80\xE1\x80\xC2\x62\x80\x63\x80\xBF\x64", "a???b?c??d"},
        {"\xE1\x80\xE2\xF0\x91\x92\xF1\xBF\x41", "????A"},
        {"\xC0\xAF", "??"},            // C0 never starts a sequence
        {"\xE0\x80\xAF", "???"},       // overlong: 80 is outside E0's A0..BF
        {"\xED\xA0\x80", "???"},       // surrogate: A0 is outside ED's 80..9F
        {"\xF4\x90\x80\x80", "????"},  // above U+10FFFF
        {"\xF5\x80", "??"},            // F5 never starts a sequence
        {"\xFF", "?"},
        {"\x80\x80", "??"},                 // lone continuation bytes
        {"\xC2\x41", "?A"},                 // truncated, then ASCII
        {"\xE2\x82", "?"},                  // truncated at the end: one
        {"\xE2\x82\xFF", "??"},             // truncated, then another invalid byte
        {"\xE2\x82\xC2", "??"},             // truncated, then a truncated sequence
        {"\xE2\x82\xC3\xA9", "?\xC3\xA9"},  // truncated, then a valid sequence
        {"\xF0\x90\x80", "?"},
        {"\xF0\x90\x80\x41", "?A"},
        {"\xF0\x80\x80\x80", "????"},              // overlong four-byte
        {"\xED\x9F\xBF", "\xED\x9F\xBF"},          // U+D7FF is fine
        {"\xF4\x8F\xBF\xBF", "\xF4\x8F\xBF\xBF"},  // U+10FFFF is fine
        {"\xEF\xBF\xBD", "?"},                     // a real U+FFFD stays one
    };
    for (const auto& c : cases) {
        INFO("bytes of length " << c.bytes.size() << ", first " << int(static_cast<unsigned char>(c.bytes[0])));
        CHECK(decoded(c.bytes) == c.expected);
        bool valid = c.expected.find('?') == std::string_view::npos || c.bytes == "\xEF\xBF\xBD";
        CHECK(rtwatch::is_valid_utf8(c.bytes) == valid);
    }
}

TEST_CASE("json text: utf8_step reports the maximal subpart's length", "[core]") {
    bool invalid = false;
    CHECK(rtwatch::utf8_step("\xE2\x82x", 0, invalid) == 2);
    CHECK(invalid);
    CHECK(rtwatch::utf8_step("\xE2\x82\xAC", 0, invalid) == 3);
    CHECK_FALSE(invalid);
    CHECK(rtwatch::utf8_step("\xF0\x90", 0, invalid) == 2);
    CHECK(invalid);
}
