// The stream a live source reads: opened with a request, closed, paused.
// An interface, so tests drive the source's reconnect rules with a scripted
// stream on a fake clock; SseEventStream is the real one, over libcurl.
#pragma once

#include <string>

#include "rtwatch/net/sse_connection.hpp"

namespace rtwatch::app {

class EventStream {
public:
    virtual ~EventStream() = default;
    // Events, bytes and the end go to the handler the stream was made with.
    virtual void open(const net::StreamOptions& options) = 0;
    // No handler calls after close().
    virtual void close() = 0;
    virtual bool is_open() const = 0;
    virtual void pause() = 0;
    virtual void resume() = 0;
    // The last event id seen: sent as Last-Event-ID by the next open().
    virtual const std::string& last_event_id() = 0;
};

class SseEventStream final : public EventStream {
public:
    SseEventStream(net::Loop& loop, net::StreamHandler& handler) : m_connection(loop, handler) {}
    void open(const net::StreamOptions& options) override { m_connection.open(options); }
    void close() override { m_connection.close(); }
    bool is_open() const override { return m_connection.is_open(); }
    void pause() override { m_connection.pause(); }
    void resume() override { m_connection.resume(); }
    const std::string& last_event_id() override { return m_connection.parser().last_event_id(); }

private:
    net::SseConnection m_connection;
};

}  // namespace rtwatch::app
