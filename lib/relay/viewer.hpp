// One SSE viewer: what it selected, and what it has not been sent yet. The
// socket takes bytes as fast as the viewer reads; beyond a small amount
// unsent, events wait in a pending set keyed by resource, where a newer
// record of a resource replaces the older one (conflation). Level records
// are never dropped; the status keeps only its latest. A viewer with stages
// of its own (fields, where, throttle) runs a pipeline fed with the relay's
// committed records, so it gets what a plain run with that selection prints.
#pragma once

#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>

#include "rtwatch/app/config.hpp"
#include "rtwatch/app/pipeline.hpp"
#include "rtwatch/app/sink.hpp"
#include "rtwatch/diff/resource_key.hpp"
#include "rtwatch/net/http_server.hpp"
#include "rtwatch/net/loop.hpp"
#include "selection.hpp"

namespace rtwatch::relay {

// Unsent bytes past which events wait in the pending set.
inline constexpr std::size_t k_unsent_high = 64 * 1024;
// Level records pending past this: the viewer is cut (it is not reading).
inline constexpr std::size_t k_max_pending_unkeyed = 10'000;

// "id: ID\nevent: TYPE\ndata: DATA\n\n"; data is one line.
std::string sse_event(std::string_view type, std::string_view id, std::string_view data);

// How a viewer's own stages find what the relay knows: the event id for a
// sequence number, and a resource's levels (--level).
struct ViewerContext {
    std::function<std::string(std::uint64_t)> event_id;
    std::function<std::span<const output::NamedLevel>(const Record&)> levels;  // empty span: none
    std::uint64_t* conflated = nullptr;                                        // the relay's counter
};

class Viewer final : public app::RecordSink {
public:
    Viewer(net::HttpServer::ConnId conn, ViewerSelection selection, net::HttpServer& server, ViewerContext context);
    ~Viewer() override;

    net::HttpServer::ConnId conn() const { return m_conn; }
    const ViewerSelection& selection() const { return m_selection; }
    bool staged() const { return m_pipeline != nullptr; }

    // An event for this viewer. `key` set: a metrics record of that resource,
    // which a newer one may replace while it waits. `status`: replaced by a
    // newer status. Returns false when the viewer must be cut (overflow).
    bool push(std::string text, const diff::ResourceKeyView* key, bool status = false);
    // Moves waiting events to the socket while it takes them.
    void pump();
    // Everything pending goes to the socket (shutdown).
    void flush_all();
    std::size_t pending() const { return m_pending.size(); }

    // Staged viewers: a relay record goes through the viewer's stages; `seq`
    // is its event number. snapshot: written as a snapshot event.
    void feed(Record& record, std::uint64_t seq, TimePoint now, WallTime wall, bool snapshot);
    // The viewer's throttle or nothing: when its stages next have work.
    std::optional<TimePoint> next_deadline() const;
    void on_deadline(TimePoint now, WallTime wall);
    std::optional<net::Loop::Id> timer;
    std::optional<TimePoint> timer_at;

    // RecordSink: what the viewer's own stages commit.
    void metrics(const Record& record, std::span<const std::string_view> changed, WallTime now) override;
    void status(const app::StatusChange&, WallTime) override {}

private:
    struct Pending {
        std::string text;
        bool keyed = false;
        bool status = false;
        std::optional<diff::ResourceKey> key;
    };
    using List = std::list<Pending>;
    void erase(List::iterator it);

    net::HttpServer::ConnId m_conn;
    ViewerSelection m_selection;
    net::HttpServer& m_server;
    ViewerContext m_context;
    List m_pending;
    std::unordered_map<diff::ResourceKey, List::iterator, diff::ResourceKeyHash, diff::ResourceKeyEqual> m_by_key;
    std::optional<List::iterator> m_status;
    std::size_t m_unkeyed = 0;
    // Staged viewers only.
    std::unique_ptr<app::Config> m_config;
    std::unique_ptr<app::Pipeline> m_pipeline;
    std::uint64_t m_seq = 0;
    bool m_snapshot = false;
    std::string m_line;
};

}  // namespace rtwatch::relay
