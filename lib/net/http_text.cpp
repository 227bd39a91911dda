// The text side of the HTTP server: addresses, request heads, status
// phrases and query decoding. No sockets here.
#include "http_text.hpp"

#include <utility>

namespace rtwatch::net {

namespace detail {

namespace {

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& ch : out)
        if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
    return out;
}

std::string_view trim_ows(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
    return s;
}

// A token (RFC 9110, section 5.6.2): a method or a header name.
bool token(std::string_view s) {
    if (s.empty()) return false;
    for (char ch : s) {
        bool alnum = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9');
        if (!alnum && std::string_view("!#$%&'*+-.^_`|~").find(ch) == std::string_view::npos) return false;
    }
    return true;
}

// A request target: printable ASCII, no space.
bool visible(std::string_view s) {
    for (char ch : s)
        if (static_cast<unsigned char>(ch) <= 0x20 || static_cast<unsigned char>(ch) >= 0x7f) return false;
    return true;
}

// A header value: no control byte but the tab (obs-text, 0x80 and up, is kept).
bool field_value(std::string_view s) {
    for (char ch : s) {
        auto c = static_cast<unsigned char>(ch);
        if ((c < 0x20 && c != '\t') || c == 0x7f) return false;
    }
    return true;
}

}  // namespace

bool parse_address(std::string_view address, std::string& host, std::uint16_t& port) {
    auto colon = address.rfind(':');
    if (colon == std::string_view::npos) return false;
    host.assign(address.substr(0, colon));
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    auto port_text = address.substr(colon + 1);
    if (port_text.empty() || port_text.size() > 5) return false;
    unsigned value = 0;
    for (char ch : port_text) {
        if (ch < '0' || ch > '9') return false;
        value = value * 10 + static_cast<unsigned>(ch - '0');
    }
    if (value > 65535) return false;
    port = static_cast<std::uint16_t>(value);
    return true;
}

bool parse_head(std::string_view head, HttpRequest& r) {
    auto eol = head.find('\n');
    std::string_view line = trim_ows(head.substr(0, eol));
    auto sp1 = line.find(' ');
    auto sp2 = line.rfind(' ');
    if (sp1 == std::string_view::npos || sp2 == sp1) return false;
    if (!token(line.substr(0, sp1))) return false;
    r.method.assign(line.substr(0, sp1));
    r.target.assign(line.substr(sp1 + 1, sp2 - sp1 - 1));
    auto version = line.substr(sp2 + 1);
    if (version != "HTTP/1.1" && version != "HTTP/1.0") return false;
    if (r.target.empty() || r.target.front() != '/' || !visible(r.target)) return false;
    auto q = r.target.find('?');
    r.path = r.target.substr(0, q);
    r.query = q == std::string::npos ? std::string() : r.target.substr(q + 1);
    std::string_view rest = eol == std::string_view::npos ? std::string_view() : head.substr(eol + 1);
    bool host = false;
    while (!rest.empty()) {
        auto e = rest.find('\n');
        std::string_view h = rest.substr(0, e);
        rest = e == std::string_view::npos ? std::string_view() : rest.substr(e + 1);
        if (!h.empty() && h.back() == '\r') h.remove_suffix(1);
        if (h.empty()) break;
        // A line folded onto the one before (obs-fold), a name with white
        // space before its colon ("Host : x"), a control byte in a value:
        // each is read one way here and another by a proxy in front, so
        // none is guessed at (RFC 9112, sections 5.1 and 5.2).
        auto colon = h.find(':');
        if (colon == std::string_view::npos || !token(h.substr(0, colon))) return false;
        auto value = trim_ows(h.substr(colon + 1));
        if (!field_value(value)) return false;
        std::string name = lower(h.substr(0, colon));
        if (name == "host" && std::exchange(host, true)) return false;  // two Hosts: which one is meant?
        r.headers.emplace_back(std::move(name), std::string(value));
    }
    return true;
}

}  // namespace detail

std::string_view HttpRequest::header(std::string_view name) const {
    for (const auto& [n, v] : headers)
        if (n == name) return v;
    return {};
}

std::string_view reason_phrase(int status) {
    switch (status) {
        case 200:
            return "OK";
        case 400:
            return "Bad Request";
        case 401:
            return "Unauthorized";
        case 403:
            return "Forbidden";
        case 404:
            return "Not Found";
        case 405:
            return "Method Not Allowed";
        case 408:
            return "Request Timeout";
        case 414:
            return "URI Too Long";
        case 431:
            return "Request Header Fields Too Large";
        case 500:
            return "Internal Server Error";
        case 503:
            return "Service Unavailable";
        default:
            return "Unknown";
    }
}

std::string url_decode(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    auto hex = [](char ch) -> int {
        if (ch >= '0' && ch <= '9') return ch - '0';
        if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
        if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
        return -1;
    };
    for (std::size_t i = 0; i < text.size(); ++i) {
        char ch = text[i];
        if (ch == '+') {
            out.push_back(' ');
        } else if (ch == '%' && i + 2 < text.size() && hex(text[i + 1]) >= 0 && hex(text[i + 2]) >= 0) {
            out.push_back(static_cast<char>(hex(text[i + 1]) * 16 + hex(text[i + 2])));
            i += 2;
        } else {
            out.push_back(ch);
        }
    }
    return out;
}

}  // namespace rtwatch::net
