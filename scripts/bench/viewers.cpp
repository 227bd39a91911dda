// The relay benchmark's viewers: N SSE connections held by one epoll loop,
// so the reading side is never what the measurement sees. Every event whose
// data carries "source_ts" (the simulator's send time, ms) is sampled at the
// read that completed it: delay = wall clock at that read - source_ts. The
// record's "ts" (when rtwatch read it from the simulator, or a cluster
// relay from the broker) splits it: ts - source_ts is the upstream part,
// before the relay (or nchan's publisher), read - ts the relay's part.
//
// usage: bench-viewers PORT PATH N [READY]
//   READY: the bytes that mark a connection ready (default: the end of the
//   response head; the relay's is "event: ready").
// stdout: {"ready":N,"connect_s":S} once all are ready; then, for each
// "measure SECONDS" line on stdin, one JSON line of results. EOF on stdin
// ends it.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>
#include <string_view>
#include <vector>

#include "utc_ts.hpp"

namespace {

using bench::now_us;
using bench::parse_ts_us;

struct Conn {
    int fd = -1;
    bool ready = false;
    std::string carry;  // an event not yet complete
};

double mono_s() { return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count(); }

// Delays in 0.1 ms buckets up to 60 s: 10 M samples fit in constant memory.
struct Histogram {
    static constexpr int64_t kBucketUs = 100;
    std::vector<uint64_t> buckets = std::vector<uint64_t>(600000 + 1);
    uint64_t count = 0;
    int64_t negative = 0;  // clocks disagree by more than the ms rounding
    void add(int64_t us) {
        if (us < -1000) ++negative;
        us = std::max<int64_t>(us, 0);
        buckets[std::min<size_t>(size_t(us / kBucketUs), buckets.size() - 1)]++;
        ++count;
    }
    double quantile_ms(double q) const {
        if (count == 0) return -1;
        const uint64_t rank = uint64_t(q * double(count - 1));
        uint64_t seen = 0;
        for (size_t i = 0; i < buckets.size(); ++i) {
            seen += buckets[i];
            if (seen > rank) return double(i * kBucketUs + kBucketUs / 2) / 1000.0;
        }
        return double(buckets.size() * kBucketUs) / 1000.0;
    }
    double max_ms() const {
        for (size_t i = buckets.size(); i-- > 0;)
            if (buckets[i]) return double((i + 1) * kBucketUs) / 1000.0;
        return 0;
    }
    void clear() {
        std::fill(buckets.begin(), buckets.end(), 0);
        count = 0;
        negative = 0;
    }
};

constexpr std::string_view kTsKey = "\"source_ts\":\"";
constexpr std::string_view kReadKey = "\"ts\":\"";

// Consumes the complete events ("\n\n"-terminated) of c.carry.
void scan_events(Conn& c, int64_t read_us, bool sampling, Histogram& h, Histogram& upstream, Histogram& relay,
                 uint64_t& events) {
    size_t pos = 0;
    for (;;) {
        const size_t end = c.carry.find("\n\n", pos);
        if (end == std::string::npos) break;
        const std::string_view ev(c.carry.data() + pos, end - pos);
        const size_t k = ev.find(kTsKey);
        if (k != std::string_view::npos) {
            ++events;
            if (sampling) {
                const int64_t src = parse_ts_us(ev.substr(k + kTsKey.size()));
                if (src >= 0) h.add(read_us - src);
                const size_t r = ev.find(kReadKey);
                const int64_t read_by_rtwatch = r < k ? parse_ts_us(ev.substr(r + kReadKey.size())) : -1;
                if (src >= 0 && read_by_rtwatch >= 0) upstream.add(read_by_rtwatch - src);
                if (read_by_rtwatch >= 0) relay.add(read_us - read_by_rtwatch);
            }
        }
        pos = end + 2;
    }
    c.carry.erase(0, pos);
}

int connect_to(int port) {
    const int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(uint16_t(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) < 0 && errno != EINPROGRESS) {
        close(fd);
        return -1;
    }
    return fd;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 4) {
        std::fprintf(stderr, "usage: bench-viewers PORT PATH N [READY]\n");
        return 2;
    }
    const int port = std::atoi(argv[1]);
    const std::string path = argv[2];
    const size_t n = std::strtoul(argv[3], nullptr, 10);
    const std::string ready_marker = argc > 4 ? argv[4] : "\r\n\r\n";

    rlimit rl{};
    getrlimit(RLIMIT_NOFILE, &rl);
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
    if (rl.rlim_cur < n + 16) {
        std::fprintf(stderr, "bench-viewers: the open-files hard limit (%lu) is below %zu\n",
                     static_cast<unsigned long>(rl.rlim_max), n + 16);
        return 1;
    }

    const int ep = epoll_create1(EPOLL_CLOEXEC);
    const std::string request = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) +
                                "\r\nAccept: text/event-stream\r\n\r\n";
    std::vector<Conn> conns(n);
    size_t opened = 0, ready = 0, in_flight = 0;
    // Connects in waves: far more than the listen backlog at once would be
    // dropped SYNs and 1 s retransmits, timing the kernel instead of the server.
    constexpr size_t kMaxInFlight = 128;
    const double start = mono_s();
    const double deadline = start + 120;

    epoll_event in{};
    in.events = EPOLLIN;
    in.data.u64 = UINT64_MAX;
    fcntl(0, F_SETFL, fcntl(0, F_GETFL) | O_NONBLOCK);
    epoll_ctl(ep, EPOLL_CTL_ADD, 0, &in);

    Histogram hist, upstream, relay;
    uint64_t events = 0, bytes = 0;
    bool sampling = false;
    double measure_until = 0, measure_seconds = 0;
    uint64_t events_at_start = 0, bytes_at_start = 0;
    std::string stdin_buf;
    std::vector<epoll_event> evs(1024);
    static char buf[1 << 18];

    for (;;) {
        while (opened < n && in_flight < kMaxInFlight) {
            Conn& c = conns[opened];
            c.fd = connect_to(port);
            if (c.fd < 0) {
                std::fprintf(stderr, "bench-viewers: connect %zu: %s\n", opened, std::strerror(errno));
                return 1;
            }
            int one = 1;
            setsockopt(c.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
            epoll_event e{};
            e.events = EPOLLOUT | EPOLLIN;
            e.data.u64 = opened;
            epoll_ctl(ep, EPOLL_CTL_ADD, c.fd, &e);
            ++opened;
            ++in_flight;
        }
        const double now = mono_s();
        if (ready < n && now > deadline) {
            std::fprintf(stderr, "bench-viewers: only %zu of %zu ready after 120 s\n", ready, n);
            return 1;
        }
        int timeout_ms = 100;
        if (sampling) timeout_ms = std::max(0, std::min(100, int((measure_until - now) * 1000) + 1));
        const int got = epoll_wait(ep, evs.data(), int(evs.size()), timeout_ms);
        if (got < 0 && errno != EINTR) return 1;
        for (int i = 0; i < std::max(got, 0); ++i) {
            if (evs[i].data.u64 == UINT64_MAX) {
                ssize_t r;
                while ((r = read(0, buf, sizeof buf)) > 0) stdin_buf.append(buf, size_t(r));
                if (r == 0) return 0;
                size_t nl;
                while ((nl = stdin_buf.find('\n')) != std::string::npos) {
                    const std::string line = stdin_buf.substr(0, nl);
                    stdin_buf.erase(0, nl + 1);
                    if (line.rfind("measure ", 0) == 0) {
                        measure_seconds = std::atof(line.c_str() + 8);
                        hist.clear();
                        upstream.clear();
                        relay.clear();
                        events_at_start = events;
                        bytes_at_start = bytes;
                        sampling = true;
                        measure_until = mono_s() + measure_seconds;
                    }
                }
                continue;
            }
            Conn& c = conns[evs[i].data.u64];
            if (evs[i].events & EPOLLOUT) {
                int err = 0;
                socklen_t len = sizeof err;
                getsockopt(c.fd, SOL_SOCKET, SO_ERROR, &err, &len);
                if (err != 0) {
                    std::fprintf(stderr, "bench-viewers: connect: %s\n", std::strerror(err));
                    return 1;
                }
                // The request is far below any send buffer: one write.
                if (write(c.fd, request.data(), request.size()) != ssize_t(request.size())) return 1;
                epoll_event e{};
                e.events = EPOLLIN;
                e.data.u64 = evs[i].data.u64;
                epoll_ctl(ep, EPOLL_CTL_MOD, c.fd, &e);
            }
            if (!(evs[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR))) continue;
            for (;;) {
                const ssize_t r = read(c.fd, buf, sizeof buf);
                if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
                if (r <= 0) {
                    std::fprintf(stderr, "bench-viewers: viewer %llu closed by the server\n",
                                 static_cast<unsigned long long>(evs[i].data.u64));
                    return 1;
                }
                const int64_t read_us = now_us();
                bytes += uint64_t(r);
                c.carry.append(buf, size_t(r));
                if (!c.ready) {
                    const size_t m = c.carry.find(ready_marker);
                    if (m == std::string::npos) continue;
                    if (c.carry.compare(0, 12, "HTTP/1.1 200") != 0 && c.carry.compare(0, 12, "HTTP/1.0 200") != 0) {
                        std::fprintf(stderr, "bench-viewers: %.*s\n", int(c.carry.find('\r')), c.carry.c_str());
                        return 1;
                    }
                    // Whatever came before ready (the relay's snapshot) is not sampled;
                    // a marker inside an event drops the rest of that event too.
                    c.carry.erase(0, m + ready_marker.size());
                    if (ready_marker != "\r\n\r\n") {
                        const size_t cut = c.carry.find("\n\n");
                        c.carry.erase(0, cut == std::string::npos ? c.carry.size() : cut + 2);
                    }
                    c.ready = true;
                    --in_flight;
                    if (++ready == n) {
                        std::printf("{\"ready\":%zu,\"connect_s\":%.3f}\n", n, mono_s() - start);
                        std::fflush(stdout);
                    }
                    continue;
                }
                scan_events(c, read_us, sampling, hist, upstream, relay, events);
            }
        }
        if (sampling && mono_s() >= measure_until) {
            sampling = false;
            std::printf(
                "{\"events\":%llu,\"events_per_s\":%.0f,\"mib_per_s\":%.1f,\"samples\":%llu,"
                "\"p50_ms\":%.2f,\"p99_ms\":%.2f,\"max_ms\":%.1f,\"upstream_p50_ms\":%.2f,"
                "\"upstream_p99_ms\":%.2f,\"relay_p50_ms\":%.2f,\"relay_p99_ms\":%.2f,"
                "\"clock_skew\":%lld}\n",
                static_cast<unsigned long long>(events - events_at_start),
                double(events - events_at_start) / measure_seconds,
                double(bytes - bytes_at_start) / measure_seconds / (1 << 20),
                static_cast<unsigned long long>(hist.count), hist.quantile_ms(0.5), hist.quantile_ms(0.99),
                hist.max_ms(), upstream.quantile_ms(0.5), upstream.quantile_ms(0.99), relay.quantile_ms(0.5),
                relay.quantile_ms(0.99), static_cast<long long>(hist.negative));
            std::fflush(stdout);
        }
    }
}
