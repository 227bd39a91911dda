// A viewer's pending set and its own stages.
#include "viewer.hpp"

#include <fmt/format.h>

#include "rtwatch/output/ndjson.hpp"

namespace rtwatch::relay {

std::string sse_event(std::string_view type, std::string_view id, std::string_view data) {
    std::string out;
    out.reserve(type.size() + id.size() + data.size() + 24);
    out.append("id: ").append(id).append("\nevent: ").append(type).append("\ndata: ").append(data).append("\n\n");
    return out;
}

Viewer::Viewer(net::HttpServer::ConnId conn, ViewerSelection selection, net::HttpServer& server, ViewerContext context)
    : m_conn(conn), m_selection(std::move(selection)), m_server(server), m_context(std::move(context)) {
    if (m_selection.staged()) {
        m_config = std::make_unique<app::Config>(stage_config(m_selection));
        m_pipeline = std::make_unique<app::Pipeline>(*m_config);
        m_pipeline->add_sink(*this);
    }
}

Viewer::~Viewer() = default;

bool Viewer::push(std::string text, const diff::ResourceKeyView* key, bool status) {
    if (m_pending.empty() && m_server.unsent(m_conn) < k_unsent_high) {
        m_server.send(m_conn, text);
        return true;
    }
    if (key) {
        auto it = m_by_key.find(*key);
        if (it != m_by_key.end()) {
            // Conflation: the newer state replaces the waiting one, and
            // moves to the end so events stay in id order.
            m_pending.erase(it->second);
            m_by_key.erase(it);
            if (m_context.conflated) ++*m_context.conflated;
        }
        m_pending.push_back(Pending{std::move(text), true, false, diff::ResourceKey(*key)});
        m_by_key.emplace(diff::ResourceKey(*key), std::prev(m_pending.end()));
        return true;
    }
    if (status && m_status) {
        m_pending.erase(*m_status);
        m_status.reset();
        --m_unkeyed;
    }
    m_pending.push_back(Pending{std::move(text), false, status, std::nullopt});
    ++m_unkeyed;
    if (status) m_status = std::prev(m_pending.end());
    return m_unkeyed <= k_max_pending_unkeyed;
}

void Viewer::erase(List::iterator it) {
    if (it->keyed)
        m_by_key.erase(*it->key);
    else
        --m_unkeyed;
    if (it->status) m_status.reset();
    m_pending.erase(it);
}

void Viewer::pump() {
    while (!m_pending.empty() && m_server.unsent(m_conn) < k_unsent_high) {
        auto it = m_pending.begin();
        std::string text = std::move(it->text);
        erase(it);
        m_server.send(m_conn, text);
    }
}

void Viewer::flush_all() {
    while (!m_pending.empty()) {
        auto it = m_pending.begin();
        std::string text = std::move(it->text);
        erase(it);
        m_server.send(m_conn, text);
    }
}

void Viewer::feed(Record& record, std::uint64_t seq, TimePoint now, WallTime wall, bool snapshot) {
    m_seq = seq;
    m_snapshot = snapshot;
    m_pipeline->begin_batch(wall);
    m_pipeline->on_record(record, now);
    m_snapshot = false;
}

std::optional<TimePoint> Viewer::next_deadline() const {
    return m_pipeline ? m_pipeline->next_deadline() : std::nullopt;
}

void Viewer::on_deadline(TimePoint now, WallTime wall) {
    m_pipeline->begin_batch(wall);
    m_pipeline->on_deadline(now);
}

void Viewer::metrics(const Record& record, std::span<const std::string_view> changed, WallTime now) {
    m_line.clear();
    auto levels = m_context.levels(record);
    std::span<const std::string_view> none;
    if (levels.empty())
        output::append_metrics_line(m_line, record, m_snapshot ? none : changed, now);
    else
        output::append_metrics_line(m_line, record, m_snapshot ? none : changed, levels, now);
    if (!m_line.empty() && m_line.back() == '\n') m_line.pop_back();
    auto key = diff::key_of(record);
    push(sse_event(m_snapshot ? "snapshot" : "metrics", m_context.event_id(m_seq), m_line), &key);
}

}  // namespace rtwatch::relay
