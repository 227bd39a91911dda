// Running rtwatch: a live stream from the upstream, or a replay of a
// recorded one. Both end with an exit code from the one table.
#pragma once

#include "rtwatch/app/config.hpp"
#include "rtwatch/core/exit_code.hpp"

namespace rtwatch::app {

ExitCode run(const Config& config);

}  // namespace rtwatch::app
