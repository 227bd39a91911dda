// Starting the real rtwatch against a simulator, and reading its NDJSON.
#pragma once

#include <map>
#include <string>
#include <vector>

#include <rapidjson/document.h>

#include "rtwatch_test/process.hpp"
#include "rtwatch_test/sim.hpp"

namespace rtwatch::test {

inline constexpr Millis k_exit_timeout{20'000};

// rtwatch with --api-url/--client-id for `sim` and the secret in the environment.
std::unique_ptr<Process> start_rtwatch(const Sim& sim, std::vector<std::string> args,
                                       std::vector<std::pair<std::string, std::string>> env = {});
std::unique_ptr<Process> start_rtwatch_raw(std::vector<std::string> args,
                                           std::vector<std::pair<std::string, std::string>> env = {},
                                           std::optional<std::string> stdin_data = std::nullopt);

// Every line parsed; a line that is not a JSON object fails the test.
std::vector<rapidjson::Document> parse_lines(const std::string& text);

// "queue/queue-0001" -> the metrics of the last record for that resource.
std::map<std::string, std::string> last_metrics_by_resource(const std::vector<rapidjson::Document>& records);
// The same from /sim/state, limited to `kinds`/ids when given.
std::map<std::string, std::string> state_metrics(const rapidjson::Document& state);

}  // namespace rtwatch::test
