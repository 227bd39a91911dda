// The SSE contract test service: the HTTP API that LaunchDarkly's public
// sse-contract-tests suite drives (cpp-httplib, its own threads), handing
// every command to the one net::Loop thread that runs the stream clients.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <string>
#include <thread>

#include <httplib.h>

#include "rtwatch/core/result.hpp"
#include "stream_client.hpp"

namespace rtwatch::contract {

// Parses the body of `POST /`; the error names the bad field.
Result<ClientParams> parse_client_params(const std::string& json);

class TestService {
public:
    TestService();
    ~TestService();

    // Binds 127.0.0.1:port (0 = any free port); returns the port.
    Result<int> bind(int port);
    // Serves until DELETE / or stop(). The loop runs on the calling thread.
    void serve();
    // Thread-safe.
    void stop();

private:
    void routes();
    template <class T, class F>
    T on_loop(F fn);

    net::Loop m_loop;
    httplib::Server m_http;
    std::thread m_http_thread;
    std::map<long, std::unique_ptr<StreamClient>> m_clients;  // loop thread only
    std::atomic<long> m_next_id{1};
};

}  // namespace rtwatch::contract
