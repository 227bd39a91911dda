// The contract-test harness: the real test service in-process on port 0, a
// scriptable SSE server for its stream URLs, and a receiver for its numbered
// callbacks. Tests talk to the service over HTTP, as the public suite does.
#pragma once

#include <httplib.h>
#include <rapidjson/document.h>

#include "loop_thread.hpp"
#include "sse_test_server.hpp"
#include "test_service.hpp"

namespace rtwatch::test {

// Collects POST /cb/<client>/<n>; hands them out strictly by number.
class CallbackReceiver {
public:
    CallbackReceiver() {
        // Each idle keep-alive connection holds a worker for seconds.
        m_server.new_task_queue = [] { return new httplib::ThreadPool(64); };
        m_server.Post(R"(/cb/(\d+)/(\d+))", [this](const httplib::Request& req, httplib::Response& res) {
            hold.wait([](bool held) { return !held; }, std::chrono::milliseconds(10'000));
            int client = std::stoi(req.matches[1]);
            long n = std::stol(req.matches[2]);
            m_got.update([&](auto& m) { m[client][n] = req.body; });
            res.status = 202;
        });
        m_port = m_server.bind_to_any_port("127.0.0.1");
        m_thread = std::thread([this] { m_server.listen_after_bind(); });
        auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
        while (!m_server.is_running() && std::chrono::steady_clock::now() < deadline) std::this_thread::yield();
    }
    ~CallbackReceiver() {
        hold.update([](bool& v) { v = false; });
        m_server.stop();
        m_thread.join();
    }
    std::string base(int client) const {
        return "http://127.0.0.1:" + std::to_string(m_port) + "/cb/" + std::to_string(client);
    }
    // Callback number `n` of `client` as parsed JSON; throws if it never came.
    rapidjson::Document get(int client, long n, std::chrono::milliseconds timeout = std::chrono::milliseconds(5000)) {
        std::string body;
        bool ok = m_got.wait(
            [&](auto& m) {
                auto c = m.find(client);
                if (c == m.end() || !c->second.count(n)) return false;
                body = c->second.at(n);
                return true;
            },
            timeout);
        if (!ok) throw std::runtime_error("callback " + std::to_string(n) + " never arrived");
        rapidjson::Document doc;
        doc.Parse(body.c_str(), body.size());
        return doc;
    }
    std::size_t count(int client) {
        auto m = m_got.get();
        return m.count(client) ? m.at(client).size() : 0;
    }
    Watched<bool> hold;  // true: callbacks wait (a slow receiver)

private:
    httplib::Server m_server;
    int m_port = 0;
    std::thread m_thread;
    Watched<std::map<int, std::map<long, std::string>>> m_got;
};

class ServiceThread {
public:
    ServiceThread() {
        port = service.bind(0).value();
        m_thread = std::thread([this] { service.serve(); });
    }
    ~ServiceThread() {
        service.stop();
        m_thread.join();
    }
    contract::TestService service;
    int port = 0;

private:
    std::thread m_thread;
};

struct Harness {
    SseTestServer streams;
    CallbackReceiver callbacks;
    ServiceThread service;
    int next_client = 1;

    httplib::Client http() { return httplib::Client("127.0.0.1", service.port); }

    // Creates a client; `extra` is more JSON members ("\"readTimeoutMs\":500,").
    // Returns {callback client number, Location}.
    std::pair<int, std::string> create(const std::string& path, const std::string& extra = "") {
        int n = next_client++;
        std::string body = "{" + extra + R"("streamUrl":")" + streams.url(path) + R"(","callbackUrl":")" +
                           callbacks.base(n) + R"(","tag":"t","initialDelayMs":0,"readTimeoutMs":null})";
        auto res = http().Post("/", body, "application/json");
        if (!res || res->status / 100 != 2) throw std::runtime_error("the service refused a client: " + body);
        return {n, res->get_header_value("Location")};
    }
};

inline std::string kind(const rapidjson::Document& d) { return d["kind"].GetString(); }
inline std::string event_field(const rapidjson::Document& d, const char* f) {
    return std::string(d["event"][f].GetString(), d["event"][f].GetStringLength());
}

}  // namespace rtwatch::test
