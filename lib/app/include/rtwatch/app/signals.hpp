// SIGINT/SIGTERM (stop), SIGHUP (reopen output) and SIGWINCH (the terminal
// was resized) arrive as a readable file descriptor the event loop watches,
// never as async handlers.
#pragma once

namespace rtwatch::app {

enum class SignalAction { none, stop, reopen, resize };

// Blocks SIGINT, SIGTERM, SIGHUP and SIGWINCH (and ignores SIGPIPE) from the
// very start, so a SIGHUP while options and files are read does not kill the
// process: the run's signal watch takes them when it starts.
void hold_run_signals();

class SignalWatch {
public:
    // Blocks the signals for the whole process (call before threads start)
    // and ignores SIGPIPE so a closed pipe is an EPIPE error instead.
    SignalWatch();
    ~SignalWatch();
    SignalWatch(const SignalWatch&) = delete;
    SignalWatch& operator=(const SignalWatch&) = delete;

    int fd() const { return m_fd; }
    // Reads one pending signal.
    SignalAction take();

private:
    int m_fd = -1;
};

}  // namespace rtwatch::app
