// A test SSE server, a loop thread and one SseConnection whose handler
// writes down everything it sees, for the connection tests.
#pragma once

#include <optional>

#include "loop_thread.hpp"
#include "rtwatch/net/sse_connection.hpp"
#include "sse_test_server.hpp"

namespace rtwatch::test {

struct StreamLog {
    int opens = 0;
    std::vector<std::string> events;  // "type|data|id"
    std::vector<std::string> comments;
    std::vector<net::StreamEnd> ends;
    std::string calls;  // one letter per callback: o(pen) b(ytes) e(vent) d(one) x(end)
};

class RecordingHandler : public net::StreamHandler {
public:
    explicit RecordingHandler(Watched<StreamLog>& log) : m_log(log) {}
    std::function<void(const sse::Event&)> after_event;  // runs on the loop thread

    void on_open(const net::Response&) override {
        m_log.update([](StreamLog& l) { ++l.opens, l.calls += 'o'; });
    }
    void on_bytes(std::string_view) override {
        m_log.update([](StreamLog& l) { l.calls += 'b'; });
    }
    void on_chunk_done() override {
        m_log.update([](StreamLog& l) { l.calls += 'd'; });
    }
    void on_event(const sse::Event& e) override {
        std::string text = std::string(e.type) + "|" + std::string(e.data) + "|" + std::string(e.id);
        m_log.update([&](StreamLog& l) { l.events.push_back(text), l.calls += 'e'; });
        if (after_event) after_event(e);
    }
    void on_comment(std::string_view text) override {
        m_log.update([&](StreamLog& l) { l.comments.emplace_back(text); });
    }
    void on_end(const net::StreamEnd& end) override {
        m_log.update([&](StreamLog& l) { l.ends.push_back(end), l.calls += 'x'; });
    }

private:
    Watched<StreamLog>& m_log;
};

struct StreamFixture {
    SseTestServer server;
    LoopThread lt;
    Watched<StreamLog> log;
    RecordingHandler handler{log};
    std::unique_ptr<net::SseConnection> conn;

    ~StreamFixture() {
        lt.sync([&] { conn.reset(); });
    }

    net::StreamOptions options(const std::string& path) {
        net::StreamOptions o;
        o.request.url = server.url(path);
        return o;
    }
    void open(const net::StreamOptions& o) {
        lt.sync([&] {
            if (!conn) conn = std::make_unique<net::SseConnection>(lt.loop, handler);
            conn->open(o);
        });
    }
    void open(const std::string& path) { open(options(path)); }

    bool wait_events(std::size_t n) {
        return log.wait([&](const StreamLog& l) { return l.events.size() >= n; });
    }
    std::optional<net::StreamEnd> wait_end() {
        if (!log.wait([](const StreamLog& l) { return !l.ends.empty(); })) return std::nullopt;
        return log.get().ends.front();
    }
};

}  // namespace rtwatch::test
