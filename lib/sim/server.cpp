// Server lifecycle: build the model, bind, serve, stop cleanly.
#include "genesys_hub.hpp"
#include "peer_socket.hpp"
#include "server_impl.hpp"

#include <cmath>

#include <fmt/format.h>

#include "rtwatch/core/log.hpp"

namespace rtwatch::sim {

SimServer::Impl::Impl(SimOptions o)
    : options(std::move(o)), tokens(std::chrono::duration<double>(options.token_lifetime_s)) {}

SimServer::Impl::~Impl() = default;

SimServer::SimServer(SimOptions options) : m_impl(std::make_unique<Impl>(std::move(options))) {}

SimServer::~SimServer() { stop(); }

namespace {

std::unique_ptr<httplib::Server> make_http(const SimOptions& o) {
    if (o.tls_cert.empty()) return std::make_unique<httplib::Server>();
    return std::make_unique<httplib::SSLServer>(o.tls_cert.c_str(), o.tls_key.c_str());
}

}  // namespace

Result<int> SimServer::start() {
    Impl& s = *m_impl;
    if (s.options.flat_out > 0) s.options.model.redundant_ratio = 1.0 - s.options.changed_ratio;
    s.model = std::make_unique<Model>(s.options.model);
    s.log = std::make_unique<EventLog>(*s.model, s.options.replay_window);
    if (s.options.flat_out > 0) build_flat_out(s);
    s.http = make_http(s.options);
    if (!s.http->is_valid())
        return make_error(ExitCode::usage, fmt::format("cannot use TLS certificate '{}' with key '{}': check both "
                                                       "files exist and hold a matching PEM certificate and key",
                                                       s.options.tls_cert, s.options.tls_key));
    const int threads = std::max(4, s.options.max_clients);
    s.http->new_task_queue = [threads] { return new httplib::ThreadPool(static_cast<size_t>(threads)); };
    s.http->set_write_timeout(s.options.write_timeout);
    s.http->set_keep_alive_timeout(5);
    if (s.options.platform == Platform::genesys) {
        s.genesys = std::make_unique<genesys::GenesysHub>(s);
        genesys::install_genesys_endpoints(s);
        genesys::install_genesys_controls(s);
    } else {
        install_token_endpoint(s);
        install_stream_endpoint(s);
        install_control_endpoints(s);
    }
    s.port = s.options.port == 0 ? s.http->bind_to_any_port(s.options.host)
                                 : (s.http->bind_to_port(s.options.host, s.options.port) ? s.options.port : -1);
    if (s.port <= 0)
        return make_error(ExitCode::usage, fmt::format("cannot listen on {}:{}: the address is in use or not local; "
                                                       "pick another --host/--port (0 picks a free port)",
                                                       s.options.host, s.options.port));
    if (!widen_listen_backlog(s.port, 1024))
        log::warn(
            "could not raise the listen backlog; many clients connecting "
            "at once may see 1 s connect delays");
    s.listener = std::thread([&s] { s.http->listen_after_bind(); });
    if (s.genesys)
        s.driver = std::thread([&s] { s.genesys->run(); });
    else if (s.options.flat_out == 0)
        s.driver = std::thread([&s] { run_driver(s); });
    return s.port;
}

std::string SimServer::url() const {
    return fmt::format("{}://{}:{}", m_impl->tls() ? "https" : "http", m_impl->options.host, m_impl->port);
}

void SimServer::stop() {
    Impl& s = *m_impl;
    {
        std::lock_guard lock(s.stop_mutex);
        s.stopping = true;
    }
    s.stop_cv.notify_all();
    if (s.log) s.log->wake();
    if (s.http) s.http->stop();
    if (s.listener.joinable()) s.listener.join();
    if (s.driver.joinable()) s.driver.join();
}

void send_canned(const CannedResponse& canned, httplib::Response& res) {
    res.status = canned.status;
    if (canned.retry_after_s)
        res.set_header("Retry-After", std::to_string(static_cast<int64_t>(std::ceil(*canned.retry_after_s))));
    if (canned.status == 204 || canned.status == 304) return;
    const std::string type = canned.content_type.empty() ? "application/json" : canned.content_type;
    std::string body = canned.body;
    if (body.empty() && canned.content_type.empty())
        body = fmt::format(R"({{"code":"injected","message":"status {} injected by a status fault"}})", canned.status);
    if (canned.status == 200 && body.empty() && type.rfind("text/event-stream", 0) == 0) {
        // An empty stream: headers, then the connection closes at once.
        res.set_content_provider(type, [](size_t, httplib::DataSink&) { return false; });
        return;
    }
    res.set_content(body, type.c_str());
}

}  // namespace rtwatch::sim
