// Tells systemd how rtwatch is doing (sd_notify(3)): ready, status, watchdog
// keep-alives, reloading, stopping. Without $NOTIFY_SOCKET every call returns
// at once and no system call is made.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "rtwatch/core/clock.hpp"
#include "rtwatch/core/duration.hpp"
#include "rtwatch/notify/status_pacer.hpp"

namespace rtwatch::notify {

// What the notify protocol reads from the environment; empty means unset.
struct NotifyEnvironment {
    std::string socket{};         // NOTIFY_SOCKET: "/path" or "@abstract"
    std::string watchdog_usec{};  // WATCHDOG_USEC
    std::string watchdog_pid{};   // WATCHDOG_PID: the watchdog is for this pid only
    long own_pid = 0;             // getpid(), compared with watchdog_pid
};

class Notifier {
public:
    Notifier() = default;  // disabled: every call is a no-op
    Notifier(Notifier&& other) noexcept;
    Notifier& operator=(Notifier&& other) noexcept;
    Notifier(const Notifier&) = delete;
    Notifier& operator=(const Notifier&) = delete;
    ~Notifier();

    // Reads NOTIFY_SOCKET, WATCHDOG_USEC and WATCHDOG_PID (getpid() only
    // when WATCHDOG_PID is set).
    static Notifier from_environment();
    static Notifier from(const NotifyEnvironment& env);

    bool enabled() const { return !m_address.empty(); }

    // READY=1: after the first complete snapshot has been written.
    void ready();
    // STATUS=text, at most once a second: a newer text replaces a held one,
    // a repeat of the last text sent is dropped.
    void status(std::string_view text, TimePoint now);
    // Sends the held status once its second has passed; call when status_due() comes.
    void flush_status(TimePoint now);
    std::optional<TimePoint> status_due() const;
    // RELOADING=1 with MONOTONIC_USEC=now: on SIGHUP, before reopening files.
    void reloading(TimePoint now);
    // READY=1 again: the reload is done.
    void reloaded();
    // STOPPING=1: on SIGINT/SIGTERM, before the final flush.
    void stopping();

    // How often to call watchdog(): half of WATCHDOG_USEC; nullopt when
    // systemd watches no watchdog for this process.
    std::optional<Millis> watchdog_interval() const { return m_watchdog_interval; }
    // WATCHDOG=1: the event loop is turning.
    void watchdog();

private:
    void send(std::string_view message);

    std::string m_address;  // sockaddr_un path, abstract names start with '\0'
    int m_fd = -1;          // opened at the first message
    std::optional<Millis> m_watchdog_interval;
    StatusPacer m_status;
};

}  // namespace rtwatch::notify
