// systemd's notify protocol against the real binary: a datagram socket as
// NOTIFY_SOCKET receives READY=1 after the snapshot, STATUS= lines,
// WATCHDOG=1 at half of WATCHDOG_USEC and STOPPING=1 on SIGTERM.
#include <catch2/catch.hpp>

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>

#include <chrono>
#include "rtwatch_run.hpp"
#include "rtwatch_test/temp_path.hpp"

using namespace rtwatch::test;
using namespace std::chrono_literals;

namespace {

using Clock = std::chrono::steady_clock;

struct NotifySocket {
    std::string path;
    int fd = -1;
    std::vector<std::string> messages;  // each with the time it arrived
    std::vector<Clock::time_point> at;

    NotifySocket() {
        std::string dir_template = rtwatch::test::temp_template("rtwatch-notify");
        char* dir = dir_template.data();
        REQUIRE(::mkdtemp(dir));
        path = std::string(dir) + "/notify";
        fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        sockaddr_un a{};
        a.sun_family = AF_UNIX;
        std::strncpy(a.sun_path, path.c_str(), sizeof a.sun_path - 1);
        REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
    }
    ~NotifySocket() {
        ::close(fd);
        ::unlink(path.c_str());
        ::rmdir(path.substr(0, path.rfind('/')).c_str());
    }
    // Reads datagrams until one contains `text` or `limit` passes.
    bool wait_for(std::string_view text, Millis limit) {
        auto end = Clock::now() + limit;
        for (const auto& m : messages)
            if (m.find(text) != std::string::npos) return true;
        while (Clock::now() < end) {
            pollfd p{fd, POLLIN, 0};
            if (::poll(&p, 1, 50) <= 0) continue;
            char buf[4096];
            ssize_t n = ::recv(fd, buf, sizeof buf, 0);
            if (n <= 0) continue;
            messages.emplace_back(buf, static_cast<size_t>(n));
            at.push_back(Clock::now());
            if (messages.back().find(text) != std::string::npos) return true;
        }
        return false;
    }
    int count(std::string_view text) const {
        int n = 0;
        for (const auto& m : messages) n += m.find(text) != std::string::npos;
        return n;
    }
};

}  // namespace

TEST_CASE("notify: READY=1 after the snapshot, STATUS=, WATCHDOG=1 and STOPPING=1 on SIGTERM", "[integration]") {
    NotifySocket sock;
    Sim sim({"--seed", "3", "--queues", "3", "--agents", "4", "--rate", "50"});
    auto rt = start_rtwatch(sim, {"--queue", "queue-0001,queue-0002,queue-0003"},
                            {{"NOTIFY_SOCKET", sock.path}, {"WATCHDOG_USEC", "200000"}});
    REQUIRE(sock.wait_for("READY=1", 10s));
    // Ready means the snapshot has been written.
    CHECK(parse_lines(rt->stdout_text()).size() >= 3);
    CHECK(sock.count("READY=1") == 1);
    // WATCHDOG=1 every 100 ms while the loop turns.
    REQUIRE(sock.wait_for("STATUS=connected", 5s));
    auto from = Clock::now();
    auto until = from + 1200ms;
    while (Clock::now() < until) sock.wait_for("no such message", 100ms);
    int watchdogs = 0;
    for (std::size_t i = 0; i < sock.messages.size(); ++i)
        watchdogs += sock.messages[i] == "WATCHDOG=1" && sock.at[i] >= from && sock.at[i] < until;
    CHECK(watchdogs >= 7);
    CHECK(watchdogs <= 14);
    CHECK(sock.count("data ") > 0);  // STATUS= says how old the data is
    rt->kill(SIGTERM);
    CHECK(sock.wait_for("STOPPING=1", 5s));
    auto status = rt->wait_for(k_exit_timeout);
    REQUIRE(status);
    CHECK(status->code == 0);
}

TEST_CASE("notify: without NOTIFY_SOCKET nothing is sent and the run is unchanged", "[integration]") {
    Sim sim({"--seed", "3", "--queues", "2", "--agents", "2"});
    auto rt = start_rtwatch(sim, {"--queue", "queue-0001,queue-0002", "--once"});
    auto status = rt->wait_for(k_exit_timeout);
    REQUIRE(status);
    CHECK(status->code == 0);
    CHECK(parse_lines(rt->stdout_text()).size() == 2);
}
