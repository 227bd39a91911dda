// --broker, --tenant and the options of the tenant's stream on NATS
// JetStream: a plain run reads the stream, a relay also competes for the
// upstream lease and publishes while it holds it.
#pragma once

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "rtwatch/app/config.hpp"

namespace rtwatch::app::detail {

struct BrokerRawOptions {
    std::vector<std::string> urls;
    std::string creds;
    std::string tenant;
    std::string lease_ttl = "5s";
    std::string history = "64";
};

void define_broker(CLI::App& app, BrokerRawOptions& o);
// `relay`: rtwatch relay (which needs the upstream too); a plain run
// needs none. `replay`: a replayed capture has no business with a broker.
void validate_broker(const BrokerRawOptions& o, Config& c, bool relay, bool replay, std::vector<std::string>& errors);

}  // namespace rtwatch::app::detail
