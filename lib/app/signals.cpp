// signalfd-based signal delivery for the single-threaded loop.
#include "rtwatch/app/signals.hpp"

#include <signal.h>
#include <sys/signalfd.h>
#include <unistd.h>

namespace rtwatch::app {

namespace {

sigset_t run_signals() {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGHUP);
    sigaddset(&set, SIGWINCH);  // ignored by default, so blocking it changes nothing outside rtwatch top
    return set;
}

}  // namespace

void hold_run_signals() {
    ::signal(SIGPIPE, SIG_IGN);
    sigset_t set = run_signals();
    ::pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

SignalWatch::SignalWatch() {
    hold_run_signals();
    sigset_t set = run_signals();
    m_fd = ::signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
}

SignalWatch::~SignalWatch() {
    if (m_fd >= 0) ::close(m_fd);
}

SignalAction SignalWatch::take() {
    signalfd_siginfo info{};
    if (::read(m_fd, &info, sizeof info) != static_cast<ssize_t>(sizeof info)) return SignalAction::none;
    switch (info.ssi_signo) {
        case SIGHUP:
            return SignalAction::reopen;
        case SIGWINCH:
            return SignalAction::resize;
        default:
            return SignalAction::stop;
    }
}

}  // namespace rtwatch::app
