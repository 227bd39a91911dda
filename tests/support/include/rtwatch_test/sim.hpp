// rtwatch-sim under test: started with the given arguments on a free port,
// its first stdout line read for the port, stopped on destruction.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <rapidjson/document.h>

#include "rtwatch_test/http.hpp"
#include "rtwatch_test/process.hpp"

namespace rtwatch::test {

struct SimConfig {
    std::vector<std::string> args{};  // e.g. {"--seed", "7", "--speed", "20"}
    std::vector<std::pair<std::string, std::string>> env{};
    bool tls = false;  // set when args carry --tls-cert/--tls-key
    Millis start_timeout{30000};
};

class Sim {
public:
    explicit Sim(std::vector<std::string> args = {});
    explicit Sim(SimConfig config);
    ~Sim();
    Sim(const Sim&) = delete;
    Sim& operator=(const Sim&) = delete;

    int port() const { return m_port; }
    const std::string& url() const { return m_url; }  // http://127.0.0.1:PORT (https with TLS)
    Endpoint endpoint() const { return {m_port, m_tls}; }

    rapidjson::Document state() const;                  // GET /sim/state
    rapidjson::Document stats() const;                  // GET /sim/stats
    HttpResponse fault(const std::string& json) const;  // POST /sim/fault
    std::string token() const { return fetch_token(endpoint()); }
    uint64_t last_event_id() const;

    Process& process() { return *m_process; }
    std::string stderr_text() const { return m_process->stderr_text(); }
    // SIGTERM, then the exit status (SIGKILL after 10 s).
    std::optional<ExitStatus> stop();

private:
    std::unique_ptr<Process> m_process;
    int m_port = 0;
    bool m_tls = false;
    std::string m_url;
};

}  // namespace rtwatch::test
