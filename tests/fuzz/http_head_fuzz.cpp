// Fuzzes the relay's request head parser and its Host check: any bytes
// parse or are refused; a parsed head has a method, a target that starts
// its path, names in lower case, and the same result a second time; the
// Host check gives one answer for one Host.
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_check.hpp"
#include "host_check.hpp"
#include "http_text.hpp"

namespace {

// An oracle written apart from the check: the name without its ":PORT" is
// localhost (any case), [::1], or 127. and three more dot-separated runs
// of digits, nothing else.
bool unreboundable(std::string_view host) {
    if (auto colon = host.rfind(':'); colon != std::string_view::npos && host.substr(colon) != ":1]") {
        auto port = host.substr(colon + 1);
        if (port.empty() || port.find_first_not_of("0123456789") != std::string_view::npos) return false;
        host = host.substr(0, colon);
    }
    if (host == "[::1]") return true;
    if (host.size() == 9) {
        std::string lower(host);
        for (char& c : lower)
            if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        if (lower == "localhost") return true;
    }
    if (!host.starts_with("127.") || host.find_first_not_of("0123456789.") != std::string_view::npos) return false;
    int dots = 0;
    for (std::size_t i = 0; i < host.size(); ++i)
        if (host[i] == '.') {
            if (i + 1 == host.size() || host[i + 1] == '.') return false;
            ++dots;
        }
    return dots == 3;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view head(reinterpret_cast<const char*>(data), size);
    rtwatch::net::HttpRequest r;
    const bool parsed = rtwatch::net::detail::parse_head(head, r);
    rtwatch::net::HttpRequest again;
    FUZZ_CHECK(rtwatch::net::detail::parse_head(head, again) == parsed);
    if (!parsed) return 0;
    FUZZ_CHECK(!r.method.empty());
    FUZZ_CHECK(r.method == again.method && r.target == again.target && r.headers == again.headers);
    FUZZ_CHECK(r.target.starts_with(r.path));
    for (const auto& [name, value] : r.headers) {
        FUZZ_CHECK(!name.empty());
        for (char c : name) FUZZ_CHECK(!(c >= 'A' && c <= 'Z'));
    }
    const std::string_view host = r.header("host");
    const bool loopback = rtwatch::relay::loopback_host(host);
    FUZZ_CHECK(rtwatch::relay::loopback_host(host) == loopback);
    // Whatever passes is a name no DNS answer can rebind.
    if (loopback) FUZZ_CHECK(unreboundable(host));
    return 0;
}
