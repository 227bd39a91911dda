// rtwatch entry point: parse options, run the pipeline, map to an exit code.
#include <cstdio>

#include "rtwatch/app/cli.hpp"
#include "rtwatch/app/run.hpp"
#include "rtwatch/app/signals.hpp"
#include "rtwatch/core/log.hpp"
#include "rtwatch/relay/relay.hpp"

int main(int argc, char** argv) {
    using namespace rtwatch;
    app::hold_run_signals();  // before anything that can take time
    auto cli = app::parse_command_line(argc, argv);
    log::configure(cli.log);
    for (const auto& warning : cli.warnings) log::warn("{}", warning);
    if (!cli.config) {
        for (const auto& error : cli.errors) log::error("{}", error);
        std::fputs(cli.stdout_text.c_str(), stdout);
        return cli.exit_code;
    }
    // rtwatch relay: viewers instead of stdout; --metrics-listen: /metrics beside it
    app::SinkFactory extra;
    if (cli.config->relay)
        extra = relay::make_relay;
    else if (!cli.config->metrics_listen.empty())
        extra = relay::make_metrics_server;
    return to_int(app::run(*cli.config, extra));
}
