// rtwatch-sim: parse options, start the simulator, print where it listens,
// serve until SIGINT/SIGTERM.
#include <csignal>
#include <cstdio>

#include <fmt/format.h>

#include "cli.hpp"
#include "rtwatch/core/log.hpp"
#include "rtwatch/sim/server.hpp"

namespace {

// Signals are taken synchronously by the main thread; every other thread
// inherits the blocked mask.
sigset_t block_stop_signals() {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
    std::signal(SIGPIPE, SIG_IGN);
    return set;
}

}  // namespace

int main(int argc, char** argv) {
    using namespace rtwatch;
    auto cli = sim::parse_command_line(argc, argv);
    log::configure({.level = log::Level::warn, .program = "rtwatch-sim"});
    if (!cli) {
        log::error("{}", cli.error().message);
        return to_int(cli.error().code);
    }
    if (cli->exit_now) return 0;
    if (cli->verbose) log::configure({.level = log::Level::info, .program = "rtwatch-sim"});
    log::add_secret(cli->options.client_secret);
    const sigset_t signals = block_stop_signals();
    sim::SimServer server(cli->options);
    auto port = server.start();
    if (!port) {
        log::error("{}", port.error().message);
        return to_int(port.error().code);
    }
    std::fputs(fmt::format("{{\"port\":{},\"url\":\"{}\"}}\n", *port, server.url()).c_str(), stdout);
    std::fflush(stdout);
    log::info("listening on {}", server.url());
    int received = 0;
    sigwait(&signals, &received);
    log::info("signal {}: stopping", received);
    server.stop();
    return 0;
}
