// One fault scenario: a busy simulator, rtwatch with --status watching a
// few resources, and the measurements every scenario reports (recovery
// time, request counts, nothing lost).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rtwatch_run.hpp"

namespace rtwatch::test {

using Clock = std::chrono::steady_clock;

// A small, busy model (~120 events/s) with a 200 ms retry base and 300 ms
// heartbeats, so backoff bounds and idle timeouts stay short.
std::vector<std::string> fault_sim_args(std::vector<std::string> extra = {});
// The resources every scenario watches: two queues, a skill, two agents.
std::vector<std::string> watch_args(std::vector<std::string> extra = {});
inline constexpr size_t k_watched = 5;

struct Scenario {
    explicit Scenario(std::vector<std::string> rt_extra = {}, std::vector<std::string> sim_extra = {});
    Sim sim;
    std::unique_ptr<Process> rt;

    // The n-th "connected" status record has been written, with a record after it.
    bool wait_live(size_t n, Millis timeout = Millis(15'000)) const;
    // Waits for the n-th "connected" status, then a metrics record after it:
    // the time from `since`, or nullopt after `timeout`.
    std::optional<Millis> recovery(size_t n, Clock::time_point since, Millis timeout = Millis(15'000)) const;
    // Waits for the exit: its status and the time from `since`.
    std::pair<std::optional<ExitStatus>, Millis> exit(Clock::time_point since, Millis timeout = Millis(15'000)) const;
    size_t statuses(std::string_view status) const;  // status records with this status so far
    // Pauses the model; true once the last record per watched resource equals /sim/state.
    bool nothing_lost(Millis timeout = Millis(10'000)) const;
    // Stdout is NDJSON only; per resource, event ids only go up (nothing repeated).
    void check_output() const;
    // SIGTERM, then a clean exit 0.
    void stop() const;
};

// Per resource, event ids only go up: nothing printed twice.
void check_event_ids(const std::vector<rapidjson::Document>& lines);
Millis since(Clock::time_point start);
uint64_t stream_responses(const rapidjson::Document& stats, int status);
uint64_t token_responses(const rapidjson::Document& stats, int status);
uint64_t stream_requests(const rapidjson::Document& stats);  // every answer of the stream endpoint
size_t count_of(const std::string& text, std::string_view needle);

// Appends "scenario | expected | measured" to the fault matrix file.
void report(std::string_view scenario, std::string_view expected, std::string_view measured);
std::string ms_text(Millis ms);

}  // namespace rtwatch::test
