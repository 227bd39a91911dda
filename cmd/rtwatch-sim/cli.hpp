// rtwatch-sim's command line: CLI11 options into SimOptions, every
// mistake reported together before anything starts.
#pragma once

#include "rtwatch/core/result.hpp"
#include "rtwatch/sim/options.hpp"

namespace rtwatch::sim {

struct CommandLine {
    SimOptions options;
    bool verbose = false;
    bool exit_now = false;  // --help or --version was answered
};

Result<CommandLine> parse_command_line(int argc, char** argv);

}  // namespace rtwatch::sim
