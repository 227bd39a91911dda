// A child process for tests: argv, environment, stdin, and stdout/stderr
// captured to files that can be read at any time. The destructor kills and
// reaps it, so a failing test never leaves a process behind.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <csignal>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace rtwatch::test {

using Millis = std::chrono::milliseconds;

struct ProcessOptions {
    std::vector<std::string> argv{};                         // argv[0] is the executable path
    std::vector<std::pair<std::string, std::string>> env{};  // added or replaced
    bool clear_env = false;                                  // start from an empty environment
    std::optional<std::string> stdin_data{};                 // written then closed; else see stdin_pipe
    bool stdin_pipe = false;                                 // keep stdin open for write_stdin()
    std::string workdir{};                                   // empty: the test's own
};

struct ExitStatus {
    int code = -1;   // exit code when it exited
    int signal = 0;  // the signal that ended it, or 0
    bool exited() const { return signal == 0; }
};

class Process {
public:
    explicit Process(ProcessOptions options);  // throws std::runtime_error if it cannot start
    ~Process();
    Process(const Process&) = delete;
    Process& operator=(const Process&) = delete;

    pid_t pid() const { return m_pid; }
    std::string stdout_text() const;
    std::string stderr_text() const;
    std::vector<std::string> stdout_lines() const;  // complete lines only
    const std::string& stdout_path() const { return m_out_path; }
    const std::string& stderr_path() const { return m_err_path; }

    bool write_stdin(std::string_view data);
    void close_stdin();

    // The exit status once it ended, or nullopt after `timeout`.
    std::optional<ExitStatus> wait_for(Millis timeout);
    bool running();
    void kill(int sig = SIGTERM);

    bool wait_for_stdout_lines(size_t n, Millis timeout) const;
    bool wait_for_stderr(std::string_view needle, Millis timeout) const;

private:
    pid_t m_pid = -1;
    int m_stdin = -1;
    std::optional<ExitStatus> m_status;
    std::string m_dir, m_out_path, m_err_path;
};

// Polls `pred` every few milliseconds until it holds or `timeout` passes.
bool wait_until(const std::function<bool()>& pred, Millis timeout);

// A fresh temporary directory (removed by the caller if it cares).
std::string make_temp_dir(std::string_view prefix = "rtwatch-test");
std::string read_file(const std::string& path);

}  // namespace rtwatch::test
