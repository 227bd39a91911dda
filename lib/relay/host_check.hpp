// Which Host a loopback relay answers to. A page whose DNS name an attacker
// points at 127.0.0.1 sends its own name as Host; only names that cannot be
// rebound pass: localhost, a 127.0.0.0/8 dotted quad, [::1].
#pragma once

#include <string_view>

namespace rtwatch::relay {

// `host` is the Host header as sent: NAME or NAME:PORT. True only for
// "localhost" (any case), a dotted quad of four decimal octets 0-255 without
// leading zeros whose first is 127, or "[::1]"; each may carry ":PORT"
// (1 to 5 digits, at most 65535). Everything else, "" included, is false.
bool loopback_host(std::string_view host);

}  // namespace rtwatch::relay
