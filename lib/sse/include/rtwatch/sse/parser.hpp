// The WHATWG "server-sent events" stream parser: fed bytes in any chunking,
// it dispatches events, comments and retry values. Pure: no IO, no clock.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>

namespace rtwatch::sse {

// Views are valid only during the callback (for all of it, even after the
// callback calls Parser::reset()).
struct Event {
    std::string_view type;  // "message" when the stream gave none
    std::string_view data;  // data lines joined with '\n', final '\n' removed
    std::string_view id;    // the last-event-id in effect at dispatch
    bool has_id = false;    // the event carried an id field itself
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
    // The bytes the next events will be parsed from (a window of at most
    // k_ahead_bytes of the chunk being fed), before any of their lines: for
    // a handler that prefetches what those events will need. Must not call
    // back into the parser. (Announcing a window earlier measured no faster.)
    virtual void on_ahead(std::string_view /*bytes*/) {}
    static constexpr std::size_t k_ahead_bytes = 16 * 1024;
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
    // Called from inside a handler callback, it also ends the running feed():
    // the rest of that chunk belongs to the connection being dropped.
    void reset();

    // Drops the event being read (its fields so far), from a callback too,
    // and goes on parsing: for a capture where one connection's bytes
    // follow another's.
    void discard_event() { drop_event(); }
    const std::string& last_event_id() const { return m_last_event_id; }
    void set_last_event_id(std::string id);

    const ParserOptions& options() const { return m_options; }
    void set_options(const ParserOptions& options) { m_options = options; }

private:
    // A field value of the event being read. While the event lies in the
    // chunk being fed it is a view into the caller's bytes (no copy on the
    // hot path); own() copies it before those bytes go away.
    class HeldText {
    public:
        std::string_view view() const { return m_view; }
        void set(std::string_view text) { m_view = text; }
        void append_line(std::string_view text);  // joins with '\n'
        void own();
        void clear() { m_view = {}; }  // keeps the owned buffer's capacity

    private:
        std::string_view m_view;
        std::string m_owned;
    };

    void feed_chunk(std::string_view bytes);
    void feed_lines(std::string_view bytes);
    std::size_t skip_bom(std::string_view bytes);
    void keep_partial_line(std::string_view tail);
    void take_line(std::string_view line);
    bool fits(std::size_t line_bytes) const;
    void process_line(std::string_view line);
    void set_id(std::string_view value);
    void append_data(std::string_view value);
    void process_retry(std::string_view value);
    void dispatch();
    void start_oversize_skip();
    void drop_event();
    void own_event_values();

    Handler& m_handler;
    ParserOptions m_options;
    std::string m_last_event_id;  // committed at dispatch (WHATWG "last event ID string")
    HeldText m_id;                // set by id: fields of the event being read
    bool m_id_pending = false;    // m_id holds an id not yet committed
    std::string m_line;           // a line split across chunks
    HeldText m_data;              // data lines joined with '\n'
    HeldText m_type;
    bool m_has_data = false;  // at least one data line (data may still be empty)
    bool m_after_cr = false;  // last chunk ended in CR: swallow a leading LF
    bool m_skipping = false;  // oversize: dropping lines up to the next blank one
    bool m_skip_line_started = false;
    unsigned m_bom_seen = 0;  // bytes of a leading BOM matched so far
    bool m_bom_done = false;
    unsigned m_generation = 0;  // bumped by reset(): a running feed() stops
};

}  // namespace rtwatch::sse
