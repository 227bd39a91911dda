// The `rtwatch relay` subcommand on the command line: --listen and the
// viewer options, `rtwatch relay replay FILE`, and the checks that keep a
// relay reachable beyond this host from serving data to anyone who asks.
#pragma once

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "rtwatch/app/config.hpp"

namespace rtwatch::app::detail {

struct RelayRawOptions {
    std::string listen = "127.0.0.1:8080";
    std::string history = "100000";
    std::string history_bytes = "67108864";
    std::string viewer_timeout = "30s";
    std::string max_viewers = "10000";
    std::string token_file;
    bool no_viewer_auth = false;
    std::vector<std::string> allow_origins;
    std::string stale_after = "30s";
    std::string header_timeout = "10s";
    std::vector<std::string> units;
    std::string names;
    std::string tls_cert, tls_key;
    std::string trend_step = "15s";
};

struct RelayCommand {
    CLI::App* relay = nullptr;
    CLI::App* replay = nullptr;  // `rtwatch relay replay FILE`
    bool parsed() const { return relay->parsed(); }
};

RelayCommand define_relay(CLI::App& app, RelayRawOptions& o, std::string& replay_input);
std::string relay_help(const RelayCommand& command);

// True for 127.0.0.0/8 and ::1 ("HOST:PORT", IPv6 in brackets).
bool loopback_address(std::string_view address);

// After the common checks: values, the token file, and auth for a
// non-loopback --listen.
void validate_relay(const RelayRawOptions& o, Config& c, std::vector<std::string>& errors,
                    std::vector<std::string>& warnings);

}  // namespace rtwatch::app::detail
