// Everything rtwatch-sim can be told on its command line, with defaults.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "rtwatch/sim/model.hpp"

namespace rtwatch::sim {

enum class ExpiredTokenMode { disconnect, stall };

struct SimOptions {
    std::string host = "127.0.0.1";
    int port = 0;
    ModelOptions model{};
    double rate = 1000;   // live data events per second, at most
    double speed = 1;     // simulated seconds per real second
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
};

}  // namespace rtwatch::sim
