// JSON text helpers shared by every writer of JSON: string escaping that
// never emits invalid UTF-8 (each maximal subpart of an ill-formed sequence
// becomes one U+FFFD, as the WHATWG Encoding Standard decodes), and UTF-8 checks.
#pragma once

#include <string>
#include <string_view>

namespace rtwatch {

// Appends `s` as a quoted JSON string.
void append_json_string(std::string& out, std::string_view s);
bool is_valid_utf8(std::string_view s);

// Text a server chose, for a message: JSON-quoted and cut at `cap` bytes
// (then "..."), so it cannot break a log line or carry control characters.
std::string quoted_snippet(std::string_view text, size_t cap = 200);
// As quoted_snippet, but a short plain code ("invalid_client", "stale.token")
// stays as it is, which reads better.
std::string echo_server_text(std::string_view text);

// One step of the WHATWG UTF-8 decoder at s[i] (i < s.size()): the length of
// the valid sequence there, or, with `invalid` set, of the maximal subpart
// that stands for one U+FFFD. The byte that breaks a sequence is not part of
// it, so "\xE2\x82x" is one U+FFFD and then "x".
size_t utf8_step(std::string_view s, size_t i, bool& invalid);

}  // namespace rtwatch
