// rtwatch-sim's HTTP(S) server: token endpoint, stream endpoint and the
// /sim/* controls, over the contact-center model. One object per process.
#pragma once

#include <memory>
#include <string>

#include "rtwatch/core/result.hpp"
#include "rtwatch/sim/options.hpp"

namespace rtwatch::sim {

class SimServer {
public:
    explicit SimServer(SimOptions options);
    ~SimServer();
    SimServer(const SimServer&) = delete;
    SimServer& operator=(const SimServer&) = delete;

    // Builds the model (and the flat-out events), binds and starts serving.
    // Returns the bound port.
    Result<int> start();
    // "http://127.0.0.1:PORT" (https with TLS).
    std::string url() const;
    // Ends every stream, stops the listener and the model. Idempotent.
    void stop();

    struct Impl;

private:
    std::unique_ptr<Impl> m_impl;
};

}  // namespace rtwatch::sim
