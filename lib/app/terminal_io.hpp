// The terminal while `rtwatch top` shows: keys without line editing or echo,
// the alternate screen, stderr held back so log lines do not scribble over
// the view, and all of it put back on every way out, a crash included.
#pragma once

#include <termios.h>

#include <memory>
#include <string>
#include <string_view>

#include "rtwatch/core/result.hpp"
#include "rtwatch/top/frame.hpp"

namespace rtwatch::app {

class TerminalIo {
public:
    // Keys are read from /dev/tty, so `rtwatch top replay -` can take its
    // capture on stdin; frames go to stdout, which must be that terminal.
    static Result<std::unique_ptr<TerminalIo>> open();
    ~TerminalIo();
    TerminalIo(const TerminalIo&) = delete;
    TerminalIo& operator=(const TerminalIo&) = delete;

    int input_fd() const { return m_tty; }
    // Readable when something wrote to stderr; -1 when stderr is not held.
    int log_fd() const { return m_log_read; }

    // Appends what was typed; false once the terminal is gone (EOF, EIO).
    bool read_input(std::string& out);
    // Moves what was written to stderr into the lines shown after restore().
    void take_log();
    top::Size size() const;
    // Whole or false (the terminal is gone).
    bool write(std::string_view bytes);
    // The terminal as it was, then the held stderr lines; safe to repeat.
    void restore();

private:
    TerminalIo() = default;
    bool hold_stderr();

    int m_tty = -1;
    termios m_saved{};
    int m_stderr_copy = -1;
    int m_log_read = -1;
    std::string m_log;
    bool m_active = false;
};

}  // namespace rtwatch::app
