// One SSE client of the contract test service: an SseConnection of rtwatch's
// net layer plus the reconnect rules the suite expects, reporting what it
// sees as numbered callbacks, one in flight at a time, in order.
#pragma once

#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "rtwatch/net/sse_connection.hpp"

namespace rtwatch::contract {

struct ClientParams {
    std::string stream_url;
    std::string callback_url;
    std::string tag;
    std::optional<long> initial_delay_ms;  // null: the default, 1 s
    std::optional<long> read_timeout_ms;   // null: no idle timeout
    std::optional<std::string> last_event_id;
    std::vector<std::string> headers;  // "name: value"
    std::string method = "GET";
    std::optional<std::string> body;
};

class StreamClient final : public net::StreamHandler {
public:
    StreamClient(net::Loop& loop, ClientParams params);
    ~StreamClient() override;

    void start();
    // Drop the connection and connect again at once; no error is reported.
    void restart();
    // Stop for good: no more requests, no more callbacks.
    void stop();

    void on_event(const sse::Event& event) override;
    void on_comment(std::string_view text) override;
    void on_retry(std::chrono::milliseconds delay) override;
    void on_end(const net::StreamEnd& end) override;

private:
    void connect();
    void report(std::string body);
    void send_next();

    net::Loop& m_loop;
    ClientParams m_params;
    net::SseConnection m_connection;
    std::chrono::milliseconds m_delay;
    net::Loop::Id m_reconnect_timer = 0;
    bool m_stopped = false;

    std::deque<std::string> m_outbox;  // numbered callback bodies not yet sent
    long m_next_number = 1;
    net::Loop::Id m_in_flight = 0;
};

}  // namespace rtwatch::contract
