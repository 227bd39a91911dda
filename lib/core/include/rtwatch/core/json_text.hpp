// JSON text helpers shared by every writer of JSON: string escaping that
// never emits invalid UTF-8 (bad bytes become U+FFFD), and UTF-8 checks.
#pragma once

#include <string>
#include <string_view>

namespace rtwatch {

// Appends `s` as a quoted JSON string.
void append_json_string(std::string& out, std::string_view s);
bool is_valid_utf8(std::string_view s);

}  // namespace rtwatch
