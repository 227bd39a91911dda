// One client's stream, from the first bytes to the close: the live session
// (snapshot or replay, then events, heartbeats and faults) and the
// flat-out benchmark session.
#pragma once

#include <optional>
#include <string>

#include "server_impl.hpp"

namespace rtwatch::sim {

struct StreamRequest {
    Filter filter;
    std::string token;
    TimePoint token_expiry{};
    std::optional<uint64_t> last_event_id;
    int fd = -1;  // the connection's socket, to notice a client leaving during a stall
};

httplib::ContentProviderWithoutLength live_stream(SimServer::Impl& s, StreamRequest request);
httplib::ContentProviderWithoutLength flat_out_stream(SimServer::Impl& s, StreamRequest request);

}  // namespace rtwatch::sim
