// A fresh SSE connection starts with a snapshot whose events carry no id
// but the last: holding them until that id arrives gives every snapshot
// record the id it came from, and tells a complete snapshot from one a drop
// cut short (which is dropped: the next connection sends a new one).
#pragma once

#include <cstdint>

#include <cstddef>
#include <string>
#include <vector>

#include "rtwatch/app/source.hpp"

namespace rtwatch::app {

// The comment line --record writes where a connection starts (after a line
// end of its own when the last connection stopped mid-line); a replay drops
// the event the last connection left unfinished there.
inline constexpr std::string_view k_connection_marker = ":rtwatch-connection\n";
inline constexpr std::string_view k_connection_comment = "rtwatch-connection";

class SnapshotGate {
public:
    // A new connection: its first events are a snapshot (or a replay,
    // whose events carry ids and pass at once).
    void connection_opened();
    // The connection ended: a snapshot still held was cut short.
    void connection_lost();
    // An event of the stream (`has_id`: it carried an id field itself):
    // passed to `listener` now, or held.
    void offer(const SourceEvent& event, bool has_id, SourceListener& listener);
    // A comment: with nothing held, the snapshot was empty.
    void comment(SourceListener& listener);
    // End of input (replay): what is held goes on with the ids it has.
    void end_of_input(SourceListener& listener);
    // No more input for now (replay caught up with a live writer): what is
    // held goes on with the ids it has, and the snapshot is complete.
    void flush_held(SourceListener& listener);
    bool open() const { return m_open; }

private:
    // A held event's texts lie in m_arena one after another: a snapshot of
    // 50,000 events is one buffer, not 150,000 strings.
    struct Held {
        std::uint32_t type, data, raw_id;  // sizes
    };
    void release(std::string_view id, SourceListener& listener);
    void drop_held();

    std::vector<Held> m_held;
    std::string m_arena;
    std::size_t m_held_bytes = 0;
    bool m_open = true;
};

}  // namespace rtwatch::app
