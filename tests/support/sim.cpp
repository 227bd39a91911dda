// Starting and talking to rtwatch-sim.
#include "rtwatch_test/sim.hpp"

#include <stdexcept>

#include "rtwatch_test/binaries.hpp"

namespace rtwatch::test {

Sim::Sim(std::vector<std::string> args) : Sim(SimConfig{std::move(args), {}, false, Millis(30000)}) {}

Sim::Sim(SimConfig config) : m_tls(config.tls) {
    ProcessOptions options;
    options.argv.push_back(sim_binary());
    options.argv.insert(options.argv.end(), config.args.begin(), config.args.end());
    options.env = config.env;
    m_process = std::make_unique<Process>(std::move(options));
    if (!m_process->wait_for_stdout_lines(1, config.start_timeout))
        throw std::runtime_error("rtwatch-sim did not start: " + m_process->stderr_text());
    const auto first = parse_json(m_process->stdout_lines().front());
    m_port = first["port"].GetInt();
    m_url = first["url"].GetString();
}

Sim::~Sim() { stop(); }

std::optional<ExitStatus> Sim::stop() {
    m_process->kill(SIGTERM);
    auto status = m_process->wait_for(Millis(10000));
    if (!status) {
        m_process->kill(SIGKILL);
        m_process->wait_for(Millis(5000));
    }
    return status;
}

rapidjson::Document Sim::state() const { return parse_json(http_get(endpoint(), "/sim/state").body); }
rapidjson::Document Sim::stats() const { return parse_json(http_get(endpoint(), "/sim/stats").body); }

HttpResponse Sim::fault(const std::string& json) const {
    return http_post(endpoint(), "/sim/fault", json, "application/json");
}

uint64_t Sim::last_event_id() const { return std::stoull(state()["lastEventId"].GetString()); }

}  // namespace rtwatch::test
