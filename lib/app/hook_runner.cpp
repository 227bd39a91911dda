// Hook processes on the event loop: posix_spawn with a clean slate (signal
// mask and dispositions reset, its own process group, only fds 0-2), the
// record written to a pipe without waiting, exit noticed through a pidfd.
#include "hook_runner.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "rtwatch/core/log.hpp"

extern char** environ;

namespace rtwatch::app {

namespace {

// Never handed to a hook: the secret itself and where it is kept. The
// variables rtwatch sets per record are replaced, not doubled.
bool kept_from_hooks(std::string_view entry) {
    static constexpr std::string_view k_names[] = {
        "RTWATCH_CLIENT_SECRET", "RTWATCH_CLIENT_SECRET_FILE", "RTWATCH_KIND",  "RTWATCH_ID",     "RTWATCH_METRIC",
        "RTWATCH_LEVEL",         "RTWATCH_PREVIOUS",           "RTWATCH_VALUE", "RTWATCH_STATUS", "RTWATCH_MESSAGE",
        "RTWATCH_ATTEMPTS",      "RTWATCH_DOWN_FOR_MS",
    };
    std::string_view name = entry.substr(0, entry.find('='));
    return std::find(std::begin(k_names), std::end(k_names), name) != std::end(k_names);
}

// NAME=value, the value cut at k_max_env_value: the kernel refuses to start
// a program with one environment string past 128 KiB. Stdin has it whole.
std::string env_var(std::string_view name, std::string_view value) {
    std::string out(name);
    out.push_back('=');
    out.append(value.substr(0, k_max_env_value));
    return out;
}

std::string value_text(const MetricValue* v) {
    if (!v) return {};
    switch (v->type) {
        case MetricValue::Type::null:
            return "null";
        case MetricValue::Type::boolean:
            return v->boolean ? "true" : "false";
        case MetricValue::Type::number:
            return v->text.empty() ? fmt::format("{}", v->number) : v->text;
        case MetricValue::Type::string:
            return v->text;
    }
    return {};
}

std::string describe_exit(int wait_status) {
    if (WIFEXITED(wait_status)) return fmt::format("exited with status {}", WEXITSTATUS(wait_status));
    if (WIFSIGNALED(wait_status)) {
        int sig = WTERMSIG(wait_status);
        return fmt::format("was ended by signal {} ({})", sig, sigabbrev_np(sig) ? sigabbrev_np(sig) : "?");
    }
    return "ended";
}

struct Spawned {
    pid_t pid = -1;
    int error = 0;
};

// /bin/sh -c CMD in its own process group, stdin from `stdin_fd`, stdout
// and stderr to rtwatch's stderr (stdout carries only NDJSON), nothing else.
Spawned spawn_shell(const std::string& command, int stdin_fd, std::vector<char*>& envp) {
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t attr;
    posix_spawn_file_actions_init(&fa);
    posix_spawnattr_init(&attr);
    posix_spawn_file_actions_adddup2(&fa, stdin_fd, 0);
    posix_spawn_file_actions_adddup2(&fa, 2, 1);
    posix_spawn_file_actions_addclosefrom_np(&fa, 3);
    // rtwatch blocks its stop signals (they arrive through a signalfd) and
    // ignores SIGPIPE; a hook gets the defaults, so SIGTERM ends it.
    sigset_t none, defaults;
    sigemptyset(&none);
    sigemptyset(&defaults);
    for (int sig : {SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGCHLD, SIGQUIT}) sigaddset(&defaults, sig);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setsigdefault(&attr, &defaults);
    posix_spawnattr_setpgroup(&attr, 0);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP);
    std::string sh = "sh", dash_c = "-c", cmd = command;
    char* argv[] = {sh.data(), dash_c.data(), cmd.data(), nullptr};
    Spawned s;
    s.error = posix_spawn(&s.pid, "/bin/sh", &fa, &attr, argv, envp.data());
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&attr);
    return s;
}

// One write that never waits: a 64 KiB pipe takes a record whole; what a
// full pipe does not take is dropped.
void write_line(int fd, const std::string& line, const std::string& what) {
    ssize_t n;
    do n = ::write(fd, line.data(), line.size());
    while (n < 0 && errno == EINTR);
    if (n < static_cast<ssize_t>(line.size()) && !(n < 0 && errno == EPIPE))
        log::debug("the hook for {} did not take its whole record on stdin", what);
    ::close(fd);
}

}  // namespace

struct HookRunner::Run {
    HookJob job;
    pid_t pid = -1;
    int pidfd = -1;
    std::optional<net::Loop::Id> term_timer, kill_timer, poll_timer;
    bool timed_out = false;
};

HookRunner::HookRunner(net::Loop& loop, HookOptions options)
    : m_loop(loop), m_options(std::move(options)), m_queue(m_options.queue_limit), m_alerts(m_options.recovery_hold) {
    for (char** e = environ; e && *e; ++e)
        if (!kept_from_hooks(*e)) m_base_env.emplace_back(*e);
}

HookRunner::~HookRunner() {
    for (auto& run : m_running) {
        ::kill(-run->pid, SIGKILL);
        int st = 0;
        while (::waitpid(run->pid, &st, 0) < 0 && errno == EINTR) {
        }
        if (run->pidfd >= 0) {
            m_loop.unwatch_fd(run->pidfd);
            ::close(run->pidfd);
        }
        for (auto& t : {run->term_timer, run->kill_timer, run->poll_timer})
            if (t) m_loop.cancel_timer(*t);
    }
    if (m_recovery_timer) m_loop.cancel_timer(*m_recovery_timer);
}

void HookRunner::level(const output::LevelLine& change, WallTime now) {
    HookJob job;
    job.key = fmt::format("{}/{}/{}", kind_name(change.kind), change.id, change.metric);
    job.what = fmt::format("{} {} {} {}", kind_name(change.kind), change.id, change.metric, change.level);
    output::append_level_line(job.line, change, now);
    job.env = {
        env_var("RTWATCH_KIND", kind_name(change.kind)), env_var("RTWATCH_ID", change.id),
        env_var("RTWATCH_METRIC", change.metric),        env_var("RTWATCH_LEVEL", change.level),
        env_var("RTWATCH_PREVIOUS", change.previous),    env_var("RTWATCH_VALUE", value_text(change.value)),
    };
    offer(std::move(job));
}

// Only the changes StatusAlerts picks run a hook: an outage's start, giving
// up, the end of the run, and a recovery once the connection has held.
void HookRunner::status(const StatusChange& change, WallTime now) {
    auto alert = m_alerts.on_status(change.status, change.message, m_loop.now());
    arm_recovery();
    if (alert) offer_status(*alert, now);
}

void HookRunner::arm_recovery() {
    if (m_recovery_timer) m_loop.cancel_timer(*m_recovery_timer);
    m_recovery_timer.reset();
    auto due = m_alerts.due();
    if (!due) return;
    m_recovery_timer = m_loop.add_timer(*due, [this] {
        m_recovery_timer.reset();
        if (auto alert = m_alerts.on_due(m_loop.now())) offer_status(*alert, WallClock::now());
    });
}

void HookRunner::offer_status(const StatusAlert& alert, WallTime now) {
    HookJob job;
    job.key = "status";
    job.what = fmt::format("status {}", status_name(alert.status));
    output::append_status_line(job.line, now, status_name(alert.status), alert.message);
    job.line.resize(job.line.size() - 2);  // before the closing "}\n"
    job.line += fmt::format(R"(,"attempts":{},"down_for_ms":{}}})", alert.attempts, alert.down_for.count());
    job.line += '\n';
    job.env = {env_var("RTWATCH_STATUS", status_name(alert.status)), env_var("RTWATCH_MESSAGE", alert.message),
               env_var("RTWATCH_ATTEMPTS", std::to_string(alert.attempts)),
               env_var("RTWATCH_DOWN_FOR_MS", std::to_string(alert.down_for.count()))};
    offer(std::move(job));
}

void HookRunner::offer(HookJob job) {
    ++m_counters.records;
    switch (m_queue.push(std::move(job))) {
        case HookQueue::Pushed::queued:
            break;
        case HookQueue::Pushed::replaced:
            ++m_counters.coalesced;
            break;
        case HookQueue::Pushed::dropped_oldest:
            if (++m_counters.dropped <= 10 || m_counters.dropped % 1000 == 0)
                log::warn(
                    "--exec: {} hook runs were waiting, the most kept: dropped the oldest ({} dropped so far); "
                    "the hooks are slower than the changes (raise --exec-jobs, or make CMD faster)",
                    m_options.queue_limit, m_counters.dropped);
            break;
    }
    start_ready();
}

bool HookRunner::busy(std::string_view key) const {
    return std::any_of(m_running.begin(), m_running.end(), [&](const auto& r) { return r->job.key == key; });
}

// A key's runs never overlap, so a hook sees one metric's changes in order.
void HookRunner::start_ready() {
    while (m_running.size() < m_options.jobs) {
        auto job = m_queue.take([this](std::string_view key) { return busy(key); });
        if (!job) return;
        start(std::move(*job));
    }
}

// The base environment and the record's variables, for posix_spawn.
std::vector<char*> HookRunner::envp_for(HookJob& job) {
    std::vector<char*> envp;
    envp.reserve(m_base_env.size() + job.env.size() + 1);
    for (auto& e : m_base_env) envp.push_back(e.data());
    for (auto& e : job.env) envp.push_back(e.data());
    envp.push_back(nullptr);
    return envp;
}

void HookRunner::start(HookJob job) {
    int pipe_fds[2];
    if (::pipe2(pipe_fds, O_CLOEXEC) != 0) {
        ++m_counters.failed;
        return log::warn("--exec: cannot start the hook for {}: pipe: {}", job.what, std::strerror(errno));
    }
    ::fcntl(pipe_fds[1], F_SETFL, O_NONBLOCK);  // rtwatch's end only: the hook reads a normal stdin
    std::vector<char*> envp = envp_for(job);
    Spawned s = spawn_shell(m_options.command, pipe_fds[0], envp);
    ::close(pipe_fds[0]);
    if (s.error != 0) {
        ::close(pipe_fds[1]);
        ++m_counters.failed;
        return log::warn("--exec: cannot start /bin/sh for {}: {}", job.what, std::strerror(s.error));
    }
    ++m_counters.runs;
    log::debug("--exec: started the hook for {} (pid {})", job.what, s.pid);
    write_line(pipe_fds[1], job.line, job.what);
    auto run = std::make_unique<Run>();
    run->job = std::move(job);
    run->pid = s.pid;
    Run& r = *run;
    m_running.push_back(std::move(run));
    r.term_timer = m_loop.add_timer(m_loop.now() + m_options.timeout, [this, &r] { time_out(r); });
    watch_exit(r);
}

// A pidfd turns readable when the child ends; kernels before 5.3 have none,
// and then the child is polled for.
void HookRunner::watch_exit(Run& r) {
    r.pidfd = static_cast<int>(::syscall(SYS_pidfd_open, r.pid, 0));
    if (r.pidfd >= 0) return m_loop.watch_fd(r.pidfd, [this, &r] { on_exit(r); });
    r.poll_timer = m_loop.add_timer(m_loop.now() + Millis(50), [this, &r] {
        r.poll_timer.reset();
        on_exit(r);
        if (std::any_of(m_running.begin(), m_running.end(), [&](const auto& p) { return p.get() == &r; }))
            watch_exit(r);
    });
}

void HookRunner::on_exit(Run& r) {
    int st = 0;
    pid_t got;
    do got = ::waitpid(r.pid, &st, WNOHANG);
    while (got < 0 && errno == EINTR);
    if (got == 0) return;  // not yet
    reap(r, got < 0 ? -1 : st);
}

void HookRunner::reap(Run& r, int wait_status) {
    if (r.pidfd >= 0) {
        m_loop.unwatch_fd(r.pidfd);
        ::close(r.pidfd);
    }
    for (auto& t : {r.term_timer, r.kill_timer, r.poll_timer})
        if (t) m_loop.cancel_timer(*t);
    bool ok = wait_status >= 0 && WIFEXITED(wait_status) && WEXITSTATUS(wait_status) == 0;
    if (!ok) {
        ++m_counters.failed;
        std::string how = wait_status < 0 ? "could not be waited for" : describe_exit(wait_status);
        log::warn("--exec: the hook for {} {}{} ({} failed runs so far)", r.job.what, how,
                  r.timed_out ? fmt::format(" after --exec-timeout {}", format_duration(m_options.timeout)) : "",
                  m_counters.failed);
    } else {
        log::debug("--exec: the hook for {} finished", r.job.what);
    }
    std::erase_if(m_running, [&](const auto& p) { return p.get() == &r; });
    start_ready();
    check_drained();
}

// SIGTERM to the hook's process group (the shell and what it started),
// SIGKILL if that is not enough.
void HookRunner::time_out(Run& r) {
    r.term_timer.reset();
    r.timed_out = true;
    ++m_counters.timed_out;
    log::warn("--exec: the hook for {} is still running after --exec-timeout {}: sending SIGTERM", r.job.what,
              format_duration(m_options.timeout));
    ::kill(-r.pid, SIGTERM);
    r.kill_timer = m_loop.add_timer(m_loop.now() + k_hook_kill_grace, [&r] {
        r.kill_timer.reset();
        log::warn("--exec: the hook for {} outlived SIGTERM: sending SIGKILL", r.job.what);
        ::kill(-r.pid, SIGKILL);
    });
}

void HookRunner::drain(std::function<void()> done) {
    m_drained = std::move(done);
    m_drain_timer = m_loop.add_timer(m_loop.now() + m_options.timeout, [this] { drain_deadline(); });
    check_drained();
}

void HookRunner::drain_deadline() {
    m_drain_timer.reset();
    std::size_t dropped = m_queue.clear();
    m_counters.dropped += dropped;
    log::warn("--exec: {} hooks still running and {} waiting after --exec-timeout {} at exit: killing them",
              m_running.size(), dropped, format_duration(m_options.timeout));
    for (auto& r : m_running) ::kill(-r->pid, SIGKILL);
    check_drained();
}

void HookRunner::check_drained() {
    if (!m_drained || !m_running.empty() || !m_queue.empty()) return;
    if (m_drain_timer) m_loop.cancel_timer(*m_drain_timer);
    m_drain_timer.reset();
    const HookCounters& c = m_counters;
    log::info(
        "--exec: {} records, {} hook runs, {} failed, {} timed out, {} coalesced, {} dropped, "
        "at most {} waiting",
        c.records, c.runs, c.failed, c.timed_out, c.coalesced, c.dropped, m_queue.peak());
    auto done = std::move(m_drained);
    m_drained = nullptr;
    done();
}

}  // namespace rtwatch::app
