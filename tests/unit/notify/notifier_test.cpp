// Notifier against a real datagram socket standing in for systemd's: the
// test binds it, points NOTIFY_SOCKET at it and reads what rtwatch sends.
#include <catch2/catch.hpp>

#include <dirent.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>

#include "rtwatch/notify/notifier.hpp"
#include "rtwatch_test/temp_path.hpp"

using namespace std::chrono_literals;
using rtwatch::Millis;
using rtwatch::TimePoint;
using rtwatch::notify::Notifier;
using rtwatch::notify::NotifyEnvironment;

namespace {

// A bound SOCK_DGRAM socket, in a fresh temp dir or in the abstract namespace.
class FakeSystemd {
public:
    explicit FakeSystemd(bool abstract = false) {
        m_fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        REQUIRE(m_fd >= 0);
        sockaddr_un addr{};
        addr.sun_family = AF_UNIX;
        socklen_t length = sizeof addr;
        if (abstract) {
            m_name = "@rtwatch-notify-test-" + std::to_string(::getpid());
            std::string raw = std::string(1, '\0') + m_name.substr(1);
            raw.copy(addr.sun_path, raw.size());
            length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + raw.size());
        } else {
            std::string dir_template = rtwatch::test::temp_template("rtwatch-notify");
            char* dir = dir_template.data();
            REQUIRE(::mkdtemp(dir) != nullptr);
            m_dir = dir;
            m_name = m_dir + "/notify";
            m_name.copy(addr.sun_path, m_name.size());
        }
        REQUIRE(::bind(m_fd, reinterpret_cast<sockaddr*>(&addr), length) == 0);
    }
    ~FakeSystemd() {
        ::close(m_fd);
        if (!m_dir.empty()) std::filesystem::remove_all(m_dir);
    }
    const std::string& name() const { return m_name; }

    // The next datagram; a local datagram is queued by the time sendto() returns.
    std::optional<std::string> next() {
        char buf[4096];
        auto n = ::recv(m_fd, buf, sizeof buf, MSG_DONTWAIT);
        if (n < 0) return std::nullopt;
        return std::string(buf, static_cast<std::size_t>(n));
    }

private:
    int m_fd = -1;
    std::string m_dir, m_name;
};

// Sets an environment variable for one test, restoring it after.
class ScopedEnv {
public:
    ScopedEnv(const char* name, const std::string& value) : m_name(name) {
        if (const char* old = std::getenv(name)) m_old = old;
        ::setenv(name, value.c_str(), 1);
    }
    ~ScopedEnv() {
        if (m_old)
            ::setenv(m_name, m_old->c_str(), 1);
        else
            ::unsetenv(m_name);
    }

private:
    const char* m_name;
    std::optional<std::string> m_old;
};

std::size_t open_fds() {
    std::size_t n = 0;
    for (auto& entry : std::filesystem::directory_iterator("/proc/self/fd")) n += entry.path().empty() ? 0 : 1;
    return n;
}

}  // namespace

TEST_CASE("notifier: READY, STATUS, WATCHDOG, RELOADING, READY, STOPPING reach NOTIFY_SOCKET", "[notify]") {
    FakeSystemd systemd;
    ScopedEnv socket("NOTIFY_SOCKET", systemd.name());
    ScopedEnv usec("WATCHDOG_USEC", "10000000");
    ::unsetenv("WATCHDOG_PID");
    auto n = Notifier::from_environment();
    REQUIRE(n.enabled());
    TimePoint t0{100s};

    n.ready();
    CHECK(systemd.next() == "READY=1");
    n.status("connected, data 0.2s old", t0);
    CHECK(systemd.next() == "STATUS=connected, data 0.2s old");
    n.watchdog();
    CHECK(systemd.next() == "WATCHDOG=1");
    n.reloading(TimePoint{1234567us});
    CHECK(systemd.next() == "RELOADING=1\nMONOTONIC_USEC=1234567");
    n.reloaded();
    CHECK(systemd.next() == "READY=1");
    n.stopping();
    CHECK(systemd.next() == "STOPPING=1");
    CHECK_FALSE(systemd.next());
}

TEST_CASE("notifier: an abstract socket name (@...) is reached too", "[notify]") {
    FakeSystemd systemd(/*abstract=*/true);
    auto n = Notifier::from({.socket = systemd.name()});
    REQUIRE(n.enabled());
    n.ready();
    CHECK(systemd.next() == "READY=1");
}

TEST_CASE("notifier: status is sent at most once a second, the latest held text when flushed", "[notify]") {
    FakeSystemd systemd;
    auto n = Notifier::from({.socket = systemd.name()});
    TimePoint t0{100s};
    n.status("reconnecting (attempt 1)", t0);
    n.status("reconnecting (attempt 2)", t0 + 200ms);
    n.status("connected", t0 + 400ms);
    CHECK(systemd.next() == "STATUS=reconnecting (attempt 1)");
    CHECK_FALSE(systemd.next());
    REQUIRE(n.status_due());
    CHECK(*n.status_due() == t0 + 1s);
    n.flush_status(t0 + 900ms);
    CHECK_FALSE(systemd.next());
    n.flush_status(t0 + 1s);
    CHECK(systemd.next() == "STATUS=connected");
    CHECK_FALSE(n.status_due());
}

TEST_CASE("notifier: the watchdog interval is half of WATCHDOG_USEC", "[notify]") {
    FakeSystemd systemd;
    auto n = Notifier::from({.socket = systemd.name(), .watchdog_usec = "30000000"});
    REQUIRE(n.watchdog_interval());
    CHECK(*n.watchdog_interval() == Millis(15000));
}

TEST_CASE("notifier: WATCHDOG_PID of another process disables the watchdog", "[notify]") {
    FakeSystemd systemd;
    auto n = Notifier::from(
        {.socket = systemd.name(), .watchdog_usec = "30000000", .watchdog_pid = "1", .own_pid = ::getpid()});
    CHECK(n.enabled());
    CHECK_FALSE(n.watchdog_interval());
    n.watchdog();
    CHECK_FALSE(systemd.next());

    auto own = Notifier::from({.socket = systemd.name(),
                               .watchdog_usec = "30000000",
                               .watchdog_pid = std::to_string(::getpid()),
                               .own_pid = ::getpid()});
    CHECK(own.watchdog_interval());
}

TEST_CASE("notifier: WATCHDOG_PID is honoured when read from the environment", "[notify]") {
    FakeSystemd systemd;
    ScopedEnv socket("NOTIFY_SOCKET", systemd.name());
    ScopedEnv usec("WATCHDOG_USEC", "2000000");
    ScopedEnv pid("WATCHDOG_PID", std::to_string(::getpid() + 1));
    CHECK_FALSE(Notifier::from_environment().watchdog_interval());
}

TEST_CASE("notifier: without WATCHDOG_USEC there is no watchdog", "[notify]") {
    FakeSystemd systemd;
    auto n = Notifier::from({.socket = systemd.name(), .watchdog_usec = "soon"});
    CHECK_FALSE(n.watchdog_interval());
    n.watchdog();
    CHECK_FALSE(systemd.next());
}

TEST_CASE("notifier: without NOTIFY_SOCKET it is disabled and opens nothing", "[notify]") {
    ::unsetenv("NOTIFY_SOCKET");
    ScopedEnv usec("WATCHDOG_USEC", "2000000");
    auto before = open_fds();
    auto n = Notifier::from_environment();
    CHECK_FALSE(n.enabled());
    CHECK_FALSE(n.watchdog_interval());
    n.ready();
    n.status("connected", TimePoint{1s});
    n.flush_status(TimePoint{5s});
    n.watchdog();
    n.reloading(TimePoint{6s});
    n.reloaded();
    n.stopping();
    CHECK_FALSE(n.status_due());
    CHECK(open_fds() == before);
}

TEST_CASE("notifier: a socket name that is neither absolute nor abstract disables it", "[notify]") {
    CHECK_FALSE(Notifier::from({.socket = "relative/notify"}).enabled());
    CHECK_FALSE(Notifier::from({.socket = "@"}).enabled());
    CHECK_FALSE(Notifier::from({.socket = "/" + std::string(200, 'x')}).enabled());
}

TEST_CASE("notifier: a moved-from notifier is disabled, the moved-to one still sends", "[notify]") {
    FakeSystemd systemd;
    auto a = Notifier::from({.socket = systemd.name()});
    a.ready();
    REQUIRE(systemd.next() == "READY=1");
    Notifier b = std::move(a);
    CHECK_FALSE(a.enabled());
    b.stopping();
    CHECK(systemd.next() == "STOPPING=1");
}
