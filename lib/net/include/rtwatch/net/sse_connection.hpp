// One Server-Sent Events connection attempt over the loop: sends the SSE
// request headers, checks status and Content-Type, feeds the body to the
// parser, watches for idle silence, and reports how the attempt ended.
// Reconnecting is the caller's decision (see rtwatch/reconnect).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "rtwatch/core/duration.hpp"
#include "rtwatch/net/loop.hpp"
#include "rtwatch/sse/parser.hpp"

namespace rtwatch::net {

struct StreamEnd {
    enum class Kind {
        eof,               // the server closed a 200 stream
        transport_error,   // connect/TLS/read failure (detail says which)
        http_status,       // a non-200 status (204 included)
        bad_content_type,  // 200 but not text/event-stream
        idle_timeout,      // no bytes at all for the idle timeout
        redirect_error,    // a redirect without a usable Location, or from https to http
        redirect_loop,     // more redirects than any working setup needs
        closed,            // the caller called close()
    };
    Kind kind = Kind::eof;
    long status = 0;
    std::string retry_after;  // raw Retry-After header
    std::string body;         // error body (capped), for messages
    std::string content_type;
    std::string detail;                  // human text for logs
    bool untrusted_certificate = false;  // transport_error from TLS verification: retrying cannot help
};

class StreamHandler : public sse::Handler {
public:
    // 200 with an event-stream content type: the stream is live.
    virtual void on_open(const Response& /*status and headers*/) {}
    // Raw body bytes, before parsing (for --record).
    virtual void on_bytes(std::string_view /*bytes*/) {}
    // After the bytes of one read have been parsed: once per loop pass that
    // brought bytes, however many HTTP chunks they came in (a good moment to
    // flush output).
    virtual void on_chunk_done() {}
    virtual void on_end(const StreamEnd& end) = 0;
};

struct StreamOptions {
    Request request;                     // url, method, body, extra headers (e.g. Authorization)
    std::optional<Millis> idle_timeout;  // none = wait forever
    // From the start of an attempt to its first body byte (or the end of an
    // error body): a server that accepts and goes silent, drips headers or
    // sends 1xx for ever ends as a transport error. None = no limit.
    std::optional<Millis> response_timeout;
    sse::ParserOptions parser;
};

class SseConnection {
public:
    SseConnection(Loop& loop, StreamHandler& handler);
    ~SseConnection();

    // Starts an attempt. Adds Accept: text/event-stream, Cache-Control:
    // no-cache and Last-Event-ID (when the parser has one) to the request.
    // The parser is reset (half events dropped), its last event id kept.
    void open(const StreamOptions& options);
    // Ends the current attempt silently: on_end is not called.
    void close();
    bool is_open() const;
    // Stop taking body bytes (curl keeps them) until resume(); the idle
    // watchdog does not count a pause as silence. Lasts across attempts.
    void pause();
    void resume();

    sse::Parser& parser();

    struct Impl;

private:
    std::unique_ptr<Impl> m_impl;
};

}  // namespace rtwatch::net
