// The whole run on one screen: open the outputs, pick the source, compose
// source -> stages -> sinks, and run it until it ends.
#include "rtwatch/app/run.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>

#include "broker_source.hpp"
#include "genesys_source.hpp"
#include "hook_runner.hpp"
#include "live_source.hpp"
#include "replay_source.hpp"
#include "rtwatch/app/ndjson_sink.hpp"
#include "rtwatch/core/log.hpp"
#include "session.hpp"
#include "top_view.hpp"

namespace rtwatch::app {

namespace {

net::TransportOptions transport_of(const Config& c) {
    net::TransportOptions t;
    t.cacert = c.cacert;
    t.insecure = c.insecure;
    return t;
}

Result<output::Writer> open_output(const std::string& path) {
    return path.empty() ? output::Writer::open_stdout() : output::Writer::open_file(path);
}

// The replay input: a file, or stdin for "-".
Result<int> open_input(const Config& config) {
    if (config.replay_input == "-") return 0;
    int fd = ::open(config.replay_input.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return make_error(ExitCode::usage, fmt::format("cannot open '{}': {}; check the path", config.replay_input,
                                                       std::strerror(errno)));
    return fd;
}

}  // namespace

ExitCode run(const Config& config, const SinkFactory& extra) {
    SignalWatch signals;  // before any thread starts
    auto writer = open_output(config.output);
    if (!writer) {
        log::error("{}", writer.error().message);
        return ExitCode::output;
    }
    std::optional<output::Writer> record;
    if (config.mode == Mode::live && !config.record.empty()) {
        auto r = output::Writer::open_file(config.record);
        if (!r) {
            log::error("--record: {}", r.error().message);
            return ExitCode::output;
        }
        record = std::move(*r);
    }
    int input = 0;
    if (config.mode == Mode::replay) {
        auto fd = open_input(config);
        if (!fd) {
            log::error("{}", fd.error().message);
            return fd.error().code;
        }
        input = *fd;
    }
    net::Loop loop(transport_of(config));

    // source: the live SSE stream, Genesys Cloud's notifications, a capture
    // replayed, or the tenant's stream on a broker (which a relay's lease
    // holder feeds from upstream)
    std::unique_ptr<Source> source;
    BrokerSource* broker = nullptr;
    if (config.mode == Mode::replay) {
        source = std::make_unique<ReplaySource>(config, loop, input);
    } else if (!config.broker_urls.empty()) {
        auto b = std::make_unique<BrokerSource>(config, loop);
        broker = b.get();
        source = std::move(b);
    } else if (config.platform == Platform::genesys) {
        source = std::make_unique<GenesysSource>(config, loop);
    } else {
        source = std::make_unique<LiveSseSource>(config, loop);
    }
    // stages: decode -> filter -> fields -> levels -> diff + throttle
    Pipeline pipeline(config);
    Session session(config, loop, signals, *source, pipeline, *writer, record ? &*record : nullptr);
    // sinks: NDJSON lines to stdout or -o, or the terminal view (rtwatch top);
    // --exec hooks for level and status records
    NdjsonSink ndjson(*writer, config.status, !config.levels_only);
    TopMode top;
    if (config.top) {
        auto attached = attach_top(config, loop, pipeline, session);
        if (!attached) {
            log::error("{}", attached.error().message);
            return attached.error().code;
        }
        top = std::move(*attached);
    } else if (!config.relay) {
        pipeline.add_sink(ndjson);
    }
    // the relay's viewers (rtwatch relay), or /metrics beside the output (--metrics-listen)
    if (config.relay) session.hold_at_end();  // a replayed capture stays served after its end
    std::unique_ptr<RecordSink> extra_sink;
    if (extra) {
        RunContext context{config, loop, pipeline, [&session] { return session.last_input(); }, {}};
        if (broker) context.broker = [broker] { return broker->stats(); };
        auto built = extra(context);
        if (!built) {
            log::error("{}", built.error().message);
            return built.error().code;
        }
        extra_sink = std::move(*built);
        pipeline.add_sink(*extra_sink);
    }
    std::optional<HookRunner> hooks;
    if (!config.exec.empty()) {
        hooks.emplace(loop, HookOptions{config.exec, config.exec_jobs, config.exec_timeout});
        pipeline.add_sink(*hooks);
    }

    ExitCode code = session.run();
    source.reset();
    if (input != 0) ::close(input);
    return code;
}

}  // namespace rtwatch::app
