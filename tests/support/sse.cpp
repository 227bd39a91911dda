// Raw socket reading with poll() deadlines, and a small SSE parser that is
// deliberately independent of the product's.
#include "rtwatch_test/sse.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include <stdexcept>

namespace rtwatch::test {

SseParse parse_sse(std::string_view body) {
    SseParse out;
    SseEvent current;
    bool has_data = false;
    size_t pos = 0, consumed = 0;
    while (pos < body.size()) {
        const size_t nl = body.find('\n', pos);
        if (nl == std::string_view::npos) break;
        std::string_view line = body.substr(pos, nl - pos);
        pos = nl + 1;
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (line.empty()) {
            if (has_data) out.events.push_back(current);
            current = SseEvent{};
            has_data = false;
            consumed = pos;
            continue;
        }
        if (line.front() == ':') {
            out.comments.emplace_back(line.substr(line.size() > 1 && line[1] == ' ' ? 2 : 1));
            consumed = pos;
            continue;
        }
        const size_t colon = line.find(':');
        const std::string_view field = line.substr(0, colon);
        std::string_view value = colon == std::string_view::npos ? std::string_view{} : line.substr(colon + 1);
        if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
        if (field == "data") {
            if (has_data) current.data += '\n';
            current.data += value;
            has_data = true;
        } else if (field == "event") {
            current.type = value;
        } else if (field == "id") {
            current.id = value;
            current.has_id = true;
        } else if (field == "retry") {
            out.retry = value;
        }
    }
    out.incomplete = body.size() - consumed;
    return out;
}

RawStream::RawStream(int port, const std::string& target, const Headers& headers, int receive_buffer) {
    m_fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (m_fd >= 0 && receive_buffer > 0)
        setsockopt(m_fd, SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof receive_buffer);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (m_fd < 0 || connect(m_fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
        throw std::runtime_error("RawStream: cannot connect to 127.0.0.1:" + std::to_string(port));
    std::string request = "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) + "\r\n";
    bool connection = false;
    for (const auto& [k, v] : headers) {
        request += k + ": " + v + "\r\n";
        connection = connection || strcasecmp(k.c_str(), "Connection") == 0;
    }
    // One request per connection, so a short answer ends with a close.
    request += connection ? "\r\n" : "Connection: close\r\n\r\n";
    if (send(m_fd, request.data(), request.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(request.size()))
        throw std::runtime_error("RawStream: cannot send the request");
    m_last_byte = std::chrono::steady_clock::now();
}

RawStream::~RawStream() { close(); }

void RawStream::close() {
    if (m_fd >= 0) ::close(m_fd);
    m_fd = -1;
}

bool RawStream::read_some(int timeout_ms) {
    if (m_fd < 0 || m_closed) return false;
    pollfd p{m_fd, POLLIN, 0};
    if (::poll(&p, 1, timeout_ms) <= 0) return false;
    char buf[65536];
    const ssize_t n = recv(m_fd, buf, sizeof buf, 0);
    if (n <= 0) {
        m_closed = true;
        return false;
    }
    m_raw.append(buf, static_cast<size_t>(n));
    m_last_byte = std::chrono::steady_clock::now();
    if (m_header_end == std::string::npos) {
        m_header_end = m_raw.find("\r\n\r\n");
        if (m_header_end != std::string::npos && m_raw.size() > 12) m_status = std::stoi(m_raw.substr(9, 3));
    }
    return true;
}

void RawStream::poll() {
    while (read_some(0)) {
    }
}

bool RawStream::read_until(const std::function<bool(const RawStream&)>& pred, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        if (pred(*this)) return true;
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0 || m_closed) return pred(*this);
        read_some(static_cast<int>(std::min<int64_t>(left.count(), 50)));
    }
}

void RawStream::read_for(std::chrono::milliseconds duration) {
    read_until([](const RawStream&) { return false; }, duration);
}

bool RawStream::wait_closed(std::chrono::milliseconds timeout) {
    return read_until([](const RawStream& s) { return s.closed(); }, timeout);
}

std::string RawStream::header(const std::string& name) const {
    if (m_header_end == std::string::npos) return {};
    size_t pos = m_raw.find("\r\n") + 2;
    while (pos < m_header_end) {
        const size_t end = m_raw.find("\r\n", pos);
        const std::string line = m_raw.substr(pos, end - pos);
        const size_t colon = line.find(':');
        if (colon != std::string::npos && strcasecmp(line.substr(0, colon).c_str(), name.c_str()) == 0)
            return line.substr(line.find_first_not_of(' ', colon + 1));
        pos = end + 2;
    }
    return {};
}

std::string_view RawStream::body() const {
    if (m_header_end == std::string::npos) return {};
    return std::string_view(m_raw).substr(m_header_end + 4);
}

Headers stream_headers(const std::string& token, const std::string& last_event_id) {
    Headers h{{"Authorization", "Bearer " + token}, {"Accept", "text/event-stream"}, {"Cache-Control", "no-cache"}};
    if (!last_event_id.empty()) h.emplace_back("Last-Event-ID", last_event_id);
    return h;
}

}  // namespace rtwatch::test
