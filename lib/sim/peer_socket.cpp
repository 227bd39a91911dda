// Finds a request's socket among the process's descriptors by matching its
// local and remote ports (unique while the connection is open).
#include "peer_socket.hpp"

#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <sys/socket.h>

#include <cstdlib>

namespace rtwatch::sim {

namespace {

int port_of(const sockaddr_storage& a) {
    if (a.ss_family == AF_INET) return ntohs(reinterpret_cast<const sockaddr_in&>(a).sin_port);
    if (a.ss_family == AF_INET6) return ntohs(reinterpret_cast<const sockaddr_in6&>(a).sin6_port);
    return -1;
}

bool matches(int fd, int local_port, int remote_port) {
    sockaddr_storage local{}, remote{};
    socklen_t ll = sizeof local, rl = sizeof remote;
    if (getsockname(fd, reinterpret_cast<sockaddr*>(&local), &ll) != 0) return false;
    if (getpeername(fd, reinterpret_cast<sockaddr*>(&remote), &rl) != 0) return false;
    return port_of(local) == local_port && port_of(remote) == remote_port;
}

}  // namespace

int find_peer_socket(const httplib::Request& req) {
    if (req.ssl) return SSL_get_fd(req.ssl);
    DIR* dir = opendir("/proc/self/fd");
    if (!dir) return -1;
    int found = -1;
    while (dirent* entry = readdir(dir)) {
        const int fd = std::atoi(entry->d_name);
        if (fd <= 2 || fd == dirfd(dir)) continue;
        if (matches(fd, req.local_port, req.remote_port)) {
            found = fd;
            break;
        }
    }
    closedir(dir);
    return found;
}

bool widen_listen_backlog(int port, int backlog) {
    DIR* dir = opendir("/proc/self/fd");
    if (!dir) return false;
    bool done = false;
    while (dirent* entry = readdir(dir)) {
        const int fd = std::atoi(entry->d_name);
        int listening = 0;
        socklen_t len = sizeof listening;
        sockaddr_storage local{};
        socklen_t ll = sizeof local;
        if (fd <= 2 || getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &len) != 0 || !listening) continue;
        if (getsockname(fd, reinterpret_cast<sockaddr*>(&local), &ll) == 0 && port_of(local) == port)
            done = ::listen(fd, backlog) == 0;
    }
    closedir(dir);
    return done;
}

bool peer_closed(int fd) {
    if (fd < 0) return false;
    pollfd p{fd, POLLIN | POLLRDHUP, 0};
    if (poll(&p, 1, 0) <= 0) return false;
    if (p.revents & (POLLRDHUP | POLLHUP | POLLERR)) return true;
    char c;
    return recv(fd, &c, 1, MSG_PEEK | MSG_DONTWAIT) == 0;
}

}  // namespace rtwatch::sim
