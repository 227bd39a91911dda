// Private to the net layer: one SSE connection attempt (a curl transfer) and
// the connection state that outlives attempts (parser, idle timer, redirects).
#pragma once

#include <optional>

#include "easy.hpp"
#include "loop_impl.hpp"
#include "rtwatch/net/sse_connection.hpp"

namespace rtwatch::net {

class SseAttempt final : public Transfer {
public:
    enum class Phase { headers, streaming, error_body };

    SseAttempt(SseConnection::Impl& connection, Request request, const TransportOptions& transport);
    CURL* handle() const override { return easy.handle; }
    void on_done(CURLcode result) override;

    SseConnection::Impl* connection;  // null once closed: callbacks stop
    Request request;
    detail::Easy easy;
    Response response;
    Phase phase = Phase::headers;
    std::optional<StreamEnd> decided;  // how it ends, known before curl finishes
    std::string redirect_url;
    bool curl_paused = false;  // a body callback returned CURL_WRITEFUNC_PAUSE

private:
    static size_t on_header(char* data, size_t size, size_t n, void* self);
    static size_t on_body(char* data, size_t size, size_t n, void* self);
    size_t collect_error_body(std::string_view bytes);
};

struct SseConnection::Impl final : PassListener {
    Impl(Loop& l, StreamHandler& h) : loop(l), handler(h), parser(h) {}
    ~Impl() {
        if (pass_pending) loop.impl().forget(*this);
    }
    Impl(const Impl&) = delete;
    Impl& operator=(const Impl&) = delete;
    void on_pass_done() override;

    void start_attempt(Request request);
    void drop_attempt();
    void finish(StreamEnd end);
    void arm_idle(TimePoint when);
    void on_idle_timer();
    void on_response_timer();
    bool on_headers_done(SseAttempt& attempt);
    bool on_stream_bytes(SseAttempt& attempt, std::string_view bytes);
    void on_attempt_done(SseAttempt& attempt, CURLcode result);
    void follow_redirect(SseAttempt& attempt);
    void resume();

    Loop& loop;
    StreamHandler& handler;
    sse::Parser parser;
    StreamOptions options;
    std::unique_ptr<SseAttempt> current;
    TimePoint last_byte{};
    Loop::Id idle_timer = 0;
    Loop::Id response_timer = 0;
    bool got_body = false;  // the current attempt's first stream body byte arrived
    int redirects = 0;
    bool paused = false;
    bool pass_pending = false;  // bytes arrived in this curl pass: on_chunk_done() after it
};

}  // namespace rtwatch::net
