// JSON string escaping with UTF-8 validation in one pass; the common case
// (printable ASCII) is copied in runs.
#include "rtwatch/core/json_text.hpp"

#include <cstdint>

namespace rtwatch {

// The ranges are those of the WHATWG decoder (and Unicode 3.9, table 3-7).
size_t utf8_step(std::string_view s, size_t i, bool& invalid) {
    auto c = static_cast<uint8_t>(s[i]);
    invalid = false;
    if (c < 0x80) return 1;
    size_t needed = 0;
    uint8_t lower = 0x80, upper = 0xBF;  // the allowed range of the second byte
    if (c >= 0xC2 && c <= 0xDF) {
        needed = 1;
    } else if (c >= 0xE0 && c <= 0xEF) {
        needed = 2;
        if (c == 0xE0) lower = 0xA0;  // overlong
        if (c == 0xED) upper = 0x9F;  // surrogate
    } else if (c >= 0xF0 && c <= 0xF4) {
        needed = 3;
        if (c == 0xF0) lower = 0x90;  // overlong
        if (c == 0xF4) upper = 0x8F;  // above U+10FFFF
    } else {
        invalid = true;
        return 1;
    }
    size_t k = 1;
    for (; k <= needed && i + k < s.size(); ++k) {
        auto b = static_cast<uint8_t>(s[i + k]);
        if (b < lower || b > upper) break;
        lower = 0x80;
        upper = 0xBF;
    }
    invalid = k <= needed;
    return k;
}

namespace {

bool plain(uint8_t c) { return c >= 0x20 && c < 0x80 && c != '"' && c != '\\'; }

}  // namespace

void append_json_string(std::string& out, std::string_view s) {
    static const char hex[] = "0123456789abcdef";
    out.push_back('"');
    size_t i = 0;
    while (i < s.size()) {
        size_t run = i;
        while (run < s.size() && plain(static_cast<uint8_t>(s[run]))) ++run;
        out.append(s.data() + i, run - i);
        i = run;
        if (i >= s.size()) break;
        auto c = static_cast<uint8_t>(s[i]);
        if (c >= 0x80) {
            bool invalid = false;
            size_t len = utf8_step(s, i, invalid);
            if (invalid)
                out.append("\xEF\xBF\xBD");
            else
                out.append(s.data() + i, len);
            i += len;
            continue;
        }
        switch (c) {
            case '"':
                out.append("\\\"");
                break;
            case '\\':
                out.append("\\\\");
                break;
            case '\n':
                out.append("\\n");
                break;
            case '\r':
                out.append("\\r");
                break;
            case '\t':
                out.append("\\t");
                break;
            case '\b':
                out.append("\\b");
                break;
            case '\f':
                out.append("\\f");
                break;
            default:
                out.append("\\u00");
                out.push_back(hex[c >> 4]);
                out.push_back(hex[c & 15]);
        }
        ++i;
    }
    out.push_back('"');
}

bool is_valid_utf8(std::string_view s) {
    for (size_t i = 0; i < s.size();) {
        bool invalid = false;
        i += utf8_step(s, i, invalid);
        if (invalid) return false;
    }
    return true;
}

std::string quoted_snippet(std::string_view text, size_t cap) {
    std::string out;
    append_json_string(out, text.substr(0, cap));
    if (text.size() > cap) out += "...";
    return out;
}

std::string echo_server_text(std::string_view text) {
    bool plain = !text.empty() && text.size() <= 64;
    for (char c : text)
        plain = plain && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
                          c == '.' || c == '-');
    return plain ? std::string(text) : quoted_snippet(text);
}

}  // namespace rtwatch
