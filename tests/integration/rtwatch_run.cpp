// Shared helpers of the integration tests.
#include "rtwatch_run.hpp"

#include <catch2/catch.hpp>

#include <sstream>

#include "rtwatch_test/binaries.hpp"
#include "rtwatch_test/http.hpp"

namespace rtwatch::test {

std::unique_ptr<Process> start_rtwatch_raw(std::vector<std::string> args,
                                           std::vector<std::pair<std::string, std::string>> env,
                                           std::optional<std::string> stdin_data) {
    ProcessOptions o;
    o.argv.push_back(rtwatch_binary());
    o.argv.insert(o.argv.end(), args.begin(), args.end());
    o.env = std::move(env);
    o.stdin_data = std::move(stdin_data);
    return std::make_unique<Process>(std::move(o));
}

std::unique_ptr<Process> start_rtwatch(const Sim& sim, std::vector<std::string> args,
                                       std::vector<std::pair<std::string, std::string>> env) {
    std::vector<std::string> all{"--api-url", sim.url(), "--client-id", "rtwatch"};
    all.insert(all.end(), args.begin(), args.end());
    bool has_secret = false;
    for (const auto& [name, value] : env) has_secret |= name == "RTWATCH_CLIENT_SECRET";
    if (!has_secret) env.emplace_back("RTWATCH_CLIENT_SECRET", "rtwatch-secret");
    return start_rtwatch_raw(std::move(all), std::move(env));
}

std::vector<rapidjson::Document> parse_lines(const std::string& text) {
    std::vector<rapidjson::Document> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        rapidjson::Document d;
        d.Parse(line.c_str(), line.size());
        INFO("output line is not a JSON object: " << line);
        REQUIRE((!d.HasParseError() && d.IsObject()));
        out.push_back(std::move(d));
    }
    return out;
}

std::map<std::string, std::string> last_metrics_by_resource(const std::vector<rapidjson::Document>& records) {
    std::map<std::string, std::string> out;
    for (const auto& r : records) {
        if (std::string(r["type"].GetString()) != "metrics") continue;
        std::string key = std::string(r["kind"].GetString()) + "/" + r["id"].GetString();
        out[key] = json_text(r["metrics"]);
    }
    return out;
}

std::map<std::string, std::string> state_metrics(const rapidjson::Document& state) {
    std::map<std::string, std::string> out;
    for (auto [group, kind] : {std::pair{"queues", "queue"}, {"skills", "skill"}, {"agents", "agent"}}) {
        if (!state.HasMember(group)) continue;
        for (const auto& m : state[group].GetObject())
            out[std::string(kind) + "/" + m.name.GetString()] = json_text(m.value);
    }
    return out;
}

}  // namespace rtwatch::test
