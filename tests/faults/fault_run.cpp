// Shared steps of the fault scenarios: start, wait for recovery or exit,
// count requests, prove nothing was lost, and write the fault matrix.
#include "fault_run.hpp"

#include <fmt/format.h>
#include <catch2/catch.hpp>

#include <fstream>
#include <map>

using namespace std::chrono_literals;

namespace rtwatch::test {

namespace {

constexpr std::string_view k_connected = R"("type":"status","ts":)";

bool is_status(const std::string& line, std::string_view status) {
    return line.find(k_connected) != std::string::npos &&
           line.find(fmt::format(R"("status":"{}")", status)) != std::string::npos;
}

// The index just past the n-th "connected" status line, if there is one.
std::optional<size_t> after_connected(const std::vector<std::string>& lines, size_t n) {
    size_t seen = 0;
    for (size_t i = 0; i < lines.size(); ++i)
        if (is_status(lines[i], "connected") && ++seen == n) return i + 1;
    return std::nullopt;
}

bool metrics_after(const std::vector<std::string>& lines, size_t from) {
    for (size_t i = from; i < lines.size(); ++i)
        if (lines[i].starts_with(R"({"type":"metrics")")) return true;
    return false;
}

uint64_t responses(const rapidjson::Document& stats, const char* endpoint, int status) {
    const auto& by_status = stats["responses"][endpoint];
    auto it = by_status.FindMember(std::to_string(status).c_str());
    return it == by_status.MemberEnd() ? 0 : it->value.GetUint64();
}

}  // namespace

std::vector<std::string> fault_sim_args(std::vector<std::string> extra) {
    std::vector<std::string> a{"--seed",  "11",  "--queues", "2",   "--skills", "3",   "--agents",    "20",
                               "--speed", "100", "--rate",   "300", "--retry",  "200", "--heartbeat", "300ms"};
    a.insert(a.end(), extra.begin(), extra.end());
    return a;
}

std::vector<std::string> watch_args(std::vector<std::string> extra) {
    std::vector<std::string> a{"--queue", "queue-0001,queue-0002",   "--skill", "skill-billing",
                               "--agent", "agent-00001,agent-00002", "--status"};
    a.insert(a.end(), extra.begin(), extra.end());
    return a;
}

Scenario::Scenario(std::vector<std::string> rt_extra, std::vector<std::string> sim_extra)
    : sim(fault_sim_args(std::move(sim_extra))), rt(start_rtwatch(sim, watch_args(std::move(rt_extra)))) {}

bool Scenario::wait_live(size_t n, Millis timeout) const {
    return wait_until(
        [&] {
            auto lines = rt->stdout_lines();
            auto from = after_connected(lines, n);
            return from && metrics_after(lines, *from);
        },
        timeout);
}

std::optional<Millis> Scenario::recovery(size_t n, Clock::time_point start, Millis timeout) const {
    if (!wait_live(n, timeout)) return std::nullopt;
    return since(start);
}

std::pair<std::optional<ExitStatus>, Millis> Scenario::exit(Clock::time_point start, Millis timeout) const {
    auto status = rt->wait_for(timeout);
    return {status, since(start)};
}

size_t Scenario::statuses(std::string_view status) const {
    size_t n = 0;
    for (const auto& line : rt->stdout_lines()) n += is_status(line, status);
    return n;
}

bool Scenario::nothing_lost(Millis timeout) const {
    REQUIRE(sim.fault(R"({"kind":"pause"})").status == 200);
    auto truth = state_metrics(sim.state());
    std::map<std::string, std::string> got;
    bool same = wait_until(
        [&] {
            std::string complete;
            for (const auto& line : rt->stdout_lines()) complete += line + "\n";
            got = last_metrics_by_resource(parse_lines(complete));
            if (got.size() != k_watched) return false;
            for (const auto& [key, metrics] : got)
                if (truth.at(key) != metrics) return false;
            return true;
        },
        timeout);
    for (const auto& [key, metrics] : got) {
        INFO(key << "\n  client: " << metrics << "\n  truth:  " << truth.at(key));
        CHECK(truth.at(key) == metrics);
    }
    return same;
}

void Scenario::check_output() const { check_event_ids(parse_lines(rt->stdout_text())); }

void check_event_ids(const std::vector<rapidjson::Document>& lines) {
    std::map<std::string, long long> last_id;  // snapshot records before the last carry no id: -1
    for (const auto& r : lines) {
        if (std::string_view(r["type"].GetString()) != "metrics") continue;
        std::string key = std::string(r["kind"].GetString()) + "/" + r["id"].GetString();
        std::string_view text = r["event_id"].GetString();
        long long id = text.empty() ? -1 : std::stoll(std::string(text));
        auto [it, first] = last_id.try_emplace(key, id);
        if (first) continue;
        INFO("resource " << key << " event " << id << " after " << it->second);
        CHECK(id > it->second);
        it->second = id;
    }
}

void Scenario::stop() const {
    rt->kill(SIGTERM);
    auto status = rt->wait_for(k_exit_timeout);
    REQUIRE(status);
    CHECK(status->code == 0);
}

Millis since(Clock::time_point start) { return std::chrono::duration_cast<Millis>(Clock::now() - start); }

uint64_t stream_responses(const rapidjson::Document& stats, int status) { return responses(stats, "stream", status); }
uint64_t token_responses(const rapidjson::Document& stats, int status) { return responses(stats, "token", status); }

uint64_t stream_requests(const rapidjson::Document& stats) {
    uint64_t n = 0;
    for (const auto& m : stats["responses"]["stream"].GetObject()) n += m.value.GetUint64();
    return n;
}

size_t count_of(const std::string& text, std::string_view needle) {
    size_t n = 0;
    for (size_t pos = text.find(needle); pos != std::string::npos; pos = text.find(needle, pos + needle.size())) ++n;
    return n;
}

void report(std::string_view scenario, std::string_view expected, std::string_view measured) {
    auto line = fmt::format("{} | {} | {}", scenario, expected, measured);
    WARN(line);
    std::ofstream(RTWATCH_FAULT_RESULTS, std::ios::app) << line << "\n";
}

std::string ms_text(Millis ms) { return fmt::format("{} ms", ms.count()); }

}  // namespace rtwatch::test
