// A one-connection HTTP server on raw sockets, for methods cpp-httplib
// refuses (REPORT): it records the request text and sends a fixed answer.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>
#include <thread>

namespace rtwatch::test {

class RawHttpServer {
public:
    explicit RawHttpServer(std::string answer) : m_answer(std::move(answer)) {
        m_listen = socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        bind(m_listen, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
        listen(m_listen, 4);
        socklen_t len = sizeof addr;
        getsockname(m_listen, reinterpret_cast<sockaddr*>(&addr), &len);
        m_port = ntohs(addr.sin_port);
        m_thread = std::thread([this] { serve_one(); });
    }
    ~RawHttpServer() {
        shutdown(m_listen, SHUT_RDWR);
        close(m_listen);
        m_thread.join();
    }
    std::string url(const std::string& path) const { return "http://127.0.0.1:" + std::to_string(m_port) + path; }
    // The raw request (head and body); read it only after the client finished.
    const std::string& request() const { return m_request; }

private:
    void serve_one() {
        int c = accept(m_listen, nullptr, nullptr);
        if (c < 0) return;
        char buf[4096];
        while (!complete()) {
            auto n = read(c, buf, sizeof buf);
            if (n <= 0) break;
            m_request.append(buf, static_cast<size_t>(n));
        }
        auto ignored = write(c, m_answer.data(), m_answer.size());
        (void)ignored;
        close(c);
    }
    bool complete() const {
        auto end = m_request.find("\r\n\r\n");
        if (end == std::string::npos) return false;
        auto cl = m_request.find("Content-Length: ");
        std::size_t length = cl == std::string::npos ? 0 : std::stoul(m_request.substr(cl + 16));
        return m_request.size() >= end + 4 + length;
    }

    std::string m_answer;
    std::string m_request;
    int m_listen = -1;
    int m_port = 0;
    std::thread m_thread;
};

}  // namespace rtwatch::test
