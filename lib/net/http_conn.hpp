// Private to the net layer: one connection of the HTTP server, shared by
// its halves (accepting in http_listen.cpp, the rest in http_server.cpp).
#pragma once

#include <string>

#include "rtwatch/net/http_server.hpp"

using SSL = struct ssl_st;

namespace rtwatch::net {

namespace detail {

enum class State { head, answering, streaming, closing };

}  // namespace detail

struct HttpServer::Conn {
    ConnId id = 0;
    int fd = -1;
    detail::State state = detail::State::head;
    std::string in;
    std::string out;
    std::size_t out_pos = 0;
    bool writing = false;  // EPOLLOUT registered
    bool queued = false;   // in m_dirty: bytes to write at the end of this turn
    TimePoint deadline{};  // head, answering: by when it must be complete
    TimePoint progress{};  // bytes last went out; closing: dropped drain_timeout after
    // TLS: expected from the first byte; the session once that byte says
    // it is a TLS handshake (see http_tls.cpp).
    bool tls = false;
    SSL* ssl = nullptr;
};

}  // namespace rtwatch::net
