// The one place that writes output bytes: whole buffers, short writes and
// EINTR retried, EPIPE told apart from real failures, files opened for
// appending and reopened after logrotate.
#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstring>
#include <utility>

#include "rtwatch/output/ndjson.hpp"

namespace rtwatch::output {

namespace {

constexpr std::size_t k_initial_buffer = 64 * 1024;

int open_append(const std::string& path) {
    // A FIFO is opened without blocking: with no reader the open fails at
    // once (ENXIO) instead of freezing the run, and writes never block (see
    // write_ready()).
    struct stat st {};
    const bool fifo = ::stat(path.c_str(), &st) == 0 && S_ISFIFO(st.st_mode);
    int flags = O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | (fifo ? O_NONBLOCK : 0);
    int fd;
    do fd = ::open(path.c_str(), flags, 0644);
    while (fd < 0 && errno == EINTR);
    if (fd >= 0 && !fifo && ::fstat(fd, &st) == 0 && S_ISFIFO(st.st_mode)) ::fcntl(fd, F_SETFL, O_APPEND | O_NONBLOCK);
    return fd;
}

Error open_error(const std::string& path, int err) {
    if (err == ENXIO)
        return make_error(ExitCode::output,
                          "cannot open output FIFO '" + path + "': no process is reading it; start the reader first");
    if (err == EISDIR)
        return make_error(ExitCode::output,
                          "cannot open output file '" + path + "': that is a directory; name a file in it with -o");
    return make_error(ExitCode::output, "cannot open output file '" + path + "': " + std::strerror(err) +
                                            "; check that its directory exists and is writable, or choose "
                                            "another file with -o");
}

// Waits until `fd` takes bytes again. False when `interrupt_fd` turned
// readable first, or `timeout_ms` (-1: none) passed.
bool wait_writable(int fd, int interrupt_fd, int timeout_ms) {
    pollfd p[2] = {{fd, POLLOUT, 0}, {interrupt_fd, POLLIN, 0}};
    int n;
    do n = ::poll(p, interrupt_fd >= 0 ? 2 : 1, timeout_ms);
    while (n < 0 && errno == EINTR);
    return n > 0 && !(p[1].revents & POLLIN);
}

// A pipe on stdout gets a private non-blocking description (reopened through
// /proc), so a reader that stops reading cannot make rtwatch deaf to
// signals, and the reader's own description is left as it was.
int nonblocking_stdout() {
    struct stat st {};
    if (::fstat(STDOUT_FILENO, &st) != 0 || !S_ISFIFO(st.st_mode)) return STDOUT_FILENO;
    int fd = ::open("/proc/self/fd/1", O_WRONLY | O_NONBLOCK | O_CLOEXEC);
    return fd >= 0 ? fd : STDOUT_FILENO;
}

}  // namespace

Result<Writer> Writer::open_stdout() {
    Writer w;
    w.m_fd = nonblocking_stdout();
    w.m_owned = w.m_fd != STDOUT_FILENO;
    w.m_pipe = w.m_owned;
    w.m_buffer.reserve(k_initial_buffer);
    return w;
}

Result<Writer> Writer::open_file(std::string path) {
    int fd = open_append(path);
    if (fd < 0) return open_error(path, errno);
    Writer w;
    w.m_fd = fd;
    w.m_owned = true;
    struct stat st {};
    w.m_pipe = ::fstat(fd, &st) == 0 && S_ISFIFO(st.st_mode);
    w.m_path = std::move(path);
    w.m_buffer.reserve(k_initial_buffer);
    return w;
}

Writer::Writer(Writer&& other) noexcept
    : m_fd(std::exchange(other.m_fd, -1)),
      m_owned(std::exchange(other.m_owned, false)),
      m_pipe(other.m_pipe),
      m_path(std::move(other.m_path)),
      m_buffer(std::move(other.m_buffer)),
      m_error(std::move(other.m_error)) {}

Writer& Writer::operator=(Writer&& other) noexcept {
    if (this == &other) return *this;
    if (m_owned && m_fd >= 0) ::close(m_fd);
    m_fd = std::exchange(other.m_fd, -1);
    m_owned = std::exchange(other.m_owned, false);
    m_pipe = other.m_pipe;
    m_path = std::move(other.m_path);
    m_buffer = std::move(other.m_buffer);
    m_error = std::move(other.m_error);
    return *this;
}

Writer::~Writer() {
    if (m_owned && m_fd >= 0) ::close(m_fd);
}

Writer::Status Writer::flush() { return flush(-1); }

Writer::Status Writer::flush(int interrupt_fd, std::optional<std::chrono::milliseconds> limit) {
    return drain(true, interrupt_fd, limit ? static_cast<int>(limit->count()) : -1);
}

Writer::Status Writer::write_ready() { return drain(false, -1, 0); }

Writer::Status Writer::drain(bool wait, int interrupt_fd, int timeout_ms) {
    std::size_t done = 0;
    int err = 0;
    while (done < m_buffer.size() && !err) {
        ssize_t n = m_fd < 0 ? (errno = EBADF, -1) : ::write(m_fd, m_buffer.data() + done, next_piece(done));
        if (n > 0) {
            done += static_cast<std::size_t>(n);
        } else if (n < 0 && errno == EAGAIN) {
            if (!wait) break;
            if (!wait_writable(m_fd, interrupt_fd, timeout_ms)) return interrupted(done);
        } else if (n == 0 || errno != EINTR) {
            err = n == 0 ? EIO : errno;
        }
    }
    // Written bytes leave the buffer; what could not be written stays.
    m_buffer.erase(0, done);
    if (!err) return m_buffer.empty() ? Status::ok : Status::pending;
    m_error = "writing to " + (m_path.empty() ? std::string("standard output") : m_path) + ": " + std::strerror(err);
    return err == EPIPE || err == ECONNRESET ? Status::closed : Status::failed;
}

// On a pipe, whole lines up to PIPE_BUF bytes: the kernel writes such a
// piece entirely or not at all, so a reader never holds half a line even if
// rtwatch has to give up on it. Elsewhere, everything at once.
std::size_t Writer::next_piece(std::size_t done) const {
    std::size_t left = m_buffer.size() - done;
    if (!m_pipe || left <= PIPE_BUF) return left;
    auto cut = m_buffer.rfind('\n', done + PIPE_BUF - 1);
    if (cut != std::string::npos && cut >= done) return cut + 1 - done;
    auto end = m_buffer.find('\n', done);  // one line longer than PIPE_BUF: alone
    return end == std::string::npos ? left : end + 1 - done;
}

// Gives up on a stuck reader, but first tries briefly to end the line in
// flight, so the reader never keeps half a line.
Writer::Status Writer::interrupted(std::size_t done) {
    auto line_end = m_buffer.find('\n', done);
    while (done > 0 && m_buffer[done - 1] != '\n' && line_end != std::string::npos) {
        ssize_t n = ::write(m_fd, m_buffer.data() + done, line_end + 1 - done);
        if (n > 0)
            done += static_cast<std::size_t>(n);
        else if (!(n < 0 && (errno == EINTR || (errno == EAGAIN && wait_writable(m_fd, -1, 1000)))))
            break;
    }
    m_buffer.erase(0, done);
    m_error = "the reader of " + (m_path.empty() ? std::string("standard output") : m_path) + " is not reading";
    return Status::interrupted;
}

Result<void> Writer::reopen() {
    if (m_path.empty()) return {};
    // Open the new file before closing the old one: if the path cannot be
    // opened, the old descriptor still works and the caller decides.
    int fd = open_append(m_path);
    if (fd < 0) return open_error(m_path, errno);
    ::close(m_fd);
    m_fd = fd;
    return {};
}

}  // namespace rtwatch::output
