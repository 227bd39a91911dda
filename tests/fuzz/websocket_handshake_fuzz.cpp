// Fuzzes the judge of a WebSocket upgrade's answer. Properties: no crash;
// only a 101 carrying the right accept opens; every other verdict names its
// problem in short printable text, however hostile the server's bytes.
// Input: the answer's head, sent for the RFC 6455 example key.
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_check.hpp"
#include "rtwatch/net/websocket_handshake.hpp"

namespace {

constexpr std::string_view k_key = "dGhlIHNhbXBsZSBub25jZQ==";
constexpr std::string_view k_accept = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";

bool printable(std::string_view text) {
    for (char c : text)
        if (c < 0x20 || c > 0x7e) return false;
    return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view head(reinterpret_cast<const char*>(data), size);
    using Kind = rtwatch::net::UpgradeVerdict::Kind;
    auto v = rtwatch::net::judge_upgrade_answer(head, k_key);
    switch (v.kind) {
        case Kind::open:
            FUZZ_CHECK(v.status == 101);
            FUZZ_CHECK(v.problem.empty());
            FUZZ_CHECK(head.find(k_accept) != std::string_view::npos);
            break;
        case Kind::refused:
            FUZZ_CHECK(v.status >= 100 && v.status <= 999 && v.status != 101);
            FUZZ_CHECK(!v.problem.empty());
            break;
        case Kind::malformed:
            FUZZ_CHECK(!v.problem.empty());
            break;
    }
    FUZZ_CHECK(printable(v.problem));
    FUZZ_CHECK(v.problem.size() < 300);
    // The same bytes for another key never open.
    if (v.kind == Kind::open)
        FUZZ_CHECK(rtwatch::net::judge_upgrade_answer(head, "AAAAAAAAAAAAAAAAAAAAAA==").kind != Kind::open);
    return 0;
}
