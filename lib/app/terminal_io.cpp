// Terminal modes for `rtwatch top`. The orderly way out is restore(), which
// Session::finish reaches through the sink; for the disorderly ones (an
// uncaught exception, a fatal signal, exit() from somewhere) a copy of what
// must be put back lives in globals that async-signal-safe code can use.
#include "terminal_io.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <exception>

#include <fmt/format.h>

#include "rtwatch/top/terminal.hpp"

namespace rtwatch::app {

namespace {

// Log lines held while the view shows; older ones give way.
constexpr std::size_t k_max_held_log = 64 * 1024;
constexpr std::array k_fatal_signals{SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGQUIT};

struct Emergency {
    int tty = -1;
    int stderr_copy = -1;
    termios saved{};
    volatile sig_atomic_t active = 0;
    std::array<struct sigaction, k_fatal_signals.size()> previous{};
    std::terminate_handler previous_terminate = nullptr;
};
Emergency g_emergency;

// Async-signal-safe: write, tcsetattr and dup2 only.
void emergency_restore() noexcept {
    if (!g_emergency.active) return;
    g_emergency.active = 0;
    const std::string_view leave = top::leave_sequence();
    (void)!::write(STDOUT_FILENO, leave.data(), leave.size());
    ::tcsetattr(g_emergency.tty, TCSANOW, &g_emergency.saved);
    if (g_emergency.stderr_copy >= 0) ::dup2(g_emergency.stderr_copy, STDERR_FILENO);
}

void on_fatal_signal(int sig) {
    emergency_restore();
    // SA_RESETHAND made the action the default again: the signal, blocked
    // while this runs, then ends the process as it would have.
    ::raise(sig);
}

void on_terminate() {
    emergency_restore();
    if (g_emergency.previous_terminate) g_emergency.previous_terminate();
    std::abort();
}

void install_fallbacks() {
    static bool once = false;
    if (!once) {
        once = true;
        std::atexit(emergency_restore);
        g_emergency.previous_terminate = std::set_terminate(on_terminate);
    }
    struct sigaction action {};
    action.sa_handler = on_fatal_signal;
    action.sa_flags = SA_RESETHAND;
    sigemptyset(&action.sa_mask);
    for (std::size_t i = 0; i < k_fatal_signals.size(); ++i)
        ::sigaction(k_fatal_signals[i], &action, &g_emergency.previous[i]);
}

void remove_fallbacks() {
    for (std::size_t i = 0; i < k_fatal_signals.size(); ++i)
        ::sigaction(k_fatal_signals[i], &g_emergency.previous[i], nullptr);
}

// Keys one at a time without echo. ISIG stays (^C is SIGINT, heard through
// the signal fd); ^Z is off, as a stopped view would leave the terminal
// raw; IXON is off, so ^S cannot freeze the output and stall the loop.
termios view_mode(termios t) {
    t.c_lflag &= ~static_cast<tcflag_t>(ICANON | ECHO);
    t.c_iflag &= ~static_cast<tcflag_t>(IXON);
    t.c_cc[VMIN] = 1;
    t.c_cc[VTIME] = 0;
    t.c_cc[VSUSP] = _POSIX_VDISABLE;
    return t;
}

bool write_all(int fd, std::string_view bytes) {
    while (!bytes.empty()) {
        ssize_t n = ::write(fd, bytes.data(), bytes.size());
        if (n > 0) {
            bytes.remove_prefix(static_cast<std::size_t>(n));
        } else if (n < 0 && errno == EAGAIN) {
            pollfd p{fd, POLLOUT, 0};
            if (::poll(&p, 1, 1000) <= 0) return false;
        } else if (n < 0 && errno != EINTR) {
            return false;
        }
    }
    return true;
}

}  // namespace

Result<std::unique_ptr<TerminalIo>> TerminalIo::open() {
    std::unique_ptr<TerminalIo> io(new TerminalIo);
    io->m_tty = ::open("/dev/tty", O_RDWR | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (io->m_tty < 0 || ::tcgetattr(io->m_tty, &io->m_saved) != 0)
        return make_error(ExitCode::usage, fmt::format("rtwatch top needs a terminal to read keys from: /dev/tty: {}",
                                                       std::strerror(errno)));
    g_emergency.tty = io->m_tty;
    g_emergency.saved = io->m_saved;
    const termios mode = view_mode(io->m_saved);
    ::tcsetattr(io->m_tty, TCSANOW, &mode);
    io->hold_stderr();
    g_emergency.stderr_copy = io->m_stderr_copy;
    io->m_active = true;
    g_emergency.active = 1;
    install_fallbacks();
    io->write(top::enter_sequence());
    return io;
}

TerminalIo::~TerminalIo() {
    restore();
    if (m_tty >= 0) ::close(m_tty);
}

// Only a terminal on stderr: a log file or the journal gets its lines as usual.
bool TerminalIo::hold_stderr() {
    if (!::isatty(STDERR_FILENO)) return false;
    int pipe_fds[2];
    if (::pipe2(pipe_fds, O_CLOEXEC | O_NONBLOCK) != 0) return false;
    m_stderr_copy = ::fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 3);
    if (m_stderr_copy < 0 || ::dup2(pipe_fds[1], STDERR_FILENO) < 0) {
        ::close(pipe_fds[0]);
        ::close(pipe_fds[1]);
        if (m_stderr_copy >= 0) ::close(m_stderr_copy);
        m_stderr_copy = -1;
        return false;
    }
    ::close(pipe_fds[1]);
    m_log_read = pipe_fds[0];
    return true;
}

bool TerminalIo::read_input(std::string& out) {
    char buffer[4096];
    for (;;) {
        ssize_t n = ::read(m_tty, buffer, sizeof buffer);
        if (n > 0) {
            out.append(buffer, static_cast<std::size_t>(n));
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        return n < 0 && errno == EAGAIN;
    }
}

void TerminalIo::take_log() {
    if (m_log_read < 0) return;
    char buffer[4096];
    ssize_t n;
    while ((n = ::read(m_log_read, buffer, sizeof buffer)) > 0) m_log.append(buffer, static_cast<std::size_t>(n));
    if (m_log.size() <= k_max_held_log) return;
    auto cut = m_log.find('\n', m_log.size() - k_max_held_log);
    m_log.erase(0, cut == std::string::npos ? m_log.size() - k_max_held_log : cut + 1);
}

top::Size TerminalIo::size() const {
    winsize ws{};
    if (::ioctl(m_tty, TIOCGWINSZ, &ws) != 0 || ws.ws_col == 0 || ws.ws_row == 0) return top::Size{};
    return top::Size{ws.ws_col, ws.ws_row};
}

bool TerminalIo::write(std::string_view bytes) { return write_all(STDOUT_FILENO, bytes); }

void TerminalIo::restore() {
    if (!m_active) return;
    m_active = false;
    g_emergency.active = 0;
    remove_fallbacks();
    write(top::leave_sequence());
    ::tcsetattr(m_tty, TCSANOW, &m_saved);
    if (m_stderr_copy < 0) return;
    take_log();
    ::dup2(m_stderr_copy, STDERR_FILENO);
    ::close(m_stderr_copy);
    ::close(m_log_read);
    m_stderr_copy = m_log_read = -1;
    g_emergency.stderr_copy = -1;
    write_all(STDERR_FILENO, m_log);
    m_log.clear();
}

}  // namespace rtwatch::app
