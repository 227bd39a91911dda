// The server's answer to a WebSocket upgrade (RFC 6455 section 4.1), judged
// by a pure function: fed the bytes of the answer's head and the key that
// was sent, it says whether the socket may open and, when not, what was wrong.
#pragma once

#include <string>
#include <string_view>

namespace rtwatch::net {

struct UpgradeVerdict {
    enum class Kind {
        open,       // 101 with every header RFC 6455 asks for
        refused,    // a well-formed answer other than 101 (status, retry_after)
        malformed,  // no status line, or a 101 that breaks the RFC (problem says how)
    };
    Kind kind = Kind::malformed;
    long status = 0;
    std::string retry_after;  // of a refused upgrade
    std::string problem;      // empty when open; else names what was wrong
};

// `head` is the answer up to and including its blank line; `key` is the
// Sec-WebSocket-Key that was sent. No extension or subprotocol is ever asked
// for, so an answer that picks one is malformed too.
UpgradeVerdict judge_upgrade_answer(std::string_view head, std::string_view key);

// base64(SHA-1(key + the RFC 6455 GUID)): what the server must answer.
std::string websocket_accept(std::string_view key);

}  // namespace rtwatch::net
