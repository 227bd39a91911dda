// The WHATWG "server-sent events" stream parser: fed bytes in any chunking,
// it dispatches events, comments and retry values. Pure: no IO, no clock.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>

namespace rtwatch::sse {

// Views are valid only during the callback.
struct Event {
    std::string_view type;  // "message" when the stream gave none
    std::string_view data;  // data lines joined with '\n', final '\n' removed
    std::string_view id;    // the last-event-id in effect at dispatch
};

class Handler {
public:
    virtual ~Handler() = default;
    virtual void on_event(const Event& event) = 0;
    virtual void on_comment(std::string_view /*text after the colon*/) {}
    virtual void on_retry(std::chrono::milliseconds /*new reconnection time*/) {}
    // The event being built grew past max_event_bytes: it is dropped and the
    // parser skips to the next blank line.
    virtual void on_oversize(std::size_t /*max_event_bytes*/) {}
};

struct ParserOptions {
    std::size_t max_event_bytes = 1 << 20;
};

class Parser {
public:
    explicit Parser(Handler& handler, ParserOptions options = {});

    void feed(std::string_view bytes);
    // A new connection: drop any half-received event and line, expect a BOM
    // again. The last event id survives (it is sent as Last-Event-ID).
    void reset();

    const std::string& last_event_id() const { return m_last_event_id; }
    void set_last_event_id(std::string id) { m_last_event_id = std::move(id); }

private:
    // Implementation state (line buffer, data/type buffers, BOM and CR
    // tracking) lives here.
    Handler& m_handler;
    ParserOptions m_options;
    std::string m_last_event_id;
};

}  // namespace rtwatch::sse
