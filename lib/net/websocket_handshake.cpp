// The WebSocket upgrade's answer, checked header by header: status 101,
// Upgrade: websocket, a Connection header with the upgrade token, the right
// Sec-WebSocket-Accept, and no extension or subprotocol that was not asked for.
#include "rtwatch/net/websocket_handshake.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <vector>

#include "rtwatch/core/text.hpp"

namespace rtwatch::net {

namespace {

constexpr std::string_view k_guid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
constexpr std::size_t k_echo_limit = 60;  // of a server's value quoted in a problem

bool same_token(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
           });
}

// A value as it may appear in a message: printable ASCII, cut short.
std::string quoted(std::string_view value) {
    std::string out = "'";
    for (char c : value.substr(0, k_echo_limit)) out += (c >= 0x20 && c < 0x7f) ? c : '?';
    if (value.size() > k_echo_limit) out += "...";
    return out + "'";
}

bool has_token(std::string_view list, std::string_view token) {
    while (!list.empty()) {
        auto comma = list.find(',');
        if (same_token(trim(list.substr(0, comma)), token)) return true;
        if (comma == std::string_view::npos) break;
        list.remove_prefix(comma + 1);
    }
    return false;
}

struct Head {
    long status = 0;
    std::vector<std::string> upgrade, connection, accept, extensions, protocol;
    std::string retry_after;
};

// "HTTP/1.1 101 Switching Protocols": the three digits after the version.
long status_of(std::string_view line) {
    if (line.substr(0, 5) != "HTTP/") return 0;
    auto sp = line.find(' ');
    if (sp == std::string_view::npos || line.size() < sp + 4) return 0;
    std::string_view digits = line.substr(sp + 1, 3);
    if (line.size() > sp + 4 && line[sp + 4] != ' ') return 0;
    long status = 0;
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), status);
    if (ec != std::errc{} || end != digits.data() + digits.size() || status < 100) return 0;
    return status;
}

Head parse_head(std::string_view head) {
    Head h;
    std::size_t pos = 0;
    bool first = true;
    while (pos < head.size()) {
        auto eol = head.find("\r\n", pos);
        std::string_view line = head.substr(pos, eol == std::string_view::npos ? std::string_view::npos : eol - pos);
        pos = eol == std::string_view::npos ? head.size() : eol + 2;
        if (first) {
            h.status = status_of(line);
            first = false;
            continue;
        }
        auto colon = line.find(':');
        if (colon == std::string_view::npos) continue;
        auto name = trim(line.substr(0, colon));
        std::string value(trim(line.substr(colon + 1)));
        if (same_token(name, "Upgrade"))
            h.upgrade.push_back(std::move(value));
        else if (same_token(name, "Connection"))
            h.connection.push_back(std::move(value));
        else if (same_token(name, "Sec-WebSocket-Accept"))
            h.accept.push_back(std::move(value));
        else if (same_token(name, "Sec-WebSocket-Extensions"))
            h.extensions.push_back(std::move(value));
        else if (same_token(name, "Sec-WebSocket-Protocol"))
            h.protocol.push_back(std::move(value));
        else if (same_token(name, "Retry-After"))
            h.retry_after = std::move(value);
    }
    return h;
}

// What is wrong with a 101, or empty.
std::string problem_of_101(const Head& h, std::string_view key) {
    if (h.upgrade.empty()) return "the 101 answer has no Upgrade header";
    if (h.upgrade.size() > 1 || !same_token(h.upgrade.front(), "websocket"))
        return "the 101 answer's Upgrade is " + quoted(h.upgrade.front()) + ", not websocket";
    bool upgrade_token = std::any_of(h.connection.begin(), h.connection.end(),
                                     [](const std::string& v) { return has_token(v, "upgrade"); });
    if (h.connection.empty()) return "the 101 answer has no Connection header";
    if (!upgrade_token)
        return "the 101 answer's Connection is " + quoted(h.connection.front()) + ", without the upgrade token";
    if (h.accept.empty()) return "the 101 answer has no Sec-WebSocket-Accept header";
    if (h.accept.size() > 1) return "the 101 answer has more than one Sec-WebSocket-Accept header";
    if (h.accept.front() != websocket_accept(key))
        return "the 101 answer's Sec-WebSocket-Accept " + quoted(h.accept.front()) +
               " does not match the key sent (expected '" + websocket_accept(key) + "')";
    if (!h.extensions.empty())
        return "the 101 answer picks the extension " + quoted(h.extensions.front()) + ", which was not asked for";
    if (!h.protocol.empty())
        return "the 101 answer picks the subprotocol " + quoted(h.protocol.front()) + ", which was not asked for";
    return {};
}

}  // namespace

std::string websocket_accept(std::string_view key) {
    std::string text = std::string(key) + std::string(k_guid);
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_Digest(text.data(), text.size(), md, &len, EVP_sha1(), nullptr);
    std::string out(4 * ((len + 2) / 3), '\0');
    int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), md, static_cast<int>(len));
    out.resize(static_cast<std::size_t>(n));
    return out;
}

UpgradeVerdict judge_upgrade_answer(std::string_view head, std::string_view key) {
    Head h = parse_head(head);
    UpgradeVerdict v;
    v.status = h.status;
    if (h.status == 0) {
        v.problem = "the upgrade's answer has no valid HTTP status line";
        return v;
    }
    if (h.status != 101) {
        v.kind = UpgradeVerdict::Kind::refused;
        v.retry_after = h.retry_after;
        v.problem = "the upgrade was answered " + std::to_string(h.status);
        return v;
    }
    v.problem = problem_of_101(h, key);
    if (v.problem.empty()) v.kind = UpgradeVerdict::Kind::open;
    return v;
}

}  // namespace rtwatch::net
