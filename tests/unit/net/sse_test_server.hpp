// A scriptable SSE server for tests (cpp-httplib, 127.0.0.1, port 0): every
// request is recorded, stream paths hand each connection to the test, which
// sends chunks, ends the stream cleanly or breaks it. Other paths answer
// with whatever handler the test installs.
#pragma once

#include <httplib.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace rtwatch::test {

using namespace std::chrono_literals;

struct RecordedRequest {
    std::string method;
    std::string path;
    std::string body;
    httplib::Headers headers;

    bool has(const std::string& name) const { return headers.count(name) > 0; }
    std::string header(const std::string& name) const {
        auto it = headers.find(name);
        return it == headers.end() ? std::string() : it->second;
    }
};

// One open SSE response. Thread-safe.
class StreamConn {
public:
    explicit StreamConn(RecordedRequest r) : request(std::move(r)) {}
    const RecordedRequest request;

    void send(std::string chunk) {
        push([&] { m_chunks.push_back(std::move(chunk)); });
    }
    void end() {
        push([&] { m_end = End::clean; });
    }  // terminating chunk: the client sees EOF
    void cut() {
        push([&] { m_end = End::broken; });
    }  // drop the socket mid-stream

    // Called by the server thread: false ends the response.
    bool pump(httplib::DataSink& sink) {
        std::unique_lock<std::mutex> lock(m_mutex);
        m_cv.wait_for(lock, 50ms, [&] { return !m_chunks.empty() || m_end != End::open; });
        while (!m_chunks.empty()) {
            std::string c = std::move(m_chunks.front());
            m_chunks.pop_front();
            if (!sink.write(c.data(), c.size())) return false;
        }
        if (m_end == End::clean) sink.done();
        if (m_end == End::broken) return false;
        return sink.is_writable();
    }

private:
    enum class End { open, clean, broken };
    template <class F>
    void push(F f) {
        {
            std::lock_guard<std::mutex> lock(m_mutex);
            f();
        }
        m_cv.notify_all();
    }
    std::mutex m_mutex;
    std::condition_variable m_cv;
    std::deque<std::string> m_chunks;
    End m_end = End::open;
};

class SseTestServer {
public:
    using Handler = std::function<void(const httplib::Request&, httplib::Response&)>;

    SseTestServer() {
        m_server.new_task_queue = [] { return new httplib::ThreadPool(32); };
        // Bound and listening before the accept loop starts: no readiness wait needed.
        m_port = m_server.bind_to_any_port("127.0.0.1");
        m_thread = std::thread([this] { m_server.listen_after_bind(); });
        // stop() is a no-op until the accept loop runs, so wait for it.
        auto deadline = std::chrono::steady_clock::now() + 5s;
        while (!m_server.is_running() && std::chrono::steady_clock::now() < deadline) std::this_thread::yield();
    }
    ~SseTestServer() {
        {
            std::lock_guard<std::mutex> lock(m_mutex);
            for (auto& c : m_all) c->cut();
        }
        m_server.stop();
        m_thread.join();
    }

    std::string url(const std::string& path) const { return "http://127.0.0.1:" + std::to_string(m_port) + path; }
    int port() const { return m_port; }

    // Serves `path` as an event stream with the given Content-Type.
    void stream(const std::string& path, std::string content_type = "text/event-stream") {
        auto h = [this, content_type](const httplib::Request& req, httplib::Response& res) {
            auto conn = std::make_shared<StreamConn>(record(req));
            {
                std::lock_guard<std::mutex> lock(m_mutex);
                m_pending.push_back(conn);
                m_all.push_back(conn);
            }
            m_cv.notify_all();
            res.set_chunked_content_provider(content_type,
                                             [conn](size_t, httplib::DataSink& sink) { return conn->pump(sink); });
        };
        route(path, h);
    }

    // Any other behaviour: the request is recorded before `handler` runs.
    void handle(const std::string& path, Handler handler) {
        route(path, [this, handler](const httplib::Request& req, httplib::Response& res) {
            record(req);
            handler(req, res);
        });
    }

    // The next stream connection not yet taken, or null after `timeout`.
    std::shared_ptr<StreamConn> await_connection(std::chrono::milliseconds timeout = 5000ms) {
        std::unique_lock<std::mutex> lock(m_mutex);
        if (!m_cv.wait_for(lock, timeout, [&] { return !m_pending.empty(); })) return nullptr;
        auto c = m_pending.front();
        m_pending.pop_front();
        return c;
    }

    std::vector<RecordedRequest> requests() {
        std::lock_guard<std::mutex> lock(m_mutex);
        return m_requests;
    }
    // Waits until at least `n` requests were seen.
    bool await_requests(std::size_t n, std::chrono::milliseconds timeout = 5000ms) {
        std::unique_lock<std::mutex> lock(m_mutex);
        return m_cv.wait_for(lock, timeout, [&] { return m_requests.size() >= n; });
    }

private:
    RecordedRequest record(const httplib::Request& req) {
        RecordedRequest r{req.method, req.path, req.body, req.headers};
        {
            std::lock_guard<std::mutex> lock(m_mutex);
            m_requests.push_back(r);
        }
        m_cv.notify_all();
        return r;
    }
    void route(const std::string& path, Handler h) {
        for (const char* m : {"GET", "POST", "PUT"}) m_routes[m][path] = h;
        if (m_installed) return;
        m_installed = true;
        auto dispatch = [this](const httplib::Request& req, httplib::Response& res) {
            auto& table = m_routes[req.method];
            auto it = table.find(req.path);
            if (it == table.end()) {
                res.status = 404;
                return;
            }
            it->second(req, res);
        };
        m_server.Get(".*", dispatch);
        m_server.Post(".*", dispatch);
        m_server.Put(".*", dispatch);
    }

    httplib::Server m_server;
    int m_port = 0;
    std::thread m_thread;
    std::mutex m_mutex;
    std::condition_variable m_cv;
    std::deque<std::shared_ptr<StreamConn>> m_pending;
    std::vector<std::shared_ptr<StreamConn>> m_all;
    std::vector<RecordedRequest> m_requests;
    std::map<std::string, std::map<std::string, Handler>> m_routes;
    bool m_installed = false;
};

}  // namespace rtwatch::test
