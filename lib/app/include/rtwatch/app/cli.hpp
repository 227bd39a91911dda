// The command line, environment and config file, turned into a Config.
// Every configuration error is collected and reported together.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "rtwatch/app/config.hpp"

namespace rtwatch::app {

struct CliOutcome {
    std::optional<Config> config;       // set when rtwatch should run
    int exit_code = 0;                  // when it should not
    std::string stdout_text;            // --help, --version
    std::vector<std::string> errors;    // each names the cause and the fix
    std::vector<std::string> warnings;  // printed, not fatal
    // How to log: the config's when it parsed, else as much of the asked-for
    // format (--log-format, RTWATCH_LOG_FORMAT, the config file) as could be
    // read, so usage errors come out as JSON lines too when asked.
    log::Options log;
};

// Precedence: the command line, then the environment, then the config file.
CliOutcome parse_command_line(int argc, const char* const* argv);

}  // namespace rtwatch::app
