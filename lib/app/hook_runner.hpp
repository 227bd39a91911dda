// --exec: alert hooks. For each level record (and each change of the
// upstream's status that StatusAlerts picks) CMD runs through /bin/sh -c with the record as one line
// on its stdin and its fields in RTWATCH_* variables. Runs are children of
// the one event loop: started without waiting, reaped through a pidfd,
// bounded in number and time. The stream never waits for a hook. Expects
// SIGPIPE ignored (SignalWatch does): a hook may exit without reading.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "hook_queue.hpp"
#include "rtwatch/app/sink.hpp"
#include "rtwatch/core/duration.hpp"
#include "rtwatch/net/loop.hpp"
#include "status_alerts.hpp"

namespace rtwatch::app {

// Runs waiting for a free slot, at most (one per resource and metric, plus
// the status): past it the oldest waiting run is dropped, with a warning.
inline constexpr std::size_t k_hook_queue_limit = 1024;
// RTWATCH_VALUE and the other variables are cut at this many bytes.
inline constexpr std::size_t k_max_env_value = 32 * 1024;
// After SIGTERM at --exec-timeout, a hook has this long before SIGKILL.
inline constexpr Millis k_hook_kill_grace{3'000};

struct HookOptions {
    std::string command;
    std::size_t jobs = 4;
    Millis timeout{30'000};
    std::size_t queue_limit = k_hook_queue_limit;
    Millis recovery_hold = k_recovery_hold;  // see StatusAlerts
};

struct HookCounters {
    std::uint64_t records = 0;    // records offered
    std::uint64_t runs = 0;       // hooks started
    std::uint64_t failed = 0;     // non-zero exit, a signal, or not started
    std::uint64_t timed_out = 0;  // ended at --exec-timeout
    std::uint64_t coalesced = 0;  // replaced by a later record before they ran
    std::uint64_t dropped = 0;    // given up: the queue was full, or the run was ending
};

class HookRunner final : public RecordSink {
public:
    // The environment is read once here: the hooks' base is it without the secret.
    HookRunner(net::Loop& loop, HookOptions options);
    // Whatever still runs is killed and reaped.
    ~HookRunner() override;
    HookRunner(const HookRunner&) = delete;
    HookRunner& operator=(const HookRunner&) = delete;

    void metrics(const Record&, std::span<const std::string_view>, WallTime) override {}
    void level(const output::LevelLine& change, WallTime now) override;
    void status(const StatusChange& change, WallTime now) override;
    // Waits at most --exec-timeout for running and waiting hooks, then kills them.
    void drain(std::function<void()> done) override;

    const HookCounters& counters() const { return m_counters; }

private:
    struct Run;
    void offer(HookJob job);
    void offer_status(const StatusAlert& alert, WallTime now);
    void arm_recovery();
    void start_ready();
    void start(HookJob job);
    std::vector<char*> envp_for(HookJob& job);
    void watch_exit(Run& run);
    void on_exit(Run& run);
    void reap(Run& run, int wait_status);
    void time_out(Run& run);
    void drain_deadline();
    void check_drained();
    bool busy(std::string_view key) const;

    net::Loop& m_loop;
    HookOptions m_options;
    std::vector<std::string> m_base_env;  // NAME=value, without the secret
    HookQueue m_queue;
    std::vector<std::unique_ptr<Run>> m_running;
    HookCounters m_counters;
    std::function<void()> m_drained;  // set while the run ends
    std::optional<net::Loop::Id> m_drain_timer;
    StatusAlerts m_alerts;
    std::optional<net::Loop::Id> m_recovery_timer;  // a connection's hold, to end an outage
};

}  // namespace rtwatch::app
