// The server's shared state, private to lib/sim: every endpoint handler
// and stream session works on one Impl.
#pragma once

#include <httplib.h>

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include "rtwatch/sim/event_log.hpp"
#include "rtwatch/sim/faults.hpp"
#include "rtwatch/sim/server.hpp"
#include "rtwatch/sim/stats.hpp"
#include "rtwatch/sim/tokens.hpp"

namespace rtwatch::sim {

// Benchmark mode: every stream gets the same pre-built bytes.
struct FlatOutData {
    std::string head;  // retry + unfiltered snapshot of the initial state
    std::vector<std::string> initial_metrics;
    std::string events;             // frames with ids 1..N
    std::vector<uint64_t> offsets;  // offsets[i]: start of event id i+1; offsets[N] = size
    std::vector<ResourceIndex> resources;
    uint64_t count = 0;
};

namespace genesys {
class GenesysHub;
}

struct SimServer::Impl {
    explicit Impl(SimOptions o);
    ~Impl();

    SimOptions options;
    std::unique_ptr<Model> model;
    std::unique_ptr<EventLog> log;
    TokenStore tokens;
    FaultState faults;
    Stats stats;
    std::unique_ptr<FlatOutData> flat;
    std::unique_ptr<genesys::GenesysHub> genesys;  // --platform genesys only
    std::unique_ptr<httplib::Server> http;
    int port = 0;

    std::atomic<bool> stopping{false};
    std::mutex stop_mutex;
    std::condition_variable stop_cv;
    std::thread listener;
    std::thread driver;

    bool tls() const { return !options.tls_cert.empty(); }
};

// A token request's fields: form or JSON body, Basic credentials preferred.
struct TokenRequest {
    std::optional<std::string> grant_type, scope, client_id, client_secret;
    bool malformed = false;
};
TokenRequest read_token_request(const httplib::Request& req);

void run_driver(SimServer::Impl& s);
void build_flat_out(SimServer::Impl& s);
void install_token_endpoint(SimServer::Impl& s);
void install_stream_endpoint(SimServer::Impl& s);
void install_control_endpoints(SimServer::Impl& s);
// Answers with a canned fault response; the caller counted it.
void send_canned(const CannedResponse& canned, httplib::Response& res);

}  // namespace rtwatch::sim
