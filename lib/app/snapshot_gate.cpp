// Holding and releasing a connection's snapshot.
#include "rtwatch/app/snapshot_gate.hpp"

#include "rtwatch/core/log.hpp"

namespace rtwatch::app {

namespace {

// A snapshot larger than this is passed on as it comes (records without
// ids), rather than held without bound.
constexpr std::size_t k_max_held_bytes = 64 << 20;

}  // namespace

void SnapshotGate::connection_opened() {
    drop_held();
    m_open = false;
}

void SnapshotGate::connection_lost() {
    if (!m_held.empty())
        log::debug("the connection ended {} events into its snapshot: waiting for the next one", m_held.size());
    drop_held();
    m_open = true;
}

void SnapshotGate::offer(const SourceEvent& event, bool has_id, SourceListener& listener) {
    if (m_open || event.type != "data") return listener.event(event);
    if (!has_id && m_held_bytes + event.data.size() <= k_max_held_bytes) {
        m_held.push_back(Held{static_cast<std::uint32_t>(event.type.size()),
                              static_cast<std::uint32_t>(event.data.size()),
                              static_cast<std::uint32_t>(event.raw_id.size())});
        m_arena.append(event.type).append(event.data).append(event.raw_id);
        m_held_bytes += event.data.size();
        return;
    }
    if (!has_id) log::warn("a snapshot of more than {} bytes: passing it on without event ids", k_max_held_bytes);
    release(has_id ? event.id : std::string_view(), listener);
    listener.event(event);
    listener.snapshot_complete();
}

void SnapshotGate::comment(SourceListener& listener) {
    if (m_open || !m_held.empty()) return;
    m_open = true;
    listener.snapshot_complete();
}

void SnapshotGate::end_of_input(SourceListener& listener) {
    if (m_open) return;
    release({}, listener);
    listener.snapshot_complete();
}

void SnapshotGate::flush_held(SourceListener& listener) {
    if (m_open || m_held.empty()) return;
    release({}, listener);
    listener.snapshot_complete();
}

void SnapshotGate::release(std::string_view id, SourceListener& listener) {
    m_open = true;
    std::string owned(id);  // `id` may view the parser's buffer
    std::string_view rest = m_arena;
    auto take = [&rest](std::uint32_t n) {
        std::string_view part = rest.substr(0, n);
        rest.remove_prefix(n);
        return part;
    };
    for (const Held& h : m_held) {
        std::string_view type = take(h.type), data = take(h.data), raw_id = take(h.raw_id);
        listener.event(SourceEvent{type, data, owned, raw_id});
    }
    drop_held();
}

// A snapshot is held once per connection: its memory goes back, not kept for the next.
void SnapshotGate::drop_held() {
    std::vector<Held>().swap(m_held);
    std::string().swap(m_arena);
    m_held_bytes = 0;
}

}  // namespace rtwatch::app
