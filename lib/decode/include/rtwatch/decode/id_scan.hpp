// Finds the resource ids in raw stream bytes ahead of parsing, for
// prefetching only: `"queueId":"ID"` (agentId, skillId) anywhere, an id
// without escapes. Fast and approximate by design: a miss or a false find
// costs a useless prefetch, never a wrong record, since the decoder alone
// decides what an event holds.
#pragma once

#include <algorithm>
#include <cstring>
#include <string_view>

#include "rtwatch/core/record.hpp"

namespace rtwatch::decode {

// Calls fn(ResourceKind, std::string_view id) for each id found, in order,
// until fn returns false.
template <class Fn>
void scan_ids(std::string_view bytes, Fn&& fn) {
    // The three key names are five letters and "Id"; a capital I is rare
    // elsewhere in these events, so memchr finds candidates at full speed.
    constexpr std::size_t k_max_id = 256;
    const char* const begin = bytes.data();
    const char* const end = begin + bytes.size();
    const char* p = begin;
    while (p < end && (p = static_cast<const char*>(std::memchr(p, 'I', static_cast<std::size_t>(end - p))))) {
        if (end - p < 5 || p - begin < 6 || std::memcmp(p, "Id\":\"", 5) != 0 || p[-6] != '"') {
            ++p;
            continue;
        }
        ResourceKind kind;
        if (std::memcmp(p - 5, "queue", 5) == 0)
            kind = ResourceKind::queue;
        else if (std::memcmp(p - 5, "agent", 5) == 0)
            kind = ResourceKind::agent;
        else if (std::memcmp(p - 5, "skill", 5) == 0)
            kind = ResourceKind::skill;
        else {
            ++p;
            continue;
        }
        const char* id = p + 5;
        const std::size_t room = std::min(k_max_id, static_cast<std::size_t>(end - id));
        const char* close = static_cast<const char*>(std::memchr(id, '"', room));
        if (!close) return;  // cut off by the window (or too long to matter)
        if (!fn(kind, std::string_view(id, static_cast<std::size_t>(close - id)))) return;
        p = close + 1;
    }
}

}  // namespace rtwatch::decode
