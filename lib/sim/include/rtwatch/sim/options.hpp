// Everything rtwatch-sim can be told on its command line, with defaults.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "rtwatch/sim/model.hpp"

namespace rtwatch::sim {

enum class ExpiredTokenMode { disconnect, stall };

// sse: PROTOCOL.md's realtime data stream. genesys: Genesys Cloud's
// Notifications API (channels, subscriptions, WebSocket, observation query).
enum class Platform { sse, genesys };

// The knobs of --platform genesys; the defaults are the documented service's.
struct GenesysOptions {
    std::chrono::milliseconds channel_ttl{24 * 3600 * 1000};
    size_t max_channels = 20;
    size_t max_topics = 1000;
    // Permissions the OAuth client's roles lack, e.g. analytics:queueObservation:view.
    std::vector<std::string> missing_permissions{};
    std::chrono::milliseconds socket_closing_delay{60000};
    // How often a 30-minute aggregate interval rides on each observation
    // topic; 0 never.
    std::chrono::milliseconds aggregate_every{30000};
    // At most one message per topic in this time (the documented 1 s).
    std::chrono::milliseconds topic_interval{1000};
    // oOnQueueUsers as one count, not one per routing status.
    bool plain_on_queue = false;
    // The observations answer without systemToOrganizationMappings: a client
    // must read the presence definitions to name oUserPresences qualifiers.
    bool omit_mappings = false;
    int bad_client_status = 401;                // the token endpoint's answer to bad credentials
    size_t max_message_bytes = 64 * 1024;       // a client message larger than this closes the socket (1009)
    size_t max_queued_bytes = 8 * 1024 * 1024;  // a socket that falls this far behind is cut
};

struct SimOptions {
    Platform platform = Platform::sse;
    std::string host = "127.0.0.1";
    int port = 0;
    ModelOptions model{};
    double rate = 1000;  // live data events per second, at most
    double speed = 1;    // simulated seconds per real second
    std::string client_id = "rtwatch";
    std::string client_secret = "rtwatch-secret";
    double token_lifetime_s = 3600;
    std::chrono::milliseconds heartbeat{5000};
    int retry_ms = 1000;
    size_t replay_window = 100000;
    ExpiredTokenMode expired_token = ExpiredTokenMode::disconnect;
    uint64_t flat_out = 0;       // > 0: benchmark mode with this many events
    double changed_ratio = 0.1;  // flat-out: fraction of events that change a metric
    std::string tls_cert;
    std::string tls_key;
    int max_clients = 512;
    // A client whose socket takes no bytes for this long is disconnected.
    std::chrono::seconds write_timeout{10};
    GenesysOptions genesys{};
};

}  // namespace rtwatch::sim
