// Private to the net layer: the text side of the HTTP server (addresses,
// request heads), pure functions on bytes.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "rtwatch/net/http_server.hpp"

namespace rtwatch::net::detail {

// "HOST:PORT" (IPv6 in brackets); false when it is not that.
bool parse_address(std::string_view address, std::string& host, std::uint16_t& port);
// A request line and header lines (names lowercased); false when not HTTP/1.x.
bool parse_head(std::string_view head, HttpRequest& r);

}  // namespace rtwatch::net::detail
