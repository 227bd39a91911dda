// The relay benchmark's nchan publisher: reads plain rtwatch's NDJSON on
// stdin and POSTs each record, as is, to an nchan publisher location over
// one keep-alive connection, so nchan's viewers get exactly the records the
// relay's viewers get. One POST at a time, answered before the next: the
// ordinary way to publish, and it cannot reorder records.
//
// usage: bench-nchan-publish PORT PATH
// At EOF on stdin, prints {"published":N,"failed":N,"per_s":R} (R: from the
// first POST to the last) and exits.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>

namespace {

int connect_to(int port) {
    const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(uint16_t(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) < 0) {
        std::fprintf(stderr, "bench-nchan-publish: connect: %s\n", std::strerror(errno));
        std::exit(1);
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return fd;
}

bool write_all(int fd, const std::string& s) {
    size_t off = 0;
    while (off < s.size()) {
        const ssize_t w = write(fd, s.data() + off, s.size() - off);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return false;
        off += size_t(w);
    }
    return true;
}

// Reads one response (head, then Content-Length bytes of body); returns the
// status, or -1 when the connection ended. `in` keeps what follows it.
int read_response(int fd, std::string& in, bool& keep_alive) {
    char buf[4096];
    size_t head_end;
    while ((head_end = in.find("\r\n\r\n")) == std::string::npos) {
        const ssize_t r = read(fd, buf, sizeof buf);
        if (r <= 0) return -1;
        in.append(buf, size_t(r));
    }
    const int status = std::atoi(in.c_str() + 9);
    std::string head = in.substr(0, head_end);
    for (char& ch : head) ch = char(std::tolower(static_cast<unsigned char>(ch)));
    size_t length = 0;
    if (const size_t k = head.find("\r\ncontent-length:"); k != std::string::npos)
        length = std::strtoul(head.c_str() + k + 17, nullptr, 10);
    keep_alive = head.find("\r\nconnection: close") == std::string::npos;
    while (in.size() < head_end + 4 + length) {
        const ssize_t r = read(fd, buf, sizeof buf);
        if (r <= 0) return -1;
        in.append(buf, size_t(r));
    }
    in.erase(0, head_end + 4 + length);
    return status;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 3) {
        std::fprintf(stderr, "usage: bench-nchan-publish PORT PATH\n");
        return 2;
    }
    const int port = std::atoi(argv[1]);
    const std::string path = argv[2];
    const std::string head = "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) +
                             "\r\nContent-Type: application/json\r\nContent-Length: ";
    std::ios::sync_with_stdio(false);
    int fd = connect_to(port);
    std::string line, request, in;
    unsigned long published = 0, failed = 0;
    std::chrono::steady_clock::time_point first, last;
    while (std::getline(std::cin, line)) {
        if (line.empty()) continue;
        last = std::chrono::steady_clock::now();
        if (published + failed == 0) first = last;
        request.assign(head).append(std::to_string(line.size())).append("\r\n\r\n").append(line);
        bool keep_alive = true;
        int status = write_all(fd, request) ? read_response(fd, in, keep_alive) : -1;
        if (status < 0) {  // the server closed an idle keep-alive: once more on a new one
            close(fd);
            fd = connect_to(port);
            in.clear();
            status = write_all(fd, request) ? read_response(fd, in, keep_alive) : -1;
        }
        if (status == 201 || status == 202)
            ++published;
        else
            ++failed;
        if (!keep_alive || status < 0) {
            close(fd);
            fd = connect_to(port);
            in.clear();
        }
    }
    const double span = std::chrono::duration<double>(last - first).count();
    std::printf("{\"published\":%lu,\"failed\":%lu,\"per_s\":%.0f}\n", published, failed,
                span > 0 ? double(published) / span : 0.0);
    return failed == 0 ? 0 : 1;
}
