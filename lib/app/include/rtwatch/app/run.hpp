// Running rtwatch: a live stream from the upstream, or a replay of a
// recorded one. Both end with an exit code from the one table.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>

#include "rtwatch/app/config.hpp"
#include "rtwatch/app/pipeline.hpp"
#include "rtwatch/app/sink.hpp"
#include "rtwatch/core/exit_code.hpp"
#include "rtwatch/core/result.hpp"

namespace rtwatch::net {
class Loop;
}

namespace rtwatch::app {

// With --broker: this process's part in the tenant's stream.
struct BrokerStats {
    bool holder = false;              // holds the upstream lease
    std::uint64_t stored = 0;         // publications the broker stored
    std::uint64_t refused = 0;        // refused: the stream had moved on (another holder)
    std::uint64_t unconfirmed = 0;    // no answer: published again once the lease is confirmed
    std::uint64_t stale_dropped = 0;  // messages read of an older lease term than one already read
};

// What an extra end of the pipeline (the relay's viewers, /metrics) is
// built from, once the loop and the stages exist.
struct RunContext {
    const Config& config;
    net::Loop& loop;
    Pipeline& pipeline;
    // When upstream bytes (heartbeats included) last arrived, if ever.
    std::function<std::optional<TimePoint>()> last_input;
    // With --broker: the lease and publications (rtwatch relay), the reader's drops.
    std::function<BrokerStats()> broker;
};
using SinkFactory = std::function<Result<std::unique_ptr<RecordSink>>(RunContext&)>;

// `extra`, when set, adds a sink; with config.relay it replaces the NDJSON output.
ExitCode run(const Config& config, const SinkFactory& extra = {});

}  // namespace rtwatch::app
