// The options as CLI11 fills them, before validation: strings, so one run
// reports every mistake at once (cli.cpp defines them, cli_validate.cpp
// checks them into a Config).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "cli_broker.hpp"
#include "cli_parts.hpp"
#include "rtwatch/app/cli.hpp"
#include "rtwatch/app/config.hpp"

namespace rtwatch::app::detail {

// Raw option values before validation.
struct RawOptions {
    std::string platform = "sse", region, stream_url, request_budget;
    std::vector<std::string> media;
    std::string api_url, auth_url, client_id, client_secret_arg, secret_file, scope, cacert;
    std::vector<std::string> queues, skills, agents, fields;
    std::string where, throttle = "0", duration, idle_timeout, max_backoff = "5s", token_grace = "60s";
    std::string request_timeout = "30s";
    std::string output, record, log_format = "text", log_level, config, count, metrics_listen;
    std::size_t max_event_size = 1 << 20;
    bool once = false, status = false, insecure = false, raw = false;
    int verbose = 0, quiet = 0;
    std::string replay_input = "-";
    LevelOptions levels;
    BrokerRawOptions broker;
};

// Every check of `o`, into `c`; errors and warnings go to `r`.
void validate(const RawOptions& o, Config& c, CliOutcome& r);

}  // namespace rtwatch::app::detail
