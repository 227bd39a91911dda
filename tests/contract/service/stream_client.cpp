// The contract service's SSE client: reconnects after initialDelayMs (or the
// stream's retry:), stops on 204, and posts callbacks strictly in order.
#include "stream_client.hpp"

#include <fmt/format.h>

#include "rtwatch/core/json_text.hpp"

namespace rtwatch::contract {
namespace {

constexpr std::chrono::milliseconds k_default_delay{1000};
// The suite sends 7-14 MB events; rtwatch's own default stays at 1 MiB.
constexpr std::size_t k_max_event_bytes = 64u << 20;

std::string describe(const net::StreamEnd& end) {
    using Kind = net::StreamEnd::Kind;
    switch (end.kind) {
        case Kind::eof:
            return "stream closed by the server";
        case Kind::http_status:
            return fmt::format("HTTP status {}", end.status);
        case Kind::bad_content_type:
            return fmt::format("wrong Content-Type '{}'", end.content_type);
        case Kind::idle_timeout:
            return "read timeout: " + end.detail;
        case Kind::redirect_error:
            return "bad redirect: " + end.detail;
        case Kind::redirect_loop:
            return "redirect loop: " + end.detail;
        case Kind::transport_error:
            return "connection failed: " + end.detail;
        case Kind::closed:
            return "closed";
    }
    return end.detail;
}

}  // namespace

StreamClient::StreamClient(net::Loop& loop, ClientParams params)
    : m_loop(loop),
      m_params(std::move(params)),
      m_connection(loop, *this),
      m_delay(m_params.initial_delay_ms ? std::chrono::milliseconds(*m_params.initial_delay_ms) : k_default_delay) {
    if (m_params.last_event_id) m_connection.parser().set_last_event_id(*m_params.last_event_id);
}

StreamClient::~StreamClient() { stop(); }

void StreamClient::start() { connect(); }

void StreamClient::connect() {
    m_reconnect_timer = 0;
    if (m_stopped) return;
    net::StreamOptions o;
    o.request.url = m_params.stream_url;
    o.request.method = m_params.method;
    o.request.headers = m_params.headers;
    if (m_params.body) o.request.body = *m_params.body;
    if (m_params.read_timeout_ms) o.idle_timeout = Millis(*m_params.read_timeout_ms);
    o.parser.max_event_bytes = k_max_event_bytes;
    m_connection.open(o);  // drops any half-received event, keeps the last id
}

void StreamClient::restart() {
    if (m_stopped) return;
    if (m_reconnect_timer) m_loop.cancel_timer(m_reconnect_timer);
    m_connection.close();
    connect();
}

void StreamClient::stop() {
    m_stopped = true;
    if (m_reconnect_timer) m_loop.cancel_timer(m_reconnect_timer);
    m_reconnect_timer = 0;
    m_connection.close();
    if (m_in_flight) m_loop.cancel(m_in_flight);
    m_in_flight = 0;
    m_outbox.clear();
}

void StreamClient::on_event(const sse::Event& event) {
    std::string body = R"({"kind":"event","event":{"type":)";
    append_json_string(body, event.type);
    body += R"(,"data":)";
    append_json_string(body, event.data);
    body += R"(,"id":)";
    append_json_string(body, event.id);
    body += "}}";
    report(std::move(body));
}

void StreamClient::on_comment(std::string_view text) {
    std::string body = R"({"kind":"comment","comment":)";
    append_json_string(body, text);
    body += "}";
    report(std::move(body));
}

void StreamClient::on_retry(std::chrono::milliseconds delay) { m_delay = delay; }

void StreamClient::on_end(const net::StreamEnd& end) {
    std::string body = R"({"kind":"error","error":)";
    append_json_string(body, describe(end));
    body += "}";
    report(std::move(body));
    if (end.kind == net::StreamEnd::Kind::http_status && end.status == 204) {
        m_connection.close();  // the server asked the client to go away: no reconnect
        return;
    }
    m_reconnect_timer = m_loop.add_timer(m_loop.now() + m_delay, [this] { connect(); });
}

void StreamClient::report(std::string body) {
    if (m_stopped) return;
    m_outbox.push_back(std::move(body));
    send_next();
}

// One callback in flight: the suite orders by number, and a later number
// arriving first would only wait in its queue.
void StreamClient::send_next() {
    if (m_in_flight || m_outbox.empty() || m_stopped) return;
    net::Request r;
    r.method = "POST";
    r.url = fmt::format("{}/{}", m_params.callback_url, m_next_number++);
    r.headers = {"Content-Type: application/json"};
    r.body = std::move(m_outbox.front());
    m_outbox.pop_front();
    m_in_flight = m_loop.request(std::move(r), [this](net::Response) {
        m_in_flight = 0;
        send_next();
    });
}

}  // namespace rtwatch::contract
