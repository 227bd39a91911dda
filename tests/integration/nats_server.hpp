// nats-server (Debian's, with JetStream) for the broker tests: a loopback
// port the test picks and checks, a data folder under the build tree,
// stopped (and its folder removed) at the end.
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>

#include "rtwatch_test/process.hpp"

namespace rtwatch::test {

inline constexpr const char* k_nats_server = "/usr/sbin/nats-server";

inline bool nats_server_available() { return ::access(k_nats_server, X_OK) == 0; }

// A port the kernel had free a moment ago (bound to 127.0.0.1:0, then closed).
inline int free_port() {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0)
        throw std::runtime_error("no free port");
    int port = ntohs(a.sin_port);
    ::close(fd);
    return port;
}

inline bool accepts(int port) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(static_cast<uint16_t>(port));
    bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    ::close(fd);
    return ok;
}

class NatsServer {
public:
    NatsServer() {
        static int n = 0;
        m_dir = std::string(RTWATCH_TEST_BUILD_DIR) + "/nats-data-" + std::to_string(::getpid()) + "-" +
                std::to_string(++n);
        std::filesystem::remove_all(m_dir);
        std::filesystem::create_directories(m_dir);
        // another process may take the port between its check and our bind: try again
        for (int attempt = 0; attempt < 5 && !m_process; ++attempt) {
            m_port = free_port();
            if (!start()) m_process.reset();
        }
        if (!m_process) throw std::runtime_error("nats-server did not start");
    }
    ~NatsServer() {
        stop();
        std::error_code ec;
        std::filesystem::remove_all(m_dir, ec);
    }
    std::string url() const { return "nats://127.0.0.1:" + std::to_string(m_port); }
    // SIGTERM and wait: what it stored stays in the data folder.
    void stop() {
        if (!m_process) return;
        m_process->kill(SIGTERM);
        if (!m_process->wait_for(Millis{10'000})) m_process->kill(SIGKILL), m_process->wait_for(Millis{5'000});
        m_process.reset();
    }
    // Again on the same port and folder.
    bool restart() {
        stop();
        for (int attempt = 0; attempt < 20; ++attempt) {
            if (start()) return true;
            m_process.reset();
            std::this_thread::sleep_for(Millis{100});  // a retry pace: the old listener may linger
        }
        return false;
    }
    std::string log() const { return m_process ? m_process->stderr_text() : ""; }

private:
    bool start() {
        ProcessOptions o;
        o.argv = {k_nats_server, "-js", "-a", "127.0.0.1", "-p", std::to_string(m_port), "-sd", m_dir};
        m_process = std::make_unique<Process>(o);
        return wait_until([&] { return !m_process->running() || accepts(m_port); }, Millis{10'000}) &&
               m_process->running();
    }

    std::unique_ptr<Process> m_process;
    int m_port = 0;
    std::string m_dir;
};

}  // namespace rtwatch::test
