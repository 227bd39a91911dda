// The Host check of a loopback relay, by parsing the name, never by prefix.
#include "host_check.hpp"

namespace rtwatch::relay {

namespace {

bool digits(std::string_view s) {
    if (s.empty()) return false;
    for (char ch : s)
        if (ch < '0' || ch > '9') return false;
    return true;
}

// 1 to 5 digits, at most 65535.
bool port_number(std::string_view s) {
    if (!digits(s) || s.size() > 5) return false;
    unsigned value = 0;
    for (char ch : s) value = value * 10 + static_cast<unsigned>(ch - '0');
    return value <= 65535;
}

// 0-255 in decimal: no sign, no leading zero, at most three digits.
bool octet(std::string_view s, unsigned& value) {
    if (!digits(s) || s.size() > 3 || (s.size() > 1 && s.front() == '0')) return false;
    value = 0;
    for (char ch : s) value = value * 10 + static_cast<unsigned>(ch - '0');
    return value <= 255;
}

bool loopback_quad(std::string_view name) {
    unsigned first = 0;
    for (int i = 0; i < 4; ++i) {
        auto dot = name.find('.');
        if ((i < 3) != (dot != std::string_view::npos)) return false;
        unsigned value = 0;
        if (!octet(name.substr(0, dot), value)) return false;
        if (i == 0) first = value;
        name = dot == std::string_view::npos ? std::string_view() : name.substr(dot + 1);
    }
    return first == 127;
}

bool localhost(std::string_view name) {
    constexpr std::string_view k_name = "localhost";
    if (name.size() != k_name.size()) return false;
    for (std::size_t i = 0; i < name.size(); ++i) {
        char ch = name[i];
        if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
        if (ch != k_name[i]) return false;
    }
    return true;
}

}  // namespace

bool loopback_host(std::string_view host) {
    std::string_view name = host;
    std::string_view port;
    bool has_port = false;
    if (host.starts_with('[')) {
        auto close = host.find(']');
        if (close == std::string_view::npos) return false;
        name = host.substr(0, close + 1);
        auto rest = host.substr(close + 1);
        if (!rest.empty()) {
            if (rest.front() != ':') return false;
            has_port = true;
            port = rest.substr(1);
        }
    } else if (auto colon = host.find(':'); colon != std::string_view::npos) {
        name = host.substr(0, colon);
        port = host.substr(colon + 1);
        has_port = true;
    }
    if (has_port && !port_number(port)) return false;
    return name == "[::1]" || localhost(name) || loopback_quad(name);
}

}  // namespace rtwatch::relay
