// Opens the outputs and starts the right kind of session.
#include "rtwatch/app/run.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "live.hpp"
#include "replay.hpp"
#include "rtwatch/core/log.hpp"

namespace rtwatch::app {

namespace {

Result<output::Writer> open_output(const std::string& path) {
    return path.empty() ? output::Writer::open_stdout() : output::Writer::open_file(path);
}

ExitCode run_replay(const Config& config, output::Writer writer, SignalWatch& signals) {
    int fd = 0;
    if (config.replay_input != "-") {
        fd = ::open(config.replay_input.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
            log::error("cannot open '{}': {}; check the path", config.replay_input, std::strerror(errno));
            return ExitCode::usage;
        }
    }
    ExitCode code = ReplaySession(config, std::move(writer), signals, fd).run();
    if (fd != 0) ::close(fd);
    return code;
}

}  // namespace

ExitCode run(const Config& config) {
    SignalWatch signals;  // before any thread starts
    auto writer = open_output(config.output);
    if (!writer) {
        log::error("{}", writer.error().message);
        return ExitCode::output;
    }
    if (config.mode == Mode::replay) return run_replay(config, std::move(*writer), signals);
    std::optional<output::Writer> record;
    if (!config.record.empty()) {
        auto r = output::Writer::open_file(config.record);
        if (!r) {
            log::error("--record: {}", r.error().message);
            return ExitCode::output;
        }
        record = std::move(*r);
    }
    return LiveSession(config, std::move(*writer), std::move(record), signals).run();
}

}  // namespace rtwatch::app
