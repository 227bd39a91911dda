// The notify protocol of sd_notify(3), which systemd documents as stable: each
// message is one datagram of NAME=value lines to the AF_UNIX socket named by
// $NOTIFY_SOCKET ('@' at the start is the abstract namespace). rtwatch sends
// no file descriptors or credentials, so plain sendto() is all it needs.
#include "rtwatch/notify/notifier.hpp"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <charconv>
#include <cstddef>
#include <cstdlib>
#include <utility>

namespace rtwatch::notify {

namespace {

std::string env_or_empty(const char* name) {
    const char* value = std::getenv(name);
    return value ? value : "";
}

// A socket name sockaddr_un can hold, or "" to stay disabled.
std::string socket_address(std::string_view name) {
    if (name.size() < 2 || name.size() >= sizeof(sockaddr_un::sun_path)) return "";
    if (name.front() != '@' && name.front() != '/') return "";
    std::string address(name);
    if (address.front() == '@') address.front() = '\0';
    return address;
}

std::optional<long long> positive_number(std::string_view text) {
    long long value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size() || value <= 0) return std::nullopt;
    return value;
}

// Half the timeout, as systemd advises, so one late turn of the loop is not fatal.
std::optional<Millis> watchdog_interval_from(const NotifyEnvironment& env) {
    auto usec = positive_number(env.watchdog_usec);
    if (!usec) return std::nullopt;
    if (!env.watchdog_pid.empty() && positive_number(env.watchdog_pid) != env.own_pid) return std::nullopt;
    return std::max(Millis(1), Millis(*usec / 2000));
}

}  // namespace

Notifier::Notifier(Notifier&& other) noexcept
    : m_address(std::move(other.m_address)),
      m_fd(std::exchange(other.m_fd, -1)),
      m_watchdog_interval(other.m_watchdog_interval),
      m_status(std::move(other.m_status)) {
    other.m_address.clear();
}

Notifier& Notifier::operator=(Notifier&& other) noexcept {
    if (this != &other) {
        if (m_fd >= 0) ::close(m_fd);
        m_address = std::exchange(other.m_address, {});
        m_fd = std::exchange(other.m_fd, -1);
        m_watchdog_interval = other.m_watchdog_interval;
        m_status = std::move(other.m_status);
    }
    return *this;
}

Notifier::~Notifier() {
    if (m_fd >= 0) ::close(m_fd);
}

Notifier Notifier::from_environment() {
    NotifyEnvironment env{.socket = env_or_empty("NOTIFY_SOCKET")};
    if (env.socket.empty()) return Notifier();
    env.watchdog_usec = env_or_empty("WATCHDOG_USEC");
    env.watchdog_pid = env_or_empty("WATCHDOG_PID");
    if (!env.watchdog_pid.empty()) env.own_pid = ::getpid();
    return from(env);
}

Notifier Notifier::from(const NotifyEnvironment& env) {
    Notifier n;
    n.m_address = socket_address(env.socket);
    if (n.enabled()) n.m_watchdog_interval = watchdog_interval_from(env);
    return n;
}

void Notifier::ready() { send("READY=1"); }

void Notifier::status(std::string_view text, TimePoint now) {
    if (!enabled()) return;
    if (auto due = m_status.offer(text, now)) send("STATUS=" + *due);
}

void Notifier::flush_status(TimePoint now) {
    if (!enabled()) return;
    if (auto due = m_status.take_due(now)) send("STATUS=" + *due);
}

std::optional<TimePoint> Notifier::status_due() const { return m_status.due(); }

void Notifier::reloading(TimePoint now) {
    if (!enabled()) return;
    // systemd 253+ (Type=notify-reload) matches the reload by this clock value.
    auto usec = std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch()).count();
    send("RELOADING=1\nMONOTONIC_USEC=" + std::to_string(usec));
}

void Notifier::reloaded() { send("READY=1"); }

void Notifier::stopping() { send("STOPPING=1"); }

void Notifier::watchdog() {
    if (m_watchdog_interval) send("WATCHDOG=1");
}

// A lost notification is not an error for rtwatch: systemd then reports the
// missing READY or watchdog itself. So failures are not reported here.
void Notifier::send(std::string_view message) {
    if (!enabled()) return;
    if (m_fd < 0) m_fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (m_fd < 0) return;
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    m_address.copy(addr.sun_path, m_address.size());
    auto length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + m_address.size());
    ::sendto(m_fd, message.data(), message.size(), MSG_NOSIGNAL, reinterpret_cast<const sockaddr*>(&addr), length);
}

}  // namespace rtwatch::notify
