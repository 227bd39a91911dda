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
    CHECK(quoted("a\xFF" "b") == "\"a\xEF\xBF\xBD" "b\"");
    CHECK(quoted("\xC3") == "\"\xEF\xBF\xBD\"");
    CHECK(quoted("\xED\xA0\x80") == "\"\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\"");
    CHECK(rtwatch::is_valid_utf8("caf\xC3\xA9"));
    CHECK_FALSE(rtwatch::is_valid_utf8("\xC0\xAF"));
}
