// fork/exec with stdout and stderr redirected to files in a private
// temporary directory; waiting is polling waitpid with a deadline.
#include "rtwatch_test/process.hpp"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace rtwatch::test {

namespace {

constexpr Millis k_poll{5};

std::vector<std::string> build_env(const ProcessOptions& o) {
    std::map<std::string, std::string> vars;
    if (!o.clear_env) {
        for (char** e = environ; *e; ++e) {
            const std::string entry(*e);
            const size_t eq = entry.find('=');
            if (eq != std::string::npos) vars[entry.substr(0, eq)] = entry.substr(eq + 1);
        }
    }
    for (const auto& [k, v] : o.env) vars[k] = v;
    std::vector<std::string> out;
    for (const auto& [k, v] : vars) out.push_back(k + "=" + v);
    return out;
}

[[noreturn]] void exec_child(const ProcessOptions& o, std::vector<std::string>& env, int in_fd, int out_fd,
                             int err_fd) {
    dup2(in_fd, 0);
    dup2(out_fd, 1);
    dup2(err_fd, 2);
    if (!o.workdir.empty() && chdir(o.workdir.c_str()) != 0) _exit(126);
    std::vector<char*> argv, envp;
    for (const auto& a : o.argv) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    for (auto& e : env) envp.push_back(e.data());
    envp.push_back(nullptr);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    execve(argv[0], argv.data(), envp.data());
    _exit(127);
}

}  // namespace

std::string make_temp_dir(std::string_view prefix) {
    const char* base = std::getenv("TMPDIR");
    std::string pattern = std::string(base && *base ? base : "/tmp") + "/" + std::string(prefix) + "-XXXXXX";
    if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed: " + std::string(std::strerror(errno)));
    return pattern;
}

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

bool wait_until(const std::function<bool()>& pred, Millis timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        if (pred()) return true;
        if (std::chrono::steady_clock::now() >= deadline) return false;
        std::this_thread::sleep_for(k_poll);
    }
}

Process::Process(ProcessOptions o) {
    if (o.argv.empty()) throw std::runtime_error("Process: empty argv");
    m_dir = make_temp_dir("rtwatch-proc");
    m_out_path = m_dir + "/stdout";
    m_err_path = m_dir + "/stderr";
    const int out_fd = open(m_out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    const int err_fd = open(m_err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    int in_pipe[2] = {-1, -1};
    const bool piped = o.stdin_pipe || o.stdin_data;
    if (piped ? pipe2(in_pipe, O_CLOEXEC) != 0 : (in_pipe[0] = open("/dev/null", O_RDONLY | O_CLOEXEC)) < 0)
        throw std::runtime_error("Process: cannot set up stdin");
    auto env = build_env(o);
    m_pid = fork();
    if (m_pid < 0) throw std::runtime_error("fork failed: " + std::string(std::strerror(errno)));
    if (m_pid == 0) exec_child(o, env, in_pipe[0], out_fd, err_fd);
    close(out_fd);
    close(err_fd);
    close(in_pipe[0]);
    m_stdin = in_pipe[1];
    if (o.stdin_data) {
        write_stdin(*o.stdin_data);
        if (!o.stdin_pipe) close_stdin();
    }
}

Process::~Process() {
    close_stdin();
    if (running()) {
        ::kill(m_pid, SIGKILL);
        wait_for(Millis(5000));
    }
    std::remove(m_out_path.c_str());
    std::remove(m_err_path.c_str());
    rmdir(m_dir.c_str());
}

std::string Process::stdout_text() const { return read_file(m_out_path); }
std::string Process::stderr_text() const { return read_file(m_err_path); }

std::vector<std::string> Process::stdout_lines() const {
    std::vector<std::string> lines;
    const std::string text = stdout_text();
    size_t pos = 0;
    for (size_t nl; (nl = text.find('\n', pos)) != std::string::npos; pos = nl + 1)
        lines.push_back(text.substr(pos, nl - pos));
    return lines;
}

bool Process::write_stdin(std::string_view data) {
    signal(SIGPIPE, SIG_IGN);
    while (!data.empty() && m_stdin >= 0) {
        const ssize_t n = ::write(m_stdin, data.data(), data.size());
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        data.remove_prefix(static_cast<size_t>(n));
    }
    return data.empty();
}

void Process::close_stdin() {
    if (m_stdin >= 0) close(m_stdin);
    m_stdin = -1;
}

std::optional<ExitStatus> Process::wait_for(Millis timeout) {
    if (m_status) return m_status;
    wait_until(
        [&] {
            int status = 0;
            if (waitpid(m_pid, &status, WNOHANG) != m_pid) return false;
            m_status = WIFSIGNALED(status) ? ExitStatus{-1, WTERMSIG(status)} : ExitStatus{WEXITSTATUS(status), 0};
            return true;
        },
        timeout);
    return m_status;
}

bool Process::running() { return !wait_for(Millis(0)); }

void Process::kill(int sig) {
    if (running()) ::kill(m_pid, sig);
}

bool Process::wait_for_stdout_lines(size_t n, Millis timeout) const {
    return wait_until([&] { return stdout_lines().size() >= n; }, timeout);
}

bool Process::wait_for_stderr(std::string_view needle, Millis timeout) const {
    return wait_until([&] { return stderr_text().find(needle) != std::string::npos; }, timeout);
}

}  // namespace rtwatch::test
