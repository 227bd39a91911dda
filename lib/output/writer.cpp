// The one place that writes output bytes: whole buffers, short writes and
// EINTR retried, EPIPE told apart from real failures, files opened for
// appending and reopened after logrotate.
#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "rtwatch/output/ndjson.hpp"

namespace rtwatch::output {

namespace {

constexpr std::size_t k_initial_buffer = 64 * 1024;

int open_append(const std::string& path) {
    int fd;
    do fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    while (fd < 0 && errno == EINTR);
    return fd;
}

Error open_error(const std::string& path, int err) {
    return make_error(ExitCode::output, "cannot open output file '" + path + "': " + std::strerror(err) +
                                            "; check that its directory exists and is writable, or choose "
                                            "another file with -o");
}

// A non-blocking fd inherited as stdout answers EAGAIN: wait until it drains.
void wait_writable(int fd) {
    pollfd p{fd, POLLOUT, 0};
    while (::poll(&p, 1, -1) < 0 && errno == EINTR) {
    }
}

}  // namespace

Result<Writer> Writer::open_stdout() {
    Writer w;
    w.m_fd = STDOUT_FILENO;
    w.m_buffer.reserve(k_initial_buffer);
    return w;
}

Result<Writer> Writer::open_file(std::string path) {
    int fd = open_append(path);
    if (fd < 0) return open_error(path, errno);
    Writer w;
    w.m_fd = fd;
    w.m_owned = true;
    w.m_path = std::move(path);
    w.m_buffer.reserve(k_initial_buffer);
    return w;
}

Writer::Writer(Writer&& other) noexcept
    : m_fd(std::exchange(other.m_fd, -1)),
      m_owned(std::exchange(other.m_owned, false)),
      m_path(std::move(other.m_path)),
      m_buffer(std::move(other.m_buffer)),
      m_error(std::move(other.m_error)) {}

Writer& Writer::operator=(Writer&& other) noexcept {
    if (this == &other) return *this;
    if (m_owned && m_fd >= 0) ::close(m_fd);
    m_fd = std::exchange(other.m_fd, -1);
    m_owned = std::exchange(other.m_owned, false);
    m_path = std::move(other.m_path);
    m_buffer = std::move(other.m_buffer);
    m_error = std::move(other.m_error);
    return *this;
}

Writer::~Writer() {
    if (m_owned && m_fd >= 0) ::close(m_fd);
}

Writer::Status Writer::flush() {
    std::size_t done = 0;
    int err = 0;
    while (done < m_buffer.size() && !err) {
        ssize_t n = m_fd < 0 ? (errno = EBADF, -1) : ::write(m_fd, m_buffer.data() + done, m_buffer.size() - done);
        if (n > 0)
            done += static_cast<std::size_t>(n);
        else if (n < 0 && errno == EAGAIN)
            wait_writable(m_fd);
        else if (n == 0 || errno != EINTR)
            err = n == 0 ? EIO : errno;
    }
    // Written bytes leave the buffer; what could not be written stays.
    m_buffer.erase(0, done);
    if (!err) return Status::ok;
    m_error = "writing to " + (m_path.empty() ? std::string("standard output") : m_path) + ": " + std::strerror(err);
    return err == EPIPE || err == ECONNRESET ? Status::closed : Status::failed;
}

Result<void> Writer::reopen() {
    if (!m_owned) return {};
    // Open the new file before closing the old one: if the path cannot be
    // opened, the old descriptor still works and the caller decides.
    int fd = open_append(m_path);
    if (fd < 0) return open_error(m_path, errno);
    ::close(m_fd);
    m_fd = fd;
    return {};
}

}  // namespace rtwatch::output
