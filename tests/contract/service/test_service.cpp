// The contract service's HTTP API. Handlers run on cpp-httplib's threads and
// only parse and answer; clients live on the loop thread, reached by post().
#include "test_service.hpp"

#include <future>

#include <rapidjson/document.h>

namespace rtwatch::contract {
namespace {

constexpr const char* k_status_json =
    R"({"name":"rtwatch-sse","capabilities":["bom","comments","event-type-listeners","headers",)"
    R"("last-event-id","post","report","read-timeout","restart","server-directed-shutdown-request"]})";

Error bad(std::string what) { return make_error(ExitCode::usage, std::move(what)); }

Result<std::optional<long>> optional_int(const rapidjson::Value& doc, const char* name) {
    if (!doc.HasMember(name) || doc[name].IsNull()) return std::optional<long>{};
    if (!doc[name].IsInt64() || doc[name].GetInt64() < 0)
        return bad(std::string(name) + " must be a non-negative integer or null");
    return std::optional<long>{static_cast<long>(doc[name].GetInt64())};
}

Result<std::optional<std::string>> optional_string(const rapidjson::Value& doc, const char* name) {
    if (!doc.HasMember(name) || doc[name].IsNull()) return std::optional<std::string>{};
    if (!doc[name].IsString()) return bad(std::string(name) + " must be a string");
    return std::optional<std::string>{std::string(doc[name].GetString(), doc[name].GetStringLength())};
}

Result<std::vector<std::string>> header_lines(const rapidjson::Value& doc) {
    std::vector<std::string> lines;
    if (!doc.HasMember("headers") || doc["headers"].IsNull()) return lines;
    if (!doc["headers"].IsObject()) return bad("headers must be an object of strings");
    for (auto& m : doc["headers"].GetObject()) {
        if (!m.value.IsString()) return bad("headers must be an object of strings");
        lines.push_back(std::string(m.name.GetString()) + ": " + m.value.GetString());
    }
    return lines;
}

}  // namespace

Result<ClientParams> parse_client_params(const std::string& json) {
    rapidjson::Document doc;
    if (doc.Parse(json.c_str(), json.size()).HasParseError() || !doc.IsObject())
        return bad("the body must be a JSON object");
    ClientParams p;
    auto url = optional_string(doc, "streamUrl");
    auto cb = optional_string(doc, "callbackUrl");
    if (!url || !url.value() || url.value()->empty()) return bad("streamUrl is required");
    if (!cb || !cb.value() || cb.value()->empty()) return bad("callbackUrl is required");
    p.stream_url = **url;
    p.callback_url = **cb;
    auto tag = optional_string(doc, "tag");
    auto delay = optional_int(doc, "initialDelayMs");
    auto timeout = optional_int(doc, "readTimeoutMs");
    auto last_id = optional_string(doc, "lastEventId");
    auto method = optional_string(doc, "method");
    auto body = optional_string(doc, "body");
    auto headers = header_lines(doc);
    for (const Error* e :
         {tag ? nullptr : &tag.error(), delay ? nullptr : &delay.error(), timeout ? nullptr : &timeout.error(),
          last_id ? nullptr : &last_id.error(), method ? nullptr : &method.error(), body ? nullptr : &body.error(),
          headers ? nullptr : &headers.error()}) {
        if (e) return *e;
    }
    p.tag = tag->value_or("");
    p.initial_delay_ms = *delay;
    p.read_timeout_ms = *timeout;
    p.last_event_id = *last_id;
    p.method = method->value_or("GET");
    p.body = *body;
    p.headers = std::move(*headers);
    if (p.method.empty()) return bad("method must not be empty");
    return p;
}

TestService::TestService() {
    // Idle keep-alive connections each hold a worker; the suite opens many.
    m_http.new_task_queue = [] { return new httplib::ThreadPool(32); };
    routes();
}

TestService::~TestService() {
    stop();
    if (m_http_thread.joinable()) m_http_thread.join();
}

Result<int> TestService::bind(int port) {
    int bound = port == 0 ? m_http.bind_to_any_port("127.0.0.1") : (m_http.bind_to_port("127.0.0.1", port) ? port : -1);
    if (bound < 0)
        return make_error(ExitCode::failure, "cannot listen on 127.0.0.1:" + std::to_string(port) + " (in use?)");
    return bound;
}

void TestService::serve() {
    m_http_thread = std::thread([this] { m_http.listen_after_bind(); });
    m_loop.run();
    m_clients.clear();  // on the loop thread's side, before anything else goes
    while (m_http_thread.joinable() && !m_http.is_running()) std::this_thread::yield();
    m_http.stop();
    m_http_thread.join();
}

void TestService::stop() {
    m_loop.post([this] { m_loop.stop(); });
}

// Runs `fn` on the loop thread and waits for its answer.
template <class T, class F>
T TestService::on_loop(F fn) {
    std::promise<T> answer;
    m_loop.post([&] { answer.set_value(fn()); });
    return answer.get_future().get();
}

void TestService::routes() {
    m_http.Get("/", [](const httplib::Request&, httplib::Response& res) {
        res.set_content(k_status_json, "application/json");
    });
    m_http.Delete("/", [this](const httplib::Request&, httplib::Response& res) {
        res.status = 204;
        stop();
    });
    m_http.Post("/", [this](const httplib::Request& req, httplib::Response& res) {
        auto params = parse_client_params(req.body);
        if (!params) {
            res.status = 400;
            res.set_content(params.error().message + "\n", "text/plain");
            return;
        }
        long id = m_next_id++;
        m_loop.post([this, id, p = std::move(params.value())]() mutable {
            auto client = std::make_unique<StreamClient>(m_loop, std::move(p));
            client->start();
            m_clients[id] = std::move(client);
        });
        res.status = 201;
        res.set_header("Location", "/streams/" + std::to_string(id));
    });
    m_http.Post(R"(/streams/(\d+))", [this](const httplib::Request& req, httplib::Response& res) {
        long id = std::stol(req.matches[1]);
        rapidjson::Document doc;
        doc.Parse(req.body.c_str(), req.body.size());
        std::string command =
            !doc.HasParseError() && doc.IsObject() && doc.HasMember("command") && doc["command"].IsString()
                ? doc["command"].GetString()
                : "";
        res.status = on_loop<int>([&] {
            auto it = m_clients.find(id);
            if (it == m_clients.end()) return 404;
            if (command == "restart") it->second->restart();
            // Every event type is reported anyway, so listening needs no action.
            else if (command != "listen")
                return 400;
            return 204;
        });
    });
    m_http.Delete(R"(/streams/(\d+))", [this](const httplib::Request& req, httplib::Response& res) {
        long id = std::stol(req.matches[1]);
        res.status = on_loop<int>([&] { return m_clients.erase(id) ? 204 : 404; });
    });
}

}  // namespace rtwatch::contract
